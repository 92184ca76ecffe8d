"""Geometry identities of ARTICLE.md §1 on random data (fast, no MNIST)."""

from __future__ import annotations

import numpy as np
import pytest

from models import geometry as g


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    n, d = 200, 30
    X = rng.random((n, d))
    y = np.repeat([-1.0, 1.0], n // 2)
    X[y > 0, :5] += 0.4  # class J a bit brighter in a few pixels
    i, j = g.class_centroids(X, y)
    w = (j - i) + 0.3 * rng.standard_normal(d)
    return X, y, w, -float(w @ (i + j) / 2) + 0.05, i, j


def test_signed_distance_and_geometry_identities(data):
    X, y, w, b, i, j = data
    d = g.signed_distance(X, w, b)
    assert np.allclose(d, (X @ w + b) / np.linalg.norm(w))
    theta = g.tilting_angle(w, i, j)
    assert 0 < theta < np.pi / 2
    # balanced data: d_adv = ½‖j − i‖ cos θ
    assert g.adversarial_distance(X, y, w, b) == pytest.approx(0.5 * np.linalg.norm(j - i) * np.cos(theta), rel=1e-9)
    xm = g.mirror_image(X, w, b)
    xp = g.projected_image(X, w, b)
    assert np.allclose(g.signed_distance(xm, w, b), -d)
    assert np.allclose(np.linalg.norm(X - xm, axis=1), 2 * np.abs(d))
    assert np.allclose(g.signed_distance(xp, w, b), 0, atol=1e-12)
    # one image works too
    assert np.allclose(g.mirror_image(X[0], w, b), xm[0])


def test_error_distance(data):
    X, y, w, b, *_ = data
    yd = y * g.signed_distance(X, w, b)
    assert (yd < 0).any()
    assert g.error_distance(X, y, w, b) == pytest.approx(-yd[yd < 0].sum() / len(y))
    assert g.error_distance(X, y, w, b) >= 0


def test_tilting_angle_is_folded_into_first_quadrant(data):
    _, _, w, _, i, j = data
    assert g.tilting_angle(-w, i, j) == pytest.approx(g.tilting_angle(w, i, j))
    assert g.tilting_angle(j - i, i, j) == pytest.approx(0.0, abs=1e-7)


def test_tilting_basis_orthonormal_and_spans_w(data):
    X, _, w, _, i, j = data
    z, n = g.tilting_basis(w, i, j)
    assert z @ z == pytest.approx(1) and n @ n == pytest.approx(1) and abs(z @ n) < 1e-12
    assert w @ n > 0
    # w lies in the plane
    w_in = (w @ z) * z + (w @ n) * n
    assert np.allclose(w_in, w)
    P = g.plane_coordinates(X, z, n)
    assert P.shape == (len(X), 2) and np.allclose(P[:, 0], X @ z)


def test_tilting_basis_theta_zero_uses_fallback_then_fixed(data):
    _, _, w, _, i, j = data
    z, n = g.tilting_basis(j - i, i, j, fallback=w)
    _, n_from_w = g.tilting_basis(w, i, j)
    assert np.allclose(n, n_from_w)
    z2, n2 = g.tilting_basis(3 * (j - i), i, j)
    assert abs(z2 @ n2) < 1e-12 and n2 @ n2 == pytest.approx(1)
    _, n3 = g.tilting_basis(3 * (j - i), i, j)
    assert np.array_equal(n2, n3)  # deterministic


def test_bad_weights_raise_clear_errors(data):
    X, *_ = data
    with pytest.raises(ValueError, match="non-zero"):
        g.signed_distance(X, np.zeros(X.shape[1]), 0.0)
    with pytest.raises(ValueError, match="both classes"):
        g.class_centroids(X, np.ones(len(X)))
