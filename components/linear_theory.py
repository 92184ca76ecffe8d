"""§2 (theory): how ‖w‖ scales the loss (F8 ``fig-loss-scaling``) and d_adv = ½‖j − i‖ cos θ (F9 ``fig-dadv-geometry``).

F8 uses a real histogram of y·d(x) from the 2-vs-3 hinge sweep (models.sweeps) and degrades to the loss
curves alone, with a clear note, while that artifact is missing.  F9 is computed from a seeded 2-D
data set with models.geometry.  The SVM-on-MNIST section (components.svm) follows this one.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math

import numpy as np
import plotly.graph_objects as go
from dash import html
from plotly.subplots import make_subplots

from components.common import PALETTE, base_layout, figure_block, graph, markdown, section, slider
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
from components.toy import THETA_GRID_DEG, line_in_box, parse_theta_deg, theta_slider
from jobs.artifacts import ArtifactError
from models.geometry import adversarial_distance, class_centroids, error_distance, tilting_angle

log = logging.getLogger(__name__)
FRAMES_KEY = source_digest(__file__)  # at import: see components.frames.source_digest

PAIR = (2, 3)
HIST_LAMBDA_INDEX = 40  # λ = 10^-2
WNORM_EXPONENTS = np.round(np.arange(-1.5, 1.5001, 0.05), 6)
DEFAULT_WNORM = 0.0
Z_RANGE = (-2.0, 5.0)
LOSS_TOP = 3.0
LOSSES = ("0-1", "hinge", "softplus")
_FILL = {"I": "rgba(230, 159, 0, 0.45)", "J": "rgba(0, 114, 178, 0.40)"}  # PALETTE I / J, translucent


def parse_wnorm_exponent(raw: str) -> float:
    """log10 ‖w‖ in [−1.5, 1.5], snapped to the slider's 0.05 grid (ValueError otherwise)."""
    return parse_on_grid(raw, WNORM_EXPONENTS, "log10 ‖w‖")


URL_STATE = {
    "wnorm": ("ctl-wnorm", "value", parse_wnorm_exponent),
    "dadv_theta": ("ctl-dadv-theta", "value", parse_theta_deg),
}


# ---------------------------------------------------------------------------------------------
# F8: scaling the loss

def scaled_loss(name: str, z: np.ndarray, wnorm: float) -> np.ndarray:
    """f_‖w‖(z) = f(‖w‖ z) for the 0-1 indicator, the hinge max(1 − z, 0) or the softplus ln(1 + e^(−z))."""
    u = wnorm * np.asarray(z, float)
    if name == "0-1":
        return (u < 0).astype(float)
    if name == "hinge":
        return np.maximum(1.0 - u, 0.0)
    if name == "softplus":
        return np.logaddexp(0.0, -u)
    raise ValueError(f"unknown loss {name!r}")


def load_histogram() -> dict | None:
    """Per-class histograms of y·d(x) of the 2-vs-3 hinge model at λ = 10^-2, or None if the sweep is missing."""
    try:
        from models.sweeps import load_sweep
    except ImportError as exc:
        log.info("models.sweeps not available yet: %s", exc)
        return None
    try:
        sw = load_sweep(PAIR[0], PAIR[1], "hinge")
        k = HIST_LAMBDA_INDEX
        return {"edges": np.asarray(sw.hist_edges, float), "I": np.asarray(sw.hist_I[k], float),
                "J": np.asarray(sw.hist_J[k], float), "w_norm": float(sw.w_norm[k]), "lam": float(sw.lam[k])}
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


def make_loss_scaling(hist: dict | None, wnorm: float) -> go.Figure:
    """F8: three panels (0-1, hinge, softplus) — histogram of y·d(x) per class, f(‖w‖ z) on top, tick at 1/‖w‖."""
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.04,
                        subplot_titles=("0-1 indicator", "hinge", "softplus"),
                        specs=[[{"secondary_y": True}] * 3])
    z = np.linspace(Z_RANGE[0], Z_RANGE[1], 141)
    tick = 1.0 / wnorm
    for col, name in enumerate(LOSSES, start=1):
        if hist is not None:
            centres = 0.5 * (hist["edges"][:-1] + hist["edges"][1:])
            for cls in ("I", "J"):
                # a filled step line per class: one SVG path instead of ~100 bars, so slider frames paint fast
                fig.add_trace(go.Scatter(x=centres, y=hist[cls], mode="lines", line=dict(shape="hvh", width=1,
                                         color=PALETTE[cls]), fill="tozeroy", fillcolor=_FILL[cls],
                                         name=f"class {cls} (digit {PAIR[cls == 'J']})", showlegend=col == 1,
                                         hovertemplate="y·d(x) ≈ %{x:.2f}: %{y} images<extra></extra>"),
                              row=1, col=col, secondary_y=False)
        fig.add_trace(go.Scatter(x=z, y=np.round(np.minimum(scaled_loss(name, z, wnorm), LOSS_TOP + 1), 4),
                                 mode="lines", line=dict(color=PALETTE["boundary"], width=2.5), name="f(‖w‖ z)",
                                 showlegend=col == 1, hoverinfo="skip"), row=1, col=col, secondary_y=True)
        tx = [tick, tick] if Z_RANGE[0] <= tick <= Z_RANGE[1] else []
        fig.add_trace(go.Scatter(x=tx, y=[0, LOSS_TOP] if tx else [], mode="lines", hoverinfo="skip",
                                 line=dict(color=PALETTE["adversarial"], dash="dot", width=2), name="z = 1/‖w‖",
                                 showlegend=col == 1), row=1, col=col, secondary_y=True)
    base_layout(fig, height=380)
    fig.update_layout(legend=dict(y=1.16), margin=dict(l=60, r=50, t=80, b=58))
    fig.update_xaxes(range=list(Z_RANGE))
    fig.update_xaxes(title_text="y·d(x), signed distance (pixel units)", row=1, col=2)
    top = 1.08 * max(float(hist["I"].max()), float(hist["J"].max()), 1.0) if hist is not None else 1.0
    fig.update_yaxes(range=[0, top], secondary_y=False, showticklabels=False)
    fig.update_yaxes(title_text="training images per bin", showticklabels=True, secondary_y=False, row=1, col=1)
    fig.update_yaxes(range=[0, LOSS_TOP], secondary_y=True, showgrid=False, showticklabels=False, tickmode="array",
                     tickvals=[0, 0.5, 1, 1.5, 2, 2.5, 3])
    fig.update_yaxes(title_text="loss f(‖w‖ z)", showticklabels=True, secondary_y=True, row=1, col=3)
    if hist is None:
        fig.add_annotation(text="histogram not computed yet", showarrow=False,
                           xref="paper", yref="paper", x=0.5, y=0.5, font=dict(color=PALETTE["adversarial"]))
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


def loss_scaling_payload(hist: dict | None) -> dict:
    """All frames of F8, one per log10 ‖w‖ of the slider grid (cached on disk per histogram)."""
    ws = 10.0**WNORM_EXPONENTS
    return cached_payload(f"loss-scaling-{_hist_key(hist)}", FRAMES_KEY, lambda: frames_payload(
        WNORM_EXPONENTS, [make_loss_scaling(hist, w) for w in ws], [loss_scaling_readouts(hist, w) for w in ws]))


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
    n_hat = np.array([-z_hat[1], z_hat[0]])
    w = math.cos(theta) * z_hat + math.sin(theta) * n_hat
    b = -float(w @ (i + j)) / 2
    s = X @ w + b
    return {"i": i, "j": j, "w": w, "b": b, "d_adv": adversarial_distance(X, y, w, b),
            "formula": 0.5 * float(np.linalg.norm(j - i)) * math.cos(theta), "d_err": error_distance(X, y, w, b),
            "err": 100.0 * float(np.mean(np.where(s > 0, 1.0, -1.0) != y)), "theta": tilting_angle(w, i, j)}


def make_dadv_geometry(theta: float, X: np.ndarray, y: np.ndarray) -> go.Figure:
    """F9: clusters, centroids i and j, the boundary at tilt θ, ŵ, and the band of half-width d_adv around it."""
    q = dadv_quantities(theta, X, y)
    w, b, i, j, d = q["w"], q["b"], q["i"], q["j"], q["d_adv"]
    half = 2.6
    fig = go.Figure()
    for label, cls in ((-1.0, "I"), (1.0, "J")):
        m = y == label
        fig.add_trace(go.Scatter(x=X[m, 0], y=X[m, 1], mode="markers", name=f"class {cls}", hoverinfo="skip",
                                 marker=dict(size=6, color=PALETTE[cls], opacity=0.75)))
    for off, name in ((d, "band edge (d = ±d_adv)"), (-d, None)):
        lx, ly = line_in_box(w, b - off, half)
        fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", line=dict(color=PALETTE["adversarial"], dash="dash"),
                                 name=name or "", showlegend=name is not None, hoverinfo="skip"))
    lx, ly = line_in_box(w, b, half)
    fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", line=dict(color=PALETTE["boundary"], width=2.5),
                             name="boundary", hoverinfo="skip"))
    mid = (i + j) / 2
    fig.add_trace(go.Scatter(x=[i[0], j[0]], y=[i[1], j[1]], mode="lines", line=dict(color=PALETTE["muted"]),
                             name="j − i", hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[mid[0], mid[0] + 0.9 * w[0]], y=[mid[1], mid[1] + 0.9 * w[1]], mode="lines+markers",
                             line=dict(color=PALETTE["accent"], width=3), name="ŵ",
                             marker=dict(symbol="arrow", angleref="previous", size=[0, 14]), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[i[0], j[0]], y=[i[1], j[1]], mode="markers+text", text=["i", "j"],
                             textposition="top center", name="centroids", showlegend=False,
                             marker=dict(size=14, symbol="x", color="black"),
                             hovertemplate="centroid (%{x:.2f}, %{y:.2f})<extra></extra>"))
    base_layout(fig, height=420)
    fig.update_xaxes(range=[-half, half], title_text="x₁ (arbitrary units)", constrain="domain")
    fig.update_yaxes(range=[-half, half], title_text="x₂ (arbitrary units)", scaleanchor="x", constrain="domain")
    return fig


def dadv_readouts(theta: float, X: np.ndarray, y: np.ndarray) -> list[str]:
    """θ (measured by models.geometry), d_adv measured, ½‖j − i‖ cos θ, training error and d_err."""
    q = dadv_quantities(theta, X, y)
    return [f"{math.degrees(q['theta']):.1f}°", f"{q['d_adv']:.4f}", f"{q['formula']:.4f}", f"{q['err']:.1f} %",
            f"{q['d_err']:.4f}"]


@functools.lru_cache(maxsize=1)
def dadv_payload() -> dict:
    """All frames of F9 (one per θ of the shared θ grid)."""
    X, y = dadv_data()
    thetas = np.radians(THETA_GRID_DEG)
    return cached_payload("dadv", FRAMES_KEY, lambda: frames_payload(
        THETA_GRID_DEG, [make_dadv_geometry(t, X, y) for t in thetas], [dadv_readouts(t, X, y) for t in thetas]))


# ---------------------------------------------------------------------------------------------
# Prose and layout

SCALING_TEXT = r"""
The toy problem suggests a mechanism: regularization controls the tilt, and the tilt controls how strong the
adversarial examples are. To see why this happens in general, split the raw score of a linear classifier
into a **length** and a **distance**. Writing $d(x) = (w\cdot x + b)/\|w\|$ for the signed distance from $x$ to
the boundary,

$$
s(x) = w\cdot x + b = \|w\|\, d(x).
$$

The loss a training image pays is therefore $f\big(y\, s(x)\big) = f\big(\|w\|\, y\, d(x)\big)$. Read it this way:
the *geometry* of the classifier (where the boundary is) only enters through $y\,d(x)$, while $\|w\|$ merely
rescales the horizontal axis of the loss function,

$$
f_{\|w\|}(z) = f(\|w\|\, z).
$$

And $\|w\|$ is exactly what the penalty $\lambda\|w\|^2$ acts on. Choosing $\lambda$ is choosing which
version of the loss the boundary gets trained with. The figure below shows a real training set — the
6000 images of the MNIST pair 2 vs 3 — as a histogram of $y\,d(x)$ for a trained linear SVM, and draws
each loss rescaled by the $\|w\|$ of your choice.
"""

APPROX_TEXT = r"""
Two regimes stand out.

**Large $\|w\|$ (small $\lambda$).** The hinge $\max(1 - \|w\|z, 0)$ and the softplus $\ln(1 + e^{-\|w\|z})$ both
approach $\|w\|\max(-z, 0)$: correctly classified images cost (almost) nothing and each misclassified image costs
$\|w\|$ times its distance beyond the boundary. Minimizing the loss then means minimizing the **error distance**

$$
d_{err} = \frac{1}{n}\sum_{x \text{ misclassified}} {-y}\, d(x),
$$

the average depth of the mistakes.[²](#fn-asymptotic)

**Small $\|w\|$ (large $\lambda$).** Now $\|w\|\,y\,d(x)$ is small for every image and a first-order expansion is
accurate: $f(\|w\| z) \approx \alpha - \beta\,\|w\|\, z$, with $(\alpha, \beta) = (1, 1)$ for the hinge (as long as every
image sits inside the margin) and $(\ln 2, \tfrac12)$ for the softplus. Averaged over the training set the loss
becomes $\alpha - \beta\|w\|\, d_{adv}$, where

$$
d_{adv} = \frac{1}{n}\sum_{x} y\, d(x)
$$

is the mean signed distance of the training images to the boundary. Minimizing the loss now means
**maximizing $d_{adv}$** — pushing the bulk of both classes as far from the boundary as possible, errors included.

In one sentence: *a low $\lambda$ makes the classifier care about its errors ($d_{err}$); a high $\lambda$ makes it
care about its typical distance to the data ($d_{adv}$).* Intermediate values trade one for the other.
"""

DADV_TEXT = r"""
Why call $d_{adv}$ the *adversarial* distance? Because on balanced data it is fixed by the tilt alone. Let $i$ and
$j$ be the centroids of classes $I$ and $J$ (with $n/2$ images each), $\hat w = w/\|w\|$ and $\theta$ the angle
between $w$ and $j - i$. Then

$$
\begin{align*}
d_{adv} &= \frac{1}{n}\sum_x y\,\frac{w\cdot x + b}{\|w\|}
= \frac{1}{2}\Big(\hat w\cdot j + \tfrac{b}{\|w\|}\Big) - \frac{1}{2}\Big(\hat w\cdot i + \tfrac{b}{\|w\|}\Big) \\
&= \frac{1}{2}\,\hat w\cdot(j - i) = \frac{1}{2}\,\|j - i\|\cos\theta .
\end{align*}
$$

The bias cancels and only the angle is left. Two consequences follow at once.

* $d_{adv}$ is largest when $\theta = 0$, i.e. when $w$ points along $j - i$: the **nearest-centroid classifier**
  maximizes the adversarial distance.
* As $\theta \to \pi/2$, $d_{adv} \to 0$ whatever the training error: typical images sit arbitrarily close to the
  boundary, and a perturbation of size about $d_{adv}$ along $\hat w$ turns them into adversarial examples that look
  unchanged. This is the toy problem's mirror image, in any dimension.

The figure makes the identity concrete: the measured mean of $y\,d(x)$ and the formula agree for every tilt,
and the band of half-width $d_{adv}$ around the boundary always passes through the two centroids.
"""

HANDOVER_TEXT = r"""
So regularization and robustness are linked through $\|w\|$: high $\lambda$ favours a large $d_{adv}$, hence a
small tilt and weak adversarial examples; low $\lambda$ favours a small $d_{err}$, which may cost a strong tilt.
The next section checks this on real data by training linear SVMs on pairs of MNIST digits.
"""


def _loss_block() -> html.Figure:
    hist = load_histogram()
    payload = loss_scaling_payload(hist)
    k = int(np.argmin(np.abs(WNORM_EXPONENTS - DEFAULT_WNORM)))
    trained = (f"This model (λ = {hist['lam']:.0e}) was trained with ‖w‖ = {hist['w_norm']:.3g}."
               if hist else "The histogram appears once the 2-vs-3 sweep is computed.")
    ro = payload["frames"][k]["readouts"]
    note = [] if hist else [html.Div("The 2-vs-3 SVM sweep is not computed yet (python -m worker precompute): the "
                                     "histogram will appear here; the loss curves already work.", className="figure-note")]
    return figure_block(
        "fig-loss-scaling", "Figure 8 · ‖w‖ rescales the loss, not the geometry",
        note + [graph("fig-loss-scaling", apply_frame(payload, DEFAULT_WNORM)[0], height=380),
         frames_store("fig-loss-scaling-frames", payload)],
        "Notice: the histogram never moves and the 0-1 loss never changes; the hinge and softplus penalize a wide "
        "band of correct images when ‖w‖ is small, and only the errors when ‖w‖ is large. " + trained,
        controls=[slider("ctl-wnorm", float(WNORM_EXPONENTS[0]), float(WNORM_EXPONENTS[-1]), DEFAULT_WNORM, step=0.05,
                         label="log₁₀ ‖w‖ (scale of the weights)",
                         marks={-1.5: "0.03", -1: "0.1", 0: "1", 1: "10", 1.5: "30"})],
        readout_row=readout_row(WNORM_RO, WNORM_LABELS, ro),
        wide=True,
    )


WNORM_RO = ["ro-wnorm-value", "ro-wnorm-tick", "ro-wnorm-01", "ro-wnorm-hinge", "ro-wnorm-softplus"]
WNORM_LABELS = ["‖w‖ = ", "1/‖w‖ = ", "mean 0-1 loss = ", "mean hinge = ", "mean softplus = "]
DADV_LABELS = ["θ = ", "d_adv (measured) = ", "½‖j − i‖ cos θ = ", "training error = ", "d_err = "]
DADV_RO = ["ro-dadv-theta", "ro-dadv-measured", "ro-dadv-formula", "ro-dadv-err", "ro-dadv-derr"]


def _dadv_block() -> html.Figure:
    payload = dadv_payload()
    k = int(np.argmin(np.abs(THETA_GRID_DEG - 45.0)))
    return figure_block(
        "fig-dadv-geometry", "Figure 9 · The adversarial distance is set by the tilt",
        [graph("fig-dadv-geometry", apply_frame(payload, float(THETA_GRID_DEG[k]))[0], height=420),
         frames_store("fig-dadv-geometry-frames", payload)],
        "Notice: the band edges always run through the centroids i and j, and the band narrows like cos θ as the "
        "boundary tilts — the measured d_adv equals ½‖j − i‖ cos θ at every angle.",
        controls=[theta_slider("ctl-dadv-theta", "θ (angle between w and j − i, degrees)")],
        readout_row=readout_row(DADV_RO, DADV_LABELS, payload["frames"][k]["readouts"]),
    )


def layout() -> html.Section:
    """§2 theory: scaling the loss (F8), the two regimes, d_adv and the tilting angle (F9)."""
    return section("linear", "2. Adversarial examples in linear classification", [
        markdown(SCALING_TEXT), _loss_block(), markdown(APPROX_TEXT), markdown(DADV_TEXT), _dadv_block(),
        markdown(HANDOVER_TEXT),
    ])


register_frame_player("fig-loss-scaling", "ctl-wnorm", "fig-loss-scaling-frames", WNORM_RO)
register_frame_player("fig-dadv-geometry", "ctl-dadv-theta", "fig-dadv-geometry-frames", DADV_RO)
