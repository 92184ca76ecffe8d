"""Which LeNets the section compares, and how each net is named and coloured in every LeNet figure.

Nets are keyed as in ``analysis.json``: by net name, the folder under precomputed/lenet/ (``"wd-1e-04"``,
``"wd-1e-01-s2"``, ``"adv-1.0"``; see store/lenet.py).  The figures take the keys to show
as an argument (``compared`` by default), so more nets (other weight decays, seeds, adversarially trained nets)
need a label and a colour here, not a change to the builders.
"""

from __future__ import annotations

import re

from views.style import PALETTE

LOW, HIGH = "wd-1e-04", "wd-1e-01"
COMPARED = (LOW, HIGH)
NET_LABEL = {LOW: "LeNet_low (wd 1e-4)", HIGH: "LeNet_high (wd 1e-1)"}
NET_COLOR = {LOW: PALETTE["adversarial"], HIGH: PALETTE["J"]}
OTHER_COLORS = (PALETTE["accent"], PALETTE["purple"], PALETTE["I"], PALETTE["sky"], PALETTE["muted"])
# The draw-a-digit job answers per net under these names (jobs.lenet_tasks): (job's name, analysis key).
DRAW_NETS = (("low", LOW), ("high", HIGH))
LAYERS = ("conv1", "conv2", "fc1", "fc2")
INK_SCALE = ((0.0, "#ffffff"), (1.0, "#111111"))  # digits drawn dark on white (a tuple: png palettes are cached)


def label(key: str) -> str:
    """The net's name in legends, grid labels and readouts: 'LeNet_low (wd 1e-4)', 'LeNet wd 3e-1 (seed 1)',
    'LeNet adv ε=1 (seed 2)', from the net name's convention (store/lenet.py)."""
    if key in NET_LABEL:
        return NET_LABEL[key]
    m = re.fullmatch(r"(wd|adv)-([0-9.e+-]+?)(?:-wd([0-9.e+-]+))?(?:-s(\d+))?", key)
    if not m:
        return f"LeNet {key}"
    kind, value, wd, seed = m.groups()
    if kind == "wd":
        text = f"LeNet wd {float(value):.0e}".replace("e-0", "e-").replace("e+00", "")
    else:
        text = f"LeNet adv ε={float(value):g}" + (f", wd {wd}" if wd else "")
    return text + (f" (seed {seed})" if seed else "")


def short_label(key: str) -> str:
    """The net's name where space is short (F16's row titles): 'LeNet_low', 'LeNet_high', else ``label``."""
    return label(key).split(" (wd ")[0]


def color(key: str, n: int = 0) -> str:
    """The net's colour; ``n`` (its place among the nets shown) picks one for a net without its own."""
    return NET_COLOR.get(key) or OTHER_COLORS[n % len(OTHER_COLORS)]


def compared(summary: dict, keys: tuple[str, ...] | list[str] | None = None) -> list[str]:
    """The nets to show, in order: ``keys`` (the low/high pair by default) that the analysis holds."""
    return [k for k in (COMPARED if keys is None else keys) if k in summary["nets"]]
