"""Draw a digit and fool both nets: the input the nets see, the attack request, and the result figure/readout.

The input is a test image of MNIST or the student's drawing (28×28 grey levels 0..255, made by assets/lenet.js);
both are checked exactly as the ``lenet-attack`` job checks them, so the page explains a bad input before asking.
"""

from __future__ import annotations

import logging
import math
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go

from jobs.lenet_tasks import validate_image
from store import mnist as mnist_store
from views import lenet_nets as nets
from views.lenet_grid import image_grid
from views.pictures import heatmap_uri
from views.style import DIVERGING_COLORSCALE

log = logging.getLogger(__name__)

N_TEST = 10_000
SOURCES = ("test", "drawing")


def mnist_test_digit(index) -> np.ndarray:
    """MNIST test image number ``index`` (0..9999) as uint8 (28, 28); ValueError for a bad number."""
    if isinstance(index, bool) or not isinstance(index, int | float) or not math.isfinite(index):
        raise ValueError("pick a test image number 0..9999")
    if not 0 <= index < N_TEST:
        raise ValueError(f"test image numbers are 0..{N_TEST - 1}")
    if index != int(index):
        raise ValueError("pick a whole test image number 0..9999")
    return np.asarray(mnist_store.load_mnist()["test_images"][int(index)])


def input_image(source, index, drawing) -> np.ndarray:
    """The image the nets will see, validated like the job does (ValueError with a clear message)."""
    try:
        if source == "drawing":
            return validate_image(drawing)
        return mnist_test_digit(index).astype(np.float32)
    except (TypeError, OverflowError, IndexError) as exc:  # e.g. a pixel of 1e400 in a tampered drawing
        raise ValueError(f"this input cannot be used ({type(exc).__name__})") from exc


def attack_request(source, index, target, drawing) -> tuple[dict, list]:
    """The ``lenet-attack`` job's params and the input image (whole grey levels) it is asked about.

    ValueError with a clear message for an input or target the job would refuse."""
    image = input_image(source, index, drawing)
    if isinstance(target, bool) or not isinstance(target, int) or not 0 <= target <= 9:
        raise ValueError("choose a target digit 0..9")
    params: dict = {"target": target}
    if source == "drawing":
        params["image"] = np.rint(image).astype(int).tolist()
    else:
        params["index"] = int(index)
    return params, np.rint(image).astype(np.uint8).tolist()


def make_draw(image: np.ndarray | None, result: dict | None = None, shown=nets.DRAW_NETS) -> go.Figure:
    """The draw figure: the input digit, and per net its adversarial image and perturbation.

    ``shown``: (the job's net name, analysis key) per net, in order; a net missing from ``result`` gets blanks."""
    img = np.zeros((28, 28), np.float32) if image is None else np.asarray(image, np.float32) / 255
    answers = (result or {}).get("nets", {})
    cells = [{"row": 0, "col": 0, "source": heatmap_uri(img, nets.INK_SCALE, 0, 1)}]
    labels = [(0, 0, "input", "#222")]
    deltas = []
    for n, (name, key) in enumerate(shown):
        r = answers.get(name)
        adv = np.asarray(r["adversarial"], np.float32) / 255 if r else np.zeros((28, 28), np.float32)
        deltas.append(adv - img if r else np.zeros((28, 28), np.float32))
        color = nets.color(key, n)
        cells.append({"row": 0, "col": 1 + 2 * n, "source": heatmap_uri(adv, nets.INK_SCALE, 0, 1)})
        labels.append((0, 1 + 2 * n, f"{nets.label(key)}: adversarial", color))
        labels.append((0, 2 + 2 * n, "δ" + (f" (‖δ‖₂ = {r['l2']:.2f})" if r else ""), color))
    pmax = max(float(np.abs(d).max()) for d in deltas) or 1.0
    for n, d in enumerate(deltas):
        cells.append({"row": 0, "col": 2 + 2 * n, "source": heatmap_uri(d, DIVERGING_COLORSCALE, -pmax, pmax)})
    return image_grid(cells, labels, 1, 1 + 2 * len(shown), height=250, hgap=0.02, vgap=0.12)


def draw_readout(result: dict | None, shown=nets.DRAW_NETS) -> str:
    """One line per net: prediction@score → target@score, ‖δ‖, steps."""
    if not result:
        return ""
    parts = []
    for name, key in shown:
        r = result.get("nets", {}).get(name)
        if r:
            ok = "" if r["success"] else " (target not reached)"
            parts.append(
                f"{nets.label(key)}: sees {r['pred']}@{r['pred_score']:.2f} → {result['target']}"
                f"@{r['adv_target_score']:.2f}, ‖δ‖₂ = {r['l2']:.2f} in {r['steps']} steps{ok}"
            )
    return " · ".join(parts)


@lru_cache(maxsize=1)
def first_draw() -> go.Figure:
    """The draw figure as the page opens: the default input (test image 0), or empty if it cannot be read."""
    try:
        return make_draw(input_image("test", 0, None))
    except Exception as exc:  # noqa: BLE001 — a missing MNIST file leaves the figure empty, not the page broken
        log.warning("LeNet test image unavailable: %s", exc)
        return make_draw(None)


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
    if text not in SOURCES:
        raise ValueError(f"source must be 'test' or 'drawing', got {raw!r}")
    return text
