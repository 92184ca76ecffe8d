"""F13: LeNet drawn layer by layer (boxes sized by each layer's output, with the tensor shapes)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import plotly.graph_objects as go

from views.style import PALETTE, base_layout

# The network, layer by layer: (label, output tensor shape).  tests/test_lenet.py checks these shapes
# against the real PyTorch model.
ARCH = (
    ("input", (1, 28, 28)),
    ("conv1 5×5×1×20", (20, 24, 24)),
    ("maxpool 2", (20, 12, 12)),
    ("conv2 5×5×20×50", (50, 8, 8)),
    ("maxpool 2", (50, 4, 4)),
    ("fc1 4×4×50×500 + ReLU", (500, 1, 1)),
    ("fc2 1×1×500×10", (10, 1, 1)),
    ("softmax", (10,)),
)


def make_arch(arch=ARCH) -> go.Figure:
    """F13: the architecture as boxes (height ∝ spatial size, width ∝ log channels) with tensor shapes.

    The layer names are annotations (they are tilted, which a text trace cannot do); the shapes under the boxes
    are one text trace and the arrows between boxes one line trace with arrow-head markers: an annotation each
    would cost Plotly a text measurement or an arrow path apiece on every page load."""
    fig = go.Figure()
    x = 0.0
    dims_x, dims_y, dims_text = [], [], []
    arrow_x, arrow_size = [], []
    for k, (label, shape) in enumerate(arch):
        ch = shape[0]
        side = shape[1] if len(shape) == 3 else 1
        h = 0.6 + 2.4 * side / 28
        w = 0.25 + 0.22 * np.log10(ch + 1)
        color = PALETTE["sky"] if "conv" in label else PALETTE["accent"] if "fc" in label else PALETTE["muted"]
        if label == "input":
            color = PALETTE["I"]
        fig.add_shape(
            type="rect",
            x0=x,
            x1=x + w,
            y0=-h / 2,
            y1=h / 2,
            fillcolor=color,
            opacity=0.75,
            line=dict(color="#333", width=1),
        )
        fig.add_annotation(
            x=x + w / 2,
            y=h / 2 + 0.15,
            text=f"<b>{label}</b>",
            showarrow=False,
            yanchor="bottom",
            textangle=-30,
            font=dict(size=11),
        )
        dims_x.append(x + w / 2)
        dims_y.append(-h / 2 - 0.15)
        dims_text.append("×".join(str(d) for d in shape))
        if k:
            arrow_x += [x - 0.33, x - 0.02, None]
            arrow_size += [0, 8, 0]
        x += w + 0.35
    fig.add_trace(
        go.Scatter(x=[0, x], y=[-2.3, 2.6], mode="markers", marker=dict(opacity=0), hoverinfo="skip", showlegend=False)
    )
    fig.add_trace(
        go.Scatter(
            x=dims_x,
            y=dims_y,
            text=dims_text,
            mode="text",
            textposition="bottom center",
            textfont=dict(size=11),
            hoverinfo="skip",
            showlegend=False,
            name="tensor shapes",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=arrow_x,
            y=[None if v is None else 0 for v in arrow_x],
            mode="lines+markers",
            line=dict(color="#444", width=1.2),
            marker=dict(symbol="arrow", angleref="previous", size=arrow_size, color="#444"),
            hoverinfo="skip",
            showlegend=False,
            name="data flow",
        )
    )
    base_layout(fig, height=300)
    fig.update_layout(margin=dict(l=10, r=10, t=40, b=10))
    fig.update_xaxes(visible=False, range=[-0.2, x])
    fig.update_yaxes(visible=False, range=[-2.4, 2.9])
    return fig


@lru_cache(maxsize=1)
def arch_figure() -> go.Figure:
    """The architecture figure of the shipped net, built once per process."""
    return make_arch()
