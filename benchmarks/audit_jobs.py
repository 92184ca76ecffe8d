"""The trivial job of the supervisor comparison (benchmarks/audit.py): registered with our job queue, and as a
Celery task of a prefork worker configured to do what our supervisor does (a fresh process per job, a hard
time limit, a job whose process died handed back to the queue).

``python -m celery -A benchmarks.audit_jobs worker …`` reads the broker from ``AUDIT_BROKER``.
"""

from __future__ import annotations

import os

from jobs.tasks import task


@task("audit-echo")
def echo(params: dict, progress) -> dict:
    """Answer at once (the cost measured is the queue's own)."""
    progress(0.5, "echo")
    return {"n": params.get("n"), "pid": os.getpid()}


def celery_app():
    from celery import Celery

    broker = os.environ.get("AUDIT_BROKER", "redis://127.0.0.1:6379/0")
    app = Celery("audit", broker=broker, backend=broker)
    app.conf.update(
        # a fresh process per job, as our supervisor starts one (AUDIT_FRESH=0: processes reused, for comparison)
        worker_max_tasks_per_child=1 if os.environ.get("AUDIT_FRESH", "1") == "1" else None,
        task_time_limit=3600,  # killed past its time, as our supervisor kills at L2_JOB_TIMEOUT
        task_acks_late=True,  # with reject_on_worker_lost: a job whose process died is run again
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
    )

    @app.task(name="audit.echo")
    def celery_echo(n: int) -> dict:
        return {"n": n, "pid": os.getpid()}

    return app


if os.environ.get("AUDIT_BROKER"):
    app = celery_app()
