"""LeNet figures: built from the shipped analysis, sane content, permalink parsers, missing/corrupt data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from components import lenet as L
from components.common import DIVERGING_COLORSCALE
from store import lenet as lenet_store
from views import lenet_arch as Arch
from views import lenet_attacks as A
from views import lenet_draw as D
from views import lenet_figures
from views import lenet_nets as N
from views import lenet_study as S
from views import lenet_training as T
from views import pictures as md

SHIPPED = Path(__file__).resolve().parents[1] / "precomputed"


def _point_precomputed(monkeypatch, folder):
    """Serve the artifacts of ``folder`` (what L2_PRECOMPUTED does for a server)."""
    import settings

    monkeypatch.setenv("L2_PRECOMPUTED", str(folder))
    settings.reload()


@pytest.fixture(scope="module")
def data():
    return lenet_store.analysis()


def levels(z, zmin, zmax):
    """The 256 colour levels a heatmap of z on [zmin, zmax] is drawn with (what heatmap_uri stores)."""
    return np.rint((np.clip(np.asarray(z, np.float64), zmin, zmax) - zmin) / (zmax - zmin) * 255).astype(int)


def grid_labels(fig) -> list[str]:
    """The grid's labels: one text-only trace, each label centred just above the top edge of a picture (row
    titles, when there are any, are vertical annotations in the left margin)."""
    assert len(fig.data) == 1 and all(a.textangle == -90 and a.x == 0 for a in fig.layout.annotations)
    t = fig.data[0]
    assert t.mode == "text" and t.textposition == "top center" and t.hoverinfo == "skip"
    tops = {(round(im.x + im.sizex / 2, 9), round(im.y, 9)) for im in fig.layout.images}
    assert all((round(x, 9), round(y, 9)) in tops for x, y in zip(t.x, t.y, strict=True))
    assert len(t.textfont.color) == len(t.text)
    return list(t.text)


def grid_cells(fig):
    """The grid's pictures as (x, y top, sizex, sizey, decoded 0..255 image); its only trace is the labels."""
    grid_labels(fig)
    out = []
    for im in fig.layout.images:
        assert (im.xref, im.yref, im.sizing, im.xanchor, im.yanchor) == ("paper", "paper", "stretch", "left", "top")
        assert 0 <= im.x and im.x + im.sizex <= 1 + 1e-9 and 0 <= im.y - im.sizey and im.y <= 1 + 1e-9
        out.append((im.x, im.y, im.sizex, im.sizey, md.png_values(im.source, 0)))
    return out


def test_static_figures_from_shipped_results(data):
    summary, arrays = data
    assert {N.LOW, N.HIGH} <= set(summary["nets"])
    errors = T.make_errors(summary)
    assert len(errors.data) == 4 and all(len(t.x) == len(t.y) >= 1 for t in errors.data)
    ladder = S.make_ladder(summary)
    assert list(ladder.data[0].x) == sorted(ladder.data[0].x)
    table = L.rms_table(summary)
    assert "tbl-lenet-rms" == table.id


def test_weight_grid_pictures_are_the_filters(data):
    """Each filter is a layout image whose pixels are the heatmap's colour levels (one scale per layer)."""
    summary, arrays = data
    cells = grid_cells(T.make_weights(summary, arrays))
    picks = arrays[N.LOW]["filters_conv1"].shape[0]
    assert len(cells) == len(N.LAYERS) * 2 * picks
    k = 0
    for layer in N.LAYERS:
        filters = {key: arrays[key][f"filters_{layer}"].astype(np.float32) for key in (N.LOW, N.HIGH)}
        zmax = max(float(np.abs(f).max()) for f in filters.values())
        for key in (N.LOW, N.HIGH):
            for f in filters[key]:
                np.testing.assert_array_equal(cells[k][4], levels(f, -zmax, zmax))
                k += 1
    # one row per layer, columns left to right, cells never overlap
    xs = sorted({round(c[0], 9) for c in cells})
    ys = sorted({round(c[1], 9) for c in cells}, reverse=True)
    assert len(xs) == 2 * picks and len(ys) == len(N.LAYERS)
    assert all(b - a >= cells[0][2] for a, b in zip(xs, xs[1:], strict=False))


def test_adversarial_grid_pictures_are_the_images(data):
    """Originals and adversarials in exact grey levels 0..255, perturbations on one symmetric colour scale."""
    summary, arrays = data
    fig = A.make_advs(summary, arrays)
    cells = grid_cells(fig)
    assert len(cells) == 10 * 5
    pmax = A.pert_range(arrays, [N.LOW, N.HIGH])
    orig = arrays[N.LOW]["digits_orig"]
    for d in range(10):
        np.testing.assert_array_equal(cells[d][4], orig[d])
    k = 10
    for key in (N.LOW, N.HIGH):
        adv = arrays[key]["digits_adv"].astype(np.int16)
        for d in range(10):
            np.testing.assert_array_equal(cells[k][4], adv[d])
            np.testing.assert_array_equal(cells[k + 1][4], levels(adv[d] - orig[d], -pmax, pmax))
            k += 2
    texts = grid_labels(fig)
    assert len(texts) == 10 + 2 * 10 * 2 and max(len(t) for t in texts) <= 7  # short enough for 375 px
    low = summary["nets"][N.LOW]["cyclic"]
    assert texts[:10] == [str(d) for d in low["label"]]  # both nets classify the ten originals correctly
    score = f"{low['adv_target_score'][0]:.2f}".removeprefix("0")  # '.95'
    assert texts[10:12] == [f"→{low['target'][0]}@{score}", f"{low['l2'][0]:.2f}"]


def test_picture_colours_are_the_heatmap_scales():
    ink = md._palette(N.INK_SCALE, 256)
    assert ink[:3] == bytes([255, 255, 255]) and ink[-3:] == bytes([0x11, 0x11, 0x11])
    rdbu = md._palette(DIVERGING_COLORSCALE, 256)
    red, blue = rdbu[:3], rdbu[-3:]
    assert red[0] > red[2] and blue[2] > blue[0]  # negative red, positive blue, as the captions say


def test_shipped_results_show_the_papers_effect(data):
    """Acceptance of issue #4 on the shipped numbers (see REPRODUCTION.md)."""
    nets = data[0]["nets"]
    low, high = nets[N.LOW], nets[N.HIGH]
    assert all(high["rms"][k] < low["rms"][k] for k in N.LAYERS)
    assert high["robust"]["median_l2"] > low["robust"]["median_l2"]


def test_arch_figure_lists_every_layer():
    fig = Arch.make_arch()
    names = [a.text for a in fig.layout.annotations]
    shapes = next(t for t in fig.data if t.mode == "text")
    assert len(names) == len(shapes.text) == len(fig.layout.shapes) == len(Arch.ARCH)
    for (label, shape), name, dims in zip(Arch.ARCH, names, shapes.text, strict=True):
        assert label in name and dims == "×".join(map(str, shape))
    arrows = next(t for t in fig.data if t.mode == "lines+markers")
    assert arrows.marker.symbol == "arrow" and sum(1 for s in arrows.marker.size if s) == len(Arch.ARCH) - 1


def test_draw_figure_and_readout():
    img = np.zeros((28, 28))
    img[5:20, 14] = 255
    adv = (img * 0.5).astype(int).tolist()
    result = {
        "target": 3,
        "nets": {
            n: {
                "adversarial": adv,
                "l2": 1.5,
                "pred": 1,
                "pred_score": 0.9,
                "adv_target_score": 0.96,
                "steps": 400,
                "success": True,
            }
            for n in ("low", "high")
        },
    }
    fig = D.make_draw(img, result)
    cells = sorted(grid_cells(fig), key=lambda c: c[0])  # left to right: input, then per net adversarial, δ
    assert len(cells) == 5
    np.testing.assert_array_equal(cells[0][4], img)  # the input in whole grey levels
    np.testing.assert_array_equal(cells[1][4], np.asarray(adv))
    delta = (np.asarray(adv) - img) / 255
    for c in (cells[2], cells[4]):
        np.testing.assert_array_equal(c[4], levels(delta, -np.abs(delta).max(), np.abs(delta).max()))
    assert len(D.make_draw(None).layout.images) == 5
    assert "‖δ‖₂ = 1.50" in D.draw_readout(result)
    assert D.draw_readout(None) == ""


@pytest.mark.parametrize(
    "parse, good, bad",
    [
        (D.parse_index, [("0", 0), ("9999", 9999)], ["-1", "10000", "x", "1.5", ""]),
        (D.parse_target, [("0", 0), ("9", 9)], ["10", "-1", "a", ""]),
        (D.parse_source, [("test", "test"), ("drawing", "drawing")], ["", "photo"]),
    ],
)
def test_permalink_parsers(parse, good, bad):
    for raw, want in good:
        assert parse(raw) == want
    for raw in bad:
        with pytest.raises(ValueError):
            parse(raw)
    assert set(L.URL_STATE) == {"lnidx", "lntgt", "lnsrc"}


def test_missing_or_corrupt_results_give_messages(tmp_path, monkeypatch):
    _point_precomputed(monkeypatch, tmp_path)
    lenet_store.clear_cache()
    figs = L.static_figures()
    assert "lenet-analyze" in figs["errors"].layout.annotations[0].text
    adir = tmp_path / "lenet" / "analysis"
    shutil.copytree(SHIPPED / "lenet" / "analysis", adir)
    (adir / f"{N.HIGH}.npz").write_bytes(b"garbage")
    lenet_store.clear_cache()
    figs = L.static_figures()
    assert "unreadable" in figs["advs"].layout.annotations[0].text
    summary = json.loads((adir / "analysis.json").read_text())
    del summary["nets"][N.LOW]["rms"]
    (adir / "analysis.json").write_text(json.dumps(summary))
    (adir / f"{N.HIGH}.npz").unlink()
    shutil.copy(SHIPPED / "lenet" / "analysis" / f"{N.HIGH}.npz", adir)
    lenet_store.clear_cache()
    figs = L.static_figures()
    assert figs["table"].children  # a notice instead of a crash
    section = L.layout()
    assert section.id == "lenet"
    lenet_store.clear_cache()


def test_section_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, components.lenet as L; L.layout(); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=SHIPPED.parent, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_input_validation_in_the_page():
    with pytest.raises(ValueError, match="empty"):
        D.input_image("drawing", 0, [])
    with pytest.raises(ValueError):
        D.input_image("test", 10_000, None)
    with pytest.raises(ValueError):
        D.input_image("test", "abc", None)
    assert D.input_image("test", 7, None).shape == (28, 28)


def _copy_analysis(tmp_path, monkeypatch):
    _point_precomputed(monkeypatch, tmp_path)
    adir = tmp_path / "lenet" / "analysis"
    shutil.copytree(SHIPPED / "lenet" / "analysis", adir)
    lenet_store.clear_cache()
    return adir


def test_results_that_do_not_match_their_manifest_are_refused(tmp_path, monkeypatch):
    """A well-formed .npz with other numbers than the manifest's checksum: the section says so, draws nothing."""
    from store import artifacts

    adir = _copy_analysis(tmp_path, monkeypatch)
    arrays = artifacts.load_npz(adir / f"{N.HIGH}.npz")
    arrays["digits_adv"] = 255 - arrays["digits_adv"]
    (adir / f"{N.HIGH}.npz").write_bytes(artifacts.npz_bytes(arrays))
    try:
        figs = L.static_figures()
        for name in lenet_figures.FIGURES:
            text = figs[name].layout.annotations[0].text
            assert f"{N.HIGH}.npz" in text and "unreadable" in text and "lenet-analyze" in text
            assert str(tmp_path) not in text  # no paths of the server's disk in the page
        assert "unreadable" in figs["table"].children
    finally:
        lenet_store.clear_cache()


def test_a_broken_summary_that_matches_its_manifest_keeps_the_page(tmp_path, monkeypatch):
    """analysis.json without the RMS of one net, manifest rewritten to match: the table becomes a notice and the
    figures that do not need the RMS are still drawn."""
    from store import artifacts

    adir = _copy_analysis(tmp_path, monkeypatch)
    summary = json.loads((adir / "analysis.json").read_text())
    del summary["nets"][N.LOW]["rms"]
    (adir / "analysis.json").write_text(json.dumps(summary))
    old = artifacts.read_manifest(adir)
    artifacts.write_manifest(adir, old["family"], 1, old["params"], list(old["files"]), "test", 0.0)
    try:
        figs = L.static_figures()
        assert figs["table"].children == "The RMS table could not be built from the precomputed results."
        assert not figs["errors"].layout.annotations and len(figs["errors"].data) == 4
        assert len(figs["advs"].layout.images) == 50
    finally:
        lenet_store.clear_cache()


def test_nets_are_found_by_their_manifests():
    names = [net.name for net in lenet_store.nets()]
    assert set(names) >= {N.LOW, N.HIGH} and "analysis" not in names


def test_figures_take_any_number_of_nets(data):
    """The builders are not tied to the low/high pair: three nets give three rows of pictures and six curves."""
    summary, arrays = data
    keys = sorted(summary["nets"], key=lambda k: summary["nets"][k]["weight_decay"])[:3]
    assert len(T.make_errors(summary, keys).data) == 6
    assert len(T.make_weights(summary, arrays, keys).layout.images) == len(N.LAYERS) * 3 * 6
    assert len(A.make_advs(summary, arrays, keys).layout.images) == 10 + 3 * 20
    rows = T.rms_rows(summary, keys)
    assert len(rows) == 1 + len(N.LAYERS) and all(len(r) == 4 for r in rows)  # no low/high ratio for three nets
    assert len({N.color(k, n) for n, k in enumerate(keys)}) == 3
