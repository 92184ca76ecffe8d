"""The exact logistic-regression solver of ``models.linear``: one λ, warm-started along the path.

Logistic: damped Newton on (w, b) with an exact-objective backtracking line search, warm-started
along the path, stopped when the Newton decrement says the objective is within ~1e-12 (relative)
of the optimum.  Rows whose curvature weight is negligible are left out of the Hessian (the
gradient, objective and line search always use every row), which keeps small-λ steps cheap.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from scipy.special import expit

from models.objective import SolverError


def _hessian(X: np.ndarray, D: np.ndarray, lam: float) -> np.ndarray:
    """Hessian of L in (w, b) for curvature weights D (already divided by n); rows with negligible D skipped."""
    n, d = X.shape
    rows = np.flatnonzero(D > 1e-14 * D.max()) if D.max() > 0 else np.arange(0)
    Xr, Dr = X[rows], D[rows]
    H = np.empty((d + 1, d + 1))
    H[:d, :d] = (Xr.T * Dr) @ Xr
    H[:d, :d].flat[:: d + 1] += 2.0 * lam
    H[:d, d] = H[d, :d] = Xr.T @ Dr
    H[d, d] = Dr.sum() + 1e-300
    return H


def _pcg(hvp, g: np.ndarray, factor, rtol: float, max_iter: int) -> tuple[np.ndarray, int, bool]:
    """Solve H x = −g by conjugate gradients preconditioned with a Cholesky factor of a nearby Hessian."""
    x = np.zeros_like(g)
    r = -g.copy()
    z = scipy.linalg.cho_solve(factor, r, check_finite=False)
    p = z.copy()
    rz = float(r @ z)
    g_norm = float(np.linalg.norm(g))
    for k in range(1, max_iter + 1):
        Hp = hvp(p)
        alpha = rz / float(p @ Hp)
        x += alpha * p
        r -= alpha * Hp
        if float(np.linalg.norm(r)) <= rtol * g_norm:
            return x, k, True
        z = scipy.linalg.cho_solve(factor, r, check_finite=False)
        rz_new = float(r @ z)
        p = z + (rz_new / rz) * p
        rz = rz_new
    return x, max_iter, False


def fit(
    X: np.ndarray,
    y: np.ndarray,
    lam: float,
    w0: np.ndarray | None,
    b0: float | None,
    cache: dict | None = None,
    max_iter: int = 200,
    rtol: float = 1e-13,
) -> tuple[np.ndarray, float, int]:
    """Exact (to ~1e-13 relative objective) logistic optimum for one λ; returns (w, b, iterations).

    Newton steps are solved by conjugate gradients with exact Hessian-vector products,
    preconditioned by the Cholesky factor of an earlier Hessian (kept in ``cache`` along the path);
    the Hessian is re-formed only when CG needs more than a few iterations."""
    n, d = X.shape
    cache = {} if cache is None else cache
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    b = 0.0 if b0 is None else float(b0)

    def value(w: np.ndarray, b: float) -> tuple[float, np.ndarray]:
        m = y * (X @ w + b)
        return float(np.mean(np.logaddexp(0.0, -m)) + lam * float(w @ w)), m

    f, m = value(w, b)
    for it in range(1, max_iter + 1):
        p = expit(-m)  # σ(−m) = −f'(m)
        r = -y * p / n
        g = np.concatenate([X.T @ r + 2.0 * lam * w, [r.sum()]])
        D = p * (1.0 - p) / n

        def hvp(v: np.ndarray, D: np.ndarray = D) -> np.ndarray:
            u = D * (X @ v[:d] + v[d])
            return np.concatenate([X.T @ u + 2.0 * lam * v[:d], [u.sum()]])

        step, ok = None, False
        if "factor" in cache and cache.get("d") == d:
            step, k, ok = _pcg(hvp, g, cache["factor"], 1e-9, 12)
        if not ok:
            H = _hessian(X, D, lam)
            try:
                cache["factor"] = scipy.linalg.cho_factor(H, check_finite=False)
                cache["d"] = d
                step, k, ok = _pcg(hvp, g, cache["factor"], 1e-9, 50)
            except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
                cache.pop("factor", None)
                step = -scipy.linalg.lstsq(H, g, check_finite=False)[0]
        dec = float(-(g @ step))  # Newton decrement², ≥ 0
        if dec <= 2.0 * rtol * max(abs(f), 1e-300):
            return w, b, it
        t = 1.0
        while True:
            w_new, b_new = w + t * step[:d], b + t * step[d]
            f_new, m_new = value(w_new, b_new)
            if f_new <= f - 1e-4 * t * dec or t < 1e-12:
                break
            t *= 0.5
        if f_new > f:  # no progress possible in floating point: we are at the optimum
            return w, b, it
        w, b, f, m = w_new, b_new, f_new, m_new
    raise SolverError(f"logistic Newton did not converge at λ={lam:g} in {max_iter} iterations")
