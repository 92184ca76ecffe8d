"""Running a claimed job: one child process per attempt, supervised (timeout, heartbeat, retries).

The supervisor is a thread of the submitting web process (embedded) or a Celery task of
``python -m worker serve-jobs`` (scale-out).  It waits for a free job slot (``L2_JOB_WORKERS``), then runs
``python -m jobs.supervisor run-child KEY`` — a fresh interpreter, so torch is never imported by a web
process — kills it at the timeout, and retries a child that died from a signal (e.g. SIGKILL by the OOM
killer) ``L2_JOB_RETRIES`` times.  The child writes its result (or its error) whole into the store.

POSIX is assumed for process groups and alarms; elsewhere the child is killed alone and has no alarm.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

import settings
from jobs.job_store import beat, finish, prune, store

BEAT_S = 1.0


def _wait_for_slot(st, key: str, workers: int, deadline: float) -> bool:
    """Block until fewer than `workers` jobs run on this store, then mark this one running."""
    while True:
        now = time.time()
        with st.transaction():
            active = prune(st, st.active(), now)
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
    return [sys.executable, "-m", "jobs.supervisor", "run-child", key]


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    root = str(settings.ROOT)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["L2_JOB_PARENT"] = str(os.getpid())
    return env


def _why(rc: int) -> str:
    if rc < 0 and -rc in signal.Signals._value2member_map_:
        return f"killed by {signal.Signals(-rc).name}"
    return f"exited with code {rc}"


def supervise(key: str, wait_for_slot: bool = True) -> dict | None:
    """Run a claimed job in child processes until it is done, failed, timed out or out of retries."""
    s = settings.get()
    st = store()
    status = st.get(key)
    if status is None:
        return None
    if wait_for_slot and not _wait_for_slot(st, key, s.job_workers, time.time() + s.job_queue_wait):
        status = st.get(key) or status
        if status.get("state") in ("queued", "running"):
            finish(st, key, {**status, "state": "failed", "message": "waited too long for a free job slot; ask again"})
        return st.get(key)
    beat(st, key, running=True)
    timeout = float(status.get("timeout") or s.job_timeout)
    for attempt in range(1, s.job_retries + 2):
        st.update(
            key,
            state="running",
            attempts=attempt,
            started=time.time(),
            message="starting" if attempt == 1 else f"retrying (attempt {attempt})",
        )
        st.incr("started")
        proc = subprocess.Popen(
            _child_command(key), cwd=settings.ROOT, env=_child_env(), stdin=subprocess.DEVNULL, start_new_session=True
        )
        st.update(key, pid=proc.pid)
        deadline = time.time() + timeout
        next_beat = 0.0
        while proc.poll() is None:
            now = time.time()
            if now > deadline:
                _kill(proc)
                finish(
                    st,
                    key,
                    {
                        **(st.get(key) or status),
                        "state": "failed",
                        "result": None,
                        "message": f"timed out after {timeout:g} s",
                    },
                )
                return st.get(key)
            if now >= next_beat:
                beat(st, key)
                next_beat = now + BEAT_S
            time.sleep(0.05)
        current = st.get(key) or status
        if current.get("state") in ("done", "failed"):
            finish(st, key, current)
            return current
        why = _why(proc.returncode)
        if attempt > s.job_retries:
            finish(
                st,
                key,
                {
                    **current,
                    "state": "failed",
                    "result": None,
                    "message": f"the job process died ({why}) after {attempt} attempt(s); ask again later",
                },
            )
            return st.get(key)
        st.update(key, state="queued", progress=0.0, message=f"the job process died ({why}); retrying")
    return st.get(key)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the child's whole session (POSIX)
    except (ProcessLookupError, PermissionError, AttributeError):
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
    timeout = float(status.get("timeout") or settings.get().job_timeout)
    if hasattr(signal, "alarm"):
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


_celery = None


def celery_app():
    """The Celery app of the scale-out engine (broker L2_BROKER_URL); jobs are supervised by its workers."""
    global _celery
    if _celery is None:
        from celery import Celery

        app = Celery("l2angle", broker=settings.get().broker_url)
        app.conf.update(
            task_ignore_result=True,
            worker_prefetch_multiplier=1,
            task_acks_late=False,
            broker_connection_retry_on_startup=True,
            worker_hijack_root_logger=False,
            task_default_queue="l2angle",
        )

        @app.task(name="l2angle.run_job")
        def run_job(key: str) -> None:
            supervise(key, wait_for_slot=False)

        _celery = app
    return _celery


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "run-child":
        from settings import logs

        settings.exit_on_error(logs.configure)
        sys.exit(run_child(sys.argv[2]))
    print("usage: python -m jobs.supervisor run-child KEY", file=sys.stderr)
    sys.exit(2)
