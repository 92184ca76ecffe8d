"""Temporary stand-in for ``store.lenet`` and ``store.mnist`` (stream R1) — shim: removed at integration.

Same names and return types as R1's interface, so the switch is an import in the views
(``from store import lenet as lenet_store`` / ``from store import mnist as mnist_store``):

* ``nets()``: the trained nets (``Net.name`` = folder), found by scanning ``precomputed/lenet/*/manifest.json``
  for family ``lenet``;
* ``analysis()``: ``(analysis.json, arrays per net key)`` of ``precomputed/lenet/analysis/``, its manifest's
  checksums verified before anything is read; the same tuple until the manifest changes; ArtifactError with a
  sentence (and the command that rebuilds the results) otherwise;
* ``load_mnist()``: the MNIST arrays, checked against their manifest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from jobs import artifacts
from jobs.artifacts import ArtifactError
from models import config
from models.mnist import load_mnist

__all__ = ["ArtifactError", "Net", "analysis", "clear_cache", "lenet_dir", "load_mnist", "nets"]

ANALYZE = "run: python -m worker lenet-analyze"


@dataclass(frozen=True)
class Net:
    """A trained net found under precomputed/lenet/ (its manifest as read, not yet verified)."""

    name: str
    folder: Path
    manifest: dict


def lenet_dir() -> Path:
    return config.PRECOMPUTED / "lenet"


def nets() -> list[Net]:
    """Every net with a readable LeNet manifest under precomputed/lenet/, sorted by folder name."""
    found = []
    for path in sorted(lenet_dir().glob(f"*/{artifacts.MANIFEST}")):
        try:
            manifest = artifacts.read_manifest(path.parent)
        except ArtifactError:
            continue
        if manifest.get("family") == "lenet":
            found.append(Net(path.parent.name, path.parent, manifest))
    return found


@lru_cache(maxsize=2)
def _analysis(folder: str, stamp: tuple) -> tuple[dict, dict[str, dict[str, np.ndarray]]]:
    adir = Path(folder)
    try:
        artifacts.verify_folder(adir)
        summary = json.loads((adir / "analysis.json").read_text())
        keys = list(summary["nets"])
    except ArtifactError as exc:
        raise ArtifactError(
            f"LeNet results are {'unreadable' if stamp else 'not available'} ({exc}); {ANALYZE}"
        ) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ArtifactError(f"LeNet results are not available ({exc}); {ANALYZE}") from exc
    return summary, {key: artifacts.load_npz(adir / f"wd-{key}.npz") for key in keys}


def analysis() -> tuple[dict, dict[str, dict[str, np.ndarray]]]:
    """(analysis.json, per-net arrays by key), verified against the analysis manifest; cached until it changes."""
    adir = lenet_dir() / "analysis"
    try:
        st = (adir / artifacts.MANIFEST).stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = ()
    return _analysis(str(adir), stamp)


def clear_cache() -> None:
    """Forget the loaded analysis (tests that rewrite the files in place)."""
    _analysis.cache_clear()
