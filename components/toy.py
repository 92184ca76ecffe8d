"""§1 A toy problem: two-pixel images, the tilted family 𝓛_θ, mirror images, and real training with λ.

Figures F2–F7: ``fig-toy-space``, ``fig-toy-classes``, ``fig-toy-lines``, ``fig-toy-mirror``,
``fig-toy-noisy``.  Every frame is computed here in Python; clientside callbacks only pick frames.
"""

from __future__ import annotations

import functools
import logging
import math

import numpy as np
import plotly.graph_objects as go
from dash import Input, Output, State, clientside_callback, html
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
from components.frames import (
    apply_frame,
    cached_payload,
    frames_payload,
    frames_store,
    parse_on_grid,
    readout_row,
    register_frame_player,
    source_digest,
)
from models.geometry import mirror_image, projected_image, signed_distance

log = logging.getLogger(__name__)
FRAMES_KEY = source_digest(__file__, md.__file__)  # at import: see components.frames.source_digest

X_REF = np.array([-0.8, 0.0])
P_NOISY = np.array([0.07, -0.07])
THETA_MAX_DEG = 0.99 * 90.0
THETA_STEP_DEG = 0.9  # 100 frames: 0 … 0.99·π/2 (= 89.1°)
THETA_GRID_DEG = np.round(np.arange(100) * THETA_STEP_DEG, 6)
NOISY_EXPONENTS = np.round(np.arange(-4.0, -0.999, 0.25), 6)  # beyond ~10^-0.75 the hinge bias is not unique
TOY_STEP = 0.05
UNIT_GRID = np.round(np.arange(-1.0, 1.0001, TOY_STEP), 2)
LOSS_STYLE = {"hinge": dict(color=PALETTE["boundary"], dash="solid"),
              "logistic": dict(color=PALETTE["purple"], dash="dash")}


# ---------------------------------------------------------------------------------------------
# Strict parsers for permalinks (ValueError on anything off the control's range)

def parse_unit_coordinate(raw: str) -> float:
    """A toy pixel intensity in [−1, 1], snapped to the sliders' 0.05 grid."""
    return round(parse_on_grid(raw, UNIT_GRID, "a toy intensity"), 2)


def parse_theta_deg(raw: str) -> float:
    """A tilting angle in degrees in [0, 89.1], snapped to the slider's grid."""
    return parse_on_grid(raw, THETA_GRID_DEG, "θ (degrees)")


def parse_noisy_exponent(raw: str) -> float:
    """log10 λ for the toy training figure, on its grid (−4 … −1, step 0.25)."""
    return parse_on_grid(raw, NOISY_EXPONENTS, "log10 λ")


URL_STATE = {
    "toy_a": ("ctl-toy-a", "value", parse_unit_coordinate),
    "toy_b": ("ctl-toy-b", "value", parse_unit_coordinate),
    "toy_theta": ("ctl-toy-theta", "value", parse_theta_deg),
    "mirror_theta": ("ctl-mirror-theta", "value", parse_theta_deg),
    "noisy_lambda": ("ctl-noisy-lambda", "value", parse_noisy_exponent),
}


# ---------------------------------------------------------------------------------------------
# Geometry helpers for drawing (the science is in models/)

def w_theta(theta: float) -> np.ndarray:
    """Unit normal (cos θ, sin θ) of the line 𝓛_θ."""
    return np.array([math.cos(theta), math.sin(theta)])


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


def _image_trace(a: float, b: float, name: str) -> go.Heatmap:
    return go.Heatmap(z=toy_image(a, b), zmin=-1, zmax=1, colorscale="Blues", showscale=False, name=name,
                      hovertemplate=f"{name}: inner a = {a:.2f}, outer b = {b:.2f}<extra></extra>", xgap=0, ygap=0)


def _add_picture(fig: go.Figure, a: float, b: float, axis: int) -> None:
    """The toy image (a, b) as a layout image filling the 3×3 cells of picture axes number ``axis`` (what a heatmap
    of ``toy_image`` draws there, on 256 colour levels, for the price of one <image> element)."""
    fig.add_layout_image(source=md.heatmap_uri(toy_image(a, b), "Blues", -1, 1), xref=f"x{axis}", yref=f"y{axis}",
                         x=-0.5, y=-0.5, sizex=3, sizey=3, xanchor="left", yanchor="top", sizing="stretch",
                         layer="above")


def _square_images(fig: go.Figure, n_axes: int, first_image_axis: int) -> None:
    """Make image subplots square and frameless (axes numbered from ``first_image_axis``), each framing a 3×3 toy
    picture with row 0 at the top (the ranges a heatmap of it would autorange to, fixed for its layout image)."""
    for k in range(first_image_axis, n_axes + 1):
        fig.layout[f"xaxis{k}"].update(visible=False, constrain="domain", range=[-0.5, 2.5], autorange=False)
        fig.layout[f"yaxis{k}"].update(visible=False, scaleanchor=f"x{k}", constrain="domain", range=[2.5, -0.5],
                                       autorange=False)


def _plane_axes(fig: go.Figure, lim: float = 1.05) -> None:
    """Style the first subplot (xaxis/yaxis) as the toy image space with labelled, equal axes."""
    common = dict(range=[-lim, lim], zeroline=True, zerolinecolor="#ccc", constrain="domain")
    fig.update_layout(xaxis=dict(title_text="a: inner pixel (intensity −1 … 1)", **common),
                      yaxis=dict(title_text="b: outer pixel (intensity)", scaleanchor="x", **common))


def _class_traces(show_legend: bool = True) -> list[go.Scatter]:
    return [
        go.Scatter(x=[-1, -0.2], y=[0, 0], mode="lines", line=dict(color=PALETTE["I"], width=7), name="class I",
                   showlegend=show_legend, hovertemplate="class I: a ∈ [−1, −0.2], b = 0<extra></extra>"),
        go.Scatter(x=[0.2, 1], y=[0, 0], mode="lines", line=dict(color=PALETTE["J"], width=7), name="class J",
                   showlegend=show_legend, hovertemplate="class J: a ∈ [0.2, 1], b = 0<extra></extra>"),
    ]


# ---------------------------------------------------------------------------------------------
# Figure builders (pure)

def make_toy_space(a: float, b: float) -> go.Figure:
    """F2: the image space [−1, 1]² with the point (a, b) and its two-pixel picture."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.6, 0.4], horizontal_spacing=0.12,
                        subplot_titles=("", "the image (a, b)"))
    # An invisible 41×41 heatmap over the plane catches clicks (one cheap trace; cells are the 0.05 grid).
    grid = np.round(np.linspace(-1, 1, 41), 2)
    fig.add_trace(go.Heatmap(x=grid, y=grid, z=np.zeros((41, 41)), opacity=0, showscale=False, name="click targets",
                             colorscale=[[0, "white"], [1, "white"]],
                             hovertemplate="click to pick (%{x:.2f}, %{y:.2f})<extra></extra>"), 1, 1)
    fig.add_trace(go.Scatter(x=[a], y=[b], mode="markers", marker=dict(size=14, color=PALETTE["adversarial"],
                             line=dict(color="black", width=1)), name="(a, b)", showlegend=False,
                             hovertemplate="a = %{x:.2f}, b = %{y:.2f}<extra></extra>"), 1, 1)
    fig.add_trace(_image_trace(a, b, "image"), 1, 2)
    base_layout(fig, height=400)
    _plane_axes(fig)
    _square_images(fig, 2, 2)
    fig.update_layout(clickmode="event")
    return fig


def make_toy_classes() -> go.Figure:
    """F3: classes I and J on the line b = 0, with three example images of each."""
    examples = [-1.0, -0.6, -0.2, 0.2, 0.6, 1.0]
    specs = [[{"colspan": 6}] + [None] * 5, [{}] * 6]
    titles = ["image space"] + [f"{'I' if a < 0 else 'J'}: a = {a:+.1f}" for a in examples]
    fig = make_subplots(rows=2, cols=6, specs=specs, row_heights=[0.62, 0.38], vertical_spacing=0.26,
                        subplot_titles=titles)
    for t in _class_traces():
        fig.add_trace(t, 1, 1)
    fig.add_trace(go.Scatter(x=examples, y=[0] * 6, mode="markers", showlegend=False, hoverinfo="skip",
                             marker=dict(size=9, color="white", line=dict(color="black", width=1.5))), 1, 1)
    # the six examples: pictures on their own (hidden) axes, titled with their a, no hover (the title says it all)
    for k, a in enumerate(examples):
        _add_picture(fig, a, 0.0, k + 2)
    base_layout(fig, height=460)
    _plane_axes(fig)
    fig.update_layout(yaxis=dict(range=[-0.45, 0.45], scaleanchor=None))
    _square_images(fig, 7, 2)
    return fig


def make_toy_lines(theta: float) -> go.Figure:
    """F4: the separating line 𝓛_θ (through the origin, unit normal w_θ) between classes I and J."""
    w = w_theta(theta)
    lx, ly = line_in_box(w, 0.0)
    fig = go.Figure(_class_traces())
    fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", line=dict(color=PALETTE["boundary"], width=2.5),
                             name="𝓛_θ (boundary)", hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[0, 0.45 * w[0]], y=[0, 0.45 * w[1]], mode="lines+markers",
                             line=dict(color=PALETTE["accent"], width=3), marker=dict(symbol="arrow", angleref="previous",
                                                                                      size=[0, 14]),
                             name="normal w_θ", hoverinfo="skip"))
    base_layout(fig, height=380)
    _plane_axes(fig)
    return fig


def mirror_quantities(theta: float) -> dict:
    """x, x_p, x_m for the reference image x = (−0.8, 0) and 𝓛_θ, plus d(x) and ‖x − x_m‖ (from models.geometry)."""
    w = w_theta(theta)
    x_p = projected_image(X_REF, w, 0.0)
    x_m = mirror_image(X_REF, w, 0.0)
    return {"w": w, "x": X_REF.copy(), "x_p": x_p, "x_m": x_m, "d": float(signed_distance(X_REF, w, 0.0)),
            "dist": float(np.linalg.norm(X_REF - x_m))}


def make_toy_mirror(theta: float) -> go.Figure:
    """F5/F6: x, its projection x_p on 𝓛_θ and its mirror image x_m, with the pictures of x and x_m."""
    q = mirror_quantities(theta)
    x, xp, xm = q["x"], q["x_p"], q["x_m"]
    fig = make_subplots(rows=1, cols=3, column_widths=[0.6, 0.2, 0.2], horizontal_spacing=0.06,
                        subplot_titles=("", "x (class I)", "x_m (→ J)"))
    for t in _class_traces():
        fig.add_trace(t, 1, 1)
    lx, ly = line_in_box(q["w"], 0.0)
    fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", line=dict(color=PALETTE["boundary"], width=2.5),
                             name="𝓛_θ", hoverinfo="skip"), 1, 1)
    fig.add_trace(go.Scatter(x=[x[0], xm[0]], y=[x[1], xm[1]], mode="lines", showlegend=False, hoverinfo="skip",
                             line=dict(color=PALETTE["muted"], dash="dot", width=1.5)), 1, 1)
    fig.add_trace(go.Scatter(
        x=[round(v, 5) for v in (x[0], xp[0], xm[0])], y=[round(v, 5) for v in (x[1], xp[1], xm[1])],
        mode="markers+text", text=["x", "x_p", "x_m"], textposition=["bottom center", "top left", "top center"],
        marker=dict(size=[13, 9, 13], color=[PALETTE["I"], "white", PALETTE["adversarial"]],
                    line=dict(color="black", width=1.2)),
        showlegend=False, hovertemplate="(%{x:.3f}, %{y:.3f})<extra></extra>"), 1, 1)
    # The pictures of x and x_m are layout images (a new x_m per θ step is an image swap in the browser); the
    # heatmaps of the same values stay under them, invisible, for the hover read-out.
    for col, (a, b, name) in ((2, (float(x[0]), float(x[1]), "x")),
                              (3, (round(float(xm[0]), 5), round(float(xm[1]), 5), "x_m"))):
        fig.add_trace(_image_trace(a, b, name).update(opacity=0), 1, col)
        _add_picture(fig, a, b, col)
    base_layout(fig, height=360)
    _plane_axes(fig)
    _square_images(fig, 3, 2)
    return fig


def mirror_readouts(theta: float) -> list[str]:
    """Readouts of F6: θ, d(x), ‖x − x_m‖ (measured) and 1.6 cos θ (formula), and the class of x_m."""
    q = mirror_quantities(theta)
    d_m = float(signed_distance(q["x_m"], q["w"], 0.0))
    return [f"{math.degrees(theta):.1f}° ({theta:.3f} rad)", f"{q['d']:+.3f}", f"{q['dist']:.3f}",
            f"{1.6 * math.cos(theta):.3f}", "J" if d_m > 1e-12 else ("on the line" if abs(d_m) <= 1e-12 else "I")]


# ---- F7: real training on the toy set

def _toy_model():
    """models.toy (the linear engine's exact toy solver), or None while it does not exist yet."""
    try:
        from models import toy
    except ImportError as exc:  # pragma: no cover - depends on the other part landing
        log.warning("models.toy not available yet: %s", exc)
        return None
    return toy


_TOY = _toy_model()
NOISY_KEY = source_digest(__file__, *([_TOY.__file__] if _TOY is not None else []))


@functools.lru_cache(maxsize=1)
def noisy_fits() -> dict | None:
    """Train hinge and logistic models on the toy training set at every λ of the grid (exact optima)."""
    toy = _toy_model()
    if toy is None:
        return None
    X, y = toy.toy_training_set()
    X, y = np.asarray(X, float), np.asarray(y, float)
    fits = {}
    for loss in ("hinge", "logistic"):
        rows = []
        for e in NOISY_EXPONENTS:
            w, b = toy.fit_toy(loss, float(10.0**e))
            rows.append((np.asarray(w, float), float(b)))
        fits[loss] = rows
    return {"X": X, "y": y, "fits": fits}


def _angle_to_axis(w: np.ndarray) -> float:
    """Angle between w and the centroid direction (1, 0) of the toy classes, in [0, π/2]."""
    c = abs(float(w[0])) / max(float(np.linalg.norm(w)), 1e-300)
    return math.acos(min(1.0, c))


def make_toy_noisy(data: dict, k: int) -> go.Figure:
    """F7: the training set (p highlighted) and the trained hinge and logistic boundaries at λ index k."""
    X, y = data["X"], data["y"]
    is_p = np.all(np.isclose(X, P_NOISY), axis=1)
    fig = go.Figure()
    for label, cls, name in ((-1.0, "I", "class I (training)"), (1.0, "J", "class J (training)")):
        m = (y == label) & ~is_p
        fig.add_trace(go.Scatter(x=X[m, 0], y=X[m, 1], mode="markers", name=name, hoverinfo="skip",
                                 marker=dict(size=7, color=PALETTE[cls], line=dict(color="white", width=0.5))))
    fig.add_trace(go.Scatter(x=[P_NOISY[0]], y=[P_NOISY[1]], mode="markers+text", text=["p"],
                             textposition="bottom right", name="p (noisy, labelled I)",
                             marker=dict(size=13, color=PALETTE["I"], symbol="diamond",
                                         line=dict(color="black", width=1.5)),
                             hovertemplate="p = (0.07, −0.07), labelled I<extra></extra>"))
    w_h, b_h = data["fits"]["hinge"][k]
    for side in (-1.0, 1.0):  # the hinge's margin lines w·x + b = ±1: inside them a point still pays loss
        mx, my = line_in_box(w_h, b_h - side)
        fig.add_trace(go.Scatter(x=mx, y=my, mode="lines", hoverinfo="skip", name="hinge margin (s = ±1)",
                                 showlegend=side > 0, line=dict(color=PALETTE["muted"], dash="dot", width=1.2)))
    for loss, style in LOSS_STYLE.items():
        w, b = data["fits"][loss][k]
        lx, ly = line_in_box(w, b)
        fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", line=dict(width=2.5, **style), hoverinfo="skip",
                                 name=f"{loss} boundary"))
    base_layout(fig, height=400)
    _plane_axes(fig)
    return fig


def noisy_readouts(data: dict, k: int) -> list[str]:
    """Readouts of F7: λ, and per loss θ, training error (%) and which side p falls on."""
    X, y = data["X"], data["y"]
    out = [f"10^{NOISY_EXPONENTS[k]:.2f} = {10.0 ** NOISY_EXPONENTS[k]:.3g}"]
    for loss in ("hinge", "logistic"):
        w, b = data["fits"][loss][k]
        s = X @ w + b
        err = 100.0 * float(np.mean(np.where(s > 0, 1.0, -1.0) != y))
        side = "I ✓" if float(P_NOISY @ w + b) < 0 else "J ✗"
        out.append(f"θ = {math.degrees(_angle_to_axis(w)):.1f}°, error = {err:.1f} %, p → {side}")
    return out


# ---------------------------------------------------------------------------------------------
# Frames (computed once per process) and layout

@functools.lru_cache(maxsize=1)
def lines_payload() -> dict:
    """All frames of F4 (one per θ of the slider grid)."""
    thetas = np.radians(THETA_GRID_DEG)
    return cached_payload("toy-lines", FRAMES_KEY, lambda: frames_payload(
        THETA_GRID_DEG, [make_toy_lines(t) for t in thetas], [[f"{math.degrees(t):.1f}° ({t:.3f} rad)"] for t in thetas]))


@functools.lru_cache(maxsize=1)
def mirror_payload() -> dict:
    """All frames of F6 (one per θ of the slider grid)."""
    thetas = np.radians(THETA_GRID_DEG)
    return cached_payload("toy-mirror", FRAMES_KEY, lambda: frames_payload(
        THETA_GRID_DEG, [make_toy_mirror(t) for t in thetas], [mirror_readouts(t) for t in thetas]))


@functools.lru_cache(maxsize=1)
def noisy_payload() -> dict | None:
    """All frames of F7 (one per λ of its grid), or None while the toy solver is missing."""
    data = noisy_fits()
    if data is None:
        return None
    ks = range(len(NOISY_EXPONENTS))
    return cached_payload("toy-noisy", NOISY_KEY, lambda: frames_payload(
        NOISY_EXPONENTS, [make_toy_noisy(data, k) for k in ks], [noisy_readouts(data, k) for k in ks]))


MIRROR_RO = ["ro-toy-mirror-theta", "ro-toy-mirror-d", "ro-toy-mirror-dist", "ro-toy-mirror-formula",
             "ro-toy-mirror-class"]
NOISY_RO = ["ro-toy-noisy-lambda", "ro-toy-noisy-hinge", "ro-toy-noisy-logistic"]
DEFAULT_THETA_DEG = float(THETA_GRID_DEG[50])
DEFAULT_NOISY = -2.0


def theta_slider(ctl_id: str, label: str) -> html.Div:
    """A θ slider in degrees over the 100-value grid 0 … 0.99·90° (step 0.9°)."""
    return slider(ctl_id, 0, float(THETA_GRID_DEG[-1]), DEFAULT_THETA_DEG, step=THETA_STEP_DEG, label=label,
                  marks={0: "0°", 30: "30°", 60: "60°", 89.1: "89.1°"})


A0, B0 = -0.6, 0.3


@functools.lru_cache(maxsize=1)
def static_figures() -> dict:
    """The figures without a frame grid (F2's start, F3), as plain dicts built once per process."""
    return {"space": make_toy_space(A0, B0).to_plotly_json(), "classes": make_toy_classes().to_plotly_json()}


def _space_block() -> html.Figure:
    a0, b0 = A0, B0
    return figure_block(
        "fig-toy-space", "Figure 2 · Every point of the square is an image",
        [graph("fig-toy-space", static_figures()["space"], height=400)],
        "Notice: moving right brightens the centre of the picture, moving up brightens its border — "
        "one point, one image.",
        controls=[slider("ctl-toy-a", -1, 1, a0, step=TOY_STEP, label="a (inner pixel)", marks={-1: "−1", 0: "0", 1: "1"}),
                  slider("ctl-toy-b", -1, 1, b0, step=TOY_STEP, label="b (outer pixel)", marks={-1: "−1", 0: "0", 1: "1"})],
        readout_row=readouts([("ro-toy-space-a", "a = ", f"{a0:+.2f}"), ("ro-toy-space-b", "b = ", f"{b0:+.2f}")]),
    )


def _noisy_block() -> html.Figure:
    payload = noisy_payload()
    if payload is None:
        body = [html.Div("The toy solver (models/toy.py) is not installed yet: this figure will train its models "
                         "once it is.", className="figure-note"), graph("fig-toy-noisy", height=400),
                frames_store("fig-toy-noisy-frames", None)]
        ro0 = ["—", "—", "—"]
    else:
        k = int(np.argmin(np.abs(NOISY_EXPONENTS - DEFAULT_NOISY)))
        body = [graph("fig-toy-noisy", apply_frame(payload, DEFAULT_NOISY)[0], height=400), frames_store("fig-toy-noisy-frames", payload)]
        ro0 = payload["frames"][k]["readouts"]
    return figure_block(
        "fig-toy-noisy", "Figure 7 · Training for real: a noisy point against L2 regularization",
        body,
        "Notice: at small λ both boundaries tilt sharply to put p on the I side; as λ grows they swing back "
        "towards vertical (θ → 0) and give p up.",
        controls=[slider("ctl-noisy-lambda", float(NOISY_EXPONENTS[0]), float(NOISY_EXPONENTS[-1]), DEFAULT_NOISY,
                         step=0.25, label="log₁₀ λ (L2 regularization)",
                         marks={float(e): f"10^{int(e)}" for e in range(-4, 0)})],
        readout_row=readouts([(NOISY_RO[0], "λ = ", ro0[0]), (NOISY_RO[1], "hinge: ", ro0[1]),
                              (NOISY_RO[2], "logistic: ", ro0[2])]),
    )


INTRO_TEXT = r"""
To see what L2 regularization does to adversarial examples we first shrink the problem until it fits on
a sheet of paper. Our "images" will have just **two pixels**: an inner square with intensity $a$ and the
frame around it with intensity $b$, both between $-1$ (white) and $1$ (dark blue). Every image is therefore a
point $(a, b)$ of the square $[-1, 1]^2$, and every point of that square is an image. Click anywhere on the
left panel, or use the two sliders, and watch the picture on the right.
"""

CLASSES_TEXT = r"""
Now define two classes. Class $I$ contains the images whose border is mid-grey ($b = 0$) and whose centre is
light, $a \in [-1, -0.2]$; class $J$ has the same grey border and a dark centre, $a \in [0.2, 1]$. Both classes
live on the horizontal line $b = 0$, separated by a gap. The outer pixel carries no information at all: it is
the same for every training image.
"""

LINES_TEXT = r"""
Which linear classifier should separate $I$ from $J$? Many do the job perfectly. Take the family
$\mathcal{L}_\theta$ of lines through the origin whose unit normal is $w_\theta = (\cos\theta, \sin\theta)$,
for $0 \le \theta < \pi/2$. An image $x$ is assigned to $J$ when $w_\theta \cdot x > 0$ and to $I$ otherwise.
Every one of these lines classifies all training images correctly, whatever $\theta$ — yet they are far from
equivalent, as the next figure shows.
"""

MIRROR_TEXT = r"""
Take the reference image $x = (-0.8, 0)$ of class $I$. Its signed distance to the boundary is
$d(x) = w_\theta \cdot x = -0.8\cos\theta$. Two derived images are useful:

$$
x_p = x - d(x)\, w_\theta \qquad\text{(the projection of } x \text{ on the boundary)},
$$

$$
x_m = x - 2\, d(x)\, w_\theta \qquad\text{(the mirror image of } x \text{ across the boundary)}.
$$

The mirror image sits exactly as far on the $J$ side as $x$ sits on the $I$ side, so the classifier calls it
$J$. The distance between the two images is $\|x - x_m\| = 2|d(x)| = 1.6\cos\theta$.

* When $\theta = 0$ the boundary is the vertical axis, $x_m = (0.8, 0)$, and $\|x - x_m\| = 1.6$: the mirror image
  is simply a typical image of class $J$. Nobody would call it adversarial.
* As $\theta \to \pi/2$ the boundary lies down along the data, $\|x - x_m\| \to 0$, and $x_m$ becomes
  indistinguishable from $x$ — yet it is classified $J$. That is an adversarial example: a tiny change, made
  in the direction the classifier is sensitive to, flips the decision.

The tilt of the boundary, not its training error, decides how strong the adversarial examples are.
"""

NOISY_TEXT = r"""
Why would a learned classifier ever tilt? In the toy problem nothing forces a tilt, because the outer pixel
is constant. Real data is noisy, though. Add one image $p = (0.07, -0.07)$ labelled $I$: its centre is
slightly dark, so it lies on the wrong side of the vertical boundary. A linear model can still put $p$ on the
$I$ side, but only by tilting — using the outer pixel, which looks like pure noise, to explain a single
point — and, to make the hinge or logistic loss of $p$ small, by growing $\|w\|$ a lot.

This is where L2 regularization enters. We train on the toy set (many images of each class plus $p$) by
minimizing

$$
L(w, b) = \frac{1}{n}\sum_{k} f\big(y_k (w\cdot x_k + b)\big) + \lambda \|w\|^2 ,
$$

with $f$ the hinge loss $\max(1 - z, 0)$ or the softplus $\ln(1 + e^{-z})$ of logistic regression, and the
exact minimiser for each $\lambda$ is drawn below — nothing is drawn by hand. A small $\lambda$ lets $\|w\|$
grow, so the model can afford to fit $p$ by tilting; a large $\lambda$ keeps $\|w\|$ small, the loss of $p$
no longer pays for a tilt, and the boundary returns to the direction that joins the two class centres.
"""


def layout() -> html.Section:
    """§1: prose and figures F2–F7."""
    thetas = THETA_GRID_DEG
    k0 = int(np.argmin(np.abs(thetas - DEFAULT_THETA_DEG)))
    lp, mp = lines_payload(), mirror_payload()
    return section("toy", "1. A toy problem", [
        markdown(INTRO_TEXT),
        _space_block(),
        markdown(CLASSES_TEXT),
        figure_block("fig-toy-classes", "Figure 3 · Two classes on the line b = 0",
                     [graph("fig-toy-classes", static_figures()["classes"], height=460)],
                     "Notice: the two classes differ only in the inner pixel; the outer pixel is 0 for all of them."),
        markdown(LINES_TEXT),
        figure_block(
            "fig-toy-lines", "Figure 4 · A family of perfect classifiers 𝓛_θ",
            [graph("fig-toy-lines", apply_frame(lp, DEFAULT_THETA_DEG)[0], height=380), frames_store("fig-toy-lines-frames", lp)],
            "Notice: every θ separates I from J without error — training error cannot tell these lines apart.",
            controls=[theta_slider("ctl-toy-theta", "θ (tilt of the boundary, degrees)")],
            readout_row=readouts([("ro-toy-lines-theta", "θ = ", lp["frames"][k0]["readouts"][0])])),
        markdown(MIRROR_TEXT),
        figure_block(
            "fig-toy-mirror", "Figure 5–6 · Projected and mirror images",
            [graph("fig-toy-mirror", apply_frame(mp, DEFAULT_THETA_DEG)[0], height=360),
             frames_store("fig-toy-mirror-frames", mp)],
            "Notice: as θ grows the mirror image x_m slides towards x and its picture becomes a near copy of x, "
            "yet it is classified J.",
            controls=[theta_slider("ctl-mirror-theta", "θ (tilt of the boundary, degrees)")],
            readout_row=readout_row(MIRROR_RO, ["θ = ", "d(x) = ", "‖x − x_m‖ = ", "1.6 cos θ = ", "x_m classified "],
                                    mp["frames"][k0]["readouts"])),
        markdown(NOISY_TEXT),
        _noisy_block(),
    ])


register_frame_player("fig-toy-lines", "ctl-toy-theta", "fig-toy-lines-frames", ["ro-toy-lines-theta"])
register_frame_player("fig-toy-mirror", "ctl-mirror-theta", "fig-toy-mirror-frames", MIRROR_RO)
register_frame_player("fig-toy-noisy", "ctl-noisy-lambda", "fig-toy-noisy-frames", NOISY_RO)

# F2: the picture is (a, b) itself, so the browser only copies the two numbers into the 3×3 image.
clientside_callback(
    """
    function(a, b, fig) {
        const nu = window.dash_clientside.no_update;
        if (!fig || !isFinite(Number(a)) || !isFinite(Number(b)) || a === null || b === null) { return [nu, nu, nu]; }
        const A = Number(a), B = Number(b);
        const data = fig.data.slice();
        data[1] = Object.assign({}, data[1], {x: [A], y: [B]});
        data[2] = Object.assign({}, data[2], {z: [[B, B, B], [B, A, B], [B, B, B]]});
        const f = (v) => (v >= 0 ? '+' : '') + v.toFixed(2);
        return [{data: data, layout: fig.layout}, f(A), f(B)];
    }
    """,
    [Output("fig-toy-space", "figure"), Output("ro-toy-space-a", "children"), Output("ro-toy-space-b", "children")],
    Input("ctl-toy-a", "value"), Input("ctl-toy-b", "value"), State("fig-toy-space", "figure"),
    prevent_initial_call=True,  # the page comes with (A0, B0) drawn
)

clientside_callback(
    """
    function(click) {
        const nu = window.dash_clientside.no_update;
        if (!click || !click.points || !click.points.length) { return [nu, nu]; }
        const p = click.points[0];
        const snap = (v) => Math.max(-1, Math.min(1, Math.round(Number(v) * 20) / 20));
        if (!isFinite(Number(p.x)) || !isFinite(Number(p.y))) { return [nu, nu]; }
        return [snap(p.x), snap(p.y)];
    }
    """,
    [Output("ctl-toy-a", "value"), Output("ctl-toy-b", "value")],
    Input("fig-toy-space", "clickData"),
    prevent_initial_call=True,
)
