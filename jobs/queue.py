"""On-demand jobs: submit by (kind, params), poll by key.  Identical requests compute once.

Public API (what the pages use)::

    submit(kind, params) -> status      # start or join the one job for these params
    poll(key) -> status                 # never raises; an unknown key is reported as failed
    job_key(kind, params) -> str        # stable hash of (kind, params)

Status dicts have the shape::

    {"key": str, "kind": str, "state": "queued" | "running" | "done" | "failed" | "busy",
     "progress": float in [0, 1], "message": str, "result": dict | None}

How it works.  Job state lives in a store shared by every web process (``jobs.job_store``: a diskcache on
this host, or Redis when ``L2_BROKER_URL`` is set).  ``submit`` claims the key in one store transaction, so
30 students (in any gunicorn worker) asking for the same job start it once; the claim fails with state
"busy" when ``L2_QUEUE_MAX`` jobs are already queued or running.  Each job runs in its own child process,
supervised by a thread of the submitting web process (embedded) or by a Celery worker (``python -m worker
serve-jobs``): see ``jobs.supervisor``.  A job whose supervisor disappeared (server restart) is noticed by
its stale heartbeat and reported as failed, so asking again restarts it.  Results are written once, whole,
into the store and cached for ``L2_JOB_TTL`` seconds.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time

import settings
from jobs.job_store import prune, prune_all, store
from jobs.job_store import status as _status

__all__ = [
    "PUBLIC_FIELDS",
    "STATES",
    "backend",
    "job_key",
    "jobs_started",
    "poll",
    "public",
    "queue_depth",
    "store",
    "submit",
]

STATES = ("queued", "running", "done", "failed", "busy")
PUBLIC_FIELDS = ("key", "kind", "state", "progress", "message", "result")
_KEY_RE = re.compile(r"^[0-9a-f]{8,64}$")


def job_key(kind: str, params: dict) -> str:
    """A stable key for a job: the same kind and params always give the same key."""
    blob = json.dumps({"kind": kind, "params": params}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def public(status: dict) -> dict:
    """Only the documented fields of a status (internal bookkeeping stays in the store)."""
    return {f: status.get(f) for f in PUBLIC_FIELDS}


def backend() -> str:
    """'celery' when jobs go to Celery workers (L2_BROKER_URL), else 'local'."""
    return "celery" if settings.get().broker_url else "local"


def queue_depth() -> int:
    """Jobs queued or running now, across all processes (for /health)."""
    return len(prune_all(store()))


def jobs_started() -> int:
    """How many job processes were started since the store was created (dedup shows here)."""
    return store().count("started")


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
    from jobs import supervisor

    s = settings.get()
    st = store()
    now = time.time()
    celery = bool(s.broker_url)
    with st.transaction():
        active = prune(st, st.active(), now)
        current = st.get(key)
        if current and current.get("state") in ("queued", "running", "done"):
            st.set_active(active)
            return current
        if len(active) >= s.queue_max:
            st.set_active(active)
            return _status(key, kind, "busy", f"the server is busy ({len(active)} jobs waiting); try again in a minute")
        status = _status(
            key,
            kind,
            "queued",
            "queued",
            params=params,
            module=fn.__module__,
            attempts=0,
            timeout=float(getattr(fn, "timeout_s", None) or s.job_timeout),
            submitted=now,
        )
        st.set(key, status)
        # A Celery job has no supervisor until a worker picks it up: allow it the queue wait.
        active[key] = {"beat": now, "running": False, "stale_after": s.job_queue_wait if celery else s.job_stale_s}
        st.set_active(active)
    if celery:
        supervisor.celery_app().send_task("l2angle.run_job", args=[key])
    else:
        threading.Thread(target=supervisor.supervise, args=(key, True), name=f"job-{key}", daemon=True).start()
    return status


def poll(key: str) -> dict:
    """Status of a job by key; an unknown or malformed key is reported as failed, not raised."""
    if not isinstance(key, str) or not _KEY_RE.match(key):
        return _status(str(key)[:64], "", "failed", "malformed job key")
    try:
        st = store()
        status = st.get(key)
        if status and status.get("state") in ("queued", "running"):
            prune_all(st)
            status = st.get(key)
    except Exception as exc:
        return _status(key, "", "failed", f"the job queue is unavailable ({type(exc).__name__}: {exc})")
    if not status:
        return _status(key, "", "failed", "unknown job (it may have expired or the server restarted); ask again")
    return public(status)
