"""Build-once caches under ``L2_CACHE_DIR``: what costs seconds to build is built by one process, then read.

``build_once(path, build)`` answers from this process's memory, else from the file, else builds it: the first
process to get there holds a lock file (``filelock``: portable) while it builds and writes the file atomically;
the others wait on the lock and then read that file.  A cache that cannot be written (read-only, full) only
costs speed: the bytes are still returned.  ``json_cached(name, key, build)`` keeps a JSON-able object that
way (e.g. a figure's frames) and also keeps the parsed object in memory.  ``source_digest(*paths)`` hashes
source files: part of a cache key, so that new code never reads what old code built.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from filelock import FileLock

import settings
from store.artifacts import atomic_write_bytes

log = logging.getLogger(__name__)
MEMO_ITEMS = 64

_memo: OrderedDict[str, bytes] = OrderedDict()
_json_memo: dict[str, Any] = {}
_lock = threading.Lock()


def source_digest(*paths: str | Path) -> str:
    """A short hash of the given files' bytes (16 hex digits)."""
    h = hashlib.sha256()
    for path in paths:
        h.update(Path(path).read_bytes())
    return h.hexdigest()[:16]


def _remember(key: str, data: bytes) -> bytes:
    if not key:
        return data
    with _lock:
        _memo[key] = data
        _memo.move_to_end(key)
        while len(_memo) > MEMO_ITEMS:
            _memo.popitem(last=False)
    return data


def _read(path: Path, valid: Callable[[bytes], bool] | None) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if valid is None or valid(data) else None


def build_once(
    path: str | Path, build: Callable[[], bytes], valid: Callable[[bytes], bool] | None = None, memo: bool = True
) -> bytes:
    """The bytes cached at ``path``: from memory, else the file, else ``build()`` — once across processes.

    ``valid(data)``, when given, rejects a file's bytes (a corrupt file is then rebuilt and replaced); ``memo``
    False keeps nothing in memory.  Raises what ``build`` raises (nothing is cached then)."""
    path = Path(path)
    key = str(path) if memo else ""
    with _lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    data = _read(path, valid)
    if data is not None:
        return _remember(key, data)
    lock_path = path.with_suffix(".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(lock_path)
        lock.acquire()
    except OSError as exc:  # a read-only cache only costs speed
        log.warning("cannot cache %s: %s", path, exc)
        return _remember(key, build())
    try:
        data = _read(path, valid)  # another process built it while this one waited
        if data is None:
            data = build()
            try:
                atomic_write_bytes(path, data)
            except OSError as exc:
                log.warning("cannot cache %s: %s", path, exc)
                return _remember(key, data)
        # The file exists: later callers read it before locking, and whoever holds the lock reads it first, so
        # the lock file can go (a waiter that still polls for it makes a new one, then drops it here too).
        lock_path.unlink(missing_ok=True)
        return _remember(key, data)
    finally:
        lock.release()


def json_cached(
    name: str, key: str, build: Callable[[], Any], valid: Callable[[Any], bool] | None = None, folder: str = "frames"
) -> Any:
    """A JSON-able object kept as L2_CACHE_DIR/<folder>/<name>-<key>.json (built once, see ``build_once``) and
    in memory; a file that is not JSON (or fails ``valid``) is rebuilt."""
    path = settings.get().cache_dir / folder / f"{name}-{key}.json"
    cached = _json_memo.get(str(path))
    if cached is not None:
        return cached
    built: list[Any] = []

    def encode() -> bytes:
        built.append(build())
        return json.dumps(built[0], separators=(",", ":")).encode()

    def readable(data: bytes) -> bool:
        try:
            obj = json.loads(data)
        except ValueError:
            return False
        return valid is None or valid(obj)

    data = build_once(path, encode, readable, memo=False)
    obj = built[0] if built else json.loads(data)
    _json_memo[str(path)] = obj
    return obj


def forget() -> None:
    """Drop this process's memory of cached entries (the files stay; for tests and long warm-up loops)."""
    with _lock:
        _memo.clear()
        _json_memo.clear()
