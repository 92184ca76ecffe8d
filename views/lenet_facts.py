"""The numbers the LeNet prose quotes, computed from analysis.json so that the text stays true as nets arrive.

``facts(summary)`` returns a flat dict of short strings (formatted for the page) and a few flags; the section's
templates (components/lenet_text.py) put them into sentences.  Every number is a mean or a range over the seeds
present; ``n_…`` says how many nets it rests on.
"""

from __future__ import annotations

from views.lenet_study import ADV, groups, minimal_l2, paper_l2, spread, test_error

LOW_WD, HIGH_WD = 1e-4, 1e-1
COLLAPSE_ERROR = 2.0  # test error (%) from which the ladder is called "collapsing" in the prose


def _range(values: list[float], fmt: str = ".2f") -> str:
    """'1.14' for one value, '1.14–1.21' for several."""
    lo, hi = min(values), max(values)
    return f"{lo:{fmt}}" if f"{lo:{fmt}}" == f"{hi:{fmt}}" else f"{lo:{fmt}}–{hi:{fmt}}"


def _by_seed(members: list[tuple[str, dict]]) -> dict[int, dict]:
    return {int(e.get("seed") or 0): e for _, e in members}


def _cal(e: dict, field: str) -> float | None:
    return (e.get("calibration") or {}).get(field)


def _mean(values) -> float | None:
    s = spread(list(values))
    return None if s is None else s[0]


def facts(summary: dict) -> dict:
    """Everything the prose quotes (see the module docstring); keys missing when their nets are not analysed."""
    plain = dict(groups(summary))
    out: dict = {"n_nets": len(summary["nets"]), "n_plain_decays": len(plain)}
    low, high = _by_seed(plain.get(LOW_WD, [])), _by_seed(plain.get(HIGH_WD, []))
    seeds = sorted(set(low) & set(high))
    out["n_seeds"] = len(seeds)
    out["seeds"] = ", ".join(map(str, seeds))
    if seeds:
        ratio_p = [paper_l2(high[s]) / paper_l2(low[s]) for s in seeds]
        out["ratio_paper"] = _range(ratio_p)
        mins = [(minimal_l2(high[s]), minimal_l2(low[s])) for s in seeds]
        if all(h and lo for h, lo in mins):
            out["ratio_minimal"] = _range([h / lo for h, lo in mins])
        out["low_norm"] = _range([paper_l2(low[s]) for s in seeds])
        out["high_norm"] = _range([paper_l2(high[s]) for s in seeds])
        out["ratio_cyclic"] = _range([sum(high[s]["cyclic"]["l2"]) / sum(low[s]["cyclic"]["l2"]) for s in seeds])
        out["low_cyclic"] = _range([sum(low[s]["cyclic"]["l2"]) / 10 for s in seeds])
        out["high_cyclic"] = _range([sum(high[s]["cyclic"]["l2"]) / 10 for s in seeds])
        out["low_error"] = _range([test_error(low[s]) for s in seeds])
        out["high_error"] = _range([test_error(high[s]) for s in seeds])
        out["t_low"] = f"{_mean(low[s]['temperature'] for s in seeds):.1f}"
        out["t_high"] = f"{_mean(high[s]['temperature'] for s in seeds):.1f}"
        out["t_ratio"] = _range([low[s]["temperature"] / high[s]["temperature"] for s in seeds], ".1f")
        if all(low[s].get("logit_rms") and high[s].get("logit_rms") for s in seeds):
            out["rms_ratio"] = _range([low[s]["logit_rms"] / high[s]["logit_rms"] for s in seeds], ".1f")
        if all(_cal(low[s], "t_nll") and _cal(high[s], "t_nll") for s in seeds):
            out["tnll_low"] = _range([_cal(low[s], "t_nll") for s in seeds], ".1f")
            out["tnll_high"] = _range([_cal(high[s], "t_nll") for s in seeds], ".2f")
            out["ece_low"] = _range([_cal(low[s], "ece") for s in seeds], ".1f")
            out["ece_high"] = _range([_cal(high[s], "ece") for s in seeds], ".1f")
    cal_all = [e["calibration"] for e in summary["nets"].values() if e.get("calibration")]
    if cal_all:
        out["ece_after"] = _range([c["ece_calibrated"] for c in cal_all], ".1f")
    _ladder_facts(plain, out)
    _adversarial_facts(summary, plain, out)
    return out


def _ladder_facts(plain: dict, out: dict) -> None:
    """Where accuracy collapses and whether robustness keeps growing past LeNet_high's decay."""
    errs = {wd: _mean(test_error(e) for _, e in m) for wd, m in plain.items()}
    out["decays"] = ", ".join(_wd(wd)[3:] for wd in plain)
    out["best_error"] = f"{min(errs.values()):.2f}" if errs else ""
    out["best_error_wd"] = _wd(min(errs, key=errs.get)) if errs else ""
    strong = [wd for wd in plain if wd > HIGH_WD]
    if any(errs[wd] >= COLLAPSE_ERROR for wd in strong):
        parts = [f"{errs[wd]:.1f} % at {_wd(wd)}" for wd in strong]
        out["collapse"] = " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
    if strong and HIGH_WD in plain:
        base = _mean(paper_l2(e) for _, e in plain[HIGH_WD])
        out["beyond_high"] = _range([_mean(paper_l2(e) for _, e in plain[wd]) / base for wd in strong])
        mins = [_mean(minimal_l2(e) for _, e in plain[wd]) for wd in (HIGH_WD, *strong)]
        if all(mins):
            out["beyond_high_minimal"] = _range([m / mins[0] for m in mins[1:]])


def _adversarial_facts(summary: dict, plain: dict, out: dict) -> None:
    """Each adversarial budget against the ladder (minimal-norm distances, which need no temperature): the most
    robust weight-decay recipe that is at least as accurate (mean test error no higher, within 0.05 points)."""
    ladder = []
    for wd, m in plain.items():
        err, mn = _mean(test_error(e) for _, e in m), _mean(minimal_l2(e) for _, e in m)
        if mn is not None:
            ladder.append((err, mn, wd))
    rows = []
    for eps, members in groups(summary, ADV):
        err, mn = _mean(test_error(e) for _, e in members), _mean(minimal_l2(e) for _, e in members)
        if mn is None:
            continue
        rival = max((lad for lad in ladder if lad[0] <= err + 0.05), key=lambda lad: lad[1], default=None)
        epochs = "/".join(str(k) for k in sorted({e.get("epochs") for _, e in members if e.get("epochs")}))
        rows.append((eps, err, mn, rival, len(members), epochs))
    out["n_adv"] = sum(r[4] for r in rows)
    if not rows:
        return
    clauses = []
    for eps, err, mn, rival, n, epochs in rows:
        trained = f"{n} seed{'s' if n > 1 else ''}" + (f", {epochs} epochs" if epochs else "")
        text = f"at ε = {eps:g} ({trained}) the median distance is {mn:.2f} at {err:.2f} % test error"
        if rival is None:
            text += ", and no weight decay is as accurate"
        else:
            text += (
                f", while the most robust weight decay that is at least as accurate ({_wd(rival[2])}) reaches "
                f"{rival[1]:.2f} at {rival[0]:.2f} %"
            )
        clauses.append(text)
    out["adv_compare"] = "; ".join(clauses)
    above = [r for r in rows if r[3] is None or r[2] > r[3][1] * 1.02]
    out["adv_beats_ladder"] = len(above) == len(rows)
    out["adv_mixed"] = 0 < len(above) < len(rows)
    if ladder:
        out["ladder_best_minimal"] = f"{max(lad[1] for lad in ladder):.2f}"


def _wd(wd: float) -> str:
    """A weight decay as written in the prose: 1e-4, 3e-2, 1."""
    m, e = f"{wd:.0e}".split("e")
    return f"wd {m}e{int(e)}" if int(e) else f"wd {m}"
