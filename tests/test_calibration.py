"""models.calibration: ECE on a case worked out by hand, bin edges, reliability bins, temperature scaling."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models import calibration as cal


def _hand_case() -> tuple[np.ndarray, np.ndarray]:
    """Five two-class images whose softmax confidences are 0.95 (twice) and 0.75 (three times).

    Logits (ln 19, 0) give p = 19 / (19 + 1) = 0.95; logits (ln 3, 0) give p = 3 / (3 + 1) = 0.75.  Class 0 is
    always predicted; labels (0, 1, 0, 0, 1) make images 1 and 4 wrong.

    With 15 bins of width 1/15 = 0.0667, right-closed:
      0.95 ∈ (14/15, 1]    = (0.9333, 1]     → bin 14: 2 images, mean confidence 0.95, accuracy 1/2
      0.75 ∈ (11/15, 12/15] = (0.7333, 0.8]  → bin 11: 3 images, mean confidence 0.75, accuracy 2/3
    ECE = 2/5 · |0.5 − 0.95| + 3/5 · |2/3 − 0.75| = 0.4 · 0.45 + 0.6 · 0.08333 = 0.18 + 0.05 = 0.23 → 23 %.
    An unweighted mean over the two bins would give 26.67 %.  One bin holding all five images would also give
    |3/5 − 0.83| = 23 % (both bins are over-confident), so the per-bin counts and means are checked too."""
    logits = np.array([[math.log(19), 0.0]] * 2 + [[math.log(3), 0.0]] * 3)
    labels = np.array([0, 1, 0, 0, 1])
    return logits, labels


def test_ece_matches_the_hand_computed_case():
    logits, labels = _hand_case()
    assert cal.ece(logits, labels) == pytest.approx(23.0, abs=1e-9)
    rel = cal.reliability(logits, labels)
    assert rel.count.tolist() == [0] * 11 + [3, 0, 0, 2]
    assert rel.confidence[11] == pytest.approx(0.75) and rel.accuracy[11] == pytest.approx(2 / 3)
    assert rel.confidence[14] == pytest.approx(0.95) and rel.accuracy[14] == pytest.approx(0.5)
    assert np.isnan(rel.accuracy[0]) and rel.to_dict()["accuracy"][0] is None


def test_ece_is_in_percent_and_zero_when_calibrated():
    """Ten images at confidence 0.8 of which exactly eight are right: perfectly calibrated, ECE 0."""
    conf = np.full(10, 0.8)
    correct = np.array([True] * 8 + [False] * 2)
    assert cal.reliability_from_confidence(conf, correct).ece() == pytest.approx(0.0, abs=1e-12)
    assert cal.reliability_from_confidence(conf, np.ones(10, bool)).ece() == pytest.approx(20.0)


def test_bins_are_right_closed():
    """An edge b/15 belongs to bin b − 1 (interval (lo, hi]); just above it, to bin b; 1.0 to the last bin."""
    edges = np.linspace(0.0, 1.0, 16)
    assert cal.bin_index(np.array([edges[12]]))[0] == 11
    assert cal.bin_index(np.array([edges[12] + 1e-12]))[0] == 12
    assert cal.bin_index(np.array([edges[1], 1.0, 0.0, 0.5]))[[0, 1, 2, 3]].tolist() == [0, 14, 0, 7]
    # same images, same correctness: moving one confidence from the edge to just above it changes its bin
    a = cal.reliability_from_confidence(np.array([edges[12], 0.9]), np.array([True, False]))
    b = cal.reliability_from_confidence(np.array([edges[12] + 1e-9, 0.9]), np.array([True, False]))
    assert a.count[11] == 1 and b.count[12] == 1


def test_reliability_counts_and_means_on_random_data():
    rng = np.random.default_rng(1)
    conf = rng.uniform(0.1, 1.0, 500)
    correct = rng.uniform(size=500) < conf
    rel = cal.reliability_from_confidence(conf, correct)
    assert rel.count.sum() == 500
    b = np.minimum((np.ceil(conf * 15) - 1).astype(int), 14)  # the same bins by another route
    for k in range(15):
        if rel.count[k]:
            assert rel.confidence[k] == pytest.approx(conf[b == k].mean())
            assert rel.accuracy[k] == pytest.approx(correct[b == k].mean())
    with pytest.raises(ValueError):
        cal.reliability_from_confidence(np.array([1.5]), np.array([True]))


def _synthetic(t_true: float, n: int = 20_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Logits z ~ N(0, 3²) and labels drawn from softmax(z / t_true): t_true is the calibrated temperature."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 3.0, (n, 10))
    p = cal.softmax(z, t_true)
    labels = (rng.uniform(size=(n, 1)) > np.cumsum(p, 1)).sum(1)
    return z, labels


@pytest.mark.parametrize("t_true", [0.5, 2.5])
def test_temperature_fit_recovers_a_known_temperature(t_true):
    z, y = _synthetic(t_true)
    t = cal.fit_temperature(z, y)
    assert t == pytest.approx(t_true, rel=0.05)
    assert cal.nll(z, y, t) < min(cal.nll(z, y, t * 1.1), cal.nll(z, y, t / 1.1))
    assert cal.ece(z, y, t) < 0.5 * cal.ece(z, y, 1.0)  # calibrating removes most of the miscalibration


def test_temperature_fit_refuses_separable_data():
    z = np.array([[5.0, 0.0], [0.0, 5.0]])
    with pytest.raises(ValueError, match="no finite optimum"):
        cal.fit_temperature(z, np.array([0, 1]))


def test_paper_rule_and_split():
    z, _ = _synthetic(1.0, n=2000)
    t = cal.paper_temperature(z)
    assert np.median(cal.softmax(z, t).max(1)) == pytest.approx(0.95, abs=1e-4)
    fit, ev = cal.split_indices(10_000)
    assert len(fit) == len(ev) == 5000 and not set(fit) & set(ev)
    assert (fit < 5000).sum() == 2500  # both writer populations (first / last 5 000 test images) in each half
