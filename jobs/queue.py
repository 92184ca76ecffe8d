"""On-demand jobs: submit by (kind, params), poll by key.  Identical requests compute once.

Public API (what the pages use)::

    submit(kind, params) -> status      # start or join the one job for these params
    poll(key) -> status                 # never raises; an unknown key is reported as failed
    job_key(kind, params) -> str        # stable hash of (kind, params)

Status dicts have the shape::

    {"key": str, "kind": str, "state": "queued" | "running" | "done" | "failed" | "busy",
     "progress": float in [0, 1], "message": str, "result": dict | None}

How it works.  Job state lives in a store shared by every web process: a diskcache on this host
(embedded default, no extra services) or Redis when ``L2_BROKER_URL`` is set.  ``submit`` claims the
key in one store transaction, so 30 students (in any gunicorn worker) asking for the same job start
it once; the claim fails with state "busy" when ``L2_QUEUE_MAX`` jobs are already queued or running.
Each job runs in its own child process (``python -m jobs.queue run-child KEY``: a fresh interpreter,
so torch is never imported by a web process), supervised by a thread of the submitting web process
(embedded) or by a Celery worker (``python -m worker serve-jobs``).  The supervisor enforces the
timeout, keeps a heartbeat, and retries a child that died from a signal (e.g. SIGKILL by the OOM
killer) ``L2_JOB_RETRIES`` times before reporting it.  A job whose supervisor disappeared (server
restart) is noticed by its stale heartbeat and reported as failed, so asking again restarts it.
Results are written once, whole, into the store and cached for ``L2_JOB_TTL`` seconds.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from models import config
from models.config import env_float, env_int

STATES = ("queued", "running", "done", "failed", "busy")
PUBLIC_FIELDS = ("key", "kind", "state", "progress", "message", "result")
_KEY_RE = re.compile(r"^[0-9a-f]{8,64}$")
BEAT_S = 1.0


# --------------------------------------------------------------------------- settings


def settings() -> dict[str, Any]:
    """The queue's configuration, read from the environment at call time (typed, with defaults)."""
    broker = os.environ.get("L2_BROKER_URL", "").strip()
    return {
        "broker_url": broker,
        "redis_url": os.environ.get("L2_REDIS_URL", "").strip() or (broker if broker.startswith("redis") else ""),
        "queue_max": env_int("L2_QUEUE_MAX", 16, 1, 10_000),
        "workers": env_int("L2_JOB_WORKERS", max(1, (os.cpu_count() or 2) - 1), 1, 256),
        "timeout": env_float("L2_JOB_TIMEOUT", 300.0),
        "retries": env_int("L2_JOB_RETRIES", 1, 0, 10),
        "ttl": env_int("L2_JOB_TTL", 24 * 3600, 1, 10**8),
        "queue_wait": env_float("L2_JOB_QUEUE_WAIT", 600.0),
        # a job whose supervisor has not beaten for this long is lost (its web/job worker died)
        "stale_s": env_float("L2_JOB_STALE_S", 20.0),
        "cache_dir": config.env_path("L2_CACHE_DIR", config.ROOT / ".cache"),
    }


def job_key(kind: str, params: dict) -> str:
    """A stable key for a job: the same kind and params always give the same key."""
    blob = json.dumps({"kind": kind, "params": params}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def public(status: dict) -> dict:
    """Only the documented fields of a status (internal bookkeeping stays in the store)."""
    return {f: status.get(f) for f in PUBLIC_FIELDS}


def _status(key: str, kind: str, state: str, message: str, progress: float = 0.0, result: dict | None = None,
            **extra: Any) -> dict:
    return {"key": key, "kind": kind, "state": state, "progress": float(progress), "message": message,
            "result": result, **extra}


# --------------------------------------------------------------------------- stores


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
        self.cache = diskcache.Cache(str(self.path), timeout=60, size_limit=2**30, eviction_policy="least-recently-stored")

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

    def get(self, key: str) -> dict | None:
        raw = self.r.get(f"l2jobs:job:{key}")
        try:
            value = json.loads(raw) if raw else None
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def set(self, key: str, status: dict, ttl: float | None = None) -> None:
        self.r.set(f"l2jobs:job:{key}", json.dumps(status, default=str), ex=int(ttl) if ttl else None)

    def active(self) -> dict[str, dict]:
        raw = self.r.get("l2jobs:active")
        try:
            value = json.loads(raw) if raw else {}
        except ValueError:
            value = {}
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
    """The store of this process for the current configuration (one per process, fork-safe)."""
    s = settings()
    ident = (os.getpid(), s["redis_url"] or str(s["cache_dir"]))
    with _stores_lock:
        if ident not in _stores:
            _stores[ident] = RedisStore(s["redis_url"]) if s["redis_url"] else DiskStore(Path(s["cache_dir"]) / "jobs")
        return _stores[ident]


# --------------------------------------------------------------------------- bookkeeping of active jobs


def _prune(st, active: dict[str, dict], now: float) -> dict[str, dict]:
    """Drop active entries whose supervisor stopped beating; report their jobs as failed (inside a transaction)."""
    for key, entry in list(active.items()):
        status = st.get(key)
        finished = not status or status.get("state") not in ("queued", "running")
        if not finished and now - float(entry.get("beat", 0)) <= float(entry.get("stale_after", 20.0)):
            continue
        del active[key]
        if not finished:
            status.update(state="failed", message="the process running this job stopped (server restart?); ask again")
            st.set(key, status, ttl=settings()["ttl"])
    return active


def queue_depth() -> int:
    """Jobs queued or running now, across all processes (for /health)."""
    st = store()
    with st.transaction():
        active = _prune(st, st.active(), time.time())
        st.set_active(active)
    return len(active)


def jobs_started() -> int:
    """How many job processes were started since the store was created (dedup shows here)."""
    return store().count("started")


def _beat(st, key: str, **fields: Any) -> None:
    with st.transaction():
        active = st.active()
        entry = active.get(key)
        if entry is None:
            return
        entry.update(beat=time.time(), stale_after=settings()["stale_s"], **fields)
        st.set_active(active)


def _finish(st, key: str, status: dict) -> None:
    with st.transaction():
        st.set(key, status, ttl=settings()["ttl"])
        active = st.active()
        active.pop(key, None)
        st.set_active(active)


# --------------------------------------------------------------------------- public API


def submit(kind: str, params: dict) -> dict:
    """Start (or join) the one job for (kind, params) and return its status; never raises."""
    try:
        key = job_key(kind, params)
    except (TypeError, ValueError) as exc:
        return _status("", str(kind), "failed", f"job parameters are not serialisable: {exc}")
    if not isinstance(params, dict):
        return _status(key, str(kind), "failed", "job parameters must be a dict")
    try:
        from jobs import tasks

        fn = tasks.get(kind)
    except KeyError as exc:
        return _status(key, str(kind), "failed", str(exc.args[0]) if exc.args else "unknown job kind")
    try:
        return public(_claim_and_start(key, kind, params, fn))
    except Exception as exc:  # the store is down or unusable: say so, never raise into a callback
        return _status(key, kind, "failed", f"the job queue is unavailable ({type(exc).__name__}: {exc})")


def _claim_and_start(key: str, kind: str, params: dict, fn) -> dict:
    s = settings()
    st = store()
    now = time.time()
    celery = bool(s["broker_url"])
    with st.transaction():
        active = _prune(st, st.active(), now)
        current = st.get(key)
        if current and current.get("state") in ("queued", "running", "done"):
            st.set_active(active)
            return current
        if len(active) >= s["queue_max"]:
            st.set_active(active)
            return _status(key, kind, "busy", f"the server is busy ({len(active)} jobs waiting); try again in a minute")
        status = _status(key, kind, "queued", "queued", params=params, module=fn.__module__, attempts=0,
                         timeout=float(getattr(fn, "timeout_s", None) or s["timeout"]), submitted=now)
        st.set(key, status)
        # A Celery job has no supervisor until a worker picks it up: allow it the queue wait.
        active[key] = {"beat": now, "running": False, "stale_after": s["queue_wait"] if celery else s["stale_s"]}
        st.set_active(active)
    if celery:
        celery_app().send_task("l2angle.run_job", args=[key])
    else:
        threading.Thread(target=supervise, args=(key, True), name=f"job-{key}", daemon=True).start()
    return status


def poll(key: str) -> dict:
    """Status of a job by key; an unknown or malformed key is reported as failed, not raised."""
    if not isinstance(key, str) or not _KEY_RE.match(key):
        return _status(str(key)[:64], "", "failed", "malformed job key")
    try:
        st = store()
        status = st.get(key)
        if status and status.get("state") in ("queued", "running"):
            with st.transaction():
                st.set_active(_prune(st, st.active(), time.time()))
            status = st.get(key)
    except Exception as exc:
        return _status(key, "", "failed", f"the job queue is unavailable ({type(exc).__name__}: {exc})")
    if not status:
        return _status(key, "", "failed", "unknown job (it may have expired or the server restarted); ask again")
    return public(status)


# --------------------------------------------------------------------------- supervision


def _wait_for_slot(st, key: str, workers: int, deadline: float) -> bool:
    """Block until fewer than `workers` jobs run on this store, then mark this one running."""
    while True:
        now = time.time()
        with st.transaction():
            active = _prune(st, st.active(), now)
            entry = active.get(key)
            if entry is None:  # pruned or finished elsewhere
                st.set_active(active)
                return False
            running = sum(1 for k, e in active.items() if e.get("running") and k != key)
            entry["beat"] = now
            if running < workers:
                entry["running"] = True
            st.set_active(active)
            if entry["running"]:
                return True
        if now > deadline:
            return False
        time.sleep(0.2)


def _child_command(key: str) -> list[str]:
    return [sys.executable, "-m", "jobs.queue", "run-child", key]


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    root = str(config.ROOT)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["L2_JOB_PARENT"] = str(os.getpid())
    return env


def supervise(key: str, wait_for_slot: bool = True) -> dict | None:
    """Run a claimed job in child processes until it is done, failed, timed out or out of retries."""
    s = settings()
    st = store()
    status = st.get(key)
    if status is None:
        return None
    if wait_for_slot and not _wait_for_slot(st, key, s["workers"], time.time() + s["queue_wait"]):
        status = st.get(key) or status
        if status.get("state") in ("queued", "running"):
            _finish(st, key, {**status, "state": "failed", "message": "waited too long for a free job slot; ask again"})
        return st.get(key)
    _beat(st, key, running=True)
    timeout = float(status.get("timeout") or s["timeout"])
    for attempt in range(1, s["retries"] + 2):
        st.update(key, state="running", attempts=attempt, message="starting" if attempt == 1 else
                  f"retrying (attempt {attempt})", started=time.time())
        st.incr("started")
        proc = subprocess.Popen(_child_command(key), cwd=config.ROOT, env=_child_env(), stdin=subprocess.DEVNULL,
                                start_new_session=True)
        st.update(key, pid=proc.pid)
        deadline = time.time() + timeout
        next_beat = 0.0
        while proc.poll() is None:
            now = time.time()
            if now > deadline:
                _kill(proc)
                _finish(st, key, {**(st.get(key) or status), "state": "failed", "result": None,
                                  "message": f"timed out after {timeout:g} s"})
                return st.get(key)
            if now >= next_beat:
                _beat(st, key)
                next_beat = now + BEAT_S
            time.sleep(0.05)
        current = st.get(key) or status
        if current.get("state") in ("done", "failed"):
            _finish(st, key, current)
            return current
        rc = proc.returncode
        why = f"killed by {signal.Signals(-rc).name}" if rc < 0 and -rc in signal.Signals._value2member_map_ \
            else f"exited with code {rc}"
        if attempt > s["retries"]:
            _finish(st, key, {**current, "state": "failed", "result": None,
                              "message": f"the job process died ({why}) after {attempt} attempt(s); ask again later"})
            return st.get(key)
        st.update(key, state="queued", progress=0.0, message=f"the job process died ({why}); retrying")
    return st.get(key)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


def _exit_with_parent(period: float = 1.0) -> None:
    """End this job process as soon as its supervisor is gone (it runs in its own session, so it would
    otherwise live on as an orphan until its timeout); the supervisor-side bookkeeping reports the job."""
    # The supervisor names itself in L2_JOB_PARENT: if it died before this process got here, getppid()
    # already names the reaper and would never change.
    try:
        parent = int(os.environ.get("L2_JOB_PARENT") or os.getppid())
    except ValueError:
        parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(period)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run_child(key: str) -> int:
    """Body of a job process: run the task of `key` and write its result (or its error) whole into the store."""
    st = store()
    status = st.get(key)
    if status is None:
        print(f"job {key}: no such job", file=sys.stderr)
        return 2
    # Self-protection: even if the supervisor is gone, never run much past the timeout.
    timeout = float(status.get("timeout") or settings()["timeout"])
    signal.alarm(max(1, int(timeout) + 5))
    _exit_with_parent()
    last = [0.0]

    def progress(frac: float, message: str = "") -> None:
        now = time.time()
        if now - last[0] < 0.1 and frac < 1.0:
            return
        last[0] = now
        try:
            frac = float(min(max(float(frac), 0.0), 1.0))
        except (TypeError, ValueError):
            frac = 0.0
        st.update(key, progress=frac, message=str(message)[:200])

    try:
        from jobs import tasks

        if status.get("module"):
            importlib.import_module(status["module"])
        fn = tasks.get(status["kind"])
        result = fn(dict(status.get("params") or {}), progress)
        json.dumps(result)  # must be JSON-serialisable, or the page could not show it
        st.update(key, state="done", progress=1.0, message="done", result=result, finished=time.time())
    except Exception as exc:  # reported to the page, never raised into a callback
        message = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
        st.update(key, state="failed", result=None, message=message[:500], finished=time.time())
    return 0


# --------------------------------------------------------------------------- Celery (scale-out)

_celery = None


def celery_app():
    """The Celery app of the scale-out engine (broker L2_BROKER_URL); jobs are supervised by its workers."""
    global _celery
    if _celery is None:
        from celery import Celery

        s = settings()
        app = Celery("l2angle", broker=s["broker_url"])
        app.conf.update(task_ignore_result=True, worker_prefetch_multiplier=1, task_acks_late=False,
                        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
                        task_default_queue="l2angle")

        @app.task(name="l2angle.run_job")
        def run_job(key: str) -> None:
            supervise(key, wait_for_slot=False)

        _celery = app
    return _celery


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "run-child":
        sys.exit(run_child(sys.argv[2]))
    print("usage: python -m jobs.queue run-child KEY", file=sys.stderr)
    sys.exit(2)
