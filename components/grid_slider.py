"""A figure with a slider over a fixed grid: its player, its box on the page and its permalink parser.

The toy, theory and neural sections declare each slider figure with ``grid_player`` (one graph, its frames in the
store ``<figure id>-frames``), lay it out with ``player_figure`` (so a figure's parts sit in the same order
everywhere: graphs first, then the hidden stores of their frames) and parse permalink values with
``parse_on_grid``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from dash import html

from components.common import figure_block
from components.widgets.frame_player import FramePlayer
from views.frames import FrameSet


def grid_player(
    ctl_id: str,
    fig_id: str,
    height: int,
    readouts: Sequence[tuple[str, str]],
    grid: Sequence[float],
    url: tuple[str, Callable[[str], float]],
    **slider: object,
) -> FramePlayer:
    """The FramePlayer of slider ``ctl_id`` over ``grid`` (its ends are the slider's; ``slider`` gives the rest:
    value, step, label, marks) driving graph ``fig_id`` and ``readouts`` ((element id, label) pairs)."""
    ends: Mapping[str, object] = dict(min=float(grid[0]), max=float(grid[-1]))
    return FramePlayer(
        ctl_id,
        views={fig_id: height},
        readouts=readouts,
        stores=[f"{fig_id}-frames"],
        slider={**ends, **slider},
        url=url,
    )


def player_figure(
    player: FramePlayer, sets: Sequence[FrameSet | None], title: str, caption: str, *, note: Sequence = (), wide=False
) -> html.Figure:
    """The figure box of ``player`` (named after its first graph), drawn from ``sets``; ``note`` goes above the
    graphs (e.g. why part of the figure is missing)."""
    parts = player.parts(sets)
    return figure_block(
        next(iter(player.views)),
        title,
        [*note, *parts.graphs, parts.stores],
        caption,
        controls=[parts.slider],
        readout_row=parts.readouts,
        wide=wide,
    )


def parse_on_grid(raw: str, grid: Sequence[float], what: str) -> float:
    """Parse a permalink value for a slider over ``grid``: a finite number within the grid's range, snapped to
    the nearest grid value; anything else raises ValueError naming ``what``."""
    try:
        v = float(str(raw).strip())
    except ValueError as exc:
        raise ValueError(f"{what} must be a number, got {raw!r}") from exc
    lo, hi = float(min(grid)), float(max(grid))
    if not (math.isfinite(v) and lo - 1e-9 <= v <= hi + 1e-9):
        raise ValueError(f"{what} is in [{lo:g}, {hi:g}], got {raw!r}")
    return float(min(grid, key=lambda g: abs(g - v)))
