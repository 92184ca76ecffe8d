"""A shipped sweep and what every MNIST view of it needs, loaded once per process: the sweep, its models as
``ModelRows``, their tilting planes for the shown points, and the pair's data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from models.sweeps import Sweep
from views.pair_models import ModelRows, PairContext, pair_context, rows_from_sweep
from views.plane import PlaneFrames, plane_frames


@dataclass(frozen=True)
class SweepGrid:
    """A (pair, loss) sweep with its models, planes and the pair's data."""

    sweep: Sweep
    rows: ModelRows
    plane: PlaneFrames
    pair: PairContext


@lru_cache(maxsize=6)
def sweep_grid(a: int, b: int, loss: str) -> SweepGrid:
    """The shipped sweep of (a, b, loss) and its planes; raises ArtifactError (or ImportError) when unavailable."""
    from store import sweeps  # looked up at call time: tests and the sweep test double replace the loader

    sweep = sweeps.load_sweep(a, b, loss)
    cx = pair_context(a, b)
    rows = rows_from_sweep(sweep)
    pf = plane_frames(rows.W, rows.bias, sweep.centroid_i, sweep.centroid_j, cx.X_train[cx.shown])
    return SweepGrid(sweep, rows, pf, cx)


def describe_error(exc: Exception, a: int, b: int, loss: str) -> str:
    """One clear line for a missing or broken sweep artifact."""
    if isinstance(exc, ImportError):
        return "The sweep loader is not installed yet; the MNIST figures cannot be shown."
    return (
        f"The {loss} sweep for {a} vs {b} is missing or damaged ({exc}). "
        f"Rebuild it with `python -m worker precompute --all`."
    )
