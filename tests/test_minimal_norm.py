"""models.minimal_norm: the chosen minimal-norm attack flips LeNet's prediction with less L2 than the paper's."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models import attacks, lenet, minimal_norm
from store.lenet import load_checkpoint
from store.mnist import arrays as mnist_arrays

PICKS = (0, 100)  # robustness-set positions: the first test 0 and the first test 5
CLEAN_WRONG = 115  # test image 115, a 4 that the weight-decay-1e-4 net calls 9


@pytest.fixture(scope="module")
def setup() -> dict:
    """The weight-decay-1e-4 net, its paper-rule temperature, two robustness-set images and their labels."""
    torch.set_num_threads(1)
    model = load_checkpoint(1e-4)[0]
    _, _, xte, yte = mnist_arrays(10)
    idx = attacks.robustness_set(yte)[list(PICKS)]
    t = attacks.calibrate_temperature(lenet.predict_logits(model, xte))
    return {"model": model, "x": np.asarray(xte)[idx], "y": yte[idx], "t": t, "xte": xte, "yte": yte}


@pytest.fixture(scope="module")
def chosen(setup) -> minimal_norm.MinNormResult:
    return minimal_norm.chosen(setup["model"], setup["x"], setup["y"])


def test_unit_pixels_is_the_net_on_raw_pixels(setup):
    x = lenet.as_input(setup["x"])
    with torch.no_grad():
        assert torch.allclose(minimal_norm.UnitPixels(setup["model"])(x / 255.0), setup["model"](x), atol=1e-4)


def test_chosen_attack_flips_the_prediction(setup, chosen):
    """Checked with the raw LeNet itself (0..255 input), not through the attack's wrapper."""
    model, x, y = setup["model"], setup["x"], setup["y"]
    assert chosen.success.all() and not chosen.clean_wrong.any()
    adv_raw = chosen.adversarial * 255.0
    assert adv_raw.min() >= 0 and adv_raw.max() <= 255.0 + 1e-3
    assert (lenet.predict_logits(model, adv_raw).argmax(1) != y).all()
    l2 = np.linalg.norm((chosen.adversarial - x / 255.0).reshape(len(x), -1), axis=1)
    np.testing.assert_allclose(chosen.l2, l2, rtol=1e-5)


def test_chosen_attack_needs_less_norm_than_the_papers_attack(setup, chosen):
    """The paper's targeted attack (cyclic target, p_target ≥ 0.95 at the net's temperature) ends far beyond the
    decision boundary; even its own direction, cut back to the first misclassified point, is longer than the
    minimal-norm attack's perturbation."""
    model, x, y = setup["model"], setup["x"], setup["y"]
    paper = attacks.targeted_attack(
        model, x, attacks.cyclic_targets(y), setup["t"], step=attacks.FAST_STEP, max_steps=attacks.MAX_STEPS // 4
    )
    assert paper.success.all()
    as_min = minimal_norm.MinNormResult("paper", paper.adversarial / 255.0, paper.l2, paper.success, ~paper.success, 0)
    paper_cut = minimal_norm.cut_to_boundary(model, x, y, as_min).l2
    assert (chosen.l2 <= paper.l2).all()
    assert (chosen.l2 <= paper_cut * 1.001).all()
    assert (chosen.l2 < 0.6 * paper.l2).all()


def test_restarts_keep_the_smallest_and_are_deterministic(setup):
    """More restarts never give a larger norm; the same seed gives the same images; torch's global random stream
    is left as it was."""
    model, x, y = setup["model"], setup["x"], setup["y"]
    state = torch.random.get_rng_state()
    one = minimal_norm.fab(model, x, y, steps=10, restarts=1)
    two = minimal_norm.fab(model, x, y, steps=10, restarts=2)
    again = minimal_norm.fab(model, x, y, steps=10, restarts=2)
    assert torch.equal(state, torch.random.get_rng_state())
    assert (two.l2 <= one.l2).all()
    np.testing.assert_array_equal(two.adversarial, again.adversarial)


def test_misclassified_image_has_norm_zero(setup):
    model, xte, yte = setup["model"], setup["xte"], setup["yte"]
    res = minimal_norm.fab(model, np.asarray(xte)[[CLEAN_WRONG]], yte[[CLEAN_WRONG]], steps=5, restarts=1)
    assert res.clean_wrong[0] and res.success[0] and res.l2[0] == 0.0
    assert res.summary()["clean_wrong"] == 1


def test_cut_lands_just_past_the_boundary(setup, chosen):
    """The chosen result is no longer than FAB's own point, and 0.1 % shorter along its direction the net gives
    the true label back: the point lies on the decision boundary, not beyond it."""
    model, x, y = setup["model"], setup["x"], setup["y"]
    raw = minimal_norm.fab(model, x, y)
    assert (chosen.l2 <= raw.l2 + 1e-9).all()
    clean = x / 255.0
    inside = clean + 0.999 * (chosen.adversarial - clean)
    assert (lenet.predict_logits(model, inside * 255.0).argmax(1) == y).all()
