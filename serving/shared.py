"""The cache every web process shares, and the answers of pure callbacks kept in it.

``cache`` is a flask-caching Cache: a FileSystemCache under ``L2_CACHE_DIR`` shared by every local worker, or
Redis when ``L2_REDIS_URL`` / a ``redis://`` ``L2_BROKER_URL`` is set.  ``SharedAnswers`` keeps the answers of
the callbacks named in ``L2_SHARED_OUTPUTS`` in it, gzipped, for ``L2_SHARED_TTL_S`` seconds.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from typing import Any

from flask import Response, g
from flask_caching import Cache

import settings
from serving.health import version
from serving.responses import accepts_gzip, encoded_response

log = logging.getLogger("l2angle.serving")
cache = Cache()


def cache_config() -> dict[str, Any]:
    """flask-caching settings: Redis when configured, else a FileSystemCache every local worker shares."""
    s = settings.get()
    if s.redis_url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": s.redis_url,
            "CACHE_KEY_PREFIX": "l2angle:",
            "CACHE_DEFAULT_TIMEOUT": s.cache_timeout,
        }
    return {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(s.cache_dir / "flask"),
        "CACHE_THRESHOLD": s.cache_items,
        "CACHE_DEFAULT_TIMEOUT": s.cache_timeout,
    }


def _output_ids(output: Any) -> set[str]:
    """'..a.x...b.y..' or 'a.x' → {'a', 'b'} (ids only; pattern-matching ids never match a plain id)."""
    if not isinstance(output, str):
        return set()
    parts = output[2:-2].split("...") if output.startswith("..") and output.endswith("..") else [output]
    return {part.rsplit(".", 1)[0] for part in parts if "." in part}


class SharedAnswers:
    """Answers of pure callbacks, kept gzipped in the cache every worker shares (files, or Redis).

    A pair change rebuilds every frame of a sweep (over a CPU-second) and each gunicorn worker would
    do it again for each pair; with this, the first student to pick a (pair, loss) pays and the others
    (in any worker) get the stored bytes.  The key is the whole request (inputs, state, trigger) plus
    the code version; entries live ``L2_SHARED_TTL_S`` seconds, so a recomputed artifact shows up then.
    """

    def __init__(self, outputs: set[str], ttl: int) -> None:
        self.outputs, self.ttl = (outputs if ttl > 0 else set()), ttl  # L2_SHARED_TTL_S=0: off

    def key(self, body: Any) -> str | None:
        if not self.outputs or not isinstance(body, dict) or not (_output_ids(body.get("output")) & self.outputs):
            return None
        try:
            blob = json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=True)
        except (TypeError, ValueError):
            return None
        return "answer:" + hashlib.sha256(f"{version()}|{blob}".encode()).hexdigest()

    def lookup(self, key: str) -> Response | None:
        try:
            stored = cache.get(key)
        except Exception:  # a broken cache only costs speed
            return None
        if not isinstance(stored, bytes):
            return None
        return encoded_response(stored, None if accepts_gzip() else gzip.decompress(stored), "application/json")

    def store(self, key: str, resp: Response) -> None:
        if resp.status_code != 200 or resp.mimetype != "application/json" or "Content-Encoding" in resp.headers:
            return
        try:
            cache.set(key, gzip.compress(resp.get_data(), 6, mtime=0), timeout=self.ttl)
        except Exception as exc:  # noqa: BLE001 — a full or read-only cache only costs speed
            log.warning("cannot store a shared answer: %s", exc)


def install_keep(app, shared: SharedAnswers) -> None:
    """Store the answers Dash gives to requests that ``shared.key`` marked (in ``g.shared_answer_key``)."""

    @app.server.after_request
    def _keep_shared(resp: Response) -> Response:
        key = g.pop("shared_answer_key", None)
        if key:
            shared.store(key, resp)
        return resp
