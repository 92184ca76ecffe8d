"""The MatConvNet baseline LeNet for MNIST, in plain PyTorch, plus loading/saving/export helpers.

Architecture (all layers are convolutions, as in MatConvNet's cnn_mnist_init, no batch norm):

    x (N, 1, 28, 28), raw 0..255 pixels
    − mean training image                      (a buffer inside the model)
    conv1 5×5×1×20    → (N, 20, 24, 24) → maxpool 2 → (N, 20, 12, 12)
    conv2 5×5×20×50   → (N, 50, 8, 8)   → maxpool 2 → (N, 50, 4, 4)
    fc1   4×4×50×500  → (N, 500, 1, 1)  → ReLU
    fc2   1×1×500×10  → (N, 10, 1, 1)   → logits (N, 10); softmax log-loss in training

431 080 parameters.  This module imports torch: only job processes and the CLI import it, never the
web process.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import torch
from torch import nn

LAYERS = ("conv1", "conv2", "fc1", "fc2")
N_PARAMS = 431_080
INIT_STD = 0.01
PIXEL_MAX = 255.0


class LeNet(nn.Module):
    """MatConvNet's MNIST LeNet; forward takes raw 0..255 pixels (N, 1, 28, 28) and returns logits (N, 10)."""

    def __init__(self, mean_image: torch.Tensor | None = None) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 50, 5)
        self.fc1 = nn.Conv2d(50, 500, 4)
        self.fc2 = nn.Conv2d(500, 10, 1)
        mean = torch.zeros(1, 1, 28, 28) if mean_image is None else mean_image.reshape(1, 1, 28, 28).float()
        self.register_buffer("mean", mean.clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x - self.mean
        x = torch.max_pool2d(self.conv1(x), 2)
        x = torch.max_pool2d(self.conv2(x), 2)
        x = torch.relu(self.fc1(x))
        return self.fc2(x).flatten(1)


def init_matconvnet(model: LeNet, seed: int) -> LeNet:
    """Weights ~ N(0, 0.01²), biases 0 — MatConvNet's cnn_mnist_init; deterministic for a seed."""
    gen = torch.Generator().manual_seed(int(seed))
    with torch.no_grad():
        for name in LAYERS:
            layer = getattr(model, name)
            layer.weight.copy_(torch.randn(layer.weight.shape, generator=gen) * INIT_STD)
            layer.bias.zero_()
    return model


def build(seed: int = 0, mean_image: np.ndarray | torch.Tensor | None = None) -> LeNet:
    """A freshly initialised LeNet with the given training-set mean image (raw 0..255 units)."""
    mean = None if mean_image is None else torch.as_tensor(np.asarray(mean_image, dtype=np.float32))
    return init_matconvnet(LeNet(mean), seed)


def count_params(model: nn.Module) -> int:
    """Number of trainable parameters (431 080 for LeNet)."""
    return sum(p.numel() for p in model.parameters())


def weight_rms(model: LeNet) -> dict[str, float]:
    """Root-mean-square of each layer's weights (biases excluded): the article's 'RMS per layer'."""
    return {n: float(getattr(model, n).weight.detach().pow(2).mean().sqrt()) for n in LAYERS}


def as_input(images: np.ndarray | torch.Tensor) -> torch.Tensor:
    """uint8/float 0..255 images (N, 28, 28) or (N, 1, 28, 28) → float32 tensor (N, 1, 28, 28)."""
    x = torch.as_tensor(np.asarray(images, dtype=np.float32)) if not isinstance(images, torch.Tensor) else images
    return x.float().reshape(-1, 1, 28, 28)


@torch.no_grad()
def predict_logits(model: nn.Module, images: np.ndarray | torch.Tensor, batch: int = 2000) -> np.ndarray:
    """Logits (N, 10) for raw 0..255 images, in batches, eval mode, no grad."""
    model.eval()
    x = as_input(images)
    out = [model(x[i : i + batch]) for i in range(0, len(x), batch)]
    return torch.cat(out).numpy() if out else np.zeros((0, 10), np.float32)


def error_percent(model: nn.Module, images: np.ndarray, labels: np.ndarray) -> float:
    """Classification error in percent."""
    pred = predict_logits(model, images).argmax(1)
    return float(100.0 * np.mean(pred != np.asarray(labels)))


def state_bytes(model: LeNet) -> bytes:
    """The state_dict (weights, biases, mean image) serialised with torch.save."""
    buf = io.BytesIO()
    torch.save({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}, buf)
    return buf.getvalue()


def load_state(path: Path | str) -> LeNet:
    """A LeNet from a state_dict file (weights_only load: no pickled code runs); raises ValueError if bad."""
    try:
        sd = torch.load(path, map_location="cpu", weights_only=True)
        model = LeNet()
        model.load_state_dict(sd)
    except Exception as exc:  # torch raises many kinds on corrupt files
        raise ValueError(f"{path}: not a LeNet checkpoint ({type(exc).__name__}: {exc})") from exc
    return model.eval()


def torchscript_bytes(model: LeNet) -> bytes:
    """TorchScript export: takes raw 0..255 float32 (N, 1, 28, 28), subtracts the mean inside, returns logits."""
    model = model.eval()
    scripted = torch.jit.script(model)
    buf = io.BytesIO()
    torch.jit.save(scripted, buf)
    return buf.getvalue()
