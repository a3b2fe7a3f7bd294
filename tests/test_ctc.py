"""CTC loss, gradient and decoders (rnnbook.scratch.ctc) against TensorFlow, brute force and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.scratch import ctc
from rnnbook.scratch.gradcheck import gradcheck
from rnnbook.utils import silence_tensorflow

silence_tensorflow()
import keras
import tensorflow as tf


def _random_batch(seed: int, blank: int, B: int = 5, T: int = 14, K: int = 6, L: int = 5):
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=2.0, size=(B, T, K))
    blank_idx = blank % K
    non_blank = np.array([k for k in range(K) if k != blank_idx])
    labels = non_blank[rng.integers(0, K - 1, size=(B, L))]
    labels[0, 1] = labels[0, 0]  # a repeated label that needs a blank between its copies
    input_lengths = np.array([T, T - 3, T - 5, 9, T][:B])
    label_lengths = np.array([L, 3, 2, 0, 4][:B])
    return logits, labels, input_lengths, label_lengths


def _tf_loss_and_grad(logits, labels, input_lengths, label_lengths, blank):
    x = tf.constant(logits, tf.float32)  # the TF kernel is float32-only
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.nn.ctc_loss(
            tf.constant(labels, tf.int32),
            x,
            tf.constant(label_lengths, tf.int32),
            tf.constant(input_lengths, tf.int32),
            logits_time_major=False,
            blank_index=blank,
        )
    return loss.numpy(), tape.gradient(loss, x).numpy()


@pytest.mark.parametrize("blank", [0, -1])
@pytest.mark.parametrize("seed", [0, 1])
def test_loss_and_grad_match_tf(blank: int, seed: int) -> None:
    logits, labels, tl, ll = _random_batch(seed, blank)
    loss, grad = ctc.ctc_loss_and_grad(logits, labels, tl, ll, blank=blank)
    tf_loss, tf_grad = _tf_loss_and_grad(logits, labels, tl, ll, blank)
    np.testing.assert_allclose(loss, tf_loss, rtol=1e-5)  # float32 on the TF side
    np.testing.assert_allclose(grad, tf_grad, atol=1e-5)
    # frames past each input length get no gradient
    for b in range(len(tl)):
        assert np.all(grad[b, tl[b] :] == 0.0)


def test_loss_matches_keras_ops() -> None:
    logits, labels, tl, ll = _random_batch(3, 0)
    # keras.ops.ctc_loss takes logits (it calls tf.nn.ctc_loss); labels padded with the mask index (the blank, 0)
    padded = np.where(np.arange(labels.shape[1])[None, :] < ll[:, None], labels, 0)
    k = keras.ops.convert_to_numpy(keras.ops.ctc_loss(padded, logits.astype("float32"), ll, tl, mask_index=0))
    np.testing.assert_allclose(ctc.ctc_loss(logits, labels, tl, ll), k, rtol=1e-4)


@pytest.mark.parametrize("blank", [0, 2, -1])
@pytest.mark.parametrize("label", [[1], [1, 1], [1, 2], [2, 1, 2], []])
def test_loss_equals_brute_force_sum_over_alignments(blank: int, label: list[int]) -> None:
    rng = np.random.default_rng(len(label) + 10 * (blank % 4))
    T, K = 6, 4
    blank_idx = blank % K
    symbols = [k for k in range(K) if k != blank_idx]
    lab = [symbols[i - 1] for i in label]  # map 1.. onto the non-blank classes
    logits = rng.normal(size=(T, K))
    got = ctc.ctc_loss(logits[None], np.array([lab + [symbols[0]]]), np.array([T]), np.array([len(lab)]), blank=blank)
    np.testing.assert_allclose(got[0], ctc.ctc_brute_force_loss(logits, lab, blank=blank), rtol=1e-10)


def test_brute_force_labelling_probabilities_sum_to_one() -> None:
    logits = np.random.default_rng(0).normal(size=(4, 3))
    probs = np.exp(list(ctc.ctc_labelling_log_probs(logits).values()))
    np.testing.assert_allclose(probs.sum(), 1.0, rtol=1e-12)


def test_min_input_length_counts_repeats() -> None:
    assert ctc.ctc_min_input_length([1, 2, 3]) == 3
    assert ctc.ctc_min_input_length([1, 1, 2, 2, 2]) == 8
    assert ctc.ctc_min_input_length([]) == 0


@pytest.mark.parametrize(("label", "T"), [([1, 2, 3], 2), ([1, 1], 2), ([3, 3, 3], 4)])
def test_impossible_alignment_gives_inf_and_zero_grad_or_raises(label: list[int], T: int) -> None:
    logits = np.random.default_rng(0).normal(size=(2, 5, 4))
    labels = np.array([label, label])
    tl = np.array([T, 5])  # example 1 is long enough, example 0 is not
    ll = np.array([len(label), len(label)])
    loss, grad = ctc.ctc_loss_and_grad(logits, labels, tl, ll)
    assert loss[0] == np.inf and np.all(grad[0] == 0.0)
    assert np.isfinite(loss[1]) and np.all(np.isfinite(grad[1]))
    assert T + 1 >= ctc.ctc_min_input_length(label) > T  # the boundary: one frame more would do
    with pytest.raises(ValueError, match="needs at least"):
        ctc.ctc_loss(logits, labels, tl, ll, impossible="raise")


def test_exactly_enough_frames_is_possible() -> None:
    label = [2, 2, 3]  # needs 4 frames: 2 _ 2 3
    logits = np.random.default_rng(1).normal(size=(1, 4, 4))
    loss = ctc.ctc_loss(logits, np.array([label]), np.array([4]), np.array([3]))
    np.testing.assert_allclose(loss[0], ctc.ctc_brute_force_loss(logits[0], label), rtol=1e-10)


@pytest.mark.parametrize("blank", [0, -1])
def test_gradcheck(blank: int) -> None:
    logits, labels, tl, ll = _random_batch(7, blank, B=3, T=7, K=4, L=3)
    logits = np.ascontiguousarray(logits)
    _, grad = ctc.ctc_loss_and_grad(logits, labels, tl, ll, blank=blank)
    err = gradcheck(lambda: float(ctc.ctc_loss(logits, labels, tl, ll, blank=blank).sum()), {"logits": logits}, {"logits": grad})
    assert err["logits"] < 1e-6


def test_bad_inputs_raise() -> None:
    x = np.zeros((2, 5, 4))
    with pytest.raises(ValueError, match=r"\(B, T, K\)"):
        ctc.ctc_loss(x[0], np.zeros((2, 1), int), np.array([5, 5]), np.array([1, 1]))
    with pytest.raises(ValueError, match="differ from the blank"):
        ctc.ctc_loss(x, np.array([[0], [1]]), np.array([5, 5]), np.array([1, 1]))
    with pytest.raises(ValueError, match="input_lengths"):
        ctc.ctc_loss(x, np.array([[1], [1]]), np.array([6, 5]), np.array([1, 1]))
    with pytest.raises(ValueError, match="label_lengths"):
        ctc.ctc_loss(x, np.array([[1], [1]]), np.array([5, 5]), np.array([2, 1]))


def test_collapse_merges_repeats_then_removes_blanks() -> None:
    assert ctc.ctc_collapse([1, 1, 0, 1, 2, 2, 0]) == [1, 1, 2]
    assert ctc.ctc_collapse([0, 0, 0]) == []
    assert ctc.ctc_collapse([3, 3, 1, 3], blank=3) == [1]


def test_greedy_decode_on_known_paths_and_keras() -> None:
    K = 4
    paths = np.array([[1, 1, 0, 1, 2, 2, 0, 3], [0, 3, 3, 3, 0, 0, 2, 2]])
    logits = np.where(np.arange(K)[None, None, :] == paths[:, :, None], 5.0, 0.0)
    assert ctc.ctc_greedy_decode(logits) == [[1, 1, 2, 3], [3, 2]]
    assert ctc.ctc_greedy_decode(logits, np.array([3, 8])) == [[1], [3, 2]]
    # blank = last class
    assert ctc.ctc_greedy_decode(logits, blank=-1) == [[1, 0, 1, 2, 0], [0, 0, 2]]
    dec, _ = keras.ops.ctc_decode(keras.ops.convert_to_tensor(logits, "float32"), np.array([8, 8]), strategy="greedy", mask_index=0)
    dec = keras.ops.convert_to_numpy(dec)[0]
    assert [[int(v) for v in row if v >= 0] for row in dec] == [[1, 1, 2, 3], [3, 2]]


def test_beam_width_one_equals_greedy_on_peaky_posteriors() -> None:
    # when one class dominates every frame (p > 0.5), beam width 1 follows the best path
    rng = np.random.default_rng(0)
    B, T, K = 20, 15, 5
    paths = rng.integers(0, K, size=(B, T))
    logits = rng.normal(scale=0.3, size=(B, T, K)) + 4.0 * (np.arange(K)[None, None, :] == paths[:, :, None])
    assert np.all(np.max(np.exp(logits) / np.exp(logits).sum(-1, keepdims=True), -1) > 0.5)
    beams = ctc.ctc_prefix_beam_search(logits, beam_width=1)
    assert [b[0][0] for b in beams] == ctc.ctc_greedy_decode(logits)


def test_beam_search_can_beat_best_path() -> None:
    # the classic example: best path is "_" (blank twice), but the labelling "1" is more probable
    probs = np.array([[0.6, 0.4], [0.6, 0.4]])  # p(_ _) = .36 ; p("1") = .4*.4 + .4*.6 + .6*.4 = .64
    logits = np.log(probs)[None]
    assert ctc.ctc_greedy_decode(logits) == [[]]
    (best, logp), *_ = ctc.ctc_prefix_beam_search(logits, beam_width=4)[0]
    assert best == [1]
    np.testing.assert_allclose(np.exp(logp), 0.64, rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("blank", [0, -1])
def test_beam_search_finds_most_probable_labelling(seed: int, blank: int) -> None:
    rng = np.random.default_rng(seed)
    T, K = 6, 3
    logits = rng.normal(scale=1.5, size=(T, K))
    table = ctc.ctc_labelling_log_probs(logits, blank=blank)
    best = max(table, key=table.get)
    ranked = ctc.ctc_prefix_beam_search(logits[None], beam_width=64, blank=blank)[0]
    assert tuple(ranked[0][0]) == best
    # with a beam wide enough to keep every prefix, the scores are exact labelling probabilities
    for labels, logp in ranked:
        np.testing.assert_allclose(logp, table[tuple(labels)], rtol=1e-10)


def test_edit_distance() -> None:
    assert ctc.edit_distance([1, 2, 3], [1, 2, 3]) == 0
    assert ctc.edit_distance([1, 2, 3], [1, 3]) == 1
    assert ctc.edit_distance([1, 2, 3], [4, 1, 2, 5]) == 2
    assert ctc.edit_distance([], [1, 2]) == 2


def test_decoders_and_collapse_reject_bad_inputs() -> None:
    """NaN logits, 2-D paths, non-integer beam widths and lengths fail with a clear error."""
    from rnnbook.scratch.ctc import ctc_collapse, ctc_greedy_decode, ctc_prefix_beam_search

    x = np.zeros((1, 3, 3))
    x[0, 1, 2] = np.nan
    with pytest.raises(ValueError, match="logits contains 1 non-finite"):
        ctc_greedy_decode(x)
    with pytest.raises(ValueError, match="logits contains 1 non-finite"):
        ctc_prefix_beam_search(x)
    with pytest.raises(ValueError, match="path must be a 1-D"):
        ctc_collapse(np.array([[1, 1], [0, 2]]))
    with pytest.raises(ValueError, match="path must be a 1-D"):
        ctc_collapse([0.5, 1.0])
    with pytest.raises(TypeError, match="beam_width must be an integer"):
        ctc_prefix_beam_search(np.zeros((1, 3, 3)), beam_width=2.5)
    with pytest.raises(ValueError, match="input_lengths must be integers"):
        ctc_greedy_decode(np.zeros((1, 3, 3)), input_lengths=np.array([2.5]))
    with pytest.raises(TypeError, match="blank must be an integer"):
        ctc_greedy_decode(np.zeros((1, 3, 3)), blank=0.0)
    assert ctc_collapse([]) == []
