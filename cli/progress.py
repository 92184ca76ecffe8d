"""How the worker's long commands report their progress.

Three modes, chosen once per command:

* **bar** — stdout and stderr are both a terminal: a live progress bar (rich) on stderr, one per stage of the
  work (e.g. the sweeps, then each LeNet's epochs), with the item lines printed above it;
* **lines** — either stream is redirected (a CI log, ``| tee``, a file): one plain line per item on stdout,
  flushed at once, so the log reads the same as the work goes on;
* **quiet** (``--quiet``) — nothing but errors (stderr) and the command's final line.

The jobs below the command line know nothing of this: they take ``log(line)`` for the lines and
``steps(stage, done, total)`` for the position (``jobs.lenet_training``, ``jobs.lenet_analysis``);
``Progress.note`` and ``Progress.steps`` are those two callbacks.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def on_terminal() -> bool:
    """True when a bar can be drawn: stdout and stderr are both a terminal that is not 'dumb'."""
    try:
        tty = sys.stdout.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams
        return False
    return tty and os.environ.get("TERM", "") != "dumb"


class Progress:
    """A context manager: ``with Progress(quiet=args.quiet) as p: p.stage("sweeps", 90); p.item(line) …``."""

    def __init__(self, quiet: bool = False, bar: bool | None = None) -> None:
        self.quiet = quiet
        self.mode = "quiet" if quiet else ("bar" if (on_terminal() if bar is None else bar) else "lines")
        self._bar: Any = None  # rich.progress.Progress in bar mode
        self._tasks: dict[str, int] = {}
        self._fresh: set[str] = set()  # stages whose position has not moved yet in this run
        self._current: str | None = None

    def __enter__(self) -> Progress:
        if self.mode == "bar":
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                redirect_stdout=True,
                redirect_stderr=True,
            )
            self._bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    # --- the position ----------------------------------------------------------------------------------------

    def stage(self, name: str, total: int, done: int = 0) -> None:
        """Start (or return to) a stage of ``total`` items; in bar mode, a bar of its own."""
        self._current = name
        if self._bar is None:
            return
        if name not in self._tasks:
            self._tasks[name] = self._bar.add_task(name, total=total, completed=done)
            self._fresh.add(name)
        else:
            self._bar.update(self._tasks[name], total=total)

    def steps(self, name: str, done: int, total: int) -> None:
        """``done`` of ``total`` items of stage ``name`` are finished (the jobs' ``steps`` callback)."""
        self.stage(name, total)
        if self._bar is None:
            return
        task = self._tasks[name]
        if name in self._fresh and done > 0:
            # the first move of this run (a resumed training starts at its saved epoch): the rate starts here
            self._fresh.discard(name)
            self._bar.reset(task, total=total, completed=done - 1)
        self._bar.update(task, completed=done)

    def advance(self, n: int = 1) -> None:
        """One more item of the current stage is finished."""
        if self._bar is not None and self._current is not None:
            self._fresh.discard(self._current)
            self._bar.advance(self._tasks[self._current], n)

    # --- the lines -------------------------------------------------------------------------------------------

    def note(self, line: str) -> None:
        """A line of the work (the jobs' ``log`` callback): above the bar, on stdout, or nowhere when quiet."""
        if self.mode == "quiet":
            return
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, flush=True)

    def item(self, line: str) -> None:
        """One item finished, with its line."""
        self.note(line)
        self.advance()


def add_quiet_option(parser, what: str = "the final line") -> None:
    """The ``--quiet`` option of a long command."""
    parser.add_argument(
        "--quiet", action="store_true", help=f"no progress bar or item lines: print only errors and {what}"
    )
