"""L2 projected gradient descent (Madry et al., 2018) for LeNet, in raw 0..255 pixel units.

``pgd_l2`` finds, for each image of a batch, a perturbation δ with ‖δ‖₂ ≤ ε (ε in 0..255 units) that raises
the cross-entropy of the true label: start at a random point of the ε-ball (or at 0), then ``steps`` times

    δ ← Π_ε( δ + α ∇_δ L / ‖∇_δ L‖ ),     x + δ clipped to [0, 255],

where Π_ε scales δ back onto the ball when it leaves it.  α = 2.5 ε / steps by default (Madry's rule of thumb:
a path long enough to cross the ball and come back).  Adversarial training replaces each training batch by
its PGD images before the SGD step.  Only gradients with respect to the input are computed here: the model's
parameters get no gradient from the attack.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

PIXEL_MAX = 255.0


def _norms(v: torch.Tensor) -> torch.Tensor:
    """Per-image L2 norms of (N, …) as (N, 1, 1, 1)."""
    return v.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, 1, 1, 1)


def project(delta: torch.Tensor, eps: float) -> torch.Tensor:
    """δ scaled back onto the L2 ball of radius eps where it lies outside (per image)."""
    return delta * (eps / _norms(delta)).clamp(max=1.0)


def random_start(x: torch.Tensor, eps: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """A point drawn uniformly from the L2 ball of radius eps around each image (direction ~ Gaussian,
    radius ~ eps·U^(1/d)), clipped so that x + δ stays in [0, 255]."""
    d = x[0].numel()
    g = torch.randn(x.shape, generator=generator, device="cpu").to(x.device)
    r = torch.rand((len(x), 1, 1, 1), generator=generator, device="cpu").to(x.device) ** (1.0 / d)
    delta = g / _norms(g) * r * eps
    return (x + delta).clamp(0.0, PIXEL_MAX) - x


def pgd_l2(
    model: torch.nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    eps: float,
    steps: int = 7,
    alpha: float | None = None,
    start: str = "random",
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Adversarial images x + δ, ‖δ‖₂ ≤ eps (0..255 units), that raise the cross-entropy of labels y."""
    if eps <= 0 or steps <= 0:
        return x.detach()
    alpha = 2.5 * eps / steps if alpha is None else alpha
    x = x.detach()
    delta = random_start(x, eps, generator) if start == "random" else torch.zeros_like(x)
    for _ in range(steps):
        delta.requires_grad_(True)
        loss = F.cross_entropy(model(x + delta), y)
        (grad,) = torch.autograd.grad(loss, delta)
        with torch.no_grad():
            delta = project(delta + alpha * grad / _norms(grad), eps)
            delta = (x + delta).clamp(0.0, PIXEL_MAX) - x
    return (x + delta).detach()
