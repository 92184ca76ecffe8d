"""MNIST from the committed IDX files, as uint8 arrays, and the binary-pair data sets.

The IDX files under precomputed/mnist/ were made by scripts/make_mnist_idx.py and are checked
against the array checksums in its MANIFEST.json.  Decoding the gzip files takes ~0.5 s, so the
decoded arrays are also kept as .npy files in the cache directory (memory-mapped on later loads)
and in-process with lru_cache: a second load costs microseconds.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import struct
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from models import config

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}


class MnistError(RuntimeError):
    """The MNIST files are missing or do not match their manifest."""


def parse_idx(data: bytes) -> np.ndarray:
    """Decode an (uncompressed) IDX byte string holding unsigned bytes."""
    if len(data) < 4:
        raise MnistError("IDX data is too short")
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise MnistError(f"not an unsigned-byte IDX file (magic {zero:#x} {dtype:#x})")
    dims = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise MnistError(f"IDX body has {body.size} bytes, header says {dims}")
    return body.reshape(dims)


def _manifest(mnist_dir: Path) -> dict:
    path = mnist_dir / "MANIFEST.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise MnistError(f"cannot read {path}: {exc}") from exc


def _decode_verified(mnist_dir: Path, key: str, manifest: dict) -> np.ndarray:
    name = FILES[key]
    try:
        raw = gzip.decompress((mnist_dir / name).read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise MnistError(f"cannot read {mnist_dir / name}: {exc}") from exc
    arr = parse_idx(raw)
    want = manifest["files"][name]["array_sha256"]
    got = hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest()
    if got != want:
        raise MnistError(f"{name}: checksum {got[:12]}… does not match the manifest's {want[:12]}…")
    return arr


@lru_cache(maxsize=4)
def _load(mnist_dir: str, cache_dir: str) -> dict[str, np.ndarray]:
    mdir, cdir = Path(mnist_dir), Path(cache_dir)
    manifest = _manifest(mdir)
    tag = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()[:12]
    out: dict[str, np.ndarray] = {}
    for key in FILES:
        cached = cdir / f"mnist-{tag}-{key}.npy"
        arr = None
        if cached.exists():
            try:
                arr = np.load(cached, mmap_mode="r")
            except (OSError, ValueError):
                arr = None
        if arr is None:
            arr = _decode_verified(mdir, key, manifest)
            try:
                cdir.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=cdir, suffix=".npy.tmp")
                with os.fdopen(fd, "wb") as f:
                    np.save(f, arr)
                os.replace(tmp, cached)
            except OSError:
                pass  # a read-only cache only costs speed
        out[key] = arr
    return out


def load_mnist(mnist_dir: Path | None = None) -> dict[str, np.ndarray]:
    """All of MNIST as read-only uint8 arrays: train_images (60000,28,28), train_labels, test_*."""
    return _load(str(mnist_dir or config.MNIST_DIR), str(config.CACHE_DIR))


def verify_mnist(mnist_dir: Path | None = None) -> None:
    """Decode every IDX file and check it against the manifest (slow path; raises MnistError)."""
    mdir = Path(mnist_dir or config.MNIST_DIR)
    manifest = _manifest(mdir)
    for key in FILES:
        _decode_verified(mdir, key, manifest)


@dataclass(frozen=True)
class PairData:
    """The binary task for digits (a, b), a < b: class I = a (y = −1), class J = b (y = +1).

    X_* are float64 in [0, 1] (bytes / 255).  ``train_index`` indexes the 60 000 training images.
    """

    a: int
    b: int
    X_train: np.ndarray
    y_train: np.ndarray
    train_index: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    test_index: np.ndarray


def to_unit(images: np.ndarray) -> np.ndarray:
    """uint8 pixels (…, 28, 28) → float64 vectors (…, 784) in [0, 1] (the article's convention)."""
    return np.asarray(images, dtype=np.float64).reshape(len(images), -1) / 255.0


def train_indices(a: int, b: int, per_digit: int = config.TRAIN_PER_DIGIT) -> np.ndarray:
    """Indices of the first ``per_digit`` training images of digit a, then of digit b."""
    labels = np.asarray(load_mnist()["train_labels"])
    ia = np.flatnonzero(labels == a)[:per_digit]
    ib = np.flatnonzero(labels == b)[:per_digit]
    return np.concatenate([ia, ib]).astype(np.int64)


@lru_cache(maxsize=8)
def pair_data(a: int, b: int) -> PairData:
    """Training set (first 3000 of each digit) and full test set of the pair, in [0, 1] pixels."""
    a, b = config.check_pair(a, b)
    m = load_mnist()
    tr = train_indices(a, b)
    te_labels = np.asarray(m["test_labels"])
    te = np.flatnonzero((te_labels == a) | (te_labels == b)).astype(np.int64)
    ytr = np.where(np.asarray(m["train_labels"])[tr] == b, 1.0, -1.0)
    yte = np.where(te_labels[te] == b, 1.0, -1.0)
    return PairData(a, b, to_unit(m["train_images"][tr]), ytr, tr, to_unit(m["test_images"][te]), yte, te)
