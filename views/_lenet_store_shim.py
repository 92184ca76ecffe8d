"""Temporary stand-in for ``store.lenet`` and ``store.mnist`` (stream R1) — shim: removed at integration.

The LeNet views read every artifact through this one module, with the manifest check, so switching to the real
``store`` package is a change here only:

* ``nets()``: the trained nets, found by scanning ``precomputed/lenet/*/manifest.json`` (family ``lenet``);
* ``analysis()``: the verified ``precomputed/lenet/analysis/`` (its manifest's checksums first, then
  ``analysis.json`` and one ``.npz`` per net), built once per version of the manifest;
* ``mnist_test_images()``: the verified MNIST test images (uint8, n × 28 × 28).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from jobs import artifacts
from models import config

RERUN = "run: python -m worker lenet-analyze"


class LenetDataError(RuntimeError):
    """The precomputed LeNet results are missing, unreadable or do not match their manifest."""


@dataclass(frozen=True, eq=False)  # hashed by identity: one object per version of the results
class LenetAnalysis:
    summary: dict
    arrays: dict[str, dict[str, np.ndarray]]


def lenet_dir() -> Path:
    return config.PRECOMPUTED / "lenet"


def nets() -> list[str]:
    """Names of the folders under precomputed/lenet/ that hold a trained net (manifest family ``lenet``)."""
    found = []
    for path in sorted(lenet_dir().glob("*/manifest.json")):
        try:
            family = artifacts.read_manifest(path.parent).get("family")
        except artifacts.ArtifactError:
            continue
        if family == "lenet":
            found.append(path.parent.name)
    return found


def _short(exc: Exception, folder: Path) -> str:
    """An artifact error without the checkout's absolute paths (the text is shown in the page)."""
    return str(exc).replace(f"{folder}/", "").replace(str(folder), folder.name)


@lru_cache(maxsize=2)
def _analysis(folder: str, stamp: tuple[int, int]) -> LenetAnalysis:
    adir = Path(folder)
    try:
        artifacts.verify_folder(adir)
    except artifacts.ArtifactError as exc:
        what = "not available" if stamp == (0, 0) else "unreadable"
        raise LenetDataError(f"LeNet results are {what} ({_short(exc, adir)}); {RERUN}") from exc
    try:
        summary = json.loads((adir / "analysis.json").read_text())
        keys = list(summary["nets"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LenetDataError(f"LeNet results are not available ({exc}); {RERUN}") from exc
    arrays = {}
    for key in keys:
        path = adir / f"wd-{key}.npz"
        try:
            arrays[key] = artifacts.load_npz(path)
        except (OSError, ValueError, EOFError, artifacts.ArtifactError) as exc:
            raise LenetDataError(f"{path.name} is unreadable ({_short(exc, adir)}); {RERUN}") from exc
    return LenetAnalysis(summary, arrays)


def analysis() -> LenetAnalysis:
    """The verified LeNet analysis (the same object until its manifest changes); raises LenetDataError."""
    adir = lenet_dir() / "analysis"
    try:
        st = (adir / artifacts.MANIFEST).stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, 0)
    return _analysis(str(adir), stamp)


def clear_cache() -> None:
    """Forget the loaded analysis (tests that rewrite the files in place)."""
    _analysis.cache_clear()


def mnist_test_images() -> np.ndarray:
    """The MNIST test images, checked against their manifest (models.mnist caches the decoded arrays)."""
    from models.mnist import load_mnist

    return load_mnist()["test_images"]
