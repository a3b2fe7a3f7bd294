"""A seeded generator of text-CAPTCHA images (the ``captcha`` package), for the CRNN chapter.

The ``captcha`` package (``captcha.image.ImageCaptcha``, v0.7) draws every random choice — font
size, per-character offset, rotation and warp, spacing, colours, noise dots and the noise curve —
from the standard-library :mod:`secrets` module (older releases used :mod:`random`), which cannot
be seeded. :func:`make_captcha_dataset` therefore swaps that module, inside ``captcha.image`` only
and only while it renders, for a shim backed by a seeded :class:`random.Random`; the same seed then
gives byte-identical images. The package's own font (DroidSansMono, Apache-2.0, shipped inside the
package) is used, so nothing is read from the network or the system's font directories.

Images are rendered at the package's default height of 60 pixels and the width that keeps the
requested aspect ratio (with the package's noise dots, noise curve and smoothing), converted to grayscale, downsampled to ``(height, width)``, inverted and
contrast-stretched per image.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from ..checks import check_int

__all__ = ["CAPTCHA_ALPHABET", "CAPTCHA_STYLES", "CaptchaDataset", "make_captcha_dataset", "make_captcha_splits"]

#: Digits and upper-case letters without the look-alikes 0/O, 1/I and Q: 31 symbols.
CAPTCHA_ALPHABET: str = "23456789ABCDEFGHJKLMNPRSTUVWXYZ"

#: Height at which the package renders (its default) before the image is downsampled.
_RENDER_HEIGHT: int = 60

_PATCH_LOCK = threading.Lock()

#: Rendering styles: ``"package"`` keeps every setting of ``ImageCaptcha``; ``"mild"`` rotates
#: characters by at most 12° (package: 30°), warps them about half as much and draws 10 noise dots
#: of width 2 (package: 30 of width 3). Fonts, sizes, spacing, colours and the noise curve are the
#: package's in both.
CAPTCHA_STYLES: tuple[str, ...] = ("package", "mild")


def _captcha_class(style: str) -> type:
    from captcha.image import ImageCaptcha

    if style == "package":
        return ImageCaptcha

    class MildCaptcha(ImageCaptcha):
        character_rotate = (-12, 12)
        character_warp_dx = (0.05, 0.15)
        character_warp_dy = (0.1, 0.15)

        @staticmethod
        def create_noise_dots(image, color, width=2, number=10):
            return ImageCaptcha.create_noise_dots(image, color, width=width, number=number)

    return MildCaptcha


class _SeededSecrets:
    """The three functions of :mod:`secrets` that ``captcha.image`` calls, from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def randbelow(self, n: int) -> int:
        return self._rng.randrange(n)

    def randbits(self, k: int) -> int:
        return self._rng.getrandbits(k)

    def choice(self, seq: Sequence):
        return self._rng.choice(seq)


@contextmanager
def _seeded_captcha(rng: random.Random) -> Iterator[None]:
    """Make ``captcha.image`` draw its randomness from ``rng`` for the duration of the block."""
    import captcha.image as ci

    names = [name for name in ("secrets", "random") if hasattr(ci, name)]
    if not names:  # pragma: no cover - guards against a future rewrite of the package
        raise RuntimeError("captcha.image uses neither `secrets` nor `random`; cannot seed it.")
    with _PATCH_LOCK:
        saved = {name: getattr(ci, name) for name in names}
        try:
            for name in names:
                setattr(ci, name, _SeededSecrets(rng) if name == "secrets" else rng)
            yield
        finally:
            for name, module in saved.items():
                setattr(ci, name, module)


@dataclass(frozen=True)
class CaptchaDataset:
    """Rendered CAPTCHAs and their texts.

    Attributes
    ----------
    images:
        Shape ``(N, H, W)``, ``float32`` in ``[0, 1]``; ink is bright and the background dark:
        ``1 - gray / 255``, contrast-stretched per image so that its darkest pixel is 0 and its
        brightest 1 (the package picks a random text colour, so raw contrast varies).
    labels:
        ``N`` strings over ``alphabet``.
    alphabet:
        The symbols the labels are drawn from.
    """

    images: np.ndarray
    labels: list[str]
    alphabet: str

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def lengths(self) -> np.ndarray:
        """Label lengths, shape ``(N,)``, ``int64``."""
        return np.fromiter((len(s) for s in self.labels), dtype=np.int64, count=len(self.labels))


def _check_args(n: int, seed: int, min_len: int, max_len: int, alphabet: str, width: int, height: int) -> None:
    for name, value in (("n", n), ("seed", seed), ("min_len", min_len), ("max_len", max_len), ("width", width), ("height", height)):
        check_int(name, value)  # TypeError for 2.0, "3", True
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    if not 1 <= min_len <= max_len:
        raise ValueError(f"need 1 <= min_len <= max_len, got min_len={min_len}, max_len={max_len}")
    if not isinstance(alphabet, str):
        raise TypeError(f"alphabet must be a string, got {type(alphabet).__name__}")
    if not alphabet:
        raise ValueError("alphabet must be a non-empty string")
    if len(set(alphabet)) != len(alphabet):
        raise ValueError(f"alphabet characters must be unique, got {alphabet!r}")
    if any(not c.isprintable() or c.isspace() for c in alphabet):
        raise ValueError(f"alphabet must hold printable, non-space characters, got {alphabet!r}")
    if width < 8 or height < 8:
        raise ValueError(f"width and height must be >= 8 pixels, got width={width}, height={height}")


def make_captcha_dataset(
    n: int,
    *,
    seed: int,
    min_len: int = 4,
    max_len: int = 6,
    alphabet: str = CAPTCHA_ALPHABET,
    width: int = 100,
    height: int = 32,
    exclude: Collection[str] = (),
    style: str = "package",
) -> CaptchaDataset:
    """Render ``n`` CAPTCHAs with distinct random texts, reproducibly.

    Each text has a length drawn uniformly from ``min_len..max_len`` and characters drawn
    uniformly from ``alphabet``. Texts are unique within the dataset and never in ``exclude``
    (pass the labels of other splits to keep splits disjoint).

    Parameters
    ----------
    n:
        Number of images.
    seed:
        Non-negative integer; the same arguments give byte-identical images and the same labels.
    min_len, max_len:
        Inclusive bounds on the text length.
    alphabet:
        The symbols to draw from (default :data:`CAPTCHA_ALPHABET`, 31 symbols).
    width, height:
        Output image size in pixels. The package renders at height 60 and width
        ``round(60 * width / height)``, then the image is downsampled; so the glyphs have the same
        size in a wider image, which has room for more of them.
    exclude:
        Texts that must not occur.
    style:
        ``"package"`` (the package's own distortions and noise) or ``"mild"``; see
        :data:`CAPTCHA_STYLES`.

    Returns
    -------
    CaptchaDataset
        ``images`` of shape ``(n, height, width)``, ``float32`` in ``[0, 1]`` (ink bright, each
        image stretched to span exactly 0..1), and ``labels``.
    """
    _check_args(n, seed, min_len, max_len, alphabet, width, height)
    if style not in CAPTCHA_STYLES:
        raise ValueError(f"style must be one of {CAPTCHA_STYLES}, got {style!r}")
    excluded = set(exclude)
    n_possible = sum(len(alphabet) ** k for k in range(min_len, max_len + 1))
    n_excluded = sum(1 for s in excluded if min_len <= len(s) <= max_len and set(s) <= set(alphabet))
    if n > n_possible - n_excluded:
        raise ValueError(
            f"cannot draw {n} distinct texts: only {n_possible - n_excluded} strings of length "
            f"{min_len}..{max_len} over {len(alphabet)} symbols remain after `exclude`"
        )

    from PIL.Image import Resampling

    label_ss, render_ss = np.random.SeedSequence(seed).spawn(2)
    label_rng = np.random.default_rng(label_ss)
    symbols = np.array(list(alphabet))
    labels: list[str] = []
    seen: set[str] = set()
    while len(labels) < n:
        k = int(label_rng.integers(min_len, max_len + 1))
        text = "".join(symbols[label_rng.integers(0, len(alphabet), size=k)])
        if text in seen or text in excluded:
            continue
        seen.add(text)
        labels.append(text)

    images = np.empty((n, height, width), dtype=np.float32)
    generator = _captcha_class(style)(width=round(_RENDER_HEIGHT * width / height), height=_RENDER_HEIGHT)
    render_rng = random.Random(int(render_ss.generate_state(1)[0]))
    with _seeded_captcha(render_rng):
        for i, text in enumerate(labels):
            image = generator.generate_image(text).convert("L")
            if image.size != (width, height):
                image = image.resize((width, height), Resampling.BILINEAR)
            images[i] = np.asarray(image, dtype=np.float32)
    images = 1.0 - images / 255.0
    lo = images.min(axis=(1, 2), keepdims=True)
    hi = images.max(axis=(1, 2), keepdims=True)
    images = (images - lo) / np.maximum(hi - lo, 1e-6)
    return CaptchaDataset(images=images, labels=labels, alphabet=alphabet)


def make_captcha_splits(
    sizes: dict[str, int],
    *,
    seed: int,
    **kwargs: object,
) -> dict[str, CaptchaDataset]:
    """Several disjoint datasets, e.g. ``{"train": 8000, "val": 1000, "test": 1000}``.

    Split ``i`` (in the order of ``sizes``) uses seed ``seed + i`` and excludes every text of the
    splits before it, so no text occurs in two splits. ``kwargs`` go to :func:`make_captcha_dataset`.
    """
    if not sizes:
        raise ValueError("sizes must name at least one split")
    out: dict[str, CaptchaDataset] = {}
    used: set[str] = set()
    for i, (name, n) in enumerate(sizes.items()):
        ds = make_captcha_dataset(n, seed=seed + i, exclude=used, **kwargs)  # type: ignore[arg-type]
        used.update(ds.labels)
        out[name] = ds
    return out


def captcha_style_settings(style: str) -> dict[str, tuple[float, float]]:
    """The distortion ranges of a rendering style, read from the renderer class itself.

    Returns ``{"rotate": (lo, hi), "warp_dx": (lo, hi), "warp_dy": (lo, hi)}``: the range of the
    per-character rotation in degrees and of the horizontal and vertical warp as fractions of the
    glyph size, exactly as the ``captcha`` package draws them for ``style``.
    """
    if style not in CAPTCHA_STYLES:
        raise ValueError(f"style must be one of {CAPTCHA_STYLES}, got {style!r}")
    cls = _captcha_class(style)
    return {
        "rotate": tuple(cls.character_rotate),
        "warp_dx": tuple(cls.character_warp_dx),
        "warp_dy": tuple(cls.character_warp_dy),
    }
