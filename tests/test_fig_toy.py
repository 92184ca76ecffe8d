"""§1 toy figures: pure builders, mirror-image formulas, frames, permalink parsers, and real training on the toy set."""

from __future__ import annotations

import math

import numpy as np
import pytest

from components import toy as toy_section
from views import frames, toy, toy_training
from views import pictures as md
from views.figure_frames import figure_frames, plain


def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


@pytest.mark.parametrize("theta", [0.0, 0.3, math.pi / 4, 1.2, 0.99 * math.pi / 2])
def test_mirror_distance_is_1_6_cos_theta(theta):
    q = toy.mirror_quantities(theta)
    assert q["dist"] == pytest.approx(1.6 * math.cos(theta), abs=1e-12)
    assert q["d"] == pytest.approx(-0.8 * math.cos(theta), abs=1e-12)
    # x_p lies on the line, x_m on the other side at the same distance
    assert float(q["w"] @ q["x_p"]) == pytest.approx(0.0, abs=1e-12)
    assert float(q["w"] @ q["x_m"]) == pytest.approx(-q["d"], abs=1e-12)
    ro = toy.mirror_readouts(theta)
    assert float(ro[2]) == pytest.approx(1.6 * math.cos(theta), abs=6e-4)
    assert ro[2] == ro[3]  # measured ‖x − x_m‖ and the formula print the same number
    assert ro[4] == "J"


def test_mirror_borderline_cases():
    q0 = toy.mirror_quantities(0.0)
    np.testing.assert_allclose(q0["x_m"], [0.8, 0.0], atol=1e-12)  # a genuine J image: nothing adversarial
    q1 = toy.mirror_quantities(0.99 * math.pi / 2)
    assert np.linalg.norm(q1["x_m"] - q1["x"]) < 0.03  # looks like x ...
    assert float(q1["w"] @ q1["x_m"]) > 0  # ... but is classified J


def test_mirror_figure_places_points_and_images():
    theta = 1.0
    fig = toy.make_toy_mirror(theta)
    q = toy.mirror_quantities(theta)
    pts = next(t for t in fig.data if t.mode == "markers+text")
    assert list(pts.text) == ["x", "x_p", "x_m"]
    np.testing.assert_allclose([pts.x[2], pts.y[2]], q["x_m"], atol=1e-5)
    heat = [t for t in fig.data if t.type == "heatmap"]
    assert len(heat) == 2
    assert heat[1].z[1][1] == pytest.approx(q["x_m"][0], abs=1e-5)  # inner pixel of x_m
    assert heat[1].z[0][0] == pytest.approx(q["x_m"][1], abs=1e-5)  # outer pixel of x_m
    # the pictures on screen are layout images of the same values (the heatmaps under them are invisible)
    assert [h.opacity for h in heat] == [0, 0] and len(fig.layout.images) == 2
    for h, img in zip(heat, fig.layout.images, strict=True):
        levels = md.png_values(img.source, 0)
        np.testing.assert_array_equal(levels, np.rint((np.clip(np.array(h.z), -1, 1) + 1) / 2 * 255))
    assert "inner pixel" in fig.layout.xaxis.title.text and "outer pixel" in fig.layout.yaxis.title.text


@pytest.mark.parametrize("w,b", [((1.0, 0.0), 0.0), ((0.3, 0.9), 0.1), ((0.0, 1.0), -0.5), ((1.0, 1.0), 0.2)])
def test_line_in_box_endpoints_lie_on_line_and_box(w, b):
    xs, ys = toy.line_in_box(np.array(w), b)
    assert len(xs) == 2
    for x, y in zip(xs, ys, strict=True):
        assert w[0] * x + w[1] * y + b == pytest.approx(0.0, abs=1e-4)
        assert max(abs(x), abs(y)) == pytest.approx(1.0, abs=1e-4)


def test_line_missing_the_box_gives_no_segment():
    assert toy.line_in_box(np.array([1.0, 0.0]), 5.0) == ([], [])


def test_toy_space_image_shows_a_inside_b_outside():
    fig = toy.make_toy_space(-0.4, 0.7)
    z = np.array(_trace(fig, "image").z)
    assert z[1, 1] == pytest.approx(-0.4)
    assert np.allclose(np.delete(z.ravel(), 4), 0.7)
    point = _trace(fig, "(a, b)")
    assert (point.x[0], point.y[0]) == (-0.4, 0.7)


def test_lines_figure_boundary_is_perpendicular_to_w_theta():
    for theta in (0.0, 0.7, 1.5):
        fig = toy.make_toy_lines(theta)
        line = next(t for t in fig.data if t.name.startswith("𝓛_θ"))
        d = np.array([line.x[1] - line.x[0], line.y[1] - line.y[0]])
        assert abs(float(d @ toy.w_theta(theta))) < 1e-4


def test_frames_payload_round_trip_reproduces_every_frame():
    payload = toy.lines_frames()
    frames.validate(payload)
    assert len(payload["values"]) == 100 and payload["values"][-1] == pytest.approx(89.1)
    for k in (0, 37, 99):
        fig, ro = (
            frames.figure_at(payload["values"][k], toy.LINES_ID, payload),
            frames.readouts_at(payload["values"][k], payload),
        )
        expected = plain(toy.make_toy_lines(math.radians(payload["values"][k])))
        assert fig["data"] == expected["data"]
        assert ro[0].startswith(f"{payload['values'][k]:.1f}°")
    # off-grid and junk values: nearest frame, or nothing
    assert frames.readouts_at(1000, payload) == payload["frames"][-1]["readouts"]
    assert frames.compose(None, payload) is None
    assert frames.compose("nan", payload) is None
    assert frames.compose("abc", payload) is None


def test_frames_payload_rejects_mismatched_frames():
    with pytest.raises(ValueError):
        frames.from_figures([0, 1], {"f": [plain(toy.make_toy_lines(0.1))]}, ["r"], [["a"], ["b"]])
    with pytest.raises(ValueError):
        frames.from_figures(
            [0, 1], {"f": [plain(toy.make_toy_lines(0.1)), plain(toy.make_toy_classes())]}, ["r"], [["a"], ["b"]]
        )


def test_mirror_frames_readouts_follow_theta():
    payload = toy.mirror_frames()
    frames.validate(payload)
    dists = [float(f["readouts"][2]) for f in payload["frames"]]
    assert dists[0] == pytest.approx(1.6, abs=1e-3)
    assert all(a >= b for a, b in zip(dists, dists[1:], strict=False))  # shrinks as θ grows
    assert dists[-1] < 0.03


@pytest.mark.parametrize(
    "parse,good,expected",
    [
        (toy_section.parse_unit_coordinate, "0.33", 0.35),
        (toy_section.parse_unit_coordinate, "-1", -1.0),
        (toy_section.parse_theta_deg, "45", 45.0),
        (toy_section.parse_theta_deg, "89.1", 89.1),
        (toy_section.parse_theta_deg, "0.4", 0.0),
        (toy_section.parse_noisy_exponent, "-2", -2.0),
        (toy_section.parse_noisy_exponent, "-1.1", -1.0),
    ],
)
def test_parsers_accept_and_snap(parse, good, expected):
    assert parse(good) == pytest.approx(expected)


@pytest.mark.parametrize(
    "parse,bad",
    [
        (toy_section.parse_unit_coordinate, "1.5"),
        (toy_section.parse_unit_coordinate, "x"),
        (toy_section.parse_unit_coordinate, "nan"),
        (toy_section.parse_theta_deg, "90"),
        (toy_section.parse_theta_deg, "-1"),
        (toy_section.parse_theta_deg, ""),
        (toy_section.parse_noisy_exponent, "0.5"),
        (toy_section.parse_noisy_exponent, "inf"),
        (toy_section.parse_noisy_exponent, "1e999"),
    ],
)
def test_parsers_reject_bad_input(parse, bad):
    with pytest.raises(ValueError):
        parse(bad)


def test_url_state_names_the_controls():
    ids = {spec[0] for spec in toy_section.URL_STATE.values()}
    assert {"ctl-toy-theta", "ctl-mirror-theta", "ctl-noisy-lambda", "ctl-toy-a", "ctl-toy-b"} <= ids


# ---- F7: real training (needs models.toy, the linear engine's exact toy solver)


def test_noisy_point_fitted_at_small_lambda_ignored_at_large_lambda():
    toy_model = pytest.importorskip("models.toy")
    data = toy_training.noisy_fits()
    assert data is not None
    p = toy_model.P_NOISY
    for loss in ("hinge", "logistic"):
        w_small, b_small = data["fits"][loss][0]
        w_large, b_large = data["fits"][loss][-1]
        assert float(p @ w_small + b_small) < 0, f"{loss}: p should be on the I side at λ = 1e-4"
        assert float(p @ w_large + b_large) > 0, f"{loss}: p should be given up at λ = 0.1"
        assert toy_training.tilt(w_small) > toy_training.tilt(w_large) + 0.25  # the tilt really changes
    ro_small = toy_training.noisy_readouts(data, 0)
    assert (
        "p → I" in ro_small[1]
        and "p → J" in toy_training.noisy_readouts(data, len(toy_training.NOISY_EXPONENTS) - 1)[1]
    )


@pytest.mark.parametrize("loss", ["hinge", "logistic"])
@pytest.mark.parametrize("lam", [1e-3, 1e-1])
def test_toy_exact_optimum_matches_scikit_learn(loss, lam):
    toy_model = pytest.importorskip("models.toy")
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import SVC

    X, y = (np.asarray(a, float) for a in toy_model.toy_training_set())
    w, b = toy_model.fit_toy(loss, lam)
    C = 1.0 / (2.0 * lam * len(y))  # (1/n) Σ f + λ‖w‖²  ≡  ½‖w‖² + C Σ f with C = 1/(2λn)
    if loss == "hinge":
        ref = SVC(kernel="linear", C=C, tol=1e-10).fit(X, y)
    else:
        ref = LogisticRegression(C=C, tol=1e-12, max_iter=100000).fit(X, y)
    np.testing.assert_allclose(np.asarray(w, float), ref.coef_.ravel(), rtol=2e-3, atol=2e-3)
    assert float(b) == pytest.approx(float(ref.intercept_[0]), rel=2e-3, abs=2e-3)


def _ids(component) -> set[str]:
    """Every id in a Dash component tree."""
    out = set()
    stack = [component]
    while stack:
        c = stack.pop()
        if isinstance(c, (list, tuple)):
            stack.extend(c)
            continue
        if getattr(c, "id", None):
            out.add(c.id)
        kids = getattr(c, "children", None)
        if kids is not None and not isinstance(kids, str):
            stack.append(kids)
    return out


def test_toy_layout_has_every_stable_id():
    ids = _ids(toy_section.layout())
    assert {
        "fig-toy-space",
        "fig-toy-classes",
        "fig-toy-lines",
        "fig-toy-mirror",
        "fig-toy-noisy",
        "ctl-toy-theta",
        "ctl-mirror-theta",
        "ctl-noisy-lambda",
        "ctl-toy-a",
        "ctl-toy-b",
        "fig-toy-noisy-frames",
    } <= ids


def test_every_citation_and_footnote_anchor_exists():
    import re

    from components import closing, intro, linear_theory, neural

    ids = _ids(closing.layout())
    text = "".join(open(m.__file__).read() for m in (intro, toy_section, linear_theory, neural, closing))
    anchors = set(re.findall(r"\]\(#((?:ref|fn)-[a-z0-9-]+)\)", text))
    assert len(anchors) >= 10
    assert anchors <= ids, f"dangling anchors: {anchors - ids}"
    cited = {a for a in anchors if a.startswith("ref-")}
    listed = {i for i in ids if i.startswith("ref-")}
    assert listed <= cited, f"references never cited: {listed - cited}"


def test_cached_payload_survives_a_corrupt_cache_file(tmp_path, monkeypatch):
    import settings
    from store import cache

    monkeypatch.setenv("L2_CACHE_DIR", str(tmp_path))
    settings.reload()
    cache.forget()
    calls = []

    def make(k):
        calls.append(1)
        return toy.make_toy_lines(0.2)

    def cached():
        return figure_frames("t", "k", toy.LINES_ID, [0.0], make, lambda k: ["x"], ["ro-x"])

    first = cached()
    (path,) = list((tmp_path / "frames").iterdir())
    path.write_text("{ not json")
    cache.forget()
    second = cached()
    assert first == second and len(calls) == 2
    cache.forget()
    assert cached() == first and len(calls) == 2  # now read from disk


def test_noisy_figure_draws_trained_boundaries_and_margins():
    data = toy_training.noisy_fits()
    k = 3
    fig = toy_training.make_toy_noisy(data, k)
    w, b = data["fits"]["hinge"][k]
    margins = [t for t in fig.data if t.name == "hinge margin (s = ±1)"]
    assert len(margins) == 2
    for t, side in zip(margins, (-1.0, 1.0), strict=True):
        for x, y in zip(t.x, t.y, strict=True):
            assert float(w @ [x, y] + b) == pytest.approx(side, abs=1e-3)
    for loss in ("hinge", "logistic"):
        line = next(t for t in fig.data if t.name == f"{loss} boundary")
        w, b = data["fits"][loss][k]
        assert all(abs(float(w @ [x, y] + b)) < 1e-3 for x, y in zip(line.x, line.y, strict=True))
    assert len([t for t in fig.data if t.name == "p (noisy, labelled I)"]) == 1


def test_figures_lay_out_once_without_automargin():
    """The article's template is Plotly's look without axis automargin (a second layout pass per figure on
    page load); the margins base_layout sets leave room for the axis titles instead."""
    import plotly.graph_objects as go

    from components import common

    for fig in (toy.make_toy_lines(0.5), toy.make_toy_mirror(0.5), common.base_layout(go.Figure())):
        full = fig.to_plotly_json()["layout"]
        assert full["template"]["layout"]["xaxis"].get("automargin") is None
        assert full["template"]["layout"]["yaxis"].get("automargin") is None
        assert full["template"]["layout"]["plot_bgcolor"] == "#E5ECF6"  # the rest of plotly's template is kept
        assert "automargin" not in str({k: v for k, v in full.items() if k != "template"})
        assert "automargin" not in str(full["template"]["layout"])
    assert common.base_layout(go.Figure()).layout.margin.b == 58
    # frames built with another common.py (template, margins) are never reused from the cache
    # frames built with another views/style.py (template, margins: what common.base_layout is) are never reused
    from store.cache import source_digest
    from views import figure_frames as ff
    from views import style

    assert common.base_layout is style.base_layout and style.__file__.endswith("style.py")
    assert ff.frames_key() == source_digest(ff.__file__, frames.__file__, style.__file__)


def test_class_examples_are_pictures_of_their_images():
    """F3's six examples: layout images (no heatmaps) of toy_image(a, 0) on their own square picture axes."""
    fig = toy.make_toy_classes()
    assert not [t for t in fig.data if t.type == "heatmap"]
    examples = [-1.0, -0.6, -0.2, 0.2, 0.6, 1.0]
    assert len(fig.layout.images) == len(examples)
    for k, (a, img) in enumerate(zip(examples, fig.layout.images, strict=True)):
        assert (img.xref, img.yref) == (f"x{k + 2}", f"y{k + 2}")
        levels = md.png_values(img.source, 0)
        np.testing.assert_array_equal(levels, np.rint((np.array(toy.toy_image(a, 0.0)) + 1) / 2 * 255))
        assert list(fig.layout[f"yaxis{k + 2}"].range) == [2.5, -0.5]  # row 0 at the top, as the heatmap drew it
    titles = [a.text for a in fig.layout.annotations]
    assert titles[1:] == [f"{'I' if a < 0 else 'J'}: a = {a:+.1f}" for a in examples]
