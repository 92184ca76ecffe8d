"""Regularized linear classifiers, solved exactly along the λ path (ARTICLE.md §1).

    L(w, b) = (1/n) Σ f(y_i (w·x_i + b)) + λ ‖w‖²      (bias b not regularized)

f = hinge max(1 − z, 0) ("hinge", the SVM sweep) or softplus ln(1 + e^(−z)) ("logistic").

Hinge: a primal-dual active-set (semismooth Newton) iteration on the dual.  With c = 1/(2λn) the
optimum satisfies w = c Σ β_i y_i x_i, Σ β_i y_i = 0, β_i = 1 for points inside the margin
(y s < 1), β_i = 0 outside (y s > 1) and β_i ∈ [0, 1] on it (y s = 1, the set F, at most about
d + 1 points).  Given the three sets, (β_F, b) solve a small (|F| + 1) linear system; the sets are
re-guessed from the coordinate-wise update t_i = β_i + (1 − y_i s_i)/(c‖x_i‖²) until they no
longer change and the KKT conditions hold exactly (to ~1e-9).  Started at the largest λ, where
every point is inside the margin and w = (j − i)/(4λ) on balanced data, and walked down the grid
warm-started from the previous λ's sets.  Cycling is broken by moving fewer indices at a time.

Logistic: damped Newton on (w, b) with an exact-objective backtracking line search, warm-started
along the path, stopped when the Newton decrement says the objective is within ~1e-12 (relative)
of the optimum.  Rows whose curvature weight is negligible are left out of the Hessian (the
gradient, objective and line search always use every row), which keeps small-λ steps cheap.

Everything is plain numpy/scipy in float64 with fixed operation order, so a rerun gives the same
bits on the same machine.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy.special import expit

from models import config

LOSSES = config.LOSSES
SIGMA_SCALE = 1.0


class SolverError(RuntimeError):
    """The solver could not certify an optimum (should not happen; reported, never hidden)."""


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


def check_loss(loss: str) -> str:
    """Return the loss name if known, else raise ValueError with the allowed values."""
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; use one of {', '.join(LOSSES)}")
    return loss


def check_lambda(lam: float) -> float:
    """A finite, positive λ as float; ValueError otherwise."""
    try:
        lam = float(lam)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"λ must be a number, got {lam!r}") from exc
    if not np.isfinite(lam) or lam <= 0:
        raise ValueError(f"λ must be a finite number > 0, got {lam}")
    return lam


def loss_values(z: np.ndarray, loss: str) -> np.ndarray:
    """f(z) elementwise: hinge max(1 − z, 0) or softplus ln(1 + e^(−z)) (numerically stable)."""
    if check_loss(loss) == "hinge":
        return np.maximum(1.0 - z, 0.0)
    return np.logaddexp(0.0, -z)


def objective(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, lam: float, loss: str) -> float:
    """L(w, b) = mean f(y (Xw + b)) + λ‖w‖², the regularized objective the sweeps minimise."""
    z = y * (X @ w + b)
    return float(np.mean(loss_values(z, loss)) + lam * float(w @ w))


# ---------------------------------------------------------------------------------------------
# hinge: primal-dual active set on the dual


def _b_interval(m0: np.ndarray, y: np.ndarray, beta: np.ndarray) -> float:
    """With no free point, b only has to keep every set on its side; return the interval's midpoint.

    m0 = y (Xw) without bias.  Points with β = 1 need y(s0 + b) ≤ 1, points with β = 0 need ≥ 1.
    """
    lo, hi = -np.inf, np.inf
    up = beta >= 0.5
    # y(s0 + b) ≤ 1:  y=+1 → b ≤ 1 − s0 ; y=−1 → b ≥ −1 − s0  (s0 = y m0)
    s0 = y * m0
    pos, neg = y > 0, y < 0
    for mask, is_upper in ((up & pos, True), (up & neg, False), (~up & pos, False), (~up & neg, True)):
        if not mask.any():
            continue
        bound = (1.0 - s0[mask]) if y[mask][0] > 0 else (-1.0 - s0[mask])
        if is_upper:
            hi = min(hi, float(bound.min()))
        else:
            lo = max(lo, float(bound.max()))
    if np.isfinite(lo) and np.isfinite(hi):
        return 0.5 * (lo + hi)
    return float(lo if np.isfinite(lo) else hi if np.isfinite(hi) else 0.0)


def _hinge_best_b(m0: np.ndarray, y: np.ndarray) -> float:
    """The bias minimising Σ hinge(y(s0 + b)) for fixed w (exact; a weighted-median problem)."""
    s0 = y * m0
    # breakpoints b_k = y_k − s0_k; the subgradient in b is −Σ_{active} y
    bk = y - s0
    order = np.argsort(bk, kind="stable")
    bks, ys = bk[order], y[order]
    # for b just below bks[k]: active (y(s0+b) < 1) are points with y=+1 and bk > b, y=−1 and bk < b
    n_pos_above = np.concatenate([[np.sum(ys > 0)], np.sum(ys > 0) - np.cumsum(ys > 0)])
    n_neg_below = np.concatenate([[0], np.cumsum(ys < 0)])
    slope = -(n_pos_above) + n_neg_below  # derivative of Σ hinge in b on each interval
    k = int(np.searchsorted(slope, 0.0, side="left"))
    k = min(max(k, 1), len(bks))
    return float(bks[k - 1])


def _hinge_kkt(beta: np.ndarray, m: np.ndarray, y: np.ndarray, tol: float) -> float:
    """Largest violation of the hinge KKT conditions for (β, margins m)."""
    v = np.zeros_like(m)
    v = np.maximum(v, np.where(m < 1.0 - tol, 1.0 - beta, 0.0))  # inside margin ⇒ β = 1
    v = np.maximum(v, np.where(m > 1.0 + tol, beta, 0.0))  # outside ⇒ β = 0
    v = np.maximum(v, np.maximum(beta - 1.0, 0.0))
    v = np.maximum(v, np.maximum(-beta, 0.0))
    return float(v.max(initial=0.0))


def _pdas(X: np.ndarray, y: np.ndarray, sigma: np.ndarray, c: float, beta: np.ndarray, g_out: np.ndarray,
          s_out: float, b: float, max_iter: int, tol: float) -> tuple[np.ndarray, float, np.ndarray, int, bool]:
    """Primal-dual active set on the points (X, y), the other points' β fixed (their Σ β y x = g_out, Σ β y = s_out).

    Returns (w, b, β, iterations, converged)."""
    n = len(y)
    w = c * (g_out + X.T @ (beta * y))
    m = y * (X @ w + b)
    seen: set[bytes] = set()
    max_moves = n
    prev_state: tuple[np.ndarray, np.ndarray] | None = None
    for it in range(1, max_iter + 1):
        t = beta + sigma * (1.0 - m)
        # points exactly on the margin with a feasible β stay free (needed to rebalance Σ β y = 0)
        pinned = (np.abs(m - 1.0) <= tol) & (beta >= 0.0) & (beta <= 1.0)
        upper = (t >= 1.0) & ~pinned
        lower = (t <= 0.0) & ~pinned
        free = ~(upper | lower)
        if prev_state is not None and max_moves < n:
            # conservative mode: only the `max_moves` most violated indices change their set
            pu, pl = prev_state
            changed = (upper != pu) | (lower != pl)
            if changed.sum() > max_moves:
                score = np.abs(np.clip(t, 0.0, 1.0) - beta)
                idx = np.flatnonzero(changed)
                keep = idx[np.argsort(-score[idx], kind="stable")[max_moves:]]
                upper[keep], lower[keep] = pu[keep], pl[keep]
                free = ~(upper | lower)
        key = np.packbits(upper).tobytes() + np.packbits(lower).tobytes()
        if key in seen:
            max_moves = max(1, max_moves // 2 if max_moves < n else int(free.sum()) + 8)
        seen.add(key)
        prev_state = (upper.copy(), lower.copy())
        F = np.flatnonzero(free)
        new_beta = upper.astype(np.float64)
        yU = np.where(upper, y, 0.0)
        gU = g_out + X.T @ yU
        sumU = s_out + float(yU.sum())
        if F.size == 0:
            w = c * gU
            m0 = y * (X @ w)
            b = _b_interval(m0, y, new_beta) if abs(sumU) < 1e-12 else _hinge_best_b(m0, y)
        else:
            A = X[F]
            K = np.empty((F.size + 1, F.size + 1))
            K[:-1, :-1] = c * (A @ A.T)
            K[:-1, -1] = 1.0
            K[-1, :-1] = 1.0
            K[-1, -1] = 0.0
            rhs = np.concatenate([y[F] - c * (A @ gU), [-sumU]])
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error", scipy.linalg.LinAlgWarning)
                    sol = scipy.linalg.solve(K, rhs, assume_a="sym", check_finite=False)
                if not np.all(np.isfinite(sol)):
                    raise np.linalg.LinAlgError
            except (np.linalg.LinAlgError, scipy.linalg.LinAlgError, scipy.linalg.LinAlgWarning, ValueError):
                sol = scipy.linalg.lstsq(K, rhs, check_finite=False)[0]
            gamma, b = sol[:-1], float(sol[-1])
            new_beta[F] = gamma * y[F]
            w = c * (gU + A.T @ gamma)
            m0 = y * (X @ w)
        beta = new_beta
        m = m0 + y * b
        viol = _hinge_kkt(beta, m, y, 10 * tol)
        viol = max(viol, abs(s_out + float(beta @ y)) / max(n, 1))
        if viol <= 1e-9:
            return w, b, np.clip(beta, 0.0, 1.0), it, True
    return w, b, beta, max_iter, False


def _hinge_fit(X: np.ndarray, y: np.ndarray, lam: float, beta0: np.ndarray | None, b0: float = 0.0,
               max_iter: int = 400, tol: float = 1e-9, window: float = 0.5) -> tuple[np.ndarray, float, np.ndarray, int]:
    """Exact hinge optimum for one λ; returns (w, b, β, iterations).

    Shrinking: the active-set iteration runs on the points near the margin of the warm start
    (|y s − 1| < window, plus the free ones) with the others' β frozen; then a full KKT check adds
    every violator to the working set and repeats, so the answer is exact for all points."""
    n, _ = X.shape
    c = 1.0 / (2.0 * lam * n)
    qd = np.einsum("ij,ij->i", X, X)
    sigma = SIGMA_SCALE / (c * np.maximum(qd, 1e-12))
    if beta0 is None:
        w, b, beta, it, ok = _pdas(X, y, sigma, c, np.ones(n), np.zeros(X.shape[1]), 0.0, 0.0, max_iter, tol)
        if not ok:
            raise SolverError(f"hinge active set did not converge at λ={lam:g} in {max_iter} iterations")
        return w, b, beta, it
    beta = np.clip(beta0, 0.0, 1.0).copy()
    w = c * (X.T @ (beta * y))
    m = y * (X @ w + b0)
    S = (np.abs(m - 1.0) < window) | ((beta > 0) & (beta < 1))
    S[np.argsort(np.abs(m - 1.0), kind="stable")[:32]] = True  # never empty
    b, total = b0, 0
    for _ in range(50):
        out = np.where(S, 0.0, beta * y)
        g_out, s_out = X.T @ out, float(out.sum())
        idx = np.flatnonzero(S)
        wS, b, bS, it, ok = _pdas(X[idx], y[idx], sigma[idx], c, beta[idx], g_out, s_out, b,
                                  max(1, max_iter - total), tol)
        total += it
        beta[idx] = bS
        w = c * (X.T @ (beta * y))
        m = y * (X @ w + b)
        viol = np.maximum(np.where(m < 1.0 - 10 * tol, 1.0 - beta, 0.0), np.where(m > 1.0 + 10 * tol, beta, 0.0))
        bad = viol > 1e-9
        if ok and not bad.any() and abs(float(beta @ y)) / n <= 1e-9:
            return w, b, beta, total
        if total >= max_iter:
            break
        S |= bad | (np.abs(m - 1.0) < window)
    raise SolverError(f"hinge active set did not converge at λ={lam:g} in {max_iter} iterations")


def _hinge_dual_gap(X: np.ndarray, y: np.ndarray, lam: float, w: np.ndarray, b: float,
                    beta: np.ndarray) -> float:
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


def _hinge_smooth_fit(X: np.ndarray, y: np.ndarray, lam: float, w: np.ndarray, b: float,
                      rtol: float = 1e-9) -> tuple[np.ndarray, float, np.ndarray, int]:
    """Fallback: Newton on a Huber-smoothed hinge with the smoothing δ driven towards 0.

    The smoothed loss differs from the hinge by at most δ/2 per point; β = clip((1 − m)/δ, 0, 1)
    is returned as the dual guess for an exact active-set polish (and for a duality-gap check)."""
    n, d = X.shape
    Xt = np.hstack([X, np.ones((n, 1))])
    v = np.concatenate([w, [b]])
    reg = np.full(d + 1, 2.0 * lam)
    reg[d] = 0.0
    its = 0

    def val(v: np.ndarray, delta: float) -> tuple[float, np.ndarray]:
        m = y * (Xt @ v)
        r = 1.0 - m
        h = np.where(r <= 0, 0.0, np.where(r < delta, r * r / (2 * delta), r - delta / 2))
        return float(h.mean() + lam * float(v[:d] @ v[:d])), m

    delta = 0.1
    f, m = val(v, delta)
    while True:
        for _ in range(100):
            its += 1
            beta = np.clip((1.0 - m) / delta, 0.0, 1.0)
            g = -(Xt.T @ (beta * y)) / n + reg * v
            Q = np.flatnonzero((m > 1.0 - delta) & (m < 1.0))
            H = (Xt[Q].T @ Xt[Q]) / (n * delta)
            H.flat[:: d + 2] += reg + 1e-12
            H[d, d] += 1e-3 * float(np.mean(np.diag(H)[:d]))  # damp the bias when few points bend it
            try:
                step = -scipy.linalg.solve(H, g, assume_a="pos", check_finite=False)
            except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
                step = -scipy.linalg.lstsq(H, g, check_finite=False)[0]
            dec = float(-(g @ step))
            if dec <= rtol * 1e-3 * max(abs(f), 1e-300):
                break
            t = 1.0
            while True:
                f_new, m_new = val(v + t * step, delta)
                if f_new <= f - 1e-4 * t * dec or t < 1e-10:
                    break
                t *= 0.5
            if f_new > f:
                break
            v, f, m = v + t * step, f_new, m_new
        if delta <= 2.0 * rtol * 1e-2 * max(f, 1e-300):
            break
        delta *= 0.1
        f, m = val(v, delta)
    beta = np.clip((1.0 - m) / delta, 0.0, 1.0)
    return v[:d].copy(), float(v[d]), beta, its


def _hinge_solve(X: np.ndarray, y: np.ndarray, lam: float, beta0: np.ndarray | None, b0: float | None,
                 lam0: float | None, depth: int = 0) -> tuple[np.ndarray, float, np.ndarray, int]:
    """Exact hinge optimum at λ from the optimum (β0, b0) at λ0, by λ-continuation when needed.

    The active-set iteration converges in a few steps when λ0 is close to λ; if it stalls, the
    log-λ interval is halved and both halves are solved in turn (at most 8 levels).  A cold start
    begins at max(100, λ), where every point lies inside the margin for [0, 1] pixels."""
    if beta0 is None:
        lam_hi = max(100.0, lam)
        w, b, beta, its = _hinge_fit(X, y, lam_hi, None)
        if lam_hi == lam:
            return w, b, beta, its
        w, b, beta, more = _hinge_solve(X, y, lam, beta, b, lam_hi, depth)
        return w, b, beta, its + more
    try:
        return _hinge_fit(X, y, lam, beta0, b0 or 0.0, max_iter=80)
    except SolverError:
        if depth == 0 or lam0 is None or depth >= 3:
            try:
                return _hinge_rescue(X, y, lam, beta0, b0, lam0 or lam)
            except SolverError:
                if lam0 is None or depth >= 3:
                    raise
    mid = float(np.sqrt(lam0 * lam))
    _, bm, betam, its1 = _hinge_solve(X, y, mid, beta0, b0, lam0, depth + 1)
    w, b, beta, its2 = _hinge_solve(X, y, lam, betam, bm, mid, depth + 1)
    return w, b, beta, its1 + its2


def _hinge_rescue(X: np.ndarray, y: np.ndarray, lam: float, beta0: np.ndarray, b0: float | None,
                  lam0: float) -> tuple[np.ndarray, float, np.ndarray, int]:
    """Last resort when the active set stalls (degenerate kinks): smoothed Newton from the warm
    start, then the exact active-set polish; raises SolverError unless the result is certified."""
    w0 = (X.T @ (np.clip(beta0, 0, 1) * y)) / (2.0 * lam0 * len(y))
    w, b, beta, its = _hinge_smooth_fit(X, y, lam, w0, float(b0 or 0.0))
    try:
        w2, b2, beta2, its2 = _hinge_fit(X, y, lam, beta, b, max_iter=80)
        return w2, b2, beta2, its + its2
    except SolverError:
        gap = _hinge_dual_gap(X, y, lam, w, b, beta)
        if gap <= 1e-8 * objective(X, y, w, b, lam, "hinge"):
            return w, b, beta, its
        raise SolverError(f"hinge solver stalled at λ={lam:g} (duality gap {gap:.2e})") from None


# ---------------------------------------------------------------------------------------------
# logistic: damped Newton


def _logistic_hessian(X: np.ndarray, D: np.ndarray, lam: float) -> np.ndarray:
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


def _logistic_fit(X: np.ndarray, y: np.ndarray, lam: float, w0: np.ndarray | None, b0: float | None,
                  cache: dict | None = None, max_iter: int = 200,
                  rtol: float = 1e-13) -> tuple[np.ndarray, float, int]:
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
            H = _logistic_hessian(X, D, lam)
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


# ---------------------------------------------------------------------------------------------
# public API


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


def fit_one(X: np.ndarray, y: np.ndarray, loss: str, lam: float, w0: np.ndarray | None = None,
            b0: float | None = None, lam0: float | None = None) -> tuple[np.ndarray, float]:
    """The exact minimiser (w, b) of L for one λ, warm-started from the optimum (w0, b0) at λ0 when given."""
    X, y = _prepare(X, y)
    lam = check_lambda(lam)
    check_loss(loss)
    cols = _active_columns(X)
    Xc = np.ascontiguousarray(X[:, cols])
    w0c = None if w0 is None else np.asarray(w0, dtype=np.float64)[cols]
    if loss == "hinge":
        beta0 = None if w0c is None else _beta_from(Xc, y, w0c, float(b0 or 0.0))
        wc, b, _, _ = _hinge_solve(Xc, y, lam, beta0, b0, lam0)
    else:
        wc, b, _ = _logistic_fit(Xc, y, lam, w0c, b0)
    w = np.zeros(X.shape[1])
    w[cols] = wc
    return w, b


def _active_columns(X: np.ndarray) -> np.ndarray:
    """Pixels that are non-zero somewhere in the training set; the optimum has w = 0 on all others
    (their loss gradient is zero and the L2 term pulls them to 0), so we solve without them."""
    return np.flatnonzero(np.any(X != 0.0, axis=0))


def fit_path(X: np.ndarray, y: np.ndarray, loss: str, lambdas: np.ndarray = config.LAMBDAS) -> PathResult:
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
    for k in np.argsort(-lambdas, kind="stable"):
        lam = float(lambdas[k])
        if loss == "hinge":
            w, b, beta, it = _hinge_solve(X, y, lam, beta, b, lam_prev)
        else:
            w, b, it = _logistic_fit(X, y, lam, w, b, cache)
        W[k, cols], B[k], iters[k], lam_prev = w, b, it, lam
        obj[k] = objective(X_full, y, W[k], b, lam, loss)
    return PathResult(lambdas, W, B, obj, iters, time.perf_counter() - t0, loss)


def sklearn_reference(X: np.ndarray, y: np.ndarray, loss: str, lam: float, tol: float = 1e-10,
                      max_iter: int = 100_000) -> tuple[np.ndarray, float]:
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
