/* Prose (components.common.markdown): each section's text arrives as server-made XHTML with MathML in the
 * attribute data-prose of an empty div, and becomes that div's content here, through the browser's own HTML
 * parser, as soon as React has put the div in the page (before it is painted: mutation observers run before the
 * next frame).  React never owns those children (the div has none in the layout), so it never undoes this. */
(function () {
  "use strict";
  const ATTR = "data-prose";
  const HTML_NS = "http://www.w3.org/1999/xhtml";

  function fill(el) {
    const markup = el.getAttribute(ATTR);
    if (markup === null) return;
    el.innerHTML = markup;
    el.removeAttribute(ATTR); // the markup now lives in the DOM once, not twice
  }

  function fillWithin(node) {
    if (node.hasAttribute(ATTR)) fill(node);
    if (node.firstElementChild) node.querySelectorAll("[" + ATTR + "]").forEach(fill);
  }

  // Only HTML elements are looked into: the many SVG nodes Plotly adds on every draw are skipped at once.
  const observer = new MutationObserver((records) => {
    for (const rec of records) {
      for (const node of rec.addedNodes) {
        if (node.nodeType === 1 && node.namespaceURI === HTML_NS) fillWithin(node);
      }
      if (rec.type === "attributes" && rec.target.nodeType === 1) fill(rec.target);
    }
  });
  observer.observe(document.documentElement, {childList: true, subtree: true, attributes: true, attributeFilter: [ATTR]});
})();
