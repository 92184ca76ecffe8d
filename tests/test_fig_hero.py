"""F1 (hero) builder and frames on real MNIST 2 vs 3 data, checked against models.geometry."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from components import hero
from models import geometry
from tests.test_fig_svm_support import fake_sweep
from views import hero as hero_view
from views import pictures
from views.frames import figure_at, validate
from views.pair_models import pair_context


def make_hero(data: dict, k: int) -> go.Figure:
    """F1 at grid index k, as the page draws it (views.frames.figure_at)."""
    return go.Figure(figure_at(k, "fig-hero", data))


def opened_with(player, sets) -> tuple[dict, list[str]]:
    """The figure and readout texts a frame player's parts open with."""
    parts = player.parts(sets)
    return parts.graphs[0].figure, [c.children for c in parts.readouts.children if getattr(c, "id", None)]


@pytest.fixture(scope="module")
def sweep():
    return fake_sweep(2, 3, "hinge")


@pytest.fixture(scope="module")
def data(sweep):
    return hero_view.hero_frames(sweep, pair_context(2, 3))


def test_hero_traces_and_centroid_images(data, sweep):
    fig = make_hero(data, 40)
    assert [t.type for t in fig.data] == ["scatter"] * 6
    # the mean digits: pictures on the two small subplots, in whole percent of ink
    pics = fig.layout.images
    assert [(p.xref, p.yref) for p in pics] == [("x2", "y2"), ("x3", "y3")]
    assert np.allclose(pictures.png_values(pics[0].source, 0) / 100, sweep.centroid_i.reshape(28, 28), atol=0.006)
    assert np.allclose(pictures.png_values(pics[1].source, 0) / 100, sweep.centroid_j.reshape(28, 28), atol=0.006)
    n_shown = len(fig.data[1].x) + len(fig.data[2].x)
    assert 200 <= n_shown <= 1000  # a few hundred per class, not all 6000
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_hero_band_is_two_d_adv_wide_and_boundary_is_exact(data, sweep):
    cx = pair_context(2, 3)
    for k in (0, 40, 80):
        fig = make_hero(data, k)
        w, b = sweep.W[k], sweep.bias[k]
        z, n = geometry.tilting_basis(w, sweep.centroid_i, sweep.centroid_j)
        nw = np.linalg.norm(w)
        c, s = w @ z / nw, w @ n / nw
        # every corner of the band is at distance ±d_adv from the boundary
        dist = [c * u + s * v + b / nw for u, v in zip(fig.data[0].x, fig.data[0].y, strict=True)]
        assert np.allclose(np.abs(dist), sweep.d_adv[k], atol=5e-3)
        # displayed points: signed distances computed in the plane equal those in image space
        X = cx.X_train[cx.shown][cx.y_train[cx.shown] > 0]
        u, v = np.asarray(fig.data[2].x), np.asarray(fig.data[2].y)
        assert np.allclose(c * u + s * v + b / nw, geometry.signed_distance(X, w, b), atol=5e-3)


def test_hero_readouts_follow_the_sweep(data, sweep):
    for k in (10, 40, 70):
        lam, err, dadv, theta = data["frames"][k]["readouts"]
        assert float(err.rstrip(" %")) == pytest.approx(sweep.err_train[k], abs=0.006)
        assert float(dadv) == pytest.approx(sweep.d_adv[k], rel=2e-3)
        assert float(theta.split("°")[0]) == pytest.approx(np.degrees(sweep.theta[k]), abs=0.06)


def test_boundary_tilts_away_from_the_centroid_direction_as_lambda_decreases(data):
    """The boundary's normal in the plane is (cos θ, sin θ): its angle grows as λ shrinks."""
    angles = []
    for k in (80, 60, 40, 20, 0):
        (u0, u1), (v0, v1) = make_hero(data, k).data[4].x, make_hero(data, k).data[4].y
        angles.append(np.degrees(np.arctan2(v1 - v0, u1 - u0)))
    assert all(a < b for a, b in zip(angles, angles[1:], strict=False)), angles


def test_missing_sweep_gives_a_message_figure(monkeypatch):
    from store.artifacts import ArtifactError

    def broken():
        raise ArtifactError("no such file")

    monkeypatch.setattr(hero, "cached_frames", broken)
    p = hero.frames()
    validate(p)
    fig = make_hero(p, 40)
    assert "no such file" in p["key"]["message"] and fig.layout.annotations[0].text == p["key"]["message"]


def test_real_sweep_reproduces_the_papers_operating_point():
    """With the shipped 2 vs 3 hinge sweep: at λ = 10^-2 the paper reports err_train ≈ 2.6 %, d_adv ≈ 1.5."""
    from store import sweeps

    try:
        s = sweeps.load_sweep(2, 3, "hinge")
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"2 vs 3 hinge sweep not available: {exc}")
    k = int(np.argmin(np.abs(np.log10(s.lam) + 2)))
    assert 1.0 < s.err_train[k] < 5.0 and 0.8 < s.d_adv[k] < 2.5
    p = hero_view.hero_frames(s, pair_context(2, 3))
    assert float(p["frames"][k]["readouts"][2]) == pytest.approx(s.d_adv[k], rel=2e-3)


def test_vendored_plotly_bundle_is_the_version_plotly_py_ships_and_draws_every_trace_type():
    """dcc.Graph uses window.Plotly when an asset defines it: assets/vendor holds the article's own plotly.js build
    (scripts/plotly_bundle: the core plus the trace types it registers) of exactly the version plotly.py ships,
    and only that one, so figures built in Python fit it; every trace type the page draws is in it."""
    import json
    import re
    from pathlib import Path

    import plotly.io as pio
    from plotly.offline import get_plotlyjs_version

    from components import page

    root = Path(__file__).resolve().parents[1]
    vendor = root / "assets" / "vendor"
    bundles = sorted(p.name for p in vendor.glob("plotly*.js"))
    version = get_plotlyjs_version()
    assert bundles == [f"plotly-article-{version}.min.js"]
    assert f"plotly.js (article: core + heatmap - minified) v{version}" in (vendor / bundles[0]).read_text()[:300]
    build = root / "scripts" / "plotly_bundle"
    assert json.loads((build / "package.json").read_text())["devDependencies"]["plotly.js"] == version
    registered = {"scatter"} | set(
        re.findall(r"require\('plotly\.js/lib/(\w+)'\)", (build / "entry.js").read_text())
    ) - {"core"}
    assert registered == {"scatter", "heatmap"}

    used = set()

    def walk(c):
        fig = getattr(c, "figure", None)
        if fig is not None:
            d = fig if isinstance(fig, dict) else json.loads(pio.to_json(fig, validate=False))
            used.update(t.get("type", "scatter") for t in d.get("data") or [])
        kids = getattr(c, "children", None)
        for k in kids if isinstance(kids, list | tuple) else [kids]:
            if hasattr(k, "to_plotly_json"):
                walk(k)

    walk(page.layout())
    assert used and used <= registered, used - registered
    # figures made later by callbacks come from the same modules: no trace class outside the bundle there either
    sources = " ".join(p.read_text() for d in ("components", "views") for p in (root / d).glob("**/*.py"))
    classes = set(re.findall(r"\bgo\.([A-Z][a-z]\w*)\(", sources)) - {"Figure"}
    assert {c.lower() for c in classes} <= registered, classes


def test_page_opens_with_the_default_frame_drawn_and_its_readouts(data, monkeypatch):
    """The hero comes drawn with the page at λ = 10^-2 (first_view) and its frames follow as a file; a broken sweep
    gives the message figure and dashes, never an exception."""
    fig, texts = opened_with(hero.PLAYER, [data])
    assert go.Figure(fig) == make_hero(data, hero.DEFAULT_LAM_INDEX)
    assert texts == list(data["frames"][hero.DEFAULT_LAM_INDEX]["readouts"]) and "–" not in texts
    assert texts[0].endswith("= 0.01")

    def unreadable():
        raise OSError("the 2 vs 3 sweep could not be read")

    monkeypatch.setattr(hero, "cached_frames", unreadable)
    msg, dashes = opened_with(hero.PLAYER, [hero.frames()])
    assert dashes == ["–"] * len(hero.READOUT_IDS)
    msg = go.Figure(msg)
    assert msg.layout.annotations and msg.layout.annotations[0].text


def test_svm_views_open_drawn_and_named_for_the_browser():
    """The three MNIST views come drawn at the default (pair, loss, λ), each naming that frame in layout.meta so the
    browser takes them as drawn (assets/player.js) instead of drawing them again when the answer file arrives."""
    from components import svm
    from views import answers
    from views.frames import readouts_at
    from views.mnist_params import DEFAULT_LAM_INDEX, DEFAULT_LOSS, DEFAULT_PAIR

    frames, mirror, _note = answers.layers_for(DEFAULT_PAIR, DEFAULT_LOSS)
    if "message" in frames.get("key", {}):
        pytest.skip(f"default sweep not available: {frames['key']['message']}")
    parts = svm.PLAYER.parts([frames, mirror, None])
    figs = [g.figure for g in parts.graphs]
    view = {"pair": DEFAULT_PAIR, "loss": DEFAULT_LOSS, "k": DEFAULT_LAM_INDEX}
    assert [f["layout"]["meta"]["l2view"] for f in figs] == [view] * 3
    texts = [parts.texts[rid] for rid, _ in svm.PLAYER.readout_items]
    assert len(texts) == 8 and "–" not in texts
    k = DEFAULT_LAM_INDEX
    assert (
        texts
        == readouts_at(k, frames, mirror)
        == list(frames["frames"][k]["readouts"]) + list(mirror["frames"][k]["readouts"])
    )
    assert figs[1]["data"] == figure_at(k, "fig-svm-plane", frames, mirror)["data"]
