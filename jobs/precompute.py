"""Precomputing the λ sweeps: compute each (pair, loss) in worker processes, write it through store.sweeps."""

from __future__ import annotations

import contextlib
import time
import types
from collections.abc import Callable
from pathlib import Path

from jobs import WorkError
from models import linear, sweeps
from store import mnist
from store import sweeps as sweep_files


def _compute_one(item: tuple[int, int, int, str]) -> tuple[dict | None, float, str | None]:
    """One sweep (in a worker process when jobs > 1): (arrays, seconds, None) or (None, 0, error)."""
    _, a, b, loss = item
    try:
        arrays, secs = sweeps.compute_sweep(mnist.pair_data(a, b), loss)
    except linear.SolverError as exc:
        return None, 0.0, str(exc)
    return arrays, secs, None


@contextlib.contextmanager
def _pool(jobs: int):
    """An executor whose ``map`` keeps the input order: a process pool for jobs > 1, else in-process."""
    if jobs <= 1:
        yield types.SimpleNamespace(map=map)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork where there is one (the parent's decoded MNIST is shared); spawn elsewhere (Windows)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method)) as pool:
        yield pool


def precompute_sweeps(
    pairs: list[tuple[int, int]],
    losses: tuple[str, ...],
    folder: Path,
    command: str,
    jobs: int = 1,
    say: Callable[[str], None] = lambda line: print(line, flush=True),
) -> float:
    """Compute and write the given sweeps (one line of progress per file, in order); return the total seconds.

    ``jobs`` > 1 computes that many sweeps at once in worker processes (each solver uses one BLAS
    thread); files are written by this process in the same order, with the same bytes, either way.
    Raises WorkError when the folder cannot be made or a sweep failed (the others are still written)."""
    t0 = time.perf_counter()
    seconds: dict[str, float] = {}
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkError(f"cannot create {folder}: {exc.strerror or exc}") from None
    failed = []
    todo = [(k, a, b, loss) for k, (a, b) in enumerate(pairs, 1) for loss in losses]
    with _pool(jobs) as pool:
        for (k, a, b, loss), (arrays, secs, err) in zip(todo, pool.map(_compute_one, todo), strict=True):
            if err is not None:
                say(f"[{k}/{len(pairs)}] {a}-{b} {loss}: FAILED ({err})")
                failed.append(sweep_files.sweep_name(a, b, loss))
                continue
            name = sweep_files.write_sweep(folder, a, b, loss, arrays)
            seconds[name] = secs
            best = int(arrays["best_test_index"][0])
            say(
                f"[{k}/{len(pairs)}] {a}-{b} {loss}: {secs:.1f} s, min test error {arrays['err_test'][best]:.2f} % "
                f"at λ={arrays['lam'][best]:.3g}"
            )
            sweep_files.write_manifest(folder, seconds, command, time.perf_counter() - t0)
    total = time.perf_counter() - t0
    sweep_files.write_manifest(folder, seconds, command, total)
    if failed:
        raise WorkError(f"{len(failed)} sweep(s) failed: {', '.join(failed)}")
    return total
