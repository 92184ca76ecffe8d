// assets/plotly_adapter.js against a fake graph div: what it paints into the SVG, and when it leaves it to Plotly.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {sandbox, load} = require("./load");

function element(attrs = {}, children = {}) {
  return {
    attrs: {...attrs},
    getAttribute(n) { return n in this.attrs ? this.attrs[n] : null; },
    setAttribute(n, v) { this.attrs[n] = String(v); },
    setAttributeNS(ns, n, v) { this.attrs[n] = String(v); },
    querySelectorAll(sel) { return children[sel] || []; },
    querySelector(sel) { return (children[sel] || [])[0] || null; },
  };
}

// A drawn graph: trace 0 a line "line", trace 1 markers "dots", trace 2 a heatmap "map", one picture "pic".
// Data x maps to pixel 100 + 10x, y to 200 − 10y (fixed axes unless `autorange`).
function fakeGraph({autorange = false} = {}) {
  const axis = (c2p) => ({autorange: autorange, d2c: (v) => v, c2p: c2p, _length: 200});
  const line = element({d: "M0,0"});
  const points = [element(), element()];
  const groups = [
    Object.assign(element({}, {"path.js-line": [line]}), {__data__: [{trace: {index: 0}}]}),
    Object.assign(element({}, {"path.point": points}), {__data__: [{trace: {index: 1}}]}),
  ];
  const fullImage = {source: "p0", visible: true};
  const image = Object.assign(element({href: "p0"}), {__data__: fullImage});
  const events = [];
  const gd = element({}, {".scatterlayer .trace": groups,
    ".imagelayer image, .layer-above image, .layer-below image, .layer-subplot image": [image]});
  Object.assign(gd, {
    data: [{uid: "line", x: [0, 1], y: [0, 0]}, {uid: "dots", x: [0, 1], y: [1, 1], mode: "markers"},
      {uid: "map", type: "heatmap", z: [[0]]}],
    layout: {images: [{name: "pic", source: "p0"}], meta: {l2view: {pair: "2-3"}}},
    _fullData: [
      {index: 0, type: "scatter", visible: true, fill: "none", mode: "lines", xaxis: "x", yaxis: "y", line: {shape: "linear"}},
      {index: 1, type: "scatter", visible: true, fill: "none", mode: "markers", xaxis: "x", yaxis: "y"},
      {index: 2, type: "heatmap", visible: true, xaxis: "x", yaxis: "y"},
    ],
    _fullLayout: {xaxis: axis((v) => 100 + 10 * v), yaxis: axis((v) => 200 - 10 * v), images: [fullImage]},
    emit: (name) => events.push(name),
  });
  return {gd, line, points, image, events};
}

function adapter() {
  const calls = [];
  const plotly = {
    animate: (gd, frame) => calls.push(["animate", frame.traces]),
    react: (gd) => calls.push(["react"]),
    update: (gd, data, layout) => calls.push(["update", layout]),
  };
  const ctx = load(sandbox({Plotly: plotly}), "plotly_adapter.js");
  return {a: ctx.l2plotly, calls};
}

test("a line and markers on fixed axes are painted into the SVG in the caller's task", () => {
  const {a, calls} = adapter();
  const {gd, line, points, events} = fakeGraph();
  assert.equal(a.draw(gd, {0: {y: [1, 2]}, 1: {x: [2, 3]}}, {}), "painted");
  assert.equal(line.attrs.d, "M100,190L110,180");
  assert.deepEqual(points.map((p) => p.attrs.transform), ["translate(120,190)", "translate(130,190)"]);
  assert.deepEqual(events, ["l2_painted"]);
  assert.deepEqual(gd.data[0].y, [1, 2]); // Plotly's own data follows, for the redraw once the slider rests
  assert.deepEqual(calls, []);
});

test("a line ending in an arrowhead stops short of it, as Plotly draws it", () => {
  const {a} = adapter();
  const {gd, line, points} = fakeGraph();
  Object.assign(gd._fullData[0], {mode: "lines+markers", marker: {symbol: "arrow", size: [0, 10], angle: 0},
    line: {shape: "linear", backoff: "auto"}});
  const g = gd.querySelectorAll(".scatterlayer .trace")[0];
  const arrowPoints = [{attrs: {}, setAttribute(n, v) { this.attrs[n] = v; }}, {attrs: {}, setAttribute(n, v) { this.attrs[n] = v; }}];
  g.querySelectorAll = (sel) => (sel === "path.js-line" ? [line] : sel === "path.point" ? arrowPoints : []);
  assert.equal(a.draw(gd, {0: {x: [0, 3], y: [0, 4]}}, {}), "painted");
  // from (100, 200) to (130, 160): 50 px long, the line ends 0.9 × 10 px before the tip, the arrow sits at the tip
  const [, x1, y1] = line.attrs.d.match(/L([-\d.]+),([-\d.]+)/).map(Number);
  assert.ok(Math.abs(x1 - (130 - 0.9 * 10 * 0.6)) < 1e-9 && Math.abs(y1 - (160 + 0.9 * 10 * 0.8)) < 1e-9, line.attrs.d);
  assert.equal(arrowPoints[1].attrs.transform, "translate(130,160)");
  assert.ok(points);
});

test("a picture is swapped by its source, and an unchanged one is left alone", () => {
  const {a} = adapter();
  const {gd, image, events} = fakeGraph();
  assert.equal(a.draw(gd, {}, {0: "p1"}), "painted");
  assert.equal(image.attrs.href, "p1");
  assert.equal(gd.layout.images[0].source, "p1");
  image.attrs.href = "tampered";
  assert.equal(a.draw(gd, {}, {0: "p1"}), "painted");
  assert.equal(image.attrs.href, "tampered");
  assert.equal(events.length, 2);
});

test("what the painter cannot draw goes through Plotly", () => {
  let {a, calls} = adapter();
  assert.equal(a.draw(fakeGraph({autorange: true}).gd, {0: {y: [1, 2]}}, {}), "react"); // axes may move
  assert.deepEqual(calls, [["react"]]);
  ({a, calls} = adapter());
  const {gd} = fakeGraph();
  assert.equal(a.draw(gd, {0: {y: [1, 2], line: {width: 3}}}, {}), "animated"); // a style change: animate
  assert.deepEqual(calls, [["animate", [0]]]);
  ({a, calls} = adapter());
  assert.equal(a.draw(fakeGraph().gd, {2: {z: [[1]]}}, {0: "p1"}), "react"); // a heatmap
  ({a, calls} = adapter());
  const busy = fakeGraph().gd;
  busy._transitionData = {_frameQueue: [{}]}; // a Plotly animation still to draw would overwrite a painted frame
  assert.equal(a.draw(busy, {0: {y: [1, 2]}}, {}), "animated");
});

test("once the slider rests Plotly redraws the painted traces itself", async () => {
  const {a, calls} = adapter();
  const {gd} = fakeGraph();
  a.draw(gd, {0: {y: [1, 2]}}, {});
  a.draw(gd, {0: {y: [3, 4]}}, {});
  assert.deepEqual(calls, []);
  await new Promise((resolve) => setTimeout(resolve, 250));
  assert.deepEqual(calls, [["animate", [0]]]);
});

test("traces are found by uid and pictures by name; the graph names what it shows", () => {
  const {a} = adapter();
  const {gd} = fakeGraph();
  assert.equal(a.traceIndex(gd, "dots"), 1);
  assert.equal(a.traceIndex(gd, "nope"), -1);
  assert.equal(a.imageIndex(gd, "pic"), 0);
  assert.equal(a.imageIndex(gd, "nope"), -1);
  assert.deepEqual({...a.shownView(gd)}, {pair: "2-3"});
});

test("numeric arrays sent as typed-array specs are decoded", () => {
  const {a} = adapter();
  const bdata = Buffer.from(new Float64Array([1.5, -2]).buffer).toString("base64");
  assert.deepEqual([...a.internals.values({dtype: "f8", bdata: bdata})], [1.5, -2]);
  assert.equal(a.internals.values({dtype: "f8", bdata: bdata, shape: "1, 2"}), null);
});
