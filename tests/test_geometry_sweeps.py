"""Geometry identities and the article's claims on the shipped 2-vs-3 sweeps (real MNIST models)."""

from __future__ import annotations

import numpy as np
import pytest

from models import conventions, geometry
from store import artifacts, mnist, sweeps


@pytest.fixture(scope="module", params=["hinge", "logistic"])
def sweep(request):
    return sweeps.load_sweep(2, 3, request.param)


def test_manifest_lists_and_verifies_the_sweeps():
    manifest = artifacts.verify_folder(sweeps.sweep_dir())
    assert manifest["schema"] == "l2angle.sweeps/1"
    assert manifest["created_by"]["seconds"] > 0 and manifest["created_by"]["code_version"]
    assert "sweep-23-hinge.npz" in manifest["files"] and "sweep-23-logistic.npz" in manifest["files"]


def test_d_adv_identity_on_balanced_data(sweep):
    data = mnist.pair_data(2, 3)
    i, j = geometry.class_centroids(data.X_train, data.y_train)
    assert np.allclose(i, sweep.centroid_i) and np.allclose(j, sweep.centroid_j)
    for k in range(0, 81, 10):
        w = sweep.W[k].astype(np.float64)
        d_adv = geometry.adversarial_distance(data.X_train, data.y_train, w, sweep.bias[k])
        theta = geometry.tilting_angle(w, i, j)
        assert d_adv == pytest.approx(0.5 * np.linalg.norm(j - i) * np.cos(theta), rel=1e-6)
        assert sweep.d_adv[k] == pytest.approx(d_adv, rel=1e-5)


def test_mirror_images_of_real_digits(sweep):
    data = mnist.pair_data(2, 3)
    w, b = sweep.W[40].astype(np.float64), sweep.bias[40]
    X = data.X_train[:50]
    d = geometry.signed_distance(X, w, b)
    xm = geometry.mirror_image(X, w, b)
    assert np.allclose(geometry.signed_distance(xm, w, b), -d)
    assert np.allclose(np.linalg.norm(X - xm, axis=1), 2 * np.abs(d))


def test_sweep_tells_the_articles_story(sweep):
    assert np.allclose(sweep.lam, conventions.LAMBDAS)
    assert sweep.err_train[0] <= sweep.err_train.min() + 0.1  # fits best at small λ
    assert sweep.d_adv[-1] >= sweep.d_adv.max() * (1 - 1e-9) > sweep.d_adv[0]  # widest at large λ
    assert sweep.theta[-1] < 0.01 and sweep.theta[0] > 1.3  # θ → 0 at large λ, near π/2 at small λ
    assert 0 < sweep.best_test_index < 80  # test error is smallest in between
    assert (sweep.hist_I.sum(axis=1) == 3000).all() and (sweep.hist_J.sum(axis=1) == 3000).all()
    assert np.all(np.isfinite(sweep.objective)) and np.all(np.diff(sweep.objective) > 0)  # L grows with λ
