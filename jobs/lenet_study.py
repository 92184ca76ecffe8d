"""The LeNet study: every shipped net analysed, the nets it plans, and shipping nets trained elsewhere.

Per net (``analyse_nets``, called by ``jobs.lenet_analysis.analyze_all``) two parts, each recomputed only when
stale:

* the base analysis (``models.attacks.analyze``: RMS, filters, the paper's temperature, its targeted attack on the
  ten digits and on the 200-image robustness set) — stale when the net's model.pt changed;
* the study (``study``): calibration at t = 1 and after temperature scaling (``models.calibration``), the chosen
  minimal-norm attack on the same 200 images (``models.minimal_norm.robustness_norms``: FAB-L2, 20 steps, cut to
  the decision boundary), the centred logit RMS — stale also when ``STUDY_VERSION`` changes.

What the net is (name, kind, weight decay, seed, ε) is refreshed from its manifest every time (no computation).

``planned()`` lists the nets of the study with the opt-in that trains each (``train_missing``: LeNet_low and
LeNet_high always, the rest of the plain ladder and its seeds with L2_LENET_TRAIN_LADDER=1, the adversarially
trained nets with L2_LENET_TRAIN_ADVERSARIAL=1).  ``import_runs(src)`` ships nets trained elsewhere (a folder of
``train-lenet --out`` results): the three files are copied unchanged and verified against their manifest.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import settings
from jobs import Steps, lenet_training
from store import artifacts
from store import lenet as nets

BASE_VERSION = 1  # the format of models.attacks.analyze's result
STUDY_VERSION = 1  # the format of study(): bump to recompute every net's study part
ANALYSES_STAGE = "LeNet analyses"


def planned() -> list[tuple[str, object, str]]:
    """(net name, models.lenet_train.Recipe, tier) of every net of the study; tier is 'core' (LeNet_low and
    LeNet_high, seed 0), 'ladder' (the other plain nets and seeds) or 'adversarial'."""
    from models import lenet_train

    out = []
    for r in lenet_train.study_recipes():
        core = r.adv_eps == 0 and r.seed == 0 and r.weight_decay in (lenet_train.LOW, lenet_train.HIGH)
        tier = "adversarial" if r.adv_eps > 0 else "core" if core else "ladder"
        out.append((nets.net_name(r.weight_decay, r.seed, r.adv_eps), r, tier))
    return out


def train_missing(log: Callable[[str], None] = print, device: str = "cpu", steps: Steps | None = None) -> list[str]:
    """Train the planned nets that are not shipped (complete), as far as the settings allow; return their names.

    Shipped nets are never retrained.  LeNet_low/high are always trained when missing; the other plain nets need
    L2_LENET_TRAIN_LADDER=1 (≈ 10–40 min each on 2 shared CPU cores), the adversarial ones
    L2_LENET_TRAIN_ADVERSARIAL=1 (each epoch costs 1 + 7 PGD steps' worth of plain epochs: hours on a CPU)."""
    s = settings.get()
    shipped = {n.name for n in nets.nets() if n.complete}
    allowed = {"core": True, "ladder": s.lenet_train_ladder, "adversarial": s.lenet_train_adversarial}
    variable = {"ladder": "L2_LENET_TRAIN_LADDER", "adversarial": "L2_LENET_TRAIN_ADVERSARIAL"}
    trained, skipped = [], []
    for name, recipe, tier in planned():
        if name in shipped:
            continue
        if not allowed[tier]:
            skipped.append(name)
            continue
        log(f"training missing LeNet {name} ({recipe.epochs} epochs)")
        lenet_training.train(recipe, nets.lenet_dir() / name, device=device, log=log, steps=steps)
        trained.append(name)
    for tier, var in variable.items():
        names = [n for n, _, t in planned() if t == tier and n in skipped]
        if names:
            log(f"not trained ({len(names)}): {', '.join(names)}; set {var}=1 to train them here")
    return trained


def import_runs(src: Path, root: Path | None = None, log: Callable[[str], None] = print) -> list[str]:
    """Ship every finished net under ``src`` (folders of ``train-lenet --out``) into precomputed/lenet/<name>.

    A folder is finished when its manifest is complete and no resume.pt is left; it is verified (sizes and
    sha256) before copying and the copy after.  The name comes from the manifest (``store.lenet.net_name``).
    A net already shipped with the same model.pt is skipped; one whose shipped folder holds another model is
    an error (ArtifactError), never overwritten.  Returns the names copied."""
    root = nets.lenet_dir(root)
    copied = []
    for path in sorted(Path(src).glob(f"*/{artifacts.MANIFEST}")):
        folder = path.parent
        try:
            manifest = artifacts.read_manifest(folder)
        except artifacts.ArtifactError as exc:
            log(f"skip {folder.name}: {exc}")
            continue
        p = manifest.get("params", {})
        if manifest.get("family") != nets.FAMILY or not p.get("complete", True) or (folder / nets.RESUME_FILE).exists():
            log(f"skip {folder.name}: not finished")
            continue
        manifest = artifacts.verify_folder(folder)
        name = nets.net_name(float(p["weight_decay"]), int(p.get("seed", 0)), float(p.get("adv_eps") or 0.0))
        dest = root / name
        sha = manifest["files"][nets.MODEL_FILE]["sha256"]
        if (dest / artifacts.MANIFEST).exists():
            have = artifacts.read_manifest(dest).get("files", {}).get(nets.MODEL_FILE, {}).get("sha256")
            if have != sha:
                raise artifacts.ArtifactError(f"{dest} holds another model than {folder}; not overwritten")
            continue
        tmp = root / f".{name}.importing"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for f in (*manifest["files"], artifacts.MANIFEST):
            shutil.copyfile(folder / f, tmp / f)
        artifacts.verify_folder(tmp)
        tmp.rename(dest)
        log(f"shipped {folder.name} → {dest.name}")
        copied.append(name)
    return copied


def _centred_rms(logits: np.ndarray) -> float:
    """Root-mean-square of the logits after removing each image's mean logit (a pure scale of the scores)."""
    z = np.asarray(logits, np.float64)
    return float(np.sqrt(np.mean((z - z.mean(1, keepdims=True)) ** 2)))


def study(
    model, test_images, test_labels, t_paper: float, robust_index: np.ndarray, per_digit: int = 20
) -> tuple[dict, dict]:
    """The study part of one net's analysis: (JSON-able fields, arrays).

    ``calibration``: t_nll (temperature scaling fitted on the odd-indexed test images), ece (percent, t = 1, all
    10 000 test images, 15 equal-width bins) with its 95 % bootstrap interval, ece_calibrated (even half at t_nll),
    ece_paper_t (even half at the paper's t), reliability bins at t = 1 (all images) and at t_nll (even half).
    ``minimal_norm``: the chosen attack on the robustness set (median, success rate, attack, seconds); the
    per-image norms go to the arrays as float16 ``minimal_norm_l2`` (inf where the attack failed).  ``per_digit``:
    the size of the robustness set (20 images of each digit; tests use fewer)."""
    from models import calibration, lenet, minimal_norm

    t0 = time.perf_counter()
    y = np.asarray(test_labels, np.int64)
    logits = lenet.predict_logits(model, test_images)
    fit, ev = calibration.split_indices(len(y))
    t_nll = calibration.fit_temperature(logits[fit], y[fit])
    cal = {
        "t_nll": t_nll,
        "t_paper": t_paper,
        "ece": calibration.ece(logits, y),
        "ece_ci95": list(calibration.bootstrap_ece(logits, y)),
        "ece_calibrated": calibration.ece(logits[ev], y[ev], t_nll),
        "ece_paper_t": calibration.ece(logits[ev], y[ev], t_paper),
        "reliability_t1": calibration.reliability(logits, y).to_dict(),
        "reliability_nll": calibration.reliability(logits[ev], y[ev], t_nll).to_dict(),
        "definition": "15 equal-width bins (lo, hi]; ece at t = 1 on all 10 000 test images; t_nll fitted on the "
        "odd-indexed test images, ece_calibrated and ece_paper_t on the even-indexed half",
    }
    mn = minimal_norm.robustness_norms(model, test_images, y, per_digit)
    idx = minimal_norm_index(y, per_digit)
    if not np.array_equal(idx, robust_index):
        raise ValueError("the minimal-norm attack ran on other images than the robustness set")
    fields = {
        "calibration": cal,
        "minimal_norm": {
            "attack": mn.attack,
            "median_l2": float(np.median(mn.l2)),
            "success_rate": float(mn.success.mean()),
            "clean_wrong": int(mn.clean_wrong.sum()),
            "n": int(len(mn.l2)),
            "seconds": round(mn.seconds, 1),
            "units": "L2 in [0, 1] pixel units; misclassified images count as 0, failures as inf",
        },
        "logit_rms": _centred_rms(logits),
        "study_seconds": round(time.perf_counter() - t0, 1),
        "study_version": STUDY_VERSION,
    }
    return fields, {"minimal_norm_l2": mn.l2.astype(np.float16)}


def minimal_norm_index(test_labels: np.ndarray, per_digit: int = 20) -> np.ndarray:
    """The test images the minimal-norm attack runs on (the article's robustness set)."""
    from models.attacks import robustness_set

    return robustness_set(np.asarray(test_labels), per_digit)


def _base(net: nets.Net, manifest: dict, xte, yte, picks) -> tuple[dict, dict]:
    from models import attacks

    model, _ = nets.load_net(net.name, net.folder.parent, verify=False)  # (verified just before)
    t0 = time.perf_counter()
    res, arrays = attacks.analyze(model, xte, yte, picks=picks)
    p = manifest["params"]
    res.update(
        {
            "epochs": len(p["history"]),
            "history": p["history"],
            "epochs_planned": p["epochs"],
            "train_error": p["final"]["train_error"],
            "train_error_running": p["final"]["train_error_running"],
            "test_error_final_epoch": p["final"]["test_error"],
            "model_sha256": manifest["files"][nets.MODEL_FILE]["sha256"],
            "train_seconds": manifest["created_by"]["seconds"],
            "train_device": p.get("device"),
            "analysis_seconds": round(time.perf_counter() - t0, 1),
            "base_version": BASE_VERSION,
        }
    )
    return res, arrays


def _load(js: Path, npz: Path) -> tuple[dict | None, dict | None]:
    try:
        return json.loads(js.read_text()), artifacts.load_npz(npz)
    except (OSError, ValueError, artifacts.ArtifactError):
        return None, None


def analyse_nets(
    root: Path,
    adir: Path,
    xte,
    yte,
    picks,
    log: Callable[[str], None] = print,
    only: list | None = None,
    steps: Steps | None = None,
) -> dict[str, dict]:
    """Analyse every shipped net whose analysis is missing or stale (``only``: just these names or weight
    decays), write <name>.json and <name>.npz into ``adir``; return every up-to-date result by net name.

    ``steps("LeNet analyses", done, total)`` counts the shipped nets, checked or analysed."""
    found = {}
    shipped = nets.nets(root)
    step = steps or (lambda stage, done, total: None)
    step(ANALYSES_STAGE, 0, len(shipped))
    for k, net in enumerate(shipped):
        if k:
            step(ANALYSES_STAGE, k, len(shipped))
        manifest = artifacts.verify_folder(net.folder)
        sha = manifest["files"][nets.MODEL_FILE]["sha256"]
        js, npz = adir / f"{net.name}.json", adir / f"{net.name}.npz"
        res, arrays = _load(js, npz)
        base_ok = res is not None and res.get("model_sha256") == sha and res.get("base_version", 1) == BASE_VERSION
        study_ok = base_ok and res.get("study_version") == STUDY_VERSION and "minimal_norm_l2" in arrays
        wanted = only is None or net.name in only or net.weight_decay in only
        if not study_ok and not wanted:
            if base_ok:
                found[net.name] = res
            continue
        if not base_ok:
            log(f"analysing LeNet {net.name} (paper's attack) …")
            res, arrays = _base(net, manifest, xte, yte, picks)
        if not study_ok:
            log(f"analysing LeNet {net.name} (calibration, minimal-norm attack) …")
            model, _ = nets.load_net(net.name, root, verify=False)
            fields, extra = study(model, xte, yte, res["temperature"], arrays["robust_index"])
            res.update(fields)
            arrays = {**arrays, **extra}
            artifacts.atomic_write_bytes(npz, artifacts.npz_bytes(arrays))
        identity = {
            **net.identity,
            "complete": net.complete,
            "torchscript": nets.rel_path(net.folder / nets.SCRIPT_FILE),
        }
        if not (base_ok and study_ok) or any(res.get(k_) != v for k_, v in identity.items()):
            res.update(identity)
            nets.write_json(js, res)
        if not (base_ok and study_ok):
            log(
                f"  {net.name}: test error {res['test_error']:.2f}%  t={res['temperature']:.3g}  t_nll="
                f"{res['calibration']['t_nll']:.3g}  ECE {res['calibration']['ece']:.2f}%  median L2 "
                f"{res['robust']['median_l2']:.3f} (paper) / {res['minimal_norm']['median_l2']:.3f} (minimal)"
            )
        found[net.name] = res
    step(ANALYSES_STAGE, len(shipped), len(shipped))
    return dict(sorted(found.items(), key=lambda kv: nets.order_key(kv[1])))


def manifest_params(found: dict[str, dict]) -> dict:
    """What the analysis manifest records beyond the file list: the format versions and, per net, the seconds
    its analysis took when it was computed (a rebuild of analysis.json recomputes nothing and takes seconds)."""
    return {
        "base_version": BASE_VERSION,
        "study_version": STUDY_VERSION,
        "net_seconds": {
            name: round(float(e.get("analysis_seconds") or 0) + float(e.get("study_seconds") or 0), 1)
            for name, e in found.items()
        },
    }


def summary_fields(found: dict[str, dict]) -> dict:
    """What analysis.json says beyond the nets: the plan, what of it is missing, the second attack's setup."""
    from models import lenet_train, minimal_norm

    names = [name for name, _, _ in planned()]
    return {
        "ladder": list(lenet_train.LADDER),
        "seeds": list(lenet_train.SEEDS),
        "adv_eps": list(lenet_train.ADV_EPS),
        "planned": names,
        "missing": [n for n in names if n not in found],
        "minimal_norm_attack": {
            "library": "torchattacks 3.5.1 FAB, L2 (Croce & Hein 2020)",
            "steps": minimal_norm.FAB_STEPS,
            "restarts": minimal_norm.FAB_RESTARTS,
            "cut_to_boundary": "20 bisection steps along the attack's own direction",
        },
    }


def add_nets(src: Path, analyze: bool = True, log: Callable[[str], None] = lambda s: print(s, flush=True)) -> dict:
    """``python -m worker lenet-import DIR``: ship DIR's finished nets (``import_runs``), analyse every new or stale
    net (``jobs.lenet_analysis.analyze_all``) and rewrite the generated tables of REPRODUCTION.md."""
    copied = import_runs(src, log=log)
    out: dict = {"copied": copied, "shipped": [n.name for n in nets.nets()]}
    if analyze:
        from jobs import lenet_analysis, lenet_tables

        summary = lenet_analysis.analyze_all(log=log)
        out["analysed"], out["missing"] = list(summary["nets"]), summary["missing"]
        out["reproduction"] = nets.rel_path(lenet_tables.update_reproduction(summary))
    return out
