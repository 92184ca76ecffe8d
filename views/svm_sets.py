"""The frame sets of the three MNIST views (F10–F12) for one (pair, loss), in the one frame format.

* ``sweep_set``: one frame per λ of the sweep (values: the grid index) for the three views and six readouts;
  its key {"pair", "loss"} is what the views' figures name in ``layout.meta.l2view``.
* ``mirror_layer``: the chosen images x and y and their mirrors, one frame per λ, over the sweep set.
* ``offgrid_sets``: a model at any λ (fitted by the worker) as a one-frame set over the sweep, with its mirror
  layer: shown until the slider moves.
"""

from __future__ import annotations

import numpy as np

from views import svm_loss, svm_mirror, svm_plane
from views.formats import fmt_angle, fmt_lambda, fmt_num, fmt_percent
from views.frames import FrameSet, frame_set, message_set
from views.mnist_params import IMAGE_SETS, parse_image_index
from views.pair_models import ModelRows
from views.plane import PlaneFrames
from views.sweep_grid import SweepGrid

VIEW_IDS = (svm_loss.FIG_ID, svm_plane.FIG_ID, svm_mirror.FIG_ID)
HEIGHTS = {svm_loss.FIG_ID: svm_loss.HEIGHT, svm_plane.FIG_ID: svm_plane.HEIGHT, svm_mirror.FIG_ID: svm_mirror.HEIGHT}
READOUT_IDS = ("ro-svm-lam", "ro-svm-dadv", "ro-svm-err-train", "ro-svm-err-test", "ro-svm-theta", "ro-svm-wnorm")
READOUT_LABELS = ("λ", "d_adv", "err_train", "err_test", "θ", "‖w‖")


def sweep_key(a: int, b: int, loss: str) -> dict:
    """What a sweep set shows (and its figures name)."""
    return {"pair": f"{a}-{b}", "loss": loss}


def model_readouts(rows: ModelRows, k: int) -> list[str]:
    """The six readouts of model k, in READOUT_IDS order."""
    lam = float(rows.lam[k])
    return [
        fmt_lambda(lam),
        fmt_num(float(rows.d_adv[k])),
        fmt_percent(float(rows.err_train[k])),
        fmt_percent(float(rows.err_test[k])),
        fmt_angle(float(rows.theta[k])),
        fmt_num(float(rows.w_norm[k])),
    ]


def model_frames(grid: SweepGrid, rows: ModelRows, pf: PlaneFrames) -> list[dict]:
    """Per model of ``rows`` (in the planes ``pf``): the update of each of the three views."""
    y_shown = grid.pair.y_train[grid.pair.shown]
    edges = np.asarray(grid.sweep.hist_edges, dtype=np.float64)
    return [
        {
            svm_loss.FIG_ID: {"traces": svm_loss.loss_update(rows, k, grid.sweep.loss, edges)},
            svm_plane.FIG_ID: svm_plane.plane_view_update(pf, rows, k, y_shown),
            svm_mirror.FIG_ID: {"traces": svm_mirror.boundary_update(pf, rows, k)},
        }
        for k in range(len(rows.lam))
    ]


def sweep_set(grid: SweepGrid) -> FrameSet:
    """Every frame of the sweep for the three views."""
    s, cx, pf = grid.sweep, grid.pair, grid.plane
    figures = {
        svm_loss.FIG_ID: svm_loss.loss_figure(s),
        svm_plane.FIG_ID: svm_plane.plane_figure(pf, cx.y_train[cx.shown]),
        svm_mirror.FIG_ID: svm_mirror.mirror_figure(pf),
    }
    n = len(grid.rows.lam)
    texts = [model_readouts(grid.rows, k) for k in range(n)]
    frames = model_frames(grid, grid.rows, pf)
    return frame_set(range(n), figures, frames, READOUT_IDS, texts, key=sweep_key(int(s.a), int(s.b), s.loss))


def mirror_layer(rows: ModelRows, pf: PlaneFrames, x: np.ndarray, y: np.ndarray, over: dict) -> FrameSet:
    """The images x and y and their mirrors through each model of ``rows``, as a layer over the set ``over``."""
    frames = svm_mirror.mirror_frames(rows, pf, x, y)
    return frame_set(
        range(len(frames)),
        None,
        [{svm_mirror.FIG_ID: upd} for upd, _ in frames],
        svm_mirror.READOUT_IDS,
        [ro for _, ro in frames],
        over=over,
        common={svm_mirror.FIG_ID: svm_mirror.pictures_of(x, y)},
    )


def offgrid_sets(grid: SweepGrid, rows: ModelRows, pf: PlaneFrames, x: np.ndarray, y: np.ndarray) -> list[FrameSet]:
    """A single model (an off-grid λ) as a one-frame set over the sweep set, and its mirror layer."""
    s = grid.sweep
    over = sweep_key(int(s.a), int(s.b), s.loss)
    key = {**over, "lam": float(rows.lam[0])}
    model = frame_set([0], None, model_frames(grid, rows, pf), READOUT_IDS, [model_readouts(rows, 0)], key=key,
                      over=over)  # fmt: skip
    return [model, mirror_layer(rows, pf, x, y, over=key)]


MESSAGE_HEIGHT = 300


def message(text: str) -> FrameSet:
    """A set that makes the three views say ``text`` (readouts '–')."""
    return message_set(text, dict.fromkeys(VIEW_IDS, MESSAGE_HEIGHT), READOUT_IDS + svm_mirror.READOUT_IDS)


def chosen_images(grid: SweepGrid, xset, xi, yset, yi) -> tuple[np.ndarray, np.ndarray, str]:
    """The images x (class I) and y (class J) a visitor chose (set and index within the class; none: a typical
    one), and a note saying what was adjusted."""
    notes, chosen = [], []
    for label, iset, idx in ((-1.0, xset, xi), (1.0, yset, yi)):
        iset = iset if iset in IMAGE_SETS else "train"
        try:
            index = None if idx in (None, "") else parse_image_index(str(idx))
        except ValueError as exc:
            notes.append(str(exc))
            index = None
        img, _, note = svm_mirror.pick_image(grid.pair, label, iset, index)
        if note:
            notes.append(note)
        chosen.append(img)
    return chosen[0], chosen[1], "; ".join(notes)
