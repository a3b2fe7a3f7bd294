"""Loader for the book's Fashion-MNIST subset (Xiao et al., 2017), in the original IDX format.

``data/fashion-mnist/`` holds a stratified, seeded subset of Zalando's release: 8,000 training
images (800 per class) and 2,000 test images (200 per class), 28 x 28 uint8, each file gzip-compressed
IDX exactly as upstream (recipe: ``scripts/make_fashion_mnist_subset.py``, ``SOURCE.md``).
"""

from __future__ import annotations

import gzip

import numpy as np

from ._files import verified_path

__all__ = ["FASHION_MNIST_CLASSES", "load_fashion_mnist", "parse_idx"]

#: Class names, by label 0..9 (from the upstream README).
FASHION_MNIST_CLASSES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

_SIZES = {"train": 8000, "test": 2000}


def parse_idx(raw: bytes, ndim: int) -> np.ndarray:
    """Parse an uncompressed IDX file of unsigned bytes with ``ndim`` dimensions.

    The header is two zero bytes, the type code ``0x08`` (uint8), the number of dimensions, then each
    size as a big-endian uint32; the data follow in C order.
    """
    if not isinstance(raw, (bytes, bytearray)):
        raise TypeError(f"raw must be bytes, got {type(raw).__name__}.")
    if ndim not in (1, 2, 3):
        raise ValueError(f"ndim must be 1, 2 or 3, got {ndim!r}.")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"raw is {len(raw)} bytes, shorter than an IDX header of {header} bytes.")
    if raw[:3] != b"\x00\x00\x08" or raw[3] != ndim:
        raise ValueError(f"raw does not start with the IDX magic of a {ndim}-D uint8 array: {raw[:4].hex()}.")
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    size = int(np.prod(dims))
    if len(raw) != header + size:
        raise ValueError(f"IDX header says shape {dims} ({size} bytes) but {len(raw) - header} bytes follow.")
    return np.frombuffer(raw, np.uint8, offset=header).reshape(dims).copy()


def load_fashion_mnist(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Load the bundled Fashion-MNIST subset.

    Parameters
    ----------
    split:
        ``"train"`` (8,000 images) or ``"test"`` (2,000 images), 10 balanced classes each.

    Returns
    -------
    images : numpy.ndarray
        ``(N, 28, 28)`` uint8, 0 = background, 255 = full ink.
    labels : numpy.ndarray
        ``(N,)`` uint8 in 0..9, names in :data:`FASHION_MNIST_CLASSES`.
    """
    if split not in _SIZES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
    out = []
    for kind, ndim in (("images", 3), ("labels", 1)):
        path = verified_path("fashion-mnist", f"{split}-{kind}-subset.gz")
        with gzip.open(path, "rb") as fh:
            out.append(parse_idx(fh.read(), ndim))
    images, labels = out
    if images.shape != (_SIZES[split], 28, 28) or labels.shape != (_SIZES[split],):
        raise ValueError(f"{split} files hold shapes {images.shape} and {labels.shape}, expected {_SIZES[split]} images.")
    return images, labels
