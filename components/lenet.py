"""§3, LeNet on MNIST: architecture, training curves, weights, adversarial examples, the weight-decay
ladder and "draw a digit".

Static figures read the precomputed results (precomputed/lenet/analysis/: analysis.json and one
.npz of uint8 images and float16 filters per net); nothing here imports torch.  The draw figure sends
a ``lenet-attack`` job to jobs.queue and polls it with a dcc.Interval.  The canvas is a few lines of
clientside JavaScript (kept in this module) that writes the 28×28 drawing into a dcc.Store.
"""

from __future__ import annotations

import json
import logging
import math
from functools import lru_cache
from pathlib import Path

import dash
import numpy as np
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html
from plotly.subplots import make_subplots

from components import mnist_data as md
from components.common import (
    DIVERGING_COLORSCALE,
    FONT,
    PALETTE,
    base_layout,
    figure_block,
    graph,
    markdown,
    readouts,
    section,
)
from models import config

log = logging.getLogger(__name__)

LOW, HIGH = "1e-04", "1e-01"
NET_LABEL = {LOW: "LeNet_low (wd 1e-4)", HIGH: "LeNet_high (wd 1e-1)"}
NET_COLOR = {LOW: PALETTE["adversarial"], HIGH: PALETTE["J"]}
LAYERS = ("conv1", "conv2", "fc1", "fc2")
INK_SCALE = ((0.0, "#ffffff"), (1.0, "#111111"))  # digits drawn dark on white (a tuple: png palettes are cached)
N_TEST = 10_000

# The network, layer by layer: (label, output tensor shape).  tests/test_lenet.py checks these shapes
# against the real PyTorch model.
ARCH = (
    ("input", (1, 28, 28)),
    ("conv1 5×5×1×20", (20, 24, 24)),
    ("maxpool 2", (20, 12, 12)),
    ("conv2 5×5×20×50", (50, 8, 8)),
    ("maxpool 2", (50, 4, 4)),
    ("fc1 4×4×50×500 + ReLU", (500, 1, 1)),
    ("fc2 1×1×500×10", (10, 1, 1)),
    ("softmax", (10,)),
)


def lenet_dir() -> Path:
    return config.PRECOMPUTED / "lenet"


# ---------------------------------------------------------------------------------------- data


class LenetDataError(RuntimeError):
    """The precomputed LeNet results are missing or unreadable."""


@lru_cache(maxsize=2)
def _load(folder: str) -> tuple[dict, dict[str, dict[str, np.ndarray]]]:
    adir = Path(folder) / "analysis"
    try:
        summary = json.loads((adir / "analysis.json").read_text())
        nets = summary["nets"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LenetDataError(f"LeNet results are not available ({exc}); run: python -m worker lenet-analyze") from exc
    arrays = {}
    for key in nets:
        path = adir / f"wd-{key}.npz"
        try:
            with np.load(path, allow_pickle=False) as z:
                arrays[key] = {k: z[k] for k in z.files}
        except (OSError, ValueError, EOFError) as exc:
            raise LenetDataError(f"{path.name} is unreadable ({exc}); run: python -m worker lenet-analyze") from exc
    return summary, arrays


def load() -> tuple[dict, dict[str, dict[str, np.ndarray]]]:
    """(analysis summary, per-net arrays), cached; raises LenetDataError with a clear message."""
    return _load(str(lenet_dir()))


def message_figure(text: str, height: int = 260) -> go.Figure:
    """An empty figure stating a problem in plain words (the page keeps working)."""
    fig = base_layout(go.Figure(), height=height)
    fig.add_annotation(
        text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font=dict(size=14, color=PALETTE["muted"])
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


# ---------------------------------------------------------------------------------------- figures


def image_grid(
    cells: list[dict], labels: list[tuple], nrows: int, ncols: int, height: int, hgap: float = 0.008, vgap: float = 0.06
) -> go.Figure:
    """A grid of small pictures as layout images placed in paper coordinates: no axes, no traces.

    ``cells``: dicts with row, col and ``source`` (a PNG data URI from ``mnist_data.png_uri`` / ``heatmap_uri``,
    row 0 at the top, stretched over the cell as a heatmap on its own axes would be); ``labels``: (row, col,
    text, colour) above cells, drawn as one text-only scatter trace on the hidden axes (whose [0, 1] ranges
    make data and paper coordinates the same).  One image element per cell is far cheaper for Plotly to draw
    than a heatmap on its own pair of axes (the 50-cell grid took ~245 ms of plotting as heatmaps), and one text
    trace than an annotation per label (~40 ms less for the 50 labels of F16).  No hover on the cells."""
    w = (1 - hgap * (ncols - 1)) / ncols
    h = (1 - vgap * nrows) / nrows

    def dom(r: int, c: int) -> tuple[list[float], list[float]]:
        x0 = c * (w + hgap)
        y1 = 1 - r * (h + vgap) - vgap
        return [max(x0, 0.0), min(x0 + w, 1.0)], [max(y1 - h, 0.0), min(y1, 1.0)]

    images = []
    for cell in cells:
        dx, dy = dom(cell["row"], cell["col"])
        images.append(
            {
                "source": cell["source"],
                "xref": "paper",
                "yref": "paper",
                "x": dx[0],
                "y": dy[1],
                "sizex": dx[1] - dx[0],
                "sizey": dy[1] - dy[0],
                "xanchor": "left",
                "yanchor": "top",
                "sizing": "stretch",
                "layer": "above",
            }
        )
    doms = [dom(r, c) for r, c, _text, _color in labels]
    text_trace = {
        "type": "scatter",
        "mode": "text",
        "x": [(dx[0] + dx[1]) / 2 for dx, _dy in doms],
        "y": [dy[1] for _dx, dy in doms],
        "text": [text for _r, _c, text, _color in labels],
        "textposition": "top center",
        "textfont": {"size": 10, "color": [color for _r, _c, _text, color in labels]},
        "hoverinfo": "skip",
        "showlegend": False,
        "cliponaxis": False,
        "name": "labels",
    }
    hidden = {"visible": False, "range": [0, 1], "autorange": False, "fixedrange": True}
    layout = {
        "images": images,
        "xaxis": hidden,
        "yaxis": dict(hidden),
        "height": height,
        "margin": dict(l=10, r=10, t=30, b=10),
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": dict(family=FONT, size=13, color="#222"),
        "uirevision": "keep",
        "hovermode": False,
    }
    return go.Figure({"data": [text_trace] if labels else [], "layout": layout}, _validate=False)  # checked numbers


def make_arch(arch=ARCH) -> go.Figure:
    """F13: the architecture as boxes (height ∝ spatial size, width ∝ log channels) with tensor shapes.

    The layer names are annotations (they are tilted, which a text trace cannot do); the shapes under the boxes
    are one text trace and the arrows between boxes one line trace with arrow-head markers: an annotation each
    would cost Plotly a text measurement or an arrow path apiece on every page load."""
    fig = go.Figure()
    x = 0.0
    dims_x, dims_y, dims_text = [], [], []
    arrow_x, arrow_size = [], []
    for k, (label, shape) in enumerate(arch):
        ch = shape[0]
        side = shape[1] if len(shape) == 3 else 1
        h = 0.6 + 2.4 * side / 28
        w = 0.25 + 0.22 * np.log10(ch + 1)
        color = PALETTE["sky"] if "conv" in label else PALETTE["accent"] if "fc" in label else PALETTE["muted"]
        if label == "input":
            color = PALETTE["I"]
        fig.add_shape(
            type="rect",
            x0=x,
            x1=x + w,
            y0=-h / 2,
            y1=h / 2,
            fillcolor=color,
            opacity=0.75,
            line=dict(color="#333", width=1),
        )
        fig.add_annotation(
            x=x + w / 2,
            y=h / 2 + 0.15,
            text=f"<b>{label}</b>",
            showarrow=False,
            yanchor="bottom",
            textangle=-30,
            font=dict(size=11),
        )
        dims_x.append(x + w / 2)
        dims_y.append(-h / 2 - 0.15)
        dims_text.append("×".join(str(d) for d in shape))
        if k:
            arrow_x += [x - 0.33, x - 0.02, None]
            arrow_size += [0, 8, 0]
        x += w + 0.35
    fig.add_trace(
        go.Scatter(x=[0, x], y=[-2.3, 2.6], mode="markers", marker=dict(opacity=0), hoverinfo="skip", showlegend=False)
    )
    fig.add_trace(
        go.Scatter(
            x=dims_x,
            y=dims_y,
            text=dims_text,
            mode="text",
            textposition="bottom center",
            textfont=dict(size=11),
            hoverinfo="skip",
            showlegend=False,
            name="tensor shapes",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=arrow_x,
            y=[None if v is None else 0 for v in arrow_x],
            mode="lines+markers",
            line=dict(color="#444", width=1.2),
            marker=dict(symbol="arrow", angleref="previous", size=arrow_size, color="#444"),
            hoverinfo="skip",
            showlegend=False,
            name="data flow",
        )
    )
    base_layout(fig, height=300)
    fig.update_layout(margin=dict(l=10, r=10, t=40, b=10))
    fig.update_xaxes(visible=False, range=[-0.2, x])
    fig.update_yaxes(visible=False, range=[-2.4, 2.9])
    return fig


def make_errors(summary: dict) -> go.Figure:
    """F14: running training error and test error per epoch for LeNet_low and LeNet_high (log y)."""
    fig = go.Figure()
    for key in (LOW, HIGH):
        net = summary["nets"].get(key)
        if not net:
            continue
        ep = [h["epoch"] for h in net["history"]]
        for what, dash_ in (("test_error", "solid"), ("train_error", "dot")):
            fig.add_trace(
                go.Scatter(
                    x=ep,
                    y=[max(h[what], 1e-3) for h in net["history"]],
                    mode="lines",
                    name=f"{NET_LABEL[key]} — {'test' if what == 'test_error' else 'train'}",
                    line=dict(color=NET_COLOR[key], dash=dash_, width=2),
                    hovertemplate="epoch %{x}: %{y:.2f} %<extra></extra>",
                )
            )
    base_layout(fig, "epoch", "error (%)", height=380)
    fig.update_yaxes(type="log")
    return fig


def make_weights(summary: dict, arrays: dict) -> go.Figure:
    """F15: the fixed random selection of filters per layer, both nets on one colour scale per layer."""
    keys = [k for k in (LOW, HIGH) if k in summary["nets"]]
    picks = arrays[keys[0]]["filters_conv1"].shape[0]
    cells, labels = [], []
    for r, layer in enumerate(LAYERS):
        zmax = max(float(np.abs(arrays[k][f"filters_{layer}"].astype(np.float32)).max()) for k in keys) or 1.0
        for n, key in enumerate(keys):
            for j, f in enumerate(arrays[key][f"filters_{layer}"].astype(np.float32)):
                cells.append(
                    {"row": r, "col": n * picks + j, "source": md.heatmap_uri(f, DIVERGING_COLORSCALE, -zmax, zmax)}
                )
            labels.append((r, n * picks + picks // 2, f"{layer} — {NET_LABEL[key]}", NET_COLOR[key]))
    return image_grid(cells, labels, len(LAYERS), picks * len(keys), height=460, hgap=0.006, vgap=0.07)


def rms_table(summary: dict) -> html.Table:
    """RMS of each layer's weights for both nets, and the ratio low / high."""
    keys = [k for k in (LOW, HIGH) if k in summary["nets"]]
    head = html.Tr(
        [html.Th("layer")] + [html.Th(NET_LABEL[k]) for k in keys] + ([html.Th("low / high")] if len(keys) == 2 else [])
    )
    rows = []
    for layer in LAYERS:
        vals = [summary["nets"][k]["rms"][layer] for k in keys]
        rows.append(
            html.Tr(
                [html.Td(layer)]
                + [html.Td(f"{v:.4f}") for v in vals]
                + ([html.Td(f"{vals[0] / vals[1]:.1f}×")] if len(vals) == 2 else [])
            )
        )
    return html.Table([html.Thead(head), html.Tbody(rows)], id="tbl-lenet-rms", className="lenet-table")


def _pert_range(arrays: dict, keys: list[str]) -> float:
    vals = [np.abs(arrays[k]["digits_adv"].astype(np.int16) - arrays[k]["digits_orig"]).max() for k in keys]
    return int(max(vals) or 1)


def make_advs(summary: dict, arrays: dict) -> go.Figure:
    """F16: per digit, the original and, for each net, the adversarial image and the perturbation with its norm."""
    keys = [k for k in (LOW, HIGH) if k in summary["nets"]]
    pmax = _pert_range(arrays, keys)
    orig = arrays[keys[0]]["digits_orig"].astype(np.int16)
    first = summary["nets"][keys[0]]["cyclic"]
    cells, labels = [], []
    for d in range(10):
        cells.append({"row": 0, "col": d, "source": md.png_uri(orig[d], INK_SCALE, 0, 255)})
        scores = " ".join(
            f"{summary['nets'][k]['cyclic']['pred'][d]}@{summary['nets'][k]['cyclic']['pred_score'][d]:.2f}"
            for k in keys
        )
        labels.append((0, d, f"{first['label'][d]}: {scores}", "#222"))
    for n, key in enumerate(keys):
        cyc = summary["nets"][key]["cyclic"]
        adv = arrays[key]["digits_adv"].astype(np.int16)
        delta = adv - arrays[key]["digits_orig"].astype(np.int16)
        r = 1 + 2 * n
        for d in range(10):
            cells.append({"row": r, "col": d, "source": md.png_uri(adv[d], INK_SCALE, 0, 255)})
            labels.append((r, d, f"→{cyc['target'][d]}@{cyc['adv_target_score'][d]:.2f}", NET_COLOR[key]))
            cells.append(
                {"row": r + 1, "col": d, "source": md.heatmap_uri(delta[d], DIVERGING_COLORSCALE, -pmax, pmax)}
            )
            labels.append((r + 1, d, f"‖δ‖={cyc['l2'][d]:.2f}", NET_COLOR[key]))
    rows = 1 + 2 * len(keys)
    return image_grid(cells, labels, rows, 10, height=115 * rows + 40, hgap=0.01, vgap=0.045)


def make_ladder(summary: dict) -> go.Figure:
    """Robustness curve: test error and median adversarial L2 norm vs weight decay (log x), two y axes."""
    nets = sorted(summary["nets"].values(), key=lambda n: n["weight_decay"])
    wd = [n["weight_decay"] for n in nets]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Scatter(
            x=wd,
            y=[n["test_error"] for n in nets],
            mode="lines+markers",
            name="test error (%)",
            line=dict(color=PALETTE["boundary"]),
            hovertemplate="wd %{x:g}: %{y:.2f} %<extra></extra>",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=wd,
            y=[n["robust"]["median_l2"] for n in nets],
            mode="lines+markers",
            name="median adversarial ‖δ‖₂",
            line=dict(color=PALETTE["adversarial"]),
            hovertemplate="wd %{x:g}: ‖δ‖ = %{y:.2f}<extra></extra>",
        ),
        secondary_y=True,
    )
    base_layout(fig, "weight decay", None, height=360)
    ticks = sorted(set(wd) | set(summary.get("ladder") or []))
    fig.update_xaxes(type="log", tickvals=ticks, ticktext=[f"{t:.0e}".replace("e-0", "e-") for t in ticks])
    err_top = max([n["test_error"] for n in nets] + [1.0])
    l2_top = max([n["robust"]["median_l2"] for n in nets] + [1.0])
    fig.update_yaxes(title_text="test error (%)", secondary_y=False, range=[0, 1.15 * err_top], tickformat=".1f")
    fig.update_yaxes(
        title_text="median ‖δ‖₂ ([0,1] pixels)",
        secondary_y=True,
        range=[0, 1.15 * l2_top],
        tickformat=".0f",
        showgrid=False,
    )
    missing = summary.get("missing") or []
    if missing:
        fig.add_annotation(
            text="not trained yet: wd " + ", ".join(f"{m:g}" for m in missing),
            x=0,
            y=-0.25,
            xref="paper",
            yref="paper",
            showarrow=False,
            xanchor="left",
            font=dict(size=11, color=PALETTE["muted"]),
        )
    return fig


def make_draw(image: np.ndarray | None, result: dict | None = None) -> go.Figure:
    """The draw figure: the input digit, and per net its adversarial image and perturbation."""
    img = np.zeros((28, 28), np.float32) if image is None else np.asarray(image, np.float32) / 255
    nets = (result or {}).get("nets", {})
    cells = [{"row": 0, "col": 0, "source": md.heatmap_uri(img, INK_SCALE, 0, 1)}]
    labels = [(0, 0, "input", "#222")]
    deltas = []
    for n, (key, name) in enumerate(((LOW, "low"), (HIGH, "high"))):
        r = nets.get(name)
        adv = np.asarray(r["adversarial"], np.float32) / 255 if r else np.zeros((28, 28), np.float32)
        deltas.append(adv - img if r else np.zeros((28, 28), np.float32))
        cells.append({"row": 0, "col": 1 + 2 * n, "source": md.heatmap_uri(adv, INK_SCALE, 0, 1)})
        labels.append((0, 1 + 2 * n, f"{NET_LABEL[key]}: adversarial", NET_COLOR[key]))
        labels.append((0, 2 + 2 * n, "δ" + (f" (‖δ‖₂ = {r['l2']:.2f})" if r else ""), NET_COLOR[key]))
    pmax = max(float(np.abs(d).max()) for d in deltas) or 1.0
    for n, d in enumerate(deltas):
        cells.append({"row": 0, "col": 2 + 2 * n, "source": md.heatmap_uri(d, DIVERGING_COLORSCALE, -pmax, pmax)})
    return image_grid(cells, labels, 1, 5, height=250, hgap=0.02, vgap=0.12)


def draw_readout(result: dict | None) -> str:
    """One line per net: prediction@score → target@score, ‖δ‖, steps."""
    if not result:
        return ""
    parts = []
    for key, name in ((LOW, "low"), (HIGH, "high")):
        r = result.get("nets", {}).get(name)
        if r:
            ok = "" if r["success"] else " (target not reached)"
            parts.append(
                f"{NET_LABEL[key]}: sees {r['pred']}@{r['pred_score']:.2f} → {result['target']}"
                f"@{r['adv_target_score']:.2f}, ‖δ‖₂ = {r['l2']:.2f} in {r['steps']} steps{ok}"
            )
    return " · ".join(parts)


# ---------------------------------------------------------------------------------------- permalinks


def parse_index(raw: str) -> int:
    """A test image number 0..9999."""
    text = str(raw).strip()
    if not text.isdigit() or not 0 <= int(text) < N_TEST:
        raise ValueError(f"test image must be a number 0..{N_TEST - 1}, got {raw!r}")
    return int(text)


def parse_target(raw: str) -> int:
    """A target digit 0..9."""
    text = str(raw).strip()
    if len(text) != 1 or not text.isdigit():
        raise ValueError(f"target must be a digit 0..9, got {raw!r}")
    return int(text)


def parse_source(raw: str) -> str:
    text = str(raw).strip()
    if text not in ("test", "drawing"):
        raise ValueError(f"source must be 'test' or 'drawing', got {raw!r}")
    return text


URL_STATE = {
    "lnidx": ("ctl-lenet-index", "value", parse_index),
    "lntgt": ("ctl-lenet-target", "value", parse_target),
    "lnsrc": ("ctl-lenet-source", "value", parse_source),
}


def test_image(index) -> np.ndarray:
    """Test image ``index`` as uint8 (28, 28); ValueError for a bad index."""
    from models.mnist import load_mnist

    if isinstance(index, bool) or not isinstance(index, int | float) or not math.isfinite(index):
        raise ValueError("pick a test image number 0..9999")
    if not 0 <= index < N_TEST:
        raise ValueError(f"test image numbers are 0..{N_TEST - 1}")
    if index != int(index):
        raise ValueError("pick a whole test image number 0..9999")
    if not 0 <= int(index) < N_TEST:
        raise ValueError(f"test image numbers are 0..{N_TEST - 1}")
    return np.asarray(load_mnist()["test_images"][int(index)])


# ---------------------------------------------------------------------------------------- layout

LEAD = r"""
The toy models above are linear or nearly so.  Does weight decay still matter for a real network?
We rebuild the classic **LeNet** used by the MatConvNet MNIST example and train it twice, with exactly
the same recipe except the weight decay: $10^{-4}$ (**LeNet_low**) and $10^{-1}$ (**LeNet_high**).
Both see raw pixel intensities 0..255 minus the mean training image; SGD with momentum 0.9, learning
rate 0.0005, batch 300, 50 epochs.
"""

ADV_TEXT = r"""
To compare the two nets fairly we first put them on the same confidence scale: each gets a softmax
temperature $t$ chosen so that, over the test set, the median top probability is 0.95.  Then, for one
test image of every digit, we push the image towards the next digit ($0\to1$, …, $9\to0$) by
normalised gradient steps on the target probability, $x' \leftarrow \mathrm{clip}(x' + \varepsilon\,
\nabla_x p_t / \lVert\nabla_x p_t\rVert)$ with $\varepsilon = 1$ grey level, until $p_t \ge 0.95$.
Norms $\lVert\delta\rVert_2$ are in units where a pixel goes from 0 to 1.  (The figure uses the paper's
step of one grey level; the 200-image curve below takes steps of four grey levels to save CPU time, and
on the ten digits here both steps give norms within a few percent of each other.  The drawing tool takes
steps of sixteen and then cuts its last step back to where the target is first reached, which changes the
norms by well under one percent.)
"""

LADDER_TEXT = r"""
Low and high are two points on a curve.  Training the same net at more weight decays shows the trade
continuously: the median perturbation needed to fool the net (over 200 fixed test images, 20 per digit)
against its test error.
"""

DRAW_TEXT = r"""
Now try it yourself: draw a digit (or pick any test image), choose a target, and both nets are
attacked on the server.  LeNet_high usually needs the larger change, though in our reproduction the
difference is smaller than in the paper.
"""


def _safe(builder, *args, height: int = 300) -> go.Figure:
    try:
        return builder(*args)
    except LenetDataError as exc:
        return message_figure(str(exc), height)
    except Exception as exc:  # a corrupt artifact must not break the page
        log.warning("LeNet figure failed: %s", exc)
        return message_figure(f"This figure could not be drawn ({type(exc).__name__}).", height)


@lru_cache(maxsize=2)
def _static(folder: str, stamp: int) -> dict:
    """The static figures and the RMS table, built once per version of the precomputed results."""
    try:
        summary, arrays = _load(folder)
    except LenetDataError as exc:
        msg = message_figure(str(exc))
        return {
            "errors": msg,
            "weights": msg,
            "advs": msg,
            "ladder": msg,
            "table": html.P(str(exc), className="notice"),
        }
    try:
        table = rms_table(summary)
    except Exception:  # noqa: BLE001 - a corrupt summary must not break the page
        table = html.P("The RMS table could not be built from the precomputed results.", className="notice")
    return {
        "errors": _safe(make_errors, summary),
        "weights": _safe(make_weights, summary, arrays),
        "advs": _safe(make_advs, summary, arrays),
        "ladder": _safe(make_ladder, summary),
        "table": table,
    }


def static_figures() -> dict:
    """Cached static figures; rebuilt when analysis.json changes."""
    path = lenet_dir() / "analysis" / "analysis.json"
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    if stamp == 0:
        _load.cache_clear()
    return _static(str(lenet_dir()), stamp)


def layout() -> html.Section:
    """The LeNet section: prose and the six figures."""
    f = static_figures()
    return section(
        "lenet",
        "LeNet on MNIST",
        [
            markdown(LEAD),
            figure_block(
                "fig-lenet-arch",
                "LeNet, layer by layer",
                [graph("fig-lenet-arch", _arch_figure())],
                "Every layer is a convolution; the last two act as fully connected layers on a 4×4 and a 1×1 map.",
            ),
            figure_block(
                "fig-lenet-errors",
                "Training and test error per epoch",
                [graph("fig-lenet-errors", f["errors"])],
                "Dotted: error on the training batches during the epoch; solid: test error. The strongly "
                "decayed net fits the training set less tightly, and its two curves stay close.",
            ),
            figure_block(
                "fig-lenet-weights",
                "Weights: RMS per layer and a few filters",
                [f["table"], graph("fig-lenet-weights", f["weights"])],
                "Same random filters for both nets, one colour scale per layer (blue positive, red negative): "
                "the weights of LeNet_high are much smaller in every layer.",
            ),
            markdown(ADV_TEXT),
            figure_block(
                "fig-lenet-advs",
                "Targeted adversarial examples, one per digit",
                [graph("fig-lenet-advs", f["advs"])],
                "Top: originals with each net's class@probability. Then, per net, the adversarial image "
                "(target@probability) and the perturbation δ on a common colour scale (blue: ink added, red: ink removed).",
                wide=True,
            ),
            markdown(LADDER_TEXT),
            figure_block(
                "fig-lenet-ladder",
                "Weight-decay ladder",
                [graph("fig-lenet-ladder", f["ladder"])],
                "Both axes start at zero. The median perturbation grows with weight decay, but gently "
                "(see the reproduction notes: less than the paper reports), while test error hardly moves.",
            ),
            markdown(DRAW_TEXT),
            draw_block(),
        ],
    )


@lru_cache(maxsize=1)
def _arch_figure() -> go.Figure:
    return make_arch()


def draw_block() -> html.Figure:
    """fig-lenet-draw: canvas or test image, target, attack button, result figure and readout."""
    controls = [
        dcc.RadioItems(
            id="ctl-lenet-source",
            value="test",
            inline=True,
            options=[{"label": " test image", "value": "test"}, {"label": " my drawing", "value": "drawing"}],
        ),
        html.Label("test image", htmlFor="ctl-lenet-index", className="control-label"),
        dcc.Input(id="ctl-lenet-index", type="number", min=0, max=N_TEST - 1, step=1, value=0, debounce=True),
        html.Label("target", htmlFor="ctl-lenet-target", className="control-label"),
        dcc.Dropdown(
            id="ctl-lenet-target",
            options=list(range(10)),
            value=1,
            clearable=False,
            style={"width": "5em", "display": "inline-block"},
        ),
        html.Button("Attack both nets", id="ctl-lenet-go", n_clicks=0),
    ]
    canvas = html.Div(
        [
            html.Canvas(
                id="lenet-canvas",
                width=196,
                height=196,
                className="lenet-canvas",
                style={"border": "1px solid #999", "touchAction": "none", "background": "white", "cursor": "crosshair"},
            ),
            html.Button("Clear", id="ctl-lenet-clear", n_clicks=0),
        ],
        className="lenet-canvas-box",
    )
    return figure_block(
        "fig-lenet-draw",
        "Draw a digit and fool both nets",
        [
            html.Div([canvas, graph("fig-lenet-draw", first_draw())], className="lenet-draw-row"),
            dcc.Store(id="store-lenet-drawing"),
            dcc.Store(id="store-lenet-job"),
            dcc.Interval(id="lenet-draw-poll", interval=500, disabled=True),
            html.Div(id="ro-lenet-draw-msg", className="notice", **{"aria-live": "polite"}),
        ],
        "Left: what the nets see (your drawing is scaled to 20×20 and centred like MNIST). "
        "In δ, blue pixels gained ink and red pixels lost ink.",
        controls=controls,
        readout_row=readouts([("ro-lenet-draw", "result", "")]),
        wide=True,
    )


# ---------------------------------------------------------------------------------------- callbacks

# The canvas (assets/lenet.js draws, crops, centres and stores the digit); the Clear button empties it.
dash.clientside_callback(
    dash.ClientsideFunction(namespace="l2lenet", function_name="clear"),
    Output("ctl-lenet-clear", "title"),
    Input("ctl-lenet-clear", "n_clicks"),
    prevent_initial_call=True,
)


@lru_cache(maxsize=1)
def first_draw() -> go.Figure:
    """The draw figure as the page opens: the default input (test image 0), or empty if it cannot be read."""
    try:
        return make_draw(_input_image("test", 0, None))
    except Exception as exc:  # noqa: BLE001 — a missing MNIST file leaves the figure empty, not the page broken
        log.warning("LeNet test image unavailable: %s", exc)
        return make_draw(None)


def _input_image(source, index, drawing) -> np.ndarray:
    """The image the nets will see, validated like the job does (ValueError with a clear message)."""
    from jobs.lenet_tasks import validate_image

    try:
        if source == "drawing":
            return validate_image(drawing)
        return test_image(index).astype(np.float32)
    except (TypeError, OverflowError, IndexError) as exc:  # e.g. a pixel of 1e400 in a tampered drawing
        raise ValueError(f"this input cannot be used ({type(exc).__name__})") from exc


@dash.callback(
    Output("fig-lenet-draw", "figure"),
    Output("ro-lenet-draw-msg", "children", allow_duplicate=True),
    Input("ctl-lenet-source", "value"),
    Input("ctl-lenet-index", "value"),
    Input("store-lenet-drawing", "data"),
    prevent_initial_call=True,  # the page comes with the default input drawn (first_draw)
)
def show_input(source, index, drawing):
    """Show the chosen input (no computation); explain what is wrong with it if it cannot be used."""
    try:
        return make_draw(_input_image(source, index, drawing)), ""
    except ValueError as exc:
        return make_draw(None), str(exc)


@dash.callback(
    Output("store-lenet-job", "data"),
    Output("lenet-draw-poll", "disabled"),
    Output("ro-lenet-draw-msg", "children"),
    Output("ro-lenet-draw", "children"),
    Output("fig-lenet-draw", "figure", allow_duplicate=True),
    Input("ctl-lenet-go", "n_clicks"),
    Input("lenet-draw-poll", "n_intervals"),
    State("ctl-lenet-source", "value"),
    State("ctl-lenet-index", "value"),
    State("ctl-lenet-target", "value"),
    State("store-lenet-drawing", "data"),
    State("store-lenet-job", "data"),
    prevent_initial_call=True,
)
def attack(_clicks, _n, source, index, target, drawing, job):
    """Submit a lenet-attack job on click, then poll it until done; never computes in the web process."""
    from jobs import queue

    nu = dash.no_update
    if dash.ctx.triggered_id == "ctl-lenet-go":
        try:
            image = _input_image(source, index, drawing)
            if isinstance(target, bool) or not isinstance(target, int) or not 0 <= target <= 9:
                raise ValueError("choose a target digit 0..9")
        except ValueError as exc:
            return None, True, str(exc), "", nu
        params = {"target": target}
        if source == "drawing":
            params["image"] = np.rint(image).astype(int).tolist()
        else:
            params["index"] = int(index)
        status = queue.submit("lenet-attack", params)
        job = {"key": status.get("key"), "image": np.rint(image).astype(np.uint8).tolist()}
    elif not isinstance(job, dict) or not job.get("key"):
        return None, True, nu, nu, nu
    else:
        status = queue.poll(job["key"])
    state = status.get("state")
    if state == "done":
        result = status.get("result") or {}
        try:
            fig = make_draw(np.asarray(job["image"], np.float32), result)
            return None, True, "", draw_readout(result), fig
        except Exception as exc:  # noqa: BLE001 - a malformed result must not break the page
            return None, True, f"The result could not be shown ({type(exc).__name__}).", "", nu
    if state in ("failed", "busy"):
        return None, True, f"The attack did not run: {status.get('message') or state}", "", nu
    pct = int(round(100 * float(status.get("progress") or 0.0)))
    return job, False, f"attacking… {pct} % ({status.get('message') or state})", nu, nu
