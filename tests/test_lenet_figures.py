"""LeNet figures: built from the shipped analysis, sane content, permalink parsers, missing/corrupt data."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from components import lenet as L
from models import config


@pytest.fixture(scope="module")
def data():
    return L.load()


def test_static_figures_from_shipped_results(data):
    summary, arrays = data
    assert {L.LOW, L.HIGH} <= set(summary["nets"])
    errors = L.make_errors(summary)
    assert len(errors.data) == 4 and all(len(t.x) == len(t.y) >= 1 for t in errors.data)
    weights = L.make_weights(summary, arrays)
    assert len(weights.data) == 4 * 2 * arrays[L.LOW]["filters_conv1"].shape[0]
    advs = L.make_advs(summary, arrays)
    assert len(advs.data) == 10 * 5
    for t in advs.data:  # images 28×28 in whole grey levels
        z = np.asarray(t.z)
        assert z.shape == (28, 28) and np.isfinite(z).all()
    ladder = L.make_ladder(summary)
    assert list(ladder.data[0].x) == sorted(ladder.data[0].x)
    table = L.rms_table(summary)
    assert "tbl-lenet-rms" == table.id


def test_shipped_results_show_the_papers_effect(data):
    """Acceptance of issue #4 on the shipped numbers (see REPRODUCTION.md)."""
    nets = data[0]["nets"]
    low, high = nets[L.LOW], nets[L.HIGH]
    assert all(high["rms"][k] < low["rms"][k] for k in L.LAYERS)
    assert high["robust"]["median_l2"] > low["robust"]["median_l2"]


def test_arch_figure_lists_every_layer():
    fig = L.make_arch()
    texts = " ".join(a.text for a in fig.layout.annotations)
    for label, shape in L.ARCH:
        assert label in texts and "×".join(map(str, shape)) in texts


def test_draw_figure_and_readout():
    img = np.zeros((28, 28))
    img[5:20, 14] = 255
    adv = (img * 0.5).astype(int).tolist()
    result = {"target": 3, "nets": {n: {"adversarial": adv, "l2": 1.5, "pred": 1, "pred_score": 0.9,
                                        "adv_target_score": 0.96, "steps": 400, "success": True}
                                    for n in ("low", "high")}}
    fig = L.make_draw(img, result)
    assert len(fig.data) == 5
    assert "‖δ‖₂ = 1.50" in L.draw_readout(result)
    assert L.draw_readout(None) == ""


@pytest.mark.parametrize("parse, good, bad", [
    (L.parse_index, [("0", 0), ("9999", 9999)], ["-1", "10000", "x", "1.5", ""]),
    (L.parse_target, [("0", 0), ("9", 9)], ["10", "-1", "a", ""]),
    (L.parse_source, [("test", "test"), ("drawing", "drawing")], ["", "photo"]),
])
def test_permalink_parsers(parse, good, bad):
    for raw, want in good:
        assert parse(raw) == want
    for raw in bad:
        with pytest.raises(ValueError):
            parse(raw)
    assert set(L.URL_STATE) == {"lnidx", "lntgt", "lnsrc"}


def test_missing_or_corrupt_results_give_messages(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "PRECOMPUTED", tmp_path)
    L._static.cache_clear()
    L._load.cache_clear()
    figs = L.static_figures()
    assert "lenet-analyze" in figs["errors"].layout.annotations[0].text
    adir = tmp_path / "lenet" / "analysis"
    shutil.copytree(config.ROOT / "precomputed" / "lenet" / "analysis", adir)
    (adir / f"wd-{L.HIGH}.npz").write_bytes(b"garbage")
    L._static.cache_clear()
    L._load.cache_clear()
    figs = L.static_figures()
    assert "unreadable" in figs["advs"].layout.annotations[0].text
    summary = json.loads((adir / "analysis.json").read_text())
    del summary["nets"][L.LOW]["rms"]
    (adir / "analysis.json").write_text(json.dumps(summary))
    (adir / f"wd-{L.HIGH}.npz").unlink()
    shutil.copy(config.ROOT / "precomputed" / "lenet" / "analysis" / f"wd-{L.HIGH}.npz", adir)
    L._static.cache_clear()
    L._load.cache_clear()
    figs = L.static_figures()
    assert figs["table"].children  # a notice instead of a crash
    section = L.layout()
    assert section.id == "lenet"
    L._static.cache_clear()
    L._load.cache_clear()


def test_section_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, components.lenet as L; L.layout(); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=config.ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_input_validation_in_the_page():
    with pytest.raises(ValueError, match="empty"):
        L._input_image("drawing", 0, [])
    with pytest.raises(ValueError):
        L._input_image("test", 10_000, None)
    with pytest.raises(ValueError):
        L._input_image("test", "abc", None)
    assert L._input_image("test", 7, None).shape == (28, 28)
