"""The λ-sweep artifacts: one verified .npz per pair and loss under precomputed/sweeps/ (``sweep_name``), and
their manifest.

``load_sweep`` is the one loader the app, the worker and the benchmarks use: the file must be listed in the
folder's manifest with a matching checksum, and its arrays must have the shapes of ``models.sweeps.Sweep``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

import settings
from models import conventions
from models.metrics import HIST_EDGES
from models.sweeps import Sweep
from store import artifacts

SCHEMA_FAMILY = "sweeps"
SCHEMA_VERSION = 1


def sweep_name(a: int, b: int, loss: str) -> str:
    """File name of one sweep artifact, e.g. sweep-79-hinge.npz."""
    a, b = conventions.check_pair(a, b)
    return f"sweep-{a}{b}-{conventions.check_loss(loss)}.npz"


def all_sweep_names() -> list[str]:
    """The 90 file names that a complete precompute ships."""
    return [sweep_name(a, b, loss) for a, b in conventions.PAIRS for loss in conventions.LOSSES]


def sweep_dir() -> Path:
    """precomputed/sweeps of the current settings."""
    return settings.get().precomputed / "sweeps"


@lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int, size: int, a: int, b: int, loss: str) -> Sweep:
    z = artifacts.load_npz(Path(path))
    try:
        fields = {k: z[k] for k in Sweep.__dataclass_fields__ if k not in ("a", "b", "loss", "best_test_index")}
        sweep = Sweep(a=a, b=b, loss=loss, best_test_index=int(np.ravel(z["best_test_index"])[0]), **fields)
    except KeyError as exc:
        raise artifacts.ArtifactError(f"{path}: missing array {exc}") from exc
    if sweep.W.shape != (conventions.N_LAMBDA, 784) or sweep.lam.shape != (conventions.N_LAMBDA,):
        raise artifacts.ArtifactError(f"{path}: wrong shapes W {sweep.W.shape}, lam {sweep.lam.shape}")
    return sweep


def load_sweep(a: int, b: int, loss: str, folder: Path | None = None) -> Sweep:
    """Load one verified sweep (checksum checked against the manifest); raises ArtifactError if missing/corrupt."""
    a, b = conventions.check_pair(a, b)
    folder = Path(folder or sweep_dir())
    path = artifacts.verified_file(folder, sweep_name(a, b, loss))
    st = path.stat()
    return _load_cached(str(path), st.st_mtime_ns, st.st_size, a, b, loss)


def nearest_model(a: int, b: int, loss: str, lam: float, folder: Path | None = None):
    """(w0, b0, λ0) of the grid model nearest to λ, for warm-starting an off-grid fit; None when the sweep is
    missing or broken (the fit then starts cold)."""
    try:
        sweep = load_sweep(a, b, loss, folder)
    except artifacts.ArtifactError:
        return None
    k = sweep.nearest(lam)
    return sweep.W[k].astype(np.float64), float(sweep.bias[k]), float(sweep.lam[k])


def write_sweep(folder: Path, a: int, b: int, loss: str, arrays: dict[str, np.ndarray]) -> str:
    """Write one sweep's arrays atomically as a deterministic .npz; return its file name."""
    name = sweep_name(a, b, loss)
    artifacts.atomic_write_bytes(Path(folder) / name, artifacts.npz_bytes(arrays))
    return name


def write_manifest(folder: Path, seconds: dict[str, float], command: str, run_seconds: float) -> None:
    """(Re)write the sweeps manifest over every sweep file present, keeping earlier per-file timings."""
    folder = Path(folder)
    try:
        old = artifacts.read_manifest(folder).get("sweep_seconds", {})
    except artifacts.ArtifactError:
        old = {}
    names = [n for n in all_sweep_names() if (folder / n).is_file()]
    per_file = {n: float(seconds.get(n, old.get(n, float("nan")))) for n in names}
    pairs = sorted({n.split("-")[1] for n in names})
    params = {
        "pairs": pairs,
        "losses": list(conventions.LOSSES),
        "lambda_exponents": conventions.LAMBDA_EXPONENTS.tolist(),
        "train_per_digit": conventions.TRAIN_PER_DIGIT,
        "pixels": "[0, 1] = byte / 255",
        "objective": "mean f(y (w.x + b)) + lam |w|^2, bias unregularized; f = hinge or softplus",
        "hist_edges": HIST_EDGES.tolist(),
        "W_dtype": "float32",
    }
    artifacts.write_manifest(
        folder,
        SCHEMA_FAMILY,
        SCHEMA_VERSION,
        params,
        names,
        command,
        run_seconds,
        extra={"sweep_seconds": {k: round(v, 2) for k, v in per_file.items()}},
    )
