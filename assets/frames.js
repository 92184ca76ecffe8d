/* Drawing a precomputed frame straight into an existing Plotly graph (no Dash/React round).
 *
 * A slider's clientside callback hands l2frames.draw the graph id and per-trace updates
 * {traceIndex: {prop: value}}.  When every changed trace is a scatter or bar trace on axes with
 * fixed ranges, Plotly.animate with a zero-length transition and redraw:false redraws only those
 * traces (Plotly emits plotly_animated when done); anything else (heatmaps, contours, layout
 * changes, autoranged axes) goes through Plotly.react on the graph (plotly_afterplot).  Either way
 * the figure prop of dcc.Graph is left alone (the callback returns no_update), so Dash does not
 * re-render the graph and Plotly does not diff the whole figure.  Readouts are written as text.
 * Python computes every frame; nothing here does any math. */
(function () {
  "use strict";
  const ANIMATABLE = new Set(["scatter", "bar"]);
  const ANIMATE_OPTS = {transition: {duration: 0}, frame: {duration: 0, redraw: false}, mode: "immediate"};

  function graphDiv(id) {
    const gd = document.querySelector("#" + id + " .js-plotly-plot");
    return gd && gd._fullLayout && gd._fullData && window.Plotly ? gd : null;
  }

  function axisFixed(fl, ref) {
    const ax = fl[(ref || "x").replace(/^([xy])/, "$1axis")];
    return !!ax && ax.autorange === false;
  }

  function canAnimate(gd, idx) {
    const fl = gd._fullLayout;
    return idx.length > 0 && idx.every((i) => {
      const t = gd._fullData[i];
      return t && t.index === i && ANIMATABLE.has(t.type) && axisFixed(fl, t.xaxis) && axisFixed(fl, t.yaxis);
    });
  }

  // Draw per-trace updates (and optional layout updates) into graph `id`; false if it is not drawn yet.
  // `key` names what is drawn (e.g. [frames object, index]): drawing the same key twice in a row is a no-op
  // (the fast lane below and the Dash callback both ask for the frame of a slider step).
  // `images` ({layout image index: new source}) swaps pictures drawn as layout images: Plotly.update redraws
  // just those images (and emits plotly_afterplot), then the traces are drawn as above.
  function draw(id, upd, layoutUpd, key, images) {
    const gd = graphDiv(id);
    if (!gd) return false;
    if (key && gd.__l2drawn && key.length === gd.__l2drawn.length && key.every((x, i) => x === gd.__l2drawn[i])) {
      return true;
    }
    gd.__l2drawn = key || null;
    const idx = Object.keys(upd || {}).map(Number);
    const hasLayout = layoutUpd && Object.keys(layoutUpd).length > 0;
    const imgKeys = Object.keys(images || {});
    if (!hasLayout && canAnimate(gd, idx)) {
      if (imgKeys.length) {
        const rel = {};
        for (const i of imgKeys) rel["images[" + i + "].source"] = images[i];
        window.Plotly.update(gd, {}, rel); // not relayout: dcc.Graph answers plotly_relayout with a re-render
      }
      window.Plotly.animate(gd, {data: idx.map((i) => upd[i]), traces: idx}, ANIMATE_OPTS);
      return true;
    }
    const data = gd.data.slice();
    for (const i of idx) data[i] = Object.assign({}, data[i], upd[i]);
    let layout = hasLayout ? Object.assign({}, gd.layout, layoutUpd) : gd.layout;
    if (imgKeys.length) {
      const imgs = (gd.layout.images || []).map((im, i) => (i in images ? Object.assign({}, im, {source: images[i]}) : im));
      layout = Object.assign({}, layout, {images: imgs});
    }
    window.Plotly.react(gd, data, layout);
    return true;
  }

  function setTexts(ids, texts) {
    for (let j = 0; j < ids.length; j++) {
      const el = document.getElementById(ids[j]);
      const t = texts[j] === undefined || texts[j] === null ? "" : String(texts[j]);
      if (el && el.textContent !== t) el.textContent = t;
    }
  }

  // Frames stores of components.frames.frames_payload keep only what differs from the base figure;
  // a step between two frames must also reset what the previous frame changed: the union of the
  // (trace, prop) pairs and layout keys any frame changes, filled from the frame or else the base.
  const unions = new WeakMap();
  function varying(store) {
    let v = unions.get(store);
    if (!v) {
      v = {traces: {}, layout: new Set()};
      for (const fr of store.frames) {
        for (const i in fr.traces) {
          const s = v.traces[i] || (v.traces[i] = new Set());
          for (const p in fr.traces[i]) s.add(p);
        }
        for (const k in fr.layout || {}) v.layout.add(k);
      }
      unions.set(store, v);
    }
    return v;
  }

  function nearest(values, value) {
    let k = 0;
    for (let i = 1; i < values.length; i++) {
      if (Math.abs(values[i] - value) < Math.abs(values[k] - value)) k = i;
    }
    return k;
  }

  const built = new WeakMap();
  function frameUpdates(store, k) {
    let byK = built.get(store);
    if (!byK) built.set(store, (byK = {}));
    return byK[k] || (byK[k] = buildUpdates(store, k));
  }

  function buildUpdates(store, k) {
    const fr = store.frames[k], v = varying(store), base = store.base;
    const upd = {};
    for (const i in v.traces) {
      const u = (upd[i] = {}), t = fr.traces[i] || {};
      for (const p of v.traces[i]) u[p] = p in t ? t[p] : base.data[+i][p];
    }
    let lay = null;
    if (v.layout.size) {
      lay = {};
      for (const key of v.layout) lay[key] = key in (fr.layout || {}) ? fr.layout[key] : base.layout[key];
      lay = JSON.parse(JSON.stringify(lay)); // Plotly writes into the layout objects it is given
    }
    return [upd, lay];
  }

  // The generic frame player (components.frames.register_frame_player): slider value → nearest frame.
  function pick(value, store, figId, readoutIds) {
    const nu = window.dash_clientside.no_update;
    const v = Number(value);
    if (!store || value === null || value === undefined || !isFinite(v)) return [nu].concat(readoutIds.map(() => nu));
    const k = nearest(store.values, v);
    const fr = store.frames[k];
    const [upd, lay] = frameUpdates(store, k);
    setTexts(readoutIds, fr.readouts);
    if (draw(figId, upd, lay, [store, k])) return [nu].concat(readoutIds.map(() => nu));
    // Not drawn yet (Plotly still loading): give dcc.Graph the whole frame.
    const data = store.base.data.map((t, i) => Object.assign({}, t, fr.traces[String(i)] || {}));
    const layout = JSON.parse(JSON.stringify(Object.assign({}, store.base.layout, fr.layout)));
    return [{data: data, layout: layout}].concat(fr.readouts);
  }

  // Fast lane.  Dash runs a clientside callback some milliseconds after the slider has rendered its new value
  // (store update, dependency resolution, the other callbacks on the same input).  The page lists its grid
  // sliders in the store `page-fast-lanes` ({slider id: [function name, argument store ids…, extra args…]});
  // when a listed slider's thumb shows a new aria-valuenow, the same function draws the frame at once.  The
  // Dash callback still runs afterwards (it keeps Dash's state, the URL and everything else in step) and finds
  // the frame already drawn.  A lane only ever draws into a graph that is already drawn; anything else (first
  // draw, a new pair, an error) is left to the Dash callback.
  const LANES_STORE = "page-fast-lanes";
  let lanes = null;

  function storeData(id) {
    const api = window.dash_component_api;
    const node = api && api.getLayout ? api.getLayout(id) : null;
    return node && node.props ? node.props.data : undefined;
  }

  function runLane(ctlId, value) {
    if (lanes === null) lanes = storeData(LANES_STORE) || null;
    const spec = lanes && lanes[ctlId];
    if (!spec) return;
    const [name, storeIds, extra] = spec;
    const fn = name.split(".").reduce((o, k) => (o ? o[k] : undefined), window);
    if (typeof fn !== "function") return;
    try {
      fn.apply(null, [value].concat(storeIds.map(storeData), extra || []));
    } catch (err) {
      console.warn("fast lane " + ctlId + ":", err); // the Dash callback still draws the frame
    }
  }

  function watchSliders() {
    new MutationObserver((mutations) => {
      for (const m of mutations) {
        for (let el = m.target; el && el !== document.body; el = el.parentElement) {
          if (el.id && el.id.startsWith("ctl-")) {
            const v = Number(m.target.getAttribute("aria-valuenow"));
            if (isFinite(v)) runLane(el.id, v);
            break;
          }
        }
      }
    }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ["aria-valuenow"]});
  }
  if (document.body) watchSliders();
  else document.addEventListener("DOMContentLoaded", watchSliders);

  // Lane function of the generic frame player: the pick without the Dash outputs.
  function lanePick(value, store, figId, readoutIds) {
    if (store && graphDiv(figId)) pick(value, store, figId, readoutIds);
  }

  window.l2frames = {draw: draw, setTexts: setTexts, pick: pick, lanePick: lanePick, graphDiv: graphDiv};
})();
