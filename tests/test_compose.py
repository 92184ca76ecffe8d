"""docker-compose.yml: web and job workers share the artifacts and the cache at the paths the settings read, Redis
persists, every service restarts and is health-checked; and (real redis-server) a sweep recomputed by a job worker
process is served by another web process through the shared folder."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

import settings
from tests.conftest import free_port, stop_processes, wait_http

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("web", "worker")


def _mounts(service: dict) -> dict[str, str]:
    """{path in the container: named volume} of a service (bind mounts are not shared storage: refused)."""
    out = {}
    for spec in service.get("volumes", []):
        source, target = spec.split(":")[:2]
        assert source in (COMPOSE.get("volumes") or {}), f"{spec}: not a named volume declared in the file"
        out[target] = source
    return out


def _settings(service: dict) -> settings.Settings:
    return settings.from_env({k: str(v) for k, v in service["environment"].items()})


def test_web_and_job_workers_mount_the_same_volumes_where_the_settings_look():
    shared = []
    for name in APP_SERVICES:
        s, mounts = _settings(SERVICES[name]), _mounts(SERVICES[name])
        for path in (s.precomputed, s.cache_dir):  # L2_PRECOMPUTED, L2_CACHE_DIR as the code reads them
            assert str(path) in mounts, f"{name}: {path} is not on a shared volume ({mounts})"
        shared.append({str(p): mounts[str(p)] for p in (s.precomputed, s.cache_dir)})
    assert shared[0] == shared[1], shared
    assert len(set(shared[0].values())) == 2  # artifacts and cache: two volumes, not one folder for both


def test_the_volumes_are_filled_from_the_image_and_writable_by_its_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    s = _settings(SERVICES["web"])
    assert re.search(rf"^COPY --chown=10001:10001 precomputed {s.precomputed}$", dockerfile, flags=re.M)
    assert f"L2_CACHE_DIR={s.cache_dir}" in dockerfile and f"chown app:app {s.cache_dir}" in dockerfile
    assert "--uid 10001" in dockerfile and "USER app" in dockerfile


def test_redis_persists_and_every_service_restarts_and_is_checked():
    redis = SERVICES["redis"]
    cmd = redis["command"]
    assert cmd[cmd.index("--appendonly") + 1] == "yes"
    assert cmd[cmd.index("--dir") + 1] in _mounts(redis), "the append-only file must live on a volume"
    for name, service in SERVICES.items():
        assert service.get("restart") in ("always", "unless-stopped"), name
        check = service.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), f"{name} has no health check"
    for name in APP_SERVICES:
        assert SERVICES[name]["depends_on"]["redis"]["condition"] == "service_healthy"
        assert _settings(SERVICES[name]).broker_url.startswith("redis://redis:")  # the service's name


def _check_command(name: str) -> list[str]:
    """A service's health-check command as this machine runs it (python = this interpreter)."""
    test = SERVICES[name]["healthcheck"]["test"]
    assert test[0] == "CMD"
    return [sys.executable if part == "python" else part for part in test[1:]]


# ---- a real redis-server, two web processes and a job worker sharing one folder --------------------------------


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    server = shutil.which("redis-server")
    if not server:
        pytest.fail("redis-server is not installed (make test installs it)")
    tmp = tmp_path_factory.mktemp("compose")
    shared = tmp / "precomputed"  # the artifacts volume
    shutil.copytree(ROOT / "precomputed", shared)
    (shared / "sweeps" / "sweep-01-hinge.npz").unlink()  # a sweep /health will find missing
    rport = free_port()
    redis_cmd = SERVICES["redis"]["command"]
    redis_args = [a if redis_cmd[i - 1] != "--dir" else str(tmp) for i, a in enumerate(redis_cmd)]
    procs = [
        subprocess.Popen(
            [server, *redis_args[1:], "--port", str(rport), "--bind", "127.0.0.1"],
            stdout=open(tmp / "redis.log", "wb"),
            stderr=subprocess.STDOUT,
        )
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("L2_")}
    env.update(
        {k: str(v) for k, v in SERVICES["web"]["environment"].items() if k not in ("L2_WEB_WORKERS",)},
        L2_BROKER_URL=f"redis://127.0.0.1:{rport}/0",
        L2_PRECOMPUTED=str(shared),
        L2_CACHE_DIR=str(tmp / "cache"),  # the cache volume
        L2_WARM_ANSWERS="0",
        L2_HEALTH_RECHECK_S="5",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),
    )

    def start(cmd: list[str], name: str, **extra: str) -> subprocess.Popen:
        log = open(tmp / f"{name}.log", "wb")
        procs.append(
            subprocess.Popen(
                cmd, cwd=ROOT, env={**env, **extra}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        )
        return procs[-1]

    try:
        ports = [free_port(), free_port()]
        # web A asks for the recompute (the default); web B only reports and serves
        for name, port, auto in (("webA", ports[0], "1"), ("webB", ports[1], "0")):
            start([sys.executable, "app.py"], name, PORT=str(port), L2_AUTO_RECOMPUTE=auto)
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/health", timeout=180)
        yield {
            "urls": [f"http://127.0.0.1:{p}" for p in ports],
            "tmp": tmp,
            "shared": shared,
            "env": env,
            "start": start,
        }
    finally:
        stop_processes(procs)


@pytest.mark.redis
@pytest.mark.slow
def test_a_sweep_recomputed_by_the_job_worker_is_served_by_another_web_process(cluster):
    web_a, web_b = cluster["urls"]
    env, tmp = cluster["env"], cluster["tmp"]
    import redis

    assert redis.Redis.from_url(env["L2_BROKER_URL"]).config_get("appendonly") == {"appendonly": "yes"}
    missing = httpx.get(f"{web_b}/svm-data/0-1/hinge", timeout=60)
    assert missing.status_code == 503  # web B cannot serve what is not in the shared folder
    ping = _check_command("worker")
    no_worker = subprocess.run(ping, cwd=ROOT, env=env, capture_output=True, timeout=60)
    assert no_worker.returncode != 0, "the worker's health check passed with no worker running"
    cluster["start"]([sys.executable, "-m", "worker", "serve-jobs", "--concurrency", "1"], "jobworker")
    deadline = time.time() + 120
    while "recomputing" not in (action := httpx.get(f"{web_a}/health", timeout=60).json()["artifacts"]["action"]):
        assert time.time() < deadline, f"web A did not ask for the recompute: {action!r}"
        time.sleep(1)
    deadline = time.time() + 300
    while (answer := httpx.get(f"{web_b}/svm-data/0-1/hinge", timeout=120)).status_code != 200:
        assert time.time() < deadline, "web B never served the recomputed sweep"
        time.sleep(2)
    assert json.loads(answer.content)["frames"]

    manifest = json.loads((cluster["shared"] / "sweeps" / "manifest.json").read_text())
    assert "sweep-01-hinge.npz" in manifest["files"] and manifest["created_by"]["command"].startswith(
        "recompute-sweeps"
    )
    worker_log = (tmp / "jobworker.log").read_text(errors="replace")
    assert re.search(r"Task l2angle\.run_job\[.*\] succeeded", worker_log), worker_log[-3000:]
    for url in (web_a, web_b):
        assert httpx.get(f"{url}/health", timeout=60).json()["queue"]["backend"] == "celery"  # they only enqueue

    # the compose file's own health checks, run against these processes
    deadline = time.time() + 60
    while subprocess.run(ping, cwd=ROOT, env=env, capture_output=True, timeout=60).returncode != 0:
        assert time.time() < deadline, "the worker's health check fails against a running worker"
    web_check = _check_command("web")
    port_b = web_b.rsplit(":", 1)[1]
    assert subprocess.run(web_check, env={**env, "PORT": port_b}, capture_output=True, timeout=60).returncode == 0
    closed = str(free_port())
    assert subprocess.run(web_check, env={**env, "PORT": closed}, capture_output=True, timeout=60).returncode != 0
