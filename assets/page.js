/* Clientside callbacks of the page (components/page.py, hero.py, svm.py).
 * Python computes every frame; these functions only pick one and merge it into a base figure
 * (l2page.apply is the twin of components.svm.apply_updates).  No math here. */
(function () {
  "use strict";
  const NU = () => window.dash_clientside.no_update;

  function apply(base) {
    // base: {data, layout}; further arguments: {traceIndex: {prop: value}} updates (null = none).
    const data = base.data.slice();
    for (let a = 1; a < arguments.length; a++) {
      const upd = arguments[a];
      if (!upd) continue;
      for (const key in upd) {
        const i = +key;
        data[i] = Object.assign({}, data[i], upd[key]);
      }
    }
    // Plotly writes autorange results into the layout it is given: hand it a fresh copy.
    return {data: data, layout: JSON.parse(JSON.stringify(base.layout))};
  }

  function clampIndex(k, n) {
    k = Math.round(+k);
    if (!isFinite(k)) k = 0;
    return Math.min(Math.max(k, 0), n - 1);
  }

  function triggered(prefix) {
    const cc = window.dash_clientside.callback_context;
    return !!(cc && cc.triggered && cc.triggered.some((t) => t.prop_id.startsWith(prefix)));
  }

  function show(id, base) {
    // Draw `base` merged with the updates through dcc.Graph the first time (or after the base changed);
    // afterwards restyle the existing plot directly: no figure clone and layout diff per slider step.
    const updates = Array.prototype.slice.call(arguments, 2);
    const gd = document.querySelector("#" + id + " .js-plotly-plot");
    if (gd && gd.__l2base === base && gd._fullLayout && window.Plotly) {
      const data = base.data.slice();
      for (const upd of updates) {
        if (!upd) continue;
        for (const key in upd) data[+key] = Object.assign({}, data[+key], upd[key]);
      }
      window.Plotly.react(gd, data, gd.layout);
      return NU();
    }
    if (gd) gd.__l2base = base;
    return apply.apply(null, [base].concat(updates));
  }

  // The mirror view's picture depends on the sweep's base and on the chosen images (the mirror store):
  // one identity object per (base, images) pair, so a new choice of image goes through dcc.Graph again.
  const mirrorKeys = new WeakMap();
  function mirrorKey(base, images) {
    if (!images) return base;
    let byImages = mirrorKeys.get(base);
    if (!byImages) mirrorKeys.set(base, (byImages = new WeakMap()));
    let key = byImages.get(images);
    if (!key) byImages.set(images, (key = {data: base.data, layout: base.layout}));
    return key;
  }

  function forget(ids) {
    for (const id of ids) {
      const gd = document.querySelector("#" + id + " .js-plotly-plot");
      if (gd) gd.__l2base = null;
    }
  }

  function hero(k, payload) {
    if (!payload) return [NU(), NU(), NU(), NU(), NU()];
    if (payload.error) {
      forget(["fig-hero"]);
      return [payload.fig, "–", "–", "–", "–"];
    }
    const f = payload.frames[clampIndex(k, payload.frames.length)];
    return [show("fig-hero", payload.base, f.upd)].concat(f.ro);
  }

  function svm(k, frames, mirror, custom) {
    const nOut = 3 + 6 + 2 + 1;
    const out = new Array(nOut).fill(NU());
    if (!frames) return out;
    if (frames.error) {
      forget(["fig-svm-loss", "fig-svm-plane", "fig-svm-mirror"]);
      const f = frames.figs;
      return [f.loss, f.plane, f.mirror, "–", "–", "–", "–", "–", "–", "–", "–", NU()];
    }
    const slid = triggered("ctl-svm-lambda.");
    const same = (o) => o && o.pair && o.pair[0] === frames.pair[0] && o.pair[1] === frames.pair[1] &&
      o.loss === frames.loss;
    const active = !slid && same(custom) && custom.frame;
    const kk = clampIndex(k, frames.frames.length);
    const fr = active ? custom.frame : frames.frames[kk];
    let mf = null, mstatic = null;
    if (same(mirror)) {
      mstatic = mirror.static;
      mf = active ? (mirror.custom_key === custom.key && mirror.custom ? mirror.custom : custom.mirror)
                  : mirror.frames[kk];
    }
    const b = frames.base;
    return [
      show("fig-svm-loss", b.loss, fr.loss), show("fig-svm-plane", b.plane, fr.plane),
      show("fig-svm-mirror", mirrorKey(b.mirror, mstatic), fr.mirror, mstatic, mf && mf.upd),
    ].concat(fr.ro, mf ? mf.ro : ["–", "–"], [slid && custom ? null : NU()]);
  }

  function writeUrl(keys) {
    // keys: query keys in the order of the remaining arguments (the controls' values).
    if (!keys) return NU();
    const params = new URLSearchParams();
    for (let a = 0; a < keys.length; a++) {
      const v = arguments[a + 1];
      if (v === null || v === undefined || v === "") continue;
      params.set(keys[a], typeof v === "object" ? JSON.stringify(v) : String(v));
    }
    const qs = params.toString();
    const url = window.location.pathname + (qs ? "?" + qs : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(window.history.state, "", url);
    }
    return qs;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    l2page: {apply: apply, hero: hero, svm: svm, writeUrl: writeUrl},
  });
})();
