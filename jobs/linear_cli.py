"""Worker commands for the linear sweeps (``python -m worker ...``).

    precompute --all                     every sweep (45 pairs × 2 losses) and, if present, LeNet's artifacts
    precompute --pairs 7-9 2-3 [--loss hinge]   a subset (both losses unless --loss)
    precompute ... --jobs N              N sweeps at once in worker processes (default: CPU cores)
    precompute --check                   verify MNIST and every shipped artifact folder against its manifest
    export-sweep --pair 7 9 --loss hinge --out F.npz
    fit --pair 7 9 --loss hinge --lam 3.2e-3     one λ (off the grid too), one JSON line

User errors raise worker.CliError (one line, exit code 2).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import shlex
import sys
import time
import types
from pathlib import Path

import numpy as np

from models import config


def _cli_error(msg: str) -> Exception:
    """worker.CliError — the class of the running entry point (python -m worker runs it as __main__)."""
    cls = getattr(sys.modules.get("__main__"), "CliError", None)
    if cls is None:
        from worker import CliError as cls
    return cls(msg)


def parse_lambda(text: str) -> float:
    """A λ from the command line: a finite number > 0, else a clear error."""
    try:
        return config.check_lambda(text, "--lam")
    except ValueError as exc:
        raise _cli_error(str(exc)) from None


def _pair(values: list[str]) -> tuple[int, int]:
    try:
        if len(values) == 1:
            return config.parse_pair(values[0])
        return config.parse_pair(" ".join(values))
    except ValueError as exc:
        raise _cli_error(str(exc)) from None


def _losses(loss: str | None) -> tuple[str, ...]:
    if loss is None:
        return config.LOSSES
    if loss not in config.LOSSES:
        raise _cli_error(f"unknown loss {loss!r}; use one of {', '.join(config.LOSSES)}")
    return (loss,)


def _write_sweep_manifest(folder: Path, seconds: dict[str, float], command: str, run_seconds: float) -> None:
    """(Re)write the sweeps manifest over every sweep file present, keeping earlier per-file timings."""
    from jobs import artifacts
    from models import sweeps

    try:
        old = artifacts.read_manifest(folder).get("sweep_seconds", {})
    except artifacts.ArtifactError:
        old = {}
    names = [n for n in sweeps.all_sweep_names() if (folder / n).is_file()]
    per_file = {n: float(seconds.get(n, old.get(n, float("nan")))) for n in names}
    pairs = sorted({n.split("-")[1] for n in names})
    params = {
        "pairs": pairs,
        "losses": list(config.LOSSES),
        "lambda_exponents": config.LAMBDA_EXPONENTS.tolist(),
        "train_per_digit": config.TRAIN_PER_DIGIT,
        "pixels": "[0, 1] = byte / 255",
        "objective": "mean f(y (w.x + b)) + lam |w|^2, bias unregularized; f = hinge or softplus",
        "hist_edges": sweeps.HIST_EDGES.tolist(),
        "W_dtype": "float32",
    }
    artifacts.write_manifest(
        folder,
        sweeps.SCHEMA_FAMILY,
        sweeps.SCHEMA_VERSION,
        params,
        names,
        command,
        run_seconds,
        extra={"sweep_seconds": {k: round(v, 2) for k, v in per_file.items()}},
    )


def _compute_one(item: tuple[int, int, int, str]) -> tuple[dict | None, float, str | None]:
    """One sweep (in a worker process when --jobs > 1): (arrays, seconds, None) or (None, 0, error)."""
    from models import linear, sweeps

    _, a, b, loss = item
    try:
        arrays, secs = sweeps.compute_sweep(a, b, loss)
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

    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


def precompute_sweeps(
    pairs: list[tuple[int, int]], losses: tuple[str, ...], folder: Path, command: str, jobs: int = 1
) -> float:
    """Compute and write the given sweeps (one line of progress per file, in order); return the total seconds.

    ``jobs`` > 1 computes that many sweeps at once in worker processes (each solver uses one BLAS
    thread); files are written by this process in the same order, with the same bytes, either way."""
    from jobs import artifacts
    from models import sweeps

    t0 = time.perf_counter()
    seconds: dict[str, float] = {}
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cli_error(f"cannot create {folder}: {exc.strerror or exc}") from None
    failed = []
    todo = [(k, a, b, loss) for k, (a, b) in enumerate(pairs, 1) for loss in losses]
    with _pool(jobs) as pool:
        for (k, a, b, loss), (arrays, secs, err) in zip(todo, pool.map(_compute_one, todo), strict=True):
            name = sweeps.sweep_name(a, b, loss)
            if err is not None:
                print(f"[{k}/{len(pairs)}] {a}-{b} {loss}: FAILED ({err})", flush=True)
                failed.append(name)
                continue
            artifacts.atomic_write_bytes(folder / name, artifacts.npz_bytes(arrays))
            seconds[name] = secs
            best = int(arrays["best_test_index"][0])
            print(
                f"[{k}/{len(pairs)}] {a}-{b} {loss}: {secs:.1f} s, min test error {arrays['err_test'][best]:.2f} % "
                f"at λ={arrays['lam'][best]:.3g}",
                flush=True,
            )
            _write_sweep_manifest(folder, seconds, command, time.perf_counter() - t0)
    total = time.perf_counter() - t0
    _write_sweep_manifest(folder, seconds, command, total)
    if failed:
        raise _cli_error(f"{len(failed)} sweep(s) failed: {', '.join(failed)}")
    return total


def check_all(root: Path | None = None) -> list[str]:
    """Verify MNIST, every manifest folder and the presence of all 90 sweeps; return lines of what passed."""
    from jobs import artifacts
    from models import mnist, sweeps

    root = Path(root or config.PRECOMPUTED)
    done = []
    try:
        mnist.verify_mnist(root / "mnist")
    except mnist.MnistError as exc:
        raise _cli_error(f"MNIST: {exc}") from None
    done.append(f"ok  {root / 'mnist'} (4 IDX files)")
    sweep_dir = root / "sweeps"
    folders = artifacts.manifest_folders(root)
    if sweep_dir not in folders:
        raise _cli_error(f"{sweep_dir / artifacts.MANIFEST}: missing (run: python -m worker precompute --all)")
    for folder in folders:
        try:
            manifest = artifacts.verify_folder(folder)
        except artifacts.ArtifactError as exc:
            raise _cli_error(str(exc)) from None
        done.append(f"ok  {folder} ({len(manifest.get('files', {}))} files, {manifest['schema']})")
    listed = artifacts.read_manifest(sweep_dir).get("files", {})
    for name in sweeps.all_sweep_names():
        if name not in listed:
            raise _cli_error(f"{sweep_dir / name}: missing (run: python -m worker precompute --all)")
    return done


def cmd_precompute(args: argparse.Namespace) -> int:
    """`precompute`: --check, --all or --pairs."""
    from models import sweeps

    if args.check:
        for line in check_all():
            print(line)
        print("all artifacts verified")
        return 0
    command = "python -m worker " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv[1:] else "precompute"
    losses = _losses(args.loss)
    if args.all:
        pairs = list(config.PAIRS)
    elif args.pairs:
        pairs = []
        for text in args.pairs:
            try:
                pairs.append(config.parse_pair(text))
            except ValueError as exc:
                raise _cli_error(str(exc)) from None
        pairs = list(dict.fromkeys(pairs))  # keep the order given, without repeats
    else:
        raise _cli_error("say what to do: --all, --pairs 7-9 [...] or --check")
    folder = Path(args.dir) if args.dir else sweeps.SWEEP_DIR
    if args.jobs is not None and args.jobs < 1:
        raise _cli_error(f"--jobs must be at least 1, got {args.jobs}")
    jobs = args.jobs or min(os.cpu_count() or 1, len(pairs) * len(losses))
    total = precompute_sweeps(pairs, losses, folder, command, jobs)
    print(f"sweeps: {len(pairs) * len(losses)} files in {total:.1f} s -> {folder}", flush=True)
    if args.all:
        try:
            lenet = importlib.import_module("jobs.lenet_cli")
        except ModuleNotFoundError as exc:
            if exc.name != "jobs.lenet_cli":
                raise
            lenet = None
        hook = getattr(lenet, "precompute_all", None)
        if hook is not None:
            return int(hook(args) or 0)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """`export-sweep`: the main arrays of one sweep into a plain .npz."""
    from jobs import artifacts
    from models import sweeps

    a, b = _pair(args.pair)
    (loss,) = _losses(args.loss)
    try:
        s = sweeps.load_sweep(a, b, loss)
    except artifacts.ArtifactError as exc:
        raise _cli_error(str(exc)) from None
    arrays = {
        "lam": s.lam,
        "W": s.W,
        "b": s.bias,
        "err_train": s.err_train,
        "err_test": s.err_test,
        "d_adv": s.d_adv,
        "d_err": s.d_err,
        "theta": s.theta,
        "w_norm": s.w_norm,
        "objective": s.objective,
        "train_index": s.train_index.astype(np.int64),
    }
    out = Path(args.out)
    if out.suffix != ".npz":
        raise _cli_error(f"--out must end in .npz, got {args.out!r}")
    try:
        artifacts.atomic_write_bytes(out, artifacts.npz_bytes(arrays))
    except OSError as exc:
        raise _cli_error(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {out} ({a}-{b} {loss}, {len(s.lam)} λ)")
    return 0


def cmd_fit(args: argparse.Namespace) -> int:
    """`fit`: one λ, printed as one JSON line (metrics, bias, ‖w‖; --with-w adds the 784 weights)."""
    from models import sweeps

    a, b = _pair(args.pair)
    (loss,) = _losses(args.loss)
    lam = parse_lambda(args.lam)
    result = sweeps.fit_lambda(a, b, loss, lam)
    if not args.with_w:
        for key in ("w", "hist_edges", "hist_I", "hist_J"):
            result.pop(key)
    print(json.dumps(result))
    return 0


def register(subparsers) -> None:
    """Add precompute, export-sweep and fit to the worker's argument parser."""
    p = subparsers.add_parser("precompute", help="build or verify the shipped artifacts")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--all", action="store_true", help="every sweep (and LeNet's artifacts when available)")
    g.add_argument("--pairs", nargs="+", metavar="A-B", help="pairs to compute, e.g. 7-9 2-3")
    g.add_argument("--check", action="store_true", help="verify every artifact against its manifest")
    p.add_argument("--loss", help="hinge or logistic (default: both)")
    p.add_argument("--dir", help="write sweeps here instead of precomputed/sweeps")
    p.add_argument("--jobs", type=int, help="sweeps computed at once (default: the number of CPU cores)")
    p.set_defaults(func=cmd_precompute)

    p = subparsers.add_parser("export-sweep", help="write one sweep's arrays to an .npz")
    p.add_argument("--pair", nargs="+", required=True, metavar="D", help="two digits, e.g. --pair 7 9")
    p.add_argument("--loss", required=True, help="hinge or logistic")
    p.add_argument("--out", required=True, help="output .npz path")
    p.set_defaults(func=cmd_export)

    p = subparsers.add_parser("fit", help="fit one λ (also off the grid) and print its metrics as JSON")
    p.add_argument("--pair", nargs="+", required=True, metavar="D", help="two digits, e.g. --pair 7 9")
    p.add_argument("--loss", required=True, help="hinge or logistic")
    p.add_argument("--lam", required=True, help="λ > 0, e.g. 3.2e-3")
    p.add_argument("--with-w", action="store_true", help="include the 784 weights and the histograms")
    p.set_defaults(func=cmd_fit)
