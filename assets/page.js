/* The page's own clientside callbacks (components/page.py): start-up and the address bar (window.l2page).
 *
 * start: the one callback that runs as the page opens.  The figures come drawn with the page; this fits them to a
 * phone's width (each figure's layout.meta.l2phone, computed in Python) and runs the sections' start-up tasks
 * (components/startup.py: e.g. fetch a frame player's sets, the MNIST views' default answer), whose results reach
 * Dash together.  writeUrl: the controls' values written into the address (history.replaceState, no reload). */
(function () {
  "use strict";
  const NU = () => window.dash_clientside.no_update;

  function prop(id, name) {
    const api = window.dash_component_api;
    const node = api && api.getLayout ? api.getLayout(id) : null;
    return node && node.props ? node.props[name] : undefined;
  }

  function fitForPhone() {
    // The figures the page came with, fitted to a phone's width (layout only; their meta keeps naming the frame).
    if (!window.dash_clientside.set_props || !window.l2player) return;
    for (const el of document.querySelectorAll(".dash-graph[id]")) {
      const fig = prop(el.id, "figure");
      const fit = fig && fig.layout ? window.l2player.fitted(fig) : fig;
      if (fit !== fig) window.dash_clientside.set_props(el.id, {figure: fit});
    }
  }

  // tasks: [[function name, number of inputs, number of outputs, extra leading arguments]] in the order of the
  // callback's inputs and outputs; each function returns (a promise of) its outputs.
  function start(tasks, args) {
    fitForPhone();
    let at = 0;
    const runs = tasks.map(([name, nIn, nOut, extra]) => {
      const inputs = args.slice(at, at + nIn);
      at += nIn;
      const none = () => new Array(nOut).fill(NU());
      const fn = name.split(".").reduce((o, k) => (o ? o[k] : undefined), window);
      if (typeof fn !== "function") return Promise.resolve(none());
      try {
        return Promise.resolve(fn.apply(null, (extra || []).concat(inputs))).then((out) => out || none(), (err) => {
          console.warn("start-up task " + name + " failed:", err);
          return none();
        });
      } catch (err) {
        console.warn("start-up task " + name + " failed:", err);
        return Promise.resolve(none());
      }
    });
    return Promise.all(runs).then((outs) => [].concat(...outs));
  }

  let pendingUrl = null, urlTimer = null;
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
    // Once the controls rest for a moment: replaceState costs ~3 ms here, and done right after each slider step it
    // would delay the frame that shows that step.
    pendingUrl = url;
    clearTimeout(urlTimer);
    urlTimer = setTimeout(() => {
      urlTimer = null;
      if (pendingUrl !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(window.history.state, "", pendingUrl);
      }
    }, 200);
    return qs;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    l2page: {start: start, writeUrl: writeUrl, prop: prop,
      // The address the controls are at now (the address bar follows once they rest): the teacher's tools link it.
      address: () => pendingUrl || window.location.pathname + window.location.search + window.location.hash},
  });
})();
