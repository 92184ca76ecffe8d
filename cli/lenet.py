"""LeNet commands of ``python -m worker``: train-lenet, lenet-analyze, lenet-report.

    python -m worker train-lenet --weight-decay 0.1 [--epochs 50] [--device cpu|cuda] [--seed 0] [--out DIR]
                                 [--threads 2] [--adv-eps 0.5 --adv-steps 7] [--quiet]
    python -m worker lenet-analyze [--crosscheck] [--weight-decay W ...] [--net NAME ...] [--quiet]
    python -m worker lenet-report                     # one JSON object per shipped net
    python -m worker lenet-import DIR                 # ship DIR's finished nets, analyse them, refresh the tables

Training resumes from DIR/resume.pt (written atomically after every epoch) when interrupted.  Both long commands
show a bar per epoch / per net on a terminal, one line each otherwise (``cli.progress``); the final JSON line
is printed either way.
torch is imported inside the command functions only.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cli import CliError, number
from cli.progress import Progress, add_quiet_option

_weight_decay = number(float, 0.0, 10.0)
_epochs = number(int, 1, 1000)


def cmd_train(args: argparse.Namespace) -> int:
    """Train one LeNet (resumable) into --out (default precomputed/lenet/wd-<decay>/)."""
    import torch

    from jobs import lenet_training
    from models import lenet_train
    from store import lenet as nets

    if args.device == "cuda" and not torch.cuda.is_available():
        raise CliError("--device cuda asked for, but no CUDA device is available (use --device cpu)")
    out = Path(args.out) if args.out else nets.checkpoint_dir(args.weight_decay)
    recipe = lenet_train.Recipe(
        weight_decay=args.weight_decay,
        epochs=args.epochs,
        seed=args.seed,
        adv_eps=args.adv_eps,
        adv_steps=args.adv_steps,
    )
    try:
        with Progress(quiet=args.quiet) as progress:
            manifest = lenet_training.train(
                recipe, out, device=args.device, threads=args.threads, log=progress.note, steps=progress.steps
            )
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc}") from exc
    final = manifest["params"]["final"]
    print(json.dumps({"out": str(out), **final, "seconds": manifest["created_by"]["seconds"]}))
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    """Rebuild the precomputed LeNet analyses."""
    from jobs import lenet_analysis

    only = (args.weight_decay or []) + (args.net or [])
    with Progress(quiet=args.quiet) as progress:
        summary = lenet_analysis.analyze_all(
            crosscheck=args.crosscheck, only=only or None, log=progress.note, steps=progress.steps
        )
    print(json.dumps({"nets": list(summary["nets"]), "missing": summary["missing"]}))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Ship the finished nets under DIR, analyse what is new, rewrite REPRODUCTION.md's generated tables."""
    from jobs import lenet_study

    print(json.dumps(lenet_study.add_nets(Path(args.src), analyze=not args.no_analyze)))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Print one JSON object per shipped net, one per line (store.lenet.report_rows)."""
    from store import lenet as nets

    for row in nets.report_rows():
        print(json.dumps(row))
    return 0


def register(subparsers) -> None:
    """Add the LeNet commands to ``python -m worker``."""
    p = subparsers.add_parser("train-lenet", help="train one LeNet (MatConvNet recipe), resumable")
    p.add_argument(
        "--weight-decay",
        type=_weight_decay,
        required=True,
        help="L2 weight decay of the SGD update, 0..10 (LeNet_low: 1e-4, LeNet_high: 0.1)",
    )
    p.add_argument("--epochs", type=_epochs, default=50, help="epochs to train, 1..1000 (default %(default)s)")
    p.add_argument(
        "--device", choices=("cpu", "cuda"), default="cpu", help="where to train: cpu or cuda (default %(default)s)"
    )
    p.add_argument(
        "--seed",
        type=number(int, 0, 2**31 - 1),
        default=0,
        help="seed of the initial weights, the batch order and adversarial training's PGD (default %(default)s)",
    )
    p.add_argument("--threads", type=number(int, 1, 256), default=2, help="torch CPU threads (default 2)")
    p.add_argument("--out", default=None, help="output folder (default precomputed/lenet/wd-<decay>)")
    p.add_argument(
        "--adv-eps",
        type=number(float, 0.0, 28.0),
        default=0.0,
        help="L2 PGD adversarial training budget in [0, 1] pixel units (default 0: plain training)",
    )
    p.add_argument("--adv-steps", type=_epochs, default=7, help="PGD steps per batch (default 7)")
    add_quiet_option(p, "the final JSON line")
    p.set_defaults(func=cmd_train)
    p = subparsers.add_parser("lenet-analyze", help="recompute LeNet analyses (RMS, temperature, attacks)")
    p.add_argument("--crosscheck", action="store_true", help="also cross-check norms with torchattacks")
    p.add_argument(
        "--weight-decay",
        type=_weight_decay,
        action="append",
        help="only (re)analyse this net (repeatable; default: every stale one)",
    )
    p.add_argument("--net", action="append", help="only (re)analyse the net in this folder (repeatable)")
    add_quiet_option(p, "the final JSON line")
    p.set_defaults(func=cmd_analyze)
    p = subparsers.add_parser("lenet-import", help="ship finished nets from a training folder, analyse, report")
    p.add_argument("src", help="a folder of train-lenet --out results (one subfolder per net)")
    p.add_argument("--no-analyze", action="store_true", help="only copy and verify the nets")
    p.set_defaults(func=cmd_import)
    p = subparsers.add_parser("lenet-report", help="one JSON line per shipped LeNet")
    p.set_defaults(func=cmd_report)
