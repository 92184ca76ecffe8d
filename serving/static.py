"""The page's static parts, encoded once: scripts and style sheets gzipped once per process, the layout encoded
once per period, and an index without the scripts the article does not need."""

from __future__ import annotations

import functools
import gzip
import hashlib
import threading
import time
from typing import Any

from flask import Response, request

import settings
from serving.responses import accepts_gzip, encoded_response

_STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
_STATIC_TYPES = {"application/javascript", "text/javascript", "text/css", "application/json"}


class StaticGzip:
    """The page's scripts and style sheets gzipped once per process and kept in memory.

    flask-compress would compress them again on every request, with a streaming encoder for the files Flask sends
    from disk: on 2 cores the ~15 scripts of a first visit then arrived 130–270 ms after they were asked for, all
    of it on the page's critical path (nothing runs before its scripts), and 50 students opening the page repeat
    that work 50 times.  Kept per (path, query, validator): a new file version is a new key (Dash fingerprints its
    bundles, assets carry ``?m=<mtime>``).  At most ``limit`` files; anything unusual (another status, a range,
    a client without gzip) is left to flask-compress."""

    def __init__(self, limit: int = 64, level: int = 9):
        self.limit, self.level = limit, level
        self._files: dict[tuple, bytes] = {}
        self._lock = threading.Lock()

    def applies(self, resp: Response) -> bool:
        return (
            request.method == "GET"
            and request.path.startswith(_STATIC_PREFIXES)
            and resp.status_code == 200
            and resp.mimetype in _STATIC_TYPES
            and "Content-Encoding" not in resp.headers
            and "Range" not in request.headers
            and accepts_gzip()
        )

    def __call__(self, resp: Response) -> Response:
        if not self.applies(resp):
            return resp
        etag, _weak = resp.get_etag()
        key = (request.path, request.query_string, etag, resp.headers.get("Last-Modified"), resp.content_length)
        gz = self._files.get(key)
        resp.direct_passthrough = False  # a file response: read it (get_data) and replace it (set_data)
        if gz is None:
            gz = gzip.compress(resp.get_data(), self.level, mtime=0)
            with self._lock:
                if len(self._files) >= self.limit:
                    self._files.pop(next(iter(self._files)))
                self._files[key] = gz
        resp.set_data(gz)
        resp.headers["Content-Encoding"] = "gzip"
        resp.headers["Vary"] = "Accept-Encoding"
        if etag:
            resp.set_etag(f"{etag}:gzip")
        return resp.make_conditional(request)


class LayoutCache:
    """The encoded ``/_dash-layout`` answer, kept per process for ``L2_LAYOUT_CACHE_S`` seconds (0 = off).

    The article's layout is the same for every visitor (a function only so that it can be rebuilt), but
    encoding its ~3 MB of JSON and compressing it costs about half a CPU-second: 50 students opening the
    page at once would queue every callback behind 25 s of that work.  One rebuild per process and period
    (so a recomputed artifact shows up within it), gzip done once, an ETag so that a reload revalidates.
    """

    def __init__(self, view, ttl: float) -> None:
        self.view, self.ttl = view, ttl
        self.lock = threading.Lock()
        self.entry: dict[str, Any] | None = None

    def _fresh(self) -> dict[str, Any] | None:
        entry = self.entry
        return entry if entry and time.monotonic() - entry["at"] < self.ttl else None

    def _build(self) -> dict[str, Any] | Response:
        with self.lock:  # concurrent first visitors wait for one build instead of each doing it
            entry = self._fresh()
            if entry:
                return entry
            resp = self.view()
            if not isinstance(resp, Response) or resp.status_code != 200:
                return resp  # an error is never cached
            data = resp.get_data()
            entry = {
                "at": time.monotonic(),
                "data": data,
                "gzip": gzip.compress(data, 6, mtime=0),
                "etag": hashlib.sha256(data).hexdigest()[:32],
                "mimetype": resp.mimetype,
            }
            self.entry = entry
            return entry

    def __call__(self):
        entry = self._fresh() or self._build()
        if isinstance(entry, Response):
            return entry
        gz = accepts_gzip()
        resp = encoded_response(entry["gzip"], entry["data"] if not gz else None, entry["mimetype"])
        resp.headers["Cache-Control"] = "no-cache"  # the browser may keep it but asks (If-None-Match) first
        resp.set_etag(entry["etag"] + (":gzip" if gz else ""))
        return resp.make_conditional(request)


def cache_layout(app) -> None:
    """Serve Dash's ``/_dash-layout`` through a :class:`LayoutCache` (unless ``L2_LAYOUT_CACHE_S=0``)."""
    ttl = settings.get().layout_cache_s
    endpoint = app.config.routes_pathname_prefix + "_dash-layout"
    view = app.server.view_functions.get(endpoint)
    if ttl > 0 and view is not None:
        app.server.view_functions[endpoint] = LayoutCache(view, ttl)


# Scripts of Dash's index that the article does not need.  Babel's polyfill (core-js for old browsers; ~90 ms of a
# first load's main thread on 2 cores) only serves browsers that Dash 4 does not support anyway (Dash's bundles
# need just its ``regeneratorRuntime``, which assets/vendor supplies); the article has no DataTable.  (dcc's
# components come as chunks loaded when first rendered, so the unused ones — Markdown, the date pickers, Upload,
# MathJax — are never fetched.)
_UNNEEDED_SCRIPTS = ("/deps/polyfill@", "/dash_table/")


def slim_scripts(scripts: str) -> str:
    """Dash's ``<script>`` tags (one per line) without those of ``_UNNEEDED_SCRIPTS``."""
    return "\n".join(
        line for line in scripts.split("\n") if not ("<script" in line and any(s in line for s in _UNNEEDED_SCRIPTS))
    )


def slim_index(app) -> None:
    """Make ``app`` serve its index without the unneeded scripts (see ``slim_scripts``)."""
    interpolate = app.interpolate_index

    @functools.wraps(interpolate)
    def interpolate_index(**kwargs):
        kwargs["scripts"] = slim_scripts(kwargs.get("scripts", ""))
        return interpolate(**kwargs)

    app.interpolate_index = interpolate_index
