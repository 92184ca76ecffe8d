"""The one frame format (views/frames.py): producers, the schema check, layers, phone layouts, published files."""

from __future__ import annotations

import gzip
import json

import plotly.graph_objects as go
import pytest

from views import frames as F


def line_figure(t: float, picture: str = "a") -> dict:
    """A small complete figure: a moving line, a fixed line, a picture named ``pic``."""
    fig = go.Figure(
        [
            go.Scatter(x=[0, 1], y=[t, 2 * t], uid="moving", name="moving"),
            go.Scatter(x=[0, 1], y=[0, 0], uid="still", name="still"),
        ]
    )
    fig.add_layout_image(name="pic", source=picture, x=0, y=0, sizex=1, sizey=1)
    fig.update_layout(meta={"l2phone": {"xaxis.domain": [0, 1], "images[0].visible": False}})
    return fig.to_plotly_json()


@pytest.fixture()
def lines() -> dict:
    values = [0.0, 0.5, 1.0]
    figs = [line_figure(t, "p0" if t < 1 else "p1") for t in values]
    return F.from_figures(values, {"fig-x": figs}, ["ro-t"], [[f"t = {t}"] for t in values])


def test_from_figures_keeps_only_what_varies_and_names_it(lines):
    F.validate(lines)
    fr = lines["frames"][2]["views"]["fig-x"]
    assert fr == {"traces": {"moving": {"y": [1.0, 2.0]}}, "images": {"pic": "p1"}}
    # every frame gives every varying property (even where it equals the figure's)
    assert lines["frames"][0]["views"]["fig-x"]["traces"]["moving"] == {"y": [0.0, 0.0]}
    for t in [0.0, 0.5, 1.0]:
        fig = F.figure_at(t, "fig-x", lines)
        want = line_figure(t, "p0" if t < 1 else "p1")
        assert fig["data"] == want["data"] and fig["layout"]["images"] == want["layout"]["images"]
        assert F.readouts_at(t, lines) == [f"t = {t}"]
    assert F.readouts_at(7, lines) == ["t = 1.0"]  # nearest frame
    for junk in (None, "abc", float("nan"), "inf"):
        assert F.compose(junk, lines) is None


def test_from_figures_refuses_what_the_player_cannot_draw():
    a, b = line_figure(0.0), line_figure(1.0)
    b["layout"]["title"] = {"text": "other"}
    with pytest.raises(F.FrameSetError, match="title"):
        F.from_figures([0, 1], {"f": [a, b]})
    c = line_figure(1.0)
    del c["data"][0]["uid"]
    with pytest.raises(F.FrameSetError, match="uid"):
        F.from_figures([0, 1], {"f": [c, c]})
    with pytest.raises(F.FrameSetError):
        F.from_figures([0, 1], {"f": [a]})


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda s: s.update(schema=2), "schema"),
        (lambda s: s.update(values=[]), "values"),
        (lambda s: s["frames"].pop(), "one frame per value"),
        (lambda s: s["frames"][1]["readouts"].append("x"), "one readout text"),
        (lambda s: s["frames"][1]["views"]["fig-x"]["traces"].update(ghost={"x": [1]}), "not the same properties"),
        (lambda s: s["frames"][1]["views"]["fig-x"]["traces"]["moving"].update(x=[1]), "not the same properties"),
        (lambda s: [fr["views"]["fig-x"]["traces"].update(ghost={"x": [1]}) for fr in s["frames"]], "unknown trace"),
        (lambda s: [fr["views"]["fig-x"]["images"].update(ghost="p") for fr in s["frames"]], "unknown picture"),
        (lambda s: s["frames"][0]["views"].update({"fig-y": {}}), "does not declare"),
        (lambda s: s["views"]["fig-x"]["figure"]["data"][1].update(uid="moving"), "uids"),
    ],
)
def test_validate_names_what_is_wrong(lines, breakage, message):
    broken = json.loads(json.dumps(lines))
    breakage(broken)
    with pytest.raises(F.FrameSetError, match=message):
        F.validate(broken)


def test_a_layer_adds_to_the_set_it_lies_over_and_is_skipped_over_another():
    figs = {"fig-x": line_figure(0.0)}
    base = F.frame_set([0, 1], figs, [{}, {}], ["ro-a"], [["a0"], ["a1"]], key={"pair": "2-3"})
    layer = F.frame_set(
        [0, 1],
        None,
        [{"fig-x": {"traces": {"still": {"y": [k, k]}}}} for k in (0, 1)],
        ["ro-b"],
        [["b0"], ["b1"]],
        over={"pair": "2-3"},
        common={"fig-x": {"images": {"pic": "chosen"}}},
    )
    one = F.frame_set(
        [0],
        None,
        [{"fig-x": {"traces": {"still": {"y": [9, 9]}}}}],
        ["ro-a"],
        [["a*"]],
        key={"pair": "2-3", "lam": 0.5},
        over={"pair": "2-3"},
    )
    F.validate(base)
    F.validate(layer, over=base)
    assert base["views"]["fig-x"]["figure"]["layout"]["meta"]["l2view"] == {"pair": "2-3"}
    fig = F.figure_at(1, "fig-x", base, layer)
    assert fig["data"][1]["y"] == [1, 1] and fig["layout"]["images"][0]["source"] == "chosen"
    assert F.readouts_at(1, base, layer) == ["a1", "b1"]
    # a one-frame layer shows at every value, over the layers before it
    assert F.figure_at(0, "fig-x", base, layer, one)["data"][1]["y"] == [9, 9]
    assert F.readouts_at(0, base, layer, one) == ["a*", "b0"]
    # over another set: skipped, its readouts say '–'
    other = dict(layer, over={"pair": "0-1"})
    assert F.readouts_at(1, base, other) == ["a1", "–"]
    assert F.figure_at(1, "fig-x", base, other)["data"][1]["y"] == [0, 0]


def test_phone_layout_applies_dotted_paths_to_a_copy():
    layout = line_figure(0.0)["layout"]
    phone = F.phone_layout(layout)
    assert phone["xaxis"]["domain"] == [0, 1] and phone["images"][0]["visible"] is False
    assert "domain" not in layout.get("xaxis", {}) and "visible" not in layout["images"][0]
    patched = F.phone_layout({"a": {"b": 1}, "d": [{"v": 1}]}, {"a.c": [1], "d[0].v": 5})
    assert patched == {"a": {"b": 1, "c": [1]}, "d": [{"v": 5}]}


def test_message_set_says_it_everywhere():
    fs = F.message_set("no sweep", {"fig-a": 300, "fig-b": 400}, ["ro-1", "ro-2"])
    F.validate(fs)
    assert F.readouts_at(5, fs) == ["–", "–"]
    for fig_id, h in (("fig-a", 300), ("fig-b", 400)):
        fig = F.figure_at(0, fig_id, fs)
        assert fig["layout"]["annotations"][0]["text"] == "no sweep" and fig["layout"]["height"] == h
        assert fig["layout"]["meta"]["l2view"] == {"message": "no sweep"}


def test_published_files_are_content_addressed_and_replace_their_older_version(lines):
    url = F.publish("store-test", lines)
    assert url == F.publish("store-test", lines)  # the same set: no re-encoding
    name = url.rsplit("/", 1)[1]
    assert url.startswith(F.FRAMES_URL + "/store-test-") and json.loads(gzip.decompress(F.frames_file(name))) == lines
    again = json.loads(json.dumps(lines))
    assert F.publish("store-test", again) == url  # equal content, same name
    changed = json.loads(json.dumps(lines))
    changed["frames"][0]["readouts"] = ["other"]
    url2 = F.publish("store-test", changed)
    assert url2 != url and F.frames_file(name) is None and F.frames_file(url2.rsplit("/", 1)[1])


def test_every_frame_set_the_page_sends_follows_the_schema():
    """Every store a frame player fills from a file holds a valid set (hero, and the sections' converted frames)."""
    from components import page

    page.layout()
    sent = [json.loads(gzip.decompress(gz)) for gz in list(F._FILES.values())]
    assert len(sent) >= 7
    for fs in sent:
        F.validate(fs)
