"""Every frame of the MNIST figures, computed once per (pair, loss) in Python.

The browser never does the geometry: for each of the 81 λ of a sweep this module computes the
tilting-plane coordinates of the displayed training points, the boundary line, the 2·d_adv band,
the ŵ arrow, the histograms, the readouts, the weight image and the mirror images, as compact,
rounded, JSON-ready lists.  The figure modules (components.hero, components.svm) turn them into
per-trace updates that a clientside callback merely selects while a slider is dragged.

Tilting plane: u = x·ẑ, v = x·n̂ with ẑ = (j − i)/‖j − i‖ and n̂ = (w − (w·ẑ)ẑ)/‖…‖.  Since w lies in
span(ẑ, n̂), the boundary w·x + b = 0 is exactly the line cos θ·u + sin θ·v + b/‖w‖ = 0 in the plane.
When θ = 0, n̂ is undefined and the neighbouring λ's n̂ is used.
"""

from __future__ import annotations

import base64
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
from plotly import colors as plotly_colors

from models import config, geometry

IMAGE_SIDE = 28
PER_CLASS_SHOWN = 200  # displayed training points per class (of 3000)


class SweepLike(Protocol):
    """The fields of models.sweeps.Sweep this module reads."""

    a: int
    b: int
    loss: str
    lam: np.ndarray
    W: np.ndarray
    bias: np.ndarray
    err_train: np.ndarray
    err_test: np.ndarray
    d_adv: np.ndarray
    theta: np.ndarray
    w_norm: np.ndarray
    hist_edges: np.ndarray
    hist_I: np.ndarray
    hist_J: np.ndarray
    centroid_i: np.ndarray
    centroid_j: np.ndarray


def rounded(a: Any, decimals: int = 3) -> list:
    """A numpy array (or scalar) as nested lists of floats rounded for a compact JSON payload."""
    return np.round(np.asarray(a, dtype=np.float64), decimals).tolist()


def compact(values: list[float]) -> list[float | int]:
    """Rounded floats with the whole ones as ints: ``0``/``50`` instead of ``0.0``/``50.0`` in the JSON."""
    return [int(v) if v.is_integer() else v for v in values]


def display_subset(y: np.ndarray, per_class: int = PER_CLASS_SHOWN, seed: int = 0) -> np.ndarray:
    """Deterministic indices of ``per_class`` training points of each class (sorted), for display."""
    rng = np.random.default_rng(seed)
    out = []
    for label in (-1.0, 1.0):
        idx = np.flatnonzero(y == label)
        out.append(np.sort(rng.choice(idx, size=min(per_class, idx.size), replace=False)))
    return np.concatenate(out)


def plane_basis(W: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ẑ (784,) and n̂ for every row of W (L, 784); a θ = 0 row borrows the nearest λ's n̂.

    If no row has θ > 0, n̂ is a fixed direction ⟂ ẑ (the mean image's component orthogonal to ẑ).
    """
    W = np.atleast_2d(np.asarray(W, dtype=np.float64))
    z = (j - i) / np.linalg.norm(j - i)
    N = W - np.outer(W @ z, z)
    nn = np.linalg.norm(N, axis=1)
    valid = nn > 1e-9 * np.maximum(np.linalg.norm(W, axis=1), 1e-300)
    N_hat = np.zeros_like(N)
    N_hat[valid] = N[valid] / nn[valid, None]
    if not valid.any():
        m = (i + j) / 2
        e = m - (m @ z) * z
        if np.linalg.norm(e) < 1e-12:
            e = np.zeros_like(z)
            e[int(np.argmin(np.abs(z)))] = 1.0
            e -= (e @ z) * z
        N_hat[:] = e / np.linalg.norm(e)
        return z, N_hat
    good = np.flatnonzero(valid)
    for k in np.flatnonzero(~valid):
        N_hat[k] = N_hat[good[np.argmin(np.abs(good - k))]]
    return z, N_hat


def boundary_segment(
    cos_t: float, sin_t: float, offset: float, anchor: np.ndarray, half_length: float, shift: float = 0.0
) -> tuple[list[float], list[float]]:
    """Two points of the line cos·u + sin·v + offset = shift, centred at ``anchor``'s projection on it."""
    normal = np.array([cos_t, sin_t])
    along = np.array([-sin_t, cos_t])
    base = anchor - (normal @ anchor + offset - shift) * normal
    p, q = base - half_length * along, base + half_length * along
    return [float(p[0]), float(q[0])], [float(p[1]), float(q[1])]


@dataclass(frozen=True)
class PlaneFrames:
    """Tilting-plane data of a sweep for the displayed points (all arrays over the L λ)."""

    z_hat: np.ndarray  # (784,)
    N_hat: np.ndarray  # (L, 784)
    u: np.ndarray  # (n,) x·ẑ, the same for every λ
    V: np.ndarray  # (L, n) x·n̂
    cos: np.ndarray  # (L,) w·ẑ/‖w‖
    sin: np.ndarray  # (L,) w·n̂/‖w‖
    offset: np.ndarray  # (L,) b/‖w‖
    ci: np.ndarray  # (L, 2) centroid i in the plane
    cj: np.ndarray  # (L, 2) centroid j in the plane
    u_range: tuple[float, float]
    v_range: tuple[float, float]


def plane_frames(
    W: np.ndarray,
    bias: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
    X_shown: np.ndarray,
    ranges_from: PlaneFrames | None = None,
) -> PlaneFrames:
    """Plane coordinates of ``X_shown``, the centroids and the boundary for each row of W."""
    W = np.atleast_2d(np.asarray(W, dtype=np.float64))
    bias = np.atleast_1d(np.asarray(bias, dtype=np.float64))
    z, N_hat = plane_basis(W, i, j)
    norms = np.linalg.norm(W, axis=1)
    u = X_shown @ z
    V = X_shown @ N_hat.T
    V = V.T
    ci = np.stack([np.full(len(W), i @ z), N_hat @ i], axis=1)
    cj = np.stack([np.full(len(W), j @ z), N_hat @ j], axis=1)
    if ranges_from is not None:
        u_range, v_range = ranges_from.u_range, ranges_from.v_range
    else:
        u_range = _padded(u.min(), u.max())
        lo, hi = np.percentile(V, [0.2, 99.8])
        v_range = _padded(lo, hi)
    return PlaneFrames(
        z, N_hat, u, V, (W @ z) / norms, np.einsum("kd,kd->k", W, N_hat) / norms, bias / norms, ci, cj, u_range, v_range
    )


def _padded(lo: float, hi: float, frac: float = 0.08) -> tuple[float, float]:
    pad = frac * max(hi - lo, 1e-6)
    return float(lo - pad), float(hi + pad)


def plane_frame(pf: PlaneFrames, k: int, d_adv: float) -> dict:
    """Frame k of the tilting-plane view: points' v, centroids, boundary, band polygon and ŵ arrow."""
    c, s, off = float(pf.cos[k]), float(pf.sin[k]), float(pf.offset[k])
    mid = (pf.ci[k] + pf.cj[k]) / 2
    half = 2.0 * max(pf.u_range[1] - pf.u_range[0], pf.v_range[1] - pf.v_range[0])
    bx, by = boundary_segment(c, s, off, mid, half)
    px, py = boundary_segment(c, s, off, mid, half, shift=d_adv)
    mx, my = boundary_segment(c, s, off, mid, half, shift=-d_adv)
    foot = mid - (c * mid[0] + s * mid[1] + off) * np.array([c, s])
    arrow_len = 0.25 * (pf.u_range[1] - pf.u_range[0])
    tip = foot + arrow_len * np.array([c, s])
    return {
        "v": rounded(pf.V[k], 3),
        "centroids": [rounded([pf.ci[k][0], pf.cj[k][0]], 3), rounded([pf.ci[k][1], pf.cj[k][1]], 3)],
        "boundary": [rounded(bx, 3), rounded(by, 3)],
        "band": [rounded([px[0], px[1], mx[1], mx[0], px[0]], 3), rounded([py[0], py[1], my[1], my[0], py[0]], 3)],
        "arrow": [rounded([foot[0], tip[0]], 3), rounded([foot[1], tip[1]], 3)],
    }


def weight_image(w: np.ndarray) -> list:
    """w as a 28×28 image scaled to [−100, 100] (integer percent of max |w|): its sign pattern and shape."""
    return weight_percent(w).tolist()


def weight_percent(w: np.ndarray) -> np.ndarray:
    """``weight_image`` as an integer array (for ``png_uri``, without the nested list)."""
    w = np.asarray(w, dtype=np.float64)
    return image_percent(w / (float(np.max(np.abs(w))) or 1.0))


def image_list(x: np.ndarray) -> list:
    """A 784-vector in [0, 1] units as a 28×28 nested list of integer percent (compact JSON)."""
    return image_percent(x).tolist()


def image_percent(x: np.ndarray) -> np.ndarray:
    """A 784-vector in [0, 1] units as a 28×28 integer array of percent (``image_list`` before JSON)."""
    return np.rint(100 * np.asarray(x, dtype=np.float64).reshape(IMAGE_SIDE, IMAGE_SIDE)).astype(int)


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
    """An integer image (e.g. ``image_list`` / ``weight_image`` percent values) as a palette PNG data URI whose
    colours are those a heatmap with this colorscale and zmin=lo, zmax=hi would draw (values clamped to [lo, hi]).

    The MNIST views show their 28×28 pictures as Plotly layout images: changing one per slider step then
    redraws just that image, not the whole figure as a heatmap's new z does."""
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
    a heatmap on an upward y axis draws it).  Drawn as a layout image, a new picture per slider step costs an
    image swap instead of a heatmap redraw."""
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


def mirror(x: np.ndarray, w: np.ndarray, b: float) -> tuple[np.ndarray, float]:
    """Mirror image x_m = x − 2 d(x) ŵ of x through the boundary (models.geometry), and d(x)."""
    return geometry.mirror_image(x, w, b), float(geometry.signed_distance(x, w, b))


def loss_curve(loss: str, w_norm: float, z: np.ndarray) -> np.ndarray:
    """The per-point loss as a function of z = y·d(x), scaled by ‖w‖: f(‖w‖ z)."""
    t = w_norm * np.asarray(z, dtype=np.float64)
    if loss == "hinge":
        return np.maximum(1.0 - t, 0.0)
    return np.logaddexp(0.0, -t)


def fmt_percent(v: float) -> str:
    """An error rate in percent for a readout."""
    return f"{v:.2f} %"


def fmt_num(v: float, digits: int = 3) -> str:
    """A number for a readout with ``digits`` significant digits."""
    return f"{v:.{digits}g}"


def fmt_angle(theta: float) -> str:
    """An angle in radians as degrees (and radians) for a readout."""
    return f"{np.degrees(theta):.1f}° ({theta:.3f} rad)"


def lambda_label(lam: float) -> str:
    """λ as 10^e text, e.g. '10^-2.0'."""
    return f"10^{np.log10(lam):.1f}"


@dataclass(frozen=True)
class PairContext:
    """What every figure of a pair needs besides the sweep: the training set and shown points."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    shown: np.ndarray


@lru_cache(maxsize=4)
def pair_context(a: int, b: int, per_class: int = PER_CLASS_SHOWN) -> PairContext:
    """Training data of the pair (models.mnist.pair_data) and the deterministic displayed subset."""
    from models.mnist import pair_data

    pd = pair_data(a, b)
    return PairContext(pd.X_train, pd.y_train, pd.X_test, pd.y_test, display_subset(pd.y_train, per_class))


def nearest_to_centroid(X: np.ndarray, y: np.ndarray, label: float) -> int:
    """Index (within its class) of the training image closest to its class centroid: a typical digit."""
    idx = np.flatnonzero(y == label)
    D = X[idx]
    D = D - D.mean(axis=0)
    return int(np.argmin(np.einsum("ij,ij->i", D, D)))


def lam_index(raw: Any) -> int:
    """A λ grid index from user input, clamped to 0..80; malformed input raises ValueError."""
    try:
        k = int(float(raw))
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"λ index must be a whole number 0..80, got {raw!r}") from exc
    return int(min(max(k, 0), config.N_LAMBDA - 1))


@dataclass(frozen=True)
class ModelRows:
    """One or more linear models of a pair with their metrics: the 81 of a sweep, or one off-grid λ."""

    lam: np.ndarray
    W: np.ndarray
    bias: np.ndarray
    err_train: np.ndarray
    err_test: np.ndarray
    d_adv: np.ndarray
    theta: np.ndarray
    w_norm: np.ndarray
    hist_I: np.ndarray
    hist_J: np.ndarray


def rows_from_sweep(sweep: SweepLike) -> ModelRows:
    """The sweep's 81 models and their stored metrics."""
    return ModelRows(
        np.asarray(sweep.lam),
        np.asarray(sweep.W, dtype=np.float64),
        np.asarray(sweep.bias),
        np.asarray(sweep.err_train),
        np.asarray(sweep.err_test),
        np.asarray(sweep.d_adv),
        np.asarray(sweep.theta),
        np.asarray(sweep.w_norm),
        np.asarray(sweep.hist_I),
        np.asarray(sweep.hist_J),
    )


def rows_from_model(
    w: np.ndarray, b: float, lam: float, ctx: PairContext, i: np.ndarray, j: np.ndarray, edges: np.ndarray
) -> ModelRows:
    """One model (e.g. an off-grid λ from the worker) with every metric computed here from (w, b)."""
    w = np.asarray(w, dtype=np.float64)
    d_tr = geometry.signed_distance(ctx.X_train, w, b)
    d_te = geometry.signed_distance(ctx.X_test, w, b)
    yd = ctx.y_train * d_tr
    err_tr = 100.0 * float(np.mean(yd <= 0))
    err_te = 100.0 * float(np.mean(ctx.y_test * d_te <= 0))
    h_i = np.histogram(np.clip(yd[ctx.y_train < 0], edges[0], edges[-1]), bins=edges)[0]
    h_j = np.histogram(np.clip(yd[ctx.y_train > 0], edges[0], edges[-1]), bins=edges)[0]
    return ModelRows(
        np.array([lam]),
        w[None, :],
        np.array([float(b)]),
        np.array([err_tr]),
        np.array([err_te]),
        np.array([float(np.mean(yd))]),
        np.array([geometry.tilting_angle(w, i, j)]),
        np.array([float(np.linalg.norm(w))]),
        h_i[None, :],
        h_j[None, :],
    )
