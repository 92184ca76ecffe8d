"""``python -m worker serve-jobs``: a Celery job worker for the scale-out engine (L2_BROKER_URL).

The embedded default needs no job worker (web processes supervise their own job processes); with
``L2_BROKER_URL=redis://…`` web processes only enqueue, and one or more of these workers run the jobs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from jobs import queue, tasks


def register(subparsers) -> None:
    """Add the ``serve-jobs`` command to the worker CLI."""
    p = subparsers.add_parser("serve-jobs", help="run a Celery worker for on-demand jobs (needs L2_BROKER_URL)")
    p.add_argument("--concurrency", type=int, default=None,
                   help="jobs run at once by this worker (default: L2_JOB_WORKERS)")
    p.add_argument("--loglevel", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    p.set_defaults(func=serve_jobs)


def serve_jobs(args: argparse.Namespace) -> int:
    """Start a Celery worker (thread pool: each job runs in its own supervised child process)."""
    from worker import CliError

    s = queue.settings()
    if not s["broker_url"]:
        raise CliError("serve-jobs needs L2_BROKER_URL (e.g. redis://localhost:6379/0); "
                       "without it the web processes run jobs themselves")
    if not s["redis_url"]:
        raise CliError("the job store needs Redis: set L2_REDIS_URL when L2_BROKER_URL is not a redis:// URL")
    concurrency = args.concurrency or s["workers"]
    if concurrency < 1:
        raise CliError(f"--concurrency must be at least 1, got {concurrency}")
    app = queue.celery_app()
    app.worker_main(["worker", f"--loglevel={args.loglevel}", "--pool=threads", f"--concurrency={concurrency}",
                     "--queues=l2angle", "--without-gossip", "--without-mingle", "--without-heartbeat"])
    return 0


def _recompute_sweeps(params: dict, progress) -> dict:
    """Job ``recompute-sweeps``: rebuild the listed sweeps atomically (the web's /health found them broken)."""
    from jobs import linear_cli
    from models import config

    folder = Path(str(params.get("folder", "")))
    if not folder.name == "sweeps":
        raise ValueError(f"not a sweeps folder: {folder}")
    todo = []
    for item in params.get("sweeps", []):
        a, b, loss = item
        a, b = config.check_pair(int(a), int(b))
        if loss not in config.LOSSES:
            raise ValueError(f"unknown loss {loss!r}")
        todo.append((a, b, loss))
    for k, (a, b, loss) in enumerate(todo):
        progress(k / max(1, len(todo)), f"sweep {a}-{b} {loss}")
        linear_cli.precompute_sweeps([(a, b)], (loss,), folder, "recompute-sweeps (requested by /health)")
    return {"recomputed": [f"{a}-{b} {loss}" for a, b, loss in todo]}


_recompute_sweeps.timeout_s = 3600.0
tasks.task("recompute-sweeps")(_recompute_sweeps)
