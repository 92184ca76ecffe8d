"""An off-grid λ: the worker's ``fit-lambda`` answer as the views' one-model rows and tilting plane."""

from __future__ import annotations

import numpy as np

from models import geometry
from views import svm_sets
from views.pair_models import ModelRows, rows_from_model
from views.plane import PlaneFrames, plane_frames
from views.sweep_grid import SweepGrid, sweep_grid


def offgrid_model(grid: SweepGrid, result: dict, lam: float) -> tuple[ModelRows, PlaneFrames]:
    """The model of a fit-lambda answer at λ = ``lam``, in the sweep's plane ranges; ValueError if unusable.

    The answer's metrics and histograms, and its plane coordinates (v of the shown points, the boundary's cos, sin,
    offset and the centroids) are used as returned; what an answer lacks is computed here from (w, b)."""
    w = np.asarray(result.get("w"), dtype=np.float64)
    bias = result.get("bias", result.get("b"))
    if w.shape != (784,) or bias is None or not np.all(np.isfinite(w)) or not np.any(w):
        raise ValueError("the worker returned an unusable weight vector")
    s, cx, pf = grid.sweep, grid.pair, grid.plane
    if "err_train" in result:  # the model's metrics, as the worker computed them
        one = lambda key: np.array([float(result[key])])  # noqa: E731
        rows = ModelRows(
            np.array([lam]), w[None, :], np.array([float(bias)]), one("err_train"), one("err_test"), one("d_adv"),
            one("theta"), one("w_norm"), np.array([result["hist_I"]]), np.array([result["hist_J"]]),
        )  # fmt: skip
    else:
        rows = rows_from_model(w, float(bias), lam, cx, s.centroid_i, s.centroid_j, np.asarray(s.hist_edges))
    if "plane" not in result:  # an answer without its plane coordinates: computed here from (w, b)
        X_shown = cx.X_train[cx.shown]
        return rows, plane_frames(rows.W, rows.bias, s.centroid_i, s.centroid_j, X_shown, ranges_from=pf)
    p = result["plane"]
    _, n_hat = geometry.tilting_bases(
        w[None, :], s.centroid_i, s.centroid_j
    )  # for the chosen images' plane coordinates
    plane = PlaneFrames(
        pf.z_hat, n_hat, pf.u, np.array([result["v"]], dtype=np.float64), np.array([p["cos"]]),
        np.array([p["sin"]]), np.array([p["offset"]]), np.array([p["ci"]]), np.array([p["cj"]]), pf.u_range, pf.v_range,
    )  # fmt: skip
    return rows, plane


def offgrid_layers(model: dict, images: tuple) -> list[dict]:
    """The sets of an off-grid model shown in the section (model, and the mirror layer of the chosen ``images``):
    ``model`` holds the pair, loss, λ and the worker's fit-lambda answer as returned."""
    grid = sweep_grid(*model["pair"], model["loss"])
    rows, pf = offgrid_model(grid, model["result"], float(model["lam"]))
    x, y, _ = svm_sets.chosen_images(grid, *images)
    return svm_sets.offgrid_sets(grid, rows, pf, x, y)
