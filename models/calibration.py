"""Softmax calibration of a classifier's logits, in plain numpy: temperature, ECE, reliability diagrams.

Definitions (Guo, Pleiss, Sun & Weinberger, "On Calibration of Modern Neural Networks", ICML 2017):

* confidence of an image = the largest softmax probability of logits / t, prediction = its class;
* 15 equal-width bins of confidence, B_b = {i : conf_i ∈ (b/15, (b+1)/15]}, b = 0 … 14.  The intervals are
  closed on the right and open on the left (the convention of Guo et al.'s reference code, ``lower < conf ≤
  upper``); a confidence of exactly 0 — impossible for a softmax — would fall in the first bin;
* ECE = Σ_b |B_b|/n · |acc(B_b) − conf(B_b)|, where acc is the fraction of correct predictions in the bin and
  conf the mean confidence in it; reported in percent (×100).  Empty bins contribute nothing.

Temperature.  Two rules are offered side by side:

* ``fit_temperature`` — temperature scaling (Guo et al.): the t > 0 that minimises the mean negative
  log-likelihood of the true labels under softmax(logits / t) on a held-out split.  With s = 1/t the NLL
  L(s) = mean_i [log Σ_k exp(s z_ik) − s z_iy] is convex in s, and dL/ds = mean_i [E_p[z_i] − z_iy] increases
  with s, so its root is found by bisection (on log s) without any optimiser library.  If every held-out
  image is classified correctly with a margin, the NLL keeps falling as t → 0 and no finite optimum exists:
  a ValueError says so.
* ``paper_temperature`` — the article's rule (median max-probability 0.95), re-exported from
  ``models.attacks.calibrate_temperature`` so that both can be computed from one module.

Held-out split.  All 60 000 training images train the nets, so the held-out data must come from the
10 000 test images.  ``split_indices`` uses parity: odd indices fit the temperature, even indices measure
the ECE after calibration.  The MNIST test set is not exchangeable in order — its first 5 000 images come
from NIST's cleaner SD-3 writers and its last 5 000 from the harder SD-1 writers — so a first/last half
split would fit t on one writer population and judge it on another; parity interleaves both populations
in both halves, has (near-)equal class frequencies, needs no random seed and is reproducible from the
index alone.  ECE at t = 1 (which fits nothing) is reported on all 10 000 images and on the even half.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_BINS = 15


def softmax(logits: np.ndarray, t: float = 1.0) -> np.ndarray:
    """Row-wise softmax of logits / t in float64 (shifted by the row maximum, so it never overflows)."""
    if not t > 0:
        raise ValueError(f"temperature must be positive, got {t}")
    z = np.asarray(logits, np.float64) / t
    z = z - z.max(axis=-1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=-1, keepdims=True)


def log_softmax(logits: np.ndarray, t: float = 1.0) -> np.ndarray:
    """Row-wise log-softmax of logits / t in float64 (exact for very confident rows, unlike log(softmax))."""
    if not t > 0:
        raise ValueError(f"temperature must be positive, got {t}")
    z = np.asarray(logits, np.float64) / t
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def bin_index(confidence: np.ndarray, n_bins: int = N_BINS) -> np.ndarray:
    """Bin of each confidence: b with b/n < conf ≤ (b+1)/n (right-closed); conf ≤ 1/n → 0, conf > 1 → n − 1."""
    inner = np.linspace(0.0, 1.0, n_bins + 1)[1:-1]
    return np.minimum(np.searchsorted(inner, np.asarray(confidence, np.float64), side="left"), n_bins - 1)


@dataclass
class Reliability:
    """Reliability-diagram data: per bin its edges, count, mean confidence and accuracy (NaN when empty)."""

    edges: np.ndarray  # (n_bins + 1,)
    count: np.ndarray  # (n_bins,) int
    confidence: np.ndarray  # (n_bins,) mean confidence of the bin's images
    accuracy: np.ndarray  # (n_bins,) fraction of the bin's images classified correctly

    def ece(self) -> float:
        """Expected calibration error in percent: Σ_b |B_b|/n · |acc_b − conf_b| × 100."""
        n = self.count.sum()
        if n == 0:
            raise ValueError("no images")
        full = self.count > 0
        gap = np.abs(self.accuracy[full] - self.confidence[full])
        return float(100.0 * np.sum(self.count[full] / n * gap))

    def to_dict(self) -> dict:
        """JSON-able form (empty bins' confidence and accuracy as None)."""

        def clean(a: np.ndarray) -> list:
            return [None if not np.isfinite(v) else float(v) for v in a]

        return {
            "edges": self.edges.tolist(),
            "count": self.count.astype(int).tolist(),
            "confidence": clean(self.confidence),
            "accuracy": clean(self.accuracy),
        }


def reliability_from_confidence(confidence: np.ndarray, correct: np.ndarray, n_bins: int = N_BINS) -> Reliability:
    """Reliability bins from per-image confidences (max probability) and correctness (bool)."""
    conf = np.asarray(confidence, np.float64).reshape(-1)
    ok = np.asarray(correct, bool).reshape(-1)
    if conf.shape != ok.shape:
        raise ValueError(f"{conf.size} confidences but {ok.size} correctness flags")
    if conf.size and (not np.isfinite(conf).all() or conf.min() < 0 or conf.max() > 1):
        raise ValueError("confidences must lie in [0, 1]")
    b = bin_index(conf, n_bins)
    count = np.bincount(b, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(b, weights=conf, minlength=n_bins) / count
        acc = np.bincount(b, weights=ok.astype(np.float64), minlength=n_bins) / count
    return Reliability(np.linspace(0.0, 1.0, n_bins + 1), count, mean_conf, acc)


def reliability(logits: np.ndarray, labels: np.ndarray, t: float = 1.0, n_bins: int = N_BINS) -> Reliability:
    """Reliability bins of softmax(logits / t) against the true labels."""
    p = softmax(logits, t)
    labels = np.asarray(labels).reshape(-1)
    if len(labels) != len(p):
        raise ValueError(f"{len(p)} rows of logits but {len(labels)} labels")
    return reliability_from_confidence(p.max(1), p.argmax(1) == labels, n_bins)


def ece(logits: np.ndarray, labels: np.ndarray, t: float = 1.0, n_bins: int = N_BINS) -> float:
    """Expected calibration error (percent) of softmax(logits / t), 15 equal-width right-closed bins."""
    return reliability(logits, labels, t, n_bins).ece()


def nll(logits: np.ndarray, labels: np.ndarray, t: float = 1.0) -> float:
    """Mean negative log-likelihood of the true labels under softmax(logits / t)."""
    labels = np.asarray(labels, np.int64).reshape(-1)
    lp = log_softmax(logits, t)
    return float(-lp[np.arange(len(labels)), labels].mean())


def _nll_slope(z: np.ndarray, zy: np.ndarray, s: float) -> float:
    """dL/ds at inverse temperature s: mean over images of E_softmax(s z)[z] − z_y."""
    a = s * z
    a = a - a.max(1, keepdims=True)
    w = np.exp(a)
    return float(np.mean((w * z).sum(1) / w.sum(1) - zy))


def fit_temperature(
    logits: np.ndarray, labels: np.ndarray, log_t_range: tuple[float, float] = (-12.0, 12.0), tol: float = 1e-10
) -> float:
    """Temperature scaling: the t minimising ``nll(logits, labels, t)`` (bisection on the convex NLL's slope)."""
    z = np.asarray(logits, np.float64)
    labels = np.asarray(labels, np.int64).reshape(-1)
    if z.ndim != 2 or len(z) == 0 or len(z) != len(labels) or not np.isfinite(z).all():
        raise ValueError("logits must be a finite (N, K) array with N ≥ 1 and one label per row")
    zy = z[np.arange(len(z)), labels]
    lo, hi = -log_t_range[1], -log_t_range[0]  # log s = −log t
    if _nll_slope(z, zy, np.exp(lo)) >= 0:
        raise ValueError("the NLL is smallest at the largest temperature allowed: the logits carry no signal")
    if _nll_slope(z, zy, np.exp(hi)) <= 0:
        raise ValueError("the NLL keeps falling as t → 0 (every image right with a margin): no finite optimum")
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if _nll_slope(z, zy, np.exp(mid)) < 0:
            lo = mid
        else:
            hi = mid
    return float(np.exp(-0.5 * (lo + hi)))


def paper_temperature(logits: np.ndarray) -> float:
    """The article's rule: t with median max-probability of softmax(logits / t) equal to 0.95."""
    from models.attacks import calibrate_temperature  # imports torch; kept out of this module's import

    return calibrate_temperature(logits)


def split_indices(n: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    """(fit, evaluate) indices of the held-out split: odd indices fit t, even indices measure the ECE."""
    idx = np.arange(n)
    return idx[1::2], idx[0::2]


def bootstrap_ece(
    logits: np.ndarray, labels: np.ndarray, t: float = 1.0, n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float]:
    """Percentile bootstrap interval (resampling images) of the ECE in percent."""
    p = softmax(logits, t)
    conf, ok = p.max(1), p.argmax(1) == np.asarray(labels).reshape(-1)
    b = bin_index(conf)
    rng = np.random.default_rng(seed)
    out = np.empty(n_boot)
    n = len(conf)
    for r in range(n_boot):
        i = rng.integers(0, n, n)
        cnt = np.bincount(b[i], minlength=N_BINS)
        gap = np.abs(
            np.bincount(b[i], weights=ok[i], minlength=N_BINS) - np.bincount(b[i], weights=conf[i], minlength=N_BINS)
        )
        out[r] = 100.0 * gap.sum() / cnt.sum()
    lo, hi = np.quantile(out, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def summary(logits: np.ndarray, labels: np.ndarray) -> dict:
    """Every calibration number of one net from its test logits (N = 10 000 in test order), JSON-able.

    Keys: ``t_paper`` (median max-prob 0.95, all images), ``t_nll`` (fitted on the odd half), ``ece_t1``
    (percent, all images), ``ece_t1_eval`` / ``ece_nll_eval`` / ``ece_paper_eval`` (even half, at t = 1, t_nll,
    t_paper), ``nll_t1_eval`` / ``nll_nll_eval``, ``ece_t1_ci95`` (bootstrap), ``reliability_t1`` and
    ``reliability_nll`` (bins of the even half)."""
    z = np.asarray(logits, np.float64)
    y = np.asarray(labels, np.int64).reshape(-1)
    fit, ev = split_indices(len(z))
    t_nll = fit_temperature(z[fit], y[fit])
    t_paper = paper_temperature(z)
    return {
        "n": int(len(z)),
        "n_fit": int(len(fit)),
        "n_eval": int(len(ev)),
        "bins": N_BINS,
        "bin_edges": "right-closed (lo, hi]",
        "t_paper": t_paper,
        "t_nll": t_nll,
        "ece_t1": ece(z, y),
        "ece_t1_ci95": bootstrap_ece(z, y),
        "ece_t1_eval": ece(z[ev], y[ev]),
        "ece_nll_eval": ece(z[ev], y[ev], t_nll),
        "ece_paper_eval": ece(z[ev], y[ev], t_paper),
        "nll_t1_eval": nll(z[ev], y[ev]),
        "nll_nll_eval": nll(z[ev], y[ev], t_nll),
        "reliability_t1": reliability(z[ev], y[ev]).to_dict(),
        "reliability_nll": reliability(z[ev], y[ev], t_nll).to_dict(),
    }
