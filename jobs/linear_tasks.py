"""On-demand linear jobs.

``fit-lambda`` fits one λ (any value, on or off the grid) for a pair and loss and returns everything a figure
needs to show that model (``models.sweeps.fit_lambda``).  ``recompute-sweeps`` rebuilds sweep artifacts that
the web's artifact check found broken.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jobs.precompute import precompute_sweeps
from jobs.tasks import task
from models import conventions, sweeps
from store import mnist
from store import sweeps as sweep_files


@task("fit-lambda")
def fit_lambda_task(params: dict, progress: Callable[[float, str], None]) -> dict:
    """Fit one λ for a pair/loss: metrics, w (784 floats), bias, histograms, the shown points' plane coordinates."""
    a, b, loss, lam = conventions.check_fit_params(params)
    progress(0.05, f"loading {a} vs {b}")
    data = mnist.pair_data(a, b)
    warm = sweep_files.nearest_model(a, b, loss, lam)
    progress(0.2, f"fitting {loss} at λ={lam:.3g}")
    result = sweeps.fit_lambda(data, loss, lam, warm)
    progress(1.0, "done")
    return result


def recompute_sweeps(params: dict, progress: Callable[[float, str], None]) -> dict:
    """Job ``recompute-sweeps``: rebuild the listed sweeps atomically (the web's /health found them broken)."""
    folder = Path(str(params.get("folder", "")))
    if not folder.name == "sweeps":
        raise ValueError(f"not a sweeps folder: {folder}")
    todo = []
    for item in params.get("sweeps", []):
        a, b, loss = item
        a, b = conventions.check_pair(int(a), int(b))
        todo.append((a, b, conventions.check_loss(loss)))
    for k, (a, b, loss) in enumerate(todo):
        progress(k / max(1, len(todo)), f"sweep {a}-{b} {loss}")
        precompute_sweeps([(a, b)], (loss,), folder, "recompute-sweeps (requested by /health)")
    return {"recomputed": [f"{a}-{b} {loss}" for a, b, loss in todo]}


recompute_sweeps.timeout_s = 3600.0
task("recompute-sweeps")(recompute_sweeps)
