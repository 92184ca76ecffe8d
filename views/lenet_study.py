"""The LeNet study's figures, from analysis.json: every shipped net (seeds, the whole ladder, adversarial training).

* ``make_ladder`` — median perturbation (both attacks, relative to LeNet_low) and test error against weight decay:
  the mean over seeds with min–max error bars, each seed as a small dot, the adversarially trained nets as dashed
  horizontal lines (they have LeNet_low's weight decay, so they do not belong on the x axis).
* ``make_tradeoff`` — the one accuracy–robustness figure: median ‖δ‖₂ against test error, one panel per attack,
  the weight-decay ladder as a path through its seed means and the adversarial nets as diamonds.
* ``make_temperature`` — the calibrated temperatures (paper's rule, NLL fit) and the ECE against weight decay.
* ``make_reliability`` — reliability diagram (accuracy against confidence at t = 1) of a few nets.

A group of nets is one recipe over seeds: plain nets grouped by weight decay, adversarial ones by ε.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from views import lenet_nets as nets
from views.style import PALETTE, base_layout

PLAIN, ADV = "weight-decay", "adversarial"
PAPER_COLOR, MINIMAL_COLOR, ERROR_COLOR = PALETTE["adversarial"], PALETTE["J"], PALETTE["boundary"]
ADV_COLORS = (PALETTE["accent"], PALETTE["purple"], PALETTE["sky"])
LABELLED = (1e-4, 1e-2, 1e-1, 3e-1, 1.0)  # decays written beside their point in the trade-off (the rest: hover)
MIN_BIN = 5  # reliability bins with fewer images are left out (their accuracy is mostly noise)


def kind(entry: dict) -> str:
    """An analysis entry's kind; entries written before the study have none and are plain nets."""
    return entry.get("kind") or (ADV if entry.get("eps") else PLAIN)


def groups(summary: dict, which: str = PLAIN) -> list[tuple[float, list[tuple[str, dict]]]]:
    """[(weight decay or ε, [(name, entry), …]), …] in increasing order, for the plain or adversarial nets."""
    out: dict[float, list] = {}
    for name, entry in summary["nets"].items():
        if kind(entry) == which:
            out.setdefault(float(entry["eps"] if which == ADV else entry["weight_decay"]), []).append((name, entry))
    return sorted(out.items())


def paper_l2(e: dict) -> float:
    return e["robust"]["median_l2"]


def minimal_l2(e: dict) -> float | None:
    return (e.get("minimal_norm") or {}).get("median_l2")


def test_error(e: dict) -> float:
    return e["test_error"]


def spread(values: list[float | None]) -> tuple[float, float, float, int] | None:
    """(mean, min, max, n) of the values that exist; None when there are none."""
    vals = [v for v in values if v is not None and math.isfinite(v)]
    if not vals:
        return None
    return sum(vals) / len(vals), min(vals), max(vals), len(vals)


def _bars(stats: list[tuple], axis: str = "y") -> dict:
    """Asymmetric min–max error bars for a mean trace (none for a single-seed group)."""
    return {
        f"error_{axis}": dict(
            type="data",
            symmetric=False,
            array=[s[2] - s[0] if s[3] > 1 else None for s in stats],
            arrayminus=[s[0] - s[1] if s[3] > 1 else None for s in stats],
            thickness=2,
            width=0,  # no caps: a single-seed point (no bar) would otherwise show a stray cap
        )
    }


def _wd_text(wd: float) -> str:
    m, e = f"{wd:.0e}".split("e")
    return f"{m}e{int(e)}" if int(e) else m


def _mean_trace(fig, xs, stats, name, color, row, dash="solid", symbol="circle", yscale=1.0, fmt=".2f") -> None:
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=[s[0] / yscale for s in stats],
            mode="lines+markers",
            name=name,
            legendgroup=name,
            showlegend=row == 1,
            line=dict(color=color, dash=dash, width=2),
            marker=dict(color=color, size=8, symbol=symbol),
            customdata=[[s[3]] for s in stats],
            hovertemplate=f"%{{x:g}}: %{{y:{fmt}}} (mean of %{{customdata[0]}})<extra>{name}</extra>",
            **_bars([(s[0] / yscale, s[1] / yscale, s[2] / yscale, s[3]) for s in stats]),
        ),
        row=row,
        col=1,
    )


def _seed_dots(fig, points, name, color, row, yscale=1.0) -> None:
    """Each net of a group as a small hollow dot (hover: its name)."""
    fig.add_trace(
        go.Scatter(
            x=[p[0] for p in points],
            y=[p[1] / yscale for p in points],
            text=[p[2] for p in points],
            mode="markers",
            name=f"{name} (each seed)",
            legendgroup=name,
            showlegend=False,
            marker=dict(color=color, size=6, symbol="circle-open", line=dict(width=1.2), opacity=0.8),
            hovertemplate="%{text}: %{y:.3f}<extra></extra>",
        ),
        row=row,
        col=1,
    )


def _adv_lines(
    fig, summary, rows: dict[int, Callable[[dict], float | None]], x_span, yscale=None, legend: bool = True
) -> None:
    """Dashed horizontal lines at each adversarial group's mean (one legend entry per ε)."""
    for n, (eps, members) in enumerate(groups(summary, ADV)):
        color = ADV_COLORS[n % len(ADV_COLORS)]
        name = f"adversarial training ε = {eps:g}"
        for row, get in rows.items():
            s = spread([get(e) for _, e in members])
            if s is None:
                continue
            scale = yscale[row] if yscale else 1.0
            fig.add_trace(
                go.Scatter(
                    x=list(x_span),
                    y=[s[0] / scale] * 2,
                    mode="lines",
                    name=name,
                    legendgroup=name,
                    showlegend=legend and row == min(rows),
                    line=dict(color=color, dash="dash", width=2),
                    hovertemplate=f"{name} (wd 1e-4, {s[3]} seed(s)): %{{y:.3f}}<extra></extra>",
                ),
                row=row,
                col=1,
            )


def make_ladder(summary: dict) -> go.Figure:
    """Median ‖δ‖₂ relative to LeNet_low (both attacks) and test error against weight decay, mean ± min–max."""
    ladder = groups(summary)
    wds = [wd for wd, _ in ladder]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.6, 0.4])
    refs = {}
    for attack, get, color in (
        ("paper's attack", paper_l2, PAPER_COLOR),
        ("minimal-norm (FAB)", minimal_l2, MINIMAL_COLOR),
    ):
        stats = [spread([get(e) for _, e in members]) for _, members in ladder]
        keep = [(wd, s) for wd, s in zip(wds, stats, strict=True) if s is not None]
        if not keep:
            continue
        ref = keep[0][1][0]  # the mean of the smallest decay (LeNet_low's recipe)
        refs[attack] = (get, ref)
        dots = [(wd, get(e), n) for wd, members in ladder for n, e in members if get(e) is not None]
        _seed_dots(fig, dots, attack, color, 1, yscale=ref)
        _mean_trace(fig, [k[0] for k in keep], [k[1] for k in keep], attack, color, 1, yscale=ref, fmt=".3f")
    err = [spread([test_error(e) for _, e in members]) for _, members in ladder]
    _mean_trace(fig, wds, err, "test error", ERROR_COLOR, 2)
    _seed_dots(
        fig, [(wd, test_error(e), n) for wd, members in ladder for n, e in members], "test error", ERROR_COLOR, 2
    )
    span = (min(wds), max(wds)) if wds else (1e-4, 1.0)
    if refs:  # one line per ε in the top panel (under the paper's attack); the trade-off figure shows both attacks
        get, ref = next(iter(refs.values()))
        _adv_lines(fig, summary, {1: get}, span, yscale={1: ref})
    _adv_lines(fig, summary, {2: test_error}, span, legend=not refs)
    base_layout(fig, None, None, height=520, margin=dict(l=60, r=15, t=70, b=55))
    fig.update_xaxes(type="log", tickvals=wds, ticktext=[_wd_text(w) for w in wds], row=1, col=1)
    fig.update_xaxes(type="log", tickvals=wds, ticktext=[_wd_text(w) for w in wds], title_text="weight decay", row=2)
    fig.update_yaxes(title_text="median ‖δ‖₂ ÷ LeNet_low", tickformat=".2f", row=1, col=1)
    fig.update_yaxes(title_text="test error (%)", rangemode="tozero", row=2, col=1)
    fig.update_layout(legend=dict(font=dict(size=11)))
    return fig


def make_tradeoff(summary: dict) -> go.Figure:
    """Median ‖δ‖₂ against test error, one panel per attack: the ladder's seed means joined in order of weight
    decay (min–max bars over seeds on both axes) and the adversarially trained nets as diamonds."""
    attacks = (("paper's targeted attack", paper_l2), ("minimal-norm attack (FAB)", minimal_l2))
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12, subplot_titles=[a for a, _ in attacks]
    )
    for row, (_attack, get) in enumerate(attacks, start=1):
        for which, members_by, color, symbol in (
            (PLAIN, groups(summary), PALETTE["boundary"], "circle"),
            (ADV, groups(summary, ADV), ADV_COLORS[0], "diamond"),
        ):
            pts = []
            for key, members in members_by:
                ys = spread([get(e) for _, e in members])
                if ys is not None:
                    pts.append((key, spread([test_error(e) for _, e in members]), ys))
            if not pts:
                continue
            label = [(_wd_text(k) if k in LABELLED else "") if which == PLAIN else f"ε={k:g}" for k, _, _ in pts]
            name = "weight-decay ladder (label: decay)" if which == PLAIN else "adversarial training (wd 1e-4)"
            fig.add_trace(
                go.Scatter(
                    x=[p[1][0] for p in pts],
                    y=[p[2][0] for p in pts],
                    text=label,
                    hovertext=[_wd_text(k) if which == PLAIN else f"ε={k:g}" for k, _, _ in pts],
                    mode="lines+markers+text" if which == PLAIN else "markers+text",
                    textposition="top center" if which == PLAIN else "middle right",
                    textfont=dict(size=10, color=color),
                    name=name,
                    legendgroup=name,
                    showlegend=row == 1,
                    line=dict(color=color, width=1.5),
                    marker=dict(color=color, size=9 if which == PLAIN else 12, symbol=symbol),
                    customdata=[[p[2][3]] for p in pts],
                    hovertemplate="%{hovertext}: test error %{x:.2f} %, median ‖δ‖₂ %{y:.3f} "
                    "(mean of %{customdata[0]})<extra></extra>",
                    **_bars([p[2] for p in pts]),
                    **_bars([p[1] for p in pts], "x"),
                ),
                row=row,
                col=1,
            )
    if not groups(summary, ADV):
        fig.add_annotation(
            text="adversarially trained nets:<br>not analysed yet",
            x=1,
            y=0.02,
            xref="x domain",
            yref="y domain",
            xanchor="right",
            yanchor="bottom",
            align="right",
            showarrow=False,
            font=dict(size=11, color=PALETTE["muted"]),
        )
    base_layout(fig, None, None, height=600, margin=dict(l=60, r=15, t=80, b=55))
    ticks = [0.5, 0.7, 1, 1.5, 2, 3, 5, 7, 10, 20]
    fig.update_xaxes(type="log", tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    fig.update_xaxes(title_text="test error (%, log scale)", row=2, col=1)
    fig.update_yaxes(title_text="median ‖δ‖₂", row=1, col=1)
    fig.update_yaxes(title_text="median ‖δ‖₂", row=2, col=1)
    fig.update_annotations(font=dict(size=12))
    return fig


def make_temperature(summary: dict) -> go.Figure:
    """Top: the paper's temperature and the NLL-calibrated one against weight decay (log–log); bottom: the ECE at
    t = 1 and after temperature scaling; mean over seeds with min–max bars, adversarial nets as dashed lines."""
    ladder = [(wd, m) for wd, m in groups(summary) if all(e.get("calibration") for _, e in m)]
    wds = [wd for wd, _ in ladder]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)

    def cal(field):
        return lambda e: (e.get("calibration") or {}).get(field)

    curves = (
        (1, "t (paper: median confidence 0.95)", lambda e: e["temperature"], PAPER_COLOR, "solid"),
        (1, "t (NLL fit: calibrated)", cal("t_nll"), MINIMAL_COLOR, "solid"),
        (2, "ECE at t = 1", cal("ece"), ERROR_COLOR, "solid"),
        (2, "ECE at the NLL-fitted t", cal("ece_calibrated"), ERROR_COLOR, "dot"),
    )
    for row, name, get, color, dash in curves:
        if ladder:
            _seed_dots(fig, [(wd, get(e), n) for wd, m in ladder for n, e in m], name, color, row)
            _mean_trace(fig, wds, [spread([get(e) for _, e in m]) for _, m in ladder], name, color, row, dash)
            fig.data[-1].showlegend = True
    span = (min(wds), max(wds)) if wds else (1e-4, 1.0)
    _adv_lines(fig, summary, {1: cal("t_nll"), 2: cal("ece")}, span)
    fig.add_hline(y=1.0, line=dict(color=PALETTE["muted"], width=1, dash="dot"), row=1, col=1)
    base_layout(fig, None, None, height=540, margin=dict(l=60, r=15, t=90, b=55))
    fig.update_xaxes(type="log", tickvals=wds, ticktext=[_wd_text(w) for w in wds], row=1, col=1)
    fig.update_xaxes(type="log", tickvals=wds, ticktext=[_wd_text(w) for w in wds], title_text="weight decay", row=2)
    t_ticks = [0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 7, 10]
    fig.update_yaxes(
        title_text="temperature t", type="log", tickvals=t_ticks, ticktext=[f"{t:g}" for t in t_ticks], row=1, col=1
    )
    fig.update_yaxes(title_text="ECE (%)", rangemode="tozero", row=2, col=1)
    fig.update_layout(legend=dict(font=dict(size=11)))
    return fig


def reliability_nets(summary: dict) -> list[str]:
    """The nets of the reliability diagram: LeNet_low, LeNet_high and the first adversarial net (else the most
    strongly decayed plain net), those that the analysis holds and that carry reliability bins."""
    adv = [m[0][0] for _, m in groups(summary, ADV)]
    plain = [m[0][0] for _, m in groups(summary)]
    extra = adv[:1] or [n for n in plain[-1:] if n not in (nets.LOW, nets.HIGH)]
    keys = [nets.LOW, nets.HIGH, *extra]
    return [k for k in keys if k in summary["nets"] and (summary["nets"][k].get("calibration") or {}).get("ece")]


def make_reliability(summary: dict, keys: list[str] | None = None) -> go.Figure:
    """Accuracy against mean confidence per confidence bin at t = 1 (15 bins over all 10 000 test images); the
    diagonal is perfect calibration, marker area follows the bin's image count; bins of fewer than MIN_BIN
    images are left out."""
    keys = reliability_nets(summary) if keys is None else keys
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            name="calibrated",
            line=dict(color=PALETTE["muted"], dash="dot", width=1),
            hoverinfo="skip",
        )
    )
    for n, key in enumerate(keys):
        cal = summary["nets"][key]["calibration"]
        rel = cal["reliability_t1"]
        pts = [
            (c, a, k) for c, a, k in zip(rel["confidence"], rel["accuracy"], rel["count"], strict=True) if k >= MIN_BIN
        ]
        color = nets.color(key, n)
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in pts],
                y=[p[1] for p in pts],
                mode="lines+markers",
                name=f"{nets.label(key)}: ECE {cal['ece']:.2f} %",
                line=dict(color=color, width=2),
                marker=dict(color=color, size=[min(22.0, 4 + 2.2 * math.log10(p[2]) ** 2) for p in pts]),
                customdata=[[p[2]] for p in pts],
                hovertemplate="confidence %{x:.3f}: accuracy %{y:.3f} (%{customdata[0]} images)<extra></extra>",
            )
        )
    base_layout(fig, "confidence (largest softmax probability, t = 1)", "accuracy", height=460)
    fig.update_layout(margin=dict(l=60, r=15, t=90, b=55), legend=dict(font=dict(size=11)))
    fig.update_xaxes(range=[0.1, 1.01])
    fig.update_yaxes(range=[0, 1.02])
    return fig
