"""Regularized linear classifiers, solved exactly along the λ path (ARTICLE.md §1).

    L(w, b) = (1/n) Σ f(y_i (w·x_i + b)) + λ ‖w‖²      (bias b not regularized)

f = hinge max(1 − z, 0) ("hinge", the SVM sweep) or softplus ln(1 + e^(−z)) ("logistic"); the solvers are
``models.hinge`` (a primal-dual active set on the dual, globalized by a smoothed Newton path) and
``models.logistic`` (damped Newton); both return a result only when its optimality is certified.

Everything is plain numpy/scipy in float64 with fixed operation order, so a rerun gives the same
bits on the same machine.  The solvers run with one BLAS thread: their products are small
(6000 × ~700), and on a shared 2-core machine multi-threaded BLAS made them 5–20× slower (threads
spinning against other work); two sweeps run side by side instead (``precompute --jobs``).
"""

from __future__ import annotations

import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from models import hinge, logistic
from models.conventions import LAMBDAS, LOSSES, check_lambda, check_loss
from models.losses import loss_values
from models.objective import SolverError, objective

__all__ = [
    "LOSSES",
    "PathResult",
    "SolverError",
    "check_lambda",
    "check_loss",
    "fit_one",
    "fit_path",
    "loss_values",
    "objective",
    "sklearn_reference",
]


@contextmanager
def _one_blas_thread():
    """Run the enclosed numpy/scipy work with a single BLAS thread (see the module docstring)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


@dataclass
class PathResult:
    """Models along a λ path: W (L, d), b (L,), objective (L,), iterations (L,), seconds (total)."""

    lambdas: np.ndarray
    W: np.ndarray
    b: np.ndarray
    objective: np.ndarray
    iterations: np.ndarray
    seconds: float
    loss: str


def _prepare(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X = np.ascontiguousarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(f"X must be (n, d) and y (n,), got {X.shape} and {y.shape}")
    if not np.all(np.isin(y, (-1.0, 1.0))) or not (np.any(y < 0) and np.any(y > 0)):
        raise ValueError("labels must be −1 and +1, both present")
    return X, y


def _beta_from(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, tol: float = 1e-4) -> np.ndarray:
    """A dual guess from a primal model (e.g. a stored float32 one): 1 inside the margin, 0 outside,
    ½ within ``tol`` of it (rounding of the stored weights blurs who is exactly on the margin)."""
    m = y * (X @ w + b)
    return np.where(m < 1.0 - tol, 1.0, np.where(m > 1.0 + tol, 0.0, 0.5))


def fit_one(
    X: np.ndarray,
    y: np.ndarray,
    loss: str,
    lam: float,
    w0: np.ndarray | None = None,
    b0: float | None = None,
    lam0: float | None = None,
) -> tuple[np.ndarray, float]:
    """The exact minimiser (w, b) of L for one λ, warm-started from the optimum (w0, b0) at λ0 when given."""
    X, y = _prepare(X, y)
    lam = check_lambda(lam)
    check_loss(loss)
    cols = _active_columns(X)
    Xc = np.ascontiguousarray(X[:, cols])
    w0c = None if w0 is None else np.asarray(w0, dtype=np.float64)[cols]
    with _one_blas_thread():
        if loss == "hinge":
            beta0 = None if w0c is None else _beta_from(Xc, y, w0c, float(b0 or 0.0))
            wc, b, _, _ = hinge.solve(Xc, y, lam, beta0, b0, lam0, w0c)
        else:
            wc, b, _ = logistic.fit(Xc, y, lam, w0c, b0)
    w = np.zeros(X.shape[1])
    w[cols] = wc
    return w, b


def _active_columns(X: np.ndarray) -> np.ndarray:
    """Pixels that are non-zero somewhere in the training set; the optimum has w = 0 on all others
    (their loss gradient is zero and the L2 term pulls them to 0), so we solve without them."""
    return np.flatnonzero(np.any(X != 0.0, axis=0))


def fit_path(X: np.ndarray, y: np.ndarray, loss: str, lambdas: np.ndarray = LAMBDAS) -> PathResult:
    """Fit every λ (any order given; solved from the largest down with warm starts) exactly."""
    X, y = _prepare(X, y)
    check_loss(loss)
    lambdas = np.asarray(lambdas, dtype=np.float64)
    for lam in lambdas:
        check_lambda(lam)
    L, d = len(lambdas), X.shape[1]
    cols = _active_columns(X)
    X_full, X = X, np.ascontiguousarray(X[:, cols])
    W, B = np.zeros((L, d)), np.zeros(L)
    obj, iters = np.zeros(L), np.zeros(L, dtype=np.int64)
    t0 = time.perf_counter()
    beta, w, b, lam_prev = None, None, None, None
    cache: dict = {}
    with _one_blas_thread():
        for k in np.argsort(-lambdas, kind="stable"):
            lam = float(lambdas[k])
            if loss == "hinge":
                w, b, beta, it = hinge.solve(X, y, lam, beta, b, lam_prev, w)
            else:
                w, b, it = logistic.fit(X, y, lam, w, b, cache)
            W[k, cols], B[k], iters[k], lam_prev = w, b, it, lam
            obj[k] = objective(X_full, y, W[k], b, lam, loss)
    return PathResult(lambdas, W, B, obj, iters, time.perf_counter() - t0, loss)


def sklearn_reference(
    X: np.ndarray, y: np.ndarray, loss: str, lam: float, tol: float = 1e-10, max_iter: int = 100_000
) -> tuple[np.ndarray, float]:
    """scikit-learn's fit of the same objective (the named reference for tests and benchmarks).

    Both minimise ½‖w‖² + C Σ f, i.e. ours divided by 2λ, so C = 1/(2λn).  LinearSVC (liblinear)
    regularizes its intercept; intercept_scaling = 100 makes that penalty negligible."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    C = 1.0 / (2.0 * check_lambda(lam) * len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if check_loss(loss) == "hinge":
            m = LinearSVC(C=C, loss="hinge", dual=True, tol=tol, max_iter=max_iter, intercept_scaling=100.0)
        else:
            m = LogisticRegression(C=C, tol=tol, max_iter=max_iter)
        m.fit(X, y)
    return m.coef_.ravel().astype(np.float64), float(m.intercept_[0])
