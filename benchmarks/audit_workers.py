"""The worker-side rows of benchmarks/audit.py: the job supervisor against Celery, the load generator against
locust.  Each ``bench_*`` returns the markdown lines of its table."""

from __future__ import annotations

import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------- the job supervisor


def _job_latencies(n: int, tmp: Path) -> list[float]:
    os.environ["L2_CACHE_DIR"] = str(tmp / "cache")
    import settings

    settings.reload()
    import benchmarks.audit_jobs  # noqa: F401 - registers audit-echo
    from jobs import queue

    out = []
    for i in range(n):
        t0 = time.perf_counter()
        key = queue.submit("audit-echo", {"n": i, "run": str(tmp)})["key"]
        while queue.poll(key)["state"] not in ("done", "failed"):
            time.sleep(0.01)
        assert queue.poll(key)["state"] == "done", queue.poll(key)
        out.append(time.perf_counter() - t0)
    return out


def _celery_latencies(n: int, tmp: Path, fresh: bool) -> list[float] | str:
    if not shutil.which("redis-server"):
        return "redis-server is not installed"
    port = _free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    env = {**os.environ, "AUDIT_BROKER": broker, "AUDIT_FRESH": "1" if fresh else "0", "PYTHONPATH": str(ROOT)}
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp)],
        stdout=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "benchmarks.audit_jobs", "worker", "--pool=prefork", "--concurrency=2"]
        + ["--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        os.environ["AUDIT_BROKER"] = broker
        from benchmarks.audit_jobs import celery_app

        app = celery_app()
        app.send_task("audit.echo", args=[-1]).get(timeout=120)  # the worker is up
        out = []
        for i in range(n):
            t0 = time.perf_counter()
            assert app.send_task("audit.echo", args=[i]).get(timeout=60)["n"] == i
            out.append(time.perf_counter() - t0)
        return out
    finally:
        for proc in (worker, redis):
            proc.terminate()
            proc.wait(timeout=30)


def bench_supervisor(n: int = 20) -> list[str]:
    tmp = Path(tempfile.mkdtemp(prefix="audit-jobs-"))
    try:
        ours = _job_latencies(n, tmp)
        theirs = _celery_latencies(n, tmp, fresh=True)
        reused = _celery_latencies(n, tmp, fresh=False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def row(label: str, lat) -> str:
        if isinstance(lat, str):
            return f"| {label} | {lat} | | |"
        return f"| {label} | {_ms(statistics.median(lat))} | {_ms(max(lat))} | {len(lat)} |"

    return [
        f"{n} trivial jobs, one after another: submit → result (the answer is immediate, so this is the queue's "
        "own cost: a fresh process per job in both).",
        "",
        "| variant | median | max | jobs |",
        "| --- | --- | --- | --- |",
        row("ours: embedded supervisor (diskcache store, `python -m jobs.supervisor run-child` per job)", ours),
        row(
            "Celery 5.7 prefork, max_tasks_per_child=1, time limit, acks_late + reject_on_worker_lost "
            "(redis-server broker and results)",
            theirs,
        ),
        row("the same Celery worker with its processes reused (no fresh process per job)", reused),
    ]


# --------------------------------------------------------------------------------------- the load generator


def _serve_tiny(port: int) -> subprocess.Popen:
    app = "def app(environ, start):\n    start('200 OK', [('Content-Type', 'application/json')])\n    return [b'{}']\n"
    folder = Path(tempfile.mkdtemp(prefix="audit-load-"))
    (folder / "tiny.py").write_text(app)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return subprocess.Popen(
        [gunicorn, "-w", "2", "-k", "gthread", "--threads", "8", "-b", f"127.0.0.1:{port}", "tiny:app"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


_OURS = """
import asyncio, sys, time
sys.path.insert(0, sys.argv[4])
import httpx
from benchmarks.load import Recorder, timed
async def user(base, rec, deadline):
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.monotonic() < deadline:
            await timed(client, rec, "get", "GET", "/", parse=False)
async def main(base, users, seconds):
    rec = Recorder()
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(user(base, rec, deadline) for _ in range(users)))
    print(len(rec.ms["get"]), sum(len(e) for e in rec.errors.values()))
asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
"""

_LOCUSTFILE = """
from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser
class Student(FastHttpUser):
    wait_time = constant(0)
    @task
    def get(self):
        self.client.get("/")
"""


def _client_run(cmd: list[str], cwd: Path) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, out.stdout + out.stderr


def bench_load(users: int = 50, seconds: float = 10.0) -> list[str]:
    port = _free_port()
    server = _serve_tiny(port)
    base = f"http://127.0.0.1:{port}"
    folder = Path(tempfile.mkdtemp(prefix="audit-locust-"))
    rows = []
    try:
        time.sleep(2)
        cpu, wall, out = _client_run([sys.executable, "-c", _OURS, base, str(users), str(seconds), str(ROOT)], folder)
        done, errors = (int(x) for x in out.split()[-2:])
        rows.append(("ours: benchmarks/load.py's client (httpx.AsyncClient, asyncio)", done, errors, cpu, wall))
        locust = os.environ.get("LOCUST") or shutil.which("locust")
        if locust:
            (folder / "locustfile.py").write_text(_LOCUSTFILE)
            cmd = [locust, "-f", "locustfile.py", "--headless", "-u", str(users), "-r", str(users), "-t"]
            cpu, wall, out = _client_run(cmd + [f"{int(seconds)}s", "--host", base, "--only-summary"], folder)
            agg = [ln for ln in out.splitlines() if "Aggregated" in ln]
            nums = re.findall(r"\d+", agg[0].split("Aggregated", 1)[1]) if agg else ["0", "0"]
            version = subprocess.run([locust, "--version"], capture_output=True, text=True).stdout.split()
            label = f"locust {version[1] if len(version) > 1 else ''} (FastHttpUser, gevent), headless"
            rows.append((label, int(nums[0]), int(nums[1]), cpu, wall))
        else:
            rows.append(("locust: not installed (LOCUST=/path/to/bin/locust)", 0, 0, 0.0, 0.0))
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    lines = [
        f"{users} users for {seconds:g} s, no think time, against a WSGI app answering `{{}}` (gunicorn, 2 gthread "
        "workers) on this machine: requests the client got through, and the client's own CPU time per request "
        "(on 2 cores the generator's CPU is taken from the server under test).",
        "",
        "| variant | requests | errors | requests/s | client CPU per request |",
        "| --- | --- | --- | --- | --- |",
    ]
    for label, done, errors, cpu, _wall in rows:
        rate = f"{done / seconds:.0f}" if done else "–"
        per = f"{cpu / done * 1000:.2f} ms" if done else "–"
        lines.append(f"| {label} | {done} | {errors} | {rate} | {per} |")
    return lines
