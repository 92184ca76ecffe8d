"""Where job state lives, shared by every process: a diskcache on this host, or Redis (scale-out).

A status is the dict of ``jobs.queue`` plus internal bookkeeping; ``active`` maps the keys of queued and
running jobs to their supervisor's heartbeat.  Every read-modify-write happens in the store's transaction
(a SQLite transaction, or a Redis lock), so any number of web processes can submit and poll at once.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import settings


def status(
    key: str, kind: str, state: str, message: str, progress: float = 0.0, result: dict | None = None, **extra: Any
) -> dict:
    return {
        "key": key,
        "kind": kind,
        "state": state,
        "progress": float(progress),
        "message": message,
        "result": result,
        **extra,
    }


class _Store:
    """What both stores share: a read-modify-write of one status under the store's lock."""

    def get(self, key: str) -> dict | None:
        raise NotImplementedError

    def set(self, key: str, status: dict, ttl: float | None = None) -> None:
        raise NotImplementedError

    def transaction(self):
        raise NotImplementedError

    def update(self, key: str, **fields: Any) -> dict | None:
        with self.transaction():
            status = self.get(key)
            if status is None:
                return None
            status.update(fields)
            self.set(key, status)
            return status


class DiskStore(_Store):
    """Job state in a diskcache (SQLite) folder shared by every process on this host."""

    def __init__(self, path: Path) -> None:
        import diskcache

        self.path = Path(path)
        self.cache = diskcache.Cache(
            str(self.path), timeout=60, size_limit=2**30, eviction_policy="least-recently-stored"
        )

    def get(self, key: str) -> dict | None:
        value = self.cache.get(f"job:{key}")
        return value if isinstance(value, dict) else None

    def set(self, key: str, status: dict, ttl: float | None = None) -> None:
        self.cache.set(f"job:{key}", status, expire=ttl)

    def active(self) -> dict[str, dict]:
        value = self.cache.get("active")
        return dict(value) if isinstance(value, dict) else {}

    def set_active(self, active: dict[str, dict]) -> None:
        self.cache.set("active", active)

    def incr(self, name: str) -> int:
        return int(self.cache.incr(f"stats:{name}", default=0))

    def count(self, name: str) -> int:
        return int(self.cache.get(f"stats:{name}", default=0))

    def transaction(self):
        return self.cache.transact()

    def close(self) -> None:
        self.cache.close()


class RedisStore(_Store):
    """Job state in Redis (scale-out): JSON statuses plus one hash of active jobs, guarded by a lock."""

    def __init__(self, url: str) -> None:
        import redis

        self.url = url
        self.r = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)

    def _json(self, name: str, default: Any) -> Any:
        raw = self.r.get(name)
        try:
            return json.loads(raw) if raw else default
        except ValueError:
            return default

    def get(self, key: str) -> dict | None:
        value = self._json(f"l2jobs:job:{key}", None)
        return value if isinstance(value, dict) else None

    def set(self, key: str, status: dict, ttl: float | None = None) -> None:
        self.r.set(f"l2jobs:job:{key}", json.dumps(status, default=str), ex=int(ttl) if ttl else None)

    def active(self) -> dict[str, dict]:
        value = self._json("l2jobs:active", {})
        return value if isinstance(value, dict) else {}

    def set_active(self, active: dict[str, dict]) -> None:
        self.r.set("l2jobs:active", json.dumps(active))

    def incr(self, name: str) -> int:
        return int(self.r.incr(f"l2jobs:stats:{name}"))

    def count(self, name: str) -> int:
        return int(self.r.get(f"l2jobs:stats:{name}") or 0)

    def transaction(self):
        return self.r.lock("l2jobs:lock", timeout=10, blocking_timeout=10)

    def close(self) -> None:
        self.r.close()


_stores: dict[tuple, Any] = {}
_stores_lock = threading.Lock()


def store() -> DiskStore | RedisStore:
    """The store of this process for the current settings (one per process, fork-safe)."""
    s = settings.get()
    ident = (os.getpid(), s.redis_url or str(s.cache_dir))
    with _stores_lock:
        if ident not in _stores:
            _stores[ident] = RedisStore(s.redis_url) if s.redis_url else DiskStore(s.cache_dir / "jobs")
        return _stores[ident]


# --------------------------------------------------------------------------- bookkeeping of active jobs


def prune(st, active: dict[str, dict], now: float) -> dict[str, dict]:
    """Drop active entries whose supervisor stopped beating; report their jobs as failed (inside a transaction)."""
    for key, entry in list(active.items()):
        current = st.get(key)
        finished = not current or current.get("state") not in ("queued", "running")
        if not finished and now - float(entry.get("beat", 0)) <= float(entry.get("stale_after", 20.0)):
            continue
        del active[key]
        if not finished:
            current.update(state="failed", message="the process running this job stopped (server restart?); ask again")
            st.set(key, current, ttl=settings.get().job_ttl)
    return active


def prune_all(st) -> dict[str, dict]:
    """``prune`` the store's active jobs now, in one transaction; return what is still active."""
    with st.transaction():
        active = prune(st, st.active(), time.time())
        st.set_active(active)
    return active


def beat(st, key: str, **fields: Any) -> None:
    """The supervisor of ``key`` is alive (and may say more about the job in ``fields``)."""
    with st.transaction():
        active = st.active()
        entry = active.get(key)
        if entry is None:
            return
        entry.update(beat=time.time(), stale_after=settings.get().job_stale_s, **fields)
        st.set_active(active)


def finish(st, key: str, final: dict) -> None:
    """Store a job's final status (kept ``L2_JOB_TTL`` seconds) and drop it from the active jobs."""
    with st.transaction():
        st.set(key, final, ttl=settings.get().job_ttl)
        active = st.active()
        active.pop(key, None)
        st.set_active(active)
