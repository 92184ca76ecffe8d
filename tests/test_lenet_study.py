"""The LeNet study: the report's fields, the analysis fields against a fresh computation, the study's figures,
the artifact check of new nets, importing nets trained elsewhere."""

from __future__ import annotations

import copy
import json
import math
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import settings
from store import artifacts
from store import lenet as nets
from views import lenet_attacks as A
from views import lenet_nets as N
from views import lenet_study as S

torch = pytest.importorskip("torch")

KINDS = {"weight-decay", "adversarial"}


def _worker(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "worker", *args],
        cwd=settings.ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


@pytest.fixture(scope="module")
def data():
    return nets.analysis()


def test_report_has_one_row_per_shipped_net_with_its_identity_and_numbers(data):
    summary, _ = data
    r = _worker("lenet-report")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    shipped = {n.name: n for n in nets.nets()}
    assert sorted(row["name"] for row in rows) == sorted(shipped) and len(shipped) >= 8
    for row in rows:
        params = shipped[row["name"]].manifest["params"]
        eps = float(params.get("adv_eps") or 0.0)  # older manifests have no adv_eps: plain nets
        assert row["kind"] == ("adversarial" if eps > 0 else "weight-decay") and row["kind"] in KINDS
        assert row["eps"] == (eps if eps > 0 else None)
        assert row["seed"] == params["seed"] and isinstance(row["seed"], int)
        assert row["weight_decay"] == params["weight_decay"]
        assert row["analysed"] is True
        assert isinstance(row["ece"], float) and 0.0 < row["ece"] < 100.0  # percent
        assert isinstance(row["minimal_norm_median"], float) and 0.5 < row["minimal_norm_median"] < 10.0
        assert row["minimal_norm_median"] < row["median_adv_l2"]  # the nearest boundary is closer than a target
        assert isinstance(row["t_nll"], float) and isinstance(row["temperature"], float)
        entry = summary["nets"][row["name"]]  # the measured numbers are the analysis' own
        assert (row["ece"], row["t_nll"], row["ece_calibrated"]) == tuple(
            entry["calibration"][k] for k in ("ece", "t_nll", "ece_calibrated")
        )
        assert (row["minimal_norm_median"], row["median_adv_l2"], row["temperature"]) == (
            entry["minimal_norm"]["median_l2"],
            entry["robust"]["median_l2"],
            entry["temperature"],
        )
        assert set(row["rms"]) == set(N.LAYERS) and len(row["cyclic_adv_l2"]) == 10
        assert (settings.ROOT / row["torchscript"]).is_file()
    seeds = {(row["weight_decay"], row["seed"]) for row in rows if row["kind"] == "weight-decay"}
    assert {(1e-4, 0), (1e-4, 1), (1e-1, 0), (1e-1, 1)} <= seeds


def test_report_marks_nets_not_analysed_yet(tmp_path):
    root = tmp_path / "lenet"
    shutil.copytree(nets.analysis_dir(), root / "analysis")
    shutil.copytree(nets.lenet_dir() / N.LOW, root / "wd-1e-04-s7")  # a net the analysis does not know
    (root / "wd-1e-04-s7" / artifacts.MANIFEST).write_text(
        (root / "wd-1e-04-s7" / artifacts.MANIFEST).read_text().replace('"seed": 0', '"seed": 7')
    )
    rows = {row["name"]: row for row in nets.report_rows(root)}
    assert rows == {"wd-1e-04-s7": rows["wd-1e-04-s7"]}
    assert rows["wd-1e-04-s7"]["seed"] == 7 and rows["wd-1e-04-s7"]["analysed"] is False
    assert rows["wd-1e-04-s7"]["ece"] is None and rows["wd-1e-04-s7"]["minimal_norm_median"] is None


def test_net_identity_comes_from_the_manifest(tmp_path):
    root = tmp_path / "lenet"
    shutil.copytree(nets.lenet_dir() / N.LOW, root / "whatever")
    manifest = json.loads((root / "whatever" / artifacts.MANIFEST).read_text())
    (net,) = nets.nets(root)
    assert (net.kind, net.eps, net.seed) == ("weight-decay", None, 0) and "adv_eps" not in manifest["params"]
    manifest["params"].update(adv_eps=1.5, adv_steps=7, seed=2)
    (root / "whatever" / artifacts.MANIFEST).write_text(json.dumps(manifest))
    (net,) = nets.nets(root)
    assert (net.kind, net.eps, net.seed) == ("adversarial", 1.5, 2)
    assert nets.net_name(net.weight_decay, net.seed, net.adv_eps) == "adv-1.5-s2"
    assert nets.net_name(0.1) == "wd-1e-01" and nets.net_name(1.0, 2) == "wd-1e+00-s2"


def test_calibration_fields_equal_a_fresh_computation(data):
    """ECE (t = 1, all test images), t_NLL and the reliability counts of a shipped net, recomputed from its logits."""
    from models import calibration, lenet
    from store import mnist

    summary, _ = data
    _, _, xte, yte = mnist.arrays()
    model, _ = nets.load_net(N.HIGH)
    logits = lenet.predict_logits(model, xte)
    cal = summary["nets"][N.HIGH]["calibration"]
    # float32 logits differ in their last bits with the number of threads the convolutions ran on (here vs when
    # the analysis ran): ~1e-8 percentage points of ECE; a wrong bin, edge or weight moves it by > 1e-3.
    assert cal["ece"] == pytest.approx(calibration.ece(logits, yte), abs=1e-6)
    fit, ev = calibration.split_indices(len(yte))
    assert cal["t_nll"] == pytest.approx(calibration.fit_temperature(logits[fit], yte[fit]), rel=1e-6)
    assert cal["reliability_t1"]["count"] == calibration.reliability(logits, yte).count.tolist()
    assert cal["ece_calibrated"] == pytest.approx(calibration.ece(logits[ev], yte[ev], cal["t_nll"]), abs=1e-6)
    z = logits - logits.mean(1, keepdims=True)
    assert summary["nets"][N.HIGH]["logit_rms"] == pytest.approx(float(np.sqrt(np.mean(z**2))), rel=1e-6)


def test_the_study_step_computes_what_it_stores():
    """jobs.lenet_study.study on 2 000 test images and a 20-image robustness set, against models' functions."""
    from jobs import lenet_study
    from models import attacks, calibration, lenet, minimal_norm
    from store import mnist

    _, _, xte, yte = mnist.arrays()
    x, y = xte[:2000], yte[:2000]
    model, _ = nets.load_net(N.HIGH)
    idx = attacks.robustness_set(y, 2)
    fields, arrays = lenet_study.study(model, x, y, 1.7, idx, per_digit=2)
    logits = lenet.predict_logits(model, x)
    cal = fields["calibration"]
    assert cal["ece"] == pytest.approx(calibration.ece(logits, y), abs=1e-12)
    fit, ev = calibration.split_indices(len(y))
    assert cal["t_nll"] == pytest.approx(calibration.fit_temperature(logits[fit], y[fit]), rel=1e-9)
    assert cal["ece_paper_t"] == pytest.approx(calibration.ece(logits[ev], y[ev], 1.7), abs=1e-12)
    fresh = minimal_norm.chosen(model, x[idx], y[idx]).l2
    np.testing.assert_allclose(arrays["minimal_norm_l2"].astype(np.float64), fresh, rtol=2e-3)
    assert fields["minimal_norm"]["median_l2"] == pytest.approx(float(np.median(fresh)), rel=1e-9)
    with pytest.raises(ValueError, match="other images"):
        lenet_study.study(model, x, y, 1.7, idx[::-1], per_digit=2)


def test_minimal_norms_match_a_fresh_run_on_five_images(data):
    from models import minimal_norm
    from store import mnist

    summary, arrays = data
    _, _, xte, yte = mnist.arrays()
    model, _ = nets.load_net(N.LOW)
    idx = arrays[N.LOW]["robust_index"][[0, 41, 87, 123, 199]]
    fresh = minimal_norm.chosen(model, xte[idx], yte[idx])
    stored = arrays[N.LOW]["minimal_norm_l2"][[0, 41, 87, 123, 199]].astype(np.float64)
    assert arrays[N.LOW]["minimal_norm_l2"].dtype == np.float16 and len(arrays[N.LOW]["minimal_norm_l2"]) == 200
    np.testing.assert_allclose(stored, fresh.l2, rtol=2e-3)  # float16 keeps ~3 significant digits
    mn = summary["nets"][N.LOW]["minimal_norm"]
    median = float(np.median(arrays[N.LOW]["minimal_norm_l2"].astype(np.float64)))
    assert mn["median_l2"] == pytest.approx(median, rel=2e-3)
    assert mn["success_rate"] == 1.0 and "fab" in mn["attack"] and "cut to boundary" in mn["attack"]


def _plain_only(summary: dict) -> dict:
    """A copy of the summary without adversarially trained nets (whether or not any are shipped)."""
    s = copy.deepcopy(summary)
    s["nets"] = {k: e for k, e in s["nets"].items() if e["kind"] != "adversarial"}
    return s


def _with_adversarial(summary: dict) -> dict:
    """The shipped plain nets plus three adversarial ones (copies of LeNet_low with other numbers): for the
    figures, whatever adversarial nets are shipped."""
    s = _plain_only(summary)
    for eps, seed, err, l2, mn in ((1.0, 0, 1.6, 6.1, 2.3), (1.0, 1, 1.8, 6.3, 2.4), (2.0, 0, 2.5, 7.0, 2.9)):
        e = copy.deepcopy(s["nets"][N.LOW])
        e.update(kind="adversarial", eps=eps, seed=seed, test_error=err)
        e["robust"]["median_l2"], e["minimal_norm"]["median_l2"] = l2, mn
        s["nets"][nets.net_name(1e-4, seed, eps)] = e
    return s


def test_ladder_has_error_bars_where_there_are_seeds_and_the_adversarial_lines(data):
    summary, _ = data
    fig = S.make_ladder(_with_adversarial(summary))
    paper = next(t for t in fig.data if t.name == "paper's attack" and t.mode == "lines+markers")
    n_seeds = {wd: len(m) for wd, m in S.groups(summary)}
    err = zip(paper.x, paper.error_y.array, paper.error_y.arrayminus, strict=True)
    bars = {x: (up or 0) + (down or 0) for x, up, down in err}
    for wd, n in n_seeds.items():
        assert (bars[wd] > 0) == (n >= 2), (wd, n)  # a spread wherever two seeds differ, none for one seed
    assert sum(n >= 2 for n in n_seeds.values()) >= 2
    lines = [t for t in fig.data if t.name and t.name.startswith("adversarial training")]
    assert {t.name for t in lines} == {"adversarial training ε = 1", "adversarial training ε = 2"}
    assert all(t.line.dash == "dash" for t in lines)
    top = next(t for t in lines if t.name.endswith("= 1") and t.yaxis == "y")
    low_mean = S.spread([S.paper_l2(e) for _, e in S.groups(summary)[0][1]])[0]  # LeNet_low's recipe over seeds
    assert paper.y[0] == pytest.approx(1.0) and top.y[0] == pytest.approx(6.2 / low_mean)  # mean of ε = 1's seeds


def test_tradeoff_shows_both_attacks_the_ladder_and_adversarial_points(data):
    summary, _ = data
    fig = S.make_tradeoff(_with_adversarial(summary))
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["paper's targeted attack", "minimal-norm attack (FAB)"]
    adv = [t for t in fig.data if t.marker.symbol == "diamond"]
    plain = [t for t in fig.data if t.marker.symbol == "circle"]
    assert len(adv) == len(plain) == 2  # one per attack panel
    for panel, t in enumerate(adv):
        assert list(t.text) == ["ε=1", "ε=2"] and list(t.x) == pytest.approx([1.7, 2.5])
        assert list(t.y) == pytest.approx([6.2, 7.0] if panel == 0 else [2.35, 2.9])
        assert t.error_y.array[0] == pytest.approx(0.1 if panel == 0 else 0.05)  # the range over two seeds
    assert len(plain[0].x) == len(S.groups(summary)) and all(math.isfinite(v) for v in plain[1].y)


def test_temperature_and_reliability_figures(data):
    summary, _ = data
    fig = S.make_temperature(summary)
    names = {t.name for t in fig.data if t.showlegend is not False}
    assert {"t (paper: median confidence 0.95)", "t (NLL fit: calibrated)", "ECE at t = 1"} <= names
    t_nll = next(t for t in fig.data if t.name == "t (NLL fit: calibrated)" and t.mode == "lines+markers")
    assert t_nll.y[0] > 1 > t_nll.y[list(t_nll.x).index(0.1)]  # over-confident at low decay, under- at high
    rel = S.make_reliability(summary)
    assert [t.name.split(":")[0] for t in rel.data[1:3]] == [N.label(N.LOW), N.label(N.HIGH)]
    bins = summary["nets"][N.LOW]["calibration"]["reliability_t1"]
    assert sum(c[0] for c in rel.data[1].customdata) == sum(k for k in bins["count"] if k >= S.MIN_BIN)


def test_adversarial_examples_name_their_rows_on_the_figure(data):
    summary, arrays = data
    fig = A.make_advs(summary, arrays)
    titles = [(a.text, a.textangle) for a in fig.layout.annotations]
    assert titles == [("<b>original</b>", -90), ("<b>LeNet_low</b>", -90), ("<b>LeNet_high</b>", -90)]
    ys = [a.y for a in fig.layout.annotations]
    assert ys == sorted(ys, reverse=True) and fig.layout.margin.l >= 30  # top to bottom, with room in the margin
    assert all(a.font.size >= 12 for a in fig.layout.annotations)


def test_precompute_check_fails_on_a_corrupted_new_net(tmp_path):
    shipped = settings.get().precomputed
    root = tmp_path / "precomputed"
    root.mkdir()
    for part in ("mnist", "sweeps"):
        (root / part).symlink_to(shipped / part)
    shutil.copytree(shipped / "lenet" / "wd-1e-04-s1", root / "lenet" / "wd-1e-04-s1")
    env = {**os.environ, "L2_PRECOMPUTED": str(root)}
    ok = _worker("precompute", "--check", env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    model = root / "lenet" / "wd-1e-04-s1" / nets.MODEL_FILE
    raw = bytearray(model.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    model.write_bytes(bytes(raw))
    bad = _worker("precompute", "--check", env=env)
    assert bad.returncode != 0 and "wd-1e-04-s1/model.pt" in bad.stdout + bad.stderr


def test_import_ships_finished_nets_unchanged_and_skips_the_rest(tmp_path):
    from jobs import lenet_study

    src, root = tmp_path / "runs", tmp_path / "lenet"
    shutil.copytree(nets.lenet_dir() / N.HIGH, src / "whatever-name")
    shutil.copytree(nets.lenet_dir() / N.LOW, src / "still-training")
    (src / "still-training" / nets.RESUME_FILE).write_bytes(b"x")
    logs = []
    assert lenet_study.import_runs(src, root, log=logs.append) == ["wd-1e-01"]
    assert (root / "wd-1e-01" / nets.MODEL_FILE).read_bytes() == (src / "whatever-name" / nets.MODEL_FILE).read_bytes()
    artifacts.verify_folder(root / "wd-1e-01")
    assert lenet_study.import_runs(src, root, log=logs.append) == []  # already shipped: nothing to do
    assert any("still-training: not finished" in line for line in logs)
    shutil.rmtree(src / "still-training")
    shutil.copytree(nets.lenet_dir() / N.LOW, src / "other")
    manifest = json.loads((src / "other" / artifacts.MANIFEST).read_text())
    manifest["params"]["weight_decay"] = 0.1  # claims to be LeNet_high but holds another model
    (src / "other" / artifacts.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(artifacts.ArtifactError, match="another model"):
        lenet_study.import_runs(src, root, log=logs.append)


def test_precompute_all_never_retrains_shipped_nets_and_asks_before_long_ones(monkeypatch):
    from jobs import lenet_study, lenet_training

    trained = []
    monkeypatch.setattr(lenet_training, "train", lambda recipe, out, **kw: trained.append(out.name))
    logs = []
    assert lenet_study.train_missing(logs.append) == []  # LeNet_low/high are shipped; the rest needs opt-in
    shipped = {n.name for n in nets.nets()}
    plan = {name: tier for name, _, tier in lenet_study.planned()}
    assert len(plan) == 27 and plan[N.LOW] == plan[N.HIGH] == "core" and plan["adv-2.0-s1"] == "adversarial"
    assert any("L2_LENET_TRAIN_LADDER=1" in line for line in logs)
    assert any("L2_LENET_TRAIN_ADVERSARIAL=1" in line for line in logs)
    monkeypatch.setenv("L2_LENET_TRAIN_LADDER", "1")
    settings.reload()
    try:
        got = lenet_study.train_missing(logs.append)
    finally:
        monkeypatch.delenv("L2_LENET_TRAIN_LADDER")
        settings.reload()
    assert got == trained and set(got) == {n for n, t in plan.items() if t == "ladder"} - shipped


def test_reproduction_tables_are_generated_from_the_analysis(data):
    from jobs import lenet_tables

    summary, _ = data
    text = (
        "intro\n<!-- generated:lenet-seeds -->\nstale\n<!-- /generated:lenet-seeds -->\n<!-- generated:lenet-nets -->\n"
    )
    text += "<!-- /generated:lenet-nets -->\nkept\n"
    out = lenet_tables.render(text, summary)
    assert lenet_tables.render(out, summary) == out and "stale" not in out and out.endswith("kept\n")
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    names = [r.split(" | ")[0][2:] for r in rows if r.startswith(("| wd-", "| adv-"))]
    assert names == list(summary["nets"])  # one row per analysed net, in the analysis' order
    low, high = summary["nets"][N.LOW], summary["nets"][N.HIGH]
    ours = next(r for r in rows if r.startswith("| 0 | **this project**"))
    ratio = high["robust"]["median_l2"] / low["robust"]["median_l2"]
    assert f"| {ratio:.2f} |" in ours and f"| {low['test_error']:.2f} |" in ours
    assert sum(r.startswith("| 0 | variant study | 1.1 | 1.3 | 4.414 | 5.121 | 1.16 |") for r in rows) == 1
    adv = lenet_tables.adversarial_table(_with_adversarial(summary)).splitlines()
    loss = [h["train_loss"] for h in low["history"]]  # the synthetic adversarial nets carry LeNet_low's history
    change = 100.0 * (loss[-1] - loss[-6]) / loss[-6]
    assert adv[2].startswith("| adv-1.0 | 50 |") and f"| {change:+.1f} % |" in adv[2] and len(adv) == 2 + 3
    shipped = (settings.ROOT / "REPRODUCTION.md").read_text()
    assert lenet_tables.render(shipped, summary) == shipped  # the committed tables describe the shipped nets


@pytest.mark.parametrize(
    "adv, verdict",
    [
        ([], "still training"),
        ([(1.0, 1.5, 2.6)], "do not trace the same trade-off"),  # more robust than any net at least as accurate
        ([(1.0, 1.5, 1.2)], "weight decay keeps up"),
        ([(1.0, 1.5, 2.6), (2.0, 3.0, 1.0)], "depends on the budget"),
    ],
)
def test_the_prose_says_what_adversarial_training_does_whichever_way_it_falls(data, adv, verdict):
    from components import lenet_text
    from views import lenet_facts

    s = _plain_only(data[0])
    for eps, err, mn in adv:
        e = copy.deepcopy(s["nets"][N.LOW])
        e.update(kind="adversarial", eps=eps, test_error=err)
        e["minimal_norm"]["median_l2"] = mn
        s["nets"][nets.net_name(1e-4, 0, eps)] = e
    text = lenet_text.verdict(lenet_facts.facts(s))
    assert verdict in text and "[[" not in text
    for eps, err, mn in adv:
        assert f"ε = {eps:g}" in text and f"{mn:.2f} at {err:.2f} % test error" in text


def test_the_prose_numbers_come_from_the_analysis(data):
    from components import lenet_text
    from views import lenet_facts

    summary, _ = data
    facts = lenet_facts.facts(summary)
    text = lenet_text.fill(lenet_text.REPRO + lenet_text.LADDER + lenet_text.TEMPERATURE, facts)
    seeds = sorted(
        {e["seed"] for e in summary["nets"].values() if e["weight_decay"] == 1e-4 and e["kind"] == "weight-decay"}
        & {e["seed"] for e in summary["nets"].values() if e["weight_decay"] == 1e-1}
    )
    by = {(e["weight_decay"], e["seed"]): e for e in summary["nets"].values() if e["kind"] == "weight-decay"}
    ratios = [by[0.1, s]["robust"]["median_l2"] / by[1e-4, s]["robust"]["median_l2"] for s in seeds]
    expected = f"{min(ratios):.2f}–{max(ratios):.2f}" if len(seeds) > 1 else f"{ratios[0]:.2f}"
    assert "[[" not in text and f"by a factor of {expected} from LeNet_low to LeNet_high" in text
    t_low = sum(by[1e-4, s]["temperature"] for s in seeds) / len(seeds)  # LeNet_low's mean over the seeds
    assert facts["t_low"] == f"{t_low:.1f}" and "stuck with over 5% error" in text
    assert facts["collapse"].startswith(f"{summary['nets']['wd-3e-01']['test_error']:.1f} % at wd 3e-1")
    assert lenet_text.fill(["a [[missing]] b", "kept"], facts) == "kept"
