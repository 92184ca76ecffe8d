"""§1 A toy problem: two-pixel images, the tilted family 𝓛_θ, mirror images, and real training with λ.

Figures F2–F7 (``fig-toy-space``, ``fig-toy-classes``, ``fig-toy-lines``, ``fig-toy-mirror``, ``fig-toy-noisy``):
prose, controls, permalinks and callbacks.  The figures and their frame sets are built in views.toy (F2–F6) and
views.toy_training (F7); each grid slider is a FramePlayer.  F2 needs no frames: its picture *is* the point
(a, b), so assets/toy_space.js copies the two numbers into it.
"""

from __future__ import annotations

import functools

import numpy as np
from dash import Input, Output, State, clientside_callback, html

from components.common import figure_block, graph, markdown, readouts, section, slider
from components.grid_slider import grid_player, parse_on_grid, player_figure
from components.widgets.frame_player import FramePlayer
from views import toy as toy_view
from views import toy_training
from views.formats import power_of_ten, signed
from views.toy import DEFAULT_THETA_DEG, SPACE_START, THETA_GRID_DEG, THETA_STEP_DEG
from views.toy_training import DEFAULT_NOISY, NOISY_EXPONENTS

TOY_STEP = 0.05
UNIT_GRID = np.round(np.arange(-1.0, 1.0001, TOY_STEP), 2)


# ---------------------------------------------------------------------------------------------
# Strict parsers for permalinks (ValueError on anything off the control's range)


def parse_unit_coordinate(raw: str) -> float:
    """A toy pixel intensity in [−1, 1], snapped to the sliders' 0.05 grid."""
    return round(parse_on_grid(raw, UNIT_GRID, "a toy intensity"), 2)


parse_theta_deg = functools.partial(parse_on_grid, grid=THETA_GRID_DEG, what="θ (degrees)")
parse_noisy_exponent = functools.partial(parse_on_grid, grid=NOISY_EXPONENTS, what="log10 λ")


def theta_text(deg: float) -> str:
    """What a θ slider's thumb announces: 'θ = 45.0°'."""
    return f"θ = {deg:.1f}°"


def theta_player(ctl_id: str, fig_id: str, height: int, readouts, url_key: str, label: str) -> FramePlayer:
    """A θ slider in degrees over the 100-value grid 0 … 0.99·90° (step 0.9°) driving graph ``fig_id``."""
    marks = {0: "0°", 30: "30°", 60: "60°", 89.1: "89.1°"}
    url = (url_key, parse_theta_deg)
    slider_args = dict(value=DEFAULT_THETA_DEG, step=THETA_STEP_DEG, label=label, marks=marks, valuetext=theta_text)
    return grid_player(ctl_id, fig_id, height, readouts, THETA_GRID_DEG, url, **slider_args)


TILT = "θ (tilt of the boundary, degrees)"
LINES = theta_player("ctl-toy-theta", toy_view.LINES_ID, 380, toy_view.LINES_READOUTS, "toy_theta", TILT)
MIRROR = theta_player("ctl-mirror-theta", toy_view.MIRROR_ID, 360, toy_view.MIRROR_READOUTS, "mirror_theta", TILT)
NOISY = grid_player(
    "ctl-noisy-lambda",
    toy_training.NOISY_ID,
    400,
    toy_training.NOISY_READOUTS,
    NOISY_EXPONENTS,
    ("noisy_lambda", parse_noisy_exponent),
    value=DEFAULT_NOISY,
    step=0.25,
    label="log₁₀ λ (L2 regularization)",
    valuetext=lambda e: f"λ = {power_of_ten(e)}",
    marks={float(e): f"10^{int(e)}" for e in range(-4, 0)},
)
URL_STATE = {
    "toy_a": ("ctl-toy-a", "value", parse_unit_coordinate),
    "toy_b": ("ctl-toy-b", "value", parse_unit_coordinate),
    **LINES.url_state,
    **MIRROR.url_state,
    **NOISY.url_state,
}


def _space_block() -> html.Figure:
    a0, b0 = SPACE_START
    marks = {-1: "−1", 0: "0", 1: "1"}
    return figure_block(
        "fig-toy-space",
        "Figure 2 · Every point of the square is an image",
        [graph("fig-toy-space", toy_view.static_figures()["space"], height=400)],
        "Notice: moving right brightens the centre of the picture, moving up brightens its border — "
        "one point, one image.",
        controls=[
            slider(
                "ctl-toy-a",
                -1,
                1,
                a0,
                step=TOY_STEP,
                label="a (inner pixel)",
                marks=marks,
                valuetext=lambda v: f"a = {signed(v)}",
            ),
            slider(
                "ctl-toy-b",
                -1,
                1,
                b0,
                step=TOY_STEP,
                label="b (outer pixel)",
                marks=marks,
                valuetext=lambda v: f"b = {signed(v)}",
            ),
        ],
        readout_row=readouts([("ro-toy-space-a", "a = ", f"{a0:+.2f}"), ("ro-toy-space-b", "b = ", f"{b0:+.2f}")]),
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
    classes = figure_block(
        "fig-toy-classes",
        "Figure 3 · Two classes on the line b = 0",
        [graph("fig-toy-classes", toy_view.static_figures()["classes"], height=460)],
        "Notice: the two classes differ only in the inner pixel; the outer pixel is 0 for all of them.",
    )
    lines = player_figure(
        LINES,
        [toy_view.lines_frames()],
        "Figure 4 · A family of perfect classifiers 𝓛_θ",
        "Notice: every θ separates I from J without error — training error cannot tell these lines apart.",
    )
    mirror = player_figure(
        MIRROR,
        [toy_view.mirror_frames()],
        "Figure 5–6 · Projected and mirror images",
        "Notice: as θ grows the mirror image x_m slides towards x and its picture becomes a near copy of x, "
        "yet it is classified J.",
    )
    noisy = player_figure(
        NOISY,
        [toy_training.noisy_frames()],
        "Figure 7 · Training for real: a noisy point against L2 regularization",
        "Notice: at small λ both boundaries tilt sharply to put p on the I side; as λ grows they swing back "
        "towards vertical (θ → 0) and give p up.",
    )
    texts = (INTRO_TEXT, CLASSES_TEXT, LINES_TEXT, MIRROR_TEXT, NOISY_TEXT)
    figures = (_space_block(), classes, lines, mirror, noisy)
    return section(
        "toy", "1. A toy problem", [part for t, f in zip(texts, figures, strict=True) for part in (markdown(t), f)]
    )


# F2: the picture is (a, b) itself, so the browser copies the two numbers into it (assets/toy_space.js).
clientside_callback(
    "function(a, b, fig) { return window.l2toy.space(a, b, fig); }",
    [Output("fig-toy-space", "figure"), Output("ro-toy-space-a", "children"), Output("ro-toy-space-b", "children")],
    Input("ctl-toy-a", "value"),
    Input("ctl-toy-b", "value"),
    State("fig-toy-space", "figure"),
    prevent_initial_call=True,  # the page comes with SPACE_START drawn
)
clientside_callback(
    "function(click) { return window.l2toy.pick(click); }",
    [Output("ctl-toy-a", "value"), Output("ctl-toy-b", "value")],
    Input("fig-toy-space", "clickData"),
    prevent_initial_call=True,
)
