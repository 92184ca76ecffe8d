"""gunicorn settings for the production server (``make serve``, ``l2angle-serve``, the container image).

Loaded by gunicorn as ``-c python:serving.gunicorn_conf`` (``l2angle-serve``) or through the checkout's
``gunicorn.conf.py``, which imports this module.  Every value comes from the settings package (typed, validated,
documented in the README's configuration table); a bad value stops gunicorn at once with one line naming the
variable (exit status 2).  Logging is the project's own configuration (``settings.logs``), so gunicorn's lines
have the app's format, and Python warnings go through it too (in the master, hence in every forked worker).
"""

from __future__ import annotations

import logging

import settings
from settings import logs

_s = settings.exit_on_error(settings.get)
logging.captureWarnings(True)  # warnings.warn(...) lines get the log format (gunicorn applies logconfig_dict)

_host = _s.host or "0.0.0.0"
bind = f"[{_host}]:{_s.port}" if ":" in _host else f"{_host}:{_s.port}"  # an IPv6 address goes in brackets
# Callbacks are short and mostly read cached artifacts: a few processes per core, a few threads each.
workers = _s.web_workers
worker_class = "gthread"
threads = _s.web_threads
timeout = _s.web_timeout
graceful_timeout = 20
# Idle keep-alive connections cost nothing with gthread; a short limit races with a client that reuses the
# connection just as the server drops it (the load benchmark saw resets on a saturated machine at 5 s).
keepalive = _s.web_keepalive
# The app is imported in each worker, never in the master: no torch/threads before fork.
preload_app = False
max_requests = _s.web_max_requests
max_requests_jitter = max_requests // 10
accesslog = _s.access_log
errorlog = "-"
loglevel = _s.log_level
logconfig_dict = logs.config_dict(_s)
limit_request_line = 8190
limit_request_fields = 100
forwarded_allow_ips = _s.forwarded_allow_ips
# gunicorn's control socket lives in $HOME: off by default (several instances per host, read-only homes).
control_socket_disable = not _s.gunicorn_control


def when_ready(server) -> None:
    """Before the workers take requests: start building the MNIST views' answer files in the background."""
    from serving.warming import start_warming

    start_warming()


def post_worker_init(worker) -> None:
    """With L2_WARMUP=1: build the page once before this worker takes requests (first student waits less)."""
    if not _s.warmup:
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
