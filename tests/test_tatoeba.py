"""Tatoeba loader and the chapter 12 text pipeline."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.data import ChecksumError, Vocab, detokenize, load_tatoeba, normalize, split_pairs, tokenize


def test_load_counts_and_first_pairs():
    fr = load_tatoeba("en-fr")
    zh = load_tatoeba("en-zh")
    assert len(fr) == 16881 and len(zh) == 13529
    assert fr[0] == ("Go.", "Va !")
    assert zh[0] == ("Hi.", "嗨。")
    assert all(len(e.split(" ")) <= 6 for e, _ in fr + zh)
    assert all(len(f.split(" ")) <= 8 for _, f in fr)
    assert all(len(c) <= 10 for _, c in zh)


def test_load_rejects_unknown_pair_and_corrupt_file(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="pair must be one of"):
        load_tatoeba("en-de")
    (tmp_path / "tatoeba").mkdir()
    (tmp_path / "tatoeba" / "fra-eng-short.txt").write_text("Go.\tVa !\n", encoding="utf-8")
    monkeypatch.setenv("RNNBOOK_DATA_DIR", str(tmp_path))
    with pytest.raises(ChecksumError):
        load_tatoeba("en-fr")


def test_normalize_and_tokenize():
    assert normalize("Va\u202f!", "fr") == "va !"
    assert normalize("J’ai vu l'homme, non\u00a0?", "fr") == "j' ai vu l' homme , non ?"
    assert normalize("I don't KNOW.", "en") == "i don't know ."
    assert normalize("你好，世界。", "zh") == "你好,世界."
    assert tokenize("j' ai vu .", "fr") == ["j'", "ai", "vu", "."]
    assert tokenize("你好,世界.", "zh") == ["你", "好", ",", "世", "界", "."]


def test_detokenize_inverts_tokenize_on_normalised_text():
    for text, lang in [("j'ai vu l'homme, non?", "fr"), ("i don't know.", "en"), ("你好,世界.", "zh")]:
        assert detokenize(tokenize(normalize(text, lang), lang), lang) == text


def test_bad_language_and_types():
    with pytest.raises(ValueError, match="lang"):
        normalize("a", "de")
    with pytest.raises(TypeError, match="text"):
        tokenize(3, "en")
    with pytest.raises(TypeError, match="tokens"):
        detokenize("abc", "en")


def test_split_shares_no_sentence_on_either_side():
    pairs = [("a", "x"), ("a", "y"), ("b", "y"), ("c", "z"), ("d", "w"), ("e", "v"), ("f", "u"), ("g", "u")]
    for seed in range(20):
        tr, va, te = split_pairs(pairs, n_valid=1, n_test=1, seed=seed)
        assert sorted(np.concatenate([tr, va, te]).tolist()) == list(range(len(pairs)))
        # the group {0, 1, 2} (shared "a" and "y") and {6, 7} (shared "u") are never cut
        for group in ({0, 1, 2}, {6, 7}):
            assert any(group <= set(s.tolist()) for s in (tr, va, te))


def test_split_on_real_data_is_disjoint():
    pairs = [(normalize(e, "en"), normalize(z, "zh")) for e, z in load_tatoeba("en-zh")]
    tr, va, te = split_pairs(pairs, n_valid=300, n_test=500, seed=0)
    assert len(te) >= 500 and len(va) >= 300 and len(tr) + len(va) + len(te) == len(pairs)
    for side in (0, 1):
        sets = [{pairs[i][side] for i in idx} for idx in (tr, va, te)]
        assert not (sets[0] & sets[1]) and not (sets[0] & sets[2]) and not (sets[1] & sets[2])


def test_split_rejects_bad_sizes():
    pairs = [("a", "x"), ("b", "y"), ("c", "z")]
    with pytest.raises(ValueError, match="n_valid"):
        split_pairs(pairs, 0, 1, seed=0)
    with pytest.raises(ValueError, match="no training pairs"):
        split_pairs(pairs, 2, 1, seed=0)


def test_vocab_counts_specials_and_batches():
    v = Vocab([["a", "b", "a"], ["c", "a", "b"]], min_count=2)
    assert v.itos == ["<pad>", "<bos>", "<eos>", "<unk>", "a", "b"]
    assert v.encode(["a", "c", "b"]) == [4, 3, 5]
    batch = v.encode_batch([["a"], ["b", "a"]], max_len=5, bos=True)
    np.testing.assert_array_equal(batch, [[1, 4, 2, 0, 0], [1, 5, 4, 2, 0]])
    assert batch.dtype == np.int32
    assert v.decode([1, 4, 5, 2, 4]) == ["a", "b"]
    assert len(Vocab([["a", "b", "c"]], max_size=6)) == 6
    with pytest.raises(ValueError, match="max_len"):
        v.encode_batch([["a", "b", "a"]], max_len=3)
    with pytest.raises(ValueError, match="min_count"):
        Vocab([["a"]], min_count=0)
    with pytest.raises(TypeError, match="token lists"):
        Vocab(["abc"])
    with pytest.raises(ValueError, match="outside the vocabulary"):
        v.decode([99])
