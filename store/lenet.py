"""LeNet artifacts under precomputed/lenet/: checkpoints (one folder per net) and the analyses.

A net is any folder ``precomputed/lenet/<name>/`` whose ``manifest.json`` has family "lenet" (``nets()`` scans
for them: the weight-decay ladder ``wd-1e-04`` … ``wd-1e-01``, and later nets such as ``wd-1e-04-s1`` or
``adv-1.0-s0``).  Each holds model.pt (state_dict), model.torchscript.pt and the manifest.  The analyses of
the ladder nets live in ``analysis/`` (analysis.json, per-net wd-*.json and wd-*.npz), with their own manifest.
Every read here is verified against its manifest.  torch is imported only by the functions that load a model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

import settings
from store import artifacts
from store.artifacts import ArtifactError

FAMILY = "lenet"
VERSION = 1
MODEL_FILE = "model.pt"
SCRIPT_FILE = "model.torchscript.pt"
RESUME_FILE = "resume.pt"
ANALYSIS_DIR = "analysis"
ANALYSIS_FILE = "analysis.json"
CROSSCHECK_FILE = "crosscheck.json"
ANALYZE = "run: python -m worker lenet-analyze"


def lenet_dir(root: Path | None = None) -> Path:
    """precomputed/lenet of the current settings (or ``root`` when given)."""
    return Path(root or settings.get().precomputed / "lenet")


def wd_name(wd: float) -> str:
    """Folder name of a ladder net's weight decay, e.g. 0.1 → 'wd-1e-01'."""
    return f"wd-{wd:.0e}"


def wd_key(wd: float) -> str:
    """Key of a ladder net in analysis.json, e.g. '1e-01'."""
    return f"{wd:.0e}"


def checkpoint_dir(wd: float, root: Path | None = None) -> Path:
    return lenet_dir(root) / wd_name(wd)


@dataclass(frozen=True)
class Net:
    """A trained net found under precomputed/lenet/ (its manifest as read, not yet verified)."""

    name: str
    folder: Path
    manifest: dict

    @property
    def params(self) -> dict:
        return self.manifest.get("params", {})

    @property
    def weight_decay(self) -> float:
        return float(self.params.get("weight_decay", 0.0))

    @property
    def seed(self) -> int:
        return int(self.params.get("seed", 0))

    @property
    def adv_eps(self) -> float:
        return float(self.params.get("adv_eps") or 0.0)

    @property
    def complete(self) -> bool:
        return bool(self.params.get("complete", True))


def nets(root: Path | None = None) -> list[Net]:
    """Every net with a readable LeNet manifest under precomputed/lenet/, sorted by folder name."""
    found = []
    for path in sorted(lenet_dir(root).glob(f"*/{artifacts.MANIFEST}")):
        try:
            manifest = artifacts.read_manifest(path.parent)
        except ArtifactError:
            continue
        if manifest.get("family") == FAMILY:
            found.append(Net(path.parent.name, path.parent, manifest))
    return found


def ladder(root: Path | None = None, ladder_wds: tuple[float, ...] = (), complete_only: bool = False) -> list[float]:
    """The weight decays of ``ladder_wds`` whose plain net (folder wd-<decay>) is there (complete, if asked)."""
    present = {n.name: n for n in nets(root)}
    return [wd for wd in ladder_wds if wd_name(wd) in present and (present[wd_name(wd)].complete or not complete_only)]


def load_net(name: str, root: Path | None = None, verify: bool = True):
    """(model, manifest) of the net in folder ``name``; ArtifactError if it is missing or corrupt."""
    from models import lenet

    folder = lenet_dir(root) / name
    manifest = artifacts.verify_folder(folder) if verify else artifacts.read_manifest(folder)
    try:
        model = lenet.load_state(folder / MODEL_FILE)
    except ValueError as exc:
        raise ArtifactError(str(exc)) from exc
    return model, manifest


def load_checkpoint(wd: float, root: Path | None = None, verify: bool = True):
    """(model, manifest) of the ladder net with weight decay ``wd``; ArtifactError if missing or corrupt."""
    return load_net(wd_name(wd), root, verify)


def write_checkpoint(folder: Path, model, params: dict, command: str, seconds: float) -> dict:
    """Write model.pt, its TorchScript export and the manifest atomically into ``folder``; return the manifest."""
    from models import lenet

    folder = Path(folder)
    artifacts.atomic_write_bytes(folder / MODEL_FILE, lenet.state_bytes(model))
    artifacts.atomic_write_bytes(folder / SCRIPT_FILE, lenet.torchscript_bytes(model))
    return artifacts.write_manifest(folder, FAMILY, VERSION, params, [MODEL_FILE, SCRIPT_FILE], command, seconds)


def read_resume(folder: Path) -> bytes | None:
    """The resume state of an interrupted training in ``folder``, or None."""
    try:
        return (Path(folder) / RESUME_FILE).read_bytes()
    except FileNotFoundError:
        return None


def write_resume(folder: Path, data: bytes) -> None:
    artifacts.atomic_write_bytes(Path(folder) / RESUME_FILE, data)


def drop_resume(folder: Path) -> None:
    (Path(folder) / RESUME_FILE).unlink(missing_ok=True)


def analysis_dir(root: Path | None = None) -> Path:
    return lenet_dir(root) / ANALYSIS_DIR


def write_json(path: Path, obj) -> None:
    """An analysis file: indented JSON with a final newline, written atomically."""
    artifacts.atomic_write_bytes(Path(path), (json.dumps(obj, indent=1) + "\n").encode())


@lru_cache(maxsize=2)
def _analysis(folder: str, stamp: tuple) -> tuple[dict, dict[str, dict[str, np.ndarray]]]:
    adir = Path(folder)
    try:
        artifacts.verify_folder(adir)
        summary = json.loads((adir / ANALYSIS_FILE).read_text())
        keys = list(summary["nets"])
    except ArtifactError as exc:
        what = "unreadable" if stamp else "not available"
        raise ArtifactError(f"LeNet results are {what} ({exc}); {ANALYZE}") from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ArtifactError(f"LeNet results are not available ({exc}); {ANALYZE}") from exc
    return summary, {key: artifacts.load_npz(adir / f"wd-{key}.npz") for key in keys}


def analysis(root: Path | None = None) -> tuple[dict, dict[str, dict[str, np.ndarray]]]:
    """(analysis.json, per-net arrays by key) verified against the analysis manifest; cached until the manifest
    changes.  ArtifactError with a clear message (and the command that rebuilds them) otherwise."""
    adir = analysis_dir(root)
    try:
        st = (adir / artifacts.MANIFEST).stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = ()
    return _analysis(str(adir), stamp)


def clear_cache() -> None:
    """Forget the loaded analysis (tests that rewrite the files in place)."""
    _analysis.cache_clear()


def report_rows(root: Path | None = None) -> list[dict]:
    """One dict per analysed ladder net with the headline numbers (from analysis.json)."""
    try:
        nets_ = json.loads((analysis_dir(root) / ANALYSIS_FILE).read_text())["nets"]
    except (OSError, ValueError, KeyError) as exc:
        raise ArtifactError(f"no LeNet analysis found ({exc}); {ANALYZE}") from exc
    rows = []
    for n in nets_.values():
        rows.append(
            {
                "weight_decay": n["weight_decay"],
                "epochs": n["epochs"],
                "train_error": n["train_error"],
                "test_error": n["test_error_final_epoch"],
                "rms": n["rms"],
                "temperature": n["temperature"],
                "median_adv_l2": n["robust"]["median_l2"],
                "cyclic_adv_l2": n["cyclic"]["l2"],
                "torchscript": n["torchscript"],
                "complete": n.get("complete", True),
            }
        )
    return rows
