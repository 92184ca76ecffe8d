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

  // ---- Painting a frame straight into the graph's SVG (what a D3 page does), in the input event's own task.
  // Plotly.animate starts drawing on the next animation frame, and Plotly.update redraws every layout image;
  // for the common case (scatter traces whose x/y change, on fixed axes; pictures swapped) this sets the SVG
  // the same way Plotly would: line/fill paths from the axes' own data→pixel maps, marker translations and
  // image sources.  Anything else returns false and goes through Plotly.  Plotly's own state (hover data)
  // catches up when the page is idle (settle), with the same picture.
  const STEPS = {
    linear: (a, b) => "L" + b[0] + "," + b[1],
    hv: (a, b) => "H" + b[0] + "V" + b[1],
    vh: (a, b) => "V" + b[1] + "H" + b[0],
    hvh: (a, b) => "H" + (a[0] + b[0]) / 2 + "V" + b[1] + "H" + b[0],
    vhv: (a, b) => "V" + (a[1] + b[1]) / 2 + "H" + b[0] + "V" + b[1],
  };
  const FILLS = new Set(["none", "tozeroy", "toself"]);
  const FAR = 1e5; // keep far-off points finite for the SVG (they are clipped to the plot area anyway)

  function px(ax, v) {
    const p = ax.c2p(ax.d2c(v));
    return isFinite(p) ? Math.round(Math.max(-FAR, Math.min(FAR, p)) * 100) / 100 : null;
  }

  function traceGroup(gd, i) {
    for (const g of gd.querySelectorAll(".scatterlayer .trace")) {
      const cd = g.__data__;
      if (cd && cd[0] && cd[0].trace && cd[0].trace.index === i) return g;
    }
    return null;
  }

  // plotly.py sends numeric arrays as typed-array specs {dtype, bdata (base64), shape?}; Plotly decodes them when
  // it draws, and so must a painter (1-D specs only; anything else → null → Plotly draws).
  const TYPED = {f8: Float64Array, f4: Float32Array, i4: Int32Array, u4: Uint32Array, i2: Int16Array, u2: Uint16Array,
    i1: Int8Array, u1: Uint8Array};
  const decoded = new WeakMap();
  function values(v) {
    if (Array.isArray(v) || ArrayBuffer.isView(v)) return v;
    if (!v || typeof v !== "object" || typeof v.bdata !== "string" || !TYPED[v.dtype]) return null;
    if (v.shape && String(v.shape).split(",").length > 1) return null;
    let out = decoded.get(v);
    if (!out) {
      const bin = atob(v.bdata), bytes = new Uint8Array(bin.length);
      for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
      out = new TYPED[v.dtype](bytes.buffer);
      decoded.set(v, out);
    }
    return out;
  }

  function pixels(xa, ya, x, y) {
    const out = [];
    for (let k = 0; k < x.length; k++) {
      const a = x[k], b = y[k];
      out.push(a === null || a === undefined || b === null || b === undefined ? null : [px(xa, a), px(ya, b)]);
    }
    return out;
  }

  // Text labels sit at their point (x/y attributes = the point's pixel; Plotly offsets them by a transform of
  // their group): each label found at an old point's pixel moves to that point's new pixel.
  function textPaint(g, oldPx, newPx) {
    const labels = [...g.querySelectorAll(".textpoint text")];
    const used = new Set(), moves = [];
    for (const el of labels) {
      const lx = parseFloat(el.getAttribute("x")), ly = parseFloat(el.getAttribute("y"));
      const k = oldPx.findIndex((p, j) => p && !used.has(j) && Math.abs(p[0] - lx) < 0.02 && Math.abs(p[1] - ly) < 0.02);
      if (k < 0 || !newPx[k] || newPx[k][0] === null || newPx[k][1] === null) return null;
      used.add(k);
      moves.push([el, newPx[k]]);
    }
    return () => moves.forEach(([el, p]) => {
      el.setAttribute("x", p[0]);
      el.setAttribute("y", p[1]);
      el.querySelectorAll("tspan[x]").forEach((ts) => ts.setAttribute("x", p[0]));
    });
  }

  // The SVG changes for trace i showing (x, y) instead of (x0, y0), or null when this trace needs Plotly.
  function tracePaint(gd, i, x, y, x0, y0) {
    const t = gd._fullData[i];
    const fl = gd._fullLayout;
    if (!t || t.type !== "scatter" || t.visible !== true || !FILLS.has(t.fill)) return null;
    if (!axisFixed(fl, t.xaxis) || !axisFixed(fl, t.yaxis)) return null; // new data could move the axes
    if ((t.error_x && t.error_x.visible) || (t.error_y && t.error_y.visible)) return null;
    [x, y, x0, y0] = [x, y, x0, y0].map(values);
    if (!x || !y || x.length !== y.length) return null;
    const xa = fl[t.xaxis.replace("x", "xaxis")], ya = fl[t.yaxis.replace("y", "yaxis")];
    const g = traceGroup(gd, i);
    if (!g || !xa || !ya) return null;
    const pts = [], segs = [[]];
    for (let k = 0; k < x.length; k++) {
      const p = x[k] === null || y[k] === null || x[k] === undefined || y[k] === undefined ? null : [px(xa, x[k]), px(ya, y[k])];
      if (!p || p[0] === null || p[1] === null) {
        if (!t.connectgaps && segs[segs.length - 1].length) segs.push([]);
        continue;
      }
      pts.push(p);
      segs[segs.length - 1].push(p);
    }
    if (!segs[segs.length - 1].length) segs.pop();
    const ops = [];
    const mode = t.mode || "";
    if (mode.includes("lines")) {
      const step = STEPS[(t.line && t.line.shape) || "linear"];
      const lines = g.querySelectorAll("path.js-line");
      if (!step || !lines.length || !segs.length) return null;
      const ds = segs.map((sg) => "M" + sg[0][0] + "," + sg[0][1] + sg.slice(1).map((b, k) => step(sg[k], b)).join(""));
      // Plotly draws one path per segment; the same picture, as one path with a move per segment
      ops.push(() => lines.forEach((el, k) => el.setAttribute("d", k === 0 ? ds.join("") : "")));
      if (t.fill !== "none") {
        const fill = g.querySelector("path.js-fill");
        if (!fill || segs.length !== 1) return null;
        let d = ds[0];
        if (t.fill === "tozeroy") {
          const y0 = Math.max(0, Math.min(ya._length, px(ya, 0) === null ? ya._length : px(ya, 0)));
          const sg = segs[0];
          d += "L" + sg[sg.length - 1][0] + "," + y0 + "L" + sg[0][0] + "," + y0;
        }
        ops.push(() => fill.setAttribute("d", d + "Z"));
      }
    } else if (t.fill !== "none") {
      return null;
    }
    if (mode.includes("markers")) {
      const marks = g.querySelectorAll("path.point");
      if (marks.length !== pts.length) return null;
      ops.push(() => marks.forEach((el, k) => el.setAttribute("transform", "translate(" + pts[k][0] + "," + pts[k][1] + ")")));
    }
    if (mode.includes("text")) {
      if (!x0 || !y0 || x0.length !== x.length) return null;
      const op = textPaint(g, pixels(xa, ya, x0, y0), pixels(xa, ya, x, y));
      if (!op) return null;
      ops.push(op);
    }
    return ops;
  }

  function imagePaint(gd, i, source) {
    const fl = gd._fullLayout.images && gd._fullLayout.images[i];
    if (!fl || fl.visible === false) return null;
    for (const el of gd.querySelectorAll(".imagelayer image, .layer-above image, .layer-below image, .layer-subplot image")) {
      if (el.__data__ === fl || (el.__data__ && el.__data__._index === i)) {
        return [() => {
          el.setAttribute("href", source);
          el.setAttributeNS("http://www.w3.org/1999/xlink", "xlink:href", source);
          gd.layout.images[i].source = source;
          fl.source = source;
        }];
      }
    }
    return null;
  }

  const settling = new WeakMap(); // gd → {traces: {i: {x, y}}, images: {i: source}, timer}

  // Paint every update now, or nothing (false) when any part needs Plotly (or anything goes wrong: the caller
  // then draws through Plotly, which leaves a consistent picture).
  function paintNow(gd, idx, upd, images) {
    try {
      return paintOrRefuse(gd, idx, upd, images);
    } catch (err) {
      console.warn("direct paint skipped:", err);
      return false;
    }
  }

  function paintOrRefuse(gd, idx, upd, images) {
    const td = gd._transitionData;
    if (td && ((td._frameQueue && td._frameQueue.length) || td._animationRaf || td._frameWaitingCnt)) {
      return false; // a Plotly animation is still to draw: it would overwrite this frame with an older one
    }
    const ops = [];
    const pending = settling.get(gd);
    let deferred = false;
    for (const i of idx) {
      const u = upd[i];
      const full = gd._fullData[i];
      if (!u || !full || !gd.data[i]) return false;
      if (full.opacity === 0 && !("opacity" in u) && !("visible" in u)) {
        deferred = true; // an invisible trace (e.g. the heatmap under a picture, kept for hover) waits for the settle
        continue;
      }
      if (!Object.keys(u).every((k) => k === "x" || k === "y")) return false;
      const cur = gd.data[i];
      const o = tracePaint(gd, i, "x" in u ? u.x : cur.x, "y" in u ? u.y : cur.y, cur.x, cur.y);
      if (!o) return false;
      ops.push(...o);
    }
    for (const i in images || {}) {
      const o = imagePaint(gd, +i, images[i]);
      if (!o) return false;
      ops.push(...o);
    }
    ops.forEach((op) => op());
    const st = pending || {traces: {}, images: {}, timer: null, deferred: false};
    st.deferred = st.deferred || deferred;
    for (const i of idx) {
      Object.assign(gd.data[i], upd[i]); // Plotly's input data follows, so any later redraw shows this frame
      st.traces[i] = Object.assign(st.traces[i] || {}, upd[i]);
    }
    settling.set(gd, st);
    clearTimeout(st.timer);
    st.timer = setTimeout(() => settle(gd), 150);
    if (gd.emit) gd.emit("l2_painted"); // the SVG holds the new frame (benchmarks/latency.py listens for it)
    return true;
  }

  // Once the slider rests: Plotly redraws the painted traces itself (same picture), so hover and every other
  // Plotly feature see the data on screen.
  function settle(gd) {
    const st = settling.get(gd);
    if (!st || !window.Plotly) return;
    const timer = st.timer;
    const run = () => {
      if (settling.get(gd) !== st || st.timer !== timer || !gd._fullLayout) return; // painted again meanwhile
      settling.delete(gd);
      const idx = Object.keys(st.traces).map(Number);
      if (!idx.length) return;
      if (!st.deferred && canAnimate(gd, idx)) animateTraces(gd, idx, idx.map((i) => st.traces[i]));
      else window.Plotly.react(gd, gd.data.map((t) => Object.assign({}, t)), gd.layout); // data already merged
    };
    if (window.requestIdleCallback) window.requestIdleCallback(run, {timeout: 1000});
    else run();
  }

  // Plotly.animate of some traces drops filled scatter traces left out of the animation from the SVG (seen with
  // plotly.js 4.1.1: moving the ‖w‖ slider erased the histograms of the loss-scaling figure), so every filled
  // trace is animated too, with no change.
  function animateTraces(gd, idx, updates) {
    const all = idx.slice(), data = updates.slice();
    gd._fullData.forEach((t, i) => {
      if (t.type === "scatter" && t.fill && t.fill !== "none" && !all.includes(i)) {
        all.push(i);
        data.push({});
      }
    });
    window.Plotly.animate(gd, {data: data, traces: all}, ANIMATE_OPTS);
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
    const swaps = imageSwaps(gd, layoutUpd);
    if (swaps) {
      images = Object.assign({}, images || {}, swaps);
      layoutUpd = null;
    }
    const hasLayout = layoutUpd && Object.keys(layoutUpd).length > 0;
    const imgKeys = Object.keys(images || {});
    if (!hasLayout && paintNow(gd, idx, upd, images)) return true;
    if (!hasLayout && canAnimate(gd, idx)) {
      if (imgKeys.length) {
        const rel = {};
        for (const i of imgKeys) rel["images[" + i + "].source"] = images[i];
        window.Plotly.update(gd, {}, rel); // not relayout: dcc.Graph answers plotly_relayout with a re-render
      }
      animateTraces(gd, idx, idx.map((i) => upd[i]));
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

  // A layout update that only gives pictures new sources ({images: [...]}, as components.frames diffs a figure
  // whose layout images change): {image index: source}, or null when it changes anything else.
  function imageSwaps(gd, layoutUpd) {
    if (!layoutUpd || Object.keys(layoutUpd).length !== 1 || !Array.isArray(layoutUpd.images)) return null;
    const now = gd.layout.images || [];
    if (now.length !== layoutUpd.images.length) return null;
    const out = {};
    for (let i = 0; i < now.length; i++) {
      const a = now[i], b = layoutUpd.images[i];
      const keys = new Set(Object.keys(a).concat(Object.keys(b)));
      for (const k of keys) {
        if (k !== "source" && JSON.stringify(a[k]) !== JSON.stringify(b[k])) return null;
      }
      if (a.source !== b.source) out[i] = b.source;
    }
    return out;
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
  // A slider moved before its figure's frames arrived (components.frames.frames_store): the value it asked for,
  // drawn when they arrive (arrived below).
  const waiting = {};

  function pick(value, store, figId, readoutIds, storeId) {
    const nu = window.dash_clientside.no_update;
    const none = [nu].concat(readoutIds.map(() => nu));
    const v = Number(value);
    if (value === null || value === undefined || !isFinite(v)) return none;
    store = store || (storeId ? loaded[storeId] : null);
    if (!store) {
      waiting[figId] = v;
      return none;
    }
    delete waiting[figId];
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

  // ---- The lazy stores (components.frames.frames_store): fetched once, right after load, by the page's start-up
  // callback (assets/page.js start), and kept here as soon as each arrives, so that a slider works before Dash has
  // the store too.  On arrival, a value asked for meanwhile is drawn: by the store's hook if a section set one
  // (onLoaded), else by the frame player of the slider whose lane reads that store.
  const loaded = {};
  const hooks = {};

  function setFigure(figId, fig) {
    if (fig !== window.dash_clientside.no_update && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(figId, {figure: fig});
    }
  }

  function arrived(storeId, store) {
    if (hooks[storeId]) {
      hooks[storeId](store);
      return;
    }
    if (lanes === null) lanes = storeData(LANES_STORE) || null;
    for (const ctlId in lanes || {}) {
      const [name, storeIds, extra] = lanes[ctlId];
      if (name !== "l2frames.lanePick" || storeIds[0] !== storeId) continue;
      const [figId, readoutIds] = extra;
      if (figId in waiting) setFigure(figId, pick(waiting[figId], store, figId, readoutIds, storeId)[0]);
    }
  }

  function loadAll(storeIds, urls) {
    return Promise.all(storeIds.map((id, i) => (urls[i] ? load(urls[i]) : Promise.resolve(null)).then((store) => {
      if (!store || store === window.dash_clientside.no_update) return window.dash_clientside.no_update;
      loaded[id] = store;
      try {
        arrived(id, store);
      } catch (err) {
        console.warn("drawing a step taken before " + id + " arrived failed:", err);
      }
      return store;
    })));
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

  function layoutProps(id) {
    const api = window.dash_component_api;
    const node = api && api.getLayout ? api.getLayout(id) : null;
    return node && node.props ? node.props : undefined;
  }

  function storeData(id) {
    const props = layoutProps(id);
    const data = props ? props.data : undefined;
    return data === null || data === undefined ? loaded[id] : data;
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
        const host = laneHost(m.target);
        const v = Number(m.target.getAttribute("aria-valuenow"));
        if (host && isFinite(v)) runLane(host.id, v);
      }
    }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ["aria-valuenow"]});
  }
  if (document.body) watchSliders();
  else document.addEventListener("DOMContentLoaded", watchSliders);

  // Keyboard: a key on a slider thumb says the slider's next value (as the slider computes it: arrows one step,
  // with Shift or PageUp/PageDown ten, Home/End the ends), so the lane draws it in the keydown's own task instead
  // of after the slider has rendered it (~10 ms later).  The slider then shows the same value and the lane above
  // finds the frame drawn.  Sliders without a step (snapping to marks) are left to the slider.
  const KEY_DIRECTION = {ArrowRight: 1, ArrowUp: 1, PageUp: 1, ArrowLeft: -1, ArrowDown: -1, PageDown: -1};

  function laneHost(el) {
    for (; el && el !== document.body; el = el.parentElement) {
      if (el.id && el.id.startsWith("ctl-")) return el;
    }
    return null;
  }

  // The lane slider around `el` with a lane and a step: {id, lo, hi, now, step}, or null (not ours to draw).
  function laneSlider(el) {
    const host = laneHost(el);
    if (!host || document.dir === "rtl") return null;
    if (lanes === null) lanes = storeData(LANES_STORE) || null;
    const thumb = host.querySelector("[role=slider]");
    const props = layoutProps(host.id);
    if (!lanes || !lanes[host.id] || !thumb || !props) return null;
    if (thumb.getAttribute("aria-disabled") === "true" || thumb.hasAttribute("data-disabled")) return null;
    const num = (name) => Number(thumb.getAttribute(name));
    const r = {id: host.id, step: Number(props.step), lo: num("aria-valuemin"), hi: num("aria-valuemax"),
      now: num("aria-valuenow")};
    return [r.lo, r.hi, r.now, r.step].every(isFinite) && r.step > 0 ? r : null;
  }

  // v clamped to the slider's range and rounded to its step, as the slider does.
  function snap(r, v) {
    return Number((r.lo + Math.round((Math.min(r.hi, Math.max(r.lo, v)) - r.lo) / r.step) * r.step).toFixed(10));
  }

  function nextValue(e, r) {
    let v;
    if (e.key === "Home") v = r.lo;
    else if (e.key === "End") v = r.hi;
    else if (e.key in KEY_DIRECTION) {
      const times = e.shiftKey || e.key.startsWith("Page") ? 10 : 1;
      v = r.now + KEY_DIRECTION[e.key] * times * r.step;
    } else return null;
    v = snap(r, v);
    return Math.abs(v - r.now) < r.step / 2 ? null : v;
  }

  // Pointer: while a slider is dragged, the value under the pointer (the slider maps its whole width linearly
  // onto [min, max] and rounds to the step) is drawn in the pointer event's own task, as for keys.
  let dragged = null;

  function pointerValue(e, root) {
    const r = laneSlider(root);
    const rect = root.getBoundingClientRect();
    if (!r || root.getAttribute("data-orientation") !== "horizontal" || rect.width <= 0) return null;
    return [r.id, snap(r, r.lo + ((e.clientX - rect.left) / rect.width) * (r.hi - r.lo))];
  }

  function onPointer(e) {
    if (!dragged || (e.type === "pointermove" && !(e.buttons & 1))) return;
    const hit = pointerValue(e, dragged);
    if (hit) runLane(hit[0], hit[1]);
  }

  document.addEventListener("pointerdown", (e) => {
    const root = e.button === 0 && e.target && e.target.closest ? e.target.closest(".dash-slider-root") : null;
    dragged = root && laneSlider(root) ? root : null;
    onPointer(e);
  }, true);
  document.addEventListener("pointermove", onPointer, true);
  for (const type of ["pointerup", "pointercancel"]) document.addEventListener(type, () => { dragged = null; }, true);

  document.addEventListener("keydown", (e) => {
    const thumb = e.target;
    if (!thumb || !thumb.getAttribute || thumb.getAttribute("role") !== "slider" || e.altKey || e.ctrlKey || e.metaKey) return;
    const r = laneSlider(thumb);
    const v = r ? nextValue(e, r) : null;
    if (v !== null) runLane(r.id, v);
  }, true);

  // Lane function of the generic frame player: the pick without the Dash outputs.
  function lanePick(value, store, figId, readoutIds) {
    if (!store) waiting[figId] = Number(value);
    else if (graphDiv(figId)) pick(value, store, figId, readoutIds);
  }

  // A frames store's file (components.frames.frames_store): fetched once after load, retried once on a failure.
  async function load(url) {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const r = await fetch(url, {credentials: "same-origin"});
        if (r.ok) return await r.json();
      } catch (err) {
        /* retried below */
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    console.warn("frames not loaded: " + url + " (the figure keeps its first frame)");
    return window.dash_clientside.no_update;
  }

  window.l2frames = {load: load, loadAll: loadAll, stored: (id) => loaded[id], onLoaded: (id, fn) => { hooks[id] = fn; },
    setFigure: setFigure, draw: draw, setTexts: setTexts, pick: pick, lanePick: lanePick, graphDiv: graphDiv,
    internals: {canAnimate: canAnimate, tracePaint: tracePaint, nextValue: nextValue, laneSlider: laneSlider}};
})();
