"""§3 (first half): neural networks are locally linear; weight decay scales their local slopes.

Figure ``fig-nn-toy``: a small ReLU net (models.relu_toy) trained on a 2-D set at a ladder of weight
decays, showing its boundary and the local gradient norm ‖∇ₓs‖.  The LeNet section (components.lenet)
follows.
"""

from __future__ import annotations

import functools

import numpy as np
import plotly.graph_objects as go
from dash import html

from components import mnist_data as md
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
from models import relu_toy

FRAMES_KEY = source_digest(__file__, relu_toy.__file__, md.__file__)  # at import: see components.frames.source_digest

DEFAULT_DECAY = -3.0
NN_LABELS = ["weight decay = ", "training error = ", "median ‖∇ₓs‖ = ", "median |s|/‖∇ₓs‖ = "]
NN_RO = ["ro-nn-decay", "ro-nn-error", "ro-nn-grad", "ro-nn-dist"]


def parse_decay_exponent(raw: str) -> float:
    """log10 of the weight decay, on the figure's grid (−5 … −1, step 0.5); ValueError otherwise."""
    return parse_on_grid(raw, relu_toy.DECAY_EXPONENTS, "log10 weight decay")


URL_STATE = {"nn_decay": ("ctl-nn-decay", "value", parse_decay_exponent)}


@functools.lru_cache(maxsize=1)
def nn_frames() -> list[relu_toy.Frame]:
    """The trained nets, one per weight decay (≈1 s of numpy, once per process)."""
    return relu_toy.frames()


def grad_range(frames: list[relu_toy.Frame]) -> tuple[float, float]:
    """Common colour range of log10 ‖∇ₓs‖ over all frames, so that frames are comparable."""
    vals = np.concatenate([np.log10(np.maximum(f.grad_norm_grid.ravel(), 1e-3)) for f in frames])
    return float(np.floor(vals.min() * 2) / 2), float(np.ceil(vals.max() * 2) / 2)


def zero_contour(axis: np.ndarray, s: np.ndarray) -> tuple[list, list]:
    """The curve s = 0 of a grid function (s[i, j] at x = axis[j], y = axis[i]) by marching squares: crossings
    interpolated linearly along the cell edges, joined into polylines (x, y lists; None between polylines)."""
    s = np.asarray(s, dtype=np.float64)
    n = len(axis)

    def crossing(p: tuple, q: tuple) -> tuple:
        p, q = sorted((p, q))  # one point per edge, whichever cell asks
        t = s[p] / (s[p] - s[q])
        return (round(float(axis[p[1]] + t * (axis[q[1]] - axis[p[1]])), 5),
                round(float(axis[p[0]] + t * (axis[q[0]] - axis[p[0]])), 5))

    segs = []
    pos = s > 0
    for i in range(n - 1):
        for j in range(n - 1):
            c = [(i, j), (i, j + 1), (i + 1, j + 1), (i + 1, j)]  # corners around the cell
            edges = [(c[k], c[(k + 1) % 4]) for k in range(4)]
            hits = [k for k, (p, q) in enumerate(edges) if pos[p] != pos[q]]
            if len(hits) == 2:
                segs.append(tuple(crossing(*edges[k]) for k in hits))
            elif len(hits) == 4:  # a saddle: the centre's sign says which corners are joined
                pairs = ((0, 1), (2, 3)) if (s[i:i + 2, j:j + 2].mean() > 0) == pos[c[0]] else ((3, 0), (1, 2))
                segs += [(crossing(*edges[a]), crossing(*edges[b])) for a, b in pairs]
    ends: dict[tuple, list[int]] = {}
    for k, (a, b) in enumerate(segs):
        ends.setdefault(a, []).append(k)
        ends.setdefault(b, []).append(k)
    used: set[int] = set()
    xs: list = []
    ys: list = []
    for k, seg in enumerate(segs):
        if k in used:
            continue
        used.add(k)
        line = list(seg)
        for forward in (True, False):
            while True:
                tip = line[-1] if forward else line[0]
                nxt = [m for m in ends[tip] if m not in used]
                if not nxt:
                    break
                used.add(nxt[0])
                a, b = segs[nxt[0]]
                other = b if a == tip else a
                line.insert(len(line) if forward else 0, other)
        if xs:
            xs.append(None)
            ys.append(None)
        xs += [p[0] for p in line]
        ys += [p[1] for p in line]
    return xs, ys


def make_nn_toy(frame: relu_toy.Frame, zrange: tuple[float, float]) -> go.Figure:
    """``fig-nn-toy``: log10 ‖∇ₓs‖ as a picture, the boundary s = 0, and the training points.

    The picture is a layout image (a new one per weight decay is an image swap in the browser); an invisible
    heatmap of the same values under it gives the colour bar and the hover read-out."""
    axis = relu_toy.grid_axis(frame.score_grid.shape[0])
    X, y = relu_toy.toy_clusters()
    z = np.round(np.log10(np.maximum(frame.grad_norm_grid, 1e-3)), 2)
    fig = go.Figure()
    fig.add_trace(go.Heatmap(x=axis, y=axis, z=z, zmin=zrange[0], zmax=zrange[1], colorscale="Viridis",
                             name="log10 ‖∇ₓs‖", opacity=0,
                             colorbar=dict(title=dict(text="log₁₀ ‖∇ₓs‖", side="right"), thickness=12),
                             hovertemplate="x = (%{x:.2f}, %{y:.2f})<br>log₁₀ ‖∇ₓs‖ = %{z:.2f}<extra></extra>"))
    cell = float(axis[1] - axis[0])
    fig.add_layout_image(source=md.heatmap_uri(z, "Viridis", *zrange, flip=True), xref="x", yref="y",
                         x=float(axis[0]) - cell / 2, y=float(axis[-1]) + cell / 2, sizex=cell * len(axis),
                         sizey=cell * len(axis), xanchor="left", yanchor="top", sizing="stretch", layer="below")
    bx, by = zero_contour(axis, frame.score_grid)
    fig.add_trace(go.Scatter(x=bx, y=by, mode="lines", name="boundary s = 0", line=dict(color="white", width=3),
                             hoverinfo="skip"))
    for label, cls in ((-1.0, "I"), (1.0, "J")):
        m = y == label
        fig.add_trace(go.Scatter(x=X[m, 0], y=X[m, 1], mode="markers", name=f"class {cls}", hoverinfo="skip",
                                 marker=dict(size=7, color=PALETTE[cls], line=dict(color="black", width=0.8))))
    base_layout(fig, height=440)
    # no grid: the picture fills the plot, and grid lines would cross it (it lies under the traces and the grid)
    fig.update_xaxes(range=list(relu_toy.BOX), title_text="x₁ (input units)", constrain="domain", showgrid=False,
                     zeroline=False)
    fig.update_yaxes(range=list(relu_toy.BOX), title_text="x₂ (input units)", scaleanchor="x", constrain="domain",
                     showgrid=False, zeroline=False)
    return fig


def nn_readouts(frame: relu_toy.Frame) -> list[str]:
    """Weight decay, training error, median ‖∇ₓs‖ and median local distance |s|/‖∇ₓs‖ over the training points."""
    return [f"{frame.decay:.0e}", f"{frame.train_error:.1f} %", f"{frame.median_grad_norm:.2f}",
            f"{frame.median_distance:.3f}"]


@functools.lru_cache(maxsize=1)
def nn_payload() -> dict:
    """All frames of ``fig-nn-toy`` (cached on disk, keyed by this module and models/relu_toy.py)."""
    def build() -> dict:
        frames = nn_frames()
        zr = grad_range(frames)
        return frames_payload(relu_toy.DECAY_EXPONENTS, [make_nn_toy(f, zr) for f in frames],
                              [nn_readouts(f) for f in frames])
    return cached_payload("nn-toy", FRAMES_KEY, build)


LOCAL_TEXT = r"""
Linear models are a good laboratory, but the adversarial examples that made headlines were found in deep
networks. Does the story carry over? Start with the smallest interesting case, a two-layer network with a ReLU
non-linearity $\varphi(u) = \max(u, 0)$ applied coordinate-wise:

$$
s(x) = W_2\,\varphi(W_1 x + b_1) + b_2 .
$$

Around any input $x$, each hidden unit is either active or silent, and that pattern does not change for small
moves of $x$. Let $W_1^{x}$ be $W_1$ with the rows of silent units set to zero (and $b_1^x$ likewise). Then near $x$
the network is *exactly* linear, $s(x) = W_2 W_1^{x} x + W_2 b_1^{x} + b_2$, and the same split as before applies:

$$
s(x) = \|W_2 W_1^{x}\|\; d(x),
$$

where $d(x)$ is the signed distance to the local linear boundary and $\|W_2 W_1^{x}\|$ is the local slope of the
score. So the network carries its own, location-dependent version of $\|w\|$, and it still rescales the loss.

What controls these local slopes? With weight decay, each gradient step also shrinks every weight,
$W \leftarrow W - \eta\lambda W$, so all products $W_2 W_1^{x}$ shrink together: weight decay lowers the local
scaling *everywhere at once*. By the argument of section 2, small slopes put the network in the regime that
maximizes the distance between the data and the boundary. High weight decay acts like a simple, cheap form of
adversarial training ([Madry et al., 2018](#ref-madry2018)): it asks every training point to sit far from the boundary, not merely on the correct side.

The figure trains the same small network — 24 ReLU units, same data, same random start — with nine weight
decays, and shows the slope $\|\nabla_x s\|$ (which equals $\|W_2 W_1^x\|$)[³](#fn-kinks) as a colour map.
"""

GENERAL_TEXT = r"""
For a general network — convolutions, max-pooling, many layers — the score is no longer piecewise linear in a
simple way, but the first-order picture survives: close to $x$,

$$
s(x) \approx \|\nabla_x s\|\; d(x), \qquad d(x) \approx \frac{s(x)}{\|\nabla_x s(x)\|},
$$

so $\|\nabla_x s\|$ plays the role of $\|w\|$. With ten classes the network outputs one score $s_i(x)$ per
class and a softmax turns them into probabilities. Scaling all scores by a common factor changes nothing about
the predicted class, only about the confidence; it is the same as a softmax **temperature** $t$
([Hinton et al., 2015](#ref-hinton2015)),

$$
p_i(x) = \frac{e^{s_i(x)/t}}{\sum_k e^{s_k(x)/t}} .
$$

A large slope corresponds to a low temperature: near-certain outputs, and a cross-entropy loss that only pays
attention to misclassified images — the $d_{err}$ regime. Weight decay raises the effective temperature and
brings back the $d_{adv}$ regime. Three observations suggest that today's deep networks sit firmly in the
low-temperature, under-regularized regime:

1. **They are over-confident.** Modern networks are poorly calibrated: their predicted probabilities are
   systematically too close to 0 and 1 ([Guo et al., 2017](#ref-guo2017)).
2. **They can fit anything.** The same architectures reach zero training error on images with random
   labels ([Zhang et al., 2017](#ref-zhang2017)) — plenty of capacity, little pressure toward large margins.
3. **They fall to linear attacks.** A single gradient step, as in the fast gradient sign method, is enough to fool
   them ([Goodfellow et al., 2015](#ref-goodfellow2015)), and iterating the linearization finds even smaller
   perturbations ([Moosavi-Dezfooli et al., 2016](#ref-moosavi2016)) — the signature of large local slopes.

The figures below test the prediction on a classic convolutional network for MNIST, LeNet
([LeCun et al., 1998](#ref-lecun1998)), in the configuration of the MatConvNet example
([Vedaldi & Lenc, 2015](#ref-vedaldi2015)), trained twice with different weight decays.
"""


def _nn_block() -> html.Figure:
    payload = nn_payload()
    grid = relu_toy.DECAY_EXPONENTS
    k = int(np.argmin(np.abs(grid - DEFAULT_DECAY)))
    first, _ = apply_frame(payload, float(grid[k]))
    return figure_block(
        "fig-nn-toy", "Live toy · A ReLU network under weight decay",
        [graph("fig-nn-toy", first, height=440), frames_store("fig-nn-toy-frames", payload)],
        "Notice: with little weight decay the boundary bends around the three mislabelled points and the slope is "
        "steep everywhere; more decay flattens the slopes and straightens the boundary.",
        controls=[slider("ctl-nn-decay", float(grid[0]), float(grid[-1]), DEFAULT_DECAY, step=0.5,
                         label="log₁₀ weight decay λ", marks={float(e): f"10^{int(e)}" for e in range(-5, 0)})],
        readout_row=readout_row(NN_RO, NN_LABELS, payload["frames"][k]["readouts"]),
    )


def layout() -> html.Section:
    """§3 (text and the ReLU toy); components.lenet continues the section with LeNet on MNIST."""
    return section("neural", "3. Adversarial examples in neural networks", [
        markdown(LOCAL_TEXT), _nn_block(), markdown(GENERAL_TEXT),
    ])


register_frame_player("fig-nn-toy", "ctl-nn-decay", "fig-nn-toy-frames", NN_RO)
