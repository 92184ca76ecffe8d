"""The IDX reader (models.mnist.parse_idx) that the infrastructure audit keeps: what it accepts and what it refuses."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from models.mnist import MnistError, parse_idx


def idx_bytes(arr: np.ndarray, dtype_code: int = 0x08, zero: int = 0) -> bytes:
    return struct.pack(">HBB", zero, dtype_code, arr.ndim) + struct.pack(f">{arr.ndim}I", *arr.shape) + arr.tobytes()


@pytest.mark.parametrize("shape", [(7,), (3, 4, 5), (2, 28, 28)])
def test_round_trip(shape):
    arr = np.random.default_rng(0).integers(0, 256, size=shape, dtype=np.uint8)
    out = parse_idx(idx_bytes(arr))
    assert out.shape == shape and out.dtype == np.uint8 and np.array_equal(out, arr)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x00\x00", "too short"),
        (idx_bytes(np.zeros(4, np.uint8), dtype_code=0x0D), "unsigned-byte"),  # a float IDX file
        (idx_bytes(np.zeros(4, np.uint8), zero=1), "unsigned-byte"),
        (idx_bytes(np.zeros((2, 3), np.uint8))[:-1], "header says"),  # one byte short
        (idx_bytes(np.zeros((2, 3), np.uint8)) + b"\x00", "header says"),  # one byte too many
    ],
)
def test_malformed_data_is_refused_with_a_reason(data, words):
    with pytest.raises(MnistError, match=words):
        parse_idx(data)
