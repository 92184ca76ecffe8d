/* The MNIST views' pair and loss (components/svm.py): the (pair, loss) answer files, fetched, kept and drawn
 * (window.l2mnist).
 *
 * An answer ({frames: the sweep's frame set, mirror: the typical images' layer, note}, views/answers.py) is one
 * gzipped file per (pair, loss) that the browser's HTTP cache and every server process share.  A pointer resting on
 * a pair of the list starts its download; the click that picks it draws the three views in its own task when the
 * answer is already here; `loadPair` (the pair/loss callback) draws them as soon as it has the answer, and hands the
 * sets to Dash, whose frame player then finds them drawn.  With chosen images the server computes their mirrors
 * instead (store-svm-pair-request).  The drawing itself is the frame player's (assets/player.js). */
(function () {
  "use strict";
  const NU = () => window.dash_clientside.no_update;
  const KEEP_ANSWERS = 6;
  const answers = new Map(); // url → parsed answer, the last few (a pair seen again costs no download or parse)
  const inFlight = new Map(); // url → promise of its answer (a prefetch and the choice share one download)
  let pairSeq = 0;
  let spec = null; // the λ player's spec (components/svm.py), known from the first call

  const prop = (id, name) => window.dash_clientside.l2page.prop(id, name);

  function isTypical(set, index) {
    return (set === null || set === undefined || set === "train") && (index === null || index === undefined || index === "");
  }

  function failed(src, message) {
    // The server's message figure (store-svm-src) saying this, in all three views.
    return {frames: window.l2player.messageSet(src.message, message, spec), mirror: null, note: ""};
  }

  function answerUrl(src, pair, loss) {
    return src.url + "/" + encodeURIComponent(String(pair)) + "/" + encodeURIComponent(String(loss)) +
      "?v=" + encodeURIComponent(String(src.v || ""));
  }

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

  function fetchAnswer(url) {
    if (!inFlight.has(url)) {
      const p = downloadAnswer(url);
      inFlight.set(url, p);
      p.then(() => inFlight.delete(url), () => inFlight.delete(url));
    }
    return inFlight.get(url);
  }

  // Draw an answer's sets now (the off-grid layer, if any, is dropped by the new pair).
  function drawAnswer(k, ans, what) {
    try {
      window.l2player.draw(spec, k, [ans.frames, ans.mirror, null]);
    } catch (err) {
      console.warn("drawing " + what + " early failed; Dash will draw it:", err);
    }
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

  // The click that picks a pair whose answer is already in the page draws the three views in the click's own task
  // (the list has not even closed yet); the choice then reaches Dash as usual and loadPair finds them drawn.  Only
  // for the typical images: chosen ones need the server's mirrors.
  function pickOption(e) {
    const url = optionUrl(e);
    const ans = url ? answers.get(url) : null;
    if (!spec || !ans || !ans.frames || !ans.mirror) return;
    const xy = ["x", "y"].map((w) => [prop("ctl-svm-" + w + "-set", "value"), prop("ctl-svm-" + w + "-index", "value")]);
    if (!xy.every(([set, index]) => isTypical(set, index))) return;
    pairSeq++; // an earlier choice still downloading must not draw over this one
    drawAnswer(prop(spec.ctl, "value"), ans, "the picked pair");
  }

  document.addEventListener("pointerover", prefetchOption, true);
  document.addEventListener("pointerdown", prefetchOption, true);
  document.addEventListener("click", pickOption, true);

  // The pair/loss callback: (pair, loss, x set, x index, y set, y index, answer source, λ) → [frames, mirror, note,
  // request for the server (chosen images)].
  async function loadPair(playerSpec, args) {
    spec = playerSpec;
    const [pair, loss, xset, xi, yset, yi, src, k] = args;
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
    drawAnswer(k, ans, "the new pair");
    return [ans.frames, ans.mirror, ans.note || "", NU()];
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

  // Start-up task (components/startup.py): the default (pair, loss) answer, fetched once the page is up; its sets
  // reach Dash only if no pair or loss was chosen meanwhile.
  function start(playerSpec, src) {
    spec = playerSpec;
    const seq0 = pairSeq;
    const pair = prop("ctl-svm-pair", "value"), loss = prop("ctl-svm-loss", "value");
    const answer = src && src.url && pair && loss ? defaultAnswer(src, answerUrl(src, pair, loss), pair, loss)
      : Promise.resolve(null);
    return answer.then((ans) => (ans && pairSeq === seq0 ? [ans.frames, ans.mirror] : [NU(), NU()]));
  }

  // held(): the answer URLs kept in the page (what a choice would find without a download)
  window.l2mnist = {loadPair: loadPair, start: start, held: () => Array.from(answers.keys())};
})();
