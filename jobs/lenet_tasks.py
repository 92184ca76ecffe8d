"""Job kind ``lenet-attack``: predictions and targeted adversarial examples for a drawn or picked digit.

Params: ``{"image": 28×28 nested list of 0..255 numbers}`` or ``{"index": test image index}``, plus
``"target"`` (0..9) and optionally ``"nets"`` (a subset of ["low", "high"], default both).  Validation
raises ValueError with one clear sentence; torch is imported only when a job actually runs (in a job
process, never in the web process).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from jobs.tasks import task

NETS = {"low": 1e-4, "high": 1e-1}
MIN_INK = 255.0 * 8  # an "empty" drawing has less ink than ~8 fully black pixels
N_TEST = 10_000


def validate_image(raw: Any) -> np.ndarray:
    """A drawing as a float32 (28, 28) array of 0..255 values, or ValueError saying what is wrong."""
    if raw is None or (isinstance(raw, list | tuple) and len(raw) == 0):
        raise ValueError("the drawing is empty: draw a digit first")
    if not isinstance(raw, list | tuple):
        raise ValueError("the drawing must be a 28×28 grid of numbers")
    if len(raw) != 28:
        raise ValueError(f"the drawing must have 28 rows, it has {len(raw)}")
    rows = []
    for r, row in enumerate(raw):
        if not isinstance(row, list | tuple) or len(row) != 28:
            raise ValueError(f"row {r} of the drawing must have 28 values")
        for v in row:
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ValueError(f"row {r} of the drawing holds a non-number ({type(v).__name__})")
            if not math.isfinite(v):
                raise ValueError("the drawing holds NaN or infinite values")
            if not (0.0 <= v <= 255.0):
                raise ValueError(f"pixel values must lie in 0..255, got {v:g}")
        rows.append(row)
    img = np.asarray(rows, dtype=np.float32)
    if float(img.sum()) < MIN_INK:
        raise ValueError("the drawing is (almost) empty: draw a digit first")
    return img


def validate(params: Any) -> dict:
    """Normalised params {image (28, 28) float32, index or None, target, nets}; ValueError if bad."""
    if not isinstance(params, dict):
        raise ValueError("params must be an object")
    target = params.get("target")
    if isinstance(target, bool) or not isinstance(target, int) or not 0 <= target <= 9:
        raise ValueError(f"target must be a digit 0..9, got {target!r}")
    nets = params.get("nets", list(NETS))
    if not isinstance(nets, list | tuple) or not nets or any(n not in NETS for n in nets):
        raise ValueError(f"nets must be a non-empty subset of {list(NETS)}")
    index = params.get("index")
    if index is not None:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < N_TEST:
            raise ValueError(f"index must be a test image number 0..{N_TEST - 1}, got {index!r}")
        from store.mnist import load_mnist

        img = np.asarray(load_mnist()["test_images"][index], dtype=np.float32)
    else:
        img = validate_image(params.get("image"))
    return {"image": img, "index": index, "target": target, "nets": list(dict.fromkeys(nets))}


@lru_cache(maxsize=4)
def _net(name: str):
    """(model, temperature) of a shipped net, loaded once per job process."""
    import torch

    from store import lenet as nets

    torch.set_num_threads(1)
    model, _ = nets.load_checkpoint(NETS[name])
    return model, temperature(NETS[name])


def temperature(wd: float) -> float:
    """The net's calibrated temperature from the precomputed analysis (computed if it is missing or broken)."""
    from store import lenet as nets

    try:
        return float(nets.analysis()[0]["nets"][nets.wd_key(wd)]["temperature"])
    except (nets.ArtifactError, ValueError, KeyError, TypeError):
        from models import attacks, lenet
        from store import mnist

        model, _ = nets.load_checkpoint(wd)
        _, _, xte, _ = mnist.arrays()
        return attacks.calibrate_temperature(lenet.predict_logits(model, xte))


def run_attack(p: dict, progress: Callable[[float, str], None]) -> dict:
    """Predict and attack the validated image with each requested net."""
    from models import attacks

    out: dict[str, Any] = {"target": p["target"], "index": p["index"], "nets": {}}
    for k, name in enumerate(p["nets"]):
        t0 = time.perf_counter()
        progress(k / len(p["nets"]), f"loading LeNet_{name}")
        model, t = _net(name)
        probs = attacks.scores_at(model, p["image"][None], t)[0]

        def step(i: int, _active: int, k: int = k, name: str = name) -> None:
            frac = min(i / attacks.DRAW_MAX_STEPS, 1.0)
            progress((k + frac) / len(p["nets"]), f"LeNet_{name}: step {i}")

        res = attacks.targeted_attack(
            model,
            p["image"][None],
            np.array([p["target"]]),
            t,
            step=attacks.DRAW_STEP,
            max_steps=attacks.DRAW_MAX_STEPS,
            progress=step,
            refine=attacks.DRAW_REFINE,
        )
        adv_probs = attacks.scores_at(model, res.adversarial, t)[0]
        adv = res.adversarial[0]
        out["nets"][name] = {
            "weight_decay": NETS[name],
            "temperature": t,
            "pred": int(probs.argmax()),
            "pred_score": float(probs.max()),
            "probs": probs.round(5).tolist(),
            "adv_pred": int(adv_probs.argmax()),
            "adv_target_score": float(res.p_target[0]),
            "adversarial": np.rint(adv).astype(int).tolist(),
            "l2": float(res.l2[0]),
            "success": bool(res.success[0]),
            "steps": int(res.steps[0]),
            "seconds": round(time.perf_counter() - t0, 3),
        }
    progress(1.0, "done")
    return out


@task("lenet-attack")
def lenet_attack(params: dict, progress: Callable[[float, str], None]) -> dict:
    """Both nets' predictions and targeted adversarial examples (L2 norms in [0, 1] pixel units)."""
    return run_attack(validate(params), progress)


lenet_attack.timeout_s = 180  # two nets × up to MAX_STEPS steps on a busy CPU
