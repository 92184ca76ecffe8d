"""§2's theory figures: ‖w‖ rescales the loss (F8) and d_adv = ½‖j − i‖ cos θ (F9).

F8 draws a real histogram of y·d(x) (the 2-vs-3 hinge sweep at λ = 10^-2) under the losses f(‖w‖ z); without
that artifact it draws the loss curves alone.  F9 draws a seeded 2-D data set and a boundary at tilt θ.  Pure
builders, readouts (ids and labels declared here) and the frame sets of both sliders; the losses and distances
come from models/.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from models.geometry import class_centroids
from models.losses import scaled_loss
from models.metrics import model_metrics
from store.artifacts import ArtifactError
from store.sweeps import load_sweep
from views import toy as toy_view
from views.class_points import class_points
from views.figure_frames import figure_frames, frames_key
from views.frames import FrameSet
from views.style import EDGE, PALETTE, base_layout

log = logging.getLogger(__name__)
FRAMES_KEY = frames_key(__file__, toy_view.__file__)
LOSS_ID, DADV_ID = "fig-loss-scaling", "fig-dadv-geometry"
WNORM_READOUTS = (
    ("ro-wnorm-value", "‖w‖ = "),
    ("ro-wnorm-tick", "1/‖w‖ = "),
    ("ro-wnorm-01", "mean 0-1 loss = "),
    ("ro-wnorm-hinge", "mean hinge = "),
    ("ro-wnorm-softplus", "mean softplus = "),
)
DADV_READOUTS = (
    ("ro-dadv-theta", "θ = "),
    ("ro-dadv-measured", "d_adv (measured) = "),
    ("ro-dadv-formula", "½‖j − i‖ cos θ = "),
    ("ro-dadv-err", "training error = "),
    ("ro-dadv-derr", "d_err = "),
)

PAIR = (2, 3)
HIST_LAMBDA_INDEX = 40  # λ = 10^-2
WNORM_EXPONENTS = np.round(np.arange(-1.5, 1.5001, 0.05), 6)
DEFAULT_WNORM = 0.0
Z_RANGE = (-2.0, 5.0)
LOSS_TOP = 3.0
LOSSES = ("0-1", "hinge", "softplus")
_FILL = {"I": "rgba(230, 159, 0, 0.45)", "J": "rgba(0, 114, 178, 0.40)"}  # PALETTE I / J, translucent


# ---------------------------------------------------------------------------------------------
# F8: scaling the loss


def load_histogram() -> dict | None:
    """Per-class histograms of y·d(x) of the 2-vs-3 hinge model at λ = 10^-2, or None if the sweep is missing."""
    try:
        sw = load_sweep(PAIR[0], PAIR[1], "hinge")
        k = HIST_LAMBDA_INDEX
        return {
            "edges": np.asarray(sw.hist_edges, float),
            "I": np.asarray(sw.hist_I[k], float),
            "J": np.asarray(sw.hist_J[k], float),
            "w_norm": float(sw.w_norm[k]),
            "lam": float(sw.lam[k]),
        }
    except ArtifactError as exc:
        log.warning("sweep %s-%s hinge unavailable: %s", PAIR[0], PAIR[1], exc)
        return None
    except Exception:  # a damaged artifact or a loader bug must not take the article down: show the note instead
        log.exception("sweep %s-%s hinge could not be read", PAIR[0], PAIR[1])
        return None


def mean_losses(hist: dict, wnorm: float) -> dict[str, float]:
    """Mean of each scaled loss over the training set, evaluating every image at its bin centre."""
    centres = 0.5 * (hist["edges"][:-1] + hist["edges"][1:])
    counts = hist["I"] + hist["J"]
    n = max(float(counts.sum()), 1.0)
    return {name: float(np.sum(counts * scaled_loss(name, centres, wnorm)) / n) for name in LOSSES}


def _histogram_traces(hist: dict, loss: str, show_legend: bool) -> list[go.Scatter]:
    """A filled step line per class: one SVG path instead of ~100 bars, so slider frames paint fast."""
    centres = 0.5 * (hist["edges"][:-1] + hist["edges"][1:])
    return [
        go.Scatter(
            uid=f"hist-{cls}-{loss}",
            x=centres,
            y=hist[cls],
            mode="lines",
            line=dict(shape="hvh", width=1, color=EDGE[cls]),
            fill="tozeroy",
            fillcolor=_FILL[cls],
            name=f"class {cls} (digit {PAIR[cls == 'J']})",
            showlegend=show_legend,
            hovertemplate="y·d(x) ≈ %{x:.2f}: %{y} images<extra></extra>",
        )
        for cls in ("I", "J")
    ]


def make_loss_scaling(hist: dict | None, wnorm: float) -> go.Figure:
    """F8: three panels (0-1, hinge, softplus) — histogram of y·d(x) per class, f(‖w‖ z) on top, tick at 1/‖w‖."""
    fig = make_subplots(
        rows=1,
        cols=3,
        horizontal_spacing=0.04,
        subplot_titles=("0-1 indicator", "hinge", "softplus"),
        specs=[[{"secondary_y": True}] * 3],
    )
    z = np.linspace(Z_RANGE[0], Z_RANGE[1], 141)
    tick = 1.0 / wnorm
    tx = [tick, tick] if Z_RANGE[0] <= tick <= Z_RANGE[1] else []
    for col, name in enumerate(LOSSES, start=1):
        for trace in _histogram_traces(hist, name, col == 1) if hist is not None else []:
            fig.add_trace(trace, row=1, col=col, secondary_y=False)
        curve = go.Scatter(
            uid=f"curve-{name}",
            x=z,
            y=np.round(np.minimum(scaled_loss(name, z, wnorm), LOSS_TOP + 1), 4),
            mode="lines",
            line=dict(color=PALETTE["boundary"], width=2.5),
            name="f(‖w‖ z)",
            showlegend=col == 1,
            hoverinfo="skip",
        )
        fig.add_trace(curve, row=1, col=col, secondary_y=True)
        marker = go.Scatter(
            uid=f"tick-{name}",
            x=tx,
            y=[0, LOSS_TOP] if tx else [],
            mode="lines",
            hoverinfo="skip",
            line=dict(color=PALETTE["adversarial"], dash="dot", width=2),
            name="z = 1/‖w‖",
            showlegend=col == 1,
        )
        fig.add_trace(marker, row=1, col=col, secondary_y=True)
    base_layout(fig, height=380)
    fig.update_layout(legend=dict(y=1.16), margin=dict(l=60, r=50, t=80, b=58))
    fig.update_xaxes(range=list(Z_RANGE))
    fig.update_xaxes(title_text="y·d(x), signed distance (pixel units)", row=1, col=2)
    top = 1.08 * max(float(hist["I"].max()), float(hist["J"].max()), 1.0) if hist is not None else 1.0
    fig.update_yaxes(range=[0, top], secondary_y=False, showticklabels=False)
    fig.update_yaxes(title_text="training images per bin", showticklabels=True, secondary_y=False, row=1, col=1)
    loss_ticks = [0, 0.5, 1, 1.5, 2, 2.5, 3]
    fig.update_yaxes(
        range=[0, LOSS_TOP],
        secondary_y=True,
        showgrid=False,
        showticklabels=False,
        tickmode="array",
        tickvals=loss_ticks,
    )
    fig.update_yaxes(title_text="loss f(‖w‖ z)", showticklabels=True, secondary_y=True, row=1, col=3)
    if hist is None:
        note = dict(xref="paper", yref="paper", x=0.5, y=0.5, font=dict(color=PALETTE["adversarial"]))
        fig.add_annotation(text="histogram not computed yet", showarrow=False, **note)
    return fig


def loss_scaling_readouts(hist: dict | None, wnorm: float) -> list[str]:
    """‖w‖, 1/‖w‖ and the mean of each scaled loss over the training set (— without the histogram)."""
    out = [f"{wnorm:.3g}", f"{1 / wnorm:.3g}"]
    if hist is None:
        return out + ["—"] * 3
    m = mean_losses(hist, wnorm)
    return out + [f"{100 * m['0-1']:.2f} %", f"{m['hinge']:.3f}", f"{m['softplus']:.3f}"]


def _hist_key(hist: dict | None) -> str:
    if hist is None:
        return "nodata"
    h = hashlib.sha256()
    for k in ("edges", "I", "J"):
        h.update(np.ascontiguousarray(hist[k]).tobytes())
    return h.hexdigest()[:12]


def loss_scaling_frames(hist: dict | None) -> FrameSet:
    """The frames of F8, one per log10 ‖w‖ of the slider grid (cached on disk per histogram)."""
    ws = 10.0**WNORM_EXPONENTS
    ids = [rid for rid, _ in WNORM_READOUTS]
    make, texts = (lambda k: make_loss_scaling(hist, ws[k])), (lambda k: loss_scaling_readouts(hist, ws[k]))
    return figure_frames(f"loss-scaling-{_hist_key(hist)}", FRAMES_KEY, LOSS_ID, WNORM_EXPONENTS, make, texts, ids)


# ---------------------------------------------------------------------------------------------
# F9: adversarial distance and tilting angle


def dadv_data(n_per_class: int = 60, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A balanced 2-D training set: two elongated clusters around (∓1, 0) (labels ∓1)."""
    rng = np.random.default_rng(seed)
    xi = rng.normal([-1.0, 0.0], [0.35, 0.9], size=(n_per_class, 2))
    xj = rng.normal([1.0, 0.0], [0.35, 0.9], size=(n_per_class, 2))
    return np.vstack([xi, xj]), np.concatenate([-np.ones(n_per_class), np.ones(n_per_class)])


def dadv_quantities(theta: float, X: np.ndarray, y: np.ndarray) -> dict:
    """Boundary at angle θ to j − i through the centroids' midpoint, and its d_adv, d_err, error, θ."""
    i, j = class_centroids(X, y)
    z_hat = (j - i) / np.linalg.norm(j - i)
    n_hat = np.array([-z_hat[1], z_hat[0]])  # in 2-D the tilting plane is the whole plane: n̂ is ẑ turned by 90°
    w = math.cos(theta) * z_hat + math.sin(theta) * n_hat
    b = -float(w @ (i + j)) / 2
    m = model_metrics(X, y, X, y, w, b, i, j)  # the training set is all there is: "test" numbers unused
    formula = 0.5 * float(np.linalg.norm(j - i)) * math.cos(theta)
    return dict(
        i=i, j=j, w=w, b=b, formula=formula, d_adv=m["d_adv"], d_err=m["d_err"], err=m["err_train"], theta=m["theta"]
    )


def _segment(uid: str, x: list, y: list, line: dict, name: str, show: bool | None = None) -> go.Scatter:
    return go.Scatter(uid=uid, x=x, y=y, mode="lines", line=line, name=name, showlegend=show, hoverinfo="skip")


def make_dadv_geometry(theta: float, X: np.ndarray, y: np.ndarray) -> go.Figure:
    """F9: clusters, centroids i and j, the boundary at tilt θ, ŵ, and the band of half-width d_adv around it."""
    q = dadv_quantities(theta, X, y)
    w, b, i, j, d = q["w"], q["b"], q["i"], q["j"], q["d_adv"]
    half = 2.6
    fig = go.Figure()
    for trace in class_points(X, y, dict(size=6, opacity=0.75)):
        fig.add_trace(trace)
    band = dict(color=PALETTE["adversarial"], dash="dash")
    for uid, off, name in (("band-high", d, "band edge (d = ±d_adv)"), ("band-low", -d, None)):
        fig.add_trace(_segment(uid, *toy_view.line_in_box(w, b - off, half), band, name or "", name is not None))
    boundary = dict(color=PALETTE["boundary"], width=2.5)
    fig.add_trace(_segment("boundary", *toy_view.line_in_box(w, b, half), boundary, "boundary"))
    mid = (i + j) / 2
    fig.add_trace(_segment("j-minus-i", [i[0], j[0]], [i[1], j[1]], dict(color=PALETTE["muted"]), "j − i"))
    arrow = go.Scatter(
        uid="w-hat",
        x=[mid[0], mid[0] + 0.9 * w[0]],
        y=[mid[1], mid[1] + 0.9 * w[1]],
        mode="lines+markers",
        line=dict(color=PALETTE["accent"], width=3),
        name="ŵ",
        marker=dict(symbol="arrow", angleref="previous", size=[0, 14]),
        hoverinfo="skip",
    )
    fig.add_trace(arrow)
    centroids = go.Scatter(
        uid="centroids",
        x=[i[0], j[0]],
        y=[i[1], j[1]],
        mode="markers+text",
        text=["i", "j"],
        textposition="top center",
        name="centroids",
        showlegend=False,
        marker=dict(size=14, symbol="x", color="black"),
        hovertemplate="centroid (%{x:.2f}, %{y:.2f})<extra></extra>",
    )
    fig.add_trace(centroids)
    base_layout(fig, height=420)
    fig.update_xaxes(range=[-half, half], title_text="x₁ (arbitrary units)", constrain="domain")
    fig.update_yaxes(range=[-half, half], title_text="x₂ (arbitrary units)", scaleanchor="x", constrain="domain")
    return fig


def dadv_readouts(theta: float, X: np.ndarray, y: np.ndarray) -> list[str]:
    """θ (measured by models.geometry), d_adv measured, ½‖j − i‖ cos θ, training error and d_err."""
    q = dadv_quantities(theta, X, y)
    return [
        f"{math.degrees(q['theta']):.1f}°",
        f"{q['d_adv']:.4f}",
        f"{q['formula']:.4f}",
        f"{q['err']:.1f} %",
        f"{q['d_err']:.4f}",
    ]


@functools.lru_cache(maxsize=1)
def dadv_frames() -> FrameSet:
    """The frames of F9 (one per θ of the shared θ grid)."""
    X, y = dadv_data()
    make, texts = (lambda t: make_dadv_geometry(t, X, y)), (lambda t: dadv_readouts(t, X, y))
    return toy_view.theta_frames("dadv", FRAMES_KEY, DADV_ID, make, texts, DADV_READOUTS)
