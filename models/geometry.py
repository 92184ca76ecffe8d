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


def _fixed_direction(z_hat: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The plane's second axis when no model gives one: the mean image's part orthogonal to ẑ (or, if that is
    zero, the coordinate axis least aligned with ẑ, made orthogonal)."""
    m = (i + j) / 2
    e = m - (m @ z_hat) * z_hat
    if np.linalg.norm(e) < 1e-12:
        e = np.zeros_like(z_hat)
        e[int(np.argmin(np.abs(z_hat)))] = 1.0
        e -= (e @ z_hat) * z_hat
    return e / np.linalg.norm(e)


def tilting_bases(W: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ẑ (d,) and n̂ for every row of W (L, d): the one tilting-plane basis of the project.

    ẑ = (j − i)/‖j − i‖ and n̂_k is the normalised part of w_k orthogonal to ẑ (so w_k·n̂_k ≥ 0).  When θ ≈ 0
    (w_k ∥ ẑ, e.g. at the largest λ) n̂_k is undefined: the row then borrows the n̂ of the nearest row that has
    one, and when no row has one, every row gets a fixed direction (``_fixed_direction``), so the plane is stable.
    """
    W = np.atleast_2d(np.asarray(W, dtype=np.float64))
    i, j = np.asarray(i, dtype=np.float64), np.asarray(j, dtype=np.float64)
    z = (j - i) / np.linalg.norm(j - i)
    N = W - np.outer(W @ z, z)
    nn = np.linalg.norm(N, axis=1)
    valid = nn > 1e-9 * np.maximum(np.linalg.norm(W, axis=1), 1e-300)
    N_hat = np.zeros_like(N)
    N_hat[valid] = N[valid] / nn[valid, None]
    if not valid.any():
        N_hat[:] = _fixed_direction(z, i, j)
        return z, N_hat
    good = np.flatnonzero(valid)
    for k in np.flatnonzero(~valid):
        N_hat[k] = N_hat[good[np.argmin(np.abs(good - k))]]
    return z, N_hat


def tilting_basis(
    w: np.ndarray, i: np.ndarray, j: np.ndarray, fallback: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Orthonormal basis (ẑ, n̂) of the tilting plane spanned by j − i and one w (``tilting_bases`` of one row).

    When θ ≈ 0, n̂ comes from ``fallback`` (e.g. the w of the next-smaller λ), and if that is also parallel or
    missing, from the fixed direction of ``tilting_bases``."""
    _norm(np.asarray(w, dtype=np.float64))  # a zero or non-finite w is an error, not a plane
    rows = [w] if fallback is None else [w, fallback]
    z, N_hat = tilting_bases(np.stack([np.asarray(r, dtype=np.float64) for r in rows]), i, j)
    return z, N_hat[0]


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
