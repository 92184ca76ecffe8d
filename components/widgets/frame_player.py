"""FramePlayer: a slider that plays frame sets (views.frames) into its graphs and readouts — written once.

A section declares its player at import (that wires the clientside callback, the slider's fast lane and, for sets
sent as files, the start-up fetch), then lays out its parts in ``layout()``::

    PLAYER = FramePlayer(
        "ctl-hero-lambda",
        views={"fig-hero": 480},                    # graph id → height in px
        readouts=[("ro-hero-lam", "λ"), ...],       # element id and label of each readout
        stores=["store-hero"],                      # the stores of its frame sets: layers, in order
        slider=dict(min=0, max=80, value=40, step=1, marks={...}, label="L2 regularization λ"),
        url=("hero", parse_lam_index),              # optional permalink key and parser
    )

    def layout():
        parts = PLAYER.parts([hero_frames(...)])    # the graphs come drawn at the slider's value
        return figure_block("fig-hero", title, [parts.stores, *parts.graphs], caption,
                            controls=[parts.slider], readout_row=parts.readouts)

Two kinds of stores.  ``files=True`` (default): the sets never change while serving; the page carries each store
empty plus the address of its set as a content-addressed file (views.frames.publish), fetched right after load; a
step taken before it arrives is drawn when it does.  ``files=False``: the section's own callbacks fill the stores
(a new pair, chosen images…) and every change redraws; ``transient`` stores are dropped (and cleared) when the
slider moves (an off-grid model shown until the slider is touched).

The browser side is assets/player.js (``l2player.pick`` / ``lane`` / ``start``) and assets/lanes.js.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dash import Input, Output, State, clientside_callback, dcc, html

from components.common import graph, readouts, slider
from components.startup import on_start
from views.frames import FrameSet, compose, figure_at, nearest, publish

# Fast lanes: slider id → [JS function, ids of the stores it reads, extra arguments].  The page sends them in the
# store ``page-fast-lanes``; assets/lanes.js calls the function with the slider's new value as soon as it is known.
FAST_LANES: dict[str, list] = {}

_PICK_JS = "function(value) { return window.l2player.pick(%s, value, Array.prototype.slice.call(arguments, 1)); }"


@dataclass(frozen=True)
class Parts:
    """What a section lays out: the slider, the graphs (in ``views`` order), the stores, and readout rows."""

    slider: html.Div
    graphs: list
    stores: html.Div
    texts: dict[str, str]
    labels: dict[str, str]

    @property
    def readouts(self) -> html.Div:
        """The row of every readout of the player."""
        return self.row(list(self.labels))

    def row(self, ids: Sequence[str]) -> html.Div:
        """A row of some of the player's readouts (a figure block of its own may show them)."""
        return readouts([(rid, self.labels[rid], self.texts.get(rid, "–")) for rid in ids])


class FramePlayer:
    """A slider over frame sets, its graphs and readouts (see the module docstring)."""

    def __init__(
        self,
        ctl_id: str,
        *,
        views: Mapping[str, int],
        readouts: Sequence[tuple[str, str]],
        stores: Sequence[str],
        slider: Mapping[str, Any],
        files: bool = True,
        transient: Sequence[str] = (),
        url: tuple[str, Callable[[str], Any]] | None = None,
    ) -> None:
        if not set(transient) <= set(stores) or (files and transient):
            raise ValueError("transient stores are stores the section fills itself (files=False)")
        self.ctl_id = ctl_id
        self.views = dict(views)
        self.readout_items = [(rid, label) for rid, label in readouts]
        self.stores = list(stores)
        self.slider_args = dict(slider)
        self.files = files
        self.url = url
        self.spec = spec = {
            "ctl": ctl_id,
            "views": list(self.views),
            "readouts": [rid for rid, _ in self.readout_items],
            "stores": self.stores,
            "transient": list(transient),
        }
        kind = State if files else Input
        clientside_callback(
            _PICK_JS % json.dumps(spec, separators=(",", ":")),
            [Output(v, "figure") for v in self.views]
            + [Output(rid, "children") for rid in spec["readouts"]]
            + [Output(t, "data", allow_duplicate=True) for t in transient],
            Input(ctl_id, "value"),
            *[kind(s, "data") for s in self.stores],
            prevent_initial_call=True,  # the page comes with the graphs drawn at the slider's value
        )
        FAST_LANES[ctl_id] = ["l2player.lane", self.stores, [spec]]
        if files:
            on_start(
                "l2player.start",
                [(s, "data") for s in self.stores],
                [(f"{s}-src", "data") for s in self.stores],
                [spec],
            )

    @property
    def url_state(self) -> dict[str, tuple[str, str, Callable[[str], Any]]]:
        """The section's URL_STATE entry for this slider (empty without ``url``)."""
        return {self.url[0]: (self.ctl_id, "value", self.url[1])} if self.url else {}

    def parts(self, sets: Sequence[FrameSet | None], value: Any = None) -> Parts:
        """The player's components with its graphs drawn at ``value`` (default: the slider's) from ``sets``, the
        layers in store order (``files=True``: the sets the files hold; else what the page opens with, while the
        stores come empty and the section fills them)."""
        value = self.slider_args["value"] if value is None else value
        shown = compose(value, *sets) if sets and sets[0] else None
        graphs = [graph(fig_id, self._first(fig_id, value, sets) if shown else None, height=height)
                  for fig_id, height in self.views.items()]  # fmt: skip
        stores: list = []
        for i, sid in enumerate(self.stores):
            stores.append(dcc.Store(id=sid))
            if self.files:
                fs = sets[i] if i < len(sets) else None
                stores.append(dcc.Store(id=f"{sid}-src", data=publish(sid, fs) if fs else None))
        texts = shown[1] if shown else {}
        labels = dict(self.readout_items)
        return Parts(slider(self.ctl_id, **self.slider_args), graphs, html.Div(stores, hidden=True), texts, labels)

    @staticmethod
    def _first(fig_id: str, value: Any, sets: Sequence[FrameSet | None]) -> dict:
        """The graph's first view; a set with a key names it and the frame in ``layout.meta.l2view``."""
        fig = figure_at(value, fig_id, *sets)
        if "key" in sets[0]:
            k = nearest(sets[0]["values"], value)
            meta = fig["layout"].get("meta") or {}
            fig = {
                "data": fig["data"],
                "layout": {**fig["layout"], "meta": {**meta, "l2view": {**sets[0]["key"], "k": k}}},
            }
        return fig
