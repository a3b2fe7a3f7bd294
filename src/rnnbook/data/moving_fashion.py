"""A seeded "moving Fashion-MNIST" generator (in the spirit of Moving MNIST, Srivastava et al., 2015)
and the two video baselines the ConvLSTM chapter compares against.

Each sequence shows ``n_objects`` garments, downscaled to ``size x size`` pixels, drifting over a
black ``canvas x canvas`` frame at a constant integer velocity and bouncing off the walls (a
velocity component flips sign when the garment would leave the canvas, and the garment is reflected
back inside). Overlapping garments are combined with a pixel-wise maximum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import as_float_array, check_finite, check_int, check_rank

__all__ = [
    "MovingFashion",
    "bounce_step",
    "constant_velocity_forecast",
    "copy_last_frame",
    "estimate_shift",
    "make_moving_fashion",
    "shift_frames",
]


@dataclass(frozen=True)
class MovingFashion:
    """A batch of generated sequences.

    Attributes
    ----------
    frames:
        ``(N, T, canvas, canvas)`` float32 in [0, 1].
    positions:
        ``(N, T, K, 2)`` int64, top-left (row, column) of each of the ``K`` garments in each frame.
    velocities:
        ``(N, T, K, 2)`` int64, the (row, column) velocity that moves frame t to frame t + 1.
    sources:
        ``(N, K)`` int64, index into ``images`` of each garment.
    """

    frames: np.ndarray
    positions: np.ndarray
    velocities: np.ndarray
    sources: np.ndarray


def bounce_step(pos: np.ndarray, vel: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """One step of motion in ``[0, limit]`` with elastic walls, elementwise over any shape.

    ``pos + vel`` is reflected at 0 and at ``limit``; the velocity component flips sign when it is.
    Requires ``|vel| <= limit`` so that one reflection suffices.
    """
    new = pos + vel
    low, high = new < 0, new > limit
    new = np.where(low, -new, np.where(high, 2 * limit - new, new))
    return new, np.where(low | high, -vel, vel)


def _downscale(images: np.ndarray, size: int) -> np.ndarray:
    """``(M, 28, 28)`` uint8 -> ``(M, size, size)`` float32 in [0, 1] by block averaging."""
    f = 28 // size
    x = images.astype(np.float32) / 255.0
    return x.reshape(len(x), size, f, size, f).mean(axis=(2, 4))


def make_moving_fashion(
    images: np.ndarray,
    n_sequences: int,
    *,
    seed: int,
    n_frames: int = 10,
    canvas: int = 32,
    size: int = 14,
    n_objects: int = 1,
    max_speed: int = 2,
) -> MovingFashion:
    """Generate ``n_sequences`` moving-garment sequences from ``images`` ``(M, 28, 28)`` uint8.

    Each garment is drawn uniformly from ``images``, placed uniformly on the canvas, and given a
    velocity whose row and column components are each drawn uniformly from
    ``{-max_speed, ..., -1, 1, ..., max_speed}``. ``size`` must divide 28 (7, 14 or 28) and be
    smaller than ``canvas``; ``max_speed`` at most ``canvas - size``. The same ``seed`` gives the
    same sequences.
    """
    if not isinstance(images, np.ndarray) or images.dtype != np.uint8:
        raise TypeError(f"images must be a uint8 numpy array (M, 28, 28), got {type(images).__name__}.")
    if images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) == 0:
        raise ValueError(f"images must have shape (M, 28, 28) with M >= 1, got {images.shape}.")
    seed = check_int("seed", seed, minimum=0)
    n_sequences = check_int("n_sequences", n_sequences, minimum=1)
    n_frames = check_int("n_frames", n_frames, minimum=2)
    canvas = check_int("canvas", canvas, minimum=2)
    size = check_int("size", size, minimum=1)
    n_objects = check_int("n_objects", n_objects, minimum=1)
    max_speed = check_int("max_speed", max_speed, minimum=1)
    if 28 % size:
        raise ValueError(f"size must divide 28 (7, 14 or 28), got {size}.")
    if size >= canvas:
        raise ValueError(f"size ({size}) must be smaller than canvas ({canvas}).")
    limit = canvas - size
    if max_speed > limit:
        raise ValueError(f"max_speed ({max_speed}) must be at most canvas - size = {limit}.")

    rng = np.random.default_rng(seed)
    n, t, k = n_sequences, n_frames, n_objects
    sources = rng.integers(0, len(images), size=(n, k))
    pos = rng.integers(0, limit + 1, size=(n, k, 2))
    speed = rng.integers(1, max_speed + 1, size=(n, k, 2))
    vel = np.where(rng.random((n, k, 2)) < 0.5, -speed, speed)
    positions = np.empty((n, t, k, 2), np.int64)
    velocities = np.empty((n, t, k, 2), np.int64)
    for step in range(t):
        positions[:, step], velocities[:, step] = pos, vel
        pos, vel = bounce_step(pos, vel, limit)

    sprites = _downscale(images[sources.ravel()], size).reshape(n, k, size, size)
    frames = np.zeros((n, t, canvas, canvas), np.float32)
    rows = np.arange(size)
    seq = np.arange(n)[:, None, None, None]
    step = np.arange(t)[None, :, None, None]
    for obj in range(k):
        r = positions[:, :, obj, 0, None, None] + rows[:, None]  # (N, T, size, 1)
        c = positions[:, :, obj, 1, None, None] + rows[None, :]  # (N, T, 1, size)
        patch = np.broadcast_to(sprites[:, None, obj], (n, t, size, size))
        frames[seq, step, r, c] = np.maximum(frames[seq, step, r, c], patch)
    return MovingFashion(frames, positions, velocities, sources.astype(np.int64))


def _check_frames(name: str, frames: object) -> np.ndarray:
    arr = as_float_array(name, frames)
    check_rank(name, arr, 4, "(N, T, H, W)")
    if min(arr.shape) < 1:
        raise ValueError(f"{name} must have non-zero sizes, got shape {arr.shape}.")
    check_finite(name, arr)
    return arr


def _check_shifts(value: object, n: int, name: str) -> np.ndarray:
    arr = np.asarray(value)
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integers (pixels), got dtype {arr.dtype}.")
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), one shift per frame, got {arr.shape}.")
    return arr


def shift_frames(frames: np.ndarray, dr: np.ndarray, dc: np.ndarray) -> np.ndarray:
    """Shift each image of ``frames`` ``(N, H, W)`` by integer ``(dr[i], dc[i])``, zero-filled."""
    check_rank("frames", np.asarray(frames), 3, "(N, H, W)")
    n, h, w = frames.shape
    dr, dc = _check_shifts(dr, n, "dr"), _check_shifts(dc, n, "dc")
    rows = np.arange(h)[None, :, None] - np.asarray(dr)[:, None, None]
    cols = np.arange(w)[None, None, :] - np.asarray(dc)[:, None, None]
    inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
    idx = np.arange(n)[:, None, None]
    out = frames[idx, np.clip(rows, 0, h - 1), np.clip(cols, 0, w - 1)]
    return np.where(inside, out, 0.0).astype(frames.dtype)


def estimate_shift(prev: np.ndarray, last: np.ndarray, max_shift: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """The integer shift ``(dr, dc)``, ``|dr|, |dc| <= max_shift``, that best maps ``prev`` onto ``last``.

    ``prev`` and ``last`` are ``(N, H, W)``; brute force over all shifts, least squared error, ties
    broken towards the first shift in row-major order from ``(-max_shift, -max_shift)``.
    """
    prev, last = _check_frames("prev", np.asarray(prev)[:, None]), _check_frames("last", np.asarray(last)[:, None])
    if prev.shape != last.shape:
        raise ValueError(f"prev and last must have the same shape (N, H, W), got {prev.shape[::2]} and {last.shape[::2]}.")
    prev, last = prev[:, 0], last[:, 0]
    max_shift = check_int("max_shift", max_shift, minimum=0)
    best = np.full(len(prev), np.inf)
    best_dr = np.zeros(len(prev), np.int64)
    best_dc = np.zeros(len(prev), np.int64)
    for dr in range(-max_shift, max_shift + 1):
        for dc in range(-max_shift, max_shift + 1):
            shift = np.full(len(prev), dr), np.full(len(prev), dc)
            err = ((shift_frames(prev, *shift) - last) ** 2).sum(axis=(1, 2))
            better = err < best
            best = np.where(better, err, best)
            best_dr = np.where(better, dr, best_dr)
            best_dc = np.where(better, dc, best_dc)
    return best_dr, best_dc


def copy_last_frame(context: object, horizon: int) -> np.ndarray:
    """Baseline: repeat the last context frame. ``(N, T, H, W)`` -> ``(N, horizon, H, W)``."""
    ctx = _check_frames("context", context)
    horizon = check_int("horizon", horizon, minimum=1)
    return np.repeat(ctx[:, -1:], horizon, axis=1)


def constant_velocity_forecast(context: object, horizon: int, max_shift: int = 3) -> np.ndarray:
    """Baseline: estimate one global shift from the last two context frames (:func:`estimate_shift`)
    and keep moving the last frame by it, zero-filled, ignoring walls.

    ``(N, T, H, W)`` with ``T >= 2`` -> ``(N, horizon, H, W)``.
    """
    ctx = _check_frames("context", context)
    horizon = check_int("horizon", horizon, minimum=1)
    max_shift = check_int("max_shift", max_shift, minimum=0)
    if ctx.shape[1] < 2:
        raise ValueError(f"context needs at least 2 frames to estimate a velocity, got {ctx.shape[1]}.")
    dr, dc = estimate_shift(ctx[:, -2], ctx[:, -1], max_shift)
    steps = [shift_frames(ctx[:, -1], k * dr, k * dc) for k in range(1, horizon + 1)]
    return np.stack(steps, axis=1)
