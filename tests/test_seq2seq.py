"""Chapter 12's encoder-decoder: the decoding step model agrees with the teacher-forced model;
the Dice word-by-word baseline."""

from __future__ import annotations

import os

import numpy as np
import pytest

from rnnbook.decoding import greedy_decode
from rnnbook.seq2seq import build_seq2seq, dice_lexicon, make_step_fn, word_by_word


@pytest.mark.parametrize("attention", [False, True])
def test_step_model_reproduces_teacher_forced_logits(attention):
    import keras

    keras.utils.set_random_seed(0)
    train, encoder, step = build_seq2seq(11, 13, units=8, emb=4, attention=attention)
    src = np.array([[4, 5, 6, 2, 0], [7, 2, 0, 0, 0]], dtype=np.int32)
    tgt_in = np.array([[1, 5, 9, 3], [1, 12, 2, 0]], dtype=np.int32)
    logits = np.asarray(train([src, tgt_in]))
    expected = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    enc_out, h = (np.asarray(a) for a in encoder(src))
    f = make_step_fn(step)
    state = (h, enc_out, src != 0)
    for t in range(3):  # the first row's real target steps
        log_probs, state = f(tgt_in[:, t], state)
        np.testing.assert_allclose(log_probs[0], expected[0, t], atol=1e-5)
        if attention:
            np.testing.assert_allclose(f.last_weights.sum(-1), 1.0, atol=1e-6)
            assert np.all(f.last_weights[1, 2:] == 0)  # padded source positions get no weight
    # greedy decoding through rnnbook.decoding runs on the step function
    hyp = greedy_decode(f, (h[:1], enc_out[:1], src[:1] != 0), bos_id=1, eos_id=2, max_len=6)
    assert 1 <= len(hyp.tokens) <= 6


def test_build_rejects_bad_sizes():
    with pytest.raises(ValueError, match="units"):
        build_seq2seq(10, 10, units=0)


def test_dice_lexicon_ties_do_not_depend_on_the_hash_seed():
    # "x", "y" and "z" tie for "a" (same Dice, same count): the first seen wins, in every process
    import subprocess
    import sys

    code = (
        "from rnnbook.seq2seq import dice_lexicon; "
        "print(dice_lexicon([['a', 'b'], ['b', 'a']], [['z', 'y', 'x'], ['x', 'y', 'z']]))"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ | {"PYTHONHASHSEED": str(seed)}
        ).stdout
        for seed in range(1, 6)
    }
    assert outs == {"{'a': 'z', 'b': 'z'}\n"}


def test_dice_lexicon_brute_force():
    src = [["le", "chat"], ["le", "chien"], ["un", "chat"]]  # reversed roles do not matter here
    tgt = [["the", "cat"], ["the", "dog"], ["a", "cat"]]
    lex = dice_lexicon(src, tgt, min_count=1)
    # Dice(le, the) = 2*2/(2+2) = 1; Dice(chat, cat) = 1; Dice(chien, dog) = 1; Dice(un, a) = 1
    assert lex == {"le": "the", "chat": "cat", "chien": "dog", "un": "a"}
    assert dice_lexicon(src, tgt, min_count=2) == {"le": "the", "chat": "cat"}
    assert word_by_word(["le", "chat", "noir"], lex) == ["the", "cat"]
    assert word_by_word(["le", "le"], lex) == ["the"]


def test_dice_rejects_bad_input():
    with pytest.raises(ValueError, match="same number"):
        dice_lexicon([["a"]], [])
    with pytest.raises(TypeError, match="token lists"):
        dice_lexicon(["ab"], ["cd"])
    with pytest.raises(ValueError, match="min_count"):
        dice_lexicon([["a"]], [["b"]], min_count=0)


def test_building_the_optimizer_before_fit_saves_a_trace_and_changes_nothing():
    # chapter 12 calls optimizer.build before fit: Keras (TensorFlow backend) otherwise creates
    # Adam's variables while tracing the first training step, and the step is traced twice
    import keras

    x = np.arange(12, dtype="float32").reshape(4, 3) / 10
    y = np.array([0, 1, 1, 0])
    weights, traces = {}, {}
    for build_first in (False, True):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        model.compile(keras.optimizers.Adam(1e-2), loss)
        if build_first:
            model.optimizer.build(model.trainable_variables)
        traced, train_step = [], model.train_step

        def counting_step(data, traced=traced, train_step=train_step):
            traced.append(1)  # runs only while tracing: the graph does not call Python
            return train_step(data)

        model.train_step = counting_step
        model.fit(x, y, batch_size=2, epochs=3, verbose=0)
        weights[build_first], traces[build_first] = model.get_weights(), len(traced)
    assert traces == {False: 2, True: 1}
    for a, b in zip(weights[False], weights[True]):
        np.testing.assert_array_equal(a, b)
