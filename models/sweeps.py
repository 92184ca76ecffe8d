"""The 45-pair λ sweeps: computing them, their artifact files, and the one loader the app uses.

One file per pair and loss, ``precomputed/sweeps/sweep-<a><b>-<loss>.npz`` (deterministic npz:
same inputs, same bytes), listed with checksums in ``precomputed/sweeps/manifest.json``.
Arrays (L = 81 grid values, d = 784, B histogram bins):

    lam (L,)  W (L, d) float32  bias (L,)  objective (L,)  err_train, err_test (L,) percent
    d_adv, d_err (L,)  theta (L,) radians  w_norm (L,)  iterations (L,)
    hist_edges (B+1,)  hist_I, hist_J (L, B) counts of y·d(x) over the training set per class
    centroid_i, centroid_j (d,) — the class means, i.e. the mean images  train_index (6000,)
    best_test_index (1,) — grid index of the smallest test error (first one on ties)

The histogram grid is fixed (``HIST_EDGES``); values beyond it are counted in the end bins.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from models import config, geometry, linear, mnist

SCHEMA_FAMILY = "sweeps"
SCHEMA_VERSION = 1
SWEEP_DIR = config.PRECOMPUTED / "sweeps"
HIST_EDGES = np.linspace(-6.0, 6.0, 97)  # 96 bins of width 0.125 (pixel units, [0, 1] images)


def sweep_name(a: int, b: int, loss: str) -> str:
    """File name of one sweep artifact, e.g. sweep-79-hinge.npz."""
    a, b = config.check_pair(a, b)
    return f"sweep-{a}{b}-{linear.check_loss(loss)}.npz"


def all_sweep_names() -> list[str]:
    """The 90 file names that a complete precompute ships."""
    return [sweep_name(a, b, loss) for a, b in config.PAIRS for loss in config.LOSSES]


@dataclass(frozen=True)
class Sweep:
    """One loaded sweep (see the module docstring for the arrays)."""

    a: int
    b: int
    loss: str
    lam: np.ndarray
    W: np.ndarray
    bias: np.ndarray
    objective: np.ndarray
    err_train: np.ndarray
    err_test: np.ndarray
    d_adv: np.ndarray
    d_err: np.ndarray
    theta: np.ndarray
    w_norm: np.ndarray
    iterations: np.ndarray
    hist_edges: np.ndarray
    hist_I: np.ndarray
    hist_J: np.ndarray
    centroid_i: np.ndarray
    centroid_j: np.ndarray
    train_index: np.ndarray
    best_test_index: int

    def nearest(self, lam: float) -> int:
        """Grid index whose λ is nearest to ``lam`` on a log scale."""
        return int(np.argmin(np.abs(np.log10(self.lam) - np.log10(linear.check_lambda(lam)))))


def histogram(yd: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts of y·d(x) per class (I, J) on the fixed grid, out-of-range values in the end bins."""
    clipped = np.clip(yd, HIST_EDGES[0], HIST_EDGES[-1])
    hI = np.histogram(clipped[y < 0], bins=HIST_EDGES)[0]
    hJ = np.histogram(clipped[y > 0], bins=HIST_EDGES)[0]
    return hI.astype(np.int32), hJ.astype(np.int32)


def model_metrics(data: mnist.PairData, w: np.ndarray, b: float, i: np.ndarray | None = None,
                  j: np.ndarray | None = None) -> dict:
    """The per-model numbers of the article for (w, b) on a pair: errors (%), d_adv, d_err, θ, ‖w‖, histograms."""
    if i is None or j is None:
        i, j = geometry.class_centroids(data.X_train, data.y_train)
    w = np.asarray(w, dtype=np.float64)
    if float(w @ (j - i)) <= 0:
        raise linear.SolverError("w·(j − i) ≤ 0: the model points away from class J")
    yd = data.y_train * geometry.signed_distance(data.X_train, w, b)
    s_test = data.X_test @ w + b
    hI, hJ = histogram(yd, data.y_train)
    return {
        "err_train": float(np.mean(yd <= 0) * 100.0),
        "err_test": float(np.mean(data.y_test * s_test <= 0) * 100.0),
        "d_adv": float(yd.mean()),
        "d_err": float(np.sum(np.where(yd < 0, -yd, 0.0)) / len(yd)),
        "theta": geometry.tilting_angle(w, i, j),
        "w_norm": float(np.linalg.norm(w)),
        "hist_I": hI,
        "hist_J": hJ,
    }


def compute_sweep(a: int, b: int, loss: str) -> tuple[dict[str, np.ndarray], float]:
    """Fit the 81-λ path of a pair and loss; return (arrays for the artifact, seconds taken)."""
    t0 = time.perf_counter()
    data = mnist.pair_data(a, b)
    path = linear.fit_path(data.X_train, data.y_train, loss, config.LAMBDAS)
    i, j = geometry.class_centroids(data.X_train, data.y_train)
    rows = [model_metrics(data, path.W[k], path.b[k], i, j) for k in range(len(path.lambdas))]
    out: dict[str, np.ndarray] = {
        "lam": path.lambdas.astype(np.float64),
        "W": path.W.astype(np.float32),
        "bias": path.b.astype(np.float64),
        "objective": path.objective.astype(np.float64),
        "iterations": path.iterations.astype(np.int32),
        "hist_edges": HIST_EDGES.copy(),
        "centroid_i": i,
        "centroid_j": j,
        "train_index": data.train_index.astype(np.int32),
    }
    for key in ("err_train", "err_test", "d_adv", "d_err", "theta", "w_norm"):
        out[key] = np.array([r[key] for r in rows], dtype=np.float64)
    out["hist_I"] = np.stack([r["hist_I"] for r in rows])
    out["hist_J"] = np.stack([r["hist_J"] for r in rows])
    out["best_test_index"] = np.array([int(np.argmin(out["err_test"]))], dtype=np.int32)
    return out, time.perf_counter() - t0


def _verified_file(folder: Path, name: str) -> Path:
    """The path of a listed, checksum-valid artifact file; ArtifactError otherwise."""
    from jobs import artifacts

    manifest = artifacts.read_manifest(folder)
    meta = manifest.get("files", {}).get(name)
    path = folder / name
    if meta is None or not path.is_file():
        raise artifacts.ArtifactError(f"{path}: missing (run: python -m worker precompute --all)")
    if path.stat().st_size != meta["bytes"] or artifacts.sha256_file(path) != meta["sha256"]:
        raise artifacts.ArtifactError(f"{path}: checksum does not match {folder / artifacts.MANIFEST}")
    return path


@lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int, size: int, a: int, b: int, loss: str) -> Sweep:
    from jobs import artifacts

    z = artifacts.load_npz(Path(path))
    try:
        fields = {k: z[k] for k in Sweep.__dataclass_fields__ if k not in ("a", "b", "loss", "best_test_index")}
        sweep = Sweep(a=a, b=b, loss=loss, best_test_index=int(np.ravel(z["best_test_index"])[0]), **fields)
    except KeyError as exc:
        raise artifacts.ArtifactError(f"{path}: missing array {exc}") from exc
    if sweep.W.shape != (config.N_LAMBDA, 784) or sweep.lam.shape != (config.N_LAMBDA,):
        raise artifacts.ArtifactError(f"{path}: wrong shapes W {sweep.W.shape}, lam {sweep.lam.shape}")
    return sweep


def load_sweep(a: int, b: int, loss: str, folder: Path | None = None) -> Sweep:
    """Load one verified sweep (checksum checked against the manifest); raises ArtifactError if missing/corrupt."""
    a, b = config.check_pair(a, b)
    folder = Path(folder or SWEEP_DIR)
    path = _verified_file(folder, sweep_name(a, b, loss))
    st = path.stat()
    return _load_cached(str(path), st.st_mtime_ns, st.st_size, a, b, loss)


def fit_lambda(a: int, b: int, loss: str, lam: float, folder: Path | None = None) -> dict:
    """Fit one λ (on or off the grid), warm-started from the nearest precomputed grid model when available.

    Returns JSON-ready numbers: a, b, loss, lam, the metrics of ``model_metrics`` (histograms as
    lists), objective, w (784 floats), bias, warm_start (the grid λ used, or None) and seconds.
    """
    from jobs.artifacts import ArtifactError

    t0 = time.perf_counter()
    a, b = config.check_pair(a, b)
    linear.check_loss(loss)
    lam = linear.check_lambda(lam)
    data = mnist.pair_data(a, b)
    w0, b0, warm = None, None, None
    try:
        sweep = load_sweep(a, b, loss, folder)
        k = sweep.nearest(lam)
        w0, b0, warm = sweep.W[k].astype(np.float64), float(sweep.bias[k]), float(sweep.lam[k])
    except ArtifactError:
        pass
    w, bias = linear.fit_one(data.X_train, data.y_train, loss, lam, w0, b0, warm)
    m = model_metrics(data, w, bias)
    return {
        "a": a, "b": b, "loss": loss, "lam": lam,
        **{k: v for k, v in m.items() if not k.startswith("hist")},
        "objective": linear.objective(data.X_train, data.y_train, w, bias, lam, loss),
        "hist_edges": HIST_EDGES.tolist(), "hist_I": m["hist_I"].tolist(), "hist_J": m["hist_J"].tolist(),
        "w": w.tolist(), "bias": float(bias), "warm_start": warm,
        "seconds": round(time.perf_counter() - t0, 3),
    }
