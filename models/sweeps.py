"""The 45-pair λ sweeps: what one sweep holds, how it is computed, and one off-grid fit.

One artifact per pair and loss, ``sweep-<a><b>-<loss>.npz`` (named, written and read by ``store.sweeps``).
Arrays (L = 81 grid values, d = 784, B histogram bins):

    lam (L,)  W (L, d) float32  bias (L,)  objective (L,)  err_train, err_test (L,) percent
    d_adv, d_err (L,)  theta (L,) radians  w_norm (L,)  iterations (L,)
    hist_edges (B+1,)  hist_I, hist_J (L, B) counts of y·d(x) over the training set per class
    centroid_i, centroid_j (d,) — the class means, i.e. the mean images  train_index (6000,)
    best_test_index (1,) — grid index of the smallest test error (first one on ties)

The histogram grid is fixed (``HIST_EDGES``); values beyond it are counted in the end bins.  Computing
takes the pair's data as an argument and returns arrays: nothing here reads or writes a file.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from models import geometry, linear
from models.conventions import LAMBDAS, check_lambda, display_subset
from models.metrics import HIST_EDGES, histogram
from models.metrics import model_metrics as _metrics
from models.mnist import PairData

__all__ = ["HIST_EDGES", "Sweep", "compute_sweep", "fit_lambda", "histogram", "model_metrics", "plane_view"]

METRIC_KEYS = ("err_train", "err_test", "d_adv", "d_err", "theta", "w_norm")


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
        return int(np.argmin(np.abs(np.log10(self.lam) - np.log10(check_lambda(lam)))))


def model_metrics(
    data: PairData, w: np.ndarray, b: float, i: np.ndarray | None = None, j: np.ndarray | None = None
) -> dict:
    """The per-model numbers (``models.metrics.model_metrics``) of a fitted (w, b) on a pair; SolverError when
    the model points away from class J (a fit that went wrong)."""
    if i is None or j is None:
        i, j = geometry.class_centroids(data.X_train, data.y_train)
    if float(np.asarray(w, dtype=np.float64) @ (j - i)) <= 0:
        raise linear.SolverError("w·(j − i) ≤ 0: the model points away from class J")
    return _metrics(data.X_train, data.y_train, data.X_test, data.y_test, w, b, i, j)


def compute_sweep(data: PairData, loss: str) -> tuple[dict[str, np.ndarray], float]:
    """Fit the 81-λ path of a pair and loss; return (arrays for the artifact, seconds taken)."""
    t0 = time.perf_counter()
    path = linear.fit_path(data.X_train, data.y_train, loss, LAMBDAS)
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
    for key in METRIC_KEYS:
        out[key] = np.array([r[key] for r in rows], dtype=np.float64)
    out["hist_I"] = np.stack([r["hist_I"] for r in rows])
    out["hist_J"] = np.stack([r["hist_J"] for r in rows])
    out["best_test_index"] = np.array([int(np.argmin(out["err_test"]))], dtype=np.int32)
    return out, time.perf_counter() - t0


def plane_view(data: PairData, w: np.ndarray, b: float, i: np.ndarray, j: np.ndarray) -> dict:
    """Where the model and the shown training points (``display_subset``) lie in its tilting plane:
    v (x·n̂ of each shown point; its u = x·ẑ is the sweep's), cos = w·ẑ/‖w‖, sin = w·n̂/‖w‖, offset = b/‖w‖
    (the boundary is cos·u + sin·v + offset = 0) and the centroids ci, cj as (u, v)."""
    W = np.asarray(w, dtype=np.float64)[None, :]
    z, N_hat = geometry.tilting_bases(W, i, j)
    X_shown = data.X_train[display_subset(data.y_train)]
    norm = np.linalg.norm(W, axis=1)
    return {
        "v": (X_shown @ N_hat.T).T[0].tolist(),
        "cos": float(((W @ z) / norm)[0]),
        "sin": float((np.einsum("kd,kd->k", W, N_hat) / norm)[0]),
        "offset": float(b / norm[0]),
        "ci": [float(i @ z), float(N_hat[0] @ i)],
        "cj": [float(j @ z), float(N_hat[0] @ j)],
    }


def fit_lambda(data: PairData, loss: str, lam: float, warm: tuple[np.ndarray, float, float] | None = None) -> dict:
    """Fit one λ (on or off the grid; checked by the caller), warm-started from a grid model (w0, b0, λ0) if given.

    Returns JSON-ready numbers, everything a figure needs to show that model: a, b, loss, lam, the metrics of
    ``model_metrics`` (histograms as lists, with hist_edges), objective, w (784 floats), bias (also as b), its
    tilting plane (v for the shown points, and plane = cos, sin, offset, ci, cj: ``plane_view``), warm_start
    (the grid λ used, or None) and seconds."""
    t0 = time.perf_counter()
    w0, b0, warm_lam = warm if warm is not None else (None, None, None)
    w, bias = linear.fit_one(data.X_train, data.y_train, loss, lam, w0, b0, warm_lam)
    i, j = geometry.class_centroids(data.X_train, data.y_train)
    m = model_metrics(data, w, bias, i, j)
    plane = plane_view(data, w, float(bias), i, j)
    return {
        "a": data.a,
        "b": data.b,
        "loss": loss,
        "lam": lam,
        **{k: m[k] for k in METRIC_KEYS},
        "objective": linear.objective(data.X_train, data.y_train, w, bias, lam, loss),
        "hist_edges": HIST_EDGES.tolist(),
        "hist_I": m["hist_I"].tolist(),
        "hist_J": m["hist_J"].tolist(),
        "w": w.tolist(),
        "bias": float(bias),
        "warm_start": warm_lam,
        "v": plane.pop("v"),
        "plane": plane,
        "seconds": round(time.perf_counter() - t0, 3),
    }
