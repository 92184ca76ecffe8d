"""LeNet commands of ``python -m worker``: train-lenet, lenet-analyze, lenet-report; and precompute_all.

    python -m worker train-lenet --weight-decay 0.1 [--epochs 50] [--device cpu|cuda] [--seed 0] [--out DIR]
    python -m worker lenet-analyze [--crosscheck]     # per-net analyses into precomputed/lenet/analysis/
    python -m worker lenet-report                     # one JSON object per shipped checkpoint

Training resumes from DIR/resume.pt (written atomically after every epoch) when interrupted.
torch is imported inside the command functions only.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

from jobs import artifacts
from models import config

LENET_DIR = config.PRECOMPUTED / "lenet"
ANALYSIS_DIR = LENET_DIR / "analysis"
ANALYSIS_FILE = "analysis.json"
CROSSCHECK_FILE = "crosscheck.json"
CROSSCHECK_PER_DIGIT = 5


class LenetCliError(Exception):
    """A user error of a LeNet command: printed as one line, exit code 2."""


def _cli_error(msg: str) -> Exception:
    return LenetCliError(msg)


def _one_line_errors(fn):
    """Run a command; a user error becomes one line on stderr and exit code 2 (no traceback).

    (worker.CliError raised from here would not be caught when worker runs as __main__.)"""

    def wrapped(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except (LenetCliError, artifacts.ArtifactError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    wrapped.__doc__ = fn.__doc__
    return wrapped


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
    if not math.isfinite(value) or value < 0 or value > 10:
        raise argparse.ArgumentTypeError(f"must be a finite number in [0, 10], got {text!r}")
    return value


def _epochs(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from exc
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"must be 1..1000, got {value}")
    return value


def wd_key(wd: float) -> str:
    """JSON key of a net in analysis.json, e.g. '1e-01'."""
    return f"{wd:.0e}"


def _rel(path: Path) -> str:
    """A path relative to the repository root when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(config.ROOT))
    except ValueError:
        return str(path)


def cmd_train(args: argparse.Namespace) -> int:
    """Train one LeNet (resumable) into --out (default precomputed/lenet/wd-<decay>/)."""
    import torch

    from models import lenet_train

    if args.device == "cuda" and not torch.cuda.is_available():
        raise _cli_error("--device cuda asked for, but no CUDA device is available (use --device cpu)")
    out = Path(args.out) if args.out else lenet_train.checkpoint_dir(args.weight_decay)
    recipe = lenet_train.Recipe(weight_decay=args.weight_decay, epochs=args.epochs, seed=args.seed,
                                adv_eps=args.adv_eps, adv_steps=args.adv_steps)
    try:
        manifest = lenet_train.train(recipe, out, device=args.device, threads=args.threads,
                                     log=lambda s: print(s, flush=True))
    except OSError as exc:
        raise _cli_error(f"cannot write {out}: {exc}") from exc
    final = manifest["params"]["final"]
    print(json.dumps({"out": str(out), **final, "seconds": manifest["created_by"]["seconds"]}))
    return 0


def analyze_all(crosscheck: bool = False, root: Path | None = None, log=print, only: list[float] | None = None) -> dict:
    """(Re)compute the analyses of shipped checkpoints whose analysis is missing or stale (``only``: just these),
    then rebuild analysis.json from every up-to-date per-net result (wd-*.json + wd-*.npz)."""
    from models import attacks, lenet_train

    root = Path(root or LENET_DIR)
    adir = root / "analysis"
    adir.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    nets = {}
    _, _, xte, yte = lenet_train.mnist_arrays()
    picks = attacks.filter_selection()
    for wd in lenet_train.shipped(root):
        key = wd_key(wd)
        folder = lenet_train.checkpoint_dir(wd, root)
        manifest = artifacts.verify_folder(folder)
        sha = manifest["files"][lenet_train.MODEL_FILE]["sha256"]
        npz, js = adir / f"{lenet_train.wd_name(wd)}.npz", adir / f"{lenet_train.wd_name(wd)}.json"
        try:
            res = json.loads(js.read_text())
            if res.get("model_sha256") == sha and npz.exists():
                nets[key] = res
                continue
        except (OSError, ValueError):
            pass
        if only is not None and wd not in only:
            continue
        log(f"analysing LeNet wd={wd:g} …")
        model, _ = lenet_train.load_checkpoint(wd, root, verify=False)
        t0 = time.perf_counter()
        res, arrays = attacks.analyze(model, xte, yte, picks=picks)
        p = manifest["params"]
        res.update({"weight_decay": wd, "epochs": len(p["history"]), "history": p["history"],
                    "complete": p.get("complete", True), "epochs_planned": p["epochs"],
                    "train_error": p["final"]["train_error"], "train_error_running": p["final"]["train_error_running"],
                    "test_error_final_epoch": p["final"]["test_error"], "model_sha256": sha,
                    "train_seconds": manifest["created_by"]["seconds"],
                    "torchscript": _rel(folder / lenet_train.SCRIPT_FILE),
                    "analysis_seconds": round(time.perf_counter() - t0, 1)})
        artifacts.atomic_write_bytes(npz, artifacts.npz_bytes(arrays))
        artifacts.atomic_write_bytes(js, (json.dumps(res, indent=1) + "\n").encode())
        nets[key] = res
        log(f"  test error {res['test_error']:.2f}%  t={res['temperature']:.3g}  "
            f"median adv L2 {res['robust']['median_l2']:.3f}  ({res['analysis_seconds']} s)")
    summary = {"nets": dict(sorted(nets.items(), key=lambda kv: float(kv[0]))),
               "filters": {k: v.tolist() for k, v in picks.items()},
               "ladder": list(lenet_train.LADDER),
               "missing": [wd for wd in lenet_train.LADDER if wd_key(wd) not in nets],
               "units": "l2 norms in [0, 1] pixel units (0..255 norm / 255); errors in percent",
               "attack": {"step_0_255": attacks.STEP, "step_unit": attacks.STEP / 255.0, "target_p": attacks.TARGET_P,
                          "max_steps": attacks.MAX_STEPS, "temperature_target": attacks.TARGET_P,
                          "robust_step_0_255": attacks.FAST_STEP, "job_step_0_255": attacks.DRAW_STEP,
                          "job_last_step_points": attacks.DRAW_REFINE}}
    artifacts.atomic_write_bytes(adir / ANALYSIS_FILE, (json.dumps(summary, indent=1) + "\n").encode())
    if crosscheck:
        _crosscheck(root, adir, summary, xte, yte, log)
    files = sorted(p.name for p in adir.iterdir() if p.suffix in (".json", ".npz") and p.name != artifacts.MANIFEST)
    artifacts.write_manifest(adir, "lenet-analysis", 1, {"nets": list(summary["nets"]), "per_digit": 20}, files,
                             "python -m worker lenet-analyze", time.perf_counter() - t_start)
    return summary


def _crosscheck(root: Path, adir: Path, summary: dict, xte, yte, log) -> None:
    """Compare our norms with torchattacks' minimal-budget targeted L2 PGD on the robustness set (low, high)."""
    import numpy as np

    from models import attacks, lenet_train

    try:
        import torchattacks  # noqa: F401 - optional dependency of the cross-check only
    except ImportError:
        log("torchattacks is not installed: cross-check skipped (pip install --no-deps torchattacks==3.5.1)")
        return
    out = {}
    for wd in (lenet_train.LOW, lenet_train.HIGH):
        key = wd_key(wd)
        if key not in summary["nets"]:
            continue
        model, _ = lenet_train.load_checkpoint(wd, root)
        arr = artifacts.load_npz(adir / f"{lenet_train.wd_name(wd)}.npz")
        sub = np.arange(len(arr["robust_index"])) % 20 < CROSSCHECK_PER_DIGIT  # first 5 of each digit's 20
        idx = arr["robust_index"][sub]
        t0 = time.perf_counter()
        theirs = attacks.min_norm_pgd_l2(model, xte[idx], attacks.cyclic_targets(yte[idx]),
                                         summary["nets"][key]["temperature"])
        out[key] = {**attacks.agreement(arr["robust_l2"][sub], theirs), "n": int(sub.sum()),
                    "seconds": round(time.perf_counter() - t0, 1),
                    "library": "torchattacks 3.5.1 PGDL2 (targeted, 50 steps) + per-image bisection of the budget"}
        log(f"  crosscheck wd={wd:g}: {out[key]}")
    artifacts.atomic_write_bytes(adir / CROSSCHECK_FILE, (json.dumps(out, indent=1) + "\n").encode())


def cmd_analyze(args: argparse.Namespace) -> int:
    """Rebuild the precomputed LeNet analyses."""
    try:
        summary = analyze_all(crosscheck=args.crosscheck, only=args.weight_decay or None)
    except artifacts.ArtifactError as exc:
        raise _cli_error(str(exc)) from exc
    print(json.dumps({"nets": list(summary["nets"]), "missing": summary["missing"]}))
    return 0


def report_rows(root: Path | None = None) -> list[dict]:
    """One dict per shipped checkpoint with the headline numbers (from the manifests and analysis.json)."""
    root = Path(root or LENET_DIR)
    try:
        nets = json.loads((root / "analysis" / ANALYSIS_FILE).read_text())["nets"]
    except (OSError, ValueError, KeyError) as exc:
        raise _cli_error(f"no LeNet analysis found ({exc}); run: python -m worker lenet-analyze") from exc
    rows = []
    for n in nets.values():
        rows.append({"weight_decay": n["weight_decay"], "epochs": n["epochs"],
                     "train_error": n["train_error"], "test_error": n["test_error_final_epoch"],
                     "rms": n["rms"], "temperature": n["temperature"], "median_adv_l2": n["robust"]["median_l2"],
                     "cyclic_adv_l2": n["cyclic"]["l2"], "torchscript": n["torchscript"],
                     "complete": n.get("complete", True)})
    return rows


def cmd_report(args: argparse.Namespace) -> int:
    """Print one JSON object per shipped checkpoint, one per line."""
    for row in report_rows():
        print(json.dumps(row))
    return 0


def precompute_all(args: argparse.Namespace | None = None) -> int:
    """Train missing LeNet_low/LeNet_high checkpoints (and the ladder's other nets when
    L2_LENET_TRAIN_LADDER=1: about an hour each on 2 CPU cores), then rebuild stale analyses."""
    import os

    from models import lenet_train

    ladder = os.environ.get("L2_LENET_TRAIN_LADDER", "").strip() in ("1", "true", "yes")
    for wd in lenet_train.LADDER:
        if wd in lenet_train.shipped(complete_only=True):
            continue
        if wd not in (lenet_train.LOW, lenet_train.HIGH) and not ladder:
            print(f"LeNet wd={wd:g} is not trained; set L2_LENET_TRAIN_LADDER=1 to train it here", flush=True)
            continue
        print(f"training missing LeNet wd={wd:g} (50 epochs)", flush=True)
        lenet_train.train(lenet_train.Recipe(weight_decay=wd), lenet_train.checkpoint_dir(wd),
                          log=lambda s: print(s, flush=True))
    analyze_all(crosscheck=True)
    return 0


def register(subparsers) -> None:
    """Add the LeNet commands to ``python -m worker``."""
    p = subparsers.add_parser("train-lenet", help="train one LeNet (MatConvNet recipe), resumable")
    p.add_argument("--weight-decay", type=_positive_float, required=True)
    p.add_argument("--epochs", type=_epochs, default=50)
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    p.add_argument("--out", default=None, help="output folder (default precomputed/lenet/wd-<decay>)")
    p.add_argument("--adv-eps", type=float, default=0.0,
                   help="L2 PGD adversarial training budget in [0, 1] pixel units (default 0: plain training)")
    p.add_argument("--adv-steps", type=_epochs, default=7, help="PGD steps per batch (default 7)")
    p.set_defaults(func=_one_line_errors(cmd_train))
    p = subparsers.add_parser("lenet-analyze", help="recompute LeNet analyses (RMS, temperature, attacks)")
    p.add_argument("--crosscheck", action="store_true", help="also cross-check norms with torchattacks")
    p.add_argument("--weight-decay", type=_positive_float, action="append",
                   help="only (re)analyse this net (repeatable; default: every stale one)")
    p.set_defaults(func=_one_line_errors(cmd_analyze))
    p = subparsers.add_parser("lenet-report", help="one JSON line per shipped LeNet checkpoint")
    p.set_defaults(func=_one_line_errors(cmd_report))
