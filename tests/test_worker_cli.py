"""The worker CLI for the sweeps: errors are one clear line, exports and fits are right, --check finds corruption."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import settings
from models import conventions, linear
from store import mnist, sweeps
from store.artifacts import ArtifactError

ROOT = Path(__file__).resolve().parents[1]


def worker(*args: str, env: dict | None = None, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "worker", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def assert_one_line_error(r: subprocess.CompletedProcess, *words: str) -> None:
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    for w in words:
        assert w.lower() in lines[0].lower(), lines[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["fit", "--pair", "7", "7", "--loss", "hinge", "--lam", "1e-2"], ["two different digits"]),
        (["fit", "--pair", "1", "11", "--loss", "hinge", "--lam", "1e-2"], ["0..9"]),
        (["fit", "--pair", "2", "3", "--loss", "hinge", "--lam", "0"], ["--lam", "> 0"]),
        (["fit", "--pair", "2", "3", "--loss", "hinge", "--lam", "-1"], ["--lam"]),
        (["fit", "--pair", "2", "3", "--loss", "hinge", "--lam", "nan"], ["--lam", "finite"]),
        (["fit", "--pair", "2", "3", "--loss", "hinge", "--lam", "inf"], ["--lam", "finite"]),
        (["fit", "--pair", "2", "3", "--loss", "hinge", "--lam", "abc"], ["--lam", "number"]),
        (["fit", "--pair", "2", "3", "--loss", "squared", "--lam", "1e-2"], ["unknown loss"]),
        (["export-sweep", "--pair", "2", "x", "--loss", "hinge", "--out", "/tmp/x.npz"], ["pair"]),
        (["precompute", "--pairs", "3-3"], ["two different digits"]),
        (["precompute", "--pairs", "2-3", "--loss", "svm"], ["unknown loss"]),
        (["precompute"], ["--all"]),
        (["fit", "--pair", "2", "3"], ["required"]),
    ],
)
def test_bad_arguments_give_one_clear_line(args, words):
    assert_one_line_error(worker(*args), *words)


def test_unwritable_output_is_refused(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    r = worker("export-sweep", "--pair", "2", "3", "--loss", "hinge", "--out", str(blocker / "out.npz"))
    assert_one_line_error(r, "cannot write")


@pytest.mark.parametrize("loss", ["hinge", "logistic"])
def test_export_sweep_matches_the_models(tmp_path, loss):
    out = tmp_path / "s.npz"
    r = worker("export-sweep", "--pair", "2", "3", "--loss", loss, "--out", str(out))
    assert r.returncode == 0, r.stderr
    with np.load(out) as z:
        e = {k: z[k] for k in z.files}
    for key in ("lam", "W", "b", "err_train", "err_test", "d_adv", "d_err", "theta", "w_norm", "train_index"):
        assert key in e
    assert e["W"].shape == (81, 784) and np.allclose(e["lam"], conventions.LAMBDAS)
    data = mnist.pair_data(2, 3)
    assert np.array_equal(e["train_index"], data.train_index)
    for k in (0, 40, 80):  # the stored metrics follow from the stored model
        w = e["W"][k].astype(np.float64)
        yd = data.y_train * (data.X_train @ w + e["b"][k]) / np.linalg.norm(w)
        assert abs(np.mean(yd <= 0) * 100 - e["err_train"][k]) <= 100 / 6000 + 1e-9
        assert e["d_adv"][k] == pytest.approx(yd.mean(), rel=1e-5)
        assert e["w_norm"][k] == pytest.approx(np.linalg.norm(w), rel=1e-6)


def test_fit_off_grid_is_optimal_and_fast():
    lam = 3.2e-3
    r = worker("fit", "--pair", "2", "3", "--loss", "hinge", "--lam", str(lam))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1
    res = json.loads(lines[0])
    for key in ("err_train", "err_test", "d_adv", "d_err", "theta", "w_norm", "objective", "bias"):
        assert np.isfinite(res[key])
    assert res["seconds"] < 10
    # no grid model beats it at its own λ
    s = sweeps.load_sweep(2, 3, "hinge")
    data = mnist.pair_data(2, 3)
    for k in (s.nearest(lam) - 1, s.nearest(lam), s.nearest(lam) + 1):
        other = linear.objective(data.X_train, data.y_train, s.W[k].astype(np.float64), s.bias[k], lam, "hinge")
        assert res["objective"] <= other + 1e-12


def _tmp_precomputed(tmp_path: Path) -> Path:
    root = tmp_path / "precomputed"
    root.mkdir()
    (root / "mnist").symlink_to(settings.get().precomputed / "mnist")
    shutil.copytree(sweeps.sweep_dir(), root / "sweeps")
    return root


def test_check_names_a_corrupted_sweep(tmp_path):
    root = _tmp_precomputed(tmp_path)
    target = root / "sweeps" / "sweep-23-hinge.npz"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    r = worker("precompute", "--check", env={"L2_PRECOMPUTED": str(root)})
    assert_one_line_error(r, "sweep-23-hinge.npz")
    with pytest.raises(ArtifactError, match="sweep-23-hinge.npz"):
        sweeps.load_sweep(2, 3, "hinge", folder=root / "sweeps")


def test_check_names_a_missing_sweep(tmp_path):
    root = _tmp_precomputed(tmp_path)
    (root / "sweeps" / "sweep-23-logistic.npz").unlink()
    r = worker("precompute", "--check", env={"L2_PRECOMPUTED": str(root)})
    assert_one_line_error(r, "sweep-23-logistic.npz", "missing")


def test_check_on_the_shipped_artifacts():
    r = worker("precompute", "--check")
    listed = json.loads((sweeps.sweep_dir() / "manifest.json").read_text())["files"]
    missing = [n for n in sweeps.all_sweep_names() if n not in listed]
    if missing:  # an incomplete precompute is reported, naming the first missing sweep
        assert r.returncode != 0 and "Traceback" not in r.stderr
    else:
        assert r.returncode == 0, r.stderr
        assert "all artifacts verified" in r.stdout
