"""Scale-out: a real redis-server, two web processes and one Celery job worker (python -m worker serve-jobs).

Setting L2_BROKER_URL is the only change: the same job asked from both web processes at the same
moment runs once (the task appends a line to a file per execution), on the job worker, and the
flask-caching cache is shared through Redis.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from jobs import tasks
from tests.conftest import free_port, stop_processes, wait_http

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.redis, pytest.mark.slow]


@tasks.task("redis-count")
def count_task(params: dict, progress) -> dict:
    """Append one line per execution, take a moment, return who ran it."""
    with open(params["log"], "a") as f:
        f.write(f"{os.getpid()} {os.environ.get('L2_ROLE', '?')}\n")
    for i in range(5):
        progress(i / 5, "counting")
        time.sleep(0.2)
    return {"n": params["n"], "role": os.environ.get("L2_ROLE", "?")}


# A real web process (the whole app) plus three test-only routes to submit/poll jobs and use the cache.
WEB = """
import os, sys
import tests.test_redis  # registers the test task kind
import app
from flask import jsonify, request
from jobs import queue
from serving.shared import cache

@app.server.route("/test-jobs", methods=["POST"])
def _submit():
    return jsonify(queue.submit("redis-count", request.get_json()))

@app.server.route("/test-jobs/<key>")
def _poll(key):
    return jsonify(queue.poll(key))

@app.server.route("/test-cache/<name>", methods=["GET", "POST"])
def _cache(name):
    if request.method == "POST":
        cache.set(name, request.get_json())
    return jsonify({"value": cache.get(name), "type": type(cache.cache).__name__})

app.app.run(host="127.0.0.1", port=int(os.environ["PORT"]), threaded=True)
"""
JOB_WORKER = "import tests.test_redis, sys, worker; sys.exit(worker.main(['serve-jobs', '--concurrency', '2']))"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    server = shutil.which("redis-server")
    if not server:
        pytest.fail("redis-server is not installed (make test installs it)")
    tmp = tmp_path_factory.mktemp("redis")
    rport = free_port()
    procs = []

    def start(cmd, name, **env):
        log = open(tmp / f"{name}.log", "wb")
        full_env = dict(
            os.environ,
            PYTHONUNBUFFERED="1",
            L2_BROKER_URL=f"redis://127.0.0.1:{rport}/0",
            L2_ROLE=name,
            L2_WARM_ANSWERS="0",  # as every test's app (app.run here never starts the warmer; stated, not relied on)
            PYTHONPATH=str(ROOT),
            **env,
        )
        full_env.pop("L2_REDIS_URL", None)
        procs.append(
            subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        )
        return procs[-1]

    redis_proc = subprocess.Popen(
        [
            server,
            "--port",
            str(rport),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp),
            "--daemonize",
            "no",
        ],
        stdout=open(tmp / "redis.log", "wb"),
        stderr=subprocess.STDOUT,
    )
    procs.append(redis_proc)
    try:
        ports = [free_port(), free_port()]
        for i, port in enumerate(ports):
            # separate cache folders: anything shared must go through Redis
            start([sys.executable, "-c", WEB], f"web{i}", PORT=str(port), L2_CACHE_DIR=str(tmp / f"cache{i}"))
        start([sys.executable, "-c", JOB_WORKER], "jobworker", L2_CACHE_DIR=str(tmp / "cache-worker"))
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/health", timeout=180)
        yield {"urls": [f"http://127.0.0.1:{p}" for p in ports], "tmp": tmp, "procs": procs}
    finally:
        stop_processes(procs)


def _until_done(url: str, key: str, timeout: float = 120) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = httpx.get(f"{url}/test-jobs/{key}", timeout=30).json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"job {key} not done in {timeout}s: {status}")


def test_same_job_from_two_web_processes_runs_once_on_the_job_worker(cluster):
    log = cluster["tmp"] / "executions.txt"
    params = {"log": str(log), "n": 1}
    with ThreadPoolExecutor(6) as pool:  # three students on each web process click at the same moment
        firsts = list(
            pool.map(lambda u: httpx.post(f"{u}/test-jobs", json=params, timeout=60).json(), cluster["urls"] * 3)
        )
    assert len({s["key"] for s in firsts}) == 1
    assert all(s["state"] in ("queued", "running", "done") for s in firsts), firsts
    finals = [_until_done(u, firsts[0]["key"]) for u in cluster["urls"]]
    assert all(f["state"] == "done" and f["result"] == {"n": 1, "role": "jobworker"} for f in finals), finals
    lines = log.read_text().splitlines()
    assert len(lines) == 1 and lines[0].endswith("jobworker"), lines
    # a different parameter set is a different job
    other = httpx.post(f"{cluster['urls'][1]}/test-jobs", json={"log": str(log), "n": 2}, timeout=60).json()
    assert _until_done(cluster["urls"][0], other["key"])["result"]["n"] == 2
    assert len(log.read_text().splitlines()) == 2
    health = httpx.get(f"{cluster['urls'][0]}/health", timeout=60).json()
    assert health["queue"]["backend"] == "celery" and health["queue"]["started"] == 2, health


def test_cache_is_shared_through_redis(cluster):
    a, b = cluster["urls"]
    put = httpx.post(f"{a}/test-cache/greeting", json={"hello": "class"}, timeout=30).json()
    assert put["type"] == "RedisCache"
    assert httpx.get(f"{b}/test-cache/greeting", timeout=30).json()["value"] == {"hello": "class"}
