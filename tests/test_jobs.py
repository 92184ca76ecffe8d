"""The on-demand job queue: dedup (in and across processes), bounded queue, timeouts, crashes, atomic results.

The task kinds used here are registered by this module; job processes import it by name
(``tests.test_jobs``), exactly as they import jobs.linear_tasks or jobs.lenet_tasks.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import settings
from jobs import queue, tasks
from store.artifacts import atomic_write_bytes

ROOT = Path(__file__).resolve().parents[1]


def _record(params: dict) -> None:
    """Append one line per execution to params['log'] (how the tests count executions)."""
    with open(params["log"], "a") as f:
        f.write(f"{os.getpid()}\n")


@tasks.task("test-sleep")
def sleep_task(params: dict, progress) -> dict:
    _record(params)
    steps = int(params.get("steps", 5))
    for i in range(steps):
        progress(i / steps, f"step {i + 1} of {steps}")
        time.sleep(float(params.get("dt", 0.1)))
    return {"value": params.get("value", 0) * 2, "pid": os.getpid()}


@tasks.task("test-invalid")
def invalid_task(params: dict, progress) -> dict:
    raise ValueError("lam must be a positive number, got -1")


@tasks.task("test-kill-once")
def kill_once_task(params: dict, progress) -> dict:
    """Dies by SIGKILL on the first attempt (like the OOM killer would), succeeds on the next."""
    _record(params)
    marker = Path(params["log"] + ".attempted")
    if not marker.exists():
        marker.write_text("1")
        os.kill(os.getpid(), signal.SIGKILL)
    return {"ok": True}


@tasks.task("test-kill-always")
def kill_always_task(params: dict, progress) -> dict:
    _record(params)
    os.kill(os.getpid(), signal.SIGKILL)
    return {}


@tasks.task("test-artifact")
def artifact_task(params: dict, progress) -> dict:
    """Computes for a while, then writes an artifact atomically (the way every task must write files)."""
    _record(params)
    for i in range(int(params.get("steps", 10))):
        progress(i / 10, "computing")
        time.sleep(0.1)
    data = bytes(range(256)) * 4096
    atomic_write_bytes(Path(params["out"]), data)
    return {"sha256": hashlib.sha256(data).hexdigest()}


def _timeout_task(params: dict, progress) -> dict:
    _record(params)
    time.sleep(30)
    return {}


_timeout_task.timeout_s = 1.0
tasks.task("test-timeout")(_timeout_task)


@pytest.fixture
def jobenv(tmp_path, monkeypatch):
    """A fresh embedded job store for one test."""
    monkeypatch.setenv("L2_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("L2_BROKER_URL", raising=False)
    monkeypatch.delenv("L2_REDIS_URL", raising=False)
    monkeypatch.setenv("L2_JOB_RETRIES", "1")
    settings.reload()
    return tmp_path


def wait_done(key: str, timeout: float = 30.0, seen: list | None = None) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = queue.poll(key)
        if seen is not None:
            seen.append(status)
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {key} did not finish in {timeout}s: {queue.poll(key)}")


def executions(log: Path) -> int:
    return len(log.read_text().split()) if log.exists() else 0


def test_job_runs_in_a_separate_process_with_progress(jobenv):
    log = jobenv / "runs"
    status = queue.submit("test-sleep", {"log": str(log), "value": 21, "steps": 8})
    assert set(status) == set(queue.PUBLIC_FIELDS)
    assert status["state"] in ("queued", "running")
    seen: list = []
    final = wait_done(status["key"], seen=seen)
    assert final["state"] == "done", final
    assert final["result"]["value"] == 42
    assert final["result"]["pid"] != os.getpid()
    midway = [s for s in seen if s["state"] == "running" and 0 < s["progress"] < 1]
    assert midway and midway[-1]["message"].startswith("step"), seen[:5]
    assert executions(log) == 1


def test_identical_submits_compute_once_and_results_are_cached(jobenv):
    log = jobenv / "runs"
    params = {"log": str(log), "value": 1}
    first = queue.submit("test-sleep", params)
    second = queue.submit("test-sleep", dict(reversed(list(params.items()))))  # same params, other order
    assert first["key"] == second["key"] == queue.job_key("test-sleep", params)
    assert wait_done(first["key"])["state"] == "done"
    again = queue.submit("test-sleep", params)
    assert again["state"] == "done" and again["result"]["value"] == 2
    assert executions(log) == 1


_SUBMITTER = """
import sys, time, json
from jobs import queue
import tests.test_jobs
start = float(sys.argv[2])
while time.time() < start:
    time.sleep(0.001)
s = queue.submit("test-sleep", {"log": sys.argv[1], "value": 5, "steps": 10})
while s["state"] not in ("done", "failed"):
    time.sleep(0.05)
    s = queue.poll(s["key"])
print(json.dumps(s))
"""


def test_dedup_across_processes(jobenv):
    """Four processes (like four gunicorn workers) ask for the same job at the same instant: it runs once."""
    log = jobenv / "runs"
    start = time.time() + 1.5
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _SUBMITTER, str(log), str(start)],
            cwd=ROOT,
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outs = [json.loads(p.communicate(timeout=60)[0]) for p in procs]
    assert [o["state"] for o in outs] == ["done"] * 4, outs
    assert len({o["result"]["pid"] for o in outs}) == 1
    assert executions(log) == 1


def test_bounded_queue_answers_busy_and_recovers(jobenv, monkeypatch):
    monkeypatch.setenv("L2_QUEUE_MAX", "2")
    monkeypatch.setenv("L2_JOB_WORKERS", "1")
    settings.reload()
    log = jobenv / "runs"
    a = queue.submit("test-sleep", {"log": str(log), "value": 1, "steps": 10})
    b = queue.submit("test-sleep", {"log": str(log), "value": 2, "steps": 10})
    c = queue.submit("test-sleep", {"log": str(log), "value": 3, "steps": 10})
    assert a["state"] in ("queued", "running") and b["state"] in ("queued", "running")
    assert c["state"] == "busy" and "try again" in c["message"]
    assert queue.queue_depth() == 2
    # only one job slot: whichever job claims it first runs, the other waits
    deadline = time.time() + 10
    states: list = []
    while time.time() < deadline:
        states = sorted(queue.poll(k)["state"] for k in (a["key"], b["key"]))
        if "running" in states:
            break
        time.sleep(0.02)
    assert states == ["queued", "running"], states
    assert wait_done(a["key"])["state"] == "done"
    assert wait_done(b["key"])["state"] == "done"
    # a busy answer is not remembered: asking again later runs the job
    c2 = queue.submit("test-sleep", {"log": str(log), "value": 3, "steps": 10})
    assert c2["state"] in ("queued", "running")
    assert wait_done(c2["key"])["result"]["value"] == 6
    assert executions(log) == 3


def test_timeout_fails_with_message_and_kills_the_process(jobenv):
    log = jobenv / "runs"
    status = queue.submit("test-timeout", {"log": str(log)})
    t0 = time.time()
    final = wait_done(status["key"], timeout=20)
    assert final["state"] == "failed" and "timed out after 1 s" in final["message"], final
    assert time.time() - t0 < 10
    pid = queue.store().get(status["key"])["pid"]
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_sigkilled_job_process_is_retried(jobenv):
    log = jobenv / "runs"
    final = wait_done(queue.submit("test-kill-once", {"log": str(log)})["key"])
    assert final["state"] == "done" and final["result"] == {"ok": True}, final
    assert executions(log) == 2


def test_sigkilled_job_process_is_reported_when_retries_run_out(jobenv):
    log = jobenv / "runs"
    final = wait_done(queue.submit("test-kill-always", {"log": str(log)})["key"])
    assert final["state"] == "failed" and "SIGKILL" in final["message"], final
    assert executions(log) == 2  # first try + one retry
    assert queue.queue_depth() == 0


def test_job_killed_from_outside_leaves_no_partial_artifact(jobenv):
    """SIGKILL the job process mid-run: no artifact appears; the retry writes it whole."""
    log, out = jobenv / "runs", jobenv / "artifacts" / "result.bin"
    key = queue.submit("test-artifact", {"log": str(log), "out": str(out)})["key"]
    deadline = time.time() + 20
    while time.time() < deadline:
        rec = queue.store().get(key)
        if rec.get("pid") and rec.get("progress", 0) > 0.2:
            break
        time.sleep(0.05)
    os.kill(rec["pid"], signal.SIGKILL)
    time.sleep(0.3)
    assert not out.exists()
    mid = queue.poll(key)
    assert (
        mid["state"] in ("queued", "running")
        and "retrying" in queue.store().get(key)["message"]
        or mid["state"] == "running"
    )
    final = wait_done(key)
    assert final["state"] == "done", final
    assert hashlib.sha256(out.read_bytes()).hexdigest() == final["result"]["sha256"]
    assert executions(log) == 2


_WRITER = """
import sys
from pathlib import Path
from store.artifacts import atomic_write_bytes
atomic_write_bytes(Path(sys.argv[1]), bytes([int(sys.argv[2])]) * (64 << 20))
"""


def test_atomic_write_survives_sigkill_at_any_moment(tmp_path):
    """Kill writers of a 64 MiB artifact at random moments: readers see the old or the new file, never a part."""
    path = tmp_path / "artifact.bin"
    atomic_write_bytes(path, bytes([0]) * (64 << 20))
    rng = random.Random(5)
    for i in range(1, 9):
        proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(path), str(i)], cwd=ROOT)
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = path.read_bytes()
        assert len(data) == 64 << 20 and len(set(data[:: 1 << 16])) == 1


def test_task_errors_are_reported_with_their_message(jobenv):
    final = wait_done(queue.submit("test-invalid", {})["key"])
    assert final["state"] == "failed" and final["message"] == "lam must be a positive number, got -1"


def test_unknown_kind_and_bad_params_fail_cleanly(jobenv):
    assert queue.submit("no-such-kind", {})["state"] == "failed"
    assert "unknown job kind" in queue.submit("no-such-kind", {})["message"]
    assert queue.submit("test-sleep", ["not", "a", "dict"])["state"] == "failed"


def test_poll_of_unknown_or_malformed_key(jobenv):
    unknown = queue.poll("0123456789abcdef01234567")
    assert unknown["state"] == "failed" and "unknown job" in unknown["message"]
    for bad in ("", "../../etc/passwd", None, 12, "x" * 10_000, {"a": 1}):
        status = queue.poll(bad)
        assert status["state"] == "failed" and status["message"] == "malformed job key"
        assert len(status["key"]) <= 64


_ABANDON = """
import os, sys, time
from jobs import queue
import tests.test_jobs
s = queue.submit("test-sleep", {"log": sys.argv[1], "steps": 20, "dt": 0.25})
time.sleep(0.5)
print(s["key"], flush=True)
os._exit(0)   # the web process dies with its supervisor thread
"""


def test_job_of_a_dead_web_process_is_reported_then_restarts(jobenv, monkeypatch):
    monkeypatch.setenv("L2_JOB_STALE_S", "1.5")
    settings.reload()
    log = jobenv / "runs"
    proc = subprocess.Popen(
        [sys.executable, "-c", _ABANDON, str(log)], cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, text=True
    )
    key = proc.stdout.readline().strip()  # (the orphaned job process keeps the pipe open: read one line)
    proc.wait(timeout=30)
    time.sleep(2.0)
    status = queue.poll(key)
    assert status["state"] == "failed" and "ask again" in status["message"], status
    assert queue.queue_depth() == 0
    # The orphaned job process notices that its supervisor is gone and ends itself.
    pid = queue.store().get(key)["pid"]
    if not _ends_within(pid, 10, 0.1):
        os.kill(pid, signal.SIGKILL)
        raise AssertionError("the orphaned job process outlived its supervisor")
    again = queue.submit("test-sleep", {"log": str(log), "steps": 20, "dt": 0.25})
    assert again["key"] == key and again["state"] in ("queued", "running")
    assert wait_done(key)["state"] == "done"


def _ends_within(pid: int, seconds: float, period: float) -> bool:
    """Whether process `pid` is gone within `seconds` (polled every `period`)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(period)
    return False


def test_job_process_exits_when_its_supervisor_dies():
    """A job child runs in its own session; it must not outlive the process that supervises it."""
    spawn = textwrap.dedent("""
        import os, subprocess, sys
        child = ("import time; from jobs.supervisor import _exit_with_parent; "
                 "_exit_with_parent(0.2); time.sleep(60)")
        env = dict(os.environ, L2_JOB_PARENT=str(os.getpid()))
        p = subprocess.Popen([sys.executable, "-c", child], start_new_session=True, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(p.pid, flush=True)
    """)
    out = subprocess.run([sys.executable, "-c", spawn], capture_output=True, text=True, cwd=ROOT, timeout=60)
    pid = int(out.stdout.split()[0])
    if not _ends_within(pid, 20, 0.2):
        os.kill(pid, 9)
        raise AssertionError("the orphaned job process kept running")
