"""The MNIST views' choices (the conventions of models.conventions) and how a link or a request states them: pair, loss, λ (grid index or any value in
range), and the chosen images.  Each parser returns the value or raises ValueError with one clear line."""

from __future__ import annotations

import math

from models import conventions
from views.formats import scientific

PAIRS = conventions.PAIRS  # every (a, b), a < b
LOSSES = conventions.LOSSES
N_LAMBDA = conventions.N_LAMBDA  # the λ grid's size: slider indices 0 … N_LAMBDA − 1
HERO_PAIR = conventions.DEFAULT_PAIR
DEFAULT_PAIR = "{}-{}".format(*conventions.DEFAULT_PAIR)
DEFAULT_LOSS = "hinge"
DEFAULT_LAM_INDEX = 40  # λ = 10^-2
LOSS_LABELS = {"hinge": "hinge (SVM)", "logistic": "softplus (logistic regression)"}
IMAGE_SETS = ("train", "test")
LAMBDA_MARKS = {s: f"1e{int(conventions.LAMBDA_EXPONENTS[s])}" for s in range(0, conventions.N_LAMBDA, 10)}


def lambda_valuetext(index: float) -> str:
    """What a λ slider's thumb announces at grid index ``index``: 'λ = 1.0 × 10⁻²'."""
    return f"λ = {scientific(float(conventions.LAMBDAS[int(round(index))]))}"


def parse_pair(raw: str) -> str:
    """'7-9' style pair text → canonical 'a-b' (a < b); ValueError if not two different digits."""
    a, b = conventions.parse_pair(raw)
    return f"{a}-{b}"


def parse_loss(raw: str) -> str:
    """'hinge' or 'logistic'; anything else raises ValueError."""
    if raw not in conventions.LOSSES:
        raise ValueError(f"loss must be one of {', '.join(conventions.LOSSES)}, got {raw!r}")
    return raw


def parse_lam_index(raw: str) -> int:
    """A λ grid index 0..80 (integer text); out of range or malformed raises ValueError."""
    if not str(raw).strip().lstrip("-").isdigit() or not 0 <= int(raw) < conventions.N_LAMBDA:
        raise ValueError(f"lam must be a grid index 0..{conventions.N_LAMBDA - 1}, got {raw!r}")
    return int(raw)


def parse_lam_value(raw: str) -> float:
    """An off-grid λ in [1e-6, 1e2]; ValueError otherwise."""
    try:
        lam = float(raw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"λ must be a number, got {raw!r}") from exc
    if not (math.isfinite(lam) and conventions.LAMBDAS[0] <= lam <= conventions.LAMBDAS[-1]):
        raise ValueError(f"λ must be between 1e-6 and 1e2, got {raw!r}")
    return lam


def parse_image_set(raw: str) -> str:
    """'train' or 'test'."""
    if raw not in IMAGE_SETS:
        raise ValueError(f"image set must be train or test, got {raw!r}")
    return raw


def parse_image_index(raw: str) -> int:
    """A non-negative image index (range checked against the set when used)."""
    if not str(raw).strip().isdigit():
        raise ValueError(f"image index must be a whole number ≥ 0, got {raw!r}")
    return int(raw)


def parse_choice(pair, loss) -> tuple[int, int, str]:
    """(a, b, loss) from control values; ValueError/TypeError for anything else."""
    a, b = conventions.parse_pair(pair)
    return a, b, parse_loss(loss)
