"""The λ-path solver against scikit-learn, a duality-gap certificate and the closed form at large λ."""

from __future__ import annotations

import numpy as np
import pytest

from models import hinge, linear
from store import mnist


def problem(seed: int, n: int = 300, pair: tuple[int, int] = (3, 5)):
    """A small balanced random subset of a real MNIST pair (the solver's domain: 784 pixels in [0, 1])."""
    data = mnist.pair_data(*pair)
    rng = np.random.default_rng(seed)
    half = len(data.y_train) // 2
    idx = np.concatenate([rng.choice(half, n // 2, replace=False), half + rng.choice(half, n // 2, replace=False)])
    return data.X_train[idx], data.y_train[idx]


def sklearn_fit(X, y, loss: str, lam: float):
    """scikit-learn at the same objective (C = 1/(2λn), intercept effectively unregularized)."""
    return linear.sklearn_reference(X, y, loss, lam, tol=1e-10, max_iter=200_000)


LAMS = [1e-4, 1e-2, 1.0]


@pytest.mark.parametrize("loss", ["hinge", "logistic"])
@pytest.mark.parametrize("seed", [0, 1])
def test_path_matches_or_beats_sklearn(loss, seed):
    X, y = problem(seed)
    path = linear.fit_path(X, y, loss, np.array(LAMS))
    for k, lam in enumerate(LAMS):
        ours = linear.objective(X, y, path.W[k], path.b[k], lam, loss)
        assert ours == pytest.approx(path.objective[k])
        ref = linear.objective(X, y, *sklearn_fit(X, y, loss, lam), lam, loss)
        assert ours <= ref * (1 + 1e-6), (lam, ours, ref)
        if loss == "logistic":  # lbfgs converges tightly here: the same optimum
            assert ours == pytest.approx(ref, rel=1e-6)


@pytest.mark.parametrize("seed", [0, 1])
def test_hinge_duality_gap_certifies_optimum(seed):
    X, y = problem(seed, n=400, pair=(4, 9))
    for lam in [1e-5, 1e-3, 1e-1]:
        w, b = linear.fit_one(X, y, "hinge", lam)
        m = y * (X @ w + b)
        beta = hinge.solve(X, y, lam, None, None, None)[2]
        gap = hinge.dual_gap(X, y, lam, w, b, beta)
        assert -1e-12 <= gap <= 1e-9 * linear.objective(X, y, w, b, lam, "hinge")
        assert np.all(m[beta < 1 - 1e-9] >= 1 - 1e-7)  # β < 1 only on or outside the margin


def test_logistic_gradient_vanishes():
    X, y = problem(3)
    lam = 1e-3
    w, b = linear.fit_one(X, y, "logistic", lam)
    p = 1 / (1 + np.exp(y * (X @ w + b)))
    g_w = -(X.T @ (y * p)) / len(y) + 2 * lam * w
    assert np.abs(g_w).max() < 1e-8 and abs(np.mean(y * p)) < 1e-8


def test_closed_form_at_largest_lambda():
    X, y = problem(4)
    lam = 100.0
    w, b = linear.fit_one(X, y, "hinge", lam)
    i, j = X[y < 0].mean(0), X[y > 0].mean(0)
    assert np.all(y * (X @ w + b) < 1)  # every point inside the margin
    assert np.allclose(w, (j - i) / (4 * lam), rtol=1e-12, atol=1e-15)
    assert 1 / np.linalg.norm(w) == pytest.approx(4 * lam / np.linalg.norm(j - i), rel=1e-12)


def test_warm_start_gives_same_optimum():
    X, y = problem(5)
    for loss in ("hinge", "logistic"):
        w1, b1 = linear.fit_one(X, y, loss, 3e-3)
        w0, b0 = linear.fit_one(X, y, loss, 1e-2)
        w2, b2 = linear.fit_one(X, y, loss, 3e-3, w0, b0)
        o1, o2 = (linear.objective(X, y, w, b, 3e-3, loss) for w, b in ((w1, b1), (w2, b2)))
        assert o2 == pytest.approx(o1, rel=1e-9)


def test_zero_pixels_get_zero_weight():
    X, y = problem(6)
    assert not X[:, 0].any()  # MNIST's corner pixel is always 0
    w, _ = linear.fit_one(X, y, "logistic", 1e-3)
    assert w[0] == 0.0


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf"), "x"])
def test_bad_lambda_is_refused(bad):
    X, y = problem(0)
    with pytest.raises(ValueError, match="λ"):
        linear.fit_one(X, y, "hinge", bad)


def test_bad_inputs_are_refused():
    X, y = problem(0)
    with pytest.raises(ValueError, match="unknown loss"):
        linear.fit_one(X, y, "squared", 1e-2)
    with pytest.raises(ValueError, match="labels"):
        linear.fit_one(X, y * 2, "hinge", 1e-2)
    with pytest.raises(ValueError, match="shape|must be"):
        linear.fit_one(X[:5], y, "hinge", 1e-2)


def test_projected_bias_balances_the_multipliers():
    rng = np.random.default_rng(0)
    y = np.where(rng.random(500) < 0.4, -1.0, 1.0)
    v, sigma = rng.normal(0.5, 1.0, 500), rng.uniform(0.1, 10.0, 500)
    nu = hinge.projected_bias(v, sigma, y)
    assert abs(float(y @ np.clip(v - sigma * y * nu, 0.0, 1.0))) <= 1e-9


def test_huber_newton_is_within_half_delta_of_the_optimum():
    """The smoothed hinge differs from the hinge by at most δ/2 per point, so the smoothed minimiser's
    hinge objective is within δ/2 of the exact optimum (the fallback path's first stage)."""
    X, y = problem(7, n=400, pair=(7, 9))
    lam, delta = 1e-3, 1e-3
    w, b = linear.fit_one(X, y, "hinge", lam)
    best = linear.objective(X, y, w, b, lam, "hinge")
    ws, bs, _ = hinge.huber_newton(X, y, lam, np.zeros(X.shape[1]), 0.0, delta)
    assert best - 1e-12 <= linear.objective(X, y, ws, bs, lam, "hinge") <= best + delta / 2


def test_degenerate_bias_is_the_midpoint_of_its_interval():
    """At large λ every point is inside the margin and any b of an interval is optimal: we return its
    midpoint, so the closest points of the two classes are equally far from the margin."""
    X, y = problem(8)
    w, b = linear.fit_one(X, y, "hinge", 30.0)
    slack = 1.0 - y * (X @ w + b)
    assert slack.min() > 0
    assert slack[y > 0].min() == pytest.approx(slack[y < 0].min(), rel=1e-9)
