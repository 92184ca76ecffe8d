"""models.adversarial (L2 PGD) on a trained LeNet, and a short adversarial-training run on a small slice."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from jobs.lenet_training import train
from models import adversarial, lenet
from models.lenet_train import Recipe
from store.lenet import load_checkpoint
from store.mnist import arrays as mnist_arrays

EPS = 1.0 * lenet.PIXEL_MAX  # ε = 1.0 in [0, 1] pixel units, the smaller training budget


@pytest.fixture(scope="module")
def low() -> lenet.LeNet:
    """The shipped LeNet trained with weight decay 1e-4 (test error 1.09 %)."""
    torch.set_num_threads(1)
    return load_checkpoint(1e-4)[0]


@pytest.fixture(scope="module")
def high() -> lenet.LeNet:
    """The shipped LeNet trained with weight decay 1e-1 (test error 1.30 %)."""
    return load_checkpoint(1e-1)[0]


@pytest.fixture(scope="module")
def batch() -> tuple[torch.Tensor, torch.Tensor]:
    """32 test images (raw 0..255, N×1×28×28) and their labels; most pixels sit on the bounds 0 and 255."""
    _, _, xte, yte = mnist_arrays(10)
    return lenet.as_input(xte[:32]), torch.as_tensor(yte[:32])


def _losses(model: lenet.LeNet, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return F.cross_entropy(model(x), y, reduction="none")


@pytest.mark.parametrize("steps, start", [(1, "zero"), (7, "random"), (20, "zero")])
def test_pgd_stays_in_its_ball_and_pixel_range(low, batch, steps, start):
    """Each step of length 2.5ε/steps would leave the ball after a few steps without projection; the gradient
    pushes dark pixels below 0 without the clip."""
    x, y = batch
    adv = adversarial.pgd_l2(low, x, y, EPS, steps=steps, start=start, generator=torch.Generator().manual_seed(0))
    norms = (adv - x).flatten(1).norm(dim=1)
    assert (norms <= EPS * (1 + 1e-5)).all()
    assert adv.min() >= 0.0 and adv.max() <= lenet.PIXEL_MAX
    if steps > 1:  # a multi-step attack uses (nearly) its whole budget on most images
        assert (norms > 0.9 * EPS).float().mean() > 0.5
    # the parameters of the model get no gradient from the attack
    assert all(p.grad is None for p in low.parameters())


def test_random_start_lies_in_the_ball(batch):
    x, _ = batch
    delta = adversarial.random_start(x, EPS, torch.Generator().manual_seed(1))
    assert (delta.flatten(1).norm(dim=1) <= EPS * (1 + 1e-5)).all()
    assert ((x + delta) >= 0).all() and ((x + delta) <= lenet.PIXEL_MAX).all()
    assert (delta.abs().sum((1, 2, 3)) > 0).all()


def test_pgd_raises_the_loss_of_a_trained_net(low, high, batch):
    """On the trained nets, 7 PGD steps at ε = 1 raise the cross-entropy of every image whose loss is not 0 in
    float32, and much more than a random perturbation of the same size does.  The weight-decay-1e-4 net is so
    confident that 8 of these 32 images have a loss, hence a gradient, of exactly 0 in float32 (PGD cannot move
    them); the weight-decay-0.1 net has none."""
    x, y = batch
    clean = _losses(high, x, y)
    adv = _losses(high, adversarial.pgd_l2(high, x, y, EPS, steps=7, generator=torch.Generator().manual_seed(0)), y)
    assert (clean > 0).all() and (adv > clean).all() and adv.mean() > 10 * clean.mean()
    clean = _losses(low, x, y)
    adv = _losses(low, adversarial.pgd_l2(low, x, y, EPS, steps=7, generator=torch.Generator().manual_seed(0)), y)
    noise = _losses(low, x + adversarial.random_start(x, EPS, torch.Generator().manual_seed(2)), y)
    assert (adv >= clean).all() and (adv[clean > 0] > clean[clean > 0]).all()
    assert (adv > clean).float().mean() >= 0.75
    assert adv.mean() > 10 * clean.mean() and adv.mean() > 5 * noise.mean()
    assert adversarial.pgd_l2(low, x, y, 0.0) is not None and torch.equal(adversarial.pgd_l2(low, x, y, 0.0), x)


def _train_slice(tmp_path, name: str, adv_eps: float) -> tuple[dict, lenet.LeNet]:
    recipe = Recipe(weight_decay=1e-4, epochs=1, n_train=600, seed=3, adv_eps=adv_eps)
    manifest = train(recipe, tmp_path / name, log=lambda _: None, threads=1)
    return manifest, lenet.load_state(tmp_path / name / "model.pt")


def test_short_adversarial_training_records_its_recipe(tmp_path):
    """600 images, 1 epoch (2 batches of 300), ε = 1: the run finishes, its manifest records the budget, and the
    PGD batches change the weights compared with the same run without adversarial training."""
    manifest, adv_net = _train_slice(tmp_path, "adv", 1.0)
    params = manifest["params"]
    assert params["adv_eps"] == 1.0 and params["adv_steps"] == 7 and params["complete"]
    assert params["n_train"] == 600 and params["epochs_done"] == 1
    assert "L2 PGD" in params["update"] and "eps 1 " in params["update"]
    assert "--adv-eps 1" in manifest["created_by"]["command"]
    on_disk = json.loads((tmp_path / "adv" / "manifest.json").read_text())
    assert on_disk["params"]["adv_eps"] == 1.0
    assert not (tmp_path / "adv" / "resume.pt").exists()
    _, plain_net = _train_slice(tmp_path, "plain", 0.0)
    diff = max(float((a - b).abs().max()) for a, b in zip(adv_net.parameters(), plain_net.parameters(), strict=True))
    assert diff > 1e-6
    assert np.isfinite(params["history"][0]["train_loss"])
