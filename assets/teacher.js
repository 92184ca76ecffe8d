/* The teacher's tools (window.l2teacher): each figure's "Share or download" disclosure (added here beside the title
 * of every `figure[data-figure]`, components/common.py figure_block), opening the page at a figure (#fig-…), print
 * sizing, and the embedded figure's stand-ins.
 *
 *   - Copy link to this view: the article's address with the controls' current query and the figure as fragment
 *     (from a figure embedded at /figure/<id> too: the link opens the whole article there); "Link copied" is
 *     announced by the tools' status region.
 *   - Download PNG / SVG: Plotly's own export (Plotly.downloadImage, in the browser, no service), PNG at
 *     presentation resolution (at least PRESENTATION_WIDTH pixels wide).
 *   - A page opened at #fig-… scrolls to that figure once it is drawn (no smooth scrolling).
 *   - Print: each graph is zoomed to the page's width (style.css reads --print-zoom), so no figure is cut off.
 * Nothing here runs on a slider step. */
(function (root) {
  "use strict";
  const doc = root.document;
  const PRESENTATION_WIDTH = 1920;
  const PRINT_WIDTH = 680; // px: A4 or Letter portrait, inside the print margins

  // The embedded figure's stand-ins (components/embed.py): render nothing, take any property.
  root.l2embed = {StandIn: function StandIn() { return null; }};

  // The address of the article (not of an embedded figure) at this view, scrolled to figure `figId`.
  function viewUrl(figId) {
    const loc = root.location;
    const page = root.dash_clientside && root.dash_clientside.l2page;
    const address = page && page.address ? page.address() : loc.pathname + loc.search;
    const query = address.indexOf("?") >= 0 ? address.slice(address.indexOf("?")).split("#")[0] : "";
    const embedded = loc.pathname.match(/^(.*\/)figure\/[^/]+\/?$/);
    return loc.origin + (embedded ? embedded[1] : loc.pathname) + query + "#" + figId;
  }

  function say(tools, text) {
    const status = tools.querySelector(".fig-tool-status");
    if (!status) return;
    status.textContent = ""; // a new message each time, even the same one twice
    setTimeout(() => { status.textContent = text; }, 50);
  }

  async function copy(text) {
    try {
      if (root.navigator && root.navigator.clipboard && root.isSecureContext) {
        await root.navigator.clipboard.writeText(text);
        return true;
      }
    } catch (err) {
      /* the fallback below */
    }
    const area = doc.createElement("textarea");
    const back = doc.activeElement;
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    doc.body.appendChild(area);
    area.select();
    let ok = false;
    try {
      ok = doc.execCommand("copy");
    } catch (err) {
      ok = false;
    }
    area.remove();
    if (back && back.focus) back.focus();
    return ok;
  }

  function graphsOf(figId) {
    const block = doc.getElementById(figId + "-block");
    return block ? Array.from(block.querySelectorAll(".js-plotly-plot")) : [];
  }

  async function download(figId, format, tools) {
    const graphs = graphsOf(figId);
    if (!graphs.length || !root.Plotly || !root.Plotly.downloadImage) {
      say(tools, "This figure cannot be downloaded yet");
      return;
    }
    say(tools, "Preparing " + format.toUpperCase() + "…");
    try {
      for (let i = 0; i < graphs.length; i++) {
        const gd = graphs[i];
        const width = Math.max(gd.offsetWidth, 300), height = Math.max(gd.offsetHeight, 200);
        await root.Plotly.downloadImage(gd, {
          format: format, width: width, height: height,
          scale: format === "png" ? Math.max(2, PRESENTATION_WIDTH / width) : 1,
          filename: figId + (graphs.length > 1 ? "-" + (i + 1) : ""),
        });
      }
      say(tools, format.toUpperCase() + " saved");
    } catch (err) {
      say(tools, "The download failed: " + (err && err.message ? err.message : err));
    }
  }

  const TOOLS = [["link", "Copy link to this view"], ["png", "Download PNG"], ["svg", "Download SVG"]];

  // Each figure's disclosure, as plain DOM: every Dash component adds to the renderer's work on each update (slider
  // steps included), and these need nothing from Dash.  It floats at the right of the title, before it in the
  // document (assets/a11y.css), inside the figure block React rendered once and never re-renders (static layout).
  // Returns the number of figures found.
  function addTools(within) {
    const figures = within.querySelectorAll(".figure[data-figure]");
    for (const fig of figures) {
      if (fig.querySelector(":scope > .figure-tools")) continue;
      const tools = doc.createElement("details");
      tools.className = "figure-tools";
      tools.setAttribute("data-figure", fig.getAttribute("data-figure"));
      const summary = doc.createElement("summary");
      summary.className = "figure-tools-summary";
      summary.textContent = "Share or download";
      tools.appendChild(summary);
      fig.insertBefore(tools, fig.firstChild);
    }
    return figures.length;
  }

  // The disclosure's contents, built the first time it opens.
  function fill(tools) {
    if (!tools || tools.querySelector(".figure-tools-row")) return;
    const row = doc.createElement("div");
    row.className = "figure-tools-row";
    for (const [tool, text] of TOOLS) {
      const button = doc.createElement("button");
      button.type = "button";
      button.className = "fig-tool";
      button.setAttribute("data-tool", tool);
      button.textContent = text;
      row.appendChild(button);
    }
    const status = doc.createElement("span");
    status.className = "fig-tool-status";
    status.setAttribute("role", "status");
    row.appendChild(status);
    tools.appendChild(row);
  }

  async function act(button) {
    const tools = button.closest(".figure-tools");
    const figId = tools && tools.getAttribute("data-figure");
    if (!figId) return;
    const tool = button.getAttribute("data-tool");
    if (tool === "link") {
      const url = viewUrl(figId);
      tools.setAttribute("data-link", url);
      say(tools, (await copy(url)) ? "Link copied" : "Copy this link: " + url);
    } else if (tool === "png" || tool === "svg") {
      await download(figId, tool, tools);
    }
  }

  // A page opened at #fig-…: scroll to that figure's block once it exists, again while the page settles (fonts,
  // pictures), unless the reader has moved in the meantime.
  function reveal() {
    const id = decodeURIComponent((root.location.hash || "").slice(1));
    if (!/^fig-[a-z0-9-]+$/.test(id)) return;
    let moved = false;
    const stop = () => { moved = true; };
    for (const type of ["wheel", "touchstart", "keydown", "mousedown"]) root.addEventListener(type, stop, {once: true, passive: true});
    const started = Date.now();
    (function attempt() {
      const block = doc.getElementById(id + "-block");
      if (moved) return;
      if (block) block.scrollIntoView({block: "start", behavior: "auto"});
      if (Date.now() - started < 4000) setTimeout(attempt, block ? 600 : 100);
    })();
  }

  // Print: each graph keeps the width it is drawn at on screen and is zoomed to fit the page (the print style
  // sheet reads --print-width and --print-zoom).  A zoomed graph of the column's width would grow back to it:
  // Plotly redraws a responsive graph to fill its box.  Measured on screen only, never in the print layout.
  function fitForPrint() {
    if (root.matchMedia && root.matchMedia("print").matches) return;
    for (const el of doc.querySelectorAll(".dash-graph")) {
      const w = el.offsetWidth;
      if (w <= 0) continue;
      const width = w + "px", zoom = String(Math.min(1, PRINT_WIDTH / w).toFixed(3));
      // Only what changed: a custom property inherits, so setting one restyles every node of the graph's SVG.
      if (el.style.getPropertyValue("--print-width") !== width) el.style.setProperty("--print-width", width);
      if (el.style.getPropertyValue("--print-zoom") !== zoom) el.style.setProperty("--print-zoom", zoom);
    }
  }
  let fitTimer = null;
  const fitSoon = () => {
    clearTimeout(fitTimer);
    fitTimer = setTimeout(fitForPrint, 300);
  };

  function install() {
    // The layout arrives after this script: Dash renders it in one piece, every figure block at once, and never
    // renders a block again (the layout is static).  So the tools are added when the first block appears, and the
    // watch ends there: it never sees the nodes Plotly adds on every draw.
    if (!addTools(doc)) {
      const watch = new root.MutationObserver(() => {
        if (addTools(doc)) watch.disconnect();
      });
      watch.observe(doc.body, {childList: true, subtree: true});
    }
    // Before the disclosure opens (a click on its summary, by pointer or keyboard), and on any other opening.
    doc.addEventListener("click", (e) => {
      const summary = e.target && e.target.closest ? e.target.closest(".figure-tools > summary") : null;
      if (summary) fill(summary.parentElement);
    }, true);
    doc.addEventListener("toggle", (e) => {
      if (e.target && e.target.matches && e.target.matches(".figure-tools") && e.target.open) fill(e.target);
    }, true);
    doc.addEventListener("click", (e) => {
      const button = e.target && e.target.closest ? e.target.closest(".figure-tools .fig-tool") : null;
      if (button) act(button);
    });
    root.addEventListener("resize", fitSoon);
    root.addEventListener("beforeprint", fitForPrint);
    setTimeout(fitForPrint, 2000);
    setTimeout(fitForPrint, 8000);
    reveal();
  }

  if (doc && doc.body) install();
  else if (doc) doc.addEventListener("DOMContentLoaded", install);

  root.l2teacher = {viewUrl: viewUrl, fitForPrint: fitForPrint, download: download, fill: fill};
})(typeof window !== "undefined" ? window : globalThis);
