"""The Fashion-MNIST subset loader and the moving Fashion-MNIST generator with its baselines."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from rnnbook.data import ChecksumError, DataFileMissingError, load_fashion_mnist, make_moving_fashion
from rnnbook.data.fashion_mnist import FASHION_MNIST_CLASSES, parse_idx
from rnnbook.data.moving_fashion import (
    bounce_step,
    constant_velocity_forecast,
    copy_last_frame,
    estimate_shift,
    shift_frames,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "fashion-mnist"


# ---------------------------------------------------------------- loader
@pytest.mark.parametrize(("split", "n"), [("train", 8000), ("test", 2000)])
def test_subset_shapes_balance_and_content(split: str, n: int) -> None:
    images, labels = load_fashion_mnist(split)
    assert images.shape == (n, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (n,) and labels.dtype == np.uint8
    assert np.bincount(labels, minlength=10).tolist() == [n // 10] * 10
    assert images.max() == 255 and images.min() == 0
    assert 60 < images.mean() < 85  # the full release's mean pixel is about 73
    assert len(FASHION_MNIST_CLASSES) == 10


def test_decompressed_subset_matches_recorded_raw_checksums() -> None:
    source = (DATA / "SOURCE.md").read_text(encoding="utf-8")
    for name in ("train-images", "train-labels", "test-images", "test-labels"):
        raw = gzip.decompress((DATA / f"{name}-subset.gz").read_bytes())
        assert hashlib.sha256(raw).hexdigest() in source


def test_subset_is_a_subset_of_the_original_when_available() -> None:
    original = Path("/work/shared/data/fashion-mnist/t10k-images-idx3-ubyte.gz")
    if not original.is_file():
        pytest.skip("the original release is not on this machine")
    full = parse_idx(gzip.decompress(original.read_bytes()), 3).reshape(10000, -1)
    sub = load_fashion_mnist("test")[0].reshape(2000, -1)
    rows = {r.tobytes() for r in full}
    assert all(r.tobytes() in rows for r in sub)


def test_bad_split() -> None:
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        load_fashion_mnist("valid")


def test_parse_idx_errors() -> None:
    good = b"\x00\x00\x08\x01" + (3).to_bytes(4, "big") + b"\x01\x02\x03"
    assert parse_idx(good, 1).tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="IDX magic"):
        parse_idx(b"\x00\x00\x09\x01" + good[4:], 1)
    with pytest.raises(ValueError, match="bytes follow"):
        parse_idx(good[:-1], 1)
    with pytest.raises(ValueError, match="shorter than an IDX header"):
        parse_idx(good[:5], 1)
    with pytest.raises(TypeError, match="raw must be bytes"):
        parse_idx("abc", 1)
    with pytest.raises(ValueError, match="ndim must be"):
        parse_idx(good, 4)


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(DATA, tmp_path / "fashion-mnist")
    monkeypatch.setenv("RNNBOOK_DATA_DIR", str(tmp_path))
    return tmp_path / "fashion-mnist"


def test_corrupt_and_missing_files(data_copy: Path) -> None:
    path = data_copy / "test-labels-subset.gz"
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 0xFF
    path.write_bytes(bytes(blob))
    with pytest.raises(ChecksumError, match="corrupt or modified"):
        load_fashion_mnist("test")
    path.unlink()
    with pytest.raises(DataFileMissingError, match="git checkout -- data/fashion-mnist/test-labels-subset.gz"):
        load_fashion_mnist("test")


# ---------------------------------------------------------------- generator
@pytest.fixture(scope="module")
def garments() -> np.ndarray:
    return load_fashion_mnist("test")[0][:50]


def test_generator_is_deterministic_per_seed(garments: np.ndarray) -> None:
    a = make_moving_fashion(garments, 5, seed=3, n_objects=2)
    b = make_moving_fashion(garments, 5, seed=3, n_objects=2)
    c = make_moving_fashion(garments, 5, seed=4, n_objects=2)
    for field in ("frames", "positions", "velocities", "sources"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.frames, c.frames)


def test_generator_shapes_and_bounds(garments: np.ndarray) -> None:
    d = make_moving_fashion(garments, 7, seed=0, n_frames=6, canvas=24, size=14, n_objects=2, max_speed=3)
    assert d.frames.shape == (7, 6, 24, 24) and d.frames.dtype == np.float32
    assert d.positions.shape == d.velocities.shape == (7, 6, 2, 2)
    assert d.sources.shape == (7, 2)
    assert d.frames.min() >= 0.0 and d.frames.max() <= 1.0
    assert d.positions.min() >= 0 and d.positions.max() <= 24 - 14
    assert np.all(np.abs(d.velocities) >= 1) and np.all(np.abs(d.velocities) <= 3)


def test_single_garment_is_the_downscaled_image_at_its_position(garments: np.ndarray) -> None:
    d = make_moving_fashion(garments, 4, seed=1, n_frames=5, canvas=32, size=14)
    for i in range(4):
        img = garments[d.sources[i, 0]].astype(np.float32) / 255
        small = img.reshape(14, 2, 14, 2).mean(axis=(1, 3))
        for t in range(5):
            r, c = d.positions[i, t, 0]
            expected = np.zeros((32, 32), np.float32)
            expected[r : r + 14, c : c + 14] = small
            np.testing.assert_allclose(d.frames[i, t], expected, atol=1e-7)


def test_motion_follows_velocity_and_bounces(garments: np.ndarray) -> None:
    d = make_moving_fashion(garments, 200, seed=2, n_frames=12, canvas=24, size=14, max_speed=2)
    pos, vel = d.positions, d.velocities
    step = pos[:, 1:] - pos[:, :-1]
    free = (pos[:, :-1] + vel[:, :-1] >= 0) & (pos[:, :-1] + vel[:, :-1] <= 10)
    np.testing.assert_array_equal(step[free], vel[:, :-1][free])  # free flight
    assert (~free).sum() > 50  # bounces do happen
    np.testing.assert_array_equal(vel[:, 1:][~free], -vel[:, :-1][~free])  # reflection flips v
    np.testing.assert_array_equal(vel[:, 1:][free], vel[:, :-1][free])


def test_bounce_step_brute_force() -> None:
    # position 9, velocity +3, walls at 0 and 10: 12 is reflected to 8 and the velocity flips.
    p, v = bounce_step(np.array([9, 1, 5]), np.array([3, -3, 2]), 10)
    assert p.tolist() == [8, 2, 7] and v.tolist() == [-3, 3, 2]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_sequences": 0}, ValueError, "n_sequences"),
        ({"n_sequences": 2.5}, TypeError, "n_sequences"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": None}, TypeError, "seed"),
        ({"n_frames": 1}, ValueError, "n_frames"),
        ({"size": 10}, ValueError, "size must divide 28"),
        ({"size": 28, "canvas": 28}, ValueError, "smaller than canvas"),
        ({"max_speed": 30}, ValueError, "max_speed"),
        ({"n_objects": 0}, ValueError, "n_objects"),
    ],
)
def test_generator_rejects_bad_arguments(garments: np.ndarray, kwargs: dict, error: type, match: str) -> None:
    args = {"n_sequences": 2, "seed": 0} | kwargs
    with pytest.raises(error, match=match):
        make_moving_fashion(garments, args.pop("n_sequences"), **args)


def test_generator_rejects_bad_images(garments: np.ndarray) -> None:
    with pytest.raises(TypeError, match="uint8"):
        make_moving_fashion(garments.astype(np.float32), 2, seed=0)
    with pytest.raises(ValueError, match=r"\(M, 28, 28\)"):
        make_moving_fashion(garments[:, :27], 2, seed=0)
    with pytest.raises(ValueError, match=r"\(M, 28, 28\)"):
        make_moving_fashion(garments[:0], 2, seed=0)


# ---------------------------------------------------------------- baselines
def test_shift_frames_brute_force() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((3, 5, 6))
    out = shift_frames(x, np.array([1, -2, 0]), np.array([0, 1, -3]))
    for i, (dr, dc) in enumerate([(1, 0), (-2, 1), (0, -3)]):
        expected = np.zeros((5, 6))
        for r in range(5):
            for c in range(6):
                if 0 <= r - dr < 5 and 0 <= c - dc < 6:
                    expected[r, c] = x[i, r - dr, c - dc]
        np.testing.assert_array_equal(out[i], expected)


def test_constant_velocity_is_exact_without_walls(garments: np.ndarray) -> None:
    # one garment, frames far from the walls: the shift is recovered and the forecast is exact
    d = make_moving_fashion(garments, 300, seed=5, n_frames=6, canvas=40, size=14, max_speed=2)
    pos = d.positions[:, :, 0]
    inside = np.all((pos >= 0) & (pos <= 26), axis=(1, 2))
    steps = pos[:, 1:] - pos[:, :-1]
    straight = inside & np.all(steps == steps[:, :1], axis=(1, 2))
    assert straight.sum() >= 20
    frames = d.frames[straight]
    dr, dc = estimate_shift(frames[:, 2], frames[:, 3])
    np.testing.assert_array_equal(np.stack([dr, dc], 1), d.velocities[straight, 2, 0])
    forecast = constant_velocity_forecast(frames[:, :4], 2)
    np.testing.assert_allclose(forecast, frames[:, 4:], atol=1e-6)


def test_copy_last_frame_and_errors() -> None:
    ctx = np.arange(2 * 3 * 2 * 2, dtype=np.float64).reshape(2, 3, 2, 2)
    out = copy_last_frame(ctx, 4)
    assert out.shape == (2, 4, 2, 2)
    np.testing.assert_array_equal(out[:, 2], ctx[:, -1])
    with pytest.raises(ValueError, match="rank 4"):
        copy_last_frame(ctx[0], 1)
    with pytest.raises(ValueError, match="horizon"):
        copy_last_frame(ctx, 0)
    with pytest.raises(ValueError, match="non-finite"):
        copy_last_frame(np.full((1, 2, 2, 2), np.nan), 1)
    with pytest.raises(ValueError, match="at least 2 frames"):
        constant_velocity_forecast(ctx[:, :1], 1)
    with pytest.raises(TypeError, match="context"):
        constant_velocity_forecast("frames", 1)


def test_shift_helpers_reject_bad_input() -> None:
    x = np.zeros((2, 4, 4))
    with pytest.raises(ValueError, match="rank 3"):
        shift_frames(x[0], np.array([0]), np.array([0]))
    with pytest.raises(TypeError, match="dr must hold integers"):
        shift_frames(x, np.array([0.5, 1.0]), np.array([0, 0]))
    with pytest.raises(ValueError, match=r"dc must have shape \(2,\)"):
        shift_frames(x, np.array([0, 0]), np.array([0]))
    with pytest.raises(ValueError, match="same shape"):
        estimate_shift(x, x[:, :3])
    with pytest.raises(ValueError, match="max_shift"):
        estimate_shift(x, x, -1)
    with pytest.raises(ValueError, match="non-finite"):
        estimate_shift(x, np.full_like(x, np.nan))
