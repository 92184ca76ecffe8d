"""§2 (end): linear SVM and logistic regression on an MNIST digit pair — three linked views (F10–F12).

Every frame of a (pair, loss) sweep, with the mirror frames of the typical images, is built once into a
gzipped JSON file under L2_CACHE_DIR (``answer_gz``) and served at ``/svm-data/<pair>/<loss>?v=<key>``
(serving.py): a pair or loss change is a fetch in the browser (assets/page.js ``loadPair``) that the HTTP cache
and every web process share; ``python -m worker warm-answers`` (started with the server) builds all 90 ahead.
The λ slider only picks a frame in the browser (assets/page.js).  A λ between grid points is fitted by
the worker (job kind ``fit-lambda``) and shown as one extra frame; the mirror view's images can be
any training or test image, with mirrors computed here from the current w.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import logging
import math
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import dash
import numpy as np
import plotly.graph_objects as go
from dash import Input, Output, State, ctx, dcc, html
from plotly.subplots import make_subplots

from components import mnist_data as md
from components.common import (
    PALETTE,
    base_layout,
    figure_block,
    graph,
    markdown,
    readouts,
    section,
    slider,
)
from components.frames import source_digest
from components.startup import on_start
from components.widgets.frame_player import FAST_LANES
from jobs.artifacts import atomic_write_bytes
from models import config
from views.pictures import add_picture, digit_uri, weight_uri
from views.plane import NO_PLANE, PlaneFrames, plane_traces, plane_update
from views.style import message_figure, rgba

log = logging.getLogger(__name__)

DEFAULT_PAIR = "{}-{}".format(*config.DEFAULT_PAIR)
DEFAULT_LOSS = "hinge"
DEFAULT_LAM_INDEX = 40  # λ = 10^-2
LOSS_LABELS = {"hinge": "hinge (SVM)", "logistic": "softplus (logistic regression)"}
IMAGE_SETS = ("train", "test")
READOUT_IDS = ("ro-svm-lam", "ro-svm-dadv", "ro-svm-err-train", "ro-svm-err-test", "ro-svm-theta", "ro-svm-wnorm")
MIRROR_READOUT_IDS = ("ro-svm-xdist", "ro-svm-ydist")
BAND_FILL = "rgba(213, 94, 0, 0.12)"
# In frame updates, the key of the layout images' new sources {image index: data URI} (the 28×28 pictures).
IMAGES_KEY = "images"


# ----------------------------------------------------------------------------------------------
# Parsing (also used by the permalinks)


def parse_pair(raw: str) -> str:
    """'7-9' style pair text → canonical 'a-b' (a < b); ValueError if not two different digits."""
    a, b = config.parse_pair(raw)
    return f"{a}-{b}"


def parse_loss(raw: str) -> str:
    """'hinge' or 'logistic'; anything else raises ValueError."""
    if raw not in config.LOSSES:
        raise ValueError(f"loss must be one of {', '.join(config.LOSSES)}, got {raw!r}")
    return raw


def parse_lam_index(raw: str) -> int:
    """A λ grid index 0..80 (integer text); out of range or malformed raises ValueError."""
    if not str(raw).strip().lstrip("-").isdigit() or not 0 <= int(raw) < config.N_LAMBDA:
        raise ValueError(f"lam must be a grid index 0..{config.N_LAMBDA - 1}, got {raw!r}")
    return int(raw)


def parse_lam_value(raw: str) -> float:
    """An off-grid λ in [1e-6, 1e2]; ValueError otherwise."""
    try:
        lam = float(raw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"λ must be a number, got {raw!r}") from exc
    if not (math.isfinite(lam) and config.LAMBDAS[0] <= lam <= config.LAMBDAS[-1]):
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


URL_STATE = {
    "pair": ("ctl-svm-pair", "value", parse_pair),
    "loss": ("ctl-svm-loss", "value", parse_loss),
    "lam": ("ctl-svm-lambda", "value", parse_lam_index),
    "lamv": ("ctl-svm-lam-custom", "value", parse_lam_value),
    "xset": ("ctl-svm-x-set", "value", parse_image_set),
    "xi": ("ctl-svm-x-index", "value", parse_image_index),
    "yset": ("ctl-svm-y-set", "value", parse_image_set),
    "yi": ("ctl-svm-y-index", "value", parse_image_index),
}


# ----------------------------------------------------------------------------------------------
# Frames → figures.  ``apply_updates`` is the Python twin of l2page.apply in assets/page.js.


def apply_updates(base: dict, *updates: dict | None) -> go.Figure:
    """A figure from a base figure dict and updates {trace index (str): {prop: value}, "images": {index: source}}."""
    data = [dict(t) for t in base["data"]]
    layout = dict(base["layout"])
    images = [dict(im) for im in layout.get("images", [])]
    for upd in updates:
        for key, props in (upd or {}).items():
            if key == IMAGES_KEY:
                for i, src in props.items():
                    images[int(i)]["source"] = src
            else:
                data[int(key)].update(props)
    if images:
        layout["images"] = images
    return go.Figure({"data": data, "layout": layout})


def plane_updates(pf: PlaneFrames, k: int, d_adv: float, y_shown: np.ndarray) -> dict:
    """The plane panel's traces 0–5 for model k, by index (views.plane gives them by uid, in trace order)."""
    return {str(i): props for i, props in enumerate(plane_update(pf, k, d_adv, y_shown).values())}


def frame_readouts(rows: md.ModelRows, k: int) -> list[str]:
    """Readout texts of model k, in READOUT_IDS order."""
    lam = float(rows.lam[k])
    return [
        f"{md.lambda_label(lam)} = {lam:.3g}",
        md.fmt_num(float(rows.d_adv[k])),
        md.fmt_percent(float(rows.err_train[k])),
        md.fmt_percent(float(rows.err_test[k])),
        md.fmt_angle(float(rows.theta[k])),
        md.fmt_num(float(rows.w_norm[k])),
    ]


def loss_base_dict(sweep: md.SweepLike) -> dict:
    """F10 skeleton: per-class histograms of y·d(x) with the scaled loss, and metrics against λ.

    Plotly's validated construction (``_loss_template``) runs once per process; a sweep only fills in its data
    and axis ranges, as plain dicts (building the figure per pair cost ~0.1 CPU-s)."""
    edges = np.asarray(sweep.hist_edges, dtype=np.float64)
    lam = md.rounded(sweep.lam, 10)
    err_max = float(max(np.max(sweep.err_train), np.max(sweep.err_test), 1.0)) * 1.1
    used = np.flatnonzero((np.asarray(sweep.hist_I).sum(0) + np.asarray(sweep.hist_J).sum(0)) > 0)
    lo, hi = (edges[used[0]], edges[used[-1] + 1]) if used.size else (edges[0], edges[-1])
    # One fixed count axis for the whole sweep (the tallest bar of any λ): the bars grow and shrink against a
    # still axis, and the browser redraws only the bars per slider step (no autorange, no axis redraw).
    top = float(max(np.max(np.asarray(sweep.hist_I)), np.max(np.asarray(sweep.hist_J)), 1.0)) * 1.05
    lam_lo, lam_hi = np.log10(float(np.min(sweep.lam))), np.log10(float(np.max(sweep.lam)))
    pad = 0.03 * (lam_hi - lam_lo)
    d_max = float(np.max(sweep.d_adv)) * 1.1 or 1.0
    x_edges = md.rounded(edges, 4)
    return _filled(
        _loss_template(),
        {
            0: {"x": x_edges},
            1: {"x": x_edges},
            2: {"x": md.rounded(loss_z(edges), 4)},  # the loss curve's z grid: sent once, frames send only y
            4: {"x": lam, "y": md.rounded(sweep.err_train, 3)},
            5: {"x": lam, "y": md.rounded(sweep.err_test, 3)},
            6: {"x": lam, "y": md.rounded(sweep.d_adv, 4)},
            7: {"y": [0, err_max]},
        },
        {
            "xaxis": [float(lo), float(hi)],
            "yaxis": [0, top],
            "xaxis2": [float(lam_lo - pad), float(lam_hi + pad)],
            "yaxis3": [0, err_max],
            "yaxis4": [0, d_max],
        },
    )


def _filled(template: dict, traces: dict[int, dict], ranges: dict[str, list]) -> dict:
    """A copy of a cached figure dict with some traces' props and some axes' ranges replaced (the template's
    nested dicts are shared, never modified)."""
    data = list(template["data"])
    for i, props in traces.items():
        data[i] = {**data[i], **props}
    layout = dict(template["layout"])
    for axis, rng in ranges.items():
        layout[axis] = {**layout[axis], "range": rng}
    return {"data": data, "layout": layout}


def loss_z(edges: np.ndarray) -> np.ndarray:
    """The z = y·d grid on which F10's loss curve is drawn."""
    return np.linspace(float(edges[0]), float(edges[-1]), 121)


@lru_cache(maxsize=1)
def _loss_template() -> dict:
    """F10's traces and axes without a sweep's data or ranges (``loss_base_dict`` fills them in)."""
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.58, 0.42],
        horizontal_spacing=0.14,
        specs=[[{"secondary_y": True}, {"secondary_y": True}]],
    )
    # Fixed margins wide enough at 375 px (what axis automargin settles on there: left 68, right 44, bottom 79) for
    # the λ title below its rotated tick labels and the d_adv title on the right; automargin itself would lay the
    # figure out twice.
    base_layout(fig, height=360, margin=dict(l=68, r=44, t=30, b=79))
    # Each histogram is one filled step line (a point per bin's left edge, then the last right edge): one SVG
    # path per class instead of a rectangle per bin, so a slider step redraws two paths, not ~200 bars.
    for cls in ("I", "J"):
        fig.add_trace(
            go.Scatter(
                x=[],
                y=[],
                mode="lines",
                line=dict(shape="hv", width=1, color=PALETTE[cls]),
                fill="tozeroy",
                fillcolor=rgba(PALETTE[cls], 0.45),
                name=f"class {cls}",
                hovertemplate="y·d from %{x:.2f}: %{y} points<extra></extra>",
            ),
            row=1,
            col=1,
        )
    fig.add_trace(
        go.Scatter(x=[], y=[], mode="lines", name="loss f(‖w‖ z)", line=dict(color=PALETTE["boundary"], width=2)),
        row=1,
        col=1,
        secondary_y=True,
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[0, 0.6],
            mode="lines+text",
            name="z = 1/‖w‖",
            text=["", "1/‖w‖"],
            textposition="top center",
            line=dict(color=PALETTE["adversarial"], width=2, dash="dot"),
        ),
        row=1,
        col=1,
        secondary_y=True,
    )
    for name, color, line_dash in (
        ("err_train %", PALETTE["accent"], None),
        ("err_test %", PALETTE["purple"], None),
        ("d_adv", PALETTE["adversarial"], "dash"),
    ):
        fig.add_trace(
            go.Scatter(x=[], y=[], name=name, mode="lines", line=dict(color=color, dash=line_dash)),
            row=1,
            col=2,
            secondary_y=name == "d_adv",
        )
    fig.add_trace(
        go.Scatter(x=[], y=[], mode="lines", line=dict(color="#666", width=1), showlegend=False, hoverinfo="skip"),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            mode="markers",
            showlegend=False,
            hoverinfo="skip",
            marker=dict(size=9, color=[PALETTE["accent"], PALETTE["purple"]]),
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            mode="markers",
            showlegend=False,
            hoverinfo="skip",
            marker=dict(size=9, color=PALETTE["adversarial"]),
        ),
        row=1,
        col=2,
        secondary_y=True,
    )
    fig.update_xaxes(range=[0, 1], autorange=False, title_text="y·d(x) (signed distance)", row=1, col=1)
    fig.update_yaxes(range=[0, 1], autorange=False, title_text="training points", row=1, col=1, secondary_y=False)
    fig.update_yaxes(
        range=[0, 3],
        autorange=False,
        title_text="loss",
        showgrid=False,
        tickmode="linear",
        tick0=0,
        dtick=0.5,
        row=1,
        col=1,
        secondary_y=True,
    )
    # Fixed ranges on every axis the slider's traces use: each step then redraws only those traces.
    fig.update_xaxes(type="log", range=[0, 1], autorange=False, title_text="λ", exponentformat="power", row=1, col=2)
    fig.update_yaxes(range=[0, 1], autorange=False, title_text="error (%)", row=1, col=2, secondary_y=False)
    fig.update_yaxes(
        range=[0, 1],
        autorange=False,
        title_text="d_adv",
        showgrid=False,
        tickmode="auto",
        nticks=5,
        row=1,
        col=2,
        secondary_y=True,
    )
    fig.update_layout(legend=dict(font=dict(size=11)))
    return fig.to_plotly_json()


def histogram_steps(counts: np.ndarray) -> list[int]:
    """Bin counts as the y of a step line over the bin edges (the last count repeated at the last right edge)."""
    c = np.asarray(counts).astype(int)
    return np.append(c, c[-1:]).tolist()


def loss_updates(rows: md.ModelRows, k: int, loss: str, edges: np.ndarray) -> dict:
    """Per-trace updates of F10 for model k."""
    z = loss_z(edges)  # the curve's x is in the base figure (loss_base_dict)
    t = 1.0 / float(rows.w_norm[k])
    lam = float(rows.lam[k])
    return {
        "0": {"y": histogram_steps(rows.hist_I[k])},
        "1": {"y": histogram_steps(rows.hist_J[k])},
        "2": {"y": md.compact(md.rounded(np.minimum(md.loss_curve(loss, float(rows.w_norm[k]), z), 50), 3))},
        "3": {"x": [round(t, 5), round(t, 5)]},
        "7": {"x": [lam, lam]},
        "8": {"x": [lam, lam], "y": md.rounded([rows.err_train[k], rows.err_test[k]], 3)},
        "9": {"x": [lam], "y": md.rounded([rows.d_adv[k]], 4)},
    }


def plane_base_dict(pf: md.PlaneFrames, y_shown: np.ndarray) -> dict:
    """F11 skeleton: the tilting plane (traces 0–5) and the weight vector as a 28×28 picture (layout image 0)."""
    u = np.asarray(md.rounded(pf.u, 3))
    y_shown = np.asarray(y_shown)
    return _filled(
        _plane_template(),
        {1: {"x": u[y_shown == -1.0].tolist()}, 2: {"x": u[y_shown == 1.0].tolist()}},
        {"xaxis": list(pf.u_range), "yaxis": list(pf.v_range)},
    )


@lru_cache(maxsize=1)
def _plane_template() -> dict:
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.68, 0.32],
        horizontal_spacing=0.1,
        subplot_titles=("", "w as an image (blue +, red −)"),
    )
    base_layout(fig, height=440)
    plane_traces(fig, NO_PLANE, np.zeros(0))
    fig.update_yaxes(scaleanchor="x", scaleratio=1, row=1, col=1)
    add_picture(fig, 1, 2, "w")
    return fig.to_plotly_json()


def mirror_base_dict(pf: md.PlaneFrames) -> dict:
    """F12 skeleton: x, y and their mirrors in the plane (traces 0–3) and as pictures (layout images 0–3:
    x, x_m, y, y_m)."""
    return _filled(_mirror_template(), {}, {"xaxis": list(pf.u_range), "yaxis": list(pf.v_range)})


@lru_cache(maxsize=1)
def _mirror_template() -> dict:
    pf = NO_PLANE
    fig = make_subplots(
        rows=2,
        cols=3,
        column_widths=[0.5, 0.25, 0.25],
        specs=[[{"rowspan": 2}, {}, {}], [None, {}, {}]],
        horizontal_spacing=0.06,
        vertical_spacing=0.12,
        subplot_titles=(
            "x, y and their mirrors in the plane",
            "x (class I)",
            "mirror x_m",
            "y (class J)",
            "mirror y_m",
        ),
    )
    base_layout(fig, height=400, showlegend=False)
    fig.add_trace(
        go.Scatter(
            x=[], y=[], mode="lines", name="boundary", line=dict(color=PALETTE["boundary"], width=2), hoverinfo="skip"
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            mode="markers+text",
            text=["x", "y"],
            textposition="top center",
            name="x, y",
            marker=dict(size=11, color=[PALETTE["I"], PALETTE["J"]], line=dict(color="black", width=1)),
            cliponaxis=False,  # a point at the edge of the view keeps its whole marker and label
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            mode="markers+text",
            text=["x_m", "y_m"],
            textposition="middle right",  # beside the cross: never below the bottom axis (y_m often sits there)
            name="mirrors",
            marker=dict(size=11, symbol="x", color=PALETTE["adversarial"]),
            cliponaxis=False,
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            mode="lines",
            name="x → x_m",
            hoverinfo="skip",
            line=dict(color=PALETTE["adversarial"], width=1, dash="dot"),
        ),
        row=1,
        col=1,
    )
    fig.update_xaxes(range=list(pf.u_range), autorange=False, title_text="u = x·ẑ", row=1, col=1)
    fig.update_yaxes(range=list(pf.v_range), autorange=False, title_text="v = x·n̂", scaleanchor="x", row=1, col=1)
    for r, c, name in ((1, 2, "x"), (1, 3, "x_m"), (2, 2, "y"), (2, 3, "y_m")):
        add_picture(fig, r, c, name)
    return fig.to_plotly_json()


def pick_image(ctx_: md.PairContext, label: float, image_set: str, index: int | None) -> tuple[np.ndarray, int, str]:
    """The chosen image of a class (train or test, index within that class) and a note if it was adjusted."""
    X, y = (ctx_.X_train, ctx_.y_train) if image_set == "train" else (ctx_.X_test, ctx_.y_test)
    idx = np.flatnonzero(y == label)
    if index is None:
        k = md.nearest_to_centroid(ctx_.X_train, ctx_.y_train, label) if image_set == "train" else 0
        return X[idx[k]], k, ""
    if not 0 <= index < idx.size:
        return X[idx[0]], 0, f"index {index} is outside 0..{idx.size - 1}; showing 0"
    return X[idx[index]], int(index), ""


def mirror_frames(rows: md.ModelRows, pf: md.PlaneFrames, x: np.ndarray, y: np.ndarray) -> list[dict]:
    """Per-model updates of F12's traces 1–3 and pictures x_m, y_m, and the readouts ‖x − x_m‖, ‖y − y_m‖."""
    out = []
    for k in range(len(rows.lam)):
        w, b = rows.W[k], float(rows.bias[k])
        xm, dx = md.mirror(x, w, b)
        ym, dy = md.mirror(y, w, b)
        pts = np.array([[x @ pf.z_hat, x @ pf.N_hat[k]], [y @ pf.z_hat, y @ pf.N_hat[k]]])
        mir = np.array([[xm @ pf.z_hat, xm @ pf.N_hat[k]], [ym @ pf.z_hat, ym @ pf.N_hat[k]]])
        seg_x = [pts[0, 0], mir[0, 0], None, pts[1, 0], mir[1, 0]]
        seg_y = [pts[0, 1], mir[0, 1], None, pts[1, 1], mir[1, 1]]
        out.append(
            {
                "upd": {
                    "1": {"x": md.rounded(pts[:, 0], 3), "y": md.rounded(pts[:, 1], 3)},
                    "2": {"x": md.rounded(mir[:, 0], 3), "y": md.rounded(mir[:, 1], 3)},
                    "3": {
                        "x": [None if v is None else round(float(v), 3) for v in seg_x],
                        "y": [None if v is None else round(float(v), 3) for v in seg_y],
                    },
                    IMAGES_KEY: {"1": digit_uri(xm), "3": digit_uri(ym)},
                },
                "ro": [f"{np.linalg.norm(x - xm):.3f}", f"{np.linalg.norm(y - ym):.3f}"],
            }
        )
    return out


def model_frames(
    rows: md.ModelRows, pf: md.PlaneFrames, y_shown: np.ndarray, loss: str, edges: np.ndarray
) -> list[dict]:
    """Per-model updates of F10, F11 and F12's boundary, plus the readouts."""
    frames = []
    for k in range(len(rows.lam)):
        pl = md.plane_frame(pf, k, float(rows.d_adv[k]))
        plane = plane_updates(pf, k, float(rows.d_adv[k]), y_shown)
        plane[IMAGES_KEY] = {"0": weight_uri(rows.W[k])}
        frames.append(
            {
                "loss": loss_updates(rows, k, loss, edges),
                "plane": plane,
                "mirror": {"0": {"x": pl["boundary"][0], "y": pl["boundary"][1]}},
                "ro": frame_readouts(rows, k),
            }
        )
    return frames


def sweep_payload(sweep: md.SweepLike, cx: md.PairContext) -> dict:
    """Everything the browser needs for a (pair, loss): base figures and the 81 frames."""
    rows = md.rows_from_sweep(sweep)
    y_shown = cx.y_train[cx.shown]
    pf = md.plane_frames(rows.W, rows.bias, sweep.centroid_i, sweep.centroid_j, cx.X_train[cx.shown])
    edges = np.asarray(sweep.hist_edges, dtype=np.float64)
    return {
        "pair": [int(sweep.a), int(sweep.b)],
        "loss": sweep.loss,
        "base": {
            "loss": loss_base_dict(sweep),
            "plane": plane_base_dict(pf, y_shown),
            "mirror": mirror_base_dict(pf),
        },
        "frames": model_frames(rows, pf, y_shown, sweep.loss, edges),
    }


def make_svm_loss(payload: dict, k: int) -> go.Figure:
    """F10 at grid index k (the same merge the browser does)."""
    return apply_updates(payload["base"]["loss"], payload["frames"][k]["loss"])


def make_svm_plane(payload: dict, k: int) -> go.Figure:
    """F11 at grid index k."""
    return apply_updates(payload["base"]["plane"], payload["frames"][k]["plane"])


def make_svm_mirror(payload: dict, mirror: dict, k: int) -> go.Figure:
    """F12 at grid index k, with the mirror store's images."""
    return apply_updates(
        payload["base"]["mirror"], payload["frames"][k]["mirror"], mirror["static"], mirror["frames"][k]["upd"]
    )


# ----------------------------------------------------------------------------------------------
# Data access (read-only, cached per process: the artifacts never change while serving)


@lru_cache(maxsize=6)
def grid(a: int, b: int, loss: str) -> tuple:
    """(sweep, rows, plane frames, pair context) of a shipped sweep; raises ArtifactError/ImportError."""
    from models.sweeps import load_sweep

    sweep = load_sweep(a, b, loss)
    cx = md.pair_context(a, b)
    rows = md.rows_from_sweep(sweep)
    pf = md.plane_frames(rows.W, rows.bias, sweep.centroid_i, sweep.centroid_j, cx.X_train[cx.shown])
    return sweep, rows, pf, cx


@lru_cache(maxsize=6)
def cached_payload(a: int, b: int, loss: str) -> dict:
    """The store payload of a (pair, loss), computed once per process."""
    sweep, _, _, cx = grid(a, b, loss)
    return sweep_payload(sweep, cx)


def error_payload(message: str) -> dict:
    """A store payload that makes all three views say what went wrong."""
    figs = {name: message_figure(message).to_plotly_json() for name in ("loss", "plane", "mirror")}
    return {"error": message, "figs": figs}


def describe_error(exc: Exception, a: int, b: int, loss: str) -> str:
    """One clear line for a missing or broken sweep artifact."""
    if isinstance(exc, ImportError):
        return "The sweep loader is not installed yet; the MNIST figures cannot be shown."
    return (
        f"The {loss} sweep for {a} vs {b} is missing or damaged ({exc}). "
        f"Rebuild it with `python -m worker precompute --all`."
    )


def payload_for(pair: str, loss: str) -> dict:
    """Store payload for control values (validated); never raises."""
    try:
        a, b = config.parse_pair(pair)
        loss = parse_loss(loss)
    except (ValueError, TypeError) as exc:
        return error_payload(f"Invalid choice: {exc}")
    try:
        return cached_payload(a, b, loss)
    except Exception as exc:  # noqa: BLE001 — any artifact problem becomes a message, not a traceback
        log.warning("sweep %s-%s %s unavailable: %s", a, b, loss, exc)
        return error_payload(describe_error(exc, a, b, loss))


def custom_rows(a: int, b: int, loss: str, w: list, bias: float, lam: float) -> tuple:
    """ModelRows and plane frames of an off-grid model (w, b), in the grid's axis ranges."""
    sweep, _, pf_grid, cx = grid(a, b, loss)
    w = np.asarray(w, dtype=np.float64)
    if w.shape != (784,) or not np.all(np.isfinite(w)) or not np.any(w):
        raise ValueError("the worker returned an unusable weight vector")
    rows = md.rows_from_model(
        w, float(bias), lam, cx, sweep.centroid_i, sweep.centroid_j, np.asarray(sweep.hist_edges, dtype=np.float64)
    )
    pf = md.plane_frames(
        rows.W, rows.bias, sweep.centroid_i, sweep.centroid_j, cx.X_train[cx.shown], ranges_from=pf_grid
    )
    return sweep, rows, pf, cx


def mirror_payload(pair: str, loss: str, xset: str, xi, yset: str, yi, custom: dict | None) -> tuple[dict | None, str]:
    """Mirror frames for the chosen x (class I) and y (class J) over the grid (+ the off-grid model)."""
    a, b = config.parse_pair(pair)
    loss = parse_loss(loss)
    _, rows, pf, cx = grid(a, b, loss)
    notes = []
    chosen = []
    for label, iset, idx in ((-1.0, xset, xi), (1.0, yset, yi)):
        iset = iset if iset in IMAGE_SETS else "train"
        try:
            index = None if idx in (None, "") else parse_image_index(str(idx))
        except ValueError as exc:
            notes.append(str(exc))
            index = None
        img, _, note = pick_image(cx, label, iset, index)
        if note:
            notes.append(note)
        chosen.append(img)
    x, y = chosen
    out = {
        "pair": [a, b],
        "loss": loss,
        "static": {IMAGES_KEY: {"0": digit_uri(x), "2": digit_uri(y)}},
        "frames": mirror_frames(rows, pf, x, y),
        "custom": None,
        "custom_key": None,
    }
    if custom and custom.get("pair") == [a, b] and custom.get("loss") == loss:
        _, crow, cpf, _ = custom_rows(a, b, loss, custom["w"], custom["b"], custom["lam"])
        out["custom"] = mirror_frames(crow, cpf, x, y)[0]
        out["custom_key"] = custom.get("key")
    return out, "; ".join(notes)


@lru_cache(maxsize=6)
def _typical_mirrors(pair: str, loss: str) -> tuple[dict, str]:
    """Mirror frames of the typical training images (no choice made), computed once per (pair, loss)."""
    return mirror_payload(pair, loss, "train", None, "train", None, None)


def initial_stores() -> tuple[dict, dict | None, str]:
    """The default view's data (2 vs 3, hinge, typical images): frames, mirror frames and image note."""
    payload = payload_for(DEFAULT_PAIR, DEFAULT_LOSS)
    if "error" in payload:
        return payload, None, ""
    return (payload, *_mirrors_or_note(DEFAULT_PAIR, DEFAULT_LOSS, "train", None, "train", None, None))


def first_views() -> tuple[list[go.Figure], list[str], str]:
    """What the page opens with: the three views at the default (pair, loss, λ), their readouts and image note.

    The browser fetches the same (pair, loss) answer right after load (assets/page.js ``start``) and, finding
    these figures drawn (``layout.meta.l2view`` names the view), takes them as drawn instead of drawing again."""
    frames, mirror, note = initial_stores()
    if "error" in frames or mirror is None:
        msg = frames.get("error") or note or "The mirror images could not be computed."
        fig = message_figure(msg)
        return [fig, go.Figure(fig), go.Figure(fig)], ["–"] * (len(READOUT_IDS) + len(MIRROR_READOUT_IDS)), note
    k = DEFAULT_LAM_INDEX
    figs = [make_svm_loss(frames, k), make_svm_plane(frames, k), make_svm_mirror(frames, mirror, k)]
    view = {"pair": DEFAULT_PAIR, "loss": DEFAULT_LOSS, "k": k}
    for fig in figs:
        fig.update_layout(meta={"l2view": view})
    return figs, list(frames["frames"][k]["ro"]) + list(mirror["frames"][k]["ro"]), note


# ----------------------------------------------------------------------------------------------
# A (pair, loss) answer as a file: built once (by any process), served to every browser


DATA_URL = "/svm-data"
# What the answer is made from: this module, the figure helpers and geometry it uses (hashed at import).
_CODE_KEY = source_digest(
    __file__,
    md.__file__,
    Path(__file__).with_name("common.py"),
    Path(md.__file__).parents[1] / "models" / "geometry.py",
)
_ANSWER_MEMO: OrderedDict[tuple, bytes] = OrderedDict()
_MEMO_ITEMS = 24
_MEMO_LOCK = threading.Lock()
_manifest_seen: tuple = (None, "")


def answer_key() -> str:
    """The version of every (pair, loss) answer: the code's digest and the sweeps manifest's (a recomputed sweep
    rewrites the manifest, so its answers get a new key and URL)."""
    global _manifest_seen
    manifest = config.PRECOMPUTED / "sweeps" / "manifest.json"
    try:
        st = manifest.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        return _CODE_KEY + "-nomanifest"
    if _manifest_seen[0] != stamp:
        _manifest_seen = (stamp, hashlib.sha256(manifest.read_bytes()).hexdigest()[:12])
    return f"{_CODE_KEY}-{_manifest_seen[1]}"


def answer_path(a: int, b: int, loss: str, key: str | None = None) -> Path:
    return config.CACHE_DIR / "svm" / (key or answer_key()) / f"{a}-{b}-{loss}.json.gz"


def pair_answer(a: int, b: int, loss: str) -> dict:
    """What the browser needs after a pair/loss change: every frame, and the typical images' mirror frames."""
    frames = cached_payload(a, b, loss)
    mirror, note = _typical_mirrors(f"{a}-{b}", loss)
    return {"frames": frames, "mirror": mirror, "note": note}


def _encode(obj: dict) -> bytes:
    return gzip.compress(json.dumps(obj, separators=(",", ":")).encode(), compresslevel=6, mtime=0)


def _remember(key: tuple, data: bytes) -> bytes:
    with _MEMO_LOCK:
        _ANSWER_MEMO[key] = data
        _ANSWER_MEMO.move_to_end(key)
        while len(_ANSWER_MEMO) > _MEMO_ITEMS:
            _ANSWER_MEMO.popitem(last=False)
    return data


def cached_answer_gz(a: int, b: int, loss: str) -> bytes:
    """The gzipped JSON answer of a shipped (pair, loss): memory, else the cache file, else built and written.

    Processes that want the same missing file wait on a lock file for the first one, which builds it (an answer
    costs ~0.2–0.5 s of CPU); readers never see a half-written file.  Raises like ``cached_payload``."""
    key = answer_key()
    memo_key = (key, a, b, loss)
    with _MEMO_LOCK:
        if memo_key in _ANSWER_MEMO:
            _ANSWER_MEMO.move_to_end(memo_key)
            return _ANSWER_MEMO[memo_key]
    path = answer_path(a, b, loss, key)
    try:
        return _remember(memo_key, path.read_bytes())
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path.with_suffix(".lock"), "a+b")  # noqa: SIM115 — held until the file exists
    except OSError as exc:  # a read-only cache only costs speed
        log.warning("cannot cache %s: %s", path, exc)
        return _remember(memo_key, _encode(pair_answer(a, b, loss)))
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _remember(memo_key, path.read_bytes())  # another process built it meanwhile
        except OSError:
            pass
        data = _encode(pair_answer(a, b, loss))
        try:
            atomic_write_bytes(path, data)
            # Waiters re-read the answer once they hold the lock, and later callers find the answer first.
            Path(lock.name).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("cannot cache %s: %s", path, exc)
        return _remember(memo_key, data)


def answer_gz(pair: str, loss: str) -> tuple[int, bytes]:
    """(HTTP status, gzipped JSON) for the URL's pair and loss; never raises.  A bad choice or a missing
    sweep answers with frames that make all three views say what went wrong (and is not cached)."""
    try:
        a, b = config.parse_pair(pair)
        loss = parse_loss(loss)
    except (ValueError, TypeError) as exc:
        return 400, _encode({"frames": error_payload(f"Invalid choice: {exc}"), "mirror": None, "note": ""})
    try:
        return 200, cached_answer_gz(a, b, loss)
    except Exception as exc:  # noqa: BLE001 — any artifact problem becomes a message, not a traceback
        log.warning("sweep %s-%s %s unavailable: %s", a, b, loss, exc)
        return 503, _encode({"frames": error_payload(describe_error(exc, a, b, loss)), "mirror": None, "note": ""})


def warm_answers(pairs=None, losses=("hinge", "logistic"), report=None) -> dict:
    """Build every missing answer file (``python -m worker warm-answers``; the servers start it in the background).

    Returns counts {built, present, failed}.  Only this process's memory is used; the files are what matter."""
    counts = {"built": 0, "present": 0, "failed": 0}
    key = answer_key()
    for a, b in pairs or config.PAIRS:
        for loss in losses:
            if answer_path(a, b, loss, key).exists():
                counts["present"] += 1
                continue
            try:
                cached_answer_gz(a, b, loss)
                counts["built"] += 1
            except Exception as exc:  # noqa: BLE001 — a missing sweep is reported, the others still get built
                counts["failed"] += 1
                if report:
                    report(f"{a}-{b} {loss}: {exc}")
            # One (pair, loss) at a time: drop the per-process caches so memory stays flat over 90 answers.
            for fn in (cached_payload, grid, _typical_mirrors):
                getattr(fn, "cache_clear", lambda: None)()
            with _MEMO_LOCK:
                _ANSWER_MEMO.clear()
    return counts


# ----------------------------------------------------------------------------------------------
# Layout

PAIR_OPTIONS = [{"label": f"{a} vs {b}", "value": f"{a}-{b}"} for a, b in config.PAIRS]
LAMBDA_MARKS = {s: f"1e{int(config.LAMBDA_EXPONENTS[s])}" for s in range(0, config.N_LAMBDA, 10)}


def _image_picker(which: str, label: str) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=f"ctl-svm-{which}-index", className="control-label"),
            dcc.Dropdown(
                id=f"ctl-svm-{which}-set",
                options=[{"label": "training image", "value": "train"}, {"label": "test image", "value": "test"}],
                value="train",
                clearable=False,
                searchable=False,
                className="svm-set",
            ),
            dcc.Input(
                id=f"ctl-svm-{which}-index",
                type="number",
                min=0,
                step=1,
                placeholder="typical",
                debounce=True,
                className="svm-index",
            ),
            html.Button("random", id=f"ctl-svm-{which}-random", n_clicks=0, className="svm-button"),
        ],
        className="control svm-picker",
    )


LEAD_IN = r"""
Everything so far can be checked on real data.  Take two MNIST digits, say 2 and 3, keep the first
3000 training images of each, and train a linear classifier on them for each of the 81 values of λ
on our grid, $10^{-6}$ to $10^{2}$ (pixels in $[0, 1]$).  The three views below are linked to one λ
slider.  The first shows what the loss sees: the distribution of $y\,d(x)$ for each class under
the trained model, with the loss $f(\|w\|\,z)$ drawn on top.  The second places the training
points in the tilting plane spanned by the centroid direction $\hat z$ and the direction $\hat n$
in which $w$ leans away from it.  The third takes one image of each class and reflects it through
the boundary: the reflection $x_m = x - 2\,d(x)\,\hat w$ is the closest image the classifier
puts on the other side, an adversarial example.
"""

PLANE_CAPTION = (
    "Notice that the points move while the boundary barely turns: the plane is spanned by ẑ and by the "
    "part of w orthogonal to ẑ, so it rotates with w inside the 784-dimensional space, and the points' "
    "v-coordinates change as it does. The boundary is exactly cos θ·u + sin θ·v + b/‖w‖ = 0. At large λ, θ ≈ 0 "
    "and n̂ is undefined; the view then borrows n̂ from the neighbouring λ."
)


def layout() -> html.Section:
    """The SVM / logistic-regression section: controls, three linked views, job progress, prose."""
    controls = [
        html.Div(
            [
                html.Label("digit pair", htmlFor="ctl-svm-pair", className="control-label"),
                dcc.Dropdown(id="ctl-svm-pair", options=PAIR_OPTIONS, value=DEFAULT_PAIR, clearable=False),
            ],
            className="control svm-pair",
        ),
        html.Div(
            [
                html.Label("loss", className="control-label"),
                dcc.RadioItems(
                    id="ctl-svm-loss",
                    options=[{"label": v, "value": k} for k, v in LOSS_LABELS.items()],
                    value=DEFAULT_LOSS,
                    inline=True,
                ),
            ],
            className="control svm-loss",
        ),
        slider(
            "ctl-svm-lambda",
            0,
            config.N_LAMBDA - 1,
            DEFAULT_LAM_INDEX,
            step=1,
            marks=LAMBDA_MARKS,
            allow_direct_input=False,
            label="L2 regularization λ (grid of 81 values)",
        ),
        html.Div(
            [
                html.Label("or any λ in [1e-6, 1e2]:", htmlFor="ctl-svm-lam-custom", className="control-label"),
                dcc.Input(
                    id="ctl-svm-lam-custom",
                    type="text",
                    placeholder="e.g. 0.0035",
                    debounce=True,
                    inputMode="decimal",
                    className="svm-lam-input",
                ),
                html.Button("compute", id="ctl-svm-lam-go", n_clicks=0, className="svm-button"),
                html.Span("", id="ro-svm-job", className="svm-job", **{"aria-live": "polite"}),
            ],
            className="control svm-custom",
        ),
    ]
    figs0, texts0, note0 = first_views()
    n_ro = len(READOUT_IDS)
    ro = readouts(
        list(zip(READOUT_IDS, ("λ", "d_adv", "err_train", "err_test", "θ", "‖w‖"), texts0[:n_ro], strict=True))
    )
    stores = [
        # Filled right after load with the default (pair, loss) answer, then by each pair or loss change.
        dcc.Store(id="store-svm-frames"),
        dcc.Store(id="store-svm-mirror"),
        # Where a pair/loss answer is fetched from (assets/page.js loadPair), and the request for the server
        # callback when chosen images need their mirrors computed with the new pair.
        dcc.Store(
            id="store-svm-src",
            data={"url": DATA_URL, "v": answer_key(), "message": message_figure("…").to_plotly_json()},
        ),
        dcc.Store(id="store-svm-pair-request"),
        dcc.Store(id="store-svm-custom"),
        dcc.Store(id="store-svm-job"),
        dcc.Interval(id="svm-job-poll", interval=400, disabled=True),
    ]
    blocks = [
        figure_block(
            "fig-svm-loss",
            "F10 · What the loss sees",
            [graph("fig-svm-loss", figs0[0], height=360)],
            "Left (top, on a phone): y·d(x) per class with the loss scaled by ‖w‖ (dotted tick at 1/‖w‖). Right: the whole "
            "sweep. Notice err_train falls as λ shrinks while d_adv falls too: the model trades "
            "robustness for fitting.",
            controls=controls,
            readout_row=ro,
            wide=True,
        ),
        figure_block(
            "fig-svm-plane",
            "F11 · The tilting plane",
            [graph("fig-svm-plane", figs0[1], height=440)],
            PLANE_CAPTION,
            wide=True,
        ),
        figure_block(
            "fig-svm-mirror",
            "F12 · Mirror images are adversarial examples",
            [graph("fig-svm-mirror", figs0[2], height=400)],
            "Each image reflected through the boundary. For a hard pair such as 7 vs 9 at small λ the "
            "mirror still looks like the original yet is classified as the other digit; for 0 vs 1 it "
            "never does. Mirrors are computed from the current w.",
            controls=[
                _image_picker("x", "x (class I)"),
                _image_picker("y", "y (class J)"),
                html.Span(note0, id="ro-svm-img-note", className="svm-note"),
            ],
            readout_row=readouts(list(zip(MIRROR_READOUT_IDS, ("‖x − x_m‖", "‖y − y_m‖"), texts0[n_ro:], strict=True))),
            wide=True,
        ),
    ]
    return section("svm", "Linear classifiers on MNIST", [markdown(LEAD_IN)] + stores + blocks)


# ----------------------------------------------------------------------------------------------
# Callbacks


# The chosen images (x set, x index, y set, y index), as the callbacks that need them read them.
IMAGE_STATES = [State(f"ctl-svm-{which}-{prop}", "value") for which in "xy" for prop in ("set", "index")]

# New pair or loss: the browser fetches the answer file (frames + typical mirrors) itself; with chosen images
# it asks the server callback below instead, which computes their mirrors with the new pair.
dash.clientside_callback(
    dash.ClientsideFunction(namespace="l2svm", function_name="loadPair"),
    Output("store-svm-frames", "data"),
    Output("store-svm-mirror", "data"),
    Output("ro-svm-img-note", "children"),
    Output("store-svm-pair-request", "data"),
    Input("ctl-svm-pair", "value"),
    Input("ctl-svm-loss", "value"),
    *IMAGE_STATES,
    State("store-svm-src", "data"),
    State("ctl-svm-lambda", "value"),
    prevent_initial_call=True,  # the default view comes with the page (first_views)
)


@dash.callback(
    Output("store-svm-frames", "data", allow_duplicate=True),
    Output("store-svm-mirror", "data", allow_duplicate=True),
    Output("ro-svm-img-note", "children", allow_duplicate=True),
    Input("store-svm-pair-request", "data"),
    State("ctl-svm-pair", "value"),
    State("ctl-svm-loss", "value"),
    *IMAGE_STATES,
    prevent_initial_call=True,
)
def load_pair(_, pair, loss, xset, xi, yset, yi):
    """New pair or loss with chosen images: every frame and their mirror frames, in one answer (no half-updated
    view)."""
    payload = payload_for(pair, loss)
    if "error" in payload:
        return payload, None, ""
    return (payload, *_mirrors_or_note(pair, loss, xset, xi, yset, yi, None))


def _mirrors_or_note(pair, loss, xset, xi, yset, yi, custom) -> tuple[dict | None, str]:
    try:
        custom = custom if isinstance(custom, dict) else None
        typical = custom is None and xi in (None, "") and yi in (None, "") and xset == yset == "train"
        if typical and isinstance(pair, str) and isinstance(loss, str):
            return _typical_mirrors(pair, loss)
        return mirror_payload(pair, loss, xset, xi, yset, yi, custom)
    except Exception as exc:  # noqa: BLE001
        log.warning("mirror frames failed: %s", exc)
        return None, "Mirror images are unavailable for this choice."


@dash.callback(
    Output("store-svm-mirror", "data", allow_duplicate=True),
    Output("ro-svm-img-note", "children", allow_duplicate=True),
    Input("ctl-svm-x-set", "value"),
    Input("ctl-svm-x-index", "value"),
    Input("ctl-svm-y-set", "value"),
    Input("ctl-svm-y-index", "value"),
    State("ctl-svm-pair", "value"),
    State("ctl-svm-loss", "value"),
    State("store-svm-custom", "data"),
    prevent_initial_call=True,
)
def load_mirrors(xset, xi, yset, yi, pair, loss, custom):
    """Mirror frames for newly chosen images; bad choices fall back to defaults with a note."""
    return _mirrors_or_note(pair, loss, xset, xi, yset, yi, custom)


def _random_index(pair, image_set) -> int | None:
    try:
        a, b = config.parse_pair(pair)
        cx = md.pair_context(a, b)
    except Exception:  # noqa: BLE001
        return None
    y = cx.y_train if image_set != "test" else cx.y_test
    label = -1.0 if ctx.triggered_id == "ctl-svm-x-random" else 1.0
    n = int(np.sum(y == label))
    return int(np.random.default_rng().integers(n)) if n else None


@dash.callback(
    Output("ctl-svm-x-index", "value"),
    Input("ctl-svm-x-random", "n_clicks"),
    State("ctl-svm-pair", "value"),
    State("ctl-svm-x-set", "value"),
    prevent_initial_call=True,
)
def random_x(_, pair, image_set):
    """A random image of class I."""
    return _random_index(pair, image_set)


@dash.callback(
    Output("ctl-svm-y-index", "value"),
    Input("ctl-svm-y-random", "n_clicks"),
    State("ctl-svm-pair", "value"),
    State("ctl-svm-y-set", "value"),
    prevent_initial_call=True,
)
def random_y(_, pair, image_set):
    """A random image of class J."""
    return _random_index(pair, image_set)


def _custom_result(job: dict, a: int, b: int, loss: str, lam: float, images: tuple) -> dict:
    result = job.get("result") or {}
    w, bias = result.get("w"), result.get("bias", result.get("b"))
    if w is None or bias is None:
        raise ValueError("the worker's answer has no model")
    _, rows, pf, cx = custom_rows(a, b, loss, w, float(bias), lam)
    frame = model_frames(rows, pf, cx.y_train[cx.shown], loss, np.asarray(grid(a, b, loss)[0].hist_edges))[0]
    payload = {
        "pair": [a, b],
        "loss": loss,
        "lam": lam,
        "key": job.get("key"),
        "frame": frame,
        "w": np.asarray(w, dtype=np.float64).tolist(),
        "b": float(bias),
        "mirror": None,
    }
    mir, _ = mirror_payload(f"{a}-{b}", loss, *images, payload)
    payload["mirror"] = mir["custom"]
    return payload


@dash.callback(
    Output("store-svm-job", "data"),
    Output("svm-job-poll", "disabled"),
    Output("ro-svm-job", "children"),
    Output("store-svm-custom", "data", allow_duplicate=True),
    Input("ctl-svm-lam-go", "n_clicks"),
    Input("ctl-svm-lam-custom", "value"),
    Input("svm-job-poll", "n_intervals"),
    State("ctl-svm-pair", "value"),
    State("ctl-svm-loss", "value"),
    State("store-svm-job", "data"),
    *IMAGE_STATES,
    prevent_initial_call=True,
)
def off_grid_lambda(_, lam_text, __, pair, loss, job, xset, xi, yset, yi):
    """Ask the worker for a λ between grid points, poll it, then show that model (never computed here)."""
    try:
        return _off_grid_lambda(lam_text, pair, loss, job, xset, xi, yset, yi)
    except Exception as exc:  # noqa: BLE001 — e.g. a tampered job store: say so, stop polling
        log.warning("off-grid λ request failed: %s", exc)
        return None, True, "That request could not be handled; enter λ again.", dash.no_update


def _off_grid_lambda(lam_text, pair, loss, job, xset, xi, yset, yi):
    from jobs import queue

    nu = dash.no_update
    try:
        a, b = config.parse_pair(pair)
        loss = parse_loss(loss)
    except (ValueError, TypeError) as exc:
        return None, True, f"Cannot compute: {exc}", nu
    if ctx.triggered_id != "svm-job-poll":
        if lam_text in (None, ""):
            return nu, True, "", nu
        try:
            lam = parse_lam_value(lam_text)
        except ValueError as exc:
            return None, True, str(exc), nu
        params = {"a": a, "b": b, "loss": loss, "lam": lam}
        try:
            status = queue.submit("fit-lambda", params)
        except Exception as exc:  # noqa: BLE001
            return None, True, f"The worker refused the job: {exc}", nu
        job = {"key": status.get("key"), "params": params}
    elif not isinstance(job, dict) or "key" not in job:
        return None, True, "", nu
    else:
        status = queue.poll(job["key"])
    state = status.get("state")
    if state == "done":
        p = job["params"]
        if [p["a"], p["b"], p["loss"]] != [a, b, loss]:
            return None, True, "The pair or loss changed; compute again.", nu
        try:
            custom = _custom_result(status, a, b, loss, float(p["lam"]), (xset, xi, yset, yi))
        except Exception as exc:  # noqa: BLE001
            log.warning("off-grid result unusable: %s", exc)
            return None, True, f"The result could not be shown: {exc}", nu
        return None, True, f"showing λ = {p['lam']:.4g} (computed by the worker)", custom
    if state in ("failed", "busy"):
        return None, True, f"Job {state}: {status.get('message') or 'no details'}", nu
    pct = int(round(100 * float(status.get("progress") or 0.0)))
    return job, False, f"computing λ = {job['params']['lam']:.4g}… {pct} % ({status.get('message') or state})", nu


_SVM_OUTPUTS = (
    [Output("fig-svm-loss", "figure"), Output("fig-svm-plane", "figure"), Output("fig-svm-mirror", "figure")]
    + [Output(rid, "children") for rid in READOUT_IDS + MIRROR_READOUT_IDS]
    + [Output("store-svm-custom", "data")]
)

FAST_LANES["ctl-svm-lambda"] = ["dash_clientside.l2svm.svmLane", ["store-svm-frames", "store-svm-mirror"], []]
on_start(
    "dash_clientside.l2svm.start",
    [("store-svm-frames", "data"), ("store-svm-mirror", "data")],
    [("store-svm-src", "data")],
)
dash.clientside_callback(
    dash.ClientsideFunction(namespace="l2svm", function_name="svm"),
    *_SVM_OUTPUTS,
    Input("ctl-svm-lambda", "value"),
    Input("store-svm-frames", "data"),
    Input("store-svm-mirror", "data"),
    Input("store-svm-custom", "data"),
    prevent_initial_call=True,  # the default view comes with the page (first_views)
)
