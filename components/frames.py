"""First-release frames API of the toy, theory and neural sections (shim: removed when they move onto
components.widgets.frame_player.FramePlayer and views.frames, stream R4).

``frames_payload`` turns a list of complete figures (one per slider value) into a compact payload: the first figure
as the base plus, per frame, only the trace and layout keys that differ; ``apply_frame`` reads one back (tests).
The browser gets the payload converted into the one frame format (``frames_store``, ``first_view``) and the one
frame player draws it (``register_frame_player``).  ``cached_payload`` / ``source_digest``: a disk cache of payloads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable, Sequence
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from dash import dcc, html

from components.common import readouts
from jobs.artifacts import atomic_write_bytes
from models import config
from views.frames import figure_at, frame_set, frames_file, publish  # noqa: F401 (frames_file: serving's name)

log = logging.getLogger(__name__)
# Part of every key: this module, views/style.py and components/common.py (the figure template and base layout every
# frame uses).
_OWN_SOURCE = (
    Path(__file__).read_bytes()
    + (Path(__file__).parents[1] / "views" / "style.py").read_bytes()
    + Path(__file__).with_name("common.py").read_bytes()
)
# Read-only memo of payloads already loaded by this process (immutable data, keyed by cache path).
_MEMO: dict[str, dict] = {}


def _plain(fig: go.Figure) -> dict:
    return json.loads(pio.to_json(fig, validate=False, engine="json"))


def frames_payload(values: Sequence[float], figures: Sequence[go.Figure], readouts: Sequence[Sequence[str]]) -> dict:
    """A JSON-ready store {values, base, frames}: frame k holds the keys where figure k differs from the base."""
    if not (len(values) == len(figures) == len(readouts)) or not figures:
        raise ValueError("values, figures and readouts must be non-empty and of equal length")
    plain = [_plain(f) for f in figures]
    base = plain[0]
    n_traces = len(base["data"])
    frames = []
    for fig, ro in zip(plain, readouts, strict=True):
        if len(fig["data"]) != n_traces:
            raise ValueError("every frame must have the same number of traces")
        traces = {}
        for idx, (t, t0) in enumerate(zip(fig["data"], base["data"], strict=True)):
            diff = {k: v for k, v in t.items() if t0.get(k) != v}
            if diff:
                traces[str(idx)] = diff
        layout = {k: v for k, v in fig["layout"].items() if base["layout"].get(k) != v}
        frames.append({"traces": traces, "layout": layout, "readouts": [str(r) for r in ro]})
    return {"values": [float(v) for v in values], "base": base, "frames": frames}


def parse_on_grid(raw: str, grid: Sequence[float], what: str) -> float:
    """Parse a permalink value for a slider over ``grid``: a finite number within the grid's range, snapped to
    the nearest grid value; anything else raises ValueError naming ``what``."""
    try:
        v = float(str(raw).strip())
    except ValueError as exc:
        raise ValueError(f"{what} must be a number, got {raw!r}") from exc
    lo, hi = float(min(grid)), float(max(grid))
    if not (math.isfinite(v) and lo - 1e-9 <= v <= hi + 1e-9):
        raise ValueError(f"{what} is in [{lo:g}, {hi:g}], got {raw!r}")
    return float(min(grid, key=lambda g: abs(g - v)))


def readout_row(ids: Sequence[str], labels: Sequence[str], texts: Sequence[str]):
    """components.common.readouts from three parallel lists (element ids, labels, initial texts)."""
    return readouts(list(zip(ids, labels, texts, strict=True)))


def nearest_frame(values: Sequence[float], value) -> int | None:
    """Index of the grid value nearest to ``value`` (None for a missing or non-numeric value)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    if v != v:  # NaN
        return None
    return min(range(len(values)), key=lambda k: abs(values[k] - v))


def apply_frame(payload: dict, value) -> tuple[dict, list[str]] | None:
    """The figure dict and readouts shown for a slider value (what the clientside JS does)."""
    k = nearest_frame(payload["values"], value)
    if k is None:
        return None
    fr = payload["frames"][k]
    base = payload["base"]
    data = [dict(t, **fr["traces"].get(str(i), {})) for i, t in enumerate(base["data"])]
    return {"data": data, "layout": dict(base["layout"], **fr["layout"])}, list(fr["readouts"])


# ------------------------------------------------------------------------------------------------------------
# Shim (removed when stream R4 moves the toy, theory and neural sections onto components.widgets.FramePlayer and
# views.frames): the first-release API above and below, drawn by the one frame player.  ``register_frame_player``
# declares a FramePlayer; ``frames_store`` and ``first_view`` convert a ``frames_payload`` into the one frame format
# (traces addressed by the uids t0, t1, …; pictures by the names img0, img1, …).

_LEGACY: dict[str, tuple[str, list[str]]] = {}  # store id → (figure id, readout ids)
_CONVERTED: dict[str, tuple[dict, dict]] = {}  # store id → (payload, its frame set)


def register_frame_player(fig_id: str, ctl_id: str, store_id: str, readout_ids: Sequence[str]) -> None:
    """A FramePlayer for slider ``ctl_id`` → graph ``fig_id`` and readouts, its frames in ``store_id``."""
    from components.widgets.frame_player import FramePlayer

    _LEGACY[store_id] = (fig_id, list(readout_ids))
    FramePlayer(ctl_id, views={fig_id: 0}, readouts=[(r, "") for r in readout_ids], stores=[store_id], slider={})


def legacy_set(store_id: str, payload: dict) -> dict:
    """The frame set of a ``frames_payload`` (memoized per payload)."""
    known = _CONVERTED.get(store_id)
    if known and known[0] is payload:
        return known[1]
    fig_id, readout_ids = _LEGACY[store_id]
    base = payload["base"]
    data = [dict(t, uid=t.get("uid") or f"t{i}") for i, t in enumerate(base["data"])]
    layout = dict(base["layout"])
    layout["images"] = [dict(im, name=im.get("name") or f"img{i}") for i, im in enumerate(layout.get("images") or [])]
    varying: dict[str, set] = {}
    for fr in payload["frames"]:
        if set(fr["layout"]) - {"images"}:
            raise ValueError(f"{fig_id}: only traces and pictures may change between frames")
        for i, props in fr["traces"].items():
            varying.setdefault(i, set()).update(props)
    frames = []
    for fr in payload["frames"]:
        traces = {
            data[int(i)]["uid"]: {p: fr["traces"].get(i, {}).get(p, base["data"][int(i)].get(p)) for p in sorted(ps)}
            for i, ps in varying.items()
        }
        upd: dict = {"traces": traces}
        if any("images" in f["layout"] for f in payload["frames"]):
            imgs = fr["layout"].get("images") or base["layout"]["images"]
            upd["images"] = {layout["images"][i]["name"]: im["source"] for i, im in enumerate(imgs)}
        frames.append({fig_id: upd})
    fs = frame_set(
        payload["values"],
        {fig_id: {"data": data, "layout": layout}},
        frames,
        readout_ids,
        [f["readouts"] for f in payload["frames"]],
    )
    _CONVERTED[store_id] = (payload, fs)
    return fs


def first_view(store_id: str, payload: dict, value) -> dict:
    """The figure a legacy section's graph opens with (frame of ``value``, traces carrying their uids)."""
    fig_id, _ = _LEGACY[store_id]
    return figure_at(value, fig_id, legacy_set(store_id, payload))


def frames_store(store_id: str, payload: dict | None) -> html.Div:
    """The dcc.Store of a figure's frames (filled after load from ``/frames-data/…``) and its address store."""
    fs = legacy_set(store_id, payload) if store_id in _LEGACY and payload is not None else payload
    url = publish(store_id, fs) if fs is not None else None
    return html.Div([dcc.Store(id=store_id), dcc.Store(id=f"{store_id}-src", data=url)], hidden=True)


def source_digest(*paths: str | Path) -> str:
    """Hash of source files (and of this module and common.py), taken at the caller's import: the key of its frames.

    Computed at import time on purpose, so that a file edited while a server runs cannot make the new code's
    key point at frames built by the old code."""
    h = hashlib.sha256(_OWN_SOURCE)
    for src in paths:
        h.update(Path(src).read_bytes())
    return h.hexdigest()[:16]


def cached_payload(name: str, key: str, build: Callable[[], dict]) -> dict:
    """A frames payload cached as JSON under L2_CACHE_DIR/frames/<name>-<key>.json (key: ``source_digest``).

    Building every frame of a figure with plotly takes seconds; a cache makes later starts (and the
    other gunicorn workers) instant.  A missing or unreadable cache file is simply rebuilt.
    """
    digest = key
    path = config.CACHE_DIR / "frames" / f"{name}-{digest}.json"
    if str(path) in _MEMO:
        return _MEMO[str(path)]
    try:
        payload = json.loads(path.read_text())
        if isinstance(payload, dict) and {"values", "base", "frames"} <= payload.keys():
            _MEMO[str(path)] = payload
            return payload
    except (OSError, ValueError):
        pass
    payload = build()
    try:
        atomic_write_bytes(path, json.dumps(payload, separators=(",", ":")).encode())
    except OSError as exc:  # a read-only cache only costs speed
        log.warning("cannot cache frames %s: %s", path, exc)
    _MEMO[str(path)] = payload
    return payload
