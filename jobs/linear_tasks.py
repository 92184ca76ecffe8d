"""On-demand linear jobs: ``fit-lambda`` fits one λ (any value, on or off the grid) for a pair and loss."""

from __future__ import annotations

from collections.abc import Callable

from jobs.tasks import task
from models import config


def validate_fit_params(params: dict) -> tuple[int, int, str, float]:
    """Check {a, b, loss, lam}; return them typed or raise ValueError with a clear message."""
    if not isinstance(params, dict):
        raise ValueError("params must be an object with a, b, loss and lam")
    missing = [k for k in ("a", "b", "loss", "lam") if k not in params]
    if missing:
        raise ValueError(f"missing parameter(s): {', '.join(missing)}")
    digits = []
    for key in ("a", "b"):
        v = params[key]
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise ValueError(f"{key} must be a digit 0..9, got {v!r}")
        try:
            f = float(v)
        except ValueError:
            raise ValueError(f"{key} must be a digit 0..9, got {v!r}") from None
        if not f.is_integer():
            raise ValueError(f"{key} must be a digit 0..9, got {v!r}")
        digits.append(int(f))
    a, b = config.check_pair(*digits)
    loss = params["loss"]
    if loss not in config.LOSSES:
        raise ValueError(f"unknown loss {loss!r}; use one of {', '.join(config.LOSSES)}")
    lam = config.check_lambda(params["lam"])
    if not (1e-8 <= lam <= 1e4):
        raise ValueError(f"lam must lie in [1e-8, 1e4], got {lam:g}")
    return a, b, loss, lam


@task("fit-lambda")
def fit_lambda_task(params: dict, progress: Callable[[float, str], None]) -> dict:
    """Fit one λ for a pair/loss: metrics, w (784 floats), bias, histograms (for the page's on-demand λ)."""
    a, b, loss, lam = validate_fit_params(params)
    progress(0.05, f"loading {a} vs {b}")
    from models import sweeps

    progress(0.2, f"fitting {loss} at λ={lam:.3g}")
    result = sweeps.fit_lambda(a, b, loss, lam)
    progress(1.0, "done")
    return result
