"""The tilting plane: where the hero (F1) and F11 show a linear model and the training points.

u = x·ẑ, v = x·n̂ with ẑ = (j − i)/‖j − i‖ and n̂ = (w − (w·ẑ)ẑ)/‖…‖.  Since w lies in span(ẑ, n̂), the boundary
w·x + b = 0 is exactly the line cos θ·u + sin θ·v + b/‖w‖ = 0 in the plane.  When θ = 0, n̂ is undefined and the
neighbouring λ's n̂ is used.  ``plane_traces`` adds the plane's six traces to a figure (uids in ``PLANE_UIDS``);
``plane_update`` gives their data for model k (a frame's view update).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from models import geometry
from views.formats import rounded
from views.style import EDGE, PALETTE, rgba

BAND_FILL = "rgba(213, 94, 0, 0.12)"
PLANE_UIDS = ("band", "class-I", "class-J", "boundary", "w-hat", "centroids")


def boundary_segment(
    cos_t: float, sin_t: float, offset: float, anchor: np.ndarray, half_length: float, shift: float = 0.0
) -> tuple[list[float], list[float]]:
    """Two points of the line cos·u + sin·v + offset = shift, centred at ``anchor``'s projection on it."""
    normal = np.array([cos_t, sin_t])
    along = np.array([-sin_t, cos_t])
    base = anchor - (normal @ anchor + offset - shift) * normal
    p, q = base - half_length * along, base + half_length * along
    return [float(p[0]), float(q[0])], [float(p[1]), float(q[1])]


@dataclass(frozen=True)
class PlaneFrames:
    """Tilting-plane data of a sweep for the displayed points (all arrays over the L λ)."""

    z_hat: np.ndarray  # (784,)
    N_hat: np.ndarray  # (L, 784)
    u: np.ndarray  # (n,) x·ẑ, the same for every λ
    V: np.ndarray  # (L, n) x·n̂
    cos: np.ndarray  # (L,) w·ẑ/‖w‖
    sin: np.ndarray  # (L,) w·n̂/‖w‖
    offset: np.ndarray  # (L,) b/‖w‖
    ci: np.ndarray  # (L, 2) centroid i in the plane
    cj: np.ndarray  # (L, 2) centroid j in the plane
    u_range: tuple[float, float]
    v_range: tuple[float, float]


NO_PLANE = PlaneFrames(*(np.zeros(0),) * 9, (0.0, 1.0), (0.0, 1.0))  # for figure templates without a sweep


def plane_frames(
    W: np.ndarray,
    bias: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
    X_shown: np.ndarray,
    ranges_from: PlaneFrames | None = None,
) -> PlaneFrames:
    """Plane coordinates of ``X_shown``, the centroids and the boundary for each row of W."""
    W = np.atleast_2d(np.asarray(W, dtype=np.float64))
    bias = np.atleast_1d(np.asarray(bias, dtype=np.float64))
    z, N_hat = geometry.tilting_bases(W, i, j)
    norms = np.linalg.norm(W, axis=1)
    u = X_shown @ z
    V = (X_shown @ N_hat.T).T
    ci = np.stack([np.full(len(W), i @ z), N_hat @ i], axis=1)
    cj = np.stack([np.full(len(W), j @ z), N_hat @ j], axis=1)
    if ranges_from is not None:
        u_range, v_range = ranges_from.u_range, ranges_from.v_range
    else:
        u_range = _padded(u.min(), u.max())
        lo, hi = np.percentile(V, [0.2, 99.8])
        v_range = _padded(lo, hi)
    return PlaneFrames(
        z, N_hat, u, V, (W @ z) / norms, np.einsum("kd,kd->k", W, N_hat) / norms, bias / norms, ci, cj, u_range, v_range
    )


def _padded(lo: float, hi: float, frac: float = 0.08) -> tuple[float, float]:
    pad = frac * max(hi - lo, 1e-6)
    return float(lo - pad), float(hi + pad)


def plane_frame(pf: PlaneFrames, k: int, d_adv: float) -> dict:
    """Frame k of the tilting-plane view: points' v, centroids, boundary, band polygon and ŵ arrow."""
    c, s, off = float(pf.cos[k]), float(pf.sin[k]), float(pf.offset[k])
    mid = (pf.ci[k] + pf.cj[k]) / 2
    half = 2.0 * max(pf.u_range[1] - pf.u_range[0], pf.v_range[1] - pf.v_range[0])
    bx, by = boundary_segment(c, s, off, mid, half)
    px, py = boundary_segment(c, s, off, mid, half, shift=d_adv)
    mx, my = boundary_segment(c, s, off, mid, half, shift=-d_adv)
    foot = mid - (c * mid[0] + s * mid[1] + off) * np.array([c, s])
    arrow_len = 0.25 * (pf.u_range[1] - pf.u_range[0])
    tip = foot + arrow_len * np.array([c, s])
    return {
        "v": rounded(pf.V[k], 3),
        "centroids": [rounded([pf.ci[k][0], pf.cj[k][0]], 3), rounded([pf.ci[k][1], pf.cj[k][1]], 3)],
        "boundary": [rounded(bx, 3), rounded(by, 3)],
        "band": [rounded([px[0], px[1], mx[1], mx[0], px[0]], 3), rounded([py[0], py[1], my[1], my[0], py[0]], 3)],
        "arrow": [rounded([foot[0], tip[0]], 3), rounded([foot[1], tip[1]], 3)],
    }


def plane_traces(fig: go.Figure, pf: PlaneFrames, y_shown: np.ndarray, row: int = 1, col: int = 1) -> None:
    """The plane panel's traces (band, class I, class J, boundary, ŵ arrow, centroids) and fixed axes."""
    kw = dict(row=row, col=col)
    band = dict(mode="lines", fill="toself", fillcolor=BAND_FILL, line=dict(width=0), name="band ±d_adv")
    fig.add_trace(go.Scatter(x=[], y=[], **band, hoverinfo="skip", uid="band"), **kw)
    u = rounded(pf.u, 3)
    for label, cls in ((-1.0, "I"), (1.0, "J")):
        fig.add_trace(
            go.Scatter(
                x=[x for x, yy in zip(u, y_shown, strict=True) if yy == label],
                y=[],
                mode="markers",
                name=f"class {cls}",
                marker=dict(size=5, color=rgba(PALETTE[cls], 0.55), line=dict(color=EDGE[cls], width=0.8)),
                hoverinfo="skip",
                uid=f"class-{cls}",
            ),
            **kw,
        )
    line = dict(color=PALETTE["boundary"], width=2)
    fig.add_trace(
        go.Scatter(x=[], y=[], mode="lines", name="boundary", line=line, hoverinfo="skip", uid="boundary"), **kw
    )
    arrow = dict(symbol="arrow", size=[0, 14], angleref="previous", color=PALETTE["adversarial"])
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            mode="lines+markers",
            name="ŵ",
            hoverinfo="skip",
            line=dict(color=PALETTE["adversarial"], width=3),
            marker=arrow,
            uid="w-hat",
        ),
        **kw,
    )
    diamonds = dict(size=13, symbol="diamond", color=[PALETTE["I"], PALETTE["J"]], line=dict(color="black", width=1.5))
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            mode="markers+text",
            name="centroids",
            text=["i", "j"],
            textposition="top center",
            textfont=dict(size=16),
            marker=diamonds,
            hovertemplate="centroid %{text}<extra></extra>",
            uid="centroids",
        ),
        **kw,
    )
    fig.update_xaxes(range=list(pf.u_range), autorange=False, title_text="u = x·ẑ (centroid direction)", **kw)
    fig.update_yaxes(range=list(pf.v_range), autorange=False, title_text="v = x·n̂ (tilt direction)", **kw)


def plane_update(pf: PlaneFrames, k: int, d_adv: float, y_shown: np.ndarray | list) -> dict[str, dict]:
    """The plane traces' data for model k (by uid): what a frame of the hero or F11 gives them."""
    frame = plane_frame(pf, k, d_adv)
    v = np.asarray(frame["v"], dtype=np.float64)
    ys = np.asarray(y_shown, dtype=np.float64)
    if v.shape != ys.shape:
        raise ValueError("one v per shown point expected")
    return {
        "band": {"x": frame["band"][0], "y": frame["band"][1]},
        "class-I": {"y": v[ys < 0].tolist()},
        "class-J": {"y": v[ys > 0].tolist()},
        "boundary": {"x": frame["boundary"][0], "y": frame["boundary"][1]},
        "w-hat": {"x": frame["arrow"][0], "y": frame["arrow"][1]},
        "centroids": {"x": frame["centroids"][0], "y": frame["centroids"][1]},
    }
