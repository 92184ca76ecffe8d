"""The precomputed LeNet analyses (precomputed/lenet/analysis/): per-net results, the summary, the cross-check.

``analyze_all`` (re)computes the analysis of every ladder checkpoint whose analysis is missing or stale, then
rebuilds analysis.json from every up-to-date per-net result (wd-*.json + wd-*.npz) and the folder's manifest.
``precompute_all`` trains the missing ladder nets first (``python -m worker precompute --all``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import settings
from jobs import Steps, lenet_training
from store import artifacts, mnist
from store import lenet as nets

CROSSCHECK_PER_DIGIT = 5
ANALYSES_STAGE = "LeNet analyses"


def _rel(path: Path) -> str:
    """A path relative to the repository root when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(settings.ROOT))
    except ValueError:
        return str(path)


def _analyse_one(wd: float, root: Path, manifest: dict, xte, yte, picks) -> tuple[dict, dict]:
    from models import attacks

    folder = nets.checkpoint_dir(wd, root)
    model, _ = nets.load_checkpoint(wd, root, verify=False)  # (verified just before)
    t0 = time.perf_counter()
    res, arrays = attacks.analyze(model, xte, yte, picks=picks)
    p = manifest["params"]
    res.update(
        {
            "weight_decay": wd,
            "epochs": len(p["history"]),
            "history": p["history"],
            "complete": p.get("complete", True),
            "epochs_planned": p["epochs"],
            "train_error": p["final"]["train_error"],
            "train_error_running": p["final"]["train_error_running"],
            "test_error_final_epoch": p["final"]["test_error"],
            "model_sha256": manifest["files"][nets.MODEL_FILE]["sha256"],
            "train_seconds": manifest["created_by"]["seconds"],
            "torchscript": _rel(folder / nets.SCRIPT_FILE),
            "analysis_seconds": round(time.perf_counter() - t0, 1),
        }
    )
    return res, arrays


def analyze_all(
    crosscheck: bool = False,
    root: Path | None = None,
    log: Callable[[str], None] = print,
    only: list[float] | None = None,
    steps: Steps | None = None,
) -> dict:
    """(Re)compute the analyses of shipped checkpoints whose analysis is missing or stale (``only``: just these),
    then rebuild analysis.json from every up-to-date per-net result (wd-*.json + wd-*.npz).

    ``steps("LeNet analyses", done, total)`` counts the shipped nets, checked or analysed."""
    from models import attacks, lenet_train

    root = nets.lenet_dir(root)
    adir = root / nets.ANALYSIS_DIR
    adir.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    found = {}
    _, _, xte, yte = mnist.arrays()
    picks = attacks.filter_selection()
    ladder = nets.ladder(root, lenet_train.LADDER)
    step = steps or (lambda stage, done, total: None)
    step(ANALYSES_STAGE, 0, len(ladder))
    for k, wd in enumerate(ladder, 1):
        key = nets.wd_key(wd)
        manifest = artifacts.verify_folder(nets.checkpoint_dir(wd, root))
        sha = manifest["files"][nets.MODEL_FILE]["sha256"]
        npz, js = adir / f"{nets.wd_name(wd)}.npz", adir / f"{nets.wd_name(wd)}.json"
        try:
            res = json.loads(js.read_text())
            if res.get("model_sha256") == sha and npz.exists():
                found[key] = res
                step(ANALYSES_STAGE, k, len(ladder))
                continue
        except (OSError, ValueError):
            pass
        if only is not None and wd not in only:
            step(ANALYSES_STAGE, k, len(ladder))
            continue
        log(f"analysing LeNet wd={wd:g} …")
        res, arrays = _analyse_one(wd, root, manifest, xte, yte, picks)
        artifacts.atomic_write_bytes(npz, artifacts.npz_bytes(arrays))
        nets.write_json(js, res)
        found[key] = res
        log(
            f"  test error {res['test_error']:.2f}%  t={res['temperature']:.3g}  "
            f"median adv L2 {res['robust']['median_l2']:.3f}  ({res['analysis_seconds']} s)"
        )
        step(ANALYSES_STAGE, k, len(ladder))
    summary = {
        "nets": dict(sorted(found.items(), key=lambda kv: float(kv[0]))),
        "filters": {k: v.tolist() for k, v in picks.items()},
        "ladder": list(lenet_train.LADDER),
        "missing": [wd for wd in lenet_train.LADDER if nets.wd_key(wd) not in found],
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
        {"nets": list(summary["nets"]), "per_digit": 20},
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
    """Train missing LeNet_low/LeNet_high checkpoints (and the ladder's other nets when
    L2_LENET_TRAIN_LADDER=1: about an hour each on 2 CPU cores), then rebuild stale analyses."""
    from models import lenet_train

    for wd in lenet_train.LADDER:
        if wd in nets.ladder(None, lenet_train.LADDER, complete_only=True):
            continue
        if wd not in (lenet_train.LOW, lenet_train.HIGH) and not settings.get().lenet_train_ladder:
            log(f"LeNet wd={wd:g} is not trained; set L2_LENET_TRAIN_LADDER=1 to train it here")
            continue
        log(f"training missing LeNet wd={wd:g} (50 epochs)")
        lenet_training.train(lenet_train.Recipe(weight_decay=wd), nets.checkpoint_dir(wd), log=log, steps=steps)
    analyze_all(crosscheck=True, log=log, steps=steps)
    return 0
