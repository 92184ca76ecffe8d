"""How hard each net is to fool: F16, one targeted adversarial example per digit (the ladder over every net is
views/lenet_study.py)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from views import lenet_nets as nets
from views.lenet_grid import image_grid
from views.pictures import heatmap_uri, png_uri
from views.style import DIVERGING_COLORSCALE


def pert_range(arrays: dict, keys: list[str]) -> int:
    """The largest perturbation (grey levels) over the nets shown: F16's common colour scale is ±this."""
    vals = [np.abs(arrays[k]["digits_adv"].astype(np.int16) - arrays[k]["digits_orig"]).max() for k in keys]
    return int(max(vals) or 1)


def make_advs(summary: dict, arrays: dict, keys: list[str] | None = None) -> go.Figure:
    """F16: per digit, the original (labelled with its digit; a net that misclassifies it is named by its
    answer) and, for each net, the adversarial image (target@probability) and the perturbation (its ‖δ‖₂ above
    it); the rows of each net are titled with the net's name in the left margin."""
    keys = nets.compared(summary, keys)
    pmax = pert_range(arrays, keys)
    orig = arrays[keys[0]]["digits_orig"].astype(np.int16)
    first = summary["nets"][keys[0]]["cyclic"]
    cells, labels = [], []
    for d in range(10):  # labels stay short (≤ 6 characters) so that ten columns fit a 375 px phone
        cells.append({"row": 0, "col": d, "source": png_uri(orig[d], nets.INK_SCALE, 0, 255)})
        wrong = sorted({summary["nets"][k]["cyclic"]["pred"][d] for k in keys} - {first["label"][d]})
        labels.append((0, d, f"{first['label'][d]}" + (f" (→{wrong[0]})" if wrong else ""), "#222"))
    for n, key in enumerate(keys):
        cyc = summary["nets"][key]["cyclic"]
        adv = arrays[key]["digits_adv"].astype(np.int16)
        delta = adv - arrays[key]["digits_orig"].astype(np.int16)
        r = 1 + 2 * n
        color = nets.color(key, n)
        for d in range(10):
            cells.append({"row": r, "col": d, "source": png_uri(adv[d], nets.INK_SCALE, 0, 255)})
            score = f"{cyc['adv_target_score'][d]:.2f}".removeprefix("0")
            labels.append((r, d, f"→{cyc['target'][d]}@{score}", color))
            cells.append({"row": r + 1, "col": d, "source": heatmap_uri(delta[d], DIVERGING_COLORSCALE, -pmax, pmax)})
            labels.append((r + 1, d, f"{cyc['l2'][d]:.2f}", color))
    rows = 1 + 2 * len(keys)
    titles = [(0, 0, "original", "#222")]
    titles += [(1 + 2 * n, 2 + 2 * n, nets.short_label(k), nets.color(k, n)) for n, k in enumerate(keys)]
    return image_grid(cells, labels, rows, 10, height=115 * rows + 40, hgap=0.01, vgap=0.045, row_titles=titles)
