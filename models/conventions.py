"""The conventions every part of the project agrees on: the λ grid, the pairs, the losses, the training
set, the points a figure shows, and the one validation of a pair, a loss and a λ.

Pure Python and numpy: no paths, no environment (those live in the settings module).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

# The λ grid of ARTICLE.md §1: λ = 10^(−6 + 0.1 s), s = 0..80.
N_LAMBDA = 81
LAMBDA_EXPONENTS = np.round(-6.0 + 0.1 * np.arange(N_LAMBDA), 10)
LAMBDAS = 10.0**LAMBDA_EXPONENTS
# An on-demand fit (the fit-lambda job) accepts λ in this range (off the grid too).
FIT_LAMBDA_RANGE = (1e-8, 1e4)

# Training set: the first 3000 training images of each digit of a pair.
TRAIN_PER_DIGIT = 3000
# Training points per class that the MNIST figures show (a fixed random subset of the 3000).
SHOWN_PER_CLASS = 200

LOSSES = ("hinge", "logistic")
PAIRS = tuple((a, b) for a in range(10) for b in range(a + 1, 10))
DEFAULT_PAIR = (2, 3)


def check_pair(a: int, b: int) -> tuple[int, int]:
    """Validate two digits and return them sorted; raise ValueError with a clear message."""
    for d in (a, b):
        if not (0 <= d <= 9):
            raise ValueError(f"digits are 0..9, got {d}")
    if a == b:
        raise ValueError(f"a pair needs two different digits, got {a} and {b}")
    return (min(a, b), max(a, b))


def parse_pair(text: str) -> tuple[int, int]:
    """Parse '7-9', '7,9' or '7 9' into a valid pair (a < b); raise ValueError with a clear message."""
    parts = [p for p in re.split(r"[\s,\-_/]+", str(text).strip()) if p]
    if len(parts) != 2:
        raise ValueError(f"a pair is two different digits like 7-9, got {text!r}")
    try:
        a, b = (int(p) for p in parts)
    except ValueError as exc:
        raise ValueError(f"a pair is two different digits like 7-9, got {text!r}") from exc
    return check_pair(a, b)


def check_loss(loss: str) -> str:
    """Return the loss name if it is one of ``LOSSES``, else raise ValueError with the allowed values."""
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; use one of {', '.join(LOSSES)}")
    return loss


def check_lambda(value: Any, name: str = "λ") -> float:
    """A regularization strength: a finite number > 0 (a number-like string is fine, a bool is not);
    raise ValueError naming ``name`` otherwise."""
    try:
        if isinstance(value, bool):
            raise TypeError
        lam = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number > 0, got {value!r}") from None
    if not math.isfinite(lam) or lam <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return lam


def _digit(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{key} must be a digit 0..9, got {value!r}")
    try:
        f = float(value)
    except ValueError:
        raise ValueError(f"{key} must be a digit 0..9, got {value!r}") from None
    if not f.is_integer():
        raise ValueError(f"{key} must be a digit 0..9, got {value!r}")
    return int(f)


def check_fit_params(params: Any) -> tuple[int, int, str, float]:
    """The params of one on-demand fit, {a, b, loss, lam}: returned typed, or ValueError with a clear message."""
    if not isinstance(params, dict):
        raise ValueError("params must be an object with a, b, loss and lam")
    missing = [k for k in ("a", "b", "loss", "lam") if k not in params]
    if missing:
        raise ValueError(f"missing parameter(s): {', '.join(missing)}")
    a, b = check_pair(_digit("a", params["a"]), _digit("b", params["b"]))
    loss = check_loss(params["loss"])
    lam = check_lambda(params["lam"], "lam")
    lo, hi = FIT_LAMBDA_RANGE
    if not (lo <= lam <= hi):
        raise ValueError(f"lam must lie in [{lo:g}, {hi:g}], got {lam:g}")
    return a, b, loss, lam


def display_subset(y: np.ndarray, per_class: int = SHOWN_PER_CLASS, seed: int = 0) -> np.ndarray:
    """Deterministic indices of ``per_class`` training points of each class (sorted): the points a figure shows."""
    rng = np.random.default_rng(seed)
    out = []
    for label in (-1.0, 1.0):
        idx = np.flatnonzero(y == label)
        out.append(np.sort(rng.choice(idx, size=min(per_class, idx.size), replace=False)))
    return np.concatenate(out)
