"""The one builder of a linear model's numbers on a pair (ARTICLE.md §1): errors, d_adv, d_err, θ, ‖w‖ and the
histograms of y·d(x), the same for the 81 models of a sweep, an off-grid λ and any figure that shows a model."""

from __future__ import annotations

import numpy as np

from models import geometry

HIST_EDGES = np.linspace(-6.0, 6.0, 97)  # 96 bins of width 0.125 (pixel units, [0, 1] images)


def histogram(yd: np.ndarray, y: np.ndarray, edges: np.ndarray = HIST_EDGES) -> tuple[np.ndarray, np.ndarray]:
    """Counts of y·d(x) per class (I, J) on a fixed grid, out-of-range values in the end bins."""
    clipped = np.clip(yd, edges[0], edges[-1])
    hI = np.histogram(clipped[y < 0], bins=edges)[0]
    hJ = np.histogram(clipped[y > 0], bins=edges)[0]
    return hI.astype(np.int32), hJ.astype(np.int32)


def model_metrics(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    w: np.ndarray,
    b: float,
    i: np.ndarray,
    j: np.ndarray,
    edges: np.ndarray = HIST_EDGES,
) -> dict:
    """err_train, err_test (%), d_adv, d_err, θ (radians), w_norm, hist_I, hist_J of the model (w, b).

    i, j are the class centroids of the training set (``geometry.class_centroids``)."""
    w = np.asarray(w, dtype=np.float64)
    yd = y_train * geometry.signed_distance(X_train, w, b)
    s_test = X_test @ w + b
    hI, hJ = histogram(yd, y_train, edges)
    return {
        "err_train": float(np.mean(yd <= 0) * 100.0),
        "err_test": float(np.mean(y_test * s_test <= 0) * 100.0),
        "d_adv": float(yd.mean()),
        "d_err": float(np.sum(np.where(yd < 0, -yd, 0.0)) / len(yd)),
        "theta": geometry.tilting_angle(w, i, j),
        "w_norm": float(np.linalg.norm(w)),
        "hist_I": hI,
        "hist_J": hJ,
    }
