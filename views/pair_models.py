"""A digit pair's data and its linear models with their metrics: the 81 of a sweep, or one off-grid λ.

``pair_context`` holds the pair's images and the deterministic subset of training points the figures show;
``ModelRows`` lines up every model's weights, bias and metrics so that one frame builder serves a sweep and a
single model alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from models import geometry
from models.conventions import SHOWN_PER_CLASS, display_subset
from models.sweeps import Sweep

PER_CLASS_SHOWN = SHOWN_PER_CLASS  # displayed training points per class (of 3000)


@dataclass(frozen=True)
class PairContext:
    """What every figure of a pair needs besides the sweep: the training and test sets and the shown points."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    shown: np.ndarray


@lru_cache(maxsize=4)
def pair_context(a: int, b: int, per_class: int = PER_CLASS_SHOWN) -> PairContext:
    """Training data of the pair (store.mnist.pair_data, verified) and the deterministic displayed subset."""
    from store import mnist

    pd = mnist.pair_data(a, b)
    return PairContext(pd.X_train, pd.y_train, pd.X_test, pd.y_test, display_subset(pd.y_train, per_class))


def nearest_to_centroid(X: np.ndarray, y: np.ndarray, label: float) -> int:
    """Index (within its class) of the training image closest to its class centroid: a typical digit."""
    idx = np.flatnonzero(y == label)
    D = X[idx]
    D = D - D.mean(axis=0)
    return int(np.argmin(np.einsum("ij,ij->i", D, D)))


@dataclass(frozen=True)
class ModelRows:
    """One or more linear models of a pair with their metrics: the 81 of a sweep, or one off-grid λ."""

    lam: np.ndarray
    W: np.ndarray
    bias: np.ndarray
    err_train: np.ndarray
    err_test: np.ndarray
    d_adv: np.ndarray
    theta: np.ndarray
    w_norm: np.ndarray
    hist_I: np.ndarray
    hist_J: np.ndarray


def rows_from_sweep(sweep: Sweep) -> ModelRows:
    """The sweep's 81 models and their stored metrics."""
    return ModelRows(
        np.asarray(sweep.lam),
        np.asarray(sweep.W, dtype=np.float64),
        np.asarray(sweep.bias),
        np.asarray(sweep.err_train),
        np.asarray(sweep.err_test),
        np.asarray(sweep.d_adv),
        np.asarray(sweep.theta),
        np.asarray(sweep.w_norm),
        np.asarray(sweep.hist_I),
        np.asarray(sweep.hist_J),
    )


def rows_from_model(
    w: np.ndarray, b: float, lam: float, ctx: PairContext, i: np.ndarray, j: np.ndarray, edges: np.ndarray
) -> ModelRows:
    """One model (e.g. an off-grid λ from the worker) with every metric computed here from (w, b)."""
    w = np.asarray(w, dtype=np.float64)
    d_tr = geometry.signed_distance(ctx.X_train, w, b)
    d_te = geometry.signed_distance(ctx.X_test, w, b)
    yd = ctx.y_train * d_tr
    err_tr = 100.0 * float(np.mean(yd <= 0))
    err_te = 100.0 * float(np.mean(ctx.y_test * d_te <= 0))
    h_i = np.histogram(np.clip(yd[ctx.y_train < 0], edges[0], edges[-1]), bins=edges)[0]
    h_j = np.histogram(np.clip(yd[ctx.y_train > 0], edges[0], edges[-1]), bins=edges)[0]
    return ModelRows(
        np.array([lam]),
        w[None, :],
        np.array([float(b)]),
        np.array([err_tr]),
        np.array([err_te]),
        np.array([float(np.mean(yd))]),
        np.array([geometry.tilting_angle(w, i, j)]),
        np.array([float(np.linalg.norm(w))]),
        h_i[None, :],
        h_j[None, :],
    )
