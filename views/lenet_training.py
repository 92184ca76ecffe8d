"""What training produced, per net: F14 (error per epoch) and F15 (weights: RMS per layer and a few filters)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from views import lenet_nets as nets
from views.lenet_grid import image_grid
from views.pictures import heatmap_uri
from views.style import DIVERGING_COLORSCALE, base_layout


def make_errors(summary: dict, keys: list[str] | None = None) -> go.Figure:
    """F14: running training error and test error per epoch of each net (log y); the low/high pair by default."""
    fig = go.Figure()
    for n, key in enumerate(nets.compared(summary, keys)):
        history = summary["nets"][key]["history"]
        ep = [h["epoch"] for h in history]
        for what, dash_ in (("test_error", "solid"), ("train_error", "dot")):
            fig.add_trace(
                go.Scatter(
                    x=ep,
                    y=[max(h[what], 1e-3) for h in history],
                    mode="lines",
                    name=f"{nets.label(key)} — {'test' if what == 'test_error' else 'train'}",
                    line=dict(color=nets.color(key, n), dash=dash_, width=2),
                    hovertemplate="epoch %{x}: %{y:.2f} %<extra></extra>",
                )
            )
    base_layout(fig, "epoch", "error (%)", height=380)
    fig.update_yaxes(type="log")
    return fig


def make_weights(summary: dict, arrays: dict, keys: list[str] | None = None) -> go.Figure:
    """F15: the fixed random selection of filters per layer, every net shown on one colour scale per layer."""
    keys = nets.compared(summary, keys)
    picks = arrays[keys[0]]["filters_conv1"].shape[0]
    cells, labels = [], []
    for r, layer in enumerate(nets.LAYERS):
        zmax = max(float(np.abs(arrays[k][f"filters_{layer}"].astype(np.float32)).max()) for k in keys) or 1.0
        for n, key in enumerate(keys):
            for j, f in enumerate(arrays[key][f"filters_{layer}"].astype(np.float32)):
                cells.append(
                    {"row": r, "col": n * picks + j, "source": heatmap_uri(f, DIVERGING_COLORSCALE, -zmax, zmax)}
                )
            labels.append((r, n * picks + picks // 2, f"{layer} — {nets.label(key)}", nets.color(key, n)))
    return image_grid(cells, labels, len(nets.LAYERS), picks * len(keys), height=460, hgap=0.006, vgap=0.07)


def rms_rows(summary: dict, keys: list[str] | None = None) -> tuple[tuple[str, ...], ...]:
    """The RMS table as text, header first: one row per layer, a column per net, and low / high for a pair."""
    keys = nets.compared(summary, keys)
    pair = len(keys) == 2
    rows = [("layer", *(nets.label(k) for k in keys), *(("low / high",) if pair else ()))]
    for layer in nets.LAYERS:
        vals = [summary["nets"][k]["rms"][layer] for k in keys]
        ratio = (f"{vals[0] / vals[1]:.1f}×",) if pair else ()
        rows.append((layer, *(f"{v:.4f}" for v in vals), *ratio))
    return tuple(rows)
