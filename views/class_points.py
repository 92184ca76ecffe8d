"""The training points of two classes in a 2-D figure, drawn alike wherever they appear (F7, F9, the ReLU toy)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from views.style import EDGE, PALETTE


def class_points(X: np.ndarray, y: np.ndarray, marker: dict, name: str = "class {}") -> list[go.Scatter]:
    """Class I (y = −1) and class J (y = +1) as two marker traces with uids ``class-I`` / ``class-J``, in the
    classes' colours (outlined in the class's edge colour unless ``marker`` gives a line); ``marker`` gives the rest
    of the markers' style, ``name`` is formatted with the class."""
    return [
        go.Scatter(
            uid=f"class-{cls}",
            x=X[y == label, 0],
            y=X[y == label, 1],
            mode="markers",
            name=name.format(cls),
            hoverinfo="skip",
            marker={"color": PALETTE[cls], **marker, "line": marker.get("line") or {"color": EDGE[cls], "width": 1}},
        )
        for label, cls in ((-1.0, "I"), (1.0, "J"))
    ]
