"""The committed MNIST files (precomputed/mnist/), verified against their MANIFEST.json, and the pair data sets.

The IDX files were made by scripts/make_mnist_idx.py; every decoded array must match the checksum its
manifest lists.  Decoding the gzip files takes ~0.5 s, so the decoded arrays are also kept as .npy files in
the cache directory (memory-mapped on later loads: the web processes share the pages) and in-process with
lru_cache: a second load costs microseconds.  A read-only cache only costs speed.
"""

from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

import settings
from models import conventions
from models.mnist import FILES, MnistError, PairData, decode_checked, make_pair_data
from store.artifacts import atomic_write_bytes


def mnist_dir() -> Path:
    """precomputed/mnist of the current settings."""
    return settings.get().precomputed / "mnist"


def _manifest(folder: Path) -> dict:
    path = folder / "MANIFEST.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise MnistError(f"cannot read {path}: {exc}") from exc


def _decode(folder: Path, key: str, manifest: dict) -> np.ndarray:
    name = FILES[key]
    try:
        gz = (folder / name).read_bytes()
    except OSError as exc:
        raise MnistError(f"cannot read {folder / name}: {exc}") from exc
    return decode_checked(gz, name, manifest["files"][name]["array_sha256"])


@lru_cache(maxsize=4)
def _load(folder: str, cache_dir: str) -> dict[str, np.ndarray]:
    mdir, cdir = Path(folder), Path(cache_dir)
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
            arr = _decode(mdir, key, manifest)
            buf = io.BytesIO()
            np.save(buf, arr)
            try:
                atomic_write_bytes(cached, buf.getvalue())
            except OSError:
                pass  # a read-only cache only costs speed
        out[key] = arr
    return out


def load_mnist(folder: Path | None = None) -> dict[str, np.ndarray]:
    """All of MNIST as read-only uint8 arrays: train_images (60000,28,28), train_labels, test_*."""
    return _load(str(folder or mnist_dir()), str(settings.get().cache_dir))


def verify_mnist(folder: Path | None = None) -> None:
    """Decode every IDX file and check it against the manifest (slow path; raises MnistError)."""
    mdir = Path(folder or mnist_dir())
    manifest = _manifest(mdir)
    for key in FILES:
        _decode(mdir, key, manifest)


@lru_cache(maxsize=8)
def pair_data(a: int, b: int) -> PairData:
    """Training set (first 3000 of each digit) and full test set of the pair, in [0, 1] pixels."""
    a, b = conventions.check_pair(a, b)
    return make_pair_data(load_mnist(), a, b)


def arrays(n_train: int = 60_000) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(train images, train labels, test images, test labels) as uint8 / int64 arrays (LeNet's data)."""
    m = load_mnist()
    return (
        np.asarray(m["train_images"][:n_train]),
        np.asarray(m["train_labels"][:n_train]).astype(np.int64),
        np.asarray(m["test_images"]),
        np.asarray(m["test_labels"]).astype(np.int64),
    )
