"""F1, the hero: MNIST 2 vs 3 in the tilting plane, one frame per λ of the hinge sweep.

The plane (views.plane) fills the left, the mean digits i and j are two pictures on the right.  On a phone the
plane takes the whole width and the pictures are left out (the centroids stay marked in the plane).
"""

from __future__ import annotations

import numpy as np
from plotly.subplots import make_subplots

from models.sweeps import Sweep
from views.formats import fmt_angle, fmt_lambda, fmt_num, fmt_percent
from views.frames import FrameSet, frame_set
from views.pair_models import PairContext
from views.pictures import add_picture, digit_uri
from views.plane import PlaneFrames, plane_frames, plane_traces, plane_update
from views.style import base_layout

FIG_ID = "fig-hero"
HEIGHT = 480
READOUT_IDS = ("ro-hero-lam", "ro-hero-err", "ro-hero-dadv", "ro-hero-theta")
READOUT_LABELS = ("λ", "err_train", "d_adv", "θ")
# Below 600 px: the plane spans the figure, the mean digits (pictures, their axes and titles) are left out.
PHONE = {
    "xaxis.domain": [0, 1],
    **{f"{ax}.visible": False for ax in ("xaxis2", "yaxis2", "xaxis3", "yaxis3")},
    "annotations": [],
    "plot_bgcolor": "rgba(0, 0, 0, 0)",  # the hidden panels' backgrounds would cover part of the plane
    "margin.l": 48,
    "margin.r": 8,
    "legend.font": {"size": 11},
    "images[0].visible": False,
    "images[1].visible": False,
}


def hero_figure(pair: tuple[int, int], pf: PlaneFrames, y_shown: np.ndarray, i: np.ndarray, j: np.ndarray) -> dict:
    """The figure: the tilting plane (views.plane) and the mean digits i, j as pictures ``i`` and ``j``."""
    fig = make_subplots(
        rows=2,
        cols=2,
        column_widths=[0.78, 0.22],
        specs=[[{"rowspan": 2}, {}], [None, {}]],
        horizontal_spacing=0.08,
        vertical_spacing=0.14,
        subplot_titles=("", f"i: mean {pair[0]}", f"j: mean {pair[1]}"),
    )
    base_layout(fig, height=HEIGHT, meta={"l2phone": PHONE})
    plane_traces(fig, pf, y_shown)
    fig.update_yaxes(scaleanchor="x", scaleratio=1, row=1, col=1)
    for row, name, img in ((1, "i", i), (2, "j", j)):
        add_picture(fig, row, 2, name, digit_uri(img))
    return fig.to_plotly_json()


def hero_frames(sweep: Sweep, cx: PairContext) -> FrameSet:
    """One frame per λ of the sweep (values: the λ grid index): the plane's traces and the four readouts."""
    y_shown = cx.y_train[cx.shown]
    W, bias = np.asarray(sweep.W, dtype=np.float64), np.asarray(sweep.bias)
    pf = plane_frames(W, bias, sweep.centroid_i, sweep.centroid_j, cx.X_train[cx.shown])
    frames, texts = [], []
    for k, lam in enumerate(np.asarray(sweep.lam, dtype=np.float64)):
        d_adv = float(sweep.d_adv[k])
        frames.append({FIG_ID: {"traces": plane_update(pf, k, d_adv, y_shown)}})
        texts.append(
            [fmt_lambda(lam), fmt_percent(float(sweep.err_train[k])), fmt_num(d_adv), fmt_angle(float(sweep.theta[k]))]
        )
    figure = hero_figure((int(sweep.a), int(sweep.b)), pf, y_shown, sweep.centroid_i, sweep.centroid_j)
    return frame_set(range(len(frames)), {FIG_ID: figure}, frames, READOUT_IDS, texts)
