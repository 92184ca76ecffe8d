"""The precomputed LeNet analyses (precomputed/lenet/analysis/): per-net results, the summary, the cross-check.

``analyze_all`` (re)computes the analysis of every shipped net whose analysis is missing or stale (the per-net
work is ``jobs.lenet_study.analyse_nets``), then rebuilds analysis.json from every up-to-date per-net result
(<name>.json + <name>.npz, keyed by net name) and the folder's manifest.  ``precompute_all`` trains the missing
nets first, as far as the settings allow (``jobs.lenet_study.train_missing``; ``python -m worker precompute --all``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from jobs import Steps, lenet_study
from store import artifacts, mnist
from store import lenet as nets

CROSSCHECK_PER_DIGIT = 5
ANALYSES_STAGE = lenet_study.ANALYSES_STAGE


def analyze_all(
    crosscheck: bool = False,
    root: Path | None = None,
    log: Callable[[str], None] = print,
    only: list | None = None,
    steps: Steps | None = None,
) -> dict:
    """(Re)compute the analyses of shipped nets whose analysis is missing or stale (``only``: just these names or
    weight decays), then rebuild analysis.json from every up-to-date per-net result (<name>.json + <name>.npz).

    ``steps("LeNet analyses", done, total)`` counts the shipped nets, checked or analysed."""
    from models import attacks

    root = nets.lenet_dir(root)
    adir = root / nets.ANALYSIS_DIR
    adir.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    _, _, xte, yte = mnist.arrays()
    picks = attacks.filter_selection()
    found = lenet_study.analyse_nets(root, adir, xte, yte, picks, log, only, steps=steps)  # every shipped net
    summary = {
        "nets": found,
        "filters": {k: v.tolist() for k, v in picks.items()},
        **lenet_study.summary_fields(found),
        "units": "l2 norms in [0, 1] pixel units (0..255 norm / 255); errors in percent",
        "attack": {
            "step_0_255": attacks.STEP,
            "step_unit": attacks.STEP / 255.0,
            "target_p": attacks.TARGET_P,
            "max_steps": attacks.MAX_STEPS,
            "temperature_target": attacks.TARGET_P,
            "robust_step_0_255": attacks.FAST_STEP,
            "job_step_0_255": attacks.DRAW_STEP,
            "job_last_step_points": attacks.DRAW_REFINE,
        },
    }
    nets.write_json(adir / nets.ANALYSIS_FILE, summary)
    if crosscheck:
        _crosscheck(root, adir, summary, xte, yte, log)
    files = sorted(p.name for p in adir.iterdir() if p.suffix in (".json", ".npz") and p.name != artifacts.MANIFEST)
    artifacts.write_manifest(
        adir,
        "lenet-analysis",
        1,
        {"nets": list(summary["nets"]), "per_digit": 20, **lenet_study.manifest_params(summary["nets"])},
        files,
        "python -m worker lenet-analyze",
        time.perf_counter() - t_start,
    )
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
        key = nets.wd_key(wd)
        if key not in summary["nets"]:
            continue
        model, _ = nets.load_checkpoint(wd, root)
        arr = artifacts.load_npz(adir / f"{nets.wd_name(wd)}.npz")
        sub = np.arange(len(arr["robust_index"])) % 20 < CROSSCHECK_PER_DIGIT  # first 5 of each digit's 20
        idx = arr["robust_index"][sub]
        t0 = time.perf_counter()
        theirs = attacks.min_norm_pgd_l2(
            model, xte[idx], attacks.cyclic_targets(yte[idx]), summary["nets"][key]["temperature"]
        )
        out[key] = {
            **attacks.agreement(arr["robust_l2"][sub], theirs),
            "n": int(sub.sum()),
            "seconds": round(time.perf_counter() - t0, 1),
            "library": "torchattacks 3.5.1 PGDL2 (targeted, 50 steps) + per-image bisection of the budget",
        }
        log(f"  crosscheck wd={wd:g}: {out[key]}")
    nets.write_json(adir / nets.CROSSCHECK_FILE, out)


def precompute_all(
    log: Callable[[str], None] = lambda line: print(line, flush=True), steps: Steps | None = None
) -> int:
    """Train missing LeNet_low/LeNet_high checkpoints (the ladder's other nets and seeds only with
    L2_LENET_TRAIN_LADDER=1, the adversarially trained nets only with L2_LENET_TRAIN_ADVERSARIAL=1; shipped nets
    are never retrained), then rebuild stale analyses."""
    lenet_study.train_missing(log, steps=steps)
    analyze_all(crosscheck=True, log=log, steps=steps)
    return 0
