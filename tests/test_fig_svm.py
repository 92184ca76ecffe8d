"""F10–F12 figure builders and their frame data, checked against models.geometry on real MNIST data.

The sweep is a test double with the artifact's fields (tests/test_fig_svm_support.py: ridge fits on
the 2 vs 3 training set), so these tests do not depend on the shipped sweep artifacts.
"""

from __future__ import annotations

import json

import numpy as np
import plotly
import plotly.graph_objects as go
import pytest

import settings
import store.cache
import store.sweeps
from models import geometry
from tests.test_fig_svm_support import fake_sweep
from views import answers, svm_loss, svm_mirror, svm_sets
from views import pictures as md  # the picture codec (png_values)
from views.frames import figure_at, readouts_at, validate
from views.mnist_params import parse_lam_index, parse_lam_value, parse_pair
from views.pair_models import PER_CLASS_SHOWN, pair_context, rows_from_model, rows_from_sweep
from views.plane import plane_frame, plane_frames


@pytest.fixture(autouse=True)
def fake_grid(monkeypatch):
    """The views read the shipped sweeps; here they get the test double instead (and forget what they held)."""
    monkeypatch.setattr(store.sweeps, "load_sweep", lambda a, b, loss, folder=None: fake_sweep(a, b, loss))
    answers.clear_memory()
    yield
    answers.clear_memory()


@pytest.fixture(scope="module")
def sweep():
    return fake_sweep(2, 3, "hinge")


@pytest.fixture(scope="module")
def cx():
    return pair_context(2, 3)


@pytest.fixture()
def payload():
    """The sweep's frame set of the three views (with the test double)."""
    return answers.sweep_frames(2, 3, "hinge")


@pytest.fixture(scope="module")
def pf(sweep, cx):
    return plane_frames(sweep.W, sweep.bias, sweep.centroid_i, sweep.centroid_j, cx.X_train[cx.shown])


def make_svm_loss(payload, k):
    return go.Figure(figure_at(k, "fig-svm-loss", payload))


def make_svm_plane(payload, k):
    return go.Figure(figure_at(k, "fig-svm-plane", payload))


def make_svm_mirror(payload, mirror, k):
    return go.Figure(figure_at(k, "fig-svm-mirror", payload, mirror))


def mirror_layer(xset, xi, yset, yi):
    """The mirror layer of chosen images and its note (what the section's server callbacks compute)."""
    _, layer, note = answers.layers_for("2-3", "hinge", xset, xi, yset, yi)
    return layer, note


def test_plane_basis_is_the_tilting_basis_of_geometry(sweep, pf):
    for k in (0, 20, 40, 60, 80):
        z, n = geometry.tilting_basis(sweep.W[k], sweep.centroid_i, sweep.centroid_j)
        assert np.allclose(pf.z_hat, z, atol=1e-9)
        assert np.allclose(pf.N_hat[k], n, atol=1e-7)
        assert np.isclose(np.arctan2(pf.sin[k], pf.cos[k]), sweep.theta[k], atol=1e-7)


def test_plane_coordinates_reproduce_signed_distances(sweep, cx, pf):
    """w ∈ span(ẑ, n̂), so cos θ·u + sin θ·v + b/‖w‖ is exactly d(x) for every displayed point."""
    X = cx.X_train[cx.shown]
    for k in (0, 33, 66, 80):
        d_plane = pf.cos[k] * pf.u + pf.sin[k] * pf.V[k] + pf.offset[k]
        assert np.allclose(d_plane, geometry.signed_distance(X, sweep.W[k], sweep.bias[k]), atol=1e-9)


def test_boundary_and_band_lines_have_the_right_signed_distances(sweep, pf):
    for k in (5, 40, 75):
        fr = plane_frame(pf, k, float(sweep.d_adv[k]))
        c, s, off = pf.cos[k], pf.sin[k], pf.offset[k]
        for u, v in zip(*fr["boundary"], strict=True):
            assert abs(c * u + s * v + off) < 5e-3  # rounded to 3 decimals
        dist = [c * u + s * v + off for u, v in zip(*fr["band"], strict=True)]
        d = float(sweep.d_adv[k])
        assert np.allclose(sorted(dist[:4]), [-d, -d, d, d], atol=5e-3)
        # the ŵ arrow starts on the boundary and points along +w
        (u0, u1), (v0, v1) = fr["arrow"]
        assert abs(c * u0 + s * v0 + off) < 5e-3 and c * u1 + s * v1 + off > 0.5


def test_plane_figure_traces_axes_and_frame_data(payload, sweep, pf, cx):
    validate(payload)
    k = 40
    fig = make_svm_plane(payload, k)
    names = [t.name for t in fig.data]
    assert names[:6] == ["band ±d_adv", "class I", "class J", "boundary", "ŵ", "centroids"]
    assert len(fig.data) == 6 and len(fig.layout.images) == 1  # w is a picture (layout image), not a trace
    y_shown = cx.y_train[cx.shown]
    assert np.allclose(fig.data[1].y, pf.V[k][y_shown < 0], atol=1e-3)
    assert np.allclose(fig.data[2].x, pf.u[y_shown > 0], atol=1e-3)
    assert len(fig.data[1].y) == len(fig.data[1].x) == PER_CLASS_SHOWN
    assert "ẑ" in fig.layout.xaxis.title.text and "n̂" in fig.layout.yaxis.title.text
    w_img = md.png_values(fig.layout.images[0].source, -100).astype(float)
    assert w_img.shape == (28, 28) and np.abs(w_img).max() == 100
    assert fig.layout.images[0].xref == "x2" and fig.layout.images[0].sizex == 28
    assert np.allclose(w_img / 100, (sweep.W[k] / np.abs(sweep.W[k]).max()).reshape(28, 28), atol=0.006)
    # the centroids i and j sit at their plane coordinates
    ci = (sweep.centroid_i @ pf.z_hat, sweep.centroid_i @ pf.N_hat[k])
    assert np.allclose([fig.data[5].x[0], fig.data[5].y[0]], ci, atol=1e-3)


def test_points_move_as_lambda_changes(payload):
    a, b = make_svm_plane(payload, 0), make_svm_plane(payload, 80)
    assert a.data[1].x == b.data[1].x  # u = x·ẑ does not depend on λ
    assert not np.allclose(a.data[1].y, b.data[1].y)  # v = x·n̂ does


def test_loss_figure_histograms_loss_tick_and_lambda_marker(payload, sweep):
    for k in (10, 40, 70):
        fig = make_svm_loss(payload, k)
        # step lines over the bin edges: one count per bin, the last repeated at the last right edge
        assert list(fig.data[0].x) == pytest.approx(list(sweep.hist_edges), abs=1e-4)
        assert list(fig.data[0].y[:-1]) == list(sweep.hist_I[k]) and list(fig.data[1].y[:-1]) == list(sweep.hist_J[k])
        assert fig.data[0].y[-1] == fig.data[0].y[-2] and fig.data[0].line.shape == "hv"
        z, f = np.asarray(fig.data[2].x), np.asarray(fig.data[2].y)
        expect = np.minimum(np.maximum(1 - sweep.w_norm[k] * z, 0), 50)
        assert np.allclose(f, expect, atol=2e-3)
        assert np.allclose(fig.data[3].x, 1 / sweep.w_norm[k], rtol=1e-4)
        assert fig.data[7].x[0] == pytest.approx(sweep.lam[k])
        assert list(fig.data[8].y) == pytest.approx([sweep.err_train[k], sweep.err_test[k]], abs=1e-3)
    assert fig.layout.xaxis2.type == "log"
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_logistic_loss_curve_is_the_scaled_softplus():
    z = np.linspace(-2, 2, 9)
    assert np.allclose(svm_loss.loss_curve("logistic", 3.0, z), np.log1p(np.exp(-3.0 * z)))
    assert np.allclose(svm_loss.loss_curve("hinge", 3.0, z), np.maximum(1 - 3.0 * z, 0))


def test_mirror_frames_are_reflections_through_the_boundary(payload, sweep, pf, cx):
    mir, note = mirror_layer("test", 5, "train", None)
    assert note == ""
    validate(mir, over=payload)
    x, y = svm_mirror.pick_image(cx, -1.0, "test", 5)[0], svm_mirror.pick_image(cx, 1.0, "train", None)[0]
    for k in (3, 40, 77):
        w, b = sweep.W[k], sweep.bias[k]
        fr = mir["frames"][k]
        upd = fr["views"]["fig-svm-mirror"]
        xm, ym = geometry.mirror_image(x, w, b), geometry.mirror_image(y, w, b)
        pictures = upd["images"]  # pictures x_m and y_m, ink clamped to [0, 1]
        assert np.allclose(md.png_values(pictures["y_m"], 0) / 100, np.clip(ym, 0, 1).reshape(28, 28), atol=0.006)
        assert np.allclose(md.png_values(pictures["x_m"], 0) / 100, np.clip(xm, 0, 1).reshape(28, 28), atol=0.006)
        dx = geometry.signed_distance(x, w, b)
        assert geometry.signed_distance(xm, w, b) == pytest.approx(-dx, abs=1e-9)
        assert float(fr["readouts"][0]) == pytest.approx(2 * abs(dx), abs=1e-3)
        # in the plane the mirror is the point moved by −2 d(x) along (cos θ, sin θ)
        u, v = x @ pf.z_hat, x @ pf.N_hat[k]
        assert upd["traces"]["mirrors"]["x"][0] == pytest.approx(u - 2 * dx * pf.cos[k], abs=1e-3)
        assert upd["traces"]["mirrors"]["y"][0] == pytest.approx(v - 2 * dx * pf.sin[k], abs=1e-3)
    fig = make_svm_mirror(payload, mir, 40)
    assert len(fig.data) == 4 and len(fig.layout.images) == 4  # x, x_m, y, y_m as pictures
    assert np.allclose(md.png_values(fig.layout.images[0].source, 0) / 100, x.reshape(28, 28), atol=0.006)
    assert [im.xref for im in fig.layout.images] == ["x2", "x3", "x4", "x5"]


def test_bad_image_index_falls_back_with_a_note(cx):
    _, k, note = svm_mirror.pick_image(cx, -1.0, "train", 10**6)
    assert k == 0 and "outside" in note
    mir, note = mirror_layer("train", "abc", "bogus", -3)
    assert mir["frames"] and "whole number" in note


def test_payloads_are_compact(payload):
    main = json.dumps(payload, cls=plotly.utils.PlotlyJSONEncoder)
    mir, _ = mirror_layer("train", None, "train", None)
    assert len(main) < 1_000_000, len(main)
    assert len(json.dumps(mir)) < 600_000
    assert len(payload["frames"]) == 81


def test_readouts_are_numbers_with_units(sweep):
    rows = rows_from_sweep(sweep)
    ro = svm_sets.model_readouts(rows, 40)
    assert ro[0].startswith("10^-2.0")
    assert ro[2].endswith("%") and float(ro[2].rstrip(" %")) == pytest.approx(sweep.err_train[40], abs=0.01)
    assert "°" in ro[4]


def test_off_grid_model_rows_agree_with_geometry(sweep, cx):
    """An off-grid model's metrics are computed from (w, b) alone; they must match the sweep's for a grid w."""
    k = 40
    rows = rows_from_model(
        sweep.W[k], sweep.bias[k], sweep.lam[k], cx, sweep.centroid_i, sweep.centroid_j, sweep.hist_edges
    )
    assert rows.err_train[0] == pytest.approx(sweep.err_train[k])
    assert rows.err_test[0] == pytest.approx(sweep.err_test[k])
    assert rows.d_adv[0] == pytest.approx(sweep.d_adv[k])
    assert rows.theta[0] == pytest.approx(sweep.theta[k])
    assert list(rows.hist_I[0]) == list(sweep.hist_I[k])
    # the identity d_adv = ½‖j − i‖ cos θ on balanced data
    assert rows.d_adv[0] == pytest.approx(
        0.5 * np.linalg.norm(sweep.centroid_j - sweep.centroid_i) * np.cos(sweep.theta[k]), rel=1e-6
    )


@pytest.mark.parametrize("raw", ["7-7", "abc", "1-10", "", "3-"])
def test_bad_pairs_are_rejected_and_payload_says_why(raw):
    with pytest.raises(ValueError):
        parse_pair(raw)
    p, _, _ = answers.layers_for(raw, "hinge")
    assert "message" in p["key"] and set(p["views"]) == {"fig-svm-loss", "fig-svm-plane", "fig-svm-mirror"}


def test_missing_sweep_becomes_a_message(monkeypatch):
    from store.artifacts import ArtifactError

    def broken(a, b, loss):
        raise ArtifactError("checksum mismatch")

    monkeypatch.setattr(store.sweeps, "load_sweep", broken)
    p, _, _ = answers.layers_for("4-9", "logistic")
    assert "checksum mismatch" in p["key"]["message"] and "precompute" in p["key"]["message"]


@pytest.mark.parametrize(
    "raw,ok", [("40", True), ("0", True), ("80", True), ("81", False), ("-1", False), ("abc", False), ("4.5", False)]
)
def test_lambda_index_parser(raw, ok):
    if ok:
        assert parse_lam_index(raw) == int(raw)
    else:
        with pytest.raises(ValueError):
            parse_lam_index(raw)


@pytest.mark.parametrize("raw", ["nan", "inf", "-1", "1e3", "0", "x"])
def test_off_grid_lambda_parser_rejects(raw):
    with pytest.raises(ValueError):
        parse_lam_value(raw)


def test_plane_basis_fallback_when_theta_is_zero(sweep):
    i, j = sweep.centroid_i, sweep.centroid_j
    W = np.stack([sweep.W[10], (j - i) * 3.0])  # the second model has θ = 0
    z, N = geometry.tilting_bases(W, i, j)
    assert np.allclose(N[1], N[0])  # borrowed from the neighbouring model
    z, N = geometry.tilting_bases(W[1:], i, j)
    assert abs(N[0] @ z) < 1e-12 and np.isclose(np.linalg.norm(N[0]), 1)


# ----------------------------------------------------------------------------------------------
# The (pair, loss) answer files fetched by the browser (views.answers, /svm-data/…)


@pytest.fixture()
def answer_cache(tmp_path, monkeypatch):
    """An empty answer cache and empty per-process memos (the answers are built from the test double)."""
    monkeypatch.setenv("L2_CACHE_DIR", str(tmp_path))
    settings.reload()
    answers.clear_memory()
    yield tmp_path
    answers.clear_memory()


STATUS = {"ok": 200, "bad-choice": 400, "unavailable": 503}  # what serving answers for each kind


def answer_gz(pair: str, loss: str) -> tuple[int, bytes]:
    ans = answers.answer(pair, loss)
    return STATUS[ans.kind], ans.gz


def _decode(gz: bytes) -> dict:
    import gzip

    return json.loads(gzip.decompress(gz))


def test_answer_file_holds_every_frame_and_the_typical_mirrors(answer_cache):
    status, gz = answer_gz("2-3", "hinge")
    assert status == 200
    ans = _decode(gz)
    assert ans["frames"]["key"]["pair"] == "2-3" and len(ans["frames"]["frames"]) == 81
    assert ans["mirror"]["over"]["pair"] == "2-3" and len(ans["mirror"]["frames"]) == 81
    # the same content the server callback sends (one source of truth), and written once to the cache
    assert ans["frames"] == json.loads(json.dumps(answers.layers_for("2-3", "hinge")[0]))
    validate(ans["frames"])
    validate(ans["mirror"], over=ans["frames"])
    path = answers.answer_path(2, 3, "hinge")
    assert path.read_bytes() == gz and not path.with_suffix(".lock").exists()


def test_answer_is_built_once_across_concurrent_requests(answer_cache, monkeypatch):
    import threading
    import time

    calls = []
    real = answers.pair_answer

    def slow(a, b, loss):
        calls.append((a, b, loss))
        time.sleep(0.3)
        return real(a, b, loss)

    monkeypatch.setattr(answers, "pair_answer", slow)
    out = []
    threads = [threading.Thread(target=lambda: out.append(answer_gz("7-9", "logistic"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({gz for _, gz in out}) == 1 and all(st == 200 for st, _ in out)


def test_answer_cache_file_that_is_corrupt_or_unwritable_is_not_fatal(answer_cache, monkeypatch):
    status, gz = answer_gz("2-3", "hinge")
    answers.clear_memory()
    # a read-only cache folder: the answer is still served, built in memory
    monkeypatch.setattr(store.cache, "atomic_write_bytes", lambda *a: (_ for _ in ()).throw(OSError("read-only")))
    status2, gz2 = answer_gz("2-4", "hinge")
    assert status2 == 200 and _decode(gz2)["frames"]["key"]["pair"] == "2-4"


@pytest.mark.parametrize("pair,loss,status", [("7-7", "hinge", 400), ("2-3", "rbf", 400), ("abc", "hinge", 400)])
def test_bad_answer_requests_say_why(answer_cache, pair, loss, status):
    st, gz = answer_gz(pair, loss)
    ans = _decode(gz)
    assert st == status and "Invalid choice" in ans["frames"]["key"]["message"]
    assert set(ans["frames"]["views"]) == {"fig-svm-loss", "fig-svm-plane", "fig-svm-mirror"}
    assert not list(answer_cache.rglob("*.json.gz"))


def test_missing_sweep_answers_503_with_a_message_and_is_not_cached(answer_cache, monkeypatch):
    from store.artifacts import ArtifactError

    def broken(a, b, loss):
        raise ArtifactError("checksum mismatch")

    monkeypatch.setattr(store.sweeps, "load_sweep", broken)
    st, gz = answer_gz("4-9", "logistic")
    assert st == 503 and "checksum mismatch" in _decode(gz)["frames"]["key"]["message"]
    assert not list(answer_cache.rglob("*.json.gz"))


def test_answer_key_follows_the_sweeps_manifest(tmp_path, monkeypatch):
    (tmp_path / "sweeps").mkdir()
    manifest = tmp_path / "sweeps" / "manifest.json"
    manifest.write_text('{"files": {}}')
    monkeypatch.setenv("L2_PRECOMPUTED", str(tmp_path))
    settings.reload()
    k1 = answers.answer_key()
    manifest.write_text('{"files": {"sweep-23-hinge.npz": {}}}')
    k2 = answers.answer_key()
    assert k1 != k2 and k1.split("-")[0] == k2.split("-")[0]  # same code, new data


def test_warm_answers_builds_what_is_missing(answer_cache):
    counts = answers.warm([(2, 3), (0, 1)], losses=("hinge",))
    assert counts == {"built": 2, "present": 0, "failed": 0}
    assert answers.warm([(2, 3), (0, 1)], losses=("hinge",)) == {"built": 0, "present": 2, "failed": 0}
    assert answers.answer_path(0, 1, "hinge").exists()


@pytest.mark.parametrize("shape", ["w and b only", "metrics", "metrics and plane"])
def test_an_off_grid_answer_is_shown_as_returned(sweep, pf, shape):
    """The worker's fit-lambda answer becomes a one-frame set over the sweep and its mirror layer; given a grid
    model, what it shows is that grid frame, whichever of its fields the answer carries (the rest computed from w)."""
    from views.offgrid import offgrid_layers

    k = 33
    result = {"w": sweep.W[k].tolist(), "bias": float(sweep.bias[k])}
    if shape != "w and b only":
        result |= {m: float(getattr(sweep, m)[k]) for m in ("err_train", "err_test", "d_adv", "theta", "w_norm")}
        result |= {"hist_I": sweep.hist_I[k].tolist(), "hist_J": sweep.hist_J[k].tolist()}
    if shape == "metrics and plane":
        plane = {"cos": pf.cos[k], "sin": pf.sin[k], "offset": pf.offset[k], "ci": pf.ci[k].tolist()}
        result |= {"v": pf.V[k].tolist(), "plane": plane | {"cj": pf.cj[k].tolist()}}
    model = {"pair": [2, 3], "loss": "hinge", "lam": float(sweep.lam[k]), "result": result}
    layers = offgrid_layers(model, ("train", None, "train", None))
    frames = answers.sweep_frames(2, 3, "hinge")
    typical = answers.typical_mirrors(2, 3, "hinge")
    validate(layers[0], over=frames)
    assert layers[0]["key"] == {"pair": "2-3", "loss": "hinge", "lam": float(sweep.lam[k])}
    assert layers[1]["over"] == layers[0]["key"]
    for fig_id in ("fig-svm-loss", "fig-svm-plane", "fig-svm-mirror"):
        shown = figure_at(70, fig_id, frames, typical, *layers)  # at any slider value: the off-grid model
        grid = figure_at(k, fig_id, frames, typical)
        for a, b in zip(shown["data"], grid["data"], strict=True):
            for prop in ("x", "y"):
                assert np.allclose(np.asarray(a.get(prop, []), dtype=float), np.asarray(b.get(prop, []), dtype=float),
                                   atol=2e-3, equal_nan=True), (fig_id, a.get("uid"), prop)  # fmt: skip
    assert readouts_at(70, frames, typical, *layers) == readouts_at(k, frames, typical)
