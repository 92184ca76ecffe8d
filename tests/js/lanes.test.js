// assets/lanes.js: a key on a lane slider's thumb calls the slider's lane with the value the slider will take.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {sandbox, load} = require("./load");

function lanesPage(step = 1) {
  const handlers = {};
  const body = {};
  const thumb = {
    attrs: {"role": "slider", "aria-valuemin": "0", "aria-valuemax": "80", "aria-valuenow": "40"},
    getAttribute(n) { return n in this.attrs ? this.attrs[n] : null; },
    hasAttribute(n) { return n in this.attrs; },
  };
  const host = {id: "ctl-x", querySelector: () => thumb, parentElement: body};
  thumb.parentElement = host;
  const seen = [];
  const layout = {
    "page-fast-lanes": {data: {"ctl-x": ["lane", ["store-x"], ["extra"]]}},
    "ctl-x": {step: step},
    "store-x": {data: {schema: 1}},
  };
  const ctx = sandbox({
    document: {body: body, dir: "ltr", addEventListener: (type, fn) => { handlers[type] = fn; }},
    MutationObserver: class { observe() {} },
    dash_component_api: {getLayout: (id) => (layout[id] ? {props: layout[id]} : null)},
    lane: (...args) => seen.push(args),
  });
  load(ctx, "lanes.js");
  const key = (k, extra = {}) => handlers.keydown(Object.assign({key: k, target: thumb}, extra));
  return {ctx, seen, key, thumb};
}

test("arrows step once, Shift and Page keys ten times, Home and End go to the ends", () => {
  const {seen, key} = lanesPage();
  key("ArrowLeft");
  key("ArrowRight", {shiftKey: true});
  key("PageDown");
  key("Home");
  key("End");
  assert.deepEqual(seen.map((a) => a[0]), [39, 50, 30, 0, 80]);
  assert.deepEqual(JSON.parse(JSON.stringify(seen[0].slice(1))), [{schema: 1}, "extra"]);
});

test("keys that do not move the slider, and modified keys, call nothing", () => {
  const {seen, key, thumb} = lanesPage();
  key("a");
  key("ArrowLeft", {ctrlKey: true});
  thumb.attrs["aria-valuenow"] = "80";
  key("ArrowRight"); // already at the end
  thumb.attrs["aria-disabled"] = "true";
  key("ArrowLeft");
  assert.deepEqual(seen, []);
});

test("values snap to the slider's step from its minimum", () => {
  const {ctx} = lanesPage(0.25);
  const r = {lo: -4, hi: -1, now: -2, step: 0.25};
  assert.equal(ctx.l2lanes.internals.snap(r, -2.37), -2.25);
  assert.equal(ctx.l2lanes.internals.snap(r, 5), -1);
  assert.equal(ctx.l2lanes.internals.nextValue({key: "ArrowUp"}, r), -1.75);
});
