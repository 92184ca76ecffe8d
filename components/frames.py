"""Smooth sliders: Python builds every frame of a figure, a few lines of clientside JS pick one.

``frames_payload`` turns a list of complete figures (one per slider value) into a compact store:
the first figure as the base plus, per frame, only the trace and layout keys that differ.
``register_frame_player`` wires a slider to a figure and its readouts through that store, with no
server round trip while dragging.  ``apply_frame`` is the Python twin of the JS (used by tests).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import math
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from dash import Input, Output, State, clientside_callback, dcc, html

from components.common import readouts
from jobs.artifacts import atomic_write_bytes
from models import config

log = logging.getLogger(__name__)
# Part of every key: this module and components/common.py (the figure template and base layout every frame uses).
_OWN_SOURCE = Path(__file__).read_bytes() + Path(__file__).with_name("common.py").read_bytes()
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


_PICK_JS = """
function(value, store) {
    return window.l2frames.pick(value, store, %s, %s, %s);
}
"""


# Fast lanes (assets/frames.js): slider id → [JS function, ids of the stores it reads, extra arguments].  The
# page sends them in the store ``page-fast-lanes``; the browser calls the function with the slider's new value
# as soon as the slider shows it, ahead of the Dash callback (which still runs and finds the frame drawn).
FAST_LANES: dict[str, list] = {}


def fast_lane(ctl_id: str, js_function: str, store_ids: Sequence[str], extra: Sequence = ()) -> None:
    """Declare the fast lane of a grid slider (see FAST_LANES)."""
    FAST_LANES[ctl_id] = [js_function, list(store_ids), list(extra)]


def register_frame_player(fig_id: str, ctl_id: str, store_id: str, readout_ids: Sequence[str]) -> None:
    """Clientside callback: slider value → nearest frame of the store, drawn into the graph directly.

    ``l2frames.pick`` (assets/frames.js) draws the frame into the existing Plotly graph and writes the
    readout texts, returning no_update so that Dash re-renders nothing; only while the graph is not
    drawn yet does it hand dcc.Graph the whole figure.  Not called on load: the layout already holds
    the default frame (a permalink's value arrives as a change of the slider).  The store is only read (State):
    its frames arrive after load (``frames_store``), and a value asked for before that is drawn by the page's
    start-up loader when they do, with no callback run for the arrival."""
    clientside_callback(
        _PICK_JS % (json.dumps(fig_id), json.dumps(list(readout_ids)), json.dumps(store_id)),
        [Output(fig_id, "figure")] + [Output(r, "children") for r in readout_ids],
        Input(ctl_id, "value"),
        State(store_id, "data"),
        prevent_initial_call=True,
    )
    fast_lane(ctl_id, "l2frames.lanePick", [store_id], [fig_id, list(readout_ids)])
    lazy_store(store_id)


# Frames stores are not sent inside the page: the page carries each store empty plus the address of its frames,
# a content-addressed gzipped JSON file served from this process's memory (``/frames-data/<name>``, serving.py),
# which the browser fetches right after load (and keeps).  The figures themselves come drawn with the page, so
# nothing waits for these files; only a slider moved in the first moments finds its store still empty.  One
# callback loads them all (components.page, ``l2page.start``): ``LAZY_STORES`` lists the stores it fills.
FRAMES_URL = "/frames-data"
LAZY_STORES: list[str] = []
_LAZY: dict[str, bytes] = {}
_LAZY_LOCK = threading.Lock()
_LAZY_URLS: dict[str, tuple[dict, str]] = {}  # store id → (the payload last encoded, its URL): no re-encoding per page


def lazy_store(store_id: str) -> None:
    """Declare a ``frames_store`` that the start-up loader fills (at import, before the callbacks are wired)."""
    if store_id not in LAZY_STORES:
        LAZY_STORES.append(store_id)


def frames_store(store_id: str, payload: dict | None) -> html.Div:
    """The dcc.Store of a figure's frames (filled after load from ``/frames-data/…``) and its address store."""
    url = None
    known = _LAZY_URLS.get(store_id)
    if payload is not None and known and known[0] is payload:  # the same (memoized) frames as last time
        url = known[1]
    elif payload is not None:
        body = json.dumps(payload, separators=(",", ":")).encode()
        name = f"{store_id}-{hashlib.sha256(body).hexdigest()[:16]}.json"
        with _LAZY_LOCK:
            if name not in _LAZY:
                # the previous version of this store (the frames changed while serving) is dropped
                for old in [k for k in _LAZY if k.rsplit("-", 1)[0] == store_id]:
                    del _LAZY[old]
                _LAZY[name] = gzip.compress(body, compresslevel=6, mtime=0)
        url = f"{FRAMES_URL}/{name}"
        _LAZY_URLS[store_id] = (payload, url)
    return html.Div([dcc.Store(id=store_id), dcc.Store(id=f"{store_id}-src", data=url)], hidden=True)


def frames_file(name: str) -> bytes | None:
    """The gzipped frames file of that name, if this process has built it (see ``frames_store``)."""
    with _LAZY_LOCK:
        return _LAZY.get(name)


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
