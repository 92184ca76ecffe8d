"""LeNet artifacts under precomputed/lenet/: checkpoints (one folder per net) and the analyses.

A net is any folder ``precomputed/lenet/<name>/`` whose ``manifest.json`` has family "lenet" (``nets()`` scans
for them).  Each holds model.pt (state_dict), model.torchscript.pt and the manifest.  What a net is — its kind
("weight-decay" or "adversarial"), weight decay, seed and adversarial budget ε — is read from its manifest, never
from the folder's name; the names only follow one convention (``net_name``):

    wd-1e-04, wd-1e-01, wd-3e-01, wd-1e+00        plain training, seed 0
    wd-1e-04-s1, wd-1e-01-s2                      plain training, seed 1, 2
    adv-1.0, adv-2.0-s1                           L2 PGD adversarial training, ε in [0, 1] pixel units
                                                  (weight decay 1e-4, the LeNet_low recipe; another decay adds
                                                  ``-wd<decay>``), seed 0 / seed 1

The analyses live in ``analysis/`` (analysis.json, per-net <name>.json and <name>.npz), keyed by net name, with
their own manifest.  Every read here is verified against its manifest.  torch is imported only by the functions
that load a model.
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


ADV_BASE_WD = 1e-4  # the adversarially trained nets keep LeNet_low's weight decay unless their name says otherwise


def net_name(weight_decay: float, seed: int = 0, adv_eps: float = 0.0) -> str:
    """Folder name (and analysis key) of a net: 'wd-1e-01', 'wd-1e-04-s1', 'adv-1.0', 'adv-2.0-s2'."""
    if adv_eps > 0:
        name = f"adv-{adv_eps:.1f}" + ("" if weight_decay == ADV_BASE_WD else f"-wd{weight_decay:.0e}")
    else:
        name = f"wd-{weight_decay:.0e}"
    return name + (f"-s{seed}" if seed else "")


def wd_name(wd: float) -> str:
    """Folder name of the seed-0 plain net with weight decay ``wd``, e.g. 0.1 → 'wd-1e-01'."""
    return net_name(wd)


def wd_key(wd: float) -> str:
    """Key of the seed-0 plain net in analysis.json: its folder name (analyses are keyed by net name)."""
    return net_name(wd)


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
    def kind(self) -> str:
        """'adversarial' when trained with an adversarial budget (manifest ``adv_eps`` > 0), else 'weight-decay'."""
        return "adversarial" if self.adv_eps > 0 else "weight-decay"

    @property
    def eps(self) -> float | None:
        """The adversarial-training budget ε ([0, 1] pixel units); None for a plain (weight-decay) net."""
        return self.adv_eps if self.adv_eps > 0 else None

    @property
    def identity(self) -> dict:
        """What the net is, from its manifest: name, kind, weight decay, seed, ε (None for plain nets)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "weight_decay": self.weight_decay,
            "seed": self.seed,
            "eps": self.eps,
        }

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
    return summary, {key: artifacts.load_npz(adir / f"{key}.npz") for key in keys}


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


def order_key(identity: dict) -> tuple:
    """Sort order of nets in the analysis and the report: plain nets by weight decay, then adversarial ones by ε;
    seeds last.  ``identity``: a dict with kind, weight_decay, eps, seed (``Net.identity`` or an analysis entry)."""
    return (identity["kind"] != "weight-decay", identity["eps"] or 0.0, identity["weight_decay"], identity["seed"])


def rel_path(path: Path) -> str:
    """A path relative to the repository root when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(settings.ROOT))
    except ValueError:
        return str(path)


REPORT_MEASURED = (
    "temperature",
    "median_adv_l2",
    "cyclic_adv_l2",
    "ece",
    "t_nll",
    "ece_calibrated",
    "minimal_norm_median",
    "minimal_norm_success",
    "logit_rms",
)


def _measured(n: dict) -> dict:
    """The report's measured numbers of one analysis entry (None where the entry predates a field)."""
    cal, mn = n.get("calibration") or {}, n.get("minimal_norm") or {}
    return {
        "temperature": n["temperature"],
        "median_adv_l2": n["robust"]["median_l2"],
        "cyclic_adv_l2": n["cyclic"]["l2"],
        "ece": cal.get("ece"),
        "t_nll": cal.get("t_nll"),
        "ece_calibrated": cal.get("ece_calibrated"),
        "minimal_norm_median": mn.get("median_l2"),
        "minimal_norm_success": mn.get("success_rate"),
        "logit_rms": n.get("logit_rms"),
    }


def report_rows(root: Path | None = None) -> list[dict]:
    """One dict per shipped net (every folder ``nets()`` finds), plain nets first, by weight decay, ε and seed.

    What the net is and how it trained come from its manifest (name, kind, weight_decay, seed, eps — None for a
    plain net —, epochs, train_error, test_error, rms, complete, torchscript); what was measured on it comes from
    analysis.json (temperature, median_adv_l2 and cyclic_adv_l2 under the paper's targeted attack, ece in
    percent at t = 1, t_nll, ece_calibrated, minimal_norm_median in [0, 1] units, minimal_norm_success,
    logit_rms), all None with ``analysed`` False for a net not analysed yet."""
    try:
        analysed = json.loads((analysis_dir(root) / ANALYSIS_FILE).read_text())["nets"]
    except (OSError, ValueError, KeyError) as exc:
        raise ArtifactError(f"no LeNet analysis found ({exc}); {ANALYZE}") from exc
    rows = []
    for net in sorted(nets(root), key=lambda n: order_key(n.identity)):
        p, entry = net.params, analysed.get(net.name)
        final = p.get("final") or {}
        rows.append(
            {
                **net.identity,
                "epochs": len(p.get("history") or []),
                "complete": net.complete,
                "train_error": final.get("train_error"),
                "test_error": final.get("test_error"),
                "rms": p.get("rms"),
                "torchscript": rel_path(net.folder / SCRIPT_FILE),
                "analysed": entry is not None,
                **(_measured(entry) if entry is not None else dict.fromkeys(REPORT_MEASURED)),
            }
        )
    return rows
