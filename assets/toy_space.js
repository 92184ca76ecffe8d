/* §1's Figure 2 (fig-toy-space), window.l2toy: the image (a, b) *is* the point (a, b), so its two sliders and a
 * click on the plane need no frames and no server: the browser copies the two numbers into the marker and the
 * 3×3 picture (traces found by their uid, "point" and "image", as views/toy.py names them).  The only
 * section-specific script of the toy, theory and neural sections; every grid slider goes through the frame player
 * (assets/player.js). */
(function (root) {
  "use strict";
  const NU = () => (root.dash_clientside ? root.dash_clientside.no_update : undefined);
  const signed = (v) => (v >= 0 ? "+" : "") + v.toFixed(2);
  const usable = (v) => v !== null && v !== undefined && isFinite(Number(v));

  // The sliders' (a, b) → [the figure with the point and its picture moved, readout a, readout b].
  function space(a, b, fig) {
    if (!fig || !usable(a) || !usable(b)) return [NU(), NU(), NU()];
    const A = Number(a), B = Number(b);
    const data = fig.data.map((t) => {
      if (t.uid === "point") return Object.assign({}, t, {x: [A], y: [B]});
      if (t.uid === "image") return Object.assign({}, t, {z: [[B, B, B], [B, A, B], [B, B, B]]});
      return t;
    });
    return [{data: data, layout: fig.layout}, signed(A), signed(B)];
  }

  // A click on the plane → the sliders' values, snapped to their 0.05 grid within [−1, 1].
  function pick(click) {
    const p = click && click.points && click.points[0];
    if (!p || !isFinite(Number(p.x)) || !isFinite(Number(p.y))) return [NU(), NU()];
    const snap = (v) => Math.max(-1, Math.min(1, Math.round(Number(v) * 20) / 20));
    return [snap(p.x), snap(p.y)];
  }

  root.l2toy = {space: space, pick: pick};
})(typeof window !== "undefined" ? window : globalThis);
