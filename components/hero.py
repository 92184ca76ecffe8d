"""F1, the hero: MNIST 2 vs 3 in the tilting plane, with one L2-regularization slider.

All 81 frames (one per λ of the shipped hinge sweep) are computed here once per process.  The page comes
with the default frame drawn; the frames follow as a file fetched right after load (components.frames
``frames_store``), and a clientside callback (assets/page.js, ``l2page.hero``) picks the frame while the
slider moves, so dragging never waits for the server.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import dash
import numpy as np
import plotly.graph_objects as go
from dash import Input, Output, State, html
from plotly.subplots import make_subplots

from components import mnist_data as md
from components import svm
from components.common import base_layout, figure_block, graph, readouts, slider
from components.frames import fast_lane, frames_store, lazy_store
from models import config

log = logging.getLogger(__name__)

HERO_PAIR = config.DEFAULT_PAIR
HERO_LOSS = "hinge"
DEFAULT_LAM_INDEX = 40  # λ = 10^-2
READOUT_IDS = ("ro-hero-lam", "ro-hero-err", "ro-hero-dadv", "ro-hero-theta")

URL_STATE = {"hero": ("ctl-hero-lambda", "value", svm.parse_lam_index)}


def hero_base(pf: md.PlaneFrames, y_shown: np.ndarray, i: np.ndarray, j: np.ndarray) -> go.Figure:
    """Skeleton: the tilting plane (traces 0–5) and the mean digits i, j as pictures (layout images 0, 1: cheaper for
    Plotly to draw than heatmaps; they have no hover)."""
    fig = make_subplots(
        rows=2,
        cols=2,
        column_widths=[0.78, 0.22],
        specs=[[{"rowspan": 2}, {}], [None, {}]],
        horizontal_spacing=0.08,
        vertical_spacing=0.14,
        subplot_titles=("", f"i: mean {HERO_PAIR[0]}", f"j: mean {HERO_PAIR[1]}"),
    )
    base_layout(fig, height=480)
    svm.plane_traces(fig, pf, y_shown)
    fig.update_yaxes(scaleanchor="x", scaleratio=1, row=1, col=1)
    for row, img in ((1, i), (2, j)):
        svm.image_axes(fig, row, 2)
        svm.add_picture(fig, row, 2, svm.image_uri(md.image_list(img)))
    return fig


def hero_payload(sweep: md.SweepLike, cx: md.PairContext) -> dict:
    """Base figure and 81 frames (plane updates + readouts err_train, d_adv, θ, λ)."""
    rows = md.rows_from_sweep(sweep)
    y_shown = cx.y_train[cx.shown]
    pf = md.plane_frames(rows.W, rows.bias, sweep.centroid_i, sweep.centroid_j, cx.X_train[cx.shown])
    frames = []
    for k in range(len(rows.lam)):
        lam = float(rows.lam[k])
        frames.append(
            {
                "upd": svm.plane_updates(md.plane_frame(pf, k, float(rows.d_adv[k])), y_shown),
                "ro": [
                    f"{md.lambda_label(lam)} = {lam:.3g}",
                    md.fmt_percent(float(rows.err_train[k])),
                    md.fmt_num(float(rows.d_adv[k])),
                    md.fmt_angle(float(rows.theta[k])),
                ],
            }
        )
    base = hero_base(pf, y_shown, sweep.centroid_i, sweep.centroid_j).to_plotly_json()
    return {"pair": list(HERO_PAIR), "base": base, "frames": frames}


@lru_cache(maxsize=1)
def cached_payload() -> dict:
    """The hero payload, computed once per process from the shipped 2 vs 3 hinge sweep."""
    sweep, _, _, cx = svm.grid(*HERO_PAIR, HERO_LOSS)
    return hero_payload(sweep, cx)


def payload() -> dict:
    """The hero payload or, if the sweep is unavailable, a payload that shows why."""
    try:
        return cached_payload()
    except Exception as exc:  # noqa: BLE001 — a missing artifact becomes a message
        log.warning("hero sweep unavailable: %s", exc)
        msg = svm.describe_error(exc, *HERO_PAIR, HERO_LOSS)
        return {"error": msg, "fig": svm.message_figure(msg, height=480).to_plotly_json()}


def make_hero(data: dict, k: int) -> go.Figure:
    """F1 at grid index k (the same merge as the browser's)."""
    if "error" in data:
        return go.Figure(data["fig"])
    return svm.apply_updates(data["base"], data["frames"][k]["upd"])


CAPTION = (
    "Drag towards small λ: the boundary turns away from the line joining the centroids, training "
    "error drops, and the band of half-width d_adv (the mean distance of the points to the boundary) "
    "collapses. The view is the plane spanned by ẑ and the part of w orthogonal to it; that plane turns "
    "with w, so what you see moving are the points, not the boundary."
)


def first_view(data: dict) -> tuple[go.Figure, list[str]]:
    """The figure and readout texts the page opens with (λ at DEFAULT_LAM_INDEX), or the message."""
    if "error" in data:
        return make_hero(data, 0), ["–"] * len(READOUT_IDS)
    return make_hero(data, DEFAULT_LAM_INDEX), list(data["frames"][DEFAULT_LAM_INDEX]["ro"])


def layout() -> html.Header:
    """The hero figure at the top of the article."""
    data = payload()
    fig, texts = first_view(data)
    block = figure_block(
        "fig-hero",
        f"MNIST {HERO_PAIR[0]} vs {HERO_PAIR[1]}: a linear SVM seen in its tilting plane",
        [frames_store("store-hero", None if "error" in data else data), graph("fig-hero", fig, height=480)],
        CAPTION,
        controls=[
            slider(
                "ctl-hero-lambda",
                0,
                config.N_LAMBDA - 1,
                DEFAULT_LAM_INDEX,
                step=1,
                marks=svm.LAMBDA_MARKS,
                allow_direct_input=False,
                label="L2 regularization λ (strong → right)",
            )
        ],
        readout_row=readouts(list(zip(READOUT_IDS, ("λ", "err_train", "d_adv", "θ"), texts, strict=True))),
        wide=True,
    )
    return html.Div([block], id="hero", className="hero")


fast_lane("ctl-hero-lambda", "dash_clientside.l2page.heroLane", ["store-hero"])
lazy_store("store-hero")
dash.clientside_callback(
    dash.ClientsideFunction(namespace="l2page", function_name="hero"),
    Output("fig-hero", "figure"),
    *[Output(r, "children") for r in READOUT_IDS],
    Input("ctl-hero-lambda", "value"),
    State("store-hero", "data"),
    prevent_initial_call=True,  # the page comes with the default frame drawn (first_view)
)
