"""A slider's frame set (views.frames) from one complete Plotly figure per slider value, cached on disk.

The toy, theory and ReLU-toy figures are drawn whole for every value of their slider (a few hundred milliseconds
of Plotly each, seconds per slider); ``figure_frames`` turns them into the one frame format (only what varies,
traces by uid, pictures by name) once, and keeps the result in the build-once JSON cache, keyed by the source
files that draw it (``frames_key``, taken at the caller's import).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from store.cache import json_cached, source_digest
from views import frames, style
from views.frames import FrameSet


def frames_key(*sources: str | Path) -> str:
    """The cache key of frames drawn by ``sources``: their bytes and those of this module, views.frames and the
    figure style (call it at import, so a file edited while serving cannot reuse frames of the old code)."""
    return source_digest(__file__, frames.__file__, style.__file__, *sources)


def plain(fig: go.Figure) -> dict:
    """A figure as plain JSON data (lists, numbers, strings), as the browser receives it."""
    return json.loads(pio.to_json(fig, validate=False, remove_uids=False, engine="json"))


def figure_frames(
    name: str,
    key: str,
    fig_id: str,
    values: Sequence[float],
    make: Callable[[int], go.Figure],
    texts: Callable[[int], Sequence[str]],
    readout_ids: Sequence[str],
) -> FrameSet:
    """The frame set of graph ``fig_id`` over ``values``: ``make(k)`` draws frame k, ``texts(k)`` gives its readout
    texts (for ``readout_ids``); built once and cached as ``name``/``key``."""

    def build() -> FrameSet:
        ks = range(len(values))
        figs = [plain(make(k)) for k in ks]
        return frames.from_figures(values, {fig_id: figs}, readout_ids, [list(texts(k)) for k in ks])

    return json_cached(name, key, build)
