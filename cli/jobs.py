"""``python -m worker serve-jobs``: a Celery job worker for the scale-out engine (L2_BROKER_URL).

The embedded default needs no job worker (web processes supervise their own job processes); with
``L2_BROKER_URL=redis://…`` web processes only enqueue, and one or more of these workers run the jobs.
"""

from __future__ import annotations

import argparse

import settings
from cli import CliError, number


def register(subparsers) -> None:
    """Add the ``serve-jobs`` command to the worker CLI."""
    p = subparsers.add_parser("serve-jobs", help="run a Celery worker for on-demand jobs (needs L2_BROKER_URL)")
    p.add_argument(
        "--concurrency",
        type=number(int, 1, 256),
        default=None,
        help="jobs run at once by this worker (default: L2_JOB_WORKERS)",
    )
    p.add_argument(
        "--loglevel",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="the Celery worker's log level (default %(default)s)",
    )
    p.set_defaults(func=serve_jobs)


def serve_jobs(args: argparse.Namespace) -> int:
    """Start a Celery worker (thread pool: each job runs in its own supervised child process)."""
    from jobs import supervisor

    s = settings.get()
    if not s.broker_url:
        raise CliError(
            "serve-jobs needs L2_BROKER_URL (e.g. redis://localhost:6379/0); "
            "without it the web processes run jobs themselves"
        )
    if not s.redis_url:
        raise CliError("the job store needs Redis: set L2_REDIS_URL when L2_BROKER_URL is not a redis:// URL")
    concurrency = args.concurrency or s.job_workers
    app = supervisor.celery_app()
    app.worker_main(
        [
            "worker",
            f"--loglevel={args.loglevel}",
            "--pool=threads",
            f"--concurrency={concurrency}",
            "--queues=l2angle",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )
    return 0
