"""Tests of the seeded CAPTCHA generator (rnnbook.data.captchas)."""

from __future__ import annotations

import random
import secrets

import captcha.image
import numpy as np
import pytest

from rnnbook.data.captchas import CAPTCHA_ALPHABET, make_captcha_dataset, make_captcha_splits


def test_shapes_dtype_range_and_labels() -> None:
    ds = make_captcha_dataset(12, seed=3, min_len=4, max_len=6, width=100, height=32)
    assert ds.images.shape == (12, 32, 100)
    assert ds.images.dtype == np.float32
    assert len(ds) == 12 and len(ds.labels) == 12
    flat = ds.images.reshape(12, -1)
    # contrast-stretched per image to exactly [0, 1]; ink is bright, so the median pixel (background) is dark
    np.testing.assert_allclose(flat.min(axis=1), 0.0, atol=1e-6)
    np.testing.assert_allclose(flat.max(axis=1), 1.0, atol=1e-6)
    assert np.all(np.median(flat, axis=1) < 0.25)
    assert all(4 <= len(s) <= 6 for s in ds.labels)
    assert all(set(s) <= set(CAPTCHA_ALPHABET) for s in ds.labels)
    assert np.array_equal(ds.lengths, [len(s) for s in ds.labels])
    assert len(set(ds.labels)) == 12


def test_alphabet_has_no_confusable_characters() -> None:
    assert len(CAPTCHA_ALPHABET) == len(set(CAPTCHA_ALPHABET)) == 31
    assert not set("0O1IQ") & set(CAPTCHA_ALPHABET)


def test_lengths_cover_the_range_and_custom_alphabet() -> None:
    ds = make_captcha_dataset(30, seed=0, min_len=2, max_len=3, alphabet="AB7", width=40, height=16)
    assert ds.images.shape == (30, 16, 40)
    assert set(ds.lengths.tolist()) == {2, 3}
    assert set("".join(ds.labels)) == set("AB7")


def test_same_seed_gives_byte_identical_images() -> None:
    a = make_captcha_dataset(5, seed=11)
    random.seed(999)  # the global random state must not matter
    b = make_captcha_dataset(5, seed=11)
    assert a.labels == b.labels
    assert a.images.tobytes() == b.images.tobytes()
    c = make_captcha_dataset(5, seed=12)
    assert c.labels != a.labels
    assert not np.array_equal(c.images, a.images)


def test_same_text_renders_differently_across_seeds() -> None:
    # the rendering itself (not only the labels) follows the seed: with a one-symbol alphabet every
    # label is the same length-4 text, so any difference comes from the renderer's randomness
    a = make_captcha_dataset(1, seed=1, min_len=4, max_len=4, alphabet="A")
    b = make_captcha_dataset(1, seed=2, min_len=4, max_len=4, alphabet="A")
    assert a.labels == b.labels == ["AAAA"]
    assert not np.array_equal(a.images, b.images)


def test_package_module_is_restored() -> None:
    make_captcha_dataset(2, seed=0)
    assert captcha.image.secrets is secrets


def test_splits_are_disjoint() -> None:
    # a tiny space of texts (two symbols, length 1..5: 62 strings) makes collisions certain unless excluded
    splits = make_captcha_splits({"train": 30, "val": 16, "test": 16}, seed=5, min_len=1, max_len=5, alphabet="AB", width=24, height=16)
    tr, va, te = (set(splits[k].labels) for k in ("train", "val", "test"))
    assert len(tr) == 30 and len(va) == 16 and len(te) == 16
    assert not tr & va and not tr & te and not va & te
    assert len(tr | va | te) == 62


def test_exclude_and_impossible_request() -> None:
    ds = make_captcha_dataset(3, seed=0, min_len=1, max_len=1, alphabet="ABCD", exclude={"A"}, width=16, height=16)
    assert sorted(ds.labels) == ["B", "C", "D"]
    with pytest.raises(ValueError, match="distinct texts"):
        make_captcha_dataset(4, seed=0, min_len=1, max_len=1, alphabet="ABCD", exclude={"A"}, width=16, height=16)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": -1}, "n must be >= 0"),
        ({"seed": -3}, "seed must be"),
        ({"min_len": 0}, "min_len"),
        ({"min_len": 5, "max_len": 4}, "min_len"),
        ({"alphabet": ""}, "non-empty"),
        ({"alphabet": "AAB"}, "unique"),
        ({"alphabet": "A B"}, "non-space"),
        ({"width": 4}, "width and height"),
    ],
)
def test_bad_arguments_raise(kwargs: dict, match: str) -> None:
    args = {"n": 2, "seed": 0} | kwargs
    n = args.pop("n")
    with pytest.raises(ValueError, match=match):
        make_captcha_dataset(n, **args)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"n": 2.0}, "n must be an integer"), ({"width": "64"}, "width must be an integer"), ({"alphabet": 7}, "alphabet")],
)
def test_wrong_types_raise_type_error(kwargs: dict, match: str) -> None:
    args = {"n": 2, "seed": 0} | kwargs
    with pytest.raises(TypeError, match=match):
        make_captcha_dataset(args.pop("n"), **args)


def test_make_captcha_splits_needs_sizes() -> None:
    with pytest.raises(ValueError, match="at least one split"):
        make_captcha_splits({}, seed=0)


def test_mild_style_differs_and_is_reproducible() -> None:
    a = make_captcha_dataset(4, seed=3, style="mild")
    b = make_captcha_dataset(4, seed=3, style="mild")
    c = make_captcha_dataset(4, seed=3)
    assert a.labels == b.labels == c.labels  # the style changes the rendering, not the texts
    assert a.images.tobytes() == b.images.tobytes()
    assert not np.array_equal(a.images, c.images)
    with pytest.raises(ValueError, match="style must be one of"):
        make_captcha_dataset(2, seed=0, style="wavy")


def test_captcha_style_settings_read_from_the_renderer():
    from captcha.image import ImageCaptcha

    from rnnbook.data.captchas import captcha_style_settings

    mild = captcha_style_settings("mild")
    package = captcha_style_settings("package")
    assert package["rotate"] == tuple(ImageCaptcha.character_rotate)
    assert max(map(abs, mild["rotate"])) < max(map(abs, package["rotate"]))
    assert mild["rotate"] == (-12, 12)
    with pytest.raises(ValueError, match="style"):
        captcha_style_settings("wild")
