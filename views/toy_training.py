"""§1's F7: real training on the toy set — hinge and logistic models at every λ of the slider, drawn exactly.

``noisy_fits`` trains the models once per process (models.toy: exact optima), ``make_toy_noisy`` draws one λ,
``noisy_readouts`` gives its texts and ``noisy_payload`` every frame of the λ slider.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import plotly.graph_objects as go

from models import toy
from models.geometry import tilting_angle
from views import toy as toy_view
from views._from_components import PALETTE, base_layout, cached_payload, frames_payload, source_digest

NOISY_KEY = source_digest(__file__, toy_view.__file__, toy.__file__)  # at import: see components.frames

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


def _line(x: list[float], y: list[float], name: str, line: dict, show: bool = True) -> go.Scatter:
    return go.Scatter(x=x, y=y, mode="lines", hoverinfo="skip", name=name, showlegend=show, line=line)


def make_toy_noisy(data: dict, k: int) -> go.Figure:
    """F7: the training set (p highlighted) and the trained hinge and logistic boundaries at λ index k."""
    X, y = data["X"], data["y"]
    is_p = np.all(np.isclose(X, toy.P_NOISY), axis=1)
    fig = go.Figure()
    for label, cls, name in ((-1.0, "I", "class I (training)"), (1.0, "J", "class J (training)")):
        m = (y == label) & ~is_p
        marker = dict(size=7, color=PALETTE[cls], line=dict(color="white", width=0.5))
        fig.add_trace(go.Scatter(x=X[m, 0], y=X[m, 1], mode="markers", name=name, hoverinfo="skip", marker=marker))
    p = go.Scatter(
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
    for side in (-1.0, 1.0):  # the hinge's margin lines w·x + b = ±1: inside them a point still pays loss
        fig.add_trace(_line(*toy_view.line_in_box(w_h, b_h - side), "hinge margin (s = ±1)", margin, side > 0))
    for loss, style in LOSS_STYLE.items():
        w, b = data["fits"][loss][k]
        lx, ly = toy_view.line_in_box(w, b)
        fig.add_trace(
            go.Scatter(
                x=lx, y=ly, mode="lines", line=dict(width=2.5, **style), hoverinfo="skip", name=f"{loss} boundary"
            )
        )
    base_layout(fig, height=400)
    toy_view.plane_axes(fig)
    return fig


def noisy_readouts(data: dict, k: int) -> list[str]:
    """Readouts of F7: λ, and per loss θ, training error (%) and which side p falls on."""
    X, y = data["X"], data["y"]
    out = [f"10^{NOISY_EXPONENTS[k]:.2f} = {10.0 ** NOISY_EXPONENTS[k]:.3g}"]
    for loss in ("hinge", "logistic"):
        w, b = data["fits"][loss][k]
        s = X @ w + b
        err = 100.0 * float(np.mean(np.where(s > 0, 1.0, -1.0) != y))
        side = "I ✓" if float(toy.P_NOISY @ w + b) < 0 else "J ✗"
        out.append(f"θ = {math.degrees(tilt(w)):.1f}°, error = {err:.1f} %, p → {side}")
    return out


@functools.lru_cache(maxsize=1)
def noisy_payload() -> dict:
    """All frames of F7 (one per λ of its grid)."""
    data = noisy_fits()
    ks = range(len(NOISY_EXPONENTS))
    return cached_payload(
        "toy-noisy",
        NOISY_KEY,
        lambda: frames_payload(
            NOISY_EXPONENTS, [make_toy_noisy(data, k) for k in ks], [noisy_readouts(data, k) for k in ks]
        ),
    )
