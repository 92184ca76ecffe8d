/* The frame player: the browser's one reader of the frame format (views/frames.py), window.l2player.
 *
 * A FramePlayer (components/widgets/frame_player.py) is a slider, its graphs, its readouts and the stores that
 * hold its frame sets (layers, in order).  For a slider value this module merges the layers' frames (traces by
 * uid, pictures by name, readouts by id), then draws each graph: through the Plotly adapter (assets/
 * plotly_adapter.js) when the graph already shows the set (its layout.meta.l2view names the set's key, or the set
 * has none), else as a whole new figure (with its phone layout below 600 px).  Python computes every frame;
 * nothing here does any math.  Entry points: `pick` (the Dash callback), `lane` (assets/lanes.js, in the input
 * event's own task), `start` (the page's start-up: a set sent as a file after the page). */
(function (root) {
  "use strict";
  const adapter = () => root.l2plotly;
  const NU = () => (root.dash_clientside ? root.dash_clientside.no_update : undefined);
  const PHONE_WIDTH = 600;

  function nearest(values, v) {
    let k = 0;
    for (let i = 1; i < values.length; i++) {
      if (Math.abs(values[i] - v) < Math.abs(values[k] - v)) k = i;
    }
    return k;
  }

  // Does `shown` (a graph's l2view, or another key) hold every entry of `key`?
  function within(key, shown) {
    if (!key || !shown) return false;
    return Object.keys(key).every((k) => shown[k] === key[k]);
  }
  const sameKey = (a, b) => within(a, b) && within(b, a);

  // A store holds a frame set, a list of them (layers in order), or nothing.
  function layersOf(data) {
    const out = [];
    for (const d of data) {
      if (Array.isArray(d)) out.push(...d.filter(Boolean));
      else if (d && d.schema) out.push(d);
    }
    return out;
  }

  function merge(views, id, upd) {
    if (!upd) return;
    const v = views[id] || (views[id] = {traces: {}, images: {}});
    for (const uid in upd.traces || {}) v.traces[uid] = Object.assign({}, v.traces[uid], upd.traces[uid]);
    Object.assign(v.images, upd.images || {});
  }

  // What the layers show at `value`: {views: {fig id: {traces, images}}, texts: {readout id: text}, ks: the frame
  // index of each layer (-1: skipped), complete: no layer skipped}; null for a value that is not a number.  A layer
  // applies when it has no `over` or lies over a set already applied; a readout no applied layer gives shows '–'.
  function compose(sets, value) {
    const v = Number(value);
    if (!sets.length || value === null || value === undefined || value === "" || !isFinite(v)) return null;
    const out = {views: {}, texts: {}, ks: [], complete: true};
    const keys = [];
    sets.forEach((s, n) => {
      for (const id of s.readouts) if (!(id in out.texts)) out.texts[id] = "–";
      if (n > 0 && s.over && !keys.some((k) => sameKey(k, s.over))) {
        out.complete = false;
        out.ks.push(-1);
        return;
      }
      const k = nearest(s.values, v);
      const fr = s.frames[k];
      out.ks.push(k);
      for (const id in s.views) {
        merge(out.views, id, s.views[id].common);
        merge(out.views, id, fr.views[id]);
      }
      s.readouts.forEach((id, j) => { out.texts[id] = fr.readouts[j]; });
      if (s.key) keys.push(s.key);
    });
    return out;
  }

  // A layout's phone patch ({"xaxis.domain": [0, 1], "images[0].visible": false, …}) applied in place.
  function phone(layout, patch) {
    for (const path in patch || {}) {
      const keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
      let node = layout;
      for (const k of keys.slice(0, -1)) {
        if (node[k] === undefined || node[k] === null) node[k] = {};
        node = node[k];
      }
      node[keys[keys.length - 1]] = JSON.parse(JSON.stringify(patch[path]));
    }
    return layout;
  }

  const narrow = () => root.innerWidth < PHONE_WIDTH;

  // A figure's phone layout, on a copy, when the page is narrow (else the figure itself).
  function fitted(fig) {
    const patch = fig && fig.layout && fig.layout.meta && fig.layout.meta.l2phone;
    if (!patch || !narrow()) return fig;
    return {data: fig.data, layout: phone(JSON.parse(JSON.stringify(fig.layout)), patch)};
  }

  // The whole figure of view `id`: the set's figure with the merged update (a fresh layout: Plotly writes into it).
  function figure(set, id, upd) {
    const fig = set.views[id].figure;
    const traces = (upd && upd.traces) || {}, images = (upd && upd.images) || {};
    const data = fig.data.map((t) => (t.uid in traces ? Object.assign({}, t, traces[t.uid]) : t));
    const layout = JSON.parse(JSON.stringify(fig.layout));
    for (const im of layout.images || []) if (im.name in images) im.source = images[im.name];
    return fitted({data: data, layout: layout});
  }

  // The update by trace and picture index in this graph, or null when the graph lacks one of them.
  function indexed(gd, upd) {
    const traces = {}, images = {};
    for (const uid in upd.traces) {
      const i = adapter().traceIndex(gd, uid);
      if (i < 0) return null;
      traces[i] = upd.traces[uid];
    }
    for (const name in upd.images) {
      const i = adapter().imageIndex(gd, name);
      if (i < 0) return null;
      images[i] = upd.images[name];
    }
    return [traces, images];
  }

  const shows = (gd, set) => !set.key || within(set.key, adapter().shownView(gd));
  const drawn = new WeakMap(); // graph → what it shows: [sets…, frame indices…]
  const sameList = (a, b) => !!a && a.length === b.length && a.every((x, i) => x === b[i]);

  function setTexts(texts) {
    const doc = root.document;
    for (const id in texts) {
      const el = doc && doc.getElementById(id);
      const t = texts[id] === undefined || texts[id] === null ? "" : String(texts[id]);
      if (el && el.textContent !== t) el.textContent = t;
    }
  }

  // Is graph `id` in this document?  A figure embedded on its own (/figure/<id>, components/embed.py) lacks the
  // player's other graphs: they are left alone.
  function onPage(id) {
    const doc = root.document;
    return !doc || !doc.getElementById || !!doc.getElementById(id);
  }

  // Draw the layers `sets` at `value` into the player's graphs and readouts.  In a lane only graphs that already
  // show the set are drawn, and only when every layer applies (anything else is left to the Dash callback).
  // Returns, per graph, the figure Dash must draw (no_update where drawn here), or null when nothing was drawn.
  function show(spec, value, sets, lane) {
    const shown = compose(sets, value);
    if (!shown) return null;
    const base = sets[0];
    const here = spec.views.map(onPage);
    const graphs = spec.views.map((id, n) => (here[n] ? adapter().graph(id) : null));
    if (lane && (!shown.complete || graphs.some((gd, n) => here[n] && (!gd || !shows(gd, base))))) return null;
    for (const id of spec.readouts) if (!(id in shown.texts)) shown.texts[id] = "–"; // no layer gives it
    const sig = sets.concat(shown.ks);
    const figs = spec.views.map((id, n) => {
      if (!here[n]) return NU();
      const gd = graphs[n], upd = shown.views[id] || {traces: {}, images: {}};
      const byIndex = gd && shows(gd, base) ? indexed(gd, upd) : null;
      if (byIndex) {
        // The page's first view names its frame (layout.meta.l2view.k): taken as drawn, not drawn a second time.
        const view = adapter().shownView(gd);
        const adopted = !drawn.has(gd) && view && view.k === shown.ks[0];
        if (!adopted && !sameList(drawn.get(gd), sig)) adapter().draw(gd, byIndex[0], byIndex[1]);
      } else if (lane) {
        return NU();
      } else {
        const fig = figure(base, id, upd);
        if (!gd) return fig; // not drawn yet: dcc.Graph draws it
        adapter().replace(gd, fig);
      }
      drawn.set(gd, sig);
      return NU();
    });
    setTexts(shown.texts);
    return {figs: figs, texts: shown.texts};
  }

  const loaded = {}; // store id → the set(s) its file held (components: lazy stores)
  const waiting = {}; // slider id → a value asked for before the player's sets arrived

  function triggered(ctl) {
    const cc = root.dash_clientside && root.dash_clientside.callback_context;
    return !!(cc && cc.triggered && cc.triggered.some((t) => t.prop_id === ctl + ".value"));
  }

  // The Dash callback of a player: (slider value, its stores' data) → [figures…, readouts…, transient stores…].
  function pick(spec, value, data) {
    const slid = triggered(spec.ctl);
    const layers = spec.stores.map((id, i) => (slid && spec.transient.includes(id) ? null : data[i] || loaded[id]));
    const clear = spec.transient.map((id) => (slid && data[spec.stores.indexOf(id)] ? null : NU()));
    const none = spec.views.map(NU).concat(spec.readouts.map(NU), clear);
    const sets = layersOf(layers);
    if (!sets.length) {
      waiting[spec.ctl] = value;
      return none;
    }
    delete waiting[spec.ctl];
    const r = show(spec, value, sets, false);
    if (!r) return none;
    const viaDash = r.figs.some((f) => f !== NU());
    return r.figs.concat(spec.readouts.map((id) => (viaDash && id in r.texts ? r.texts[id] : NU())), clear);
  }

  // A slider's fast lane (assets/lanes.js): lane(value, …the stores' data, spec).
  function lane(value) {
    const spec = arguments[arguments.length - 1];
    const data = Array.prototype.slice.call(arguments, 1, -1);
    const sets = layersOf(spec.stores.map((id, i) => (spec.transient.includes(id) ? null : data[i] || loaded[id])));
    if (!sets.length) waiting[spec.ctl] = value;
    else show(spec, value, sets, true);
  }

  // A set's file (views.frames.publish): fetched once after load, retried once on a failure.
  async function load(url) {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const r = await root.fetch(url, {credentials: "same-origin"});
        if (r.ok) return await r.json();
      } catch (err) {
        /* retried below */
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    console.warn("frames not loaded: " + url + " (the figure keeps its first frame)");
    return null;
  }

  // Start-up task of a player whose sets come as files (assets/page.js start): start(spec, …file URLs) → the sets
  // for its stores.  A value asked for before they arrived is drawn as soon as they do.
  function start(spec) {
    const urls = Array.prototype.slice.call(arguments, 1);
    return Promise.all(spec.stores.map((id, i) => (urls[i] ? load(urls[i]) : Promise.resolve(null)).then((set) => {
      if (!set) return NU();
      loaded[id] = set;
      if (spec.ctl in waiting) {
        try {
          const r = show(spec, waiting[spec.ctl], layersOf(spec.stores.map((s) => loaded[s])), false);
          (r ? r.figs : []).forEach((fig, n) => {
            if (fig !== NU() && root.dash_clientside.set_props) root.dash_clientside.set_props(spec.views[n], {figure: fig});
          });
        } catch (err) {
          console.warn("drawing a step taken before " + id + " arrived failed:", err);
        }
      }
      return set;
    })));
  }

  // A message set (as views.frames.message_set makes it) saying `text` in every graph of a player: copies of
  // `figure` (a message figure) with the text, readouts '–'.
  function messageSet(figure, text, spec) {
    const key = {message: text};
    const views = {};
    for (const id of spec.views) {
      const fig = JSON.parse(JSON.stringify(figure));
      fig.layout.annotations[0].text = text;
      fig.layout.meta = Object.assign({}, fig.layout.meta, {l2view: key});
      views[id] = {figure: fig};
    }
    return {schema: 1, key: key, values: [0], views: views, readouts: spec.readouts.slice(),
      frames: [{views: {}, readouts: spec.readouts.map(() => "–")}]};
  }

  // Draw the stores' data (as a player's callback would) now, e.g. in the click that picks a new pair.
  const draw = (spec, value, data) => show(spec, value, layersOf(data), false);

  root.l2player = {pick: pick, lane: lane, start: start, show: show, draw: draw, compose: compose, figure: figure, fitted: fitted,
    phone: phone, messageSet: messageSet, stored: (id) => loaded[id], nearest: nearest};
})(typeof window !== "undefined" ? window : globalThis);
