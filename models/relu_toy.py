"""A two-layer ReLU network on a 2-D toy set, trained at a ladder of weight decays.

s(x) = W₂ φ(W₁ x + b₁) + b₂ with φ = ReLU is piecewise linear, so locally s(x) = ‖∇ₓs‖ d(x): the
gradient norm is the local scaling of the loss.  Training the same net (same seed, same data) at
several weight decays shows how L2 regularization shrinks that scaling.  Pure numpy, deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HIDDEN = 24
STEPS = 1500
LEARNING_RATE = 0.02
SEED = 0
# log10 of the weight decays the figure offers (the slider's grid).
DECAY_EXPONENTS = np.round(np.arange(-5.0, -0.99, 0.5), 10)
GRID_SIZE = 41
BOX = (-1.0, 1.0)


@dataclass(frozen=True)
class Net:
    """Parameters of s(x) = W2 · relu(W1 x + b1) + b2 (W1: (h, 2), b1: (h,), W2: (h,), b2: float)."""

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: float


def toy_clusters(n_per_class: int = 40, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Two noisy clusters around (∓0.55, 0) plus three mislabelled points near the middle (labels ±1)."""
    rng = np.random.default_rng(seed)
    xi = rng.normal([-0.55, 0.0], [0.18, 0.3], size=(n_per_class, 2))
    xj = rng.normal([0.55, 0.0], [0.18, 0.3], size=(n_per_class, 2))
    noisy = np.array([[0.12, -0.35], [0.05, 0.4], [-0.1, 0.05]])
    noisy_y = np.array([-1.0, -1.0, 1.0])
    X = np.clip(np.vstack([xi, xj, noisy]), -0.98, 0.98)
    y = np.concatenate([-np.ones(n_per_class), np.ones(n_per_class), noisy_y])
    return X, y


def init_net(hidden: int = HIDDEN, seed: int = SEED) -> Net:
    """He-style random initialisation, identical for every weight decay (same seed)."""
    rng = np.random.default_rng(seed + 1)
    return Net(
        rng.normal(0, np.sqrt(2 / 2), (hidden, 2)),
        rng.normal(0, 0.3, hidden),
        rng.normal(0, np.sqrt(1 / hidden), hidden),
        0.0,
    )


def scores(net: Net, X: np.ndarray) -> np.ndarray:
    """Raw scores s(x) for the rows of X."""
    return np.maximum(X @ net.W1.T + net.b1, 0.0) @ net.W2 + net.b2


def input_gradients(net: Net, X: np.ndarray) -> np.ndarray:
    """∇ₓs(x) for each row of X: W₁ᵀ (W₂ ⊙ 1[W₁x + b₁ > 0]) — exact, the net is piecewise linear."""
    active = (X @ net.W1.T + net.b1) > 0
    return (active * net.W2) @ net.W1


def loss_and_grads(net: Net, X: np.ndarray, y: np.ndarray, decay: float) -> tuple[float, tuple]:
    """Mean softplus loss ln(1 + e^(−y s)) + decay (‖W₁‖² + ‖W₂‖²) and its gradients (biases not decayed)."""
    pre = X @ net.W1.T + net.b1
    h = np.maximum(pre, 0.0)
    s = h @ net.W2 + net.b2
    z = y * s
    loss = float(np.mean(np.logaddexp(0.0, -z)) + decay * (np.sum(net.W1**2) + np.sum(net.W2**2)))
    ds = -y / (1.0 + np.exp(np.clip(z, -50, 50))) / len(y)
    gW2 = h.T @ ds + 2 * decay * net.W2
    gb2 = float(ds.sum())
    dpre = np.outer(ds, net.W2) * (pre > 0)
    gW1 = dpre.T @ X + 2 * decay * net.W1
    gb1 = dpre.sum(axis=0)
    return loss, (gW1, gb1, gW2, gb2)


def train(
    X: np.ndarray, y: np.ndarray, decay: float, steps: int = STEPS, lr: float = LEARNING_RATE, seed: int = SEED
) -> Net:
    """Full-batch Adam on the weight-decayed softplus loss; deterministic for a given seed."""
    net = init_net(seed=seed)
    params = [net.W1.copy(), net.b1.copy(), net.W2.copy(), np.array(net.b2)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    b1_, b2_, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        _, grads = loss_and_grads(Net(params[0], params[1], params[2], float(params[3])), X, y, decay)
        for k, g in enumerate(grads):
            m[k] = b1_ * m[k] + (1 - b1_) * g
            v[k] = b2_ * v[k] + (1 - b2_) * np.square(g)
            params[k] = params[k] - lr * (m[k] / (1 - b1_**t)) / (np.sqrt(v[k] / (1 - b2_**t)) + eps)
    return Net(params[0], params[1], params[2], float(params[3]))


@dataclass(frozen=True)
class Frame:
    """One weight decay's trained net, evaluated on the display grid and the training set."""

    decay: float
    score_grid: np.ndarray  # (G, G) s(x) on the grid, rows = second coordinate
    grad_norm_grid: np.ndarray  # (G, G) ‖∇ₓs‖ on the grid
    train_error: float  # percent
    median_grad_norm: float  # median ‖∇ₓs‖ over the training points
    median_distance: float  # median |s(x)| / ‖∇ₓs(x)‖ over the training points (local distance to boundary)


def grid_axis(size: int = GRID_SIZE) -> np.ndarray:
    """Coordinates of the display grid along one axis (same for both axes)."""
    return np.linspace(BOX[0], BOX[1], size)


def frames(decay_exponents=DECAY_EXPONENTS, steps: int = STEPS) -> list[Frame]:
    """Train the net at every weight decay 10^e and evaluate it; the figure's frames."""
    X, y = toy_clusters()
    axis = grid_axis()
    gx, gy = np.meshgrid(axis, axis)
    G = np.column_stack([gx.ravel(), gy.ravel()])
    out = []
    for e in decay_exponents:
        decay = float(10.0**e)
        net = train(X, y, decay, steps=steps)
        s_train = scores(net, X)
        g_train = np.linalg.norm(input_gradients(net, X), axis=1)
        dist = np.abs(s_train) / np.maximum(g_train, 1e-12)
        out.append(
            Frame(
                decay=decay,
                score_grid=scores(net, G).reshape(gx.shape),
                grad_norm_grid=np.linalg.norm(input_gradients(net, G), axis=1).reshape(gx.shape),
                train_error=float(100.0 * np.mean(np.sign(s_train) != y)),
                median_grad_norm=float(np.median(g_train)),
                median_distance=float(np.median(dist)),
            )
        )
    return out
