"""Registry of on-demand job kinds.

A task is ``fn(params: dict, progress: Callable[[float, str], None]) -> dict`` (JSON-serialisable
result).  It must validate its params (raise ValueError with a clear message), be deterministic for
equal params, and call ``progress(fraction, message)`` now and then.  Task modules register with
``@task("name")``; ``get(name)`` imports the known task modules lazily (torch stays out of the web
processes until a LeNet job actually runs in a job process).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

TASK_MODULES = ("jobs.linear_tasks", "jobs.lenet_tasks")
TASKS: dict[str, Callable] = {}


def task(name: str):
    def deco(fn):
        TASKS[name] = fn
        return fn

    return deco


def get(name: str) -> Callable:
    """The task function for a job kind; KeyError with a clear message if unknown."""
    if name not in TASKS:
        for mod in TASK_MODULES:
            try:
                importlib.import_module(mod)
            except ModuleNotFoundError as exc:
                if exc.name != mod:
                    raise
    if name not in TASKS:
        raise KeyError(f"unknown job kind {name!r}")
    return TASKS[name]
