"""gunicorn settings for the production entry point (``make serve``, the container image).

Every value comes from an environment variable with a typed parser and a default that suits a
classroom on one machine; see the README's configuration table.
"""

from __future__ import annotations

import os

from models.config import env_int

_cores = os.cpu_count() or 1

bind = f"{os.environ.get('HOST', '0.0.0.0').strip() or '0.0.0.0'}:{env_int('PORT', 8050, 1, 65535)}"
# Callbacks are short and mostly read cached artifacts: a few processes per core, a few threads each.
workers = env_int("L2_WEB_WORKERS", min(2 * _cores + 1, 9), 1, 64)
worker_class = "gthread"
threads = env_int("L2_WEB_THREADS", 4, 1, 64)
timeout = env_int("L2_WEB_TIMEOUT", 120, 5, 3600)
graceful_timeout = 20
# Idle keep-alive connections cost nothing with gthread; a short limit races with a client that reuses the
# connection just as the server drops it (the load benchmark saw resets on a saturated machine at 5 s).
keepalive = env_int("L2_WEB_KEEPALIVE", 30, 1, 3600)
# The app is imported in each worker, never in the master: no torch/threads before fork.
preload_app = False
max_requests = env_int("L2_WEB_MAX_REQUESTS", 5000, 0, 10**9)
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("L2_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("L2_LOG_LEVEL", "info").lower()
limit_request_line = 8190
limit_request_fields = 100
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket lives in $HOME: off by default (several instances per host, read-only homes).
control_socket_disable = os.environ.get("L2_GUNICORN_CONTROL", "0").strip() != "1"


def when_ready(server) -> None:
    """Before the workers take requests: start building the MNIST views' answer files in the background."""
    from jobs.web_cli import start_warming

    start_warming()


def post_worker_init(worker) -> None:
    """With L2_WARMUP=1: build the page once before this worker takes requests (first student waits less)."""
    if os.environ.get("L2_WARMUP", "0").strip() != "1":
        return
    import time

    t0 = time.monotonic()
    try:
        client = worker.wsgi.test_client()
        for path in ("/_dash-layout", "/_dash-dependencies"):
            status = client.get(path).status_code
            if status != 200:
                worker.log.warning("warm-up: %s answered %s", path, status)
        worker.log.info("warm-up done in %.1f s", time.monotonic() - t0)
    except Exception:  # a broken page must not stop the worker: /health and the error pages still work
        worker.log.exception("warm-up failed")
