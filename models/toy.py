"""The 2-D toy problem of §1: images (a, b) ∈ [−1, 1]², classes I and J on b = 0, a noisy point p.

``fit_toy(loss, lam)`` trains a linear model on the toy training set for real: it returns the exact
minimiser of L(w, b) = (1/n) Σ f(y (w·x + b)) + λ‖w‖² (bias not penalized) for the hinge (a small
quadratic programme, solved to machine precision by SLSQP on the primal) or the logistic loss
(Newton's method on a strictly convex function).
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.optimize import minimize

N_PER_CLASS = 10  # class J has 10 clean images; class I has 9 clean ones plus p (balanced: 10 and 10)
X_REF = np.array([-0.8, 0.0])
P_NOISY = np.array([0.07, -0.07])
LOSSES = ("hinge", "logistic")


def w_theta(theta: float) -> np.ndarray:
    """Unit normal (cos θ, sin θ) of the separating line 𝓛_θ through the origin."""
    return np.array([np.cos(theta), np.sin(theta)])


def toy_training_set() -> tuple[np.ndarray, np.ndarray]:
    """Evenly spaced images of class I (a ∈ [−1, −0.2]) and J (a ∈ [0.2, 1]) on b = 0, plus p labelled I (y = −1)."""
    a_i = np.linspace(-1.0, -0.2, N_PER_CLASS - 1)
    a_j = np.linspace(0.2, 1.0, N_PER_CLASS)
    X = np.vstack([np.column_stack([a_i, np.zeros_like(a_i)]), np.column_stack([a_j, np.zeros_like(a_j)]), P_NOISY])
    y = np.concatenate([-np.ones(N_PER_CLASS - 1), np.ones(N_PER_CLASS), [-1.0]])
    return X, y


def objective(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, lam: float, loss: str) -> float:
    """L(w, b) = (1/n) Σ f(y (w·x + b)) + λ‖w‖² with f the hinge or the softplus (logistic) loss."""
    z = y * (X @ w + b)
    f = np.maximum(1.0 - z, 0.0) if loss == "hinge" else np.logaddexp(0.0, -z)
    return float(np.mean(f) + lam * (w @ w))


def _fit_logistic(X, y, lam):
    n, d = X.shape
    Xb = np.column_stack([X, np.ones(n)])
    reg = np.diag([2 * lam] * d + [0.0])
    theta = np.zeros(d + 1)
    for _ in range(100):
        z = y * (Xb @ theta)
        sig = 0.5 * (1 - np.tanh(z / 2))  # σ(−z), stable
        grad = -(Xb.T @ (y * sig)) / n + reg @ theta
        hess = (Xb.T * (sig * (1 - sig))) @ Xb / n + reg + 1e-12 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        t = 1.0  # backtracking keeps Newton monotone far from the optimum
        f0 = objective(X, y, theta[:d], theta[d], lam, "logistic")
        while t > 1e-10 and objective(X, y, (theta - t * step)[:d], (theta - t * step)[d], lam, "logistic") > f0:
            t *= 0.5
        theta = theta - t * step
        if np.max(np.abs(grad)) < 1e-13:
            break
    return theta[:d], float(theta[d])


def _fit_hinge(X, y, lam):
    n, d = X.shape

    # variables v = (w, b, ξ): minimise (1/n) Σ ξ + λ‖w‖²  s.t.  ξ ≥ 1 − y (w·x + b),  ξ ≥ 0
    def fun(v):
        return v[d + 1 :].sum() / n + lam * (v[:d] @ v[:d])

    def jac(v):
        g = np.zeros_like(v)
        g[:d] = 2 * lam * v[:d]
        g[d + 1 :] = 1.0 / n
        return g

    A = np.zeros((2 * n, d + 1 + n))
    A[:n, :d] = y[:, None] * X
    A[:n, d] = y
    A[:n, d + 1 :] = np.eye(n)
    A[n:, d + 1 :] = np.eye(n)
    c = np.concatenate([-np.ones(n), np.zeros(n)])
    cons = {"type": "ineq", "fun": lambda v: A @ v + c, "jac": lambda v: A}
    w0, b0 = _fit_logistic(X, y, lam)
    xi0 = np.maximum(1 - y * (X @ w0 + b0), 0) + 1e-3
    res = minimize(
        fun,
        np.concatenate([w0, [b0], xi0]),
        jac=jac,
        constraints=[cons],
        method="SLSQP",
        options={"ftol": 1e-15, "maxiter": 2000},
    )
    return res.x[:d], float(res.x[d])


@functools.lru_cache(maxsize=256)
def fit_toy(loss: str, lam: float) -> tuple[np.ndarray, float]:
    """Exact minimiser (w, b) of the regularized objective on the toy training set, for loss 'hinge' or 'logistic'."""
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    if not (np.isfinite(lam) and lam > 0):
        raise ValueError(f"λ must be a positive number, got {lam!r}")
    X, y = toy_training_set()
    return _fit_hinge(X, y, lam) if loss == "hinge" else _fit_logistic(X, y, lam)
