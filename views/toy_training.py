"""§1's F7: real training on the toy set — hinge and logistic models at every λ of the slider, drawn exactly.

``noisy_fits`` trains the models once per process (models.toy: exact optima), ``make_toy_noisy`` draws one λ,
``noisy_readouts`` gives its texts (for the readouts declared in ``NOISY_READOUTS``) and ``noisy_frames`` the frame
set of the λ slider.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import plotly.graph_objects as go

from models import toy
from models.geometry import tilting_angle
from models.metrics import model_metrics
from views import toy as toy_view
from views.class_points import class_points
from views.figure_frames import figure_frames, frames_key
from views.frames import FrameSet
from views.style import PALETTE, base_layout

NOISY_KEY = frames_key(__file__, toy_view.__file__, toy.__file__)
NOISY_ID = "fig-toy-noisy"
NOISY_READOUTS = (
    ("ro-toy-noisy-lambda", "λ = "),
    ("ro-toy-noisy-hinge", "hinge: "),
    ("ro-toy-noisy-logistic", "logistic: "),
)

NOISY_EXPONENTS = np.round(np.arange(-4.0, -0.999, 0.25), 6)  # beyond ~10^-0.75 the hinge bias is not unique
DEFAULT_NOISY = -2.0
LOSS_STYLE = {
    "hinge": dict(color=PALETTE["boundary"], dash="solid"),
    "logistic": dict(color=PALETTE["purple"], dash="dash"),
}
# The clean classes lie on b = 0 around a = ∓0.6: the direction j − i that the tilt is measured from is (1, 0).
CENTRE_I, CENTRE_J = np.array([-0.6, 0.0]), np.array([0.6, 0.0])


@functools.lru_cache(maxsize=1)
def noisy_fits() -> dict:
    """Train hinge and logistic models on the toy training set at every λ of the grid (exact optima)."""
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


def tilt(w: np.ndarray) -> float:
    """The tilting angle θ of w: its angle to the centroid direction (1, 0) of the toy classes, in [0, π/2]."""
    return tilting_angle(w, CENTRE_I, CENTRE_J)


def _line(uid: str, xy: tuple[list, list], name: str, line: dict, show: bool | None) -> go.Scatter:
    return go.Scatter(uid=uid, x=xy[0], y=xy[1], mode="lines", hoverinfo="skip", name=name, showlegend=show, line=line)


def make_toy_noisy(data: dict, k: int) -> go.Figure:
    """F7: the training set (p highlighted) and the trained hinge and logistic boundaries at λ index k."""
    X, y = data["X"], data["y"]
    is_p = np.all(np.isclose(X, toy.P_NOISY), axis=1)
    fig = go.Figure()
    marker = dict(size=7)
    for trace in class_points(X[~is_p], y[~is_p], marker, "class {} (training)"):
        fig.add_trace(trace)
    p = go.Scatter(
        uid="p",
        x=[toy.P_NOISY[0]],
        y=[toy.P_NOISY[1]],
        mode="markers+text",
        text=["p"],
        textposition="bottom right",
        name="p (noisy, labelled I)",
        marker=dict(size=13, color=PALETTE["I"], symbol="diamond", line=dict(color="black", width=1.5)),
        hovertemplate="p = (0.07, −0.07), labelled I<extra></extra>",
    )
    fig.add_trace(p)
    w_h, b_h = data["fits"]["hinge"][k]
    margin = dict(color=PALETTE["muted"], dash="dot", width=1.2)
    # the hinge's margin lines w·x + b = ±1: inside them a point still pays loss
    for side, uid in ((-1.0, "margin-low"), (1.0, "margin-high")):
        fig.add_trace(_line(uid, toy_view.line_in_box(w_h, b_h - side), "hinge margin (s = ±1)", margin, side > 0))
    for loss, style in LOSS_STYLE.items():
        w, b = data["fits"][loss][k]
        fig.add_trace(_line(loss, toy_view.line_in_box(w, b), f"{loss} boundary", dict(width=2.5, **style), None))
    base_layout(fig, height=400)
    toy_view.plane_axes(fig)
    return fig


def noisy_readouts(data: dict, k: int) -> list[str]:
    """Readouts of F7: λ, and per loss θ, training error (%) and which side p falls on."""
    X, y = data["X"], data["y"]
    out = [f"10^{NOISY_EXPONENTS[k]:.2f} = {10.0 ** NOISY_EXPONENTS[k]:.3g}"]
    for loss in ("hinge", "logistic"):
        w, b = data["fits"][loss][k]
        err = model_metrics(X, y, X, y, w, b, CENTRE_I, CENTRE_J)["err_train"]
        side = "I ✓" if float(toy.P_NOISY @ w + b) < 0 else "J ✗"
        out.append(f"θ = {math.degrees(tilt(w)):.1f}°, error = {err:.1f} %, p → {side}")
    return out


@functools.lru_cache(maxsize=1)
def noisy_frames() -> FrameSet:
    """The frames of F7 (one per λ of its grid; the models are trained only when the cache misses)."""
    ids = [rid for rid, _ in NOISY_READOUTS]
    make, texts = (lambda k: make_toy_noisy(noisy_fits(), k)), (lambda k: noisy_readouts(noisy_fits(), k))
    return figure_frames("toy-noisy", NOISY_KEY, NOISY_ID, NOISY_EXPONENTS, make, texts, ids)
