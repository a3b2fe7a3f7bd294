"""The shapes VQA generator: determinism, balance, disjoint splits, answers that match the scene."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.data import (
    ANSWERS,
    COLOURS,
    QUESTION_TYPES,
    QUESTION_VOCAB,
    SHAPES,
    encode_questions,
    make_shapes_vqa,
    make_shapes_vqa_splits,
)
from rnnbook.data.shapes_vqa import TYPE_ANSWERS, render_scene


@pytest.fixture(scope="module")
def splits():
    return make_shapes_vqa_splits(600, 200, 300, seed=3)


def test_same_seed_same_data_other_seed_other_data() -> None:
    a, b, c = (make_shapes_vqa(50, seed=s) for s in (1, 1, 2))
    assert np.array_equal(a.images, b.images) and a.questions == b.questions
    assert np.array_equal(a.answers, b.answers)
    assert not np.array_equal(a.images, c.images)


def test_shapes_and_dtypes(splits) -> None:
    train = splits[0]
    assert train.images.shape == (600, 32, 32, 3) and train.images.dtype == np.uint8
    assert train.scenes.shape == (600, 16) and len(train) == 600
    n_objects = (train.scenes >= 0).sum(axis=1)
    assert n_objects.min() >= 1 and n_objects.max() <= 5
    big = make_shapes_vqa(10, seed=0, grid=6, cell=10)
    assert big.images.shape == (10, 60, 60, 3)


def test_types_and_answers_are_balanced(splits) -> None:
    train = splits[0]
    assert np.bincount(train.types).tolist() == [120] * 5
    for t, qtype in enumerate(QUESTION_TYPES):
        answers = train.answers[train.types == t]
        counts = [int(np.sum(answers == ANSWERS.index(a))) for a in TYPE_ANSWERS[qtype]]
        assert sum(counts) == 120 and max(counts) - min(counts) <= 1, (qtype, counts)


def test_splits_share_no_scene(splits) -> None:
    keys = [{s.tobytes() for s in split.scenes} for split in splits]
    assert [len(k) for k in keys] == [600, 200, 300]  # no scene twice, even within a split
    assert not keys[0] & keys[1] and not keys[0] & keys[2] and not keys[1] & keys[2]
    pairs = [{(s.tobytes(), q) for s, q in zip(d.scenes, d.questions)} for d in splits]
    assert not pairs[0] & pairs[1] and not pairs[0] & pairs[2] and not pairs[1] & pairs[2]


def _objects(scene: np.ndarray) -> list[tuple[str, str, int, int]]:
    return [
        (COLOURS[code // 3], SHAPES[code % 3], k // 4, k % 4)
        for k, code in enumerate(scene)
        if code >= 0
    ]


def test_answers_follow_from_the_scene(splits) -> None:
    """Answer every question by brute force from the scene's objects."""
    for d in splits:
        for scene, q, a in zip(d.scenes, d.questions, d.answers):
            objs, w = _objects(scene), q.split()
            if q.startswith("what colour"):
                hits = [o for o in objs if o[1] == w[4]]
                assert len(hits) == 1 and hits[0][0] == ANSWERS[a]
            elif q.startswith("what shape"):
                hits = [o for o in objs if o[0] == w[4]]
                assert len(hits) == 1 and hits[0][1] == ANSWERS[a]
            elif q.startswith("how many"):
                n = sum(o[0] == w[2] or o[1] + "s" == w[2] for o in objs)
                assert str(n) == ANSWERS[a]
            elif q.startswith("is there"):
                n = sum(o[:2] == (w[3], w[4]) for o in objs)
                assert ("yes" if n else "no") == ANSWERS[a]
            else:
                hits = [o for o in objs if o[:2] == (w[3], w[4])]
                assert len(hits) == 1
                r, c = hits[0][2:]
                vertical = "bottom" if r >= 2 else "top"
                horizontal = "right" if c >= 2 else "left"
                assert f"{vertical} {horizontal}" == ANSWERS[a]


def test_images_match_scenes(splits) -> None:
    d = splits[1]
    for image, scene in zip(d.images[:50], d.scenes[:50]):
        lit = image.reshape(4, 8, 4, 8, 3).max(axis=(1, 3, 4)) > 0  # (4, 4)
        assert np.array_equal(lit.ravel(), scene >= 0)


def test_encode_questions() -> None:
    ids = encode_questions(["is there a red circle ?", "what colour is the square ?"])
    assert ids.shape == (2, 10) and ids.dtype == np.int32
    assert ids[0, :4].tolist() == [0, 0, 0, 0]  # padded at the front
    assert [QUESTION_VOCAB[i] for i in ids[1, 4:]] == ["what", "colour", "is", "the", "square", "?"]


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: make_shapes_vqa(0, seed=1), ValueError, "n"),
        (lambda: make_shapes_vqa(10, seed=1.5), TypeError, "seed"),
        (lambda: make_shapes_vqa(10, seed=-1), ValueError, "seed"),
        (lambda: make_shapes_vqa(10, seed=1, grid=5), ValueError, "grid"),
        (lambda: make_shapes_vqa(10, seed=1, cell=4), ValueError, "cell"),
        (lambda: make_shapes_vqa("10", seed=1), TypeError, "n"),
        (lambda: make_shapes_vqa_splits(10, 0, 10, seed=1), ValueError, "n_val"),
        (lambda: make_shapes_vqa_splits(10, 10, 10, seed=None), TypeError, "seed"),
        (lambda: encode_questions("is there a red circle ?"), TypeError, "questions"),
        (lambda: encode_questions(["is there a pink circle ?"]), ValueError, "questions"),
        (lambda: encode_questions(["what colour is the square ?"], 3), ValueError, "max_len"),
        (lambda: render_scene(np.zeros(15, int), np.zeros((15, 2), int)), ValueError, "scene"),
    ],
)
def test_bad_input_names_the_argument(call, error, name) -> None:
    with pytest.raises(error, match=name):
        call()
