"""Build-once JSON caches keyed by source digests (shim: replaced by ``store.cache`` of stream R1 at integration).

``source_digest(*paths)`` and ``json_cached(name, key, build)`` have the names and meaning the redesign gives
``store.cache``; until it lands here, they live in this one file, so switching is a one-file change.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jobs.artifacts import atomic_write_bytes
from models import config

log = logging.getLogger(__name__)
_MEMO: dict[str, Any] = {}


def source_digest(*paths: str | Path) -> str:
    """Hash of source files, taken at the caller's import (a file edited while serving cannot change the key)."""
    h = hashlib.sha256()
    for src in paths:
        h.update(Path(src).read_bytes())
    return h.hexdigest()[:16]


def json_cached(name: str, key: str, build: Callable[[], Any]) -> Any:
    """``build()`` cached as JSON under L2_CACHE_DIR/frames/<name>-<key>.json (memory, else file, else built).

    A missing or unreadable cache file is simply rebuilt; a read-only cache only costs speed."""
    path = config.CACHE_DIR / "frames" / f"{name}-{key}.json"
    if str(path) in _MEMO:
        return _MEMO[str(path)]
    try:
        value = json.loads(path.read_text())
        _MEMO[str(path)] = value
        return value
    except (OSError, ValueError):
        pass
    value = build()
    try:
        atomic_write_bytes(path, json.dumps(value, separators=(",", ":")).encode())
    except OSError as exc:
        log.warning("cannot cache %s: %s", path, exc)
    _MEMO[str(path)] = value
    return value
