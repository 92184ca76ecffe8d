/* Fast lanes: a grid slider's new value drawn in the input event's own task (window.l2lanes).
 *
 * Dash runs a clientside callback some milliseconds after the slider has rendered its new value.  The page lists
 * its grid sliders in the store `page-fast-lanes` ({slider id: [function name, store ids, extra arguments]},
 * components/widgets/frame_player.py); as soon as a listed slider's value is known this module calls the function
 * with (value, …the stores' data, …extra) — the frame player's lane draws the frame then.  The Dash callback still
 * runs afterwards (it keeps Dash's state and the URL in step) and finds the frame drawn.  The value is known:
 *   - from a key on the thumb (arrows one step, with Shift or PageUp/PageDown ten, Home/End the ends, as the slider
 *     computes them), in the keydown's own task;
 *   - while the thumb is dragged, from the pointer's position (the slider maps its width linearly onto [min, max]
 *     and rounds to its step), in the pointer event's own task;
 *   - from the thumb's aria-valuenow for anything else (the number box). */
(function (root) {
  "use strict";
  const LANES_STORE = "page-fast-lanes";
  const KEY_DIRECTION = {ArrowRight: 1, ArrowUp: 1, PageUp: 1, ArrowLeft: -1, ArrowDown: -1, PageDown: -1};
  let lanes = null;

  function layoutProps(id) {
    const api = root.dash_component_api;
    const node = api && api.getLayout ? api.getLayout(id) : null;
    return node && node.props ? node.props : undefined;
  }

  function storeData(id) {
    const props = layoutProps(id);
    const data = props ? props.data : undefined;
    return data === null || data === undefined ? root.l2player && root.l2player.stored(id) : data;
  }

  function laneOf(ctlId) {
    if (lanes === null) lanes = storeData(LANES_STORE) || null;
    return lanes && lanes[ctlId];
  }

  function run(ctlId, value) {
    const spec = laneOf(ctlId);
    if (!spec) return;
    const [name, storeIds, extra] = spec;
    const fn = name.split(".").reduce((o, k) => (o ? o[k] : undefined), root);
    if (typeof fn !== "function") return;
    try {
      fn.apply(null, [value].concat(storeIds.map(storeData), extra || []));
    } catch (err) {
      console.warn("fast lane " + ctlId + ":", err); // the Dash callback still draws the frame
    }
  }

  function laneHost(el) {
    for (; el && el !== root.document.body; el = el.parentElement) {
      if (el.id && el.id.startsWith("ctl-")) return el;
    }
    return null;
  }

  // The lane slider around `el` with a lane and a step: {id, lo, hi, now, step}, or null (not ours to draw).
  function laneSlider(el) {
    const host = laneHost(el);
    if (!host || root.document.dir === "rtl" || !laneOf(host.id)) return null;
    const thumb = host.querySelector("[role=slider]");
    const props = layoutProps(host.id);
    if (!thumb || !props) return null;
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

  // The value a key moves the slider `r` to, or null (not a slider key, or no move).
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

  function onKey(e) {
    const thumb = e.target;
    if (!thumb || !thumb.getAttribute || thumb.getAttribute("role") !== "slider" || e.altKey || e.ctrlKey || e.metaKey) return;
    const r = laneSlider(thumb);
    const v = r ? nextValue(e, r) : null;
    if (v !== null) run(r.id, v);
  }

  let dragged = null;

  function pointerValue(e, sliderRoot) {
    const r = laneSlider(sliderRoot);
    const rect = sliderRoot.getBoundingClientRect();
    if (!r || sliderRoot.getAttribute("data-orientation") !== "horizontal" || rect.width <= 0) return null;
    return [r.id, snap(r, r.lo + ((e.clientX - rect.left) / rect.width) * (r.hi - r.lo))];
  }

  function onPointer(e) {
    if (!dragged || (e.type === "pointermove" && !(e.buttons & 1))) return;
    const hit = pointerValue(e, dragged);
    if (hit) run(hit[0], hit[1]);
  }

  function install(doc) {
    new root.MutationObserver((mutations) => {
      for (const m of mutations) {
        const host = laneHost(m.target);
        const v = Number(m.target.getAttribute("aria-valuenow"));
        if (host && isFinite(v)) run(host.id, v);
      }
    }).observe(doc.body, {subtree: true, attributes: true, attributeFilter: ["aria-valuenow"]});
    doc.addEventListener("pointerdown", (e) => {
      const sliderRoot = e.button === 0 && e.target && e.target.closest ? e.target.closest(".dash-slider-root") : null;
      dragged = sliderRoot && laneSlider(sliderRoot) ? sliderRoot : null;
      onPointer(e);
    }, true);
    doc.addEventListener("pointermove", onPointer, true);
    for (const type of ["pointerup", "pointercancel"]) doc.addEventListener(type, () => { dragged = null; }, true);
    doc.addEventListener("keydown", onKey, true);
  }

  const doc = root.document;
  if (doc && doc.body) install(doc);
  else if (doc) doc.addEventListener("DOMContentLoaded", () => install(doc));

  root.l2lanes = {run: run, internals: {nextValue: nextValue, snap: snap, laneSlider: laneSlider}};
})(typeof window !== "undefined" ? window : globalThis);
