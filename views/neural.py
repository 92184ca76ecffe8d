"""§3's ReLU toy (``fig-nn-toy``): a small ReLU net trained at a ladder of weight decays, drawn per decay.

The nets come from models.relu_toy; this module draws the local slope log10 ‖∇ₓs‖ as a picture, the boundary
s = 0 (traced by ``zero_contour``) and the training points, and builds the frame set of the decay slider (its
readouts declared in ``NN_READOUTS``).
"""

from __future__ import annotations

import functools

import numpy as np
import plotly.graph_objects as go

from models import relu_toy
from views import pictures
from views.class_points import class_points
from views.figure_frames import figure_frames, frames_key
from views.frames import FrameSet
from views.style import base_layout

FRAMES_KEY = frames_key(__file__, relu_toy.__file__, pictures.__file__)
NN_ID = "fig-nn-toy"
NN_READOUTS = (
    ("ro-nn-decay", "weight decay = "),
    ("ro-nn-error", "training error = "),
    ("ro-nn-grad", "median ‖∇ₓs‖ = "),
    ("ro-nn-dist", "median |s|/‖∇ₓs‖ = "),
)

DECAY_EXPONENTS = relu_toy.DECAY_EXPONENTS  # the slider's grid: log10 of the weight decays trained
DEFAULT_DECAY = -3.0


@functools.lru_cache(maxsize=1)
def nn_frames() -> list[relu_toy.Frame]:
    """The trained nets, one per weight decay (≈1 s of numpy, once per process)."""
    return relu_toy.frames()


def grad_range(frames: list[relu_toy.Frame]) -> tuple[float, float]:
    """Common colour range of log10 ‖∇ₓs‖ over all frames, so that frames are comparable."""
    vals = np.concatenate([np.log10(np.maximum(f.grad_norm_grid.ravel(), 1e-3)) for f in frames])
    return float(np.floor(vals.min() * 2) / 2), float(np.ceil(vals.max() * 2) / 2)


def _contour_segments(axis: np.ndarray, s: np.ndarray) -> list[tuple]:
    """Marching squares: per grid cell, the pieces of s = 0 inside it, as pairs of edge crossings."""
    n = len(axis)

    def crossing(p: tuple, q: tuple) -> tuple:
        p, q = sorted((p, q))  # one point per edge, whichever cell asks
        t = s[p] / (s[p] - s[q])
        return (
            round(float(axis[p[1]] + t * (axis[q[1]] - axis[p[1]])), 5),
            round(float(axis[p[0]] + t * (axis[q[0]] - axis[p[0]])), 5),
        )

    segs = []
    pos = s > 0
    for i in range(n - 1):
        for j in range(n - 1):
            c = [(i, j), (i, j + 1), (i + 1, j + 1), (i + 1, j)]  # corners around the cell
            edges = [(c[k], c[(k + 1) % 4]) for k in range(4)]
            hits = [k for k, (p, q) in enumerate(edges) if pos[p] != pos[q]]
            if len(hits) == 2:
                segs.append(tuple(crossing(*edges[k]) for k in hits))
            elif len(hits) == 4:  # a saddle: the centre's sign says which corners are joined
                pairs = ((0, 1), (2, 3)) if (s[i : i + 2, j : j + 2].mean() > 0) == pos[c[0]] else ((3, 0), (1, 2))
                segs += [(crossing(*edges[a]), crossing(*edges[b])) for a, b in pairs]
    return segs


def zero_contour(axis: np.ndarray, s: np.ndarray) -> tuple[list, list]:
    """The curve s = 0 of a grid function (s[i, j] at x = axis[j], y = axis[i]) by marching squares: crossings
    interpolated linearly along the cell edges, joined into polylines (x, y lists; None between polylines)."""
    segs = _contour_segments(axis, np.asarray(s, dtype=np.float64))
    ends: dict[tuple, list[int]] = {}
    for k, (a, b) in enumerate(segs):
        ends.setdefault(a, []).append(k)
        ends.setdefault(b, []).append(k)
    used: set[int] = set()
    xs: list = []
    ys: list = []
    for k, seg in enumerate(segs):
        if k in used:
            continue
        used.add(k)
        line = list(seg)
        for forward in (True, False):
            while True:
                tip = line[-1] if forward else line[0]
                nxt = [m for m in ends[tip] if m not in used]
                if not nxt:
                    break
                used.add(nxt[0])
                a, b = segs[nxt[0]]
                other = b if a == tip else a
                line.insert(len(line) if forward else 0, other)
        if xs:
            xs.append(None)
            ys.append(None)
        xs += [p[0] for p in line]
        ys += [p[1] for p in line]
    return xs, ys


def make_nn_toy(frame: relu_toy.Frame, zrange: tuple[float, float]) -> go.Figure:
    """``fig-nn-toy``: log10 ‖∇ₓs‖ as a picture, the boundary s = 0, and the training points.

    The picture is a layout image (a new one per weight decay is an image swap in the browser); an invisible
    heatmap of the same values under it gives the colour bar and the hover read-out."""
    axis = relu_toy.grid_axis(frame.score_grid.shape[0])
    X, y = relu_toy.toy_clusters()
    z = np.round(np.log10(np.maximum(frame.grad_norm_grid, 1e-3)), 2)
    fig = go.Figure()
    slopes = go.Heatmap(
        uid="slopes",
        x=axis,
        y=axis,
        z=z,
        zmin=zrange[0],
        zmax=zrange[1],
        colorscale="Viridis",
        name="log10 ‖∇ₓs‖",
        opacity=0,
        colorbar=dict(title=dict(text="log₁₀ ‖∇ₓs‖", side="right"), thickness=12),
        hovertemplate="x = (%{x:.2f}, %{y:.2f})<br>log₁₀ ‖∇ₓs‖ = %{z:.2f}<extra></extra>",
    )
    fig.add_trace(slopes)
    cell = float(axis[1] - axis[0])
    fig.add_layout_image(
        name="slopes",
        source=pictures.heatmap_uri(z, "Viridis", *zrange, flip=True),
        xref="x",
        yref="y",
        x=float(axis[0]) - cell / 2,
        y=float(axis[-1]) + cell / 2,
        sizex=cell * len(axis),
        sizey=cell * len(axis),
        xanchor="left",
        yanchor="top",
        sizing="stretch",
        layer="below",
    )
    bx, by = zero_contour(axis, frame.score_grid)
    boundary = dict(color="white", width=3)
    fig.add_trace(
        go.Scatter(uid="boundary", x=bx, y=by, mode="lines", name="boundary s = 0", line=boundary, hoverinfo="skip")
    )
    for trace in class_points(X, y, dict(size=7, line=dict(color="black", width=0.8))):
        fig.add_trace(trace)
    base_layout(fig, height=440)
    # no grid: the picture fills the plot, and grid lines would cross it (it lies under the traces and the grid)
    box = list(relu_toy.BOX)
    fig.update_xaxes(range=box, title_text="x₁ (input units)", constrain="domain", showgrid=False, zeroline=False)
    fig.update_yaxes(
        range=box, title_text="x₂ (input units)", scaleanchor="x", constrain="domain", showgrid=False, zeroline=False
    )
    return fig


def nn_readouts(frame: relu_toy.Frame) -> list[str]:
    """Weight decay, training error, median ‖∇ₓs‖ and median local distance |s|/‖∇ₓs‖ over the training points."""
    f = frame
    return [f"{f.decay:.0e}", f"{f.train_error:.1f} %", f"{f.median_grad_norm:.2f}", f"{f.median_distance:.3f}"]


@functools.lru_cache(maxsize=1)
def nn_frame_set() -> FrameSet:
    """The frames of ``fig-nn-toy`` (cached on disk, keyed by this module and models/relu_toy.py: the nets are
    trained only when the cache misses)."""

    def make(k: int) -> go.Figure:
        frames = nn_frames()
        return make_nn_toy(frames[k], grad_range(frames))

    ids = [rid for rid, _ in NN_READOUTS]
    return figure_frames("nn-toy", FRAMES_KEY, NN_ID, DECAY_EXPONENTS, make, lambda k: nn_readouts(nn_frames()[k]), ids)
