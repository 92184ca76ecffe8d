"""F12, mirror images: an image x of class I and y of class J, their reflections x_m, y_m through the boundary
(the closest images the model puts on the other side), in the tilting plane and as pictures."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from models import geometry
from views.formats import rounded
from views.pair_models import ModelRows, PairContext, nearest_to_centroid
from views.pictures import add_picture, digit_uri
from views.plane import PlaneFrames, plane_frame
from views.style import PALETTE, base_layout
from views.svm_loss import filled

FIG_ID = "fig-svm-mirror"
HEIGHT = 400
READOUT_IDS = ("ro-svm-xdist", "ro-svm-ydist")
READOUT_LABELS = ("‖x − x_m‖", "‖y − y_m‖")
PHONE = {"annotations[0].visible": False}  # the plane's long title would run into the pictures' titles


@lru_cache(maxsize=1)
def mirror_template() -> dict:
    """F12 without a sweep's ranges: boundary, x and y, their mirrors and the links (by uid); pictures x, x_m, y,
    y_m."""
    fig = make_subplots(
        rows=2, cols=3, column_widths=[0.5, 0.25, 0.25], specs=[[{"rowspan": 2}, {}, {}], [None, {}, {}]],
        horizontal_spacing=0.06, vertical_spacing=0.12,
        subplot_titles=("x, y and their mirrors in the plane", "x (class I)", "mirror x_m", "y (class J)", "mirror y_m"),
    )  # fmt: skip
    base_layout(fig, height=HEIGHT, showlegend=False, meta={"l2phone": PHONE})
    line = dict(color=PALETTE["boundary"], width=2)
    fig.add_trace(go.Scatter(x=[], y=[], mode="lines", name="boundary", line=line, hoverinfo="skip", uid="boundary"),
                  row=1, col=1)  # fmt: skip
    marks = dict(size=11, color=[PALETTE["I"], PALETTE["J"]], line=dict(color="black", width=1))
    points = go.Scatter(x=[], y=[], mode="markers+text", text=["x", "y"], textposition="top center", name="x, y")
    # cliponaxis off: a point at the edge of the view keeps its whole marker and label
    fig.add_trace(points.update(marker=marks, cliponaxis=False, uid="points"), row=1, col=1)
    crosses = dict(size=11, symbol="x", color=PALETTE["adversarial"])
    # the labels beside the crosses: never below the bottom axis (y_m often sits there)
    mirrors = go.Scatter(x=[], y=[], mode="markers+text", text=["x_m", "y_m"], textposition="middle right")
    fig.add_trace(mirrors.update(name="mirrors", marker=crosses, cliponaxis=False, uid="mirrors"), row=1, col=1)
    dots = dict(color=PALETTE["adversarial"], width=1, dash="dot")
    links = go.Scatter(x=[], y=[], mode="lines", name="x → x_m", hoverinfo="skip", line=dots, uid="links")
    fig.add_trace(links, row=1, col=1)
    fig.update_xaxes(range=[0.0, 1.0], autorange=False, title_text="u = x·ẑ", row=1, col=1)
    fig.update_yaxes(range=[0.0, 1.0], autorange=False, title_text="v = x·n̂", scaleanchor="x", row=1, col=1)
    for r, c, name in ((1, 2, "x"), (1, 3, "x_m"), (2, 2, "y"), (2, 3, "y_m")):
        add_picture(fig, r, c, name)
    return fig.to_plotly_json()


def mirror_figure(pf: PlaneFrames) -> dict:
    """F12 for a sweep: the plane's fixed ranges."""
    return filled(mirror_template(), {}, {"xaxis": list(pf.u_range), "yaxis": list(pf.v_range)})


def boundary_update(pf: PlaneFrames, rows: ModelRows, k: int) -> dict[str, dict]:
    """F12's boundary for model k (the sweep's part of the view; the images are a layer over it)."""
    bx, by = plane_frame(pf, k, float(rows.d_adv[k]))["boundary"]
    return {"boundary": {"x": bx, "y": by}}


def pick_image(cx: PairContext, label: float, image_set: str, index: int | None) -> tuple[np.ndarray, int, str]:
    """The chosen image of a class (train or test, index within that class) and a note if it was adjusted."""
    X, y = (cx.X_train, cx.y_train) if image_set == "train" else (cx.X_test, cx.y_test)
    idx = np.flatnonzero(y == label)
    if index is None:
        k = nearest_to_centroid(cx.X_train, cx.y_train, label) if image_set == "train" else 0
        return X[idx[k]], k, ""
    if not 0 <= index < idx.size:
        return X[idx[0]], 0, f"index {index} is outside 0..{idx.size - 1}; showing 0"
    return X[idx[index]], int(index), ""


def mirror_frames(rows: ModelRows, pf: PlaneFrames, x: np.ndarray, y: np.ndarray) -> list[tuple[dict, list[str]]]:
    """Per model: F12's update (x, y and their mirrors in the plane, pictures x_m and y_m) and the readouts
    ‖x − x_m‖, ‖y − y_m‖."""
    out = []
    for k in range(len(rows.lam)):
        w, b = rows.W[k], float(rows.bias[k])
        xm, ym = geometry.mirror_image(x, w, b), geometry.mirror_image(y, w, b)
        pts = np.array([[x @ pf.z_hat, x @ pf.N_hat[k]], [y @ pf.z_hat, y @ pf.N_hat[k]]])
        mir = np.array([[xm @ pf.z_hat, xm @ pf.N_hat[k]], [ym @ pf.z_hat, ym @ pf.N_hat[k]]])
        seg_x = [pts[0, 0], mir[0, 0], None, pts[1, 0], mir[1, 0]]
        seg_y = [pts[0, 1], mir[0, 1], None, pts[1, 1], mir[1, 1]]
        update = {
            "traces": {
                "points": {"x": rounded(pts[:, 0], 3), "y": rounded(pts[:, 1], 3)},
                "mirrors": {"x": rounded(mir[:, 0], 3), "y": rounded(mir[:, 1], 3)},
                "links": {
                    "x": [None if v is None else round(float(v), 3) for v in seg_x],
                    "y": [None if v is None else round(float(v), 3) for v in seg_y],
                },
            },
            "images": {"x_m": digit_uri(xm), "y_m": digit_uri(ym)},
        }
        out.append((update, [f"{np.linalg.norm(x - xm):.3f}", f"{np.linalg.norm(y - ym):.3f}"]))
    return out


def pictures_of(x: np.ndarray, y: np.ndarray) -> dict:
    """The chosen images as F12's pictures x and y (the same for every λ)."""
    return {"images": {"x": digit_uri(x), "y": digit_uri(y)}}
