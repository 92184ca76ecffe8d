/* The LeNet section's drawing canvas (components/lenet.py, fig-lenet-draw).
 * Draw with a mouse, pen or finger; at each stroke's end the ink is cropped, scaled into a 20×20 box and
 * centred by its centre of mass in 28×28 (the way MNIST digits were made); the 0..255 values go to the store
 * `store-lenet-drawing` and the input source switches to the drawing.  Listeners live on the document, so
 * nothing has to run when the page loads. */
(function () {
  "use strict";
  let down = null; // the canvas being drawn on

  function pos(c, e) {
    const r = c.getBoundingClientRect();
    return [(e.clientX - r.left) * c.width / r.width, (e.clientY - r.top) * c.height / r.height];
  }

  function set(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) window.dash_clientside.set_props(id, props);
  }

  function emit(c) {
    const ctx = c.getContext("2d");
    const img = ctx.getImageData(0, 0, c.width, c.height).data;
    let x0 = c.width, y0 = c.height, x1 = -1, y1 = -1;
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        if (img[4 * (y * c.width + x) + 3] > 20) {
          x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
        }
      }
    }
    if (x1 < 0) {
      set("store-lenet-drawing", {data: []});
      return;
    }
    const s = 20 / Math.max(x1 - x0 + 1, y1 - y0 + 1);
    const w = Math.max(1, Math.round((x1 - x0 + 1) * s)), h = Math.max(1, Math.round((y1 - y0 + 1) * s));
    const o = document.createElement("canvas");
    o.width = 28;
    o.height = 28;
    const octx = o.getContext("2d");
    octx.imageSmoothingQuality = "high";
    octx.drawImage(c, x0, y0, x1 - x0 + 1, y1 - y0 + 1, Math.floor((28 - w) / 2), Math.floor((28 - h) / 2), w, h);
    const a = octx.getImageData(0, 0, 28, 28).data;
    let m = 0, mx = 0, my = 0;
    const v = [];
    for (let y = 0; y < 28; y++) {
      v.push([]);
      for (let x = 0; x < 28; x++) {
        const q = a[4 * (y * 28 + x) + 3];
        v[y].push(q); m += q; mx += q * x; my += q * y;
      }
    }
    const dx = m ? Math.round(13.5 - mx / m) : 0, dy = m ? Math.round(13.5 - my / m) : 0;
    const out = [];
    for (let y = 0; y < 28; y++) {
      out.push([]);
      for (let x = 0; x < 28; x++) {
        const sx = x - dx, sy = y - dy;
        out[y].push(sx >= 0 && sx < 28 && sy >= 0 && sy < 28 ? v[sy][sx] : 0);
      }
    }
    set("store-lenet-drawing", {data: out});
    set("ctl-lenet-source", {value: "drawing"});
  }

  document.addEventListener("pointerdown", (e) => {
    const c = e.target;
    if (!c || c.id !== "lenet-canvas" || !c.getContext) return;
    down = c;
    c.setPointerCapture(e.pointerId);
    const [x, y] = pos(c, e);
    const ctx = c.getContext("2d");
    ctx.beginPath();
    ctx.moveTo(x, y);
  });
  document.addEventListener("pointermove", (e) => {
    if (!down || e.target !== down) return;
    const [x, y] = pos(down, e);
    const ctx = down.getContext("2d");
    ctx.lineWidth = 15; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
    ctx.lineTo(x, y);
    ctx.stroke();
  });
  for (const type of ["pointerup", "pointercancel"]) {
    document.addEventListener(type, () => {
      const c = down;
      down = null;
      if (c) emit(c);
    });
  }

  // Clientside callback of the Clear button: an empty canvas and an empty drawing.
  function clear(n) {
    const c = document.getElementById("lenet-canvas");
    if (n && c) {
      c.getContext("2d").clearRect(0, 0, c.width, c.height);
      set("store-lenet-drawing", {data: []});
    }
    return window.dash_clientside.no_update;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {l2lenet: {clear: clear}});
})();
