/* Every access to Plotly's internals, in one place (window.l2plotly).
 *
 * The frame player (assets/player.js) hands this module a graph and, by trace and picture index, the data of a
 * frame; nothing else in the page reads _fullLayout/_fullData/_transitionData, calls the axes' d2c/c2p, or looks
 * at Plotly's DOM classes.  A frame is drawn, in this order of preference:
 *   1. straight into the SVG, in the caller's own task (what a D3 page does): scatter traces whose x/y change on
 *      fixed axes (line and fill paths through the axes' own data→pixel maps, marker and text positions) and
 *      swapped pictures; the graph emits `l2_painted`, and once the slider rests (150 ms, then idle) Plotly
 *      redraws the same data itself, so hover is right;
 *   2. a zero-length Plotly.animate of the changed scatter traces (filled traces always animated along: plotly.js
 *      4.1.1 drops them otherwise), pictures through Plotly.update;
 *   3. Plotly.react of the whole figure.
 * Plotly version changes surface here (tests/js/plotly_adapter.test.js, tests/test_browser_page.py). */
(function (root) {
  "use strict";
  const ANIMATABLE = new Set(["scatter", "bar"]);
  const ANIMATE_OPTS = {transition: {duration: 0}, frame: {duration: 0, redraw: false}, mode: "immediate"};
  const STEPS = {
    linear: (a, b) => "L" + b[0] + "," + b[1],
    hv: (a, b) => "H" + b[0] + "V" + b[1],
    vh: (a, b) => "V" + b[1] + "H" + b[0],
    hvh: (a, b) => "H" + (a[0] + b[0]) / 2 + "V" + b[1] + "H" + b[0],
    vhv: (a, b) => "V" + (a[1] + b[1]) / 2 + "H" + b[0] + "V" + b[1],
  };
  const FILLS = new Set(["none", "tozeroy", "toself"]);
  // Plotly stops a line short of its last point's marker by the symbol's back-off × the marker's size (line.backoff
  // "auto"); these are the symbols that have one (plotly.js src/components/drawing/symbol_defs.js).
  const BACKOFFS = {"arrow": 0.9, "arrow-up": 1, "arrow-bar-up": 1, "arrow-wide": 0.4};
  const FAR = 1e5; // keep far-off points finite for the SVG (they are clipped to the plot area anyway)
  const plotly = () => root.Plotly;

  // The drawn Plotly graph inside the dcc.Graph of that id, or null (not drawn yet, or no Plotly).
  function graph(id) {
    const doc = root.document;
    const gd = doc && doc.querySelector("#" + id + " .js-plotly-plot");
    return gd && gd._fullLayout && gd._fullData && plotly() ? gd : null;
  }

  // What the graph shows: layout.meta.l2view (views.frames: the key of the frame set its figure came from).
  function shownView(gd) {
    const meta = gd && gd.layout && gd.layout.meta;
    return meta && meta.l2view ? meta.l2view : null;
  }

  const uidIndex = new WeakMap(); // gd.data → {uid: index}
  function traceIndex(gd, uid) {
    let m = uidIndex.get(gd.data);
    if (!m) {
      m = {};
      gd.data.forEach((t, i) => { if (t && t.uid !== undefined) m[t.uid] = i; });
      uidIndex.set(gd.data, m);
    }
    return uid in m ? m[uid] : -1;
  }

  function imageIndex(gd, name) {
    return (gd.layout.images || []).findIndex((im) => im && im.name === name);
  }

  function axisFixed(fl, ref) {
    const ax = fl[(ref || "x").replace(/^([xy])/, "$1axis")];
    return !!ax && ax.autorange === false;
  }

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
      const bin = root.atob(v.bdata), bytes = new Uint8Array(bin.length);
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

  // How far (px) the line of trace t stops short of its point k, or null when Plotly would do something else.
  function lineBackoff(t, k) {
    const m = t.marker, b = t.line && t.line.backoff;
    if (!b || !m || m.angle % 360 !== 0) return 0;
    if (m.standoff) return null;
    if (typeof b === "number") return b;
    if (b !== "auto") return null;
    const sym = Array.isArray(m.symbol) ? m.symbol[k] : m.symbol, size = Array.isArray(m.size) ? m.size[k] : m.size;
    return (BACKOFFS[sym] || 0) * size;
  }

  // p moved back by `by` px along the segment from q, if it stays on that segment (as Plotly does).
  function backedOff(q, p, by) {
    const a = Math.atan2(p[1] - q[1], p[0] - q[0]);
    const x = p[0] - by * Math.cos(a), y = p[1] - by * Math.sin(a);
    const within = (v, lo, hi) => (v <= hi && v >= lo) || (v >= hi && v <= lo);
    return by && within(x, q[0], p[0]) && within(y, q[1], p[1]) ? [x, y] : p;
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
    const pts = [], segs = [[]], lastOf = [];
    for (let k = 0; k < x.length; k++) {
      const p = x[k] === null || y[k] === null || x[k] === undefined || y[k] === undefined ? null : [px(xa, x[k]), px(ya, y[k])];
      if (!p || p[0] === null || p[1] === null) {
        if (!t.connectgaps && segs[segs.length - 1].length) segs.push([]);
        continue;
      }
      pts.push(p);
      segs[segs.length - 1].push(p);
      lastOf[segs.length - 1] = k;
    }
    if (!segs[segs.length - 1].length) segs.pop();
    const ops = [];
    const mode = t.mode || "";
    if (mode.includes("lines")) {
      const step = STEPS[(t.line && t.line.shape) || "linear"];
      const lines = g.querySelectorAll("path.js-line");
      if (!step || !lines.length || !segs.length) return null;
      const path = (sg) => "M" + sg[0][0] + "," + sg[0][1] + sg.slice(1).map((b, k) => step(sg[k], b)).join("");
      const ds = segs.map(path);
      const backs = segs.map((sg, n) => (sg.length > 1 ? lineBackoff(t, lastOf[n]) : 0));
      const linear = !t.line || !t.line.shape || t.line.shape === "linear";
      if (backs.includes(null) || (backs.some(Boolean) && (t.fill !== "none" || !linear))) return null;
      const lineDs = segs.map((sg, n) => (backs[n] ? path(sg.slice(0, -1).concat([backedOff(sg[sg.length - 2],
        sg[sg.length - 1], backs[n])])) : ds[n]));
      // Plotly draws one path per segment; the same picture, as one path with a move per segment
      ops.push(() => lines.forEach((el, k) => el.setAttribute("d", k === 0 ? lineDs.join("") : "")));
      if (t.fill !== "none") {
        const fill = g.querySelector("path.js-fill");
        if (!fill || segs.length !== 1) return null;
        let d = ds[0];
        if (t.fill === "tozeroy") {
          const y0px = Math.max(0, Math.min(ya._length, px(ya, 0) === null ? ya._length : px(ya, 0)));
          const sg = segs[0];
          d += "L" + sg[sg.length - 1][0] + "," + y0px + "L" + sg[0][0] + "," + y0px;
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
    if (fl && fl.source === source && gd.layout.images[i].source === source) return []; // already shown
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

  const settling = new WeakMap(); // gd → {traces: {i: {x, y}}, timer, deferred}

  // Paint every update now, or nothing (false) when any part needs Plotly (or anything goes wrong: the caller
  // then draws through Plotly, which leaves a consistent picture).
  function paint(gd, upd, images) {
    try {
      return paintOrRefuse(gd, upd, images);
    } catch (err) {
      console.warn("direct paint skipped:", err);
      return false;
    }
  }

  function paintOrRefuse(gd, upd, images) {
    const td = gd._transitionData;
    if (td && ((td._frameQueue && td._frameQueue.length) || td._animationRaf || td._frameWaitingCnt)) {
      return false; // a Plotly animation is still to draw: it would overwrite this frame with an older one
    }
    const idx = Object.keys(upd).map(Number);
    const ops = [];
    let deferred = false;
    for (const i of idx) {
      const u = upd[i], full = gd._fullData[i], cur = gd.data[i];
      if (!u || !full || !cur) return false;
      if (full.opacity === 0 && !("opacity" in u) && !("visible" in u)) {
        deferred = true; // an invisible trace (e.g. the heatmap under a picture, kept for hover) waits for the settle
        continue;
      }
      if (!Object.keys(u).every((k) => k === "x" || k === "y")) return false;
      const o = tracePaint(gd, i, "x" in u ? u.x : cur.x, "y" in u ? u.y : cur.y, cur.x, cur.y);
      if (!o) return false;
      ops.push(...o);
    }
    for (const i in images) {
      const o = imagePaint(gd, +i, images[i]);
      if (!o) return false;
      ops.push(...o);
    }
    ops.forEach((op) => op());
    const st = settling.get(gd) || {traces: {}, timer: null, deferred: false};
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
    if (!st || !plotly()) return;
    const timer = st.timer;
    const run = () => {
      if (settling.get(gd) !== st || st.timer !== timer || !gd._fullLayout) return; // painted again meanwhile
      settling.delete(gd);
      const idx = Object.keys(st.traces).map(Number);
      if (!idx.length) return;
      if (!st.deferred && canAnimate(gd, idx)) animateTraces(gd, idx, idx.map((i) => st.traces[i]));
      else plotly().react(gd, gd.data.map((t) => Object.assign({}, t)), gd.layout); // data already merged
    };
    if (root.requestIdleCallback) root.requestIdleCallback(run, {timeout: 1000});
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
    plotly().animate(gd, {data: data, traces: all}, ANIMATE_OPTS);
  }

  function canAnimate(gd, idx) {
    const fl = gd._fullLayout;
    return idx.length > 0 && idx.every((i) => {
      const t = gd._fullData[i];
      return t && t.index === i && ANIMATABLE.has(t.type) && axisFixed(fl, t.xaxis) && axisFixed(fl, t.yaxis);
    });
  }

  // Draw a frame's data into graph gd: `upd` {trace index: {prop: value}}, `images` {layout image index: source}.
  function draw(gd, upd, images) {
    const idx = Object.keys(upd).map(Number);
    const imgKeys = Object.keys(images);
    if (paint(gd, upd, images)) return "painted";
    if (canAnimate(gd, idx)) {
      if (imgKeys.length) {
        const rel = {};
        for (const i of imgKeys) rel["images[" + i + "].source"] = images[i];
        plotly().update(gd, {}, rel); // not relayout: dcc.Graph answers plotly_relayout with a re-render
      }
      animateTraces(gd, idx, idx.map((i) => upd[i]));
      return "animated";
    }
    const data = gd.data.slice();
    for (const i of idx) data[i] = Object.assign({}, data[i], upd[i]);
    let layout = gd.layout;
    if (imgKeys.length) {
      const imgs = (layout.images || []).map((im, i) => (i in images ? Object.assign({}, im, {source: images[i]}) : im));
      layout = Object.assign({}, layout, {images: imgs});
    }
    plotly().react(gd, data, layout);
    return "react";
  }

  // A whole new figure into a drawn graph (a new base: another pair, a message).
  function replace(gd, figure) {
    settling.delete(gd);
    plotly().react(gd, figure.data, figure.layout);
  }

  root.l2plotly = {graph: graph, shownView: shownView, traceIndex: traceIndex, imageIndex: imageIndex, draw: draw,
    replace: replace, internals: {tracePaint: tracePaint, canAnimate: canAnimate, values: values}};
})(typeof window !== "undefined" ? window : globalThis);
