/* Names, values and keyboard reach for Dash's own widgets (window.l2a11y).
 *
 * Dash 4's slider, dropdown and radio items render markup that assistive technology reads badly, and they take no
 * ARIA props from Python.  This module completes their markup in place, once per element, as React puts it in
 * the page (React never owns these attributes, so it never undoes them):
 *   - a slider's thumb and its number box get the control's visible label as their name (aria-labelledby), and
 *     the thumb announces its value with its unit (aria-valuetext, from the texts Python computed for every value
 *     of the grid: components/common.py valuetexts) — kept in step with aria-valuenow, one lookup per step;
 *   - a dropdown is reached and named through its own button (label + value); Dash's hidden focus relay (an
 *     aria-hidden input that forwards the focus) is taken out of the way (style.css hides it);
 *   - radio items are a radiogroup of native radios named by their labels (Dash marks them as listbox options
 *     around focusable radios: a nesting screen readers cannot use);
 *   - a display equation wider than the screen (phones) scrolls sideways and is reachable by the keyboard.
 * A control's label is `label[for=id]`, else `#<id>-label`, else the first `.control-label` of its `.control`. */
(function (root) {
  "use strict";
  const doc = root.document;
  const HTML_NS = "http://www.w3.org/1999/xhtml";
  const texts = new WeakMap(); // slider container → {min, step, texts}

  function labelFor(el) {
    if (!el || !el.id) return null;
    let label = doc.querySelector('label[for="' + el.id + '"]') || doc.getElementById(el.id + "-label");
    const box = el.closest(".control");
    if (!label && box) label = box.querySelector(".control-label");
    if (label && !label.id) label.id = el.id + "-label";
    return label;
  }

  function valueTexts(host) {
    if (texts.has(host)) return texts.get(host);
    const box = host.closest("[data-valuetext]");
    let spec = null;
    try {
      spec = box ? JSON.parse(box.getAttribute("data-valuetext")) : null;
    } catch (err) {
      spec = null;
    }
    texts.set(host, spec);
    return spec;
  }

  // The thumb's aria-valuetext for its aria-valuenow: O(1).
  function announce(thumb) {
    const host = thumb.closest(".dash-slider-container");
    const spec = host && valueTexts(host);
    const now = Number(thumb.getAttribute("aria-valuenow"));
    if (!spec || !isFinite(now)) return;
    const text = spec.texts[Math.round((now - spec.min) / spec.step)];
    if (text !== undefined && thumb.getAttribute("aria-valuetext") !== text) thumb.setAttribute("aria-valuetext", text);
  }

  function slider(host) {
    const label = labelFor(host);
    for (const el of host.querySelectorAll('[role="slider"], input')) {
      if (label && !el.hasAttribute("aria-labelledby")) el.setAttribute("aria-labelledby", label.id);
    }
    host.querySelectorAll('[role="slider"]').forEach(announce);
  }

  function dropdown(button) {
    const label = labelFor(button);
    const relay = button.previousElementSibling;
    if (relay && relay.classList.contains("dash-dropdown-focus-target")) relay.tabIndex = -1;
    button.tabIndex = 0;
    if (label) button.setAttribute("aria-labelledby", label.id + " " + button.id + "-value");
  }

  function radios(group) {
    group.setAttribute("role", "radiogroup");
    const label = labelFor(group);
    if (label) group.setAttribute("aria-labelledby", label.id);
    group.querySelectorAll('[role="option"]').forEach((opt) => {
      opt.removeAttribute("role");
      opt.removeAttribute("aria-selected");
    });
  }

  // Equations wider than their column scroll sideways; those (and only those) join the tab order.
  function equations() {
    for (const el of doc.querySelectorAll(".math-display")) {
      const wide = el.scrollWidth > el.clientWidth + 1;
      if (wide && !el.hasAttribute("tabindex")) {
        el.tabIndex = 0;
        el.setAttribute("role", "group");
        el.setAttribute("aria-label", "equation (scrolls sideways)");
      } else if (!wide && el.hasAttribute("tabindex")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("role");
        el.removeAttribute("aria-label");
      }
    }
  }
  let equationsTimer = null;
  const equationsSoon = () => {
    clearTimeout(equationsTimer);
    equationsTimer = setTimeout(equations, 150);
  };

  const SELECTOR = ".dash-slider-container, button.dash-dropdown, .dash-radioitems, .math-display";

  function complete(el) {
    if (el.matches(".dash-slider-container")) slider(el);
    else if (el.matches("button.dash-dropdown")) dropdown(el);
    else if (el.matches(".dash-radioitems")) radios(el);
    else if (el.matches(".math-display")) equationsSoon();
  }

  function within(node) {
    if (node.matches(SELECTOR)) complete(node);
    else {
      const host = node.closest && node.closest(".dash-slider-container, .dash-radioitems");
      if (host) complete(host); // a thumb or an option rendered after its container
    }
    if (node.firstElementChild) node.querySelectorAll(SELECTOR).forEach(complete);
  }

  function onMutations(records) {
    for (const rec of records) {
      if (rec.type === "attributes") {
        if (rec.attributeName === "aria-valuenow") announce(rec.target);
        else if (rec.attributeName === "aria-selected" && rec.target.closest(".dash-radioitems")) {
          rec.target.removeAttribute("aria-selected"); // React re-sets it on a choice; a radio's own state says it
        }
        continue;
      }
      for (const node of rec.addedNodes) {
        if (node.nodeType === 1 && node.namespaceURI === HTML_NS) within(node);
      }
    }
  }

  function install() {
    // Only HTML elements are looked into: the SVG nodes Plotly adds on every draw are skipped at once.
    new root.MutationObserver(onMutations).observe(doc.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["aria-valuenow", "aria-selected"],
    });
    within(doc.body);
    root.addEventListener("resize", equationsSoon);
    // Dash's dropdown gives its focus relay back its tab stop whenever the button loses the focus.
    doc.addEventListener("focusout", (e) => {
      const t = e.target;
      if (t && t.matches && t.matches("button.dash-dropdown")) setTimeout(() => dropdown(t), 0);
    });
  }

  if (doc && doc.body) install();
  else if (doc) doc.addEventListener("DOMContentLoaded", install);

  root.l2a11y = {announce: announce, equations: equations, labelFor: labelFor};
})(typeof window !== "undefined" ? window : globalThis);
