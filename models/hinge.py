"""The exact hinge (SVM) solver of ``models.linear``: one λ, warm-started from a neighbour's optimum.

Hinge: a primal-dual active-set (semismooth Newton) iteration on the dual.  With c = 1/(2λn) the
optimum satisfies w = c Σ β_i y_i x_i, Σ β_i y_i = 0, β_i = 1 for points inside the margin
(y s < 1), β_i = 0 outside (y s > 1) and β_i ∈ [0, 1] on it (y s = 1, the set F, at most about
d + 1 points).  Given the three sets, (β_F, b) solve a small (|F| + 1) linear system; the sets are
re-guessed from the coordinate-wise update t_i = β_i + (1 − y_i s_i)/(c‖x_i‖²), projected onto
{0 ≤ β ≤ 1, Σβy = 0} (which also fixes b when no point is free), until the KKT conditions hold
(to 1e-9).  Started at the largest λ, where every point is inside the margin and w = (j − i)/(4λ)
on balanced data, and walked down the grid from the previous λ's sets.  The active-set iteration
is fast but not globally convergent (it can cycle or blow the free set up): when it has not
converged within a few steps, Newton's method on the Huber-smoothed hinge (kink width δ, exact
line search, globally convergent) runs from the previous λ's optimum, and the active-set
iteration restarts from the smoothed optimum's sets, with δ = 10⁻², 10⁻³, … until it converges.
A result is only returned with the exact KKT conditions met, or (last resort) a duality gap
below 1e-10 of the objective; otherwise SolverError.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg

from models.objective import SolverError, objective

HUBER_DELTA0 = 1e-2  # first kink width of the smoothed fallback (pixels in [0, 1], margins ~1)


def _kkt_violation(beta: np.ndarray, m: np.ndarray, tol: float) -> float:
    """Largest violation of the hinge KKT conditions for multipliers β and margins m = y(w·x + b)."""
    v = np.maximum(np.where(m < 1.0 - tol, 1.0 - beta, 0.0), np.where(m > 1.0 + tol, beta, 0.0))
    v = np.maximum(v, np.maximum(beta - 1.0, 0.0))
    return float(np.maximum(v, -beta).max(initial=0.0))


def _bias_midpoint(s0: np.ndarray, y: np.ndarray, upper: np.ndarray) -> float | None:
    """With no point on the margin the optimal b is any value of an interval (points with β = 1 need
    y(s0 + b) ≤ 1, those with β = 0 need ≥ 1, s0 = Xw); its midpoint, or None if it is empty/unbounded."""
    pos = y > 0
    hi = min(float((1.0 - s0)[upper & pos].min(initial=np.inf)), float((-1.0 - s0)[~upper & ~pos].min(initial=np.inf)))
    lo = max(
        float((-1.0 - s0)[upper & ~pos].max(initial=-np.inf)), float((1.0 - s0)[~upper & pos].max(initial=-np.inf))
    )
    return 0.5 * (lo + hi) if np.isfinite(lo) and np.isfinite(hi) and lo <= hi else None


def _pl_root(f, breaks: np.ndarray, lo: float) -> float:
    """A zero of a nondecreasing, piecewise-linear f with kinks at the sorted ``breaks`` (all > lo),
    given f(lo) < 0; where f is 0 on a whole interval, its midpoint.  Bisection over the kinks, then
    exact linear interpolation on the segment that changes sign."""
    a, z = -1, len(breaks)  # f(breaks[a]) < 0 ≤ f(breaks[z])
    while z - a > 1:
        mid = (a + z) // 2
        if f(breaks[mid]) < 0.0:
            a = mid
        else:
            z = mid
    x0 = lo if a < 0 else float(breaks[a])
    f0 = f(x0)
    if z == len(breaks):  # beyond the last kink f is linear
        x1 = x0 + 1.0
        f1 = f(x1)
        return x0 - f0 * (x1 - x0) / (f1 - f0) if f1 > f0 else x0
    x1, f1 = float(breaks[z]), f(float(breaks[z]))
    if f1 > 0.0:
        return x0 - f0 * (x1 - x0) / (f1 - f0)
    z2, hi = z, len(breaks)  # f == 0 from x1 on: find where it turns positive, return the middle
    while hi - z2 > 1:
        mid = (z2 + hi) // 2
        if f(breaks[mid]) <= 0.0:
            z2 = mid
        else:
            hi = mid
    return 0.5 * (x1 + float(breaks[z2]))


def projected_bias(v: np.ndarray, sigma: np.ndarray, y: np.ndarray) -> float:
    """ν with Σ y clip(v − σ y ν, 0, 1) = 0: the bias that makes the predicted multipliers balanced
    (Σ β y = 0), i.e. the projection onto the dual's feasible set {0 ≤ β ≤ 1, Σ β y = 0}."""
    breaks = np.sort(np.concatenate([y * v / sigma, y * (v - 1.0) / sigma]))

    def f(nu: float) -> float:  # nondecreasing in ν
        return -float(y @ np.clip(v - sigma * y * nu, 0.0, 1.0))

    return _pl_root(f, breaks[1:], float(breaks[0]))


def _pdas(
    X: np.ndarray, y: np.ndarray, lam: float, beta: np.ndarray, b: float, max_iter: int, tol: float = 1e-9
) -> tuple[np.ndarray, float, np.ndarray, int, bool]:
    """Primal-dual active set (semismooth Newton) on the hinge dual; returns (w, b, β, iterations, ok).

    The first step keeps the sets of the start (U: β = 1, L: β = 0, F: the rest) and solves the
    (|F| + 1) system for β_F and b exactly; later sets come from t = β + σ(1 − m) projected onto
    {0 ≤ β ≤ 1, Σβy = 0}.  Gives up (ok False) after ``max_iter`` steps, on a repeated set, or when
    |F| exceeds d + 1 (more free points than the data's rank: the iteration is diverging)."""
    n, d = X.shape
    c = 1.0 / (2.0 * lam * n)
    sigma = 1.0 / (c * np.maximum(np.einsum("ij,ij->i", X, X), 1e-12))
    beta = np.clip(beta, 0.0, 1.0)
    upper, lower = beta >= 1.0, beta <= 0.0
    w, m0, nu = np.zeros(d), np.zeros(n), b
    seen: set[bytes] = set()
    for it in range(1, max_iter + 1):
        if it > 1:
            v = beta + sigma * (1.0 - m0)
            nu = projected_bias(v, sigma, y)
            t = v - sigma * y * nu
            upper, lower = t >= 1.0, t <= 0.0
        key = np.packbits(upper).tobytes() + np.packbits(lower).tobytes()
        F = np.flatnonzero(~(upper | lower))
        if key in seen or F.size > d + 1:
            break
        seen.add(key)
        yU = np.where(upper, y, 0.0)
        gU = X.T @ yU
        beta = upper.astype(np.float64)
        if F.size == 0:
            w = c * gU
            m0 = y * (X @ w)
            mid = _bias_midpoint(y * m0, y, upper)
            b = mid if mid is not None else nu if it > 1 else b
        else:
            A = X[F]
            K = np.empty((F.size + 1, F.size + 1))
            K[:-1, :-1] = c * (A @ A.T)
            K[:-1, -1] = K[-1, :-1] = 1.0
            K[-1, -1] = 0.0
            rhs = np.concatenate([y[F] - c * (A @ gU), [-float(yU.sum())]])
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error", scipy.linalg.LinAlgWarning)
                    sol = scipy.linalg.solve(K, rhs, assume_a="sym", check_finite=False)
            except (np.linalg.LinAlgError, scipy.linalg.LinAlgError, scipy.linalg.LinAlgWarning, ValueError):
                break  # singular: degenerate sets, leave it to the smoothed path
            b = float(sol[-1])
            beta[F] = sol[:-1] * y[F]
            w = c * (gU + A.T @ sol[:-1])
            m0 = y * (X @ w)
        m = m0 + y * b
        if max(_kkt_violation(beta, m, 10 * tol), abs(float(beta @ y)) / n) <= tol:
            return w, b, np.clip(beta, 0.0, 1.0), it, True
    return w, b, beta, min(it, max_iter), False


def huber_newton(
    X: np.ndarray, y: np.ndarray, lam: float, w: np.ndarray, b: float, delta: float, max_iter: int = 100
) -> tuple[np.ndarray, float, int]:
    """Minimise the hinge objective with the kink smoothed over a width δ (Huber), by Newton's method
    with an exact line search (the objective is convex and piecewise quadratic along any line, so the
    step is exact, and the iteration converges from any start).  Returns (w, b, iterations)."""
    n, d = X.shape
    m = y * (X @ w + b)
    nd = n * delta
    for it in range(1, max_iter + 1):
        r = 1.0 - m
        beta = np.clip(r / delta, 0.0, 1.0)
        gw = -(X.T @ (beta * y)) / n + 2.0 * lam * w
        gb = -float(beta @ y) / n
        Q = np.flatnonzero((r > 0.0) & (r < delta))
        if Q.size == 0:
            pw, pb = -gw / (2.0 * lam), -gb * nd
        elif Q.size <= d:  # (2λnδ I + X_Q X_Qᵀ) s + q 1 = −nδ X_Q g_w,  1ᵀ s = −nδ g_b
            A = X[Q]
            M = A @ A.T
            M.flat[:: Q.size + 1] += 2.0 * lam * nd
            fac = scipy.linalg.cho_factor(M, check_finite=False)
            r1 = scipy.linalg.cho_solve(fac, -nd * (A @ gw), check_finite=False)
            r2 = scipy.linalg.cho_solve(fac, np.ones(Q.size), check_finite=False)
            q = (r1.sum() + nd * gb) / r2.sum()
            s = r1 - q * r2
            pw = -(gw + (A.T @ s) / nd) / (2.0 * lam)
            pb = -q / (2.0 * lam * nd)
        else:
            A = X[Q]
            H = np.empty((d + 1, d + 1))
            H[:d, :d] = (A.T @ A) / nd
            H[:d, :d].flat[:: d + 1] += 2.0 * lam
            H[:d, d] = H[d, :d] = A.sum(axis=0) / nd
            H[d, d] = Q.size / nd
            p = scipy.linalg.cho_solve(
                scipy.linalg.cho_factor(H, check_finite=False), -np.concatenate([gw, [gb]]), check_finite=False
            )
            pw, pb = p[:d], float(p[d])
        u = y * (X @ pw + pb)
        wp, pp = float(w @ pw), float(pw @ pw)

        def slope(t: float, r: np.ndarray = r, u: np.ndarray = u, wp: float = wp, pp: float = pp) -> float:
            return -float(np.clip((r - t * u) / delta, 0.0, 1.0) @ u) / n + 2.0 * lam * (wp + t * pp)

        s0 = slope(0.0)
        if s0 >= 0.0 or -s0 <= 1e-15 * (float(np.mean(beta * r)) + lam * float(w @ w)):
            return w, b, it
        nz = u != 0.0
        breaks = np.concatenate([r[nz] / u[nz], (r[nz] - delta) / u[nz]])
        breaks = np.sort(breaks[breaks > 0.0])
        t = _pl_root(slope, breaks, 0.0)
        w, b, m = w + t * pw, b + t * pb, m + t * u
    return w, b, max_iter


def _fit(
    X: np.ndarray, y: np.ndarray, lam: float, beta0: np.ndarray | None, b0: float, w0: np.ndarray | None
) -> tuple[np.ndarray, float, np.ndarray, int]:
    """Exact hinge optimum at λ, warm-started from a neighbour's (β0, b0, w0); returns (w, b, β, steps).

    First the active-set iteration from the neighbour's sets (a few steps when the sets change
    little).  If it stalls or diverges: Newton on the Huber-smoothed hinge from the neighbour's
    (w0, b0), δ = 10⁻², 10⁻³, …, each followed by the active-set iteration started from the smoothed
    optimum's sets (its quadratic zone is the free set) until that converges to the exact KKT point."""
    n = len(y)
    if beta0 is None:
        beta0, b0, w0 = np.ones(n), 0.0, None
    w, b, beta, its, ok = _pdas(X, y, lam, beta0, b0, max_iter=12)
    if ok:
        return w, b, beta, its
    if w0 is None:
        w0 = (X.T @ (np.clip(beta0, 0.0, 1.0) * y)) / (2.0 * lam * n)
    w, b = np.array(w0, dtype=np.float64), float(b0)
    delta = HUBER_DELTA0
    while delta >= 1e-13:
        w, b, k = huber_newton(X, y, lam, w, b, delta)
        its += k
        m = y * (X @ w + b)
        beta_s = np.clip((1.0 - m) / delta, 0.0, 1.0)
        wp, bp, beta, k, ok = _pdas(X, y, lam, beta_s, b, max_iter=12)
        its += k
        if ok:
            return wp, bp, beta, its
        delta *= 0.1
    gap = dual_gap(X, y, lam, w, b, beta_s)
    if gap <= 1e-10 * objective(X, y, w, b, lam, "hinge"):  # certified, though not at an exact vertex
        return w, b, beta_s, its
    raise SolverError(f"hinge solver did not converge at λ={lam:g} (duality gap {gap:.2e})")


def dual_gap(X: np.ndarray, y: np.ndarray, lam: float, w: np.ndarray, b: float, beta: np.ndarray) -> float:
    """Primal minus dual objective for a dual point β (projected onto Σβy = 0, 0 ≤ β ≤ 1): a bound
    on the suboptimality of (w, b) that needs no reference solver."""
    n = len(y)
    beta = np.clip(beta, 0.0, 1.0)
    # restore Σ β y = 0 by shrinking the larger side (stays inside the box)
    sp, sn = float(beta[y > 0].sum()), float(beta[y < 0].sum())
    if sp > sn and sp > 0:
        beta = np.where(y > 0, beta * (sn / sp), beta)
    elif sn > sp and sn > 0:
        beta = np.where(y < 0, beta * (sp / sn), beta)
    wd = (X.T @ (beta * y)) / (2.0 * lam * n)
    dual = float(beta.sum()) / n - lam * float(wd @ wd)
    return objective(X, y, w, b, lam, "hinge") - dual


def solve(
    X: np.ndarray,
    y: np.ndarray,
    lam: float,
    beta0: np.ndarray | None,
    b0: float | None,
    lam0: float | None,
    w0: np.ndarray | None = None,
) -> tuple[np.ndarray, float, np.ndarray, int]:
    """Exact hinge optimum at λ from the optimum (β0, b0, w0) at λ0; a cold start first solves
    λ = max(100, λ), where every point lies inside the margin for [0, 1] pixels, and walks from there."""
    if beta0 is None:
        lam_hi = max(100.0, lam)
        w, b, beta, its = _fit(X, y, lam_hi, None, 0.0, None)
        if lam_hi == lam:
            return w, b, beta, its
        w, b, beta, more = _fit(X, y, lam, beta, b, w)
        return w, b, beta, its + more
    return _fit(X, y, lam, beta0, float(b0 or 0.0), w0)
