"""The regularized objective the linear solvers minimise, and the error they raise when they cannot certify it."""

from __future__ import annotations

import numpy as np

from models.losses import loss_values


class SolverError(RuntimeError):
    """The solver could not certify an optimum (should not happen; reported, never hidden)."""


def objective(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, lam: float, loss: str) -> float:
    """L(w, b) = mean f(y (Xw + b)) + λ‖w‖², the regularized objective the sweeps minimise."""
    z = y * (X @ w + b)
    return float(np.mean(loss_values(z, loss)) + lam * float(w @ w))
