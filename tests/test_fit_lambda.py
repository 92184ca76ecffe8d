"""The fit-lambda answer carries everything a frame needs, computed by the science (the page uses it as returned)."""

from __future__ import annotations

import numpy as np
import pytest

from jobs import linear_tasks
from models import conventions, geometry, losses
from store import mnist, sweeps


@pytest.fixture(scope="module")
def answer():
    return linear_tasks.fit_lambda_task(
        {"a": 2, "b": 3, "loss": "hinge", "lam": float(conventions.LAMBDAS[40])}, lambda *a: None
    )


def test_answer_at_a_grid_lambda_is_the_grid_model(answer):
    s = sweeps.load_sweep(2, 3, "hinge")
    k = 40
    for key in ("err_train", "err_test", "d_adv", "d_err", "theta", "w_norm"):
        assert answer[key] == pytest.approx(getattr(s, key)[k], rel=1e-4, abs=0.02), key
    assert answer["hist_edges"] == s.hist_edges.tolist()
    assert answer["hist_I"] == s.hist_I[k].tolist() and answer["hist_J"] == s.hist_J[k].tolist()
    assert answer["warm_start"] == pytest.approx(s.lam[k])


def test_answer_places_the_shown_points_in_the_models_tilting_plane(answer):
    data = mnist.pair_data(2, 3)
    shown = data.X_train[conventions.display_subset(data.y_train)]
    w, b = np.asarray(answer["w"]), answer["bias"]
    i, j = geometry.class_centroids(data.X_train, data.y_train)
    z, n = geometry.tilting_basis(w, i, j)
    v = np.asarray(answer["v"])
    assert v.shape == (2 * conventions.SHOWN_PER_CLASS,) and np.allclose(v, shown @ n, atol=1e-12)
    p = answer["plane"]
    d_plane = p["cos"] * (shown @ z) + p["sin"] * v + p["offset"]  # w lies in the plane: the boundary is a line
    assert np.allclose(d_plane, geometry.signed_distance(shown, w, b), atol=1e-9)
    assert np.allclose(p["ci"], [i @ z, i @ n]) and np.allclose(p["cj"], [j @ z, j @ n])
    assert np.isclose(np.arctan2(p["sin"], p["cos"]), answer["theta"], atol=1e-9)


def test_one_loss_function_for_every_use():
    z = np.linspace(-3, 3, 13)
    assert np.array_equal(losses.scaled_loss("hinge", z, 2.0), np.maximum(1 - 2 * z, 0))
    assert np.array_equal(losses.loss_values(z, "logistic"), losses.loss_values(z, "softplus"))
    assert np.array_equal(losses.scaled_loss("0-1", z, 5.0), (z < 0).astype(float))  # invariant to the scale
    with pytest.raises(ValueError, match="unknown loss"):
        losses.loss_values(z, "square")


def test_tilting_bases_borrow_the_neighbours_plane_when_theta_is_zero():
    s = sweeps.load_sweep(2, 3, "hinge")
    i, j = s.centroid_i, s.centroid_j
    W = np.stack([s.W[10], (j - i) * 3.0])  # the second model has θ = 0
    z, N = geometry.tilting_bases(W, i, j)
    assert np.allclose(N[1], N[0])
    z, N = geometry.tilting_bases(W[1:], i, j)  # nobody to borrow from: the one fixed direction
    assert abs(N[0] @ z) < 1e-12 and np.isclose(np.linalg.norm(N[0]), 1)
