// assets/player.js: merging layers, whole figures and phone layouts, and what it asks the Plotly adapter to draw.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {sandbox, load} = require("./load");

const NU = {no_update: true};

// A frame set as views/frames.py makes it: a figure with traces "line" and "dots" and a picture "pic".
function lineSet(key) {
  const layout = {images: [{name: "pic", source: "p0"}], meta: {l2phone: {"xaxis.domain": [0, 1], "images[0].visible": false}}};
  if (key) layout.meta.l2view = key;
  const set = {
    schema: 1, values: [0, 1, 2], readouts: ["ro-a"],
    views: {"fig-x": {figure: {data: [{uid: "line", x: [0, 1], y: [0, 0]}, {uid: "dots", x: [5], y: [5]}], layout}}},
    frames: [0, 1, 2].map((k) => ({views: {"fig-x": {traces: {line: {y: [k, k]}}, images: {pic: "p" + k}}},
      readouts: ["a" + k]})),
  };
  if (key) set.key = key;
  return set;
}

function mirrorLayer(over) {
  return {
    schema: 1, over: over, values: [0, 1, 2], readouts: ["ro-b"],
    views: {"fig-x": {common: {images: {pic: "chosen"}}}},
    frames: [0, 1, 2].map((k) => ({views: {"fig-x": {traces: {dots: {x: [k]}}}}, readouts: ["b" + k]})),
  };
}

// A page with graphs the fake adapter reports as drawn (showing `view`), readout elements, and Dash's API.
function page({drawn = true, view = null, width = 1280} = {}) {
  const els = {};
  const calls = [];
  const gd = {id: "gd", view: view};
  const ctx = sandbox({
    innerWidth: width,
    document: {getElementById: (id) => els[id] || (els[id] = {textContent: ""})},
    dash_clientside: {no_update: NU, callback_context: {triggered: []}, set_props: (id, p) => calls.push(["set_props", id, p])},
    l2plotly: {
      graph: () => (drawn ? gd : null),
      shownView: (g) => g.view,
      traceIndex: (g, uid) => ({line: 0, dots: 1})[uid] ?? -1,
      imageIndex: (g, name) => (name === "pic" ? 0 : -1),
      draw: (g, traces, images) => calls.push(["draw", traces, images]),
      replace: (g, fig) => calls.push(["replace", fig]),
    },
  });
  load(ctx, "player.js");
  return {ctx, els, calls, gd, player: ctx.l2player};
}

const SPEC = {ctl: "ctl-x", views: ["fig-x"], readouts: ["ro-a", "ro-b"], stores: ["s1", "s2"], transient: []};

test("compose merges layers in order and skips a layer over another set", () => {
  const {player} = page();
  const base = lineSet({pair: "2-3"});
  const shown = player.compose([base, mirrorLayer({pair: "2-3"})], 1.2);
  assert.deepEqual(JSON.parse(JSON.stringify(shown.views["fig-x"])),
    {traces: {line: {y: [1, 1]}, dots: {x: [1]}}, images: {pic: "chosen"}});
  assert.deepEqual({...shown.texts}, {"ro-a": "a1", "ro-b": "b1"});
  assert.equal(shown.complete, true);
  const skipped = player.compose([base, mirrorLayer({pair: "0-1"})], 2);
  assert.deepEqual({...skipped.texts}, {"ro-a": "a2", "ro-b": "–"});
  assert.equal(skipped.complete, false);
  assert.deepEqual([...skipped.ks], [2, -1]);
  for (const junk of [null, undefined, "", "abc", NaN]) assert.equal(player.compose([base], junk), null);
});

test("a graph showing the set gets the frame by index, once per frame", () => {
  const {player, calls, els} = page({view: {pair: "2-3", k: 40}});
  const sets = [lineSet({pair: "2-3"}), mirrorLayer({pair: "2-3"})];
  const out = player.pick(SPEC, 2, sets);
  assert.deepEqual(out, [NU, NU, NU]); // drawn here: nothing for Dash
  assert.deepEqual(JSON.parse(JSON.stringify(calls)), [["draw", {0: {y: [2, 2]}, 1: {x: [2]}}, {0: "chosen"}]]);
  assert.equal(els["ro-a"].textContent, "a2");
  assert.equal(els["ro-b"].textContent, "b2");
  player.lane(2, sets[0], sets[1], SPEC); // the Dash callback after the lane: the same frame, not drawn again
  player.pick(SPEC, 2, sets);
  assert.equal(calls.length, 1);
  player.pick(SPEC, 0, sets);
  assert.equal(calls.length, 2);
});

test("a graph showing another set is drawn whole, with its phone layout on a narrow page", () => {
  const {player, calls} = page({view: {pair: "0-1"}, width: 375});
  player.pick(SPEC, 1, [lineSet({pair: "2-3"}), null]);
  assert.equal(calls.length, 1);
  const [what, fig] = calls[0];
  assert.equal(what, "replace");
  assert.deepEqual(JSON.parse(JSON.stringify(fig.data)), [{uid: "line", x: [0, 1], y: [1, 1]}, {uid: "dots", x: [5], y: [5]}]);
  assert.deepEqual(JSON.parse(JSON.stringify(fig.layout.xaxis)), {domain: [0, 1]});
  assert.equal(fig.layout.images[0].visible, false);
  assert.equal(fig.layout.images[0].source, "p1");
  // ... but never in a lane: the Dash callback does it
  calls.length = 0;
  player.lane(1, lineSet({pair: "7-9"}), null, SPEC);
  assert.equal(calls.length, 0);
});

test("a graph not drawn yet gets the whole figure through Dash, with the readouts", () => {
  const {player} = page({drawn: false});
  const out = player.pick(SPEC, 0, [lineSet(null), null]);
  assert.equal(out.length, 3);
  assert.deepEqual(JSON.parse(JSON.stringify(out[0].data[0].y)), [0, 0]);
  assert.equal(out[0].layout.xaxis, undefined); // a wide page: no phone layout
  assert.deepEqual(out.slice(1), ["a0", "–"]);
});

test("a transient layer is dropped and cleared when the slider moves it", () => {
  const {player, ctx, calls} = page({view: {pair: "2-3"}});
  const spec = {ctl: "ctl-x", views: ["fig-x"], readouts: ["ro-a"], stores: ["s1", "s2"], transient: ["s2"]};
  const base = lineSet({pair: "2-3"});
  const offGrid = {schema: 1, key: {pair: "2-3", lam: 0.5}, over: {pair: "2-3"}, values: [0], readouts: ["ro-a"],
    views: {"fig-x": {}}, frames: [{views: {"fig-x": {traces: {line: {y: [9, 9]}}}}, readouts: ["a*"]}]};
  player.pick(spec, 0, [base, offGrid]); // the off-grid model arrived: it shows
  assert.deepEqual(JSON.parse(JSON.stringify(calls.pop()[1])), {0: {y: [9, 9]}});
  ctx.dash_clientside.callback_context.triggered = [{prop_id: "ctl-x.value"}];
  const out = player.pick(spec, 1, [base, offGrid]);
  assert.deepEqual(JSON.parse(JSON.stringify(calls.pop()[1])), {0: {y: [1, 1]}});
  assert.equal(out[out.length - 1], null); // the store is cleared
});

test("a step taken before a player's sets arrive is drawn when they do", async () => {
  const {player, ctx, calls} = page({view: null});
  const spec = {ctl: "ctl-x", views: ["fig-x"], readouts: ["ro-a"], stores: ["s1"], transient: []};
  assert.deepEqual(player.pick(spec, 2, [null]), [NU, NU]);
  const set = lineSet(null);
  ctx.fetch = async () => ({ok: true, json: async () => set});
  const out = await player.start(spec, "/frames-data/s1-x.json");
  assert.equal(out[0], set);
  assert.equal(player.stored("s1"), set);
  assert.deepEqual(JSON.parse(JSON.stringify(calls)), [["draw", {0: {y: [2, 2]}}, {0: "p2"}]]);
});

test("a message set says the text in every view of a player", () => {
  const {player} = page();
  const figure = {data: [], layout: {annotations: [{text: "…"}]}};
  const m = player.messageSet(figure, "gone", SPEC);
  assert.equal(m.views["fig-x"].figure.layout.annotations[0].text, "gone");
  assert.deepEqual({...m.key}, {message: "gone"});
  assert.deepEqual({...m.views["fig-x"].figure.layout.meta.l2view}, {message: "gone"});
  assert.deepEqual([...m.frames[0].readouts], ["–", "–"]);
  assert.equal(figure.layout.annotations[0].text, "…");
  const shown = player.compose([m], 40);
  assert.deepEqual({...shown.texts}, {"ro-a": "–", "ro-b": "–"});
});

test("phone patches follow dotted paths and leave the figure alone on a wide page", () => {
  const {player} = page({width: 375});
  const layout = {margin: {l: 60, t: 30}, annotations: [{text: "x"}, {text: "y"}]};
  player.phone(layout, {"margin.l": 48, "annotations[1].visible": false, "legend.font": {size: 11}});
  assert.deepEqual(JSON.parse(JSON.stringify(layout)), {margin: {l: 48, t: 30}, annotations: [{text: "x"},
    {text: "y", visible: false}], legend: {font: {size: 11}}});
  const wide = page({width: 1280}).player;
  const fig = {data: [], layout: {meta: {l2phone: {height: 640}}}};
  assert.equal(wide.fitted(fig), fig);
  assert.equal(player.fitted(fig).layout.height, 640);
  assert.equal(fig.layout.height, undefined);
});

test("the page's first view, naming its set and frame, is taken as drawn", () => {
  const {player, calls} = page({view: {pair: "2-3", k: 1}});
  const sets = [lineSet({pair: "2-3"}), mirrorLayer({pair: "2-3"})];
  player.pick(SPEC, 1, sets); // the sets arrive: frame 1 is what the server drew
  assert.equal(calls.length, 0);
  player.pick(SPEC, 2, sets);
  assert.equal(calls.length, 1);
});

test("a graph that is not in the document (a figure embedded alone) is left alone, the others drawn", () => {
  const {ctx, player, calls, els} = page({view: {pair: "2-3", k: 40}});
  ctx.document.getElementById = (id) => (id === "fig-gone" ? null : els[id] || (els[id] = {textContent: ""}));
  const graph = ctx.l2plotly.graph;
  ctx.l2plotly.graph = (id) => (id === "fig-gone" ? null : graph(id));
  const spec = Object.assign({}, SPEC, {views: ["fig-gone", "fig-x"]});
  const sets = [lineSet({pair: "2-3"})];
  assert.deepEqual(player.pick(spec, 1, sets), [NU, NU, NU, NU]);
  assert.equal(calls.length, 1); // fig-x drawn by index; nothing asked of the missing graph
  assert.equal(els["ro-a"].textContent, "a1");
  player.lane(2, sets[0], spec); // the fast lane still draws the graph that is there
  assert.equal(calls.length, 2);
});
