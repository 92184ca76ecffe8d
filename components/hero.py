"""F1, the hero: MNIST 2 vs 3 in the tilting plane, with one L2-regularization slider.

The 81 frames (one per λ of the shipped hinge sweep, views.hero) are built once per process.  The page comes with
the default frame drawn; the frames follow as a file, and the frame player picks one while the slider moves.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from dash import html

from components.common import figure_block
from components.widgets.frame_player import FramePlayer
from views import hero as hero_view
from views.frames import FrameSet, message_set
from views.mnist_params import (
    DEFAULT_LAM_INDEX,
    HERO_PAIR,
    LAMBDA_MARKS,
    N_LAMBDA,
    lambda_valuetext,
    parse_lam_index,
)
from views.sweep_grid import describe_error, sweep_grid

log = logging.getLogger(__name__)

HERO_LOSS = "hinge"
READOUT_IDS = hero_view.READOUT_IDS

PLAYER = FramePlayer(
    "ctl-hero-lambda",
    views={hero_view.FIG_ID: hero_view.HEIGHT},
    readouts=list(zip(READOUT_IDS, hero_view.READOUT_LABELS, strict=True)),
    stores=["store-hero"],
    slider=dict(
        min=0,
        max=N_LAMBDA - 1,
        value=DEFAULT_LAM_INDEX,
        step=1,
        marks=LAMBDA_MARKS,
        allow_direct_input=False,
        label="L2 regularization λ (strong → right)",
        valuetext=lambda_valuetext,
    ),
    url=("hero", parse_lam_index),
)
URL_STATE = PLAYER.url_state


@lru_cache(maxsize=1)
def cached_frames() -> FrameSet:
    """The hero's frames, computed once per process from the shipped 2 vs 3 hinge sweep."""
    grid = sweep_grid(*HERO_PAIR, HERO_LOSS)
    return hero_view.hero_frames(grid.sweep, grid.pair)


def frames() -> FrameSet:
    """The hero's frames or, if the sweep is unavailable, a set whose figure says why."""
    try:
        return cached_frames()
    except Exception as exc:  # noqa: BLE001 — a missing artifact becomes a message
        log.warning("hero sweep unavailable: %s", exc)
        msg = describe_error(exc, *HERO_PAIR, HERO_LOSS)
        return message_set(msg, {hero_view.FIG_ID: hero_view.HEIGHT}, READOUT_IDS)


CAPTION = (
    "Drag towards small λ: the boundary turns away from the line joining the centroids, training "
    "error drops, and the band of half-width d_adv (the mean distance of the points to the boundary) "
    "collapses. The view is the plane spanned by ẑ and the part of w orthogonal to it; that plane turns "
    "with w, so what you see moving are the points, not the boundary."
)


def layout() -> html.Section:
    """The hero figure at the top of the article."""
    parts = PLAYER.parts([frames()])
    block = figure_block(
        hero_view.FIG_ID,
        f"MNIST {HERO_PAIR[0]} vs {HERO_PAIR[1]}: a linear SVM seen in its tilting plane",
        [parts.stores, *parts.graphs],
        CAPTION,
        controls=[parts.slider],
        readout_row=parts.readouts,
        wide=True,
    )
    return html.Section([block], id="hero", className="hero", **{"aria-labelledby": f"{hero_view.FIG_ID}-title"})
