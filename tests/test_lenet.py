"""LeNet: model shapes, training, resume, temperature, attack, TorchScript, manifests, the draw task and CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import settings  # noqa: E402
from jobs import lenet_tasks, lenet_training  # noqa: E402
from models import attacks, lenet, lenet_train  # noqa: E402
from store import artifacts  # noqa: E402
from store import lenet as nets  # noqa: E402
from store.mnist import arrays as mnist_arrays  # noqa: E402


@pytest.fixture(scope="module")
def mnist():
    return mnist_arrays()


@pytest.fixture(scope="module")
def low():
    model, manifest = nets.load_checkpoint(lenet_train.LOW)
    return model, manifest


def test_shapes_and_parameter_count():
    from views.lenet_arch import ARCH

    model = lenet.build(0)
    assert lenet.count_params(model) == lenet.N_PARAMS == 431_080
    shapes = []
    x = torch.zeros(3, 1, 28, 28)
    h = x - model.mean
    for layer in (
        model.conv1,
        lambda t: torch.max_pool2d(t, 2),
        model.conv2,
        lambda t: torch.max_pool2d(t, 2),
        lambda t: torch.relu(model.fc1(t)),
        model.fc2,
    ):
        h = layer(h)
        shapes.append(tuple(h.shape[1:]))
    assert shapes == [shape for _, shape in ARCH[1:-1]]  # the figure's tensor shapes are the model's
    assert model(x).shape == (3, 10)
    # MatConvNet init: weights N(0, 0.01²), biases 0
    w = model.fc1.weight.detach()
    assert abs(float(w.std()) - 0.01) < 0.0005 and float(model.fc1.bias.detach().abs().sum()) == 0.0


def test_weight_decay_only_on_weights():
    opt = lenet_train.make_optimizer(lenet.build(0), lenet_train.Recipe(weight_decay=0.1))
    decays = sorted((g["weight_decay"], len(g["params"])) for g in opt.param_groups)
    assert decays == [(0.0, 4), (0.1, 4)]


def test_short_training_lowers_loss_and_resumes_exactly(tmp_path, mnist):
    recipe = lenet_train.Recipe(weight_decay=1e-4, epochs=2, n_train=900, seed=3)
    xtr, ytr, _, _ = mnist
    before = lenet.build(3, lenet_train.mean_image(xtr[:900]))
    logits = torch.as_tensor(lenet.predict_logits(before, xtr[:900]))
    loss0 = float(torch.nn.functional.cross_entropy(logits, torch.as_tensor(ytr[:900])))
    m1 = lenet_training.train(recipe, tmp_path / "a", threads=1, log=lambda s: None)
    hist = m1["params"]["history"]
    assert len(hist) == 2 and hist[-1]["train_loss"] < hist[0]["train_loss"] < loss0
    assert not (tmp_path / "a" / nets.RESUME_FILE).exists()

    calls = []

    def crash_on_second_epoch(msg: str) -> None:
        calls.append(msg)
        if "epoch 2/2" in msg:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        lenet_training.train(recipe, tmp_path / "b", threads=1, log=crash_on_second_epoch)
    assert (tmp_path / "b" / nets.RESUME_FILE).exists()
    logs = []
    m2 = lenet_training.train(recipe, tmp_path / "b", threads=1, log=logs.append)
    assert any("resuming" in line for line in logs)
    assert [h["train_loss"] for h in m2["params"]["history"]] == [h["train_loss"] for h in hist]
    a = lenet.load_state(tmp_path / "a" / nets.MODEL_FILE).state_dict()
    b = lenet.load_state(tmp_path / "b" / nets.MODEL_FILE).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_temperature_calibration_hits_095(low, mnist):
    _, _, xte, _ = mnist
    logits = lenet.predict_logits(low[0], xte[:500])
    t = attacks.calibrate_temperature(logits)
    assert abs(attacks.median_max_prob(logits, t) - 0.95) < 1e-4
    assert attacks.median_max_prob(logits, t * 2) < 0.95 < attacks.median_max_prob(logits, t / 2)
    with pytest.raises(ValueError):
        attacks.calibrate_temperature(np.full((4, 10), np.nan))


def test_attack_reaches_target_within_pixel_bounds(low, mnist):
    model = low[0]
    _, _, xte, yte = mnist
    idx = attacks.digit_examples(yte)[:3]
    targets = attacks.cyclic_targets(yte[idx])
    t = 2.0
    res = attacks.targeted_attack(model, xte[idx], targets, t)
    assert res.success.all() and (res.p_target >= 0.95).all()
    assert res.adversarial.min() >= 0.0 and res.adversarial.max() <= 255.0
    p = attacks.scores_at(model, res.adversarial, t)
    assert (p.argmax(1) == targets).all()
    l2 = np.linalg.norm((res.adversarial - xte[idx].astype(np.float32)).reshape(3, -1), axis=1) / 255
    np.testing.assert_allclose(res.l2, l2, rtol=1e-4)
    assert (res.l2 > 0.1).all() and (res.steps > 0).all()


def test_refined_large_steps_match_small_steps(low, mnist):
    """The on-demand attack (16-unit steps, last step cut back) finds the same norms as 4-unit steps, and its
    cut-back point still reaches the target while the point one sixteenth earlier does not."""
    model = low[0]
    _, _, xte, yte = mnist
    idx = attacks.digit_examples(yte)[:4]
    targets = attacks.cyclic_targets(yte[idx])
    fine = attacks.targeted_attack(model, xte[idx], targets, 2.0, step=attacks.FAST_STEP, max_steps=3000)
    fast = attacks.targeted_attack(
        model,
        xte[idx],
        targets,
        2.0,
        step=attacks.DRAW_STEP,
        max_steps=attacks.DRAW_MAX_STEPS,
        refine=attacks.DRAW_REFINE,
    )
    unrefined = attacks.targeted_attack(
        model, xte[idx], targets, 2.0, step=attacks.DRAW_STEP, max_steps=attacks.DRAW_MAX_STEPS
    )
    assert fast.success.all() and (attacks.scores_at(model, fast.adversarial, 2.0).argmax(1) == targets).all()
    np.testing.assert_allclose(fast.l2, fine.l2, rtol=0.01)
    assert (fast.l2 <= unrefined.l2 + 1e-9).all() and (fast.steps < fine.steps / 3).all()
    assert fast.adversarial.min() >= 0.0 and fast.adversarial.max() <= 255.0


def test_torchscript_matches_eager(low, mnist):
    model = low[0]
    _, _, xte, _ = mnist
    scripted = torch.jit.load(str(nets.checkpoint_dir(lenet_train.LOW) / nets.SCRIPT_FILE))
    x = torch.tensor(np.array(xte[:64]), dtype=torch.float32).reshape(-1, 1, 28, 28)  # raw 0..255, mean inside
    with torch.no_grad():
        np.testing.assert_allclose(scripted(x).numpy(), model(x).numpy(), rtol=1e-4, atol=1e-4)


def test_manifest_verified_and_corruption_detected(tmp_path, low):
    manifest = low[1]
    assert manifest["family"] == "lenet" and manifest["params"]["weight_decay"] == lenet_train.LOW
    assert len(manifest["params"]["history"]) == manifest["params"]["epochs_done"]
    root = tmp_path / "lenet"
    shutil.copytree(nets.checkpoint_dir(lenet_train.LOW), nets.checkpoint_dir(lenet_train.LOW, root))
    nets.load_checkpoint(lenet_train.LOW, root)  # a faithful copy verifies
    path = nets.checkpoint_dir(lenet_train.LOW, root) / nets.MODEL_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(artifacts.ArtifactError, match="checksum"):
        nets.load_checkpoint(lenet_train.LOW, root)
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a LeNet checkpoint"):
        lenet.load_state(path)


GOOD = [[0] * 28 for _ in range(28)]
for _r in range(6, 22):
    GOOD[_r][13] = GOOD[_r][14] = 255


@pytest.mark.parametrize(
    "image, message",
    [
        (None, "empty"),
        ([], "empty"),
        ([[0] * 28 for _ in range(28)], "empty"),
        ([[0] * 28 for _ in range(27)], "28 rows"),
        ([[0] * 29 for _ in range(28)], "28 values"),
        ([[float("nan")] * 28 for _ in range(28)], "NaN"),
        ([[float("inf")] * 28 for _ in range(28)], "NaN"),
        ([[-1] * 28 for _ in range(28)], "0..255"),
        ([[256] * 28 for _ in range(28)], "0..255"),
        ([["x"] * 28 for _ in range(28)], "non-number"),
        ([[True] * 28 for _ in range(28)], "non-number"),
        ("abc", "28×28"),
        ([[0] * 28 for _ in range(10_000)], "28 rows"),
    ],
)
def test_draw_task_rejects_bad_images(image, message):
    with pytest.raises(ValueError, match=message):
        lenet_tasks.validate({"image": image, "target": 3})


@pytest.mark.parametrize(
    "params, message",
    [
        ({"image": GOOD, "target": 10}, "target"),
        ({"image": GOOD, "target": "3"}, "target"),
        ({"image": GOOD}, "target"),
        ({"image": GOOD, "target": 3, "nets": ["mid"]}, "nets"),
        ({"index": 10_000, "target": 1}, "index"),
        ({"index": -1, "target": 1}, "index"),
        ([1, 2], "object"),
    ],
)
def test_draw_task_rejects_bad_params(params, message):
    with pytest.raises(ValueError, match=message):
        lenet_tasks.validate(params)


def test_draw_task_attacks_a_drawing(low):
    p = lenet_tasks.validate({"image": GOOD, "target": 7, "nets": ["low"]})
    seen = []
    out = lenet_tasks.lenet_attack({"image": GOOD, "target": 7, "nets": ["low"]}, lambda f, m: seen.append(f))
    json.dumps(out)
    r = out["nets"]["low"]
    assert r["success"] and r["adv_pred"] == 7 and r["adv_target_score"] >= 0.95
    adv = np.asarray(r["adversarial"])
    assert adv.shape == (28, 28) and adv.min() >= 0 and adv.max() <= 255
    assert abs(np.linalg.norm(adv - p["image"]) / 255 - r["l2"]) < 0.05  # rounding to whole grey levels
    assert seen and seen[-1] == 1.0


def _worker(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "worker", *args], cwd=settings.ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "args",
    [
        ["train-lenet", "--weight-decay", "abc"],
        ["train-lenet", "--weight-decay", "-1"],
        ["train-lenet", "--weight-decay", "0.1", "--epochs", "0"],
        ["train-lenet", "--weight-decay", "0.1", "--device", "tpu"],
        ["train-lenet", "--weight-decay", "0.1", "--threads", "-1"],  # every numeric option is validated
        ["train-lenet", "--weight-decay", "0.1", "--seed", "-1"],
        ["train-lenet", "--weight-decay", "0.1", "--adv-eps", "nan"],
        ["train-lenet", "--weight-decay", "0.1", "--adv-steps", "0"],
        ["serve-jobs", "--concurrency", "0"],
    ],
)
def test_cli_bad_arguments_one_line(args):
    r = _worker(*args)
    assert r.returncode != 0 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_cli_report_lists_shipped_checkpoints():
    r = _worker("lenet-report")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    wds = {row["weight_decay"] for row in rows}
    assert {lenet_train.LOW, lenet_train.HIGH} <= wds
    for row in rows:
        assert set(row["rms"]) == set(lenet.LAYERS) and len(row["cyclic_adv_l2"]) == 10
        assert (settings.ROOT / row["torchscript"]).is_file()
