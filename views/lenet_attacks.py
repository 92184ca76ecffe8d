"""How hard each net is to fool: F16 (one targeted adversarial example per digit) and the weight-decay ladder."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from views import lenet_nets as nets
from views.lenet_grid import image_grid
from views.pictures import heatmap_uri, png_uri
from views.style import DIVERGING_COLORSCALE, PALETTE, base_layout


def pert_range(arrays: dict, keys: list[str]) -> int:
    """The largest perturbation (grey levels) over the nets shown: F16's common colour scale is ±this."""
    vals = [np.abs(arrays[k]["digits_adv"].astype(np.int16) - arrays[k]["digits_orig"]).max() for k in keys]
    return int(max(vals) or 1)


def make_advs(summary: dict, arrays: dict, keys: list[str] | None = None) -> go.Figure:
    """F16: per digit, the original and, for each net, the adversarial image and the perturbation with its norm."""
    keys = nets.compared(summary, keys)
    pmax = pert_range(arrays, keys)
    orig = arrays[keys[0]]["digits_orig"].astype(np.int16)
    first = summary["nets"][keys[0]]["cyclic"]
    cells, labels = [], []
    for d in range(10):
        cells.append({"row": 0, "col": d, "source": png_uri(orig[d], nets.INK_SCALE, 0, 255)})
        scores = " ".join(
            f"{summary['nets'][k]['cyclic']['pred'][d]}@{summary['nets'][k]['cyclic']['pred_score'][d]:.2f}"
            for k in keys
        )
        labels.append((0, d, f"{first['label'][d]}: {scores}", "#222"))
    for n, key in enumerate(keys):
        cyc = summary["nets"][key]["cyclic"]
        adv = arrays[key]["digits_adv"].astype(np.int16)
        delta = adv - arrays[key]["digits_orig"].astype(np.int16)
        r = 1 + 2 * n
        color = nets.color(key, n)
        for d in range(10):
            cells.append({"row": r, "col": d, "source": png_uri(adv[d], nets.INK_SCALE, 0, 255)})
            labels.append((r, d, f"→{cyc['target'][d]}@{cyc['adv_target_score'][d]:.2f}", color))
            cells.append({"row": r + 1, "col": d, "source": heatmap_uri(delta[d], DIVERGING_COLORSCALE, -pmax, pmax)})
            labels.append((r + 1, d, f"‖δ‖={cyc['l2'][d]:.2f}", color))
    rows = 1 + 2 * len(keys)
    return image_grid(cells, labels, rows, 10, height=115 * rows + 40, hgap=0.01, vgap=0.045)


def _wd_tick(wd: float) -> str:
    return f"{wd:.0e}".replace("e-0", "e-")


def make_ladder(summary: dict, keys: list[str] | None = None) -> go.Figure:
    """Robustness curve: test error and median adversarial L2 norm vs weight decay (log x), two y axes.

    Every net of the analysis by default (``keys`` picks some), in order of weight decay."""
    chosen = summary["nets"].values() if keys is None else [summary["nets"][k] for k in keys]
    ladder = sorted(chosen, key=lambda n: n["weight_decay"])
    wd = [n["weight_decay"] for n in ladder]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Scatter(
            x=wd,
            y=[n["test_error"] for n in ladder],
            mode="lines+markers",
            name="test error (%)",
            line=dict(color=PALETTE["boundary"]),
            hovertemplate="wd %{x:g}: %{y:.2f} %<extra></extra>",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=wd,
            y=[n["robust"]["median_l2"] for n in ladder],
            mode="lines+markers",
            name="median adversarial ‖δ‖₂",
            line=dict(color=PALETTE["adversarial"]),
            hovertemplate="wd %{x:g}: ‖δ‖ = %{y:.2f}<extra></extra>",
        ),
        secondary_y=True,
    )
    base_layout(fig, "weight decay", None, height=360)
    ticks = sorted(set(wd) | set(summary.get("ladder") or []))
    fig.update_xaxes(type="log", tickvals=ticks, ticktext=[_wd_tick(t) for t in ticks])
    err_top = max([n["test_error"] for n in ladder] + [1.0])
    l2_top = max([n["robust"]["median_l2"] for n in ladder] + [1.0])
    fig.update_yaxes(title_text="test error (%)", secondary_y=False, range=[0, 1.15 * err_top], tickformat=".1f")
    fig.update_yaxes(
        title_text="median ‖δ‖₂ ([0,1] pixels)",
        secondary_y=True,
        range=[0, 1.15 * l2_top],
        tickformat=".0f",
        showgrid=False,
    )
    missing = summary.get("missing") or []
    if missing:
        fig.add_annotation(
            text="not trained yet: wd " + ", ".join(f"{m:g}" for m in missing),
            x=0,
            y=-0.25,
            xref="paper",
            yref="paper",
            showarrow=False,
            xanchor="left",
            font=dict(size=11, color=PALETTE["muted"]),
        )
    return fig
