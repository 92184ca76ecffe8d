"""MNIST as the article uses it: the IDX format, pixels in [0, 1], and the binary-pair data sets.

Pure decoding and slicing; reading the committed files (with their checksums and the decoded-array cache)
is ``store.mnist``'s job.
"""

from __future__ import annotations

import gzip
import hashlib
import struct
from dataclasses import dataclass

import numpy as np

from models.conventions import TRAIN_PER_DIGIT

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


def decode_checked(gz: bytes, name: str, array_sha256: str) -> np.ndarray:
    """The array of a gzipped IDX file whose decoded bytes must hash to ``array_sha256``; MnistError otherwise."""
    try:
        raw = gzip.decompress(gz)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise MnistError(f"cannot read {name}: {exc}") from exc
    arr = parse_idx(raw)
    got = hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest()
    if got != array_sha256:
        raise MnistError(f"{name}: checksum {got[:12]}… does not match the manifest's {array_sha256[:12]}…")
    return arr


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


def train_indices(labels: np.ndarray, a: int, b: int, per_digit: int = TRAIN_PER_DIGIT) -> np.ndarray:
    """Indices of the first ``per_digit`` training images of digit a, then of digit b."""
    labels = np.asarray(labels)
    ia = np.flatnonzero(labels == a)[:per_digit]
    ib = np.flatnonzero(labels == b)[:per_digit]
    return np.concatenate([ia, ib]).astype(np.int64)


def make_pair_data(m: dict[str, np.ndarray], a: int, b: int) -> PairData:
    """Training set (first 3000 of each digit) and full test set of a validated pair (a < b) from MNIST ``m``."""
    tr = train_indices(m["train_labels"], a, b)
    te_labels = np.asarray(m["test_labels"])
    te = np.flatnonzero((te_labels == a) | (te_labels == b)).astype(np.int64)
    ytr = np.where(np.asarray(m["train_labels"])[tr] == b, 1.0, -1.0)
    yte = np.where(te_labels[te] == b, 1.0, -1.0)
    return PairData(a, b, to_unit(m["train_images"][tr]), ytr, tr, to_unit(m["test_images"][te]), yte, te)
