// Loads the page's scripts (assets/*.js) into a fresh sandbox that plays the browser's window: each script sees the
// sandbox as `window`/`globalThis` and registers itself there (l2plotly, l2player, l2lanes).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const ASSETS = path.join(__dirname, "..", "..", "assets");

function sandbox(globals = {}) {
  const win = Object.assign({console, setTimeout, clearTimeout, Promise, JSON, Math, Number, Object, Array, Set,
    WeakMap, Map, isFinite, atob: (s) => Buffer.from(s, "base64").toString("binary"), innerWidth: 1280}, globals);
  win.window = win;
  return vm.createContext(win);
}

function load(ctx, ...names) {
  for (const name of names) {
    vm.runInContext(fs.readFileSync(path.join(ASSETS, name), "utf8"), ctx, {filename: name});
  }
  return ctx;
}

module.exports = {sandbox, load};
