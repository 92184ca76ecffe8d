"""The one frame format: a slider's frames, computed in Python, picked in the browser (assets/player.js).

A *frame set* is plain JSON (``FrameSet`` below, ``schema`` 1)::

    {"schema": 1,
     "key": {"pair": "2-3", "loss": "hinge"},   # optional: what the set shows; its figures name it in
                                                #   layout.meta.l2view, so the browser knows a graph shows it
     "over": {...},                             # only in a layer: the key of the set it lies over
     "values": [0, 1, ...],                     # the slider's values, one per frame
     "views": {"fig-hero": {"figure": {"data": [...], "layout": {...}},    # absent in a layer
                            "common": {"images": {"x": "data:..."}}}},       # optional: shared by every frame
     "readouts": ["ro-hero-lam", ...],          # element ids, in the order of each frame's texts
     "frames": [{"views": {"fig-hero": {"traces": {"band": {"x": [...], "y": [...]}},
                                        "images": {"w": "data:image/png;base64,..."}}},
                 "readouts": ["10^-2.0 = 0.01", ...]}]}

Traces are addressed by their ``uid`` and layout images by their ``name``, never by index.  Every frame gives
every property that varies in the set (a frame never relies on the previous one).  A figure's phone layout
(below 600 px wide) travels in the figure itself, as ``layout.meta.l2phone``: a patch of dotted layout paths
(``{"xaxis.domain": [0, 1], "images[0].visible": false}``), so the page's first views have it too.

*Layers*: a set with ``over`` adds to the frames of the set whose ``key`` it names (the mirror images over a
sweep, an off-grid model as a one-frame set); the player merges the frames of its layers in order.

``frame_set`` builds a set from per-frame updates, ``from_figures`` from one complete figure per value;
``figure_at`` / ``readouts_at`` are the Python twin of the browser's merge (tests, the page's first views);
``validate`` checks the schema; ``publish`` / ``frames_file`` serve sets as content-addressed files.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import math
import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any, NotRequired, TypedDict

SCHEMA = 1
FRAMES_URL = "/frames-data"


class ViewUpdate(TypedDict, total=False):
    traces: dict[str, dict[str, Any]]  # trace uid → {property: value}
    images: dict[str, str]  # layout image name → source


class View(TypedDict, total=False):
    figure: dict  # {"data", "layout"}: every trace has a uid
    common: ViewUpdate


class Frame(TypedDict):
    views: dict[str, ViewUpdate]
    readouts: list[str]


class FrameSet(TypedDict):
    schema: int
    key: NotRequired[dict]
    over: NotRequired[dict]
    values: list[float]
    views: dict[str, View]
    readouts: list[str]
    frames: list[Frame]


class FrameSetError(ValueError):
    """A frame set that does not follow the schema."""


def frame_set(
    values: Sequence[float],
    figures: Mapping[str, dict] | None,
    frames: Sequence[Mapping[str, ViewUpdate]],
    readout_ids: Sequence[str] = (),
    texts: Sequence[Sequence[str]] | None = None,
    *,
    key: dict | None = None,
    over: dict | None = None,
    common: Mapping[str, ViewUpdate] | None = None,
) -> FrameSet:
    """A frame set from per-frame view updates (``frames[k][fig_id]``) and readout texts (``texts[k]``).

    ``figures`` ({fig id: figure dict}) is None for a layer (``over`` names the set it lies over).  With a
    ``key``, each figure's ``layout.meta.l2view`` is set to it (on a copy of the layout)."""
    texts = [[] for _ in values] if texts is None else texts
    if not (len(values) == len(frames) == len(texts)) or not len(values):
        raise FrameSetError("values, frames and readout texts must be non-empty and of equal length")
    names = set(figures or {}) | {v for c in (common or {}, *frames) for v in c}
    views: dict[str, View] = {v: {} for v in sorted(names)}
    for fig_id, fig in (figures or {}).items():
        if key is not None:
            layout = dict(fig["layout"])
            layout["meta"] = {**(layout.get("meta") or {}), "l2view": dict(key)}
            fig = {"data": fig["data"], "layout": layout}
        views[fig_id]["figure"] = fig
    for fig_id, upd in (common or {}).items():
        views[fig_id]["common"] = upd
    out: FrameSet = {
        "schema": SCHEMA,
        "values": [float(v) for v in values],
        "views": views,
        "readouts": list(readout_ids),
        "frames": [{"views": dict(fr), "readouts": [str(t) for t in tx]} for fr, tx in zip(frames, texts, strict=True)],
    }
    if key is not None:
        out["key"] = dict(key)
    if over is not None:
        out["over"] = dict(over)
    return out


def from_figures(
    values: Sequence[float],
    figures: Mapping[str, Sequence[dict]],
    readout_ids: Sequence[str] = (),
    texts: Sequence[Sequence[str]] | None = None,
    *,
    key: dict | None = None,
) -> FrameSet:
    """A frame set from one complete figure dict per value and view (``figures[fig_id][k]``): the first figure
    is the view's figure, and each frame gives every trace property and picture that varies anywhere in the set.

    Traces must carry a ``uid`` and changing layout images a ``name``; nothing else of the layout may vary."""
    per_frame: list[dict[str, ViewUpdate]] = [{} for _ in values]
    for fig_id, figs in figures.items():
        if len(figs) != len(values):
            raise FrameSetError(f"{fig_id}: one figure per value expected")
        base = figs[0]
        uids = [_uid(t, fig_id) for t in base["data"]]
        varying: dict[str, list[str]] = {}
        for fig in figs:
            if [t.get("uid") for t in fig["data"]] != uids:
                raise FrameSetError(f"{fig_id}: every frame must have the same traces (by uid)")
            for uid, t, t0 in zip(uids, fig["data"], base["data"], strict=True):
                for prop in sorted(t.keys() | t0.keys()):
                    if t.get(prop) != t0.get(prop) and prop not in varying.setdefault(uid, []):
                        varying[uid].append(prop)
        images = _varying_images(fig_id, figs)
        for k, fig in enumerate(figs):
            upd: ViewUpdate = {}
            if varying:
                by_uid = {t["uid"]: t for t in fig["data"]}
                upd["traces"] = {u: {p: by_uid[u].get(p) for p in props} for u, props in varying.items()}
            if images:
                upd["images"] = {n: _image_sources(fig)[n] for n in images}
            per_frame[k][fig_id] = upd
    return frame_set(values, {f: figs[0] for f, figs in figures.items()}, per_frame, readout_ids, texts, key=key)


def _uid(trace: dict, fig_id: str) -> str:
    uid = trace.get("uid")
    if not isinstance(uid, str) or not uid:
        raise FrameSetError(f"{fig_id}: every trace needs a uid (its name in the frames)")
    return uid


def _image_sources(fig: dict) -> dict[str, str]:
    return {im["name"]: im.get("source") for im in fig["layout"].get("images") or () if im.get("name")}


def _varying_images(fig_id: str, figs: Sequence[dict]) -> list[str]:
    base_layout = figs[0]["layout"]
    base_imgs = _image_sources(figs[0])
    names: list[str] = []
    for fig in figs[1:]:
        for k in fig["layout"].keys() | base_layout.keys():
            if k != "images" and fig["layout"].get(k) != base_layout.get(k):
                raise FrameSetError(f"{fig_id}: only traces and pictures may change between frames ({k} does)")
        imgs = fig["layout"].get("images") or []
        strip = [{k: v for k, v in im.items() if k != "source"} for im in imgs]
        if strip != [{k: v for k, v in im.items() if k != "source"} for im in base_layout.get("images") or []]:
            raise FrameSetError(f"{fig_id}: only the sources of pictures may change between frames")
        for name, src in _image_sources(fig).items():
            if src != base_imgs.get(name) and name not in names:
                names.append(name)
        if len(_image_sources(fig)) != len(imgs):
            raise FrameSetError(f"{fig_id}: every picture needs a name")
    return names


# ------------------------------------------------------------------------------------------------------------
# The merge (the Python twin of assets/player.js compose/figure)


def nearest(values: Sequence[float], value: Any) -> int | None:
    """Index of the value nearest to ``value`` (None for a missing or non-numeric value)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(v):
        return None
    return min(range(len(values)), key=lambda k: abs(values[k] - v))


def _applies(layer: FrameSet, keys: list[dict]) -> bool:
    return "over" not in layer or layer["over"] in keys


def compose(value: Any, *sets: FrameSet | None) -> tuple[dict[str, ViewUpdate], dict[str, str]] | None:
    """What the layers show at ``value``: the merged update of each view and the readout texts by id."""
    sets_ = [s for s in sets if s]
    if not sets_ or nearest(sets_[0]["values"], value) is None:
        return None
    views: dict[str, ViewUpdate] = {}
    texts: dict[str, str] = {}
    keys: list[dict] = []
    for s in sets_:
        for rid in s["readouts"]:
            texts.setdefault(rid, "–")
        if s is not sets_[0] and not _applies(s, keys):
            continue
        fr = s["frames"][nearest(s["values"], value)]
        for fig_id, view in s["views"].items():
            for upd in (view.get("common"), fr["views"].get(fig_id)):
                merged = views.setdefault(fig_id, {})
                for part in ("traces", "images"):
                    for name, val in (upd or {}).get(part, {}).items():
                        bucket = merged.setdefault(part, {})
                        bucket[name] = {**bucket.get(name, {}), **val} if part == "traces" else val
        texts.update(zip(s["readouts"], fr["readouts"], strict=True))
        if "key" in s:
            keys.append(s["key"])
    return views, texts


def figure_at(value: Any, fig_id: str, *sets: FrameSet | None) -> dict:
    """The figure dict of view ``fig_id`` at ``value`` (the first set holds the figure; the rest are layers)."""
    shown = compose(value, *sets)
    if shown is None:
        raise FrameSetError(f"no frame for {value!r}")
    return apply_update(sets[0]["views"][fig_id]["figure"], shown[0].get(fig_id, {}))


def readouts_at(value: Any, *sets: FrameSet | None) -> list[str]:
    """The readout texts at ``value``, in the order of the layers' readout ids (first layer first)."""
    shown = compose(value, *sets)
    if shown is None:
        raise FrameSetError(f"no frame for {value!r}")
    return list(shown[1].values())


def apply_update(figure: dict, update: ViewUpdate) -> dict:
    """A figure dict with a view update applied (traces by uid, pictures by name); ``figure`` is not modified."""
    traces = update.get("traces") or {}
    data = [{**t, **traces[t.get("uid")]} if t.get("uid") in traces else t for t in figure["data"]]
    layout = figure["layout"]
    images = update.get("images")
    if images:
        layout = {
            **layout,
            "images": [
                {**im, "source": images.get(im.get("name"), im.get("source"))} for im in layout.get("images") or []
            ],
        }
    return {"data": data, "layout": layout}


_PATH = re.compile(r"\[(\d+)\]")


def phone_layout(layout: dict, patch: Mapping[str, Any] | None = None) -> dict:
    """The layout with its phone patch applied (``patch``, else ``layout.meta.l2phone``; the twin of the JS)."""
    patch = patch if patch is not None else ((layout.get("meta") or {}).get("l2phone") or {})
    out = copy.deepcopy(layout)
    for path, val in patch.items():
        keys = [int(k) if k.isdigit() else k for k in _PATH.sub(r".\1", path).split(".")]
        node = out
        for k in keys[:-1]:
            node = node[k] if isinstance(k, int) else node.setdefault(k, {})
        node[keys[-1]] = copy.deepcopy(val)
    return out


# ------------------------------------------------------------------------------------------------------------
# Schema check (used by the tests of every section that makes frames)


def validate(fs: Any, over: FrameSet | None = None) -> None:
    """Raise FrameSetError unless ``fs`` follows the schema (a layer is checked against the set it lies over)."""

    def need(cond: bool, msg: str) -> None:
        if not cond:
            raise FrameSetError(msg)

    need(isinstance(fs, dict) and fs.get("schema") == SCHEMA, f"not a schema-{SCHEMA} frame set")
    values, frames, views, rids = fs.get("values"), fs.get("frames"), fs.get("views"), fs.get("readouts")
    need(isinstance(values, list) and values and all(_finite(v) for v in values), "values: a non-empty number list")
    need(isinstance(frames, list) and len(frames) == len(values), "one frame per value")
    need(isinstance(views, dict) and views, "views: at least one")
    need(isinstance(rids, list) and all(isinstance(r, str) for r in rids), "readouts: a list of element ids")
    need(("over" in fs) == (over is not None), "a layer is checked with the set it lies over, and only a layer")
    if over is not None:
        need(fs["over"] == over.get("key"), "the layer's over is not the key of that set")
    for fig_id, view in views.items():
        fig = view.get("figure") if over is None else (over["views"].get(fig_id) or {}).get("figure")
        need(isinstance(fig, dict), f"{fig_id}: no figure")
        uids = [t.get("uid") for t in fig["data"]]
        need(all(isinstance(u, str) and u for u in uids) and len(set(uids)) == len(uids), f"{fig_id}: trace uids")
        if "key" in fs and over is None:
            need((fig["layout"].get("meta") or {}).get("l2view") == fs["key"], f"{fig_id}: meta.l2view is not the key")
        names = set(_image_sources(fig))
        shape = None
        for k, fr in enumerate(frames):
            need(set(fr["views"]) <= set(views), f"frame {k}: a view the set does not declare")
            upd = fr["views"].get(fig_id, {})
            need(set(upd) <= {"traces", "images"}, f"frame {k} {fig_id}: only traces and images")
            this = ({u: sorted(p) for u, p in upd.get("traces", {}).items()}, sorted(upd.get("images", {})))
            need(shape is None or this == shape, f"frame {k} {fig_id}: not the same properties as frame 0")
            shape = this
            for part in (view.get("common") or {}, upd):
                need(set(part.get("traces", {})) <= set(uids), f"frame {k} {fig_id}: unknown trace uid")
                need(set(part.get("images", {})) <= names, f"frame {k} {fig_id}: unknown picture name")
    for k, fr in enumerate(frames):
        ro = fr.get("readouts")
        need(isinstance(ro, list) and len(ro) == len(rids), f"frame {k}: one readout text per readout id")
        need(all(isinstance(t, str) for t in ro), f"frame {k}: readout texts are strings")


def _finite(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


# ------------------------------------------------------------------------------------------------------------
# Content-addressed files: a set is sent after the page, from this process's memory (/frames-data/<name>)

_FILES: dict[str, bytes] = {}
_FILES_LOCK = threading.Lock()
_URLS: dict[str, tuple[Any, str]] = {}  # store id → (the set last published, its URL): no re-encoding per page


def publish(store_id: str, fs: Any) -> str:
    """The URL of ``fs`` as a gzipped JSON file named after ``store_id`` and its content (built once per set)."""
    known = _URLS.get(store_id)
    if known and known[0] is fs:
        return known[1]
    body = json.dumps(fs, separators=(",", ":")).encode()
    name = f"{store_id}-{hashlib.sha256(body).hexdigest()[:16]}.json"
    with _FILES_LOCK:
        if name not in _FILES:
            for old in [k for k in _FILES if k.rsplit("-", 1)[0] == store_id]:  # a set that changed while serving
                del _FILES[old]
            _FILES[name] = gzip.compress(body, compresslevel=6, mtime=0)
    url = f"{FRAMES_URL}/{name}"
    _URLS[store_id] = (fs, url)
    return url


def frames_file(name: str) -> bytes | None:
    """The gzipped frames file of that name, if this process has published it."""
    with _FILES_LOCK:
        return _FILES.get(name)


def message_set(text: str, heights: Mapping[str, int], readout_ids: Sequence[str] = ()) -> FrameSet:
    """A one-frame set whose views state a problem in plain words (readouts '–'): what a section shows when its
    data is missing.  Its key names the message, so a graph showing it is redrawn whole by the next set."""
    from views.style import message_figure

    figs = {fig_id: message_figure(text, height=h).to_plotly_json() for fig_id, h in heights.items()}
    return frame_set([0], figs, [{}], readout_ids, [["–"] * len(readout_ids)], key={"message": text})
