"""§1's toy image space (F2–F6): two-pixel images (a, b), classes I and J, the family 𝓛_θ, mirror images.

Pure builders (no Dash): each ``make_…`` returns a Plotly figure, each ``…_readouts`` the texts shown under it,
and ``lines_frames`` / ``mirror_frames`` the frame sets of the θ sliders (their readout ids and labels are
declared here, next to the texts).  The science (w_θ, the reference image, projections and mirror images) comes
from models.toy and models.geometry.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from models.geometry import mirror_image, projected_image, signed_distance
from models.toy import X_REF, w_theta
from views import pictures
from views.figure_frames import figure_frames, frames_key
from views.frames import FrameSet
from views.style import EDGE, PALETTE, base_layout

FRAMES_KEY = frames_key(__file__, pictures.__file__)

THETA_STEP_DEG = 0.9  # 100 frames: 0 … 0.99·π/2 (= 89.1°)
THETA_GRID_DEG = np.round(np.arange(100) * THETA_STEP_DEG, 6)
DEFAULT_THETA_DEG = float(THETA_GRID_DEG[50])
SPACE_START = (-0.6, 0.3)  # the image (a, b) F2 shows first
LINES_ID, MIRROR_ID = "fig-toy-lines", "fig-toy-mirror"
LINES_READOUTS = (("ro-toy-lines-theta", "θ = "),)  # (element id, label) of each readout, in the texts' order
MIRROR_READOUTS = (
    ("ro-toy-mirror-theta", "θ = "),
    ("ro-toy-mirror-d", "d(x) = "),
    ("ro-toy-mirror-dist", "‖x − x_m‖ = "),
    ("ro-toy-mirror-formula", "1.6 cos θ = "),
    ("ro-toy-mirror-class", "x_m classified "),
)


def line_in_box(w: np.ndarray, b: float, half: float = 1.0) -> tuple[list[float], list[float]]:
    """End points of the line w·x + b = 0 inside the square [−half, half]² (empty lists if it misses)."""
    pts = []
    w1, w2 = float(w[0]), float(w[1])
    for edge in (-half, half):
        if abs(w2) > 1e-12:
            y = -(b + w1 * edge) / w2
            if -half - 1e-9 <= y <= half + 1e-9:
                pts.append((edge, y))
        if abs(w1) > 1e-12:
            x = -(b + w2 * edge) / w1
            if -half - 1e-9 <= x <= half + 1e-9:
                pts.append((x, edge))
    uniq = []
    for p in pts:
        if all(abs(p[0] - q[0]) + abs(p[1] - q[1]) > 1e-9 for q in uniq):
            uniq.append(p)
    if len(uniq) < 2:
        return [], []
    (x0, y0), (x1, y1) = uniq[0], uniq[1]
    return [round(x0, 5), round(x1, 5)], [round(y0, 5), round(y1, 5)]


def toy_image(a: float, b: float) -> list[list[float]]:
    """The 3×3 picture of the toy image (a, b): inner third a, the rest b."""
    return [[b, b, b], [b, a, b], [b, b, b]]


def _image_trace(a: float, b: float, name: str, uid: str) -> go.Heatmap:
    return go.Heatmap(
        uid=uid,
        z=toy_image(a, b),
        zmin=-1,
        zmax=1,
        colorscale="Blues",
        showscale=False,
        name=name,
        hovertemplate=f"{name}: inner a = {a:.2f}, outer b = {b:.2f}<extra></extra>",
        xgap=0,
        ygap=0,
    )


def _add_picture(fig: go.Figure, a: float, b: float, axis: int, name: str) -> None:
    """The toy image (a, b) as a layout image filling the 3×3 cells of picture axes number ``axis`` (what a heatmap
    of ``toy_image`` draws there, on 256 colour levels, for the price of one <image> element)."""
    fig.add_layout_image(
        name=name,
        source=pictures.heatmap_uri(toy_image(a, b), "Blues", -1, 1),
        xref=f"x{axis}",
        yref=f"y{axis}",
        x=-0.5,
        y=-0.5,
        sizex=3,
        sizey=3,
        xanchor="left",
        yanchor="top",
        sizing="stretch",
        layer="above",
    )


def _square_images(fig: go.Figure, n_axes: int, first_image_axis: int) -> None:
    """Make image subplots square and frameless (axes numbered from ``first_image_axis``), each framing a 3×3 toy
    picture with row 0 at the top (the ranges a heatmap of it would autorange to, fixed for its layout image)."""
    for k in range(first_image_axis, n_axes + 1):
        fig.layout[f"xaxis{k}"].update(visible=False, constrain="domain", range=[-0.5, 2.5], autorange=False)
        fig.layout[f"yaxis{k}"].update(
            visible=False, scaleanchor=f"x{k}", constrain="domain", range=[2.5, -0.5], autorange=False
        )


def plane_axes(fig: go.Figure, lim: float = 1.05) -> None:
    """Style the first subplot (xaxis/yaxis) as the toy image space with labelled, equal axes."""
    common = dict(range=[-lim, lim], zeroline=True, zerolinecolor="#ccc", constrain="domain")
    fig.update_layout(
        xaxis=dict(title_text="a: inner pixel (intensity −1 … 1)", **common),
        yaxis=dict(title_text="b: outer pixel (intensity)", scaleanchor="x", **common),
    )


def _class_traces(show_legend: bool = True) -> list[go.Scatter]:
    spans = (("I", [-1, -0.2], "[−1, −0.2]"), ("J", [0.2, 1], "[0.2, 1]"))
    return [
        go.Scatter(
            uid=f"class-{cls}",
            x=x,
            y=[0, 0],
            mode="lines",
            line=dict(color=EDGE[cls], width=7),
            name=f"class {cls}",
            showlegend=show_legend,
            hovertemplate=f"class {cls}: a ∈ {span}, b = 0<extra></extra>",
        )
        for cls, x, span in spans
    ]


def _boundary_trace(w: np.ndarray, name: str) -> go.Scatter:
    """The line 𝓛_θ (normal w, through the origin) across the image square."""
    lx, ly = line_in_box(w, 0.0)
    boundary = dict(color=PALETTE["boundary"], width=2.5)
    return go.Scatter(uid="boundary", x=lx, y=ly, mode="lines", line=boundary, name=name, hoverinfo="skip")


def make_toy_space(a: float, b: float) -> go.Figure:
    """F2: the image space [−1, 1]² with the point (a, b) and its two-pixel picture."""
    fig = make_subplots(
        rows=1, cols=2, column_widths=[0.6, 0.4], horizontal_spacing=0.12, subplot_titles=("", "the image (a, b)")
    )
    # An invisible 41×41 heatmap over the plane catches clicks (one cheap trace; cells are the 0.05 grid).
    grid = np.round(np.linspace(-1, 1, 41), 2)
    targets = go.Heatmap(
        uid="click-targets",
        x=grid,
        y=grid,
        z=np.zeros((41, 41)),
        opacity=0,
        showscale=False,
        name="click targets",
        colorscale=[[0, "white"], [1, "white"]],
        hovertemplate="click to pick (%{x:.2f}, %{y:.2f})<extra></extra>",
    )
    fig.add_trace(targets, 1, 1)
    point = go.Scatter(
        uid="point",
        x=[a],
        y=[b],
        mode="markers",
        marker=dict(size=14, color=PALETTE["adversarial"], line=dict(color="black", width=1)),
        name="(a, b)",
        showlegend=False,
        hovertemplate="a = %{x:.2f}, b = %{y:.2f}<extra></extra>",
    )
    fig.add_trace(point, 1, 1)
    fig.add_trace(_image_trace(a, b, "image", "image"), 1, 2)
    base_layout(fig, height=400)
    plane_axes(fig)
    _square_images(fig, 2, 2)
    fig.update_layout(clickmode="event")
    return fig


def make_toy_classes() -> go.Figure:
    """F3: classes I and J on the line b = 0, with three example images of each."""
    examples = [-1.0, -0.6, -0.2, 0.2, 0.6, 1.0]
    specs = [[{"colspan": 6}] + [None] * 5, [{}] * 6]
    titles = ["image space"] + [f"{'I' if a < 0 else 'J'}: a = {a:+.1f}" for a in examples]
    fig = make_subplots(
        rows=2, cols=6, specs=specs, row_heights=[0.62, 0.38], vertical_spacing=0.26, subplot_titles=titles
    )
    for t in _class_traces():
        fig.add_trace(t, 1, 1)
    marker = dict(size=9, color="white", line=dict(color="black", width=1.5))
    fig.add_trace(
        go.Scatter(x=examples, y=[0] * 6, mode="markers", showlegend=False, hoverinfo="skip", marker=marker), 1, 1
    )
    # the six examples: pictures on their own (hidden) axes, titled with their a, no hover (the title says it all)
    for k, a in enumerate(examples):
        _add_picture(fig, a, 0.0, k + 2, f"example-{k}")
    base_layout(fig, height=460)
    plane_axes(fig)
    fig.update_layout(yaxis=dict(range=[-0.45, 0.45], scaleanchor=None))
    _square_images(fig, 7, 2)
    return fig


def make_toy_lines(theta: float) -> go.Figure:
    """F4: the separating line 𝓛_θ (through the origin, unit normal w_θ) between classes I and J."""
    w = w_theta(theta)
    fig = go.Figure(_class_traces())
    fig.add_trace(_boundary_trace(w, "𝓛_θ (boundary)"))
    arrow = dict(symbol="arrow", angleref="previous", size=[0, 14])
    normal = go.Scatter(
        uid="normal",
        x=[0, 0.45 * w[0]],
        y=[0, 0.45 * w[1]],
        mode="lines+markers",
        line=dict(color=PALETTE["accent"], width=3),
        marker=arrow,
        name="normal w_θ",
        hoverinfo="skip",
    )
    fig.add_trace(normal)
    base_layout(fig, height=380)
    plane_axes(fig)
    return fig


def lines_readouts(theta: float) -> list[str]:
    """Readout of F4: θ in degrees and radians."""
    return [f"{math.degrees(theta):.1f}° ({theta:.3f} rad)"]


def mirror_quantities(theta: float) -> dict:
    """x, x_p, x_m for the reference image x = (−0.8, 0) and 𝓛_θ, plus d(x) and ‖x − x_m‖ (from models.geometry)."""
    w = w_theta(theta)
    x_p = projected_image(X_REF, w, 0.0)
    x_m = mirror_image(X_REF, w, 0.0)
    d = float(signed_distance(X_REF, w, 0.0))
    return {"w": w, "x": X_REF.copy(), "x_p": x_p, "x_m": x_m, "d": d, "dist": float(np.linalg.norm(X_REF - x_m))}


def make_toy_mirror(theta: float) -> go.Figure:
    """F5/F6: x, its projection x_p on 𝓛_θ and its mirror image x_m, with the pictures of x and x_m."""
    q = mirror_quantities(theta)
    x, xp, xm = q["x"], q["x_p"], q["x_m"]
    fig = make_subplots(
        rows=1,
        cols=3,
        column_widths=[0.6, 0.2, 0.2],
        horizontal_spacing=0.06,
        subplot_titles=("", "x (class I)", "x_m (→ J)"),
    )
    for t in _class_traces():
        fig.add_trace(t, 1, 1)
    fig.add_trace(_boundary_trace(q["w"], "𝓛_θ"), 1, 1)
    dotted = dict(color=PALETTE["muted"], dash="dot", width=1.5)
    join = go.Scatter(
        uid="join", x=[x[0], xm[0]], y=[x[1], xm[1]], mode="lines", showlegend=False, hoverinfo="skip", line=dotted
    )
    fig.add_trace(join, 1, 1)
    points = go.Scatter(
        uid="points",
        x=[round(v, 5) for v in (x[0], xp[0], xm[0])],
        y=[round(v, 5) for v in (x[1], xp[1], xm[1])],
        mode="markers+text",
        text=["x", "x_p", "x_m"],
        textposition=["bottom center", "top left", "top center"],
        marker=dict(
            size=[13, 9, 13],
            color=[PALETTE["I"], "white", PALETTE["adversarial"]],
            line=dict(color="black", width=1.2),
        ),
        showlegend=False,
        hovertemplate="(%{x:.3f}, %{y:.3f})<extra></extra>",
    )
    fig.add_trace(points, 1, 1)
    # The pictures of x and x_m are layout images (a new x_m per θ step is an image swap in the browser); the
    # heatmaps of the same values stay under them, invisible, for the hover read-out.
    shown = ((2, (float(x[0]), float(x[1]), "x")), (3, (round(float(xm[0]), 5), round(float(xm[1]), 5), "x_m")))
    for col, (a, b, name) in shown:
        fig.add_trace(_image_trace(a, b, name, name).update(opacity=0), 1, col)
        _add_picture(fig, a, b, col, name)
    base_layout(fig, height=360)
    plane_axes(fig)
    _square_images(fig, 3, 2)
    return fig


def mirror_readouts(theta: float) -> list[str]:
    """Readouts of F6: θ, d(x), ‖x − x_m‖ (measured) and 1.6 cos θ (formula), and the class of x_m."""
    q = mirror_quantities(theta)
    d_m = float(signed_distance(q["x_m"], q["w"], 0.0))
    side = "J" if d_m > 1e-12 else ("on the line" if abs(d_m) <= 1e-12 else "I")
    return [*lines_readouts(theta), f"{q['d']:+.3f}", f"{q['dist']:.3f}", f"{1.6 * math.cos(theta):.3f}", side]


def theta_frames(
    name: str,
    key: str,
    fig_id: str,
    make: Callable[[float], go.Figure],
    texts: Callable[[float], list[str]],
    readouts: Sequence[tuple[str, str]],
) -> FrameSet:
    """The frame set of a θ slider over ``THETA_GRID_DEG`` (cached as ``name``/``key``): ``make(θ)`` and
    ``texts(θ)`` at each θ of the grid, θ in radians."""
    thetas = np.radians(THETA_GRID_DEG)
    ids = [rid for rid, _ in readouts]
    return figure_frames(name, key, fig_id, THETA_GRID_DEG, lambda k: make(thetas[k]), lambda k: texts(thetas[k]), ids)


@functools.lru_cache(maxsize=1)
def lines_frames() -> FrameSet:
    """The frames of F4 (one per θ of the slider grid)."""
    return theta_frames("toy-lines", FRAMES_KEY, LINES_ID, make_toy_lines, lines_readouts, LINES_READOUTS)


@functools.lru_cache(maxsize=1)
def mirror_frames() -> FrameSet:
    """The frames of F5–F6 (one per θ of the slider grid)."""
    return theta_frames("toy-mirror", FRAMES_KEY, MIRROR_ID, make_toy_mirror, mirror_readouts, MIRROR_READOUTS)


@functools.lru_cache(maxsize=1)
def static_figures() -> dict:
    """The figures without a frame grid (F2's start, F3), as plain dicts built once per process."""
    return {"space": make_toy_space(*SPACE_START).to_plotly_json(), "classes": make_toy_classes().to_plotly_json()}
