"""Regenerate data/fashion-mnist/ (the book's Fashion-MNIST subset) from the original release.

Usage::

    python scripts/make_fashion_mnist_subset.py SRC_DIR [OUT_DIR]

``SRC_DIR`` holds the four original files of Zalando's release (``train-images-idx3-ubyte.gz``,
``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz``, ``t10k-labels-idx1-ubyte.gz``);
``OUT_DIR`` defaults to ``data/fashion-mnist``. The recipe: a stratified sample without replacement
drawn with ``numpy.random.default_rng(15)``, 800 images per class from the training set, then 200 per
class from the test set (classes in order 0..9, each class's indices sorted ascending after
drawing); the selected images keep their original order. They are written in the original IDX
format, gzip-compressed by Python's ``gzip.compress(raw, compresslevel=9, mtime=0)`` (no file name
in the header), so the output is byte-identical for a given zlib; the script checks the SHA-256 of
the inputs, of the decompressed outputs and of the ``.gz`` files.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
from pathlib import Path

import numpy as np

ORIGINALS = {
    "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}
PER_CLASS = {"train": 800, "test": 200}
SEED = 15


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_idx(raw: bytes, magic: int) -> np.ndarray:
    if int.from_bytes(raw[:4], "big") != magic:
        raise ValueError(f"bad IDX magic {raw[:4].hex()}, expected {magic:08x}")
    ndim = magic & 0xFF
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _idx_bytes(array: np.ndarray, magic: int) -> bytes:
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def main(src: Path, out: Path) -> None:
    raw = {}
    for name, expected in ORIGINALS.items():
        data = (src / name).read_bytes()
        if _sha(data) != expected:
            raise SystemExit(f"{src / name}: sha256 {_sha(data)} differs from {expected}")
        raw[name] = gzip.decompress(data)
    rng = np.random.default_rng(SEED)
    out.mkdir(parents=True, exist_ok=True)
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images = _read_idx(raw[f"{prefix}-images-idx3-ubyte.gz"], 0x00000803)
        labels = _read_idx(raw[f"{prefix}-labels-idx1-ubyte.gz"], 0x00000801)
        chosen = []
        for c in range(10):
            idx = np.flatnonzero(labels == c)
            chosen.append(np.sort(rng.choice(idx, size=PER_CLASS[split], replace=False)))
        keep = np.sort(np.concatenate(chosen))
        for kind, array, magic in (
            ("images", images[keep], 0x00000803),
            ("labels", labels[keep], 0x00000801),
        ):
            body = _idx_bytes(array, magic)
            packed = gzip.compress(body, compresslevel=9, mtime=0)
            path = out / f"{split}-{kind}-subset.gz"
            path.write_bytes(packed)
            print(f"{path.name:28s} {len(packed):>9,d} B  gz {_sha(packed)}")
            print(f"{'':28s} {len(body):>9,d} B  raw {_sha(body)}")
        print(f"{split}: {len(keep)} images, first indices {keep[:5].tolist()}")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) == 3 else Path("data/fashion-mnist"))
