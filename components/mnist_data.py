"""Old home of the MNIST figures' helpers (shim: removed at integration, once the LeNet section imports its
picture codec from views.pictures).  Each name now lives in the views module that owns its concern:
views.pictures (PNG codec), views.plane (tilting plane), views.pair_models (a pair's data and models),
views.formats (readout texts, compact numbers)."""

from __future__ import annotations

import numpy as np

from models import geometry
from views.formats import compact, fmt_angle, fmt_num, fmt_percent, lambda_label, rounded  # noqa: F401
from views.pair_models import (  # noqa: F401
    PER_CLASS_SHOWN,
    ModelRows,
    PairContext,
    SweepLike,
    display_subset,
    nearest_to_centroid,
    pair_context,
    rows_from_model,
    rows_from_sweep,
)
from views.pictures import (  # noqa: F401
    IMAGE_SIDE,
    _palette,
    heatmap_uri,
    image_percent,
    png_uri,
    png_values,
    weight_percent,
)
from views.plane import PlaneFrames, boundary_segment, plane_basis, plane_frame, plane_frames  # noqa: F401


def image_list(x: np.ndarray) -> list:
    """A 784-vector in [0, 1] units as a 28×28 nested list of integer percent (compact JSON)."""
    return image_percent(x).tolist()


def mirror(x: np.ndarray, w: np.ndarray, b: float) -> tuple[np.ndarray, float]:
    """Mirror image x_m = x − 2 d(x) ŵ of x through the boundary (models.geometry), and d(x)."""
    return geometry.mirror_image(x, w, b), float(geometry.signed_distance(x, w, b))


def loss_curve(loss: str, w_norm: float, z: np.ndarray) -> np.ndarray:
    """The per-point loss as a function of z = y·d(x), scaled by ‖w‖: f(‖w‖ z)."""
    t = w_norm * np.asarray(z, dtype=np.float64)
    if loss == "hinge":
        return np.maximum(1.0 - t, 0.0)
    return np.logaddexp(0.0, -t)
