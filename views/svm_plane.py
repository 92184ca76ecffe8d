"""F11, the tilting plane of a sweep's model with w beside it as a 28×28 picture (blue +, red −)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from plotly.subplots import make_subplots

from views.formats import rounded
from views.pair_models import ModelRows
from views.pictures import add_picture, weight_uri
from views.plane import NO_PLANE, PlaneFrames, plane_traces, plane_update
from views.style import base_layout
from views.svm_loss import filled

FIG_ID = "fig-svm-plane"
HEIGHT = 440


@lru_cache(maxsize=1)
def plane_template() -> dict:
    """F11 without a sweep's points and ranges (``plane_figure`` fills them in)."""
    fig = make_subplots(
        rows=1, cols=2, column_widths=[0.68, 0.32], horizontal_spacing=0.1,
        subplot_titles=("", "w as an image (blue +, red −)"),
    )  # fmt: skip
    base_layout(fig, height=HEIGHT)
    plane_traces(fig, NO_PLANE, np.zeros(0))
    fig.update_yaxes(scaleanchor="x", scaleratio=1, row=1, col=1)
    add_picture(fig, 1, 2, "w")
    return fig.to_plotly_json()


def plane_figure(pf: PlaneFrames, y_shown: np.ndarray) -> dict:
    """F11 for a sweep: the shown points' u (the same for every λ) and the plane's fixed ranges."""
    u = np.asarray(rounded(pf.u, 3))
    y_shown = np.asarray(y_shown)
    return filled(
        plane_template(),
        {"class-I": {"x": u[y_shown == -1.0].tolist()}, "class-J": {"x": u[y_shown == 1.0].tolist()}},
        {"xaxis": list(pf.u_range), "yaxis": list(pf.v_range)},
    )


def plane_view_update(pf: PlaneFrames, rows: ModelRows, k: int, y_shown: np.ndarray) -> dict:
    """F11 for model k: the plane's traces and the picture of w."""
    return {"traces": plane_update(pf, k, float(rows.d_adv[k]), y_shown), "images": {"w": weight_uri(rows.W[k])}}
