// assets/toy_space.js: Figure 2's sliders move the point and its picture (found by uid); a click snaps to the grid.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {sandbox, load} = require("./load");

const NU = {no_update: true};
const plain = (v) => JSON.parse(JSON.stringify(v)); // objects made inside the sandbox, compared as data
const skipped = (out) => out.every((v) => v === NU);
const toy = () => load(sandbox({dash_clientside: {no_update: NU}}), "toy_space.js").l2toy;
const figure = () => ({
  data: [{uid: "click-targets", z: [[0]]}, {uid: "image", z: [[0]]}, {uid: "point", x: [0], y: [0]}],
  layout: {height: 400},
});

test("the sliders move the point and its 3×3 picture, and the readouts say the values", () => {
  const fig = figure();
  const [out, a, b] = toy().space(0.25, -0.5, fig);
  assert.deepEqual(plain(out.data.find((t) => t.uid === "point")), {uid: "point", x: [0.25], y: [-0.5]});
  const image = out.data.find((t) => t.uid === "image");
  assert.deepEqual(plain(image.z), [[-0.5, -0.5, -0.5], [-0.5, 0.25, -0.5], [-0.5, -0.5, -0.5]]);
  assert.equal(out.data[0], fig.data[0]); // untouched traces are the same objects
  assert.equal(out.layout, fig.layout);
  assert.deepEqual([a, b], ["+0.25", "-0.50"]);
  assert.deepEqual(plain(fig.data[2].x), [0]); // the figure it was given is not changed
});

test("a missing figure or value changes nothing", () => {
  for (const [a, b, fig] of [[null, 0, figure()], [0, undefined, figure()], [0, "x", figure()], [0, 0, null]]) {
    const out = toy().space(a, b, fig);
    assert.ok(out.length === 3 && skipped(out));
  }
});

test("a click picks the nearest point of the 0.05 grid inside the square", () => {
  const pick = toy().pick;
  assert.deepEqual(plain(pick({points: [{x: 0.333, y: -0.026}]})), [0.35, -0.05]);
  assert.deepEqual(plain(pick({points: [{x: 1.04, y: -1.2}]})), [1, -1]);
  for (const click of [{points: []}, null, {points: [{x: "a", y: 0}]}]) {
    const out = pick(click);
    assert.ok(out.length === 2 && skipped(out));
  }
});
