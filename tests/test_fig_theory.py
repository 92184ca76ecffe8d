"""§2 theory figures: loss scaling (F8) and the d_adv geometry (F9)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from components import linear_theory as lt_section
from models.losses import scaled_loss
from views import frames
from views import theory as lt


@pytest.fixture
def hist():
    """A small, fixed histogram of y·d(x) (not made-up physics: only the builders' arithmetic is tested)."""
    edges = np.linspace(-2.0, 5.0, 36)
    centres = 0.5 * (edges[:-1] + edges[1:])
    return {
        "edges": edges,
        "I": np.round(80 * np.exp(-((centres - 1.2) ** 2))),
        "J": np.round(60 * np.exp(-((centres - 1.6) ** 2))),
        "w_norm": 2.0,
        "lam": 1e-2,
    }


def test_scaled_losses():
    z = np.array([-1.0, -0.1, 0.0, 0.1, 1.0, 3.0])
    for wn in (0.1, 1.0, 30.0):
        np.testing.assert_array_equal(scaled_loss("0-1", z, wn), (z < 0).astype(float))  # invariant to ‖w‖
        assert scaled_loss("hinge", np.array([1.0 / wn]), wn)[0] == pytest.approx(0.0)  # zero from z = 1/‖w‖ on
        assert scaled_loss("softplus", np.array([0.0]), wn)[0] == pytest.approx(math.log(2))
    with pytest.raises(ValueError):
        scaled_loss("square", z, 1.0)


def test_small_and_large_wnorm_approximations():
    z = np.linspace(-1, 1, 11)
    wn = 1e-3  # small ‖w‖: f ≈ α − β ‖w‖ z with (1, 1) hinge and (ln 2, ½) softplus
    np.testing.assert_allclose(scaled_loss("hinge", z, wn), 1 - wn * z, atol=1e-9)
    np.testing.assert_allclose(scaled_loss("softplus", z, wn), math.log(2) - 0.5 * wn * z, atol=1e-6)
    wn = 1e3  # large ‖w‖: both ≈ ‖w‖ max(−z, 0)
    zz = np.array([-0.5, -0.1, 0.2, 0.5])
    for name in ("hinge", "softplus"):
        np.testing.assert_allclose(scaled_loss(name, zz, wn) / wn, np.maximum(-zz, 0), atol=2e-3)


def test_loss_scaling_figure(hist):
    wn = 2.5
    fig = lt.make_loss_scaling(hist, wn)
    bars = [t for t in fig.data if t.fill == "tozeroy"]
    assert len(bars) == 6  # two classes × three panels
    np.testing.assert_array_equal(bars[0].y, hist["I"])
    ticks = [t for t in fig.data if t.name == "z = 1/‖w‖"]
    assert len(ticks) == 3 and all(t.x[0] == pytest.approx(1 / wn) for t in ticks)
    curves = [t for t in fig.data if t.name == "f(‖w‖ z)"]
    hinge = curves[1]
    k = int(np.argmin(np.abs(np.asarray(hinge.x) - 0.0)))
    assert hinge.y[k] == pytest.approx(1.0, abs=1e-3)
    assert fig.layout.xaxis2.title.text.startswith("y·d(x)")
    assert fig.layout.yaxis.title.text == "training images per bin"
    assert [a.text for a in fig.layout.annotations] == ["0-1 indicator", "hinge", "softplus"]


def test_loss_scaling_without_data_still_draws_losses():
    fig = lt.make_loss_scaling(None, 1.0)
    assert not [t for t in fig.data if t.fill == "tozeroy"]
    assert any("not computed yet" in a.text for a in fig.layout.annotations)
    assert lt.loss_scaling_readouts(None, 1.0)[2:] == ["—"] * 3


def test_zero_one_loss_invariant_hinge_and_softplus_not(hist):
    means = [lt.mean_losses(hist, wn) for wn in 10.0**lt.WNORM_EXPONENTS]
    zero_one = {m["0-1"] for m in means}
    assert len(zero_one) == 1
    hinges = [m["hinge"] for m in means]
    assert hinges[0] > hinges[-1] + 0.3  # small ‖w‖: every image pays ≈ 1; large ‖w‖: only errors pay
    ro = [lt.loss_scaling_readouts(hist, wn) for wn in (0.1, 10.0)]
    assert ro[0][2] == ro[1][2] and ro[0][3] != ro[1][3]


def test_real_histogram_if_the_sweep_exists():
    h = lt.load_histogram()
    if h is None:
        pytest.skip("2-vs-3 hinge sweep not computed yet")
    assert len(h["edges"]) == len(h["I"]) + 1 == len(h["J"]) + 1
    assert h["I"].sum() + h["J"].sum() == pytest.approx(6000, abs=1)  # every training image is counted once
    assert h["w_norm"] > 0


@pytest.mark.parametrize("theta", np.linspace(0, 0.99 * math.pi / 2, 7))
def test_dadv_identity_and_band_through_centroids(theta):
    X, y = lt.dadv_data()
    q = lt.dadv_quantities(theta, X, y)
    assert q["d_adv"] == pytest.approx(q["formula"], rel=1e-9, abs=1e-12)
    assert q["theta"] == pytest.approx(theta, abs=1e-7)
    # the band edges d = ±d_adv pass through j and i
    d_i = (q["w"] @ q["i"] + q["b"]) / np.linalg.norm(q["w"])
    d_j = (q["w"] @ q["j"] + q["b"]) / np.linalg.norm(q["w"])
    assert d_i == pytest.approx(-q["d_adv"], abs=1e-12) and d_j == pytest.approx(q["d_adv"], abs=1e-12)
    fig = lt.make_dadv_geometry(theta, X, y)
    edge = next(t for t in fig.data if t.name == "band edge (d = ±d_adv)")
    p0, p1 = np.array([edge.x[0], edge.y[0]]), np.array([edge.x[1], edge.y[1]])
    direction = (p1 - p0) / np.linalg.norm(p1 - p0)
    rel = q["j"] - p0
    assert abs(rel[0] * direction[1] - rel[1] * direction[0]) < 1e-4  # j lies on the drawn edge
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_dadv_decreases_like_cos_theta_and_errors_grow():
    X, y = lt.dadv_data()
    q0, q1 = lt.dadv_quantities(0.0, X, y), lt.dadv_quantities(1.5, X, y)
    assert q0["d_adv"] > 10 * q1["d_adv"] > 0
    assert q0["err"] < q1["err"]


def test_dadv_frames_readouts():
    payload = lt.dadv_frames()
    frames.validate(payload)
    assert len(payload["frames"]) == 100
    for fr in payload["frames"][::11]:
        _, measured, formula, _, _ = fr["readouts"]
        assert measured == formula
    ro = frames.readouts_at(30.0, payload)
    assert ro[0] == "29.7°"  # nearest grid angle (0.9° steps)


@pytest.mark.parametrize("bad", ["2", "-1.6", "x", "nan", ""])
def test_parse_wnorm_rejects(bad):
    with pytest.raises(ValueError):
        lt_section.parse_wnorm_exponent(bad)


def test_parse_wnorm_accepts():
    assert lt_section.parse_wnorm_exponent("0.52") == pytest.approx(0.5)
    assert lt_section.parse_wnorm_exponent("-1.5") == pytest.approx(-1.5)
