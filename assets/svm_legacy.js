/* The MNIST views' clientside callbacks in their first-release form (components/svm.py): shim until the views
 * move onto the frame player (assets/player.js) and assets/mnist_pair.js; removed then.
 * Python computes every frame; these functions only pick one and merge it into a base figure
 * (l2svm.apply is the twin of components.svm.apply_updates).  No math here. */
(function () {
  "use strict";
  const NU = () => window.dash_clientside.no_update;
  // Readout ids in the order of the callbacks' outputs (components/svm.py).
  const SVM_RO = ["ro-svm-lam", "ro-svm-dadv", "ro-svm-err-train", "ro-svm-err-test", "ro-svm-theta", "ro-svm-wnorm",
    "ro-svm-xdist", "ro-svm-ydist"];

  const IMAGES = "images"; // key of the layout images' new sources in an update (components.svm.IMAGES_KEY)

  function apply(base) {
    // base: {data, layout}; further arguments: {traceIndex: {prop: value}, images: {index: source}} updates
    // (null = none).
    const data = base.data.slice();
    // Plotly writes autorange results into the layout it is given: hand it a fresh copy.
    const layout = JSON.parse(JSON.stringify(base.layout));
    for (let a = 1; a < arguments.length; a++) {
      const upd = arguments[a];
      if (!upd) continue;
      for (const key in upd) {
        if (key === IMAGES) {
          for (const i in upd[key]) layout.images[+i].source = upd[key][i];
          continue;
        }
        const i = +key;
        data[i] = Object.assign({}, data[i], upd[key]);
      }
    }
    return {data: data, layout: layout};
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

  function drawDirect(id, base, updates) {
    // Draw only the updated traces into the existing plot if it shows `base` (assets/plotly_adapter.js):
    // no figure clone, no React re-render, no diff of the whole figure per slider step.  False if it cannot.
    const gd = window.l2plotly.graph(id);
    if (!(gd && gd.__l2base === base)) return false;
    const merged = {}, images = {};
    for (const upd of updates) {
      if (!upd) continue;
      for (const key in upd) {
        if (key === IMAGES) Object.assign(images, upd[key]);
        else merged[key] = Object.assign(merged[key] || {}, upd[key]);
      }
    }
    const key = [base].concat(updates);
    if (!(gd.__l2drawn && key.length === gd.__l2drawn.length && key.every((x, i) => x === gd.__l2drawn[i]))) {
      gd.__l2drawn = key;
      window.l2plotly.draw(gd, merged, images);
    }
    return true;
  }

  function show(id, base) {
    // A frame of the figure already drawn: only what changed.  A new base figure (a new pair or loss): drawn
    // with Plotly.react straight into the graph once dcc.Graph has drawn it, else through dcc.Graph.
    const updates = Array.prototype.slice.call(arguments, 2);
    if (drawDirect(id, base, updates)) return NU();
    const gd = window.l2plotly.graph(id);
    const fig = apply.apply(null, [base].concat(updates));
    if (id in PHONE_FITS) PHONE_FITS[id](fig);
    if (gd) {
      gd.__l2base = base;
      gd.__l2drawn = [base].concat(updates);
      if (window.l2plotly.graph(id)) {
        window.l2plotly.replace(gd, fig);
        return NU();
      }
    }
    return fig;
  }

  function setTexts(ids, texts) {
    for (let j = 0; j < ids.length; j++) {
      const el = document.getElementById(ids[j]);
      const t = texts[j] === undefined || texts[j] === null ? "" : String(texts[j]);
      if (el && el.textContent !== t) el.textContent = t;
    }
  }

  function texts(ids, values, figs) {
    // Readouts are always written as text (no React round for a number); they also go through Dash when a
    // figure does, so Dash's copy never holds an older text that a later equal value would fail to replace.
    setTexts(ids, values);
    return figs.every((f) => f === NU()) ? ids.map(() => NU()) : values;
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
      const gd = window.l2plotly.graph(id);
      if (gd) gd.__l2base = null;
    }
  }

  // The page comes with each view drawn by the server (components.svm.first_views),
  // its frame named in layout.meta.l2view; the frames follow.  A graph still showing that frame is taken as drawn
  // from its base (so a step paints only what changes), instead of being drawn a second time.
  function adopt(id, base, updates, matches) {
    const gd = window.l2plotly.graph(id);
    const view = gd && window.l2plotly.shownView(gd);
    if (!gd || gd.__l2base || !view || !matches(view)) return;
    const ups = updates(view.k);
    if (!ups) return;
    gd.__l2base = base;
    gd.__l2drawn = [base].concat(ups);
  }

  function fitSvmLoss(fig) {
    // F10 on a phone: its two panels one above the other instead of side by side (at 375 px side by side, the
    // inner axis titles of the two panels run into each other).  Layout only: the frames are the same.  The graph's
    // box grows to the new height in assets/mnist.css.
    if (window.innerWidth >= 600 || !fig || !fig.layout) return fig;
    const L = fig.layout;
    const set = (ax, o) => {
      if (L[ax]) L[ax] = Object.assign({}, L[ax], o);
    };
    L.height = 640;
    set("xaxis", {domain: [0, 1]});
    set("xaxis2", {domain: [0, 1]});
    set("yaxis", {domain: [0.62, 1]});
    set("yaxis3", {domain: [0, 0.36]});
    return fig;
  }

  function fitSvmMirror(fig) {
    // F12 on a phone: the plane's long title would run into the pictures' titles beside it; the caption says it.
    if (window.innerWidth >= 600 || !fig || !fig.layout || !fig.layout.annotations) return fig;
    fig.layout.annotations = fig.layout.annotations.map((a, i) => (i === 0 ? Object.assign({}, a, {visible: false}) : a));
    return fig;
  }

  // Layout changes for a phone, applied to every figure drawn whole (the frames only change data).
  const PHONE_FITS = {"fig-svm-loss": fitSvmLoss, "fig-svm-mirror": fitSvmMirror};

  // The fast lane (assets/lanes.js): the same frames drawn as soon as the slider shows its new value, only when
  // every graph of the slider can be drawn in place; the Dash callback that follows finds them drawn.
  // The stores the Dash callback last drew from: the lane draws only from those (a store that changed since, a
  // new pair or loss, goes through the Dash callback first, never through a lane racing it).
  let lastSvm = null;

  function svmLane(k, frames, mirror) {
    if (!frames || frames.error || !lastSvm || frames !== lastSvm[0] || mirror !== lastSvm[1]) return;
    const kk = clampIndex(k, frames.frames.length);
    const fr = frames.frames[kk], b = frames.base;
    const sameMirror = mirror && mirror.pair && mirror.pair[0] === frames.pair[0] &&
      mirror.pair[1] === frames.pair[1] && mirror.loss === frames.loss;
    if (!sameMirror) return;
    const mf = mirror.frames[kk];
    const ids = ["fig-svm-loss", "fig-svm-plane", "fig-svm-mirror"];
    const bases = [b.loss, b.plane, mirrorKey(b.mirror, mirror.static)];
    const ups = [[fr.loss], [fr.plane], [fr.mirror, mirror.static, mf.upd]];
    const ready = ids.every((id, i) => {
      const gd = window.l2plotly.graph(id);
      return gd && gd.__l2base === bases[i];
    });
    if (!ready) return;
    ids.forEach((id, i) => drawDirect(id, bases[i], ups[i]));
    setTexts(SVM_RO, fr.ro.concat(mf.ro));
  }

  function svm(k, frames, mirror, custom) {
    lastSvm = [frames, mirror];
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
    adoptSvm(frames, mirror);
    const figs = [
      show("fig-svm-loss", b.loss, fr.loss), show("fig-svm-plane", b.plane, fr.plane),
      show("fig-svm-mirror", mirrorKey(b.mirror, mstatic), fr.mirror, mstatic, mf && mf.upd),
    ];
    return figs.concat(texts(SVM_RO, fr.ro.concat(mf ? mf.ro : ["–", "–"]), figs), [slid && custom ? null : NU()]);
  }

  function adoptSvm(frames, mirror) {
    if (!mirror || !mirror.frames) return;
    const b = frames.base;
    const same = (view) => String(view.pair) === frames.pair.join("-") && view.loss === frames.loss &&
      mirror.pair && mirror.pair.join("-") === frames.pair.join("-") && mirror.loss === frames.loss;
    const at = (k, f) => (frames.frames[k] && mirror.frames[k] ? f(frames.frames[k], mirror.frames[k]) : null);
    adopt("fig-svm-loss", b.loss, (k) => at(k, (fr) => [fr.loss]), same);
    adopt("fig-svm-plane", b.plane, (k) => at(k, (fr) => [fr.plane]), same);
    adopt("fig-svm-mirror", mirrorKey(b.mirror, mirror.static),
      (k) => at(k, (fr, mf) => [fr.mirror, mirror.static, mf.upd]), same);
  }

  // A pair or loss change (components/svm.py): fetch the (pair, loss) answer file (every frame and the typical
  // images' mirrors), which the browser's HTTP cache and every server process share.  With chosen images (an index
  // or a test image) the server callback computes their mirrors instead (store-svm-pair-request).
  let pairSeq = 0;
  const answers = new Map(); // url → parsed answer, the last few (a pair seen again costs no download or parse)
  const KEEP_ANSWERS = 6;

  function isTypical(set, index) {
    return (set === null || set === undefined || set === "train") && (index === null || index === undefined || index === "");
  }

  function failed(src, message) {
    // The server's message figure (components.svm.message_figure) with this message, in all three views.
    const fig = JSON.parse(JSON.stringify(src.message));
    fig.layout.annotations[0].text = message;
    return {frames: {error: message, figs: {loss: fig, plane: fig, mirror: fig}}, mirror: null, note: ""};
  }

  const inFlight = new Map(); // url → promise of its answer (a prefetch and the choice share one download)

  function fetchAnswer(url) {
    if (!inFlight.has(url)) {
      const p = downloadAnswer(url);
      inFlight.set(url, p);
      p.then(() => inFlight.delete(url), () => inFlight.delete(url));
    }
    return inFlight.get(url);
  }

  function answerUrl(src, pair, loss) {
    return src.url + "/" + encodeURIComponent(String(pair)) + "/" + encodeURIComponent(String(loss)) +
      "?v=" + encodeURIComponent(String(src.v || ""));
  }

  function prop(id, name) {
    const api = window.dash_component_api;
    const node = api && api.getLayout ? api.getLayout(id) : null;
    return node && node.props ? node.props[name] : undefined;
  }

  // The answer URL of the pair option under an event (an option of the pair list), or null.
  function optionUrl(e) {
    const opt = e.target && e.target.closest ? e.target.closest("[role=option]") : null;
    const src = opt ? prop("store-svm-src", "data") : null;
    const loss = prop("ctl-svm-loss", "value");
    if (!src || !src.url || !loss) return null;
    const label = opt.textContent.trim();
    const hit = (prop("ctl-svm-pair", "options") || []).find((o) => o && o.label === label);
    return hit ? answerUrl(src, hit.value, loss) : null; // null: an option of another dropdown
  }

  // A pointer on an option of the pair list (hovered, or pressed: the click follows ~0.1 s later) starts that
  // pair's download, so the choice itself finds the answer in memory.
  function prefetchOption(e) {
    const url = optionUrl(e);
    if (url && !answers.has(url)) fetchAnswer(url).catch(() => null);
  }
  document.addEventListener("pointerover", prefetchOption, true);
  document.addEventListener("pointerdown", prefetchOption, true);

  // The click that picks a pair whose answer is already in the page draws the three views in the click's own task
  // (the list has not even closed yet), as the slider lanes do; the choice then reaches Dash as usual and loadPair
  // finds them drawn.  Only for the typical images: chosen ones need the server's mirrors (loadPair).
  function pickOption(e) {
    const url = optionUrl(e);
    const ans = url ? answers.get(url) : null;
    if (!ans || !ans.frames || ans.frames.error) return;
    const xy = ["x", "y"].map((w) => [prop("ctl-svm-" + w + "-set", "value"), prop("ctl-svm-" + w + "-index", "value")]);
    if (!xy.every(([set, index]) => isTypical(set, index))) return;
    pairSeq++; // an earlier choice still downloading must not draw over this one
    try {
      svm(prop("ctl-svm-lambda", "value"), ans.frames, ans.mirror, null);
    } catch (err) {
      console.warn("drawing the picked pair early failed; Dash will draw it:", err);
    }
  }
  document.addEventListener("click", pickOption, true);

  async function downloadAnswer(url) {
    const r = await fetch(url, {credentials: "same-origin"});
    let ans = null;
    try {
      ans = await r.json();
    } catch (err) {
      ans = null;
    }
    if (!ans || !ans.frames) throw new Error("the server answered " + r.status);
    if (r.ok) {
      answers.set(url, ans);
      while (answers.size > KEEP_ANSWERS) answers.delete(answers.keys().next().value);
    }
    return ans; // a bad choice or a missing sweep: its frames say so in the three views
  }

  async function loadPair(pair, loss, xset, xi, yset, yi, src, k) {
    const seq = ++pairSeq;
    if (!(isTypical(xset, xi) && isTypical(yset, yi)) || !src || !src.url) {
      return [NU(), NU(), NU(), {pair: pair, loss: loss, seq: seq}];
    }
    const url = answerUrl(src, pair, loss);
    let ans = answers.get(url);
    if (!ans) {
      try {
        ans = await fetchAnswer(url);
      } catch (err) {
        ans = failed(src, "The " + loss + " sweep of " + pair + " could not be loaded (" + err.message +
          "). Choose it again in a moment.");
      }
    }
    if (seq !== pairSeq) return [NU(), NU(), NU(), NU()]; // a later choice is on its way
    // Draw the three views now; the stores then reach Dash, whose svm callback finds them drawn.
    try {
      svm(k, ans.frames, ans.mirror, null);
    } catch (err) {
      console.warn("drawing the new pair early failed; Dash will draw it:", err);
    }
    return [ans.frames, ans.mirror, ans.note || "", NU()];
  }

  // Start-up task (components/startup.py): the default (pair, loss) answer, fetched once the page is up; the
  // stores reach Dash only if no pair or loss was chosen meanwhile.  On a phone F10 and F12 are fitted first.
  function start(src) {
    fitForPhone();
    const seq0 = pairSeq;
    const pair = prop("ctl-svm-pair", "value"), loss = prop("ctl-svm-loss", "value");
    const answer = src && src.url && pair && loss ? defaultAnswer(src, answerUrl(src, pair, loss), pair, loss)
      : Promise.resolve(null);
    return answer.then((ans) => (ans && pairSeq === seq0 ? [ans.frames, ans.mirror] : [NU(), NU()]));
  }

  async function defaultAnswer(src, url, pair, loss) {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        return await fetchAnswer(url);
      } catch (err) {
        if (attempt) {
          return failed(src, "The " + loss + " sweep of " + pair + " could not be loaded (" + err.message +
            "), so the λ slider cannot move these views. Choose the pair again in a moment.");
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    return null;
  }

  function fitForPhone() {
    // The figures the page came with, fitted to a phone's width (layout only; their meta keeps naming the frame).
    if (window.innerWidth >= 600 || !window.dash_clientside.set_props) return;
    for (const [id, fit] of Object.entries(PHONE_FITS)) {
      const fig = prop(id, "figure");
      if (fig && fig.layout) window.dash_clientside.set_props(id, {figure: fit(JSON.parse(JSON.stringify(fig)))});
    }
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    l2svm: {apply: apply, svm: svm, svmLane: svmLane, loadPair: loadPair, start: start},
  });
})();
