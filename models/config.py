"""Paths, the λ grid and the few constants every part of the project agrees on.

Every setting that a user may change is read from an environment variable here, with a typed
parser and a documented default (the README's configuration table lists them).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def env_path(name: str, default: Path) -> Path:
    """A path from the environment (``~`` expanded), or the default."""
    raw = os.environ.get(name, "").strip()
    return Path(raw).expanduser() if raw else default


def env_int(name: str, default: int, lo: int | None = None, hi: int | None = None) -> int:
    """An integer from the environment, clamped to [lo, hi]; a malformed value raises a clear error."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc
    if lo is not None:
        value = max(lo, value)
    if hi is not None:
        value = min(hi, value)
    return value


def env_float(name: str, default: float) -> float:
    """A float from the environment; a malformed value raises a clear error."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc


# Shipped, versioned artifacts (committed) and a writable cache for on-demand results.
PRECOMPUTED = env_path("L2_PRECOMPUTED", ROOT / "precomputed")
MNIST_DIR = PRECOMPUTED / "mnist"
CACHE_DIR = env_path("L2_CACHE_DIR", ROOT / ".cache")

# The λ grid of ARTICLE.md §1: λ = 10^(−6 + 0.1 s), s = 0..80.
N_LAMBDA = 81
LAMBDA_EXPONENTS = np.round(-6.0 + 0.1 * np.arange(N_LAMBDA), 10)
LAMBDAS = 10.0**LAMBDA_EXPONENTS

# Training set: the first 3000 training images of each digit of a pair.
TRAIN_PER_DIGIT = 3000

LOSSES = ("hinge", "logistic")
PAIRS = tuple((a, b) for a in range(10) for b in range(a + 1, 10))
DEFAULT_PAIR = (2, 3)


def parse_pair(text: str) -> tuple[int, int]:
    """Parse '7-9', '7,9' or '7 9' into a valid pair (a < b); raise ValueError with a clear message."""
    import re

    parts = [p for p in re.split(r"[\s,\-_/]+", str(text).strip()) if p]
    if len(parts) != 2:
        raise ValueError(f"a pair is two different digits like 7-9, got {text!r}")
    try:
        a, b = (int(p) for p in parts)
    except ValueError as exc:
        raise ValueError(f"a pair is two different digits like 7-9, got {text!r}") from exc
    return check_pair(a, b)


def check_lambda(value, name: str = "lam") -> float:
    """A regularization strength: a finite number > 0 (a number-like string is fine, a bool is not);
    raise ValueError naming ``name`` otherwise."""
    import math

    try:
        if isinstance(value, bool):
            raise TypeError
        lam = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number > 0, got {value!r}") from None
    if not math.isfinite(lam) or lam <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return lam


def check_pair(a: int, b: int) -> tuple[int, int]:
    """Validate two digits and return them sorted; raise ValueError with a clear message."""
    for d in (a, b):
        if not (0 <= d <= 9):
            raise ValueError(f"digits are 0..9, got {d}")
    if a == b:
        raise ValueError(f"a pair needs two different digits, got {a} and {b}")
    return (min(a, b), max(a, b))
