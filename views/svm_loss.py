"""F10, what the loss sees: per-class histograms of y·d(x) under the scaled loss f(‖w‖ z), and the whole sweep's
errors and d_adv against λ with the current λ marked.

Plotly's validated construction (``loss_template``) runs once per process; a sweep only fills in its data and
axis ranges, as plain dicts (building the figure per pair cost ~0.1 CPU-s).  On a phone the two panels stack.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from models.sweeps import Sweep
from views.formats import compact, rounded
from views.pair_models import ModelRows
from views.style import EDGE, PALETTE, base_layout, rgba

FIG_ID = "fig-svm-loss"
HEIGHT = 360
# Below 600 px the panels go one above the other (side by side, narrower, their inner axis titles would meet); the
# graph's box grows to the new height in assets/mnist.css.
PHONE = {
    "height": 640,
    "xaxis.domain": [0, 1],
    "xaxis2.domain": [0, 1],
    "yaxis.domain": [0.62, 1],
    "yaxis3.domain": [0, 0.36],
}


def loss_curve(loss: str, w_norm: float, z: np.ndarray) -> np.ndarray:
    """The per-point loss as a function of z = y·d(x), scaled by ‖w‖: f(‖w‖ z)."""
    t = w_norm * np.asarray(z, dtype=np.float64)
    if loss == "hinge":
        return np.maximum(1.0 - t, 0.0)
    return np.logaddexp(0.0, -t)


def loss_z(edges: np.ndarray) -> np.ndarray:
    """The z = y·d grid on which the loss curve is drawn."""
    return np.linspace(float(edges[0]), float(edges[-1]), 121)


def histogram_steps(counts: np.ndarray) -> list[int]:
    """Bin counts as the y of a step line over the bin edges (the last count repeated at the last right edge)."""
    c = np.asarray(counts).astype(int)
    return np.append(c, c[-1:]).tolist()


def filled(template: dict, traces: dict[str, dict], ranges: dict[str, list]) -> dict:
    """A copy of a cached figure dict with some traces' props (by uid) and some axes' ranges replaced (the
    template's nested dicts are shared, never modified)."""
    data = [{**t, **traces[t["uid"]]} if t.get("uid") in traces else t for t in template["data"]]
    layout = dict(template["layout"])
    for axis, rng in ranges.items():
        layout[axis] = {**layout[axis], "range": rng}
    return {"data": data, "layout": layout}


def loss_figure(sweep: Sweep) -> dict:
    """F10 for a sweep: its bin edges, the sweep's curves against λ and fixed axis ranges for every λ."""
    edges = np.asarray(sweep.hist_edges, dtype=np.float64)
    lam = rounded(sweep.lam, 10)
    err_max = float(max(np.max(sweep.err_train), np.max(sweep.err_test), 1.0)) * 1.1
    used = np.flatnonzero((np.asarray(sweep.hist_I).sum(0) + np.asarray(sweep.hist_J).sum(0)) > 0)
    lo, hi = (edges[used[0]], edges[used[-1] + 1]) if used.size else (edges[0], edges[-1])
    # One fixed count axis for the whole sweep (the tallest bar of any λ): the bars grow and shrink against a
    # still axis, and the browser redraws only the bars per slider step (no autorange, no axis redraw).
    top = float(max(np.max(np.asarray(sweep.hist_I)), np.max(np.asarray(sweep.hist_J)), 1.0)) * 1.05
    lam_lo, lam_hi = np.log10(float(np.min(sweep.lam))), np.log10(float(np.max(sweep.lam)))
    pad = 0.03 * (lam_hi - lam_lo)
    d_max = float(np.max(sweep.d_adv)) * 1.1 or 1.0
    x_edges = rounded(edges, 4)
    return filled(
        loss_template(),
        {
            "hist-I": {"x": x_edges},
            "hist-J": {"x": x_edges},
            "loss": {"x": rounded(loss_z(edges), 4)},  # the loss curve's z grid: sent once, frames send only y
            "err-train": {"x": lam, "y": rounded(sweep.err_train, 3)},
            "err-test": {"x": lam, "y": rounded(sweep.err_test, 3)},
            "d-adv": {"x": lam, "y": rounded(sweep.d_adv, 4)},
            "lam-line": {"y": [0, err_max]},
        },
        {
            "xaxis": [float(lo), float(hi)],
            "yaxis": [0, top],
            "xaxis2": [float(lam_lo - pad), float(lam_hi + pad)],
            "yaxis3": [0, err_max],
            "yaxis4": [0, d_max],
        },
    )


def loss_update(rows: ModelRows, k: int, loss: str, edges: np.ndarray) -> dict[str, dict]:
    """F10's traces for model k, by uid."""
    z = loss_z(edges)  # the curve's x is in the figure
    t = 1.0 / float(rows.w_norm[k])
    lam = float(rows.lam[k])
    return {
        "hist-I": {"y": histogram_steps(rows.hist_I[k])},
        "hist-J": {"y": histogram_steps(rows.hist_J[k])},
        "loss": {"y": compact(rounded(np.minimum(loss_curve(loss, float(rows.w_norm[k]), z), 50), 3))},
        "tick": {"x": [round(t, 5), round(t, 5)]},
        "lam-line": {"x": [lam, lam]},
        "lam-errs": {"x": [lam, lam], "y": rounded([rows.err_train[k], rows.err_test[k]], 3)},
        "lam-dadv": {"x": [lam], "y": rounded([rows.d_adv[k]], 4)},
    }


@lru_cache(maxsize=1)
def loss_template() -> dict:
    """F10's traces and axes without a sweep's data or ranges (``loss_figure`` fills them in)."""
    fig = make_subplots(
        rows=1, cols=2, column_widths=[0.58, 0.42], horizontal_spacing=0.2,
        specs=[[{"secondary_y": True}, {"secondary_y": True}]],
    )  # fmt: skip
    # Fixed margins wide enough at 375 px (what axis automargin settles on there: left 68, right 44, bottom 79) for
    # the λ title below its rotated tick labels and the d_adv title on the right; automargin itself would lay the
    # figure out twice.
    base_layout(fig, height=HEIGHT, margin=dict(l=68, r=44, t=30, b=79), meta={"l2phone": PHONE})
    # Each histogram is one filled step line (a point per bin's left edge, then the last right edge): one SVG
    # path per class instead of a rectangle per bin, so a slider step redraws two paths, not ~200 bars.
    for cls in ("I", "J"):
        step = dict(shape="hv", width=1, color=EDGE[cls])
        hist = go.Scatter(x=[], y=[], mode="lines", line=step, fill="tozeroy", fillcolor=rgba(PALETTE[cls], 0.45))
        hist.update(name=f"class {cls}", hovertemplate="y·d from %{x:.2f}: %{y} points<extra></extra>")
        fig.add_trace(hist.update(uid=f"hist-{cls}"), row=1, col=1)
    curve = go.Scatter(x=[], y=[], mode="lines", name="loss f(‖w‖ z)", line=dict(color=PALETTE["boundary"], width=2))
    fig.add_trace(curve.update(uid="loss"), row=1, col=1, secondary_y=True)
    tick_line = dict(color=PALETTE["adversarial"], width=2, dash="dot")
    tick = go.Scatter(x=[], y=[0, 0.6], mode="lines+text", name="z = 1/‖w‖", text=["", "1/‖w‖"], line=tick_line)
    fig.add_trace(tick.update(textposition="top center", uid="tick"), row=1, col=1, secondary_y=True)
    for uid, name, color, line_dash in (
        ("err-train", "err_train %", PALETTE["accent"], None),
        ("err-test", "err_test %", PALETTE["purple"], None),
        ("d-adv", "d_adv", PALETTE["adversarial"], "dash"),
    ):
        curve = go.Scatter(x=[], y=[], name=name, mode="lines", line=dict(color=color, dash=line_dash), uid=uid)
        fig.add_trace(curve, row=1, col=2, secondary_y=name == "d_adv")
    now = dict(color="#666", width=1)
    line = go.Scatter(x=[], y=[], mode="lines", line=now, showlegend=False, hoverinfo="skip", uid="lam-line")
    fig.add_trace(line, row=1, col=2)
    for uid, color, second in (
        ("lam-errs", [PALETTE["accent"], PALETTE["purple"]], False),
        ("lam-dadv", PALETTE["adversarial"], True),
    ):
        marks = dict(size=9, color=color)
        dots = go.Scatter(x=[], y=[], mode="markers", showlegend=False, hoverinfo="skip", marker=marks, uid=uid)
        fig.add_trace(dots, row=1, col=2, secondary_y=second)
    fig.update_xaxes(range=[0, 1], autorange=False, title_text="y·d(x) (signed distance)", row=1, col=1)
    fig.update_yaxes(range=[0, 1], autorange=False, title_text="training points", row=1, col=1, secondary_y=False)
    fig.update_yaxes(
        range=[0, 3], autorange=False, title_text="loss", showgrid=False, tickmode="linear", tick0=0, dtick=0.5,
        row=1, col=1, secondary_y=True,
    )  # fmt: skip
    # Fixed ranges on every axis the slider's traces use: each step then redraws only those traces.
    fig.update_xaxes(type="log", range=[0, 1], autorange=False, title_text="λ", exponentformat="power", row=1, col=2)
    fig.update_yaxes(range=[0, 1], autorange=False, title_text="error (%)", row=1, col=2, secondary_y=False)
    fig.update_yaxes(
        range=[0, 1], autorange=False, title_text="d_adv", showgrid=False, tickmode="auto", nticks=5,
        row=1, col=2, secondary_y=True,
    )  # fmt: skip
    fig.update_layout(legend=dict(font=dict(size=11)))
    return fig.to_plotly_json()
