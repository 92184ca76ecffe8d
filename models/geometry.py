"""Geometry of a linear classifier (w, b) in image space (ARTICLE.md §1).

Signed distances, the adversarial and error distances, the tilting angle between w and the
centroid direction, the tilting plane (ẑ, n̂) and the projected / mirror images of an image.
Pure numpy; no Dash or Plotly.
"""

from __future__ import annotations

import numpy as np


def _norm(v: np.ndarray) -> float:
    n = float(np.linalg.norm(v))
    if not np.isfinite(n) or n <= 0.0:
        raise ValueError("the weight vector must be finite and non-zero")
    return n


def signed_distance(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """d(x) = (w·x + b) / ‖w‖ for every row of X (or for one vector x): the distance to the boundary."""
    w = np.asarray(w, dtype=np.float64)
    return (np.asarray(X, dtype=np.float64) @ w + float(b)) / _norm(w)


def adversarial_distance(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> float:
    """d_adv = (1/n) Σ y d(x): the mean signed distance of the points to the boundary."""
    return float(np.mean(np.asarray(y, dtype=np.float64) * signed_distance(X, w, b)))


def error_distance(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> float:
    """d_err = (1/n) Σ over misclassified points of −y d(x): how far the errors sit beyond the boundary."""
    yd = np.asarray(y, dtype=np.float64) * signed_distance(X, w, b)
    return float(np.sum(np.where(yd < 0, -yd, 0.0)) / len(yd))


def class_centroids(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centroids (i, j) of class I (y = −1) and class J (y = +1)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if not (np.any(y < 0) and np.any(y > 0)):
        raise ValueError("both classes (y = −1 and y = +1) need at least one point")
    return X[y < 0].mean(axis=0), X[y > 0].mean(axis=0)


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    return v / _norm(v)


def tilting_angle(w: np.ndarray, i: np.ndarray, j: np.ndarray) -> float:
    """θ = angle(w, j − i) in radians, folded into [0, π/2] (the angle between the lines they span)."""
    c = abs(float(_unit(w) @ _unit(np.asarray(j) - np.asarray(i))))
    return float(np.arccos(min(1.0, c)))


def _fixed_orthogonal(z_hat: np.ndarray) -> np.ndarray:
    """A fixed unit vector orthogonal to z_hat: the coordinate axis least aligned with z_hat, made orthogonal."""
    e = np.zeros_like(z_hat)
    e[int(np.argmin(np.abs(z_hat)))] = 1.0
    n = e - (e @ z_hat) * z_hat
    return n / np.linalg.norm(n)


def tilting_basis(w: np.ndarray, i: np.ndarray, j: np.ndarray,
                  fallback: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Orthonormal basis (ẑ, n̂) of the tilting plane spanned by j − i and w.

    ẑ = (j − i)/‖j − i‖ and n̂ is the normalised part of w orthogonal to ẑ, oriented so that w·n̂ ≥ 0.
    When θ ≈ 0 (w ∥ ẑ, e.g. at the largest λ) n̂ is undefined: we then use the part of ``fallback``
    orthogonal to ẑ (e.g. the w of the next-smaller λ), and if that is also parallel or missing, a
    fixed direction (the coordinate axis least aligned with ẑ, orthogonalised), so the plane is stable.
    """
    z_hat = _unit(np.asarray(j, dtype=np.float64) - np.asarray(i, dtype=np.float64))
    w = np.asarray(w, dtype=np.float64)
    scale = _norm(w)
    for cand, s in ((w, scale), (fallback, None)):
        if cand is None:
            continue
        cand = np.asarray(cand, dtype=np.float64)
        s = s if s is not None else float(np.linalg.norm(cand))
        if not np.isfinite(s) or s <= 0:
            continue
        n = cand - (cand @ z_hat) * z_hat
        nn = float(np.linalg.norm(n))
        if nn > 1e-9 * s:
            return z_hat, n / nn
    return z_hat, _fixed_orthogonal(z_hat)


def plane_coordinates(X: np.ndarray, z_hat: np.ndarray, n_hat: np.ndarray) -> np.ndarray:
    """Coordinates (x·ẑ, x·n̂) of each row of X in the tilting plane, shape (n, 2)."""
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    return np.stack([X @ z_hat, X @ n_hat], axis=1)


def projected_image(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """x_p = x − d(x) ŵ: the orthogonal projection of x (one image or rows) onto the boundary."""
    x = np.asarray(x, dtype=np.float64)
    w_hat = _unit(w)
    d = signed_distance(x, w, b)
    return x - np.multiply.outer(d, w_hat)


def mirror_image(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """x_m = x − 2 d(x) ŵ: the reflection of x (one image or rows) through the boundary."""
    x = np.asarray(x, dtype=np.float64)
    w_hat = _unit(w)
    d = signed_distance(x, w, b)
    return x - 2.0 * np.multiply.outer(d, w_hat)
