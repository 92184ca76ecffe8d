"""Pictures as PNG data URIs, and the picture subplots the MNIST figures draw them in.

The figures show their 28×28 digits (and the toy's 3×3 images, the ReLU toy's maps) as Plotly *layout images*:
a new picture per slider step is then an image swap, not a heatmap redraw.  ``png_uri`` encodes an integer
image with the colours a heatmap of that colour scale would draw; ``png_values`` decodes it (tests, checks).
"""

from __future__ import annotations

import base64
import struct
import zlib
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
from plotly import colors as plotly_colors

from views.style import DIVERGING_COLORSCALE, IMAGE_COLORSCALE

IMAGE_SIDE = 28
# A layout image on a picture subplot with axes [-0.5, 27.5] (y reversed): one cell per pixel.
_PICTURE = dict(x=-0.5, y=-0.5, sizex=28, sizey=28, xanchor="left", yanchor="top", sizing="stretch", layer="above")


def image_percent(x: np.ndarray) -> np.ndarray:
    """A 784-vector in [0, 1] units as a 28×28 integer array of percent of full ink."""
    return np.rint(100 * np.asarray(x, dtype=np.float64).reshape(IMAGE_SIDE, IMAGE_SIDE)).astype(int)


def weight_percent(w: np.ndarray) -> np.ndarray:
    """w as a 28×28 integer array in [−100, 100] (percent of max |w|): its sign pattern and shape."""
    w = np.asarray(w, dtype=np.float64)
    return image_percent(w / (float(np.max(np.abs(w))) or 1.0))


def _palette(colorscale: str | tuple, n: int) -> bytes:
    """n RGB colours sampled evenly along a plotly colorscale (as a heatmap maps zmin…zmax): a name, or a tuple
    of (position, colour) stops."""
    stops = plotly_colors.get_colorscale(colorscale) if isinstance(colorscale, str) else colorscale
    pos = np.array([float(p) for p, _ in stops])
    rgb = np.array(
        [plotly_colors.hex_to_rgb(c) if c.startswith("#") else plotly_colors.unlabel_rgb(c) for _, c in stops],
        dtype=np.float64,
    )
    t = np.linspace(0.0, 1.0, n)
    out = np.stack([np.interp(t, pos, rgb[:, ch]) for ch in range(3)], axis=1)
    return np.rint(out).astype(np.uint8).tobytes()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@lru_cache(maxsize=8)
def _png_palette(colorscale: str | tuple, lo: int, hi: int) -> bytes:
    return _png_chunk(b"PLTE", _palette(colorscale, hi - lo + 1))


def png_uri(img: list | np.ndarray, colorscale: str | tuple, lo: int, hi: int) -> str:
    """An integer image (e.g. ``image_percent`` / ``weight_percent`` values) as a palette PNG data URI whose
    colours are those a heatmap with this colorscale and zmin=lo, zmax=hi would draw (values clamped to [lo, hi])."""
    a = np.clip(np.asarray(img, dtype=np.int64), lo, hi) - lo
    h, w = a.shape
    rows = np.zeros((h, w + 1), dtype=np.uint8)  # each row: filter type 0, then the palette indices
    rows[:, 1:] = a
    raw = rows.tobytes()
    png = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0))
        + _png_palette(colorscale, lo, hi)
        + _png_chunk(b"IDAT", zlib.compress(raw, 9))
        + _png_chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def heatmap_uri(z: np.ndarray, colorscale: str | tuple, zmin: float, zmax: float, flip: bool = False) -> str:
    """A heatmap's picture as a PNG data URI: z in [zmin, zmax] on 256 colour levels of ``colorscale`` (what
    Plotly draws for this heatmap, to 1/255 of the colour range), row 0 at the top (``flip``: at the bottom, as
    a heatmap on an upward y axis draws it)."""
    z = np.asarray(z, dtype=np.float64)
    levels = np.rint((np.clip(z, zmin, zmax) - zmin) / (zmax - zmin) * 255)
    return png_uri(levels[::-1] if flip else levels, colorscale, 0, 255)


def png_values(uri: str, lo: int) -> np.ndarray:
    """The integer image a ``png_uri`` holds (its inverse, for tests and checks)."""
    png = base64.b64decode(uri.split(",", 1)[1])
    pos, idat, size = 8, b"", (0, 0)
    while pos < len(png):
        (n,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + n]
        if kind == b"IHDR":
            size = struct.unpack(">II", data[:8])
        elif kind == b"IDAT":
            idat += data
        pos += 12 + n
    w, h = size
    rows = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(h, w + 1)
    return rows[:, 1:].astype(np.int64) + lo


def digit_uri(x: np.ndarray) -> str:
    """A digit (784 values in [0, 1]) as the picture an image heatmap of its percent of ink would draw."""
    return png_uri(image_percent(x), IMAGE_COLORSCALE, 0, 100)


def weight_uri(w: np.ndarray) -> str:
    """w as a diverging picture (``weight_percent``: blue +, red −)."""
    return png_uri(weight_percent(w), DIVERGING_COLORSCALE, -100, 100)


BLANK = png_uri([[0]], IMAGE_COLORSCALE, 0, 100)


def add_picture(fig: go.Figure, row: int, col: int, name: str, source: str | None = None) -> None:
    """A layout image called ``name`` filling the picture subplot (row, col): ``source``, or blank until a frame
    sets it.  The subplot gets fixed, hidden 28×28 axes with row 0 at the top."""
    sub = fig.get_subplot(row, col)
    x_ref = sub.xaxis.plotly_name.replace("axis", "")
    fig.update_xaxes(visible=False, range=[-0.5, 27.5], autorange=False, constrain="domain", row=row, col=col)
    fig.update_yaxes(
        visible=False, range=[27.5, -0.5], autorange=False, scaleanchor=x_ref, constrain="domain", row=row, col=col
    )
    fig.add_layout_image(
        name=name, source=source or BLANK, xref=x_ref, yref=sub.yaxis.plotly_name.replace("axis", ""), **_PICTURE
    )
