"""MNIST's committed IDX files match their checksums; a corrupted copy is refused."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from models.mnist import FILES, MnistError
from store import mnist


def test_shipped_mnist_verifies_and_has_the_right_shapes():
    mnist.verify_mnist()
    m = mnist.load_mnist()
    assert m["train_images"].shape == (60000, 28, 28) and m["test_images"].shape == (10000, 28, 28)
    assert np.bincount(np.asarray(m["train_labels"]), minlength=10).min() > 5000


def _copy(tmp_path):
    dst = tmp_path / "mnist"
    shutil.copytree(mnist.mnist_dir(), dst)
    return dst


def test_corrupted_gzip_is_refused(tmp_path):
    d = _copy(tmp_path)
    f = d / FILES["test_labels"]
    raw = bytearray(f.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    f.write_bytes(bytes(raw))
    with pytest.raises(MnistError):
        mnist.verify_mnist(d)


def test_changed_pixel_is_refused_by_checksum(tmp_path):
    d = _copy(tmp_path)
    f = d / FILES["test_images"]
    raw = bytearray(gzip.decompress(f.read_bytes()))
    raw[-1] ^= 0x01
    f.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(MnistError, match="checksum"):
        mnist.verify_mnist(d)


def test_pair_data_convention():
    p = mnist.pair_data(7, 9)
    assert p.X_train.shape == (6000, 784) and 0.0 <= p.X_train.min() and p.X_train.max() <= 1.0
    assert (p.y_train == -1).sum() == 3000 and (p.y_train == 1).sum() == 3000
    labels = np.asarray(mnist.load_mnist()["train_labels"])
    assert set(labels[p.train_index[p.y_train < 0]]) == {7} and set(labels[p.train_index[p.y_train > 0]]) == {9}
