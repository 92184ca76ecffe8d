"""Training LeNet the way MatConvNet's MNIST example does, with a resumable, legible loop.

Recipe (ARTICLE.md §3 / the paper): inputs are raw 0..255 pixels minus the training-set mean image;
weights ~ N(0, 0.01²), biases 0; SGD with momentum 0.9, learning rate 0.0005, batch 300, 50 epochs
over all 60 000 training images; weight decay on weights only (not biases).

Update rule.  MatConvNet's cnn_train sums the log-loss over the batch and then scales the
derivative by 1/batchSize before the update, so per step

    m ← 0.9·m − lr·(mean-loss gradient + wd·w),     w ← w + m.

PyTorch's SGD(momentum=0.9, weight_decay=wd) keeps b ← 0.9·b + (g + wd·w), w ← w − lr·b, which is the
same sequence of weights (m = −lr·b) for a constant learning rate.  We use it with the mean
cross-entropy over the batch, and weight decay in a parameter group that holds only the weights.

Logged per epoch: the running training error/loss over the epoch (as MatConvNet prints it) and the
test error on the 10 000 test images; the final training error is also measured in one clean pass.

Science only: ``train`` takes the data and returns the trained model and its history; the resume state
comes in and goes out as bytes.  Reading MNIST and writing checkpoints is ``jobs.lenet_training``'s job
(through ``store.lenet``).
"""

from __future__ import annotations

import functools
import io
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from models import adversarial, lenet

FAMILY = "lenet"
VERSION = 1
LADDER = (1e-4, 1e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0)  # the weight-decay ladder (the paper's two nets and more)
LOW, HIGH = 1e-4, 1e-1
SEEDS = (0, 1, 2)  # every recipe of the study is trained with these seeds
ADV_EPS = (1.0, 2.0)  # L2 PGD adversarial-training budgets, [0, 1] pixel units, on LeNet_low's recipe
ADV_EPOCHS = 30  # adversarial training: 30 epochs (each costs ≈ 1 + adv_steps plain epochs)


@dataclass
class Recipe:
    """Hyperparameters of one training run (the paper's values by default)."""

    weight_decay: float
    epochs: int = 50
    lr: float = 0.0005
    momentum: float = 0.9
    batch: int = 300
    seed: int = 0
    init_std: float = lenet.INIT_STD
    n_train: int = 60_000
    channels_last: bool = True
    adv_eps: float = 0.0  # L2 PGD adversarial training budget in [0, 1] pixel units (0: plain training)
    adv_steps: int = 7  # PGD steps per batch (step 2.5·ε/steps, random start)


def study_recipes() -> list[Recipe]:
    """Every net of the LeNet study: the ladder × seeds (plain), then ADV_EPS × seeds (adversarial, wd = LOW)."""
    plain = [Recipe(weight_decay=wd, seed=s) for s in SEEDS for wd in LADDER]
    adv = [Recipe(weight_decay=LOW, seed=s, adv_eps=e, epochs=ADV_EPOCHS) for s in SEEDS for e in ADV_EPS]
    return plain + adv


@dataclass
class History:
    epochs: list[dict] = field(default_factory=list)
    seconds: float = 0.0


def mean_image(train_images: np.ndarray) -> np.ndarray:
    """Training-set mean image in raw 0..255 units (float32, 28×28)."""
    return np.asarray(train_images, dtype=np.float64).mean(0).astype(np.float32)


def make_optimizer(model: lenet.LeNet, r: Recipe) -> torch.optim.SGD:
    """SGD with momentum; weight decay on the weights only (biases undecayed, as in the paper)."""
    weights = [getattr(model, n).weight for n in lenet.LAYERS]
    biases = [getattr(model, n).bias for n in lenet.LAYERS]
    return torch.optim.SGD(
        [{"params": weights, "weight_decay": r.weight_decay}, {"params": biases, "weight_decay": 0.0}],
        lr=r.lr,
        momentum=r.momentum,
    )


def resume_bytes(model, opt, epoch: int, hist: History, recipe: Recipe) -> bytes:
    """The state to resume training after ``epoch`` (model, optimizer, history, recipe) as torch.save bytes."""
    buf = io.BytesIO()
    torch.save(
        {
            "model": model.state_dict(),
            "opt": opt.state_dict(),
            "epoch": epoch,
            "history": json.dumps(asdict(hist)),
            "recipe": json.dumps(asdict(recipe)),
        },
        buf,
    )
    return buf.getvalue()


def read_resume(raw: bytes) -> dict:
    """A resume state (``resume_bytes``) loaded without running pickled code."""
    return torch.load(io.BytesIO(raw), map_location="cpu", weights_only=True)


@dataclass
class Trained:
    """What ``train`` returns: the trained model (plain CPU copy), its history and the final training error."""

    model: lenet.LeNet
    history: History
    final_train_error: float | None


def train(
    recipe: Recipe,
    data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    device: str = "cpu",
    log: Callable[[str], None] = print,
    threads: int | None = 2,
    name: str = "lenet",
    resume: bytes | None = None,
    save_resume: Callable[[bytes], None] | None = None,
) -> Trained:
    """Train one LeNet on ``data`` = (train images, labels, test images, labels) (the first ``recipe.n_train``
    training images are used), continuing from ``resume`` (``resume_bytes``) when given and valid.

    After every epoch the resume state is handed to ``save_resume``; ``name`` labels the log lines."""
    if threads:
        torch.set_num_threads(threads)
    xtr, ytr, xte, yte = data
    xtr, ytr = xtr[: recipe.n_train], ytr[: recipe.n_train]
    mean = mean_image(xtr)
    model = lenet.build(recipe.seed, mean)
    opt = make_optimizer(model, recipe)
    hist, start = History(), 0
    if resume is not None:
        try:
            st = read_resume(resume)
            if json.loads(st["recipe"]) != asdict(recipe):
                raise ValueError("recipe differs")
            model.load_state_dict(st["model"])
            opt.load_state_dict(st["opt"])
            start, hist = int(st["epoch"]), History(**json.loads(st["history"]))
            log(f"resuming {name} after epoch {start}")
        except Exception as exc:  # a bad resume file means starting over, not crashing
            log(f"ignoring resume state ({type(exc).__name__}: {exc}); starting from epoch 0")
            model, hist, start = lenet.build(recipe.seed, mean), History(), 0
            opt = make_optimizer(model, recipe)
    fmt = torch.channels_last if recipe.channels_last else torch.contiguous_format
    model = model.to(device=device, memory_format=fmt)
    opt_state = opt.state_dict()
    opt = make_optimizer(model, recipe)
    opt.load_state_dict(opt_state)
    x_train = torch.tensor(xtr, dtype=torch.float32).reshape(-1, 1, 28, 28).to(device)
    y_train = torch.tensor(ytr).to(device)
    n = len(x_train)
    for epoch in range(start, recipe.epochs):
        t0 = time.perf_counter()
        model.train()
        order = torch.randperm(n, generator=torch.Generator().manual_seed(recipe.seed * 100_003 + epoch)).to(device)
        perturb = None
        if recipe.adv_eps > 0:
            gen = torch.Generator().manual_seed(recipe.seed * 100_003 + epoch + 7)
            eps = recipe.adv_eps * lenet.PIXEL_MAX
            perturb = functools.partial(_pgd_batch, eps=eps, steps=recipe.adv_steps, generator=gen)
        loss_sum, wrong = train_epoch(model, opt, x_train, y_train, order, recipe.batch, fmt, perturb)
        test_err = lenet.error_percent(model.cpu(), xte, yte) if device == "cpu" else _err_dev(model, xte, yte, device)
        model.to(device)
        dt = time.perf_counter() - t0
        hist.seconds += dt
        hist.epochs.append(
            {
                "epoch": epoch + 1,
                "train_error": round(100.0 * wrong / n, 4),
                "train_loss": round(loss_sum / n, 6),
                "test_error": round(test_err, 4),
                "seconds": round(dt, 2),
            }
        )
        log(
            f"{name} epoch {epoch + 1}/{recipe.epochs}: train {100.0 * wrong / n:.2f}% "
            f"loss {loss_sum / n:.4f} test {test_err:.2f}% ({dt:.1f} s)"
        )
        if save_resume is not None:
            save_resume(resume_bytes(model, opt, epoch + 1, hist, recipe))
    plain = _to_plain(model)
    return Trained(plain, hist, lenet.error_percent(plain, xtr, ytr))


def _pgd_batch(model, xb, yb, eps: float, steps: int, generator: torch.Generator) -> torch.Tensor:
    return adversarial.pgd_l2(model, xb, yb, eps, steps, generator=generator)


def train_epoch(
    model: lenet.LeNet,
    opt: torch.optim.Optimizer,
    x: torch.Tensor,
    y: torch.Tensor,
    order: torch.Tensor,
    batch: int,
    fmt=torch.contiguous_format,
    perturb=None,
) -> tuple[float, int]:
    """One pass over ``order`` in mini-batches (mean cross-entropy, one SGD step each); (loss sum, errors).

    ``perturb(model, x, y)``, when given, replaces each batch before the step (adversarial training): the loss
    and errors are then those on the perturbed batch."""
    loss_sum, wrong = 0.0, 0
    for i in range(0, len(order), batch):
        idx = order[i : i + batch]
        xb = x[idx].contiguous(memory_format=fmt)
        if perturb is not None:
            xb = perturb(model, xb, y[idx]).contiguous(memory_format=fmt)
        logits = model(xb)
        loss = F.cross_entropy(logits, y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        loss_sum += float(loss.detach()) * len(idx)
        wrong += int((logits.argmax(1) != y[idx]).sum())
    return loss_sum, wrong


def _to_plain(model: lenet.LeNet) -> lenet.LeNet:
    """A CPU copy with contiguous (not channels_last) parameters, for saving and export."""
    plain = lenet.LeNet()
    plain.load_state_dict({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()})
    return plain.eval()


def _err_dev(model, images, labels, device) -> float:
    with torch.no_grad():
        model.eval()
        x = torch.as_tensor(np.asarray(images, np.float32)).reshape(-1, 1, 28, 28).to(device)
        pred = torch.cat([model(x[i : i + 2000]).argmax(1) for i in range(0, len(x), 2000)]).cpu().numpy()
    return float(100.0 * np.mean(pred != labels))


def checkpoint_params(
    recipe: Recipe, hist: History, model: lenet.LeNet, final_train: float | None, device: str, partial: bool = False
) -> dict:
    """The manifest params of a checkpoint: the recipe, how far it got, its history, final errors and RMS."""
    last = hist.epochs[-1] if hist.epochs else {}
    if partial:
        final_train = last.get("train_error")
    return {
        **asdict(recipe),
        "epochs_done": len(hist.epochs),
        "complete": not partial,
        "device": device,
        "inputs": "raw 0..255 pixels minus the training-set mean image",
        "update": "SGD momentum 0.9 on mean cross-entropy; weight decay wd*w on weights only"
        + (
            f"; every batch replaced by its L2 PGD images ({recipe.adv_steps} steps, eps {recipe.adv_eps:g} "
            "in [0, 1] units, step 2.5 eps/steps, random start)"
            if recipe.adv_eps > 0
            else ""
        ),
        "history": hist.epochs,
        "final": {
            "train_error_running": last.get("train_error"),
            "train_error": round(final_train, 4) if final_train is not None else None,
            "test_error": last.get("test_error"),
        },
        "rms": lenet.weight_rms(model),
        "n_params": lenet.count_params(model),
    }


def checkpoint_command(recipe: Recipe) -> str:
    """The worker command that trains this recipe (recorded in the checkpoint's manifest)."""
    return (
        f"python -m worker train-lenet --weight-decay {recipe.weight_decay:g} --epochs {recipe.epochs} "
        f"--seed {recipe.seed}"
        + (f" --adv-eps {recipe.adv_eps:g} --adv-steps {recipe.adv_steps}" if recipe.adv_eps > 0 else "")
    )


def from_resume(raw: bytes) -> tuple[lenet.LeNet, Recipe, History]:
    """The model, recipe and history saved in a resume state (to ship a partial checkpoint)."""
    st = read_resume(raw)
    model = lenet.LeNet()
    model.load_state_dict(st["model"])
    return _to_plain(model), Recipe(**json.loads(st["recipe"])), History(**json.loads(st["history"]))
