"""The one definition of the per-point losses f(z) of the article (z = y·(w·x + b), or a scaled distance).

    hinge      max(1 − z, 0)          the SVM's loss
    logistic   ln(1 + e^(−z))         logistic regression's (the softplus; "softplus" is the same function)
    0-1        1 if z < 0 else 0      the error count (only for figures: no model is trained on it)

``scaled_loss(name, z, scale)`` is f(scale·z): a loss seen as a function of the distance to the boundary
when the model has ‖w‖ = scale (ARTICLE.md's f_‖w‖).
"""

from __future__ import annotations

import numpy as np

LOSS_NAMES = ("hinge", "logistic", "softplus", "0-1")


def loss_values(z: np.ndarray, loss: str) -> np.ndarray:
    """f(z) elementwise (numerically stable); ValueError for an unknown loss name."""
    if loss == "hinge":
        return np.maximum(1.0 - z, 0.0)
    if loss in ("logistic", "softplus"):
        return np.logaddexp(0.0, -z)
    if loss == "0-1":
        return (z < 0).astype(float)
    raise ValueError(f"unknown loss {loss!r}; use one of {', '.join(LOSS_NAMES)}")


def scaled_loss(loss: str, z: np.ndarray, scale: float) -> np.ndarray:
    """f(scale · z) for z given as an array-like of distances (float64)."""
    return loss_values(scale * np.asarray(z, dtype=np.float64), loss)
