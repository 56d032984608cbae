"""The program scorecard: one self-contained HTML file to take to leadership.

    import mentorsim as ms
    ms.report("scenarios/baseline.yaml", "scenarios/one_on_one.yaml", "scenarios/circle.yaml",
              replications=20, seed=0, path="report.html")

The file embeds its figures (base64 PNG) and its styles; it loads nothing from
the network, so it can be emailed and opened anywhere. Every number shown is
also in a JSON block (``<script type="application/json" id="mentorsim-data">``)
and in ``data-*`` attributes of the cells that show it, so tests and other tools
can read the numbers back and check them against ``Results``.

Contents: a headline with its uncertainty; per scenario against the baseline the
scorecard (participation, goals, retention at 12/24/36 months, internal
mobility, promotions, sessions held vs scheduled, mentor load and burnout);
the naive participant gap beside the causal effect; program cost, turnover
cost avoided and ROI as a distribution; three persona stories from the event
log; the evidence (C1..C7) and assumptions behind the parameters; the settings.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import fmt
from .results import METRICS, Comparison, Results
from .scenario import Scenario
from .stories import PERSONA_LABELS, Story, stories

BASELINE_COLOR = "#7f7f7f"
COLORS = ("#1f77b4", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")

#: The scorecard rows, in groups a reader scans top to bottom.
SCORECARD = (
    ("Reach", ("participation_rate", "mentor_share", "goal_attainment_rate", "mentee_goal_attainment_rate")),
    ("Retention", ("retention_12m", "retention_24m", "retention_36m", "quits_per_year", "monthly_quit_rate")),
    ("Careers", ("annual_promotion_rate", "time_to_promotion_weeks", "internal_mobility_rate")),
    ("Program health", ("meetings_held", "meetings_held_share", "mentor_load_hours", "mentor_burnout_rate",
                        "mean_engagement")),
    ("Money", ("program_cost", "turnover_cost", "total_cost")),
)

#: Short labels of the evidence behind the defaults (the full table is EVIDENCE.md).
EVIDENCE = {
    "C1": ("Monthly quit rate of 2.2% with no program (1.5-3.0% sensitivity)", "US BLS JOLTS", "H"),
    "C2": ("33-40% of new hires quit in year one, about half of them in the first 13 weeks",
           "Work Institute retention reports", "M"),
    "C3": ("About 6% of employees promoted a year with no program", "SHRM benchmarking", "M"),
    "C4": ("Mentees and mentors retained more often than non-participants (relative; mixes who volunteers "
           "with what the program does)", "Sun Microsystems study (Gartner / Capital Analytics)", "H"),
    "C5": ("Mentees and mentors promoted ~5x as often as non-participants (relative; same caveat)",
           "Sun Microsystems study", "M"),
    "C6": ("Meeting frequency goes with relationship quality (r ~ 0.25)", "Eby et al. 2013 meta-analysis", "H"),
    "C7": ("Sponsored employees get up to ~30% better odds of promotion", "Center for Talent Innovation", "L-M"),
}
DEFAULTS_ROWS = {
    "replacement cost": "Replacing a leaver costs ~40% of salary (frontline), 80% (technical), 200% (leaders)",
    "mentor time": "Mentors give 2-4 hours a month; sessions 45-60 minutes; terms 6-12 months",
    "real-world meeting rhythm": "Relationships average ~4 hours of talk a month; meetings often slip",
    "matching speed": "81% of mentees matched within 3 weeks",
    "who has a mentor": "37% of workers have a mentor: 57% of junior, 35% of mid-level, 8% of senior",
    "recognition in practice": "46% of organisations recognise mentoring; 47% struggle to find mentors",
    "program formats in practice": "78% of programs are traditional one-on-one",
    "early endings": "Very early endings leave mentees worse off (youth-mentoring trials)",
    "relationship phases": "Relationships move through initiation, cultivation, separation (Kram 1983)",
    "mentor-side effects": "Mentors report more satisfaction; turnover intent not clearly lower",
    "matching input": "Input into matching and training go with better relationships",
}
KEY_LEVERS = ("program.format", "program.sponsorship", "program.cadence", "program.session_minutes",
              "program.participation_target", "program.matching", "program.intake", "program.term_weeks",
              "program.recognition", "program.mentor_capacity", "workforce.size", "horizon_weeks")


# ---- public entry ---------------------------------------------------------------------------
def report(baseline: Scenario | str | Path | Comparison, *scenarios: Scenario | str | Path,
           replications: int = 20, seed: int = 0, path: str | Path = "report.html", workers: int = 1,
           title: str = "Mentorship program scorecard") -> Path:
    """Write the scorecard of ``scenarios`` against ``baseline`` to one self-contained HTML file.

    baseline, scenarios: Scenario objects or YAML paths; the first is the baseline
    (usually no program). Or pass an existing :class:`Comparison` as the only
    argument to report on it without re-running (its seed is used for the stories).
    Returns the path written.
    """
    from .errors import MentorsimError
    from .experiment import compare

    if isinstance(baseline, Comparison):
        if scenarios:
            raise MentorsimError("report: pass either a Comparison or scenarios, not both")
        cmp = baseline
    else:
        if not scenarios:
            raise MentorsimError("report: give a baseline and at least one scenario to compare with it")
        cmp = compare([baseline, *scenarios], replications=replications, seed=seed, workers=workers)
    data = collect(cmp)
    data["stories"] = [s.to_dict() for r in cmp.results[1:]
                       for s in stories(r.scenario, cmp.baseline.scenario, seed=cmp.baseline.seed, people=r.people)]
    out = Path(path)
    if out.parent and not out.parent.exists():
        raise MentorsimError(f"report: {out.parent}: no such directory")
    out.write_text(render(cmp, data, title), encoding="utf-8")
    return out


# ---- numbers --------------------------------------------------------------------------------
def _f(v: Any) -> float | None:
    """A JSON-safe float (NaN -> None)."""
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else v


def _ci(mean: Any, lo: Any, hi: Any) -> dict[str, float | None]:
    return {"mean": _f(mean), "ci_low": _f(lo), "ci_high": _f(hi)}


def _scheduled(res: Results) -> float:
    ts = res.timeseries
    return float(ts[ts.metric == "meetings_scheduled"].groupby("replication").value.sum().mean())


def collect(cmp: Comparison) -> dict[str, Any]:
    """Every number the report shows, from the Comparison, as a JSON-ready dict."""
    table = cmp.table()
    effects = cmp.participant_effects()
    base = cmp.baseline
    sc0 = base.scenario
    meta = {"seed": base.seed, "replications": len(base.reps), "workforce_size": sc0.workforce.size,
            "horizon_weeks": sc0.horizon_weeks, "baseline": base.name, "scenarios": cmp.names[1:],
            "version": base.provenance["version"], "written": _dt.date.today().isoformat()}
    data: dict[str, Any] = {"meta": meta, "baseline": {"name": base.name, "summary": _summary(base)},
                            "scenarios": []}
    for r in cmp.results[1:]:
        t = table[table.scenario == r.name].set_index("metric")
        diffs = {m: {"diff_mean": _f(row.diff_mean), "ci_low": _f(row.ci_low), "ci_high": _f(row.ci_high),
                     "p_better": _f(row.p_better)} for m, row in t.iterrows() if m != "roi"}
        rs = cmp.roi(r).dropna()
        v = rs.to_numpy(dtype=float)
        roi: dict[str, Any] = {"replications": [int(i) for i in rs.index], "values": [float(x) for x in v]}
        if len(v):
            lo, hi = np.percentile(v, [2.5, 97.5])
            roi.update({"median": float(np.median(v)), "low": float(lo), "high": float(hi),
                        "p_positive": float((v > 0).mean()), **_ci(*(t.loc["roi", ["diff_mean", "ci_low", "ci_high"]]
                                                                       if "roi" in t.index else (np.nan,) * 3))})
        summ = _summary(r)
        d = diffs
        money = {"program_cost": summ["program_cost"],
                 "turnover_cost_avoided": _neg(d.get("turnover_cost")),
                 "net_saving": _neg(d.get("total_cost"))}
        eff = {}
        for _, e in effects[effects.scenario == r.name].iterrows():
            eff[e.outcome] = {k: _f(e[k]) for k in ("naive_gap", "naive_ci_low", "naive_ci_high", "causal_effect",
                                                    "causal_ci_low", "causal_ci_high", "selection", "naive_ratio")}
        data["scenarios"].append({"name": r.name, "format": r.scenario.program.format, "summary": summ,
                                  "diff": diffs, "roi": roi, "money": money, "effects": eff,
                                  "meetings_scheduled": _f(_scheduled(r))})
    data["evidence"] = evidence_register([x.scenario for x in cmp.results])
    return data


def _neg(d: dict | None) -> dict[str, float | None]:
    if not d:
        return _ci(np.nan, np.nan, np.nan)
    n = lambda x: None if x is None else -x  # noqa: E731
    return {"mean": n(d["diff_mean"]), "ci_low": n(d["ci_high"]), "ci_high": n(d["ci_low"])}


def _summary(res: Results) -> dict[str, dict[str, float | None]]:
    s = res.summary()
    return {m: _ci(row["mean"], row.ci_low, row.ci_high) for m, row in s.iterrows()}


# ---- the evidence register from the schema ------------------------------------------------------
def _fields(model: type, prefix: str = "") -> list[tuple[str, Any]]:
    from pydantic import BaseModel

    out = []
    for name, f in model.model_fields.items():
        ann = f.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out.extend(_fields(ann, f"{prefix}{name}."))
        elif isinstance(f.json_schema_extra, dict) and "source" in f.json_schema_extra:
            out.append((prefix + name, f))
    return out


def _show(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (tuple, list)):
        return ", ".join(_show(x) for x in v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def evidence_register(scs: Sequence[Scenario]) -> list[dict[str, Any]]:
    """One row per documented parameter: its source (C1..C7, a defaults row, or assumption),
    unit, default, sensitivity range and the values the scenarios use where they differ."""
    rows = []
    default = Scenario()
    for dotted, f in _fields(Scenario):
        extra = f.json_schema_extra
        d = default.get(dotted)
        used = {sc.name: _show(sc.get(dotted)) for sc in scs if sc.get(dotted) != d}
        src = str(extra["source"])
        kind = "evidence" if re.fullmatch(r"C\d+", src) else "assumption" if src == "assumption" else "defaults"
        rows.append({"parameter": dotted, "source": src, "kind": kind, "unit": str(extra.get("unit", "")),
                     "default": _show(d), "sensitivity_range": extra.get("sensitivity_range"),
                     "description": f.description or "", "scenario_values": used})
    return rows


# ---- figures -------------------------------------------------------------------------------------
def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _new_fig(w: float, h: float, ncols: int = 1, **kw):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False, **kw)[0]
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=10)
    return fig, axes


def _pct(ax, axis: str = "y", pts: bool = False, digits: int = 0) -> None:
    from matplotlib.ticker import FuncFormatter

    f = FuncFormatter(lambda v, _: f"{v * 100:+.{digits}f} pts" if pts else f"{v * 100:.{digits}f}%")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(f)


def fig_roi(data: dict) -> str:
    """Small multiples: the ROI of every simulated run, median and 95% range marked."""
    scs = [s for s in data["scenarios"] if s["roi"]["values"]]
    if not scs:
        return ""
    allv = np.concatenate([s["roi"]["values"] for s in scs])
    lo, hi = min(allv.min(), 0.0), max(allv.max(), 0.0)
    pad = 0.05 * (hi - lo or 1.0)
    bins = np.linspace(lo - pad, hi + pad, 21)
    from matplotlib.figure import Figure

    ncols = min(len(scs), 3)  # at most three panels a row, so titles and axes stay readable
    nrows = -(-len(scs) // ncols)
    fig = Figure(figsize=(min(3.6 * ncols, 10.8), 2.9 * nrows), layout="constrained")
    grid = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
    axes = grid.ravel()
    for ax in axes[len(scs):]:
        ax.set_visible(False)
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=10)
    for k, (ax, s) in enumerate(zip(axes, scs)):
        v = np.asarray(s["roi"]["values"])
        c = COLORS[k % len(COLORS)]
        ax.axvspan(s["roi"]["low"], s["roi"]["high"], color=c, alpha=0.08, lw=0)
        ax.hist(v, bins=bins, color=c, alpha=0.85, edgecolor="white")
        ax.axvline(0, color="#333", lw=1.2)
        ax.axvline(s["roi"]["median"], color=c, lw=2.5, ls="--")
        ax.set_title(f"{s['name']}: median {fmt.value('roi', s['roi']['median'])}\n"
                     f"positive in {s['roi']['p_positive']:.0%} of runs", fontsize=10.5, loc="left", color=c,
                     fontweight="bold")
        _pct(ax, "x")
        ax.set_xlabel("ROI of one simulated run", fontsize=9.5)
    for row in grid:
        row[0].set_ylabel("simulated runs", fontsize=10)
    return _png(fig)


def fig_retention(cmp: Comparison) -> str:
    """Share of today's workforce still employed, by month: baseline against each program."""
    fig, (ax,) = _new_fig(6.4, 3.4)
    for k, r in enumerate(cmp.results):
        c = BASELINE_COLOR if k == 0 else COLORS[(k - 1) % len(COLORS)]
        rc = r.retention_curve()
        months = rc.index.to_numpy() * 12 / 52
        ax.fill_between(months, rc["low"], rc["high"], color=c, alpha=0.15, lw=0)
        ax.plot(months, rc["mean"], color=c, lw=2.2 if k else 2.0, ls="-" if k else "--",
                label=f"{r.name}" + (" (no program)" if r.scenario.program.format == "none" else ""))
    H = cmp.baseline.scenario.horizon_weeks
    for m in (12, 24, 36):
        if m * 52 / 12 <= H:
            ax.axvline(m, color="#bbb", lw=0.8, zorder=0)
    ax.set_xlabel("months from the start")
    ax.set_ylabel("still employed")
    ax.set_title("Retention of today's workforce (band: 95% of runs)", fontsize=11, loc="left")
    _pct(ax)
    ax.legend(frameon=False, fontsize=9)
    ax.grid(True, axis="y", alpha=0.3)
    return _png(fig)


def fig_money(data: dict) -> str:
    """Per scenario: program cost against turnover cost avoided, with 95% intervals."""
    scs = data["scenarios"]
    fig, (ax,) = _new_fig(7.0, 1.2 + 0.75 * len(scs))
    y = np.arange(len(scs))[::-1]
    labelled: set[str] = set()
    for k, s in enumerate(scs):
        pc, av = s["money"]["program_cost"], s["money"]["turnover_cost_avoided"]
        for off, d, c, lab in ((0.18, pc, "#b0413e", "program cost"), (-0.18, av, "#2e8b57", "turnover cost avoided")):
            if d["mean"] is None:
                continue
            err = None
            if d["ci_low"] is not None:
                err = [[d["mean"] - d["ci_low"]], [d["ci_high"] - d["mean"]]]
            ax.barh(y[k] + off, d["mean"], height=0.34, color=c, xerr=err, capsize=3,
                    label=None if lab in labelled else lab, error_kw={"lw": 1})
            labelled.add(lab)
    ax.set_yticks(y, [s["name"] for s in scs])
    ax.axvline(0, color="#333", lw=0.8)
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.value("program_cost", v)))
    ax.set_title(f"Over {data['meta']['horizon_weeks'] / 52:g} years (bars: mean; lines: 95% interval)",
                 fontsize=10.5, loc="left")
    if not labelled:  # nothing to draw
        return ""
    fig.legend(frameon=False, fontsize=9, loc="outside lower center", ncols=2)
    return _png(fig)


def fig_gap(data: dict) -> str:
    """Naive participant gap beside the causal effect, for retention and promotion."""
    scs = [s for s in data["scenarios"] if s["effects"]]
    if not scs:
        return ""
    fig, axes = _new_fig(6.4, 0.9 + 0.8 * len(scs), 2, sharey=True)
    y = np.arange(len(scs))[::-1]
    labelled: set[str] = set()
    for ax, outcome, title in zip(axes, ("retention", "promotion"), ("Stayed to the end", "Promoted at least once")):
        for k, s in enumerate(scs):
            e = s["effects"].get(outcome)
            if not e:
                continue
            for off, key, c, lab in ((0.18, "naive", "#c9c9c9", "naive gap: mentees vs non-participants"),
                                     (-0.18, "causal", "#1d3557", "causal: the program's own effect")):
                m, lo, hi = e[f"{key}_gap" if key == "naive" else "causal_effect"], e[f"{key}_ci_low"], e[f"{key}_ci_high"]
                if m is None:
                    continue
                err = [[m - lo], [hi - m]] if lo is not None else None
                ax.barh(y[k] + off, m, height=0.34, color=c, xerr=err, capsize=3, error_kw={"lw": 1},
                        label=None if lab in labelled else lab)
                labelled.add(lab)
        ax.axvline(0, color="#333", lw=0.8)
        ax.set_title(title, fontsize=10.5, loc="left")
        _pct(ax, "x", pts=True)
    axes[0].set_yticks(y, [s["name"] for s in scs])
    if not labelled:  # nothing to draw
        return ""
    fig.legend(frameon=False, fontsize=9, loc="outside lower center", ncols=2)
    return _png(fig)


# ---- HTML -------------------------------------------------------------------------------------------
E = html.escape


def _num(v: float | None, metric: str, diff: bool = False) -> str:
    if v is None:
        return "–"
    if METRICS.get(metric) is not None and METRICS[metric].unit == "0..1":  # engagement: 0.612, +0.025
        return f"{'+' if diff and v > 0 else ''}{v:.3f}"
    return fmt.value(metric, v, diff)


def _pts(v: float | None, words: bool = True) -> str:
    """A difference of shares in percentage points, for sentences: 0.0474 -> '4.7 percentage points'."""
    if v is None:
        return "–"
    return f"{v * 100:.1f} percentage points" if words else f"{v * 100:+.1f}"


def _range(d: dict, metric: str, diff: bool = False, lo: str = "ci_low", hi: str = "ci_high") -> str:
    if d.get(lo) is None or d.get(hi) is None:
        return ""
    return f"{_num(d[lo], metric, diff)} to {_num(d[hi], metric, diff)}"


def _years(weeks: int) -> str:
    y = weeks / 52
    return f"{y:g} year{'s' if y != 1 else ''}"


def _ret_key(data: dict) -> str:
    H = data["meta"]["horizon_weeks"]
    return "retention_36m" if H >= 156 else "retention_24m" if H >= 104 else "retention_12m"


def headline(data: dict) -> dict[str, Any]:
    """The headline: the design with the best median ROI, what it does, how sure we are, what to do."""
    scs = data["scenarios"]
    meta = data["meta"]
    n = meta["replications"]
    with_roi = [s for s in scs if s["roi"].get("median") is not None]
    best = max(with_roi, key=lambda s: s["roi"]["median"]) if with_roi else scs[0]
    rk = _ret_key(data)
    years = {"retention_12m": "1 year", "retention_24m": "2 years", "retention_36m": "3 years"}[rk]
    roi = best["roi"]
    ret = best["diff"].get(rk, {})
    money = best["money"]
    lead = (f"Of the {len(scs)} designs tested, {best['name']} is the strongest" if len(scs) > 1
            else f"{best['name']} against {data['baseline']['name']}")
    if roi.get("median") is not None:
        p = roi["p_positive"]
        lead += (f": a median ROI of {fmt.value('roi', roi['median'])}, positive in {p:.0%} of {n} simulated runs "
                 f"(95% of runs between {fmt.value('roi', roi['low'])} and {fmt.value('roi', roi['high'])}).")
    else:
        p = float("nan")
        lead += ": it has no program cost, so no ROI."
    parts = []
    if ret.get("diff_mean") is not None:
        parts.append(f"it keeps {_pts(ret['diff_mean'])} more of today's {meta['workforce_size']:,} "
                     f"employees after {years} (95% interval {_pts(ret['ci_low'], False)} to "
                     f"{_pts(ret['ci_high'], False)})")
    if money["turnover_cost_avoided"]["mean"] is not None and money["program_cost"]["mean"] is not None:
        parts.append(f"avoids {fmt.value('turnover_cost', money['turnover_cost_avoided']['mean'])} of replacement "
                     f"costs for {fmt.value('program_cost', money['program_cost']['mean'])} of program costs")
    detail = (" and ".join(parts) + f" over {_years(meta['horizon_weeks'])}.") if parts else ""
    detail = detail[:1].upper() + detail[1:]
    if math.isnan(p):
        action = "Judge it on people outcomes: it has no cost to weigh."
    elif p >= 0.9:
        action = "Worth piloting: it pays back in nearly every simulated future."
    elif p >= 0.7:
        action = "Likely to pay back: pilot it, track the measures below and check again after a year."
    elif p >= 0.4:
        action = ("The money case is a coin flip: decide on the people outcomes below, or pilot small "
                  "before committing.")
    else:
        action = ("Unlikely to pay back through retention alone: justify it on development goals, "
                  "or change the design.")
    return {"scenario": best["name"], "lead": lead, "detail": detail, "action": action,
            "p_positive": _f(p)}


def _cell(s: dict, m: str) -> str:
    summ = s["summary"].get(m, {})
    d = s["diff"].get(m)
    v = summ.get("mean")
    attrs = f'data-scenario="{E(s["name"])}" data-metric="{m}" data-value="{_attr(v)}"'
    main = _num(v, m)
    if m == "meetings_held" and s.get("meetings_scheduled"):
        main += f' <span class="sub">of {_num(s["meetings_scheduled"], m)} scheduled</span>'
    if not d or d.get("diff_mean") is None:
        rng = _range(summ, m)
        sub = f'<div class="sub">95% interval {rng}</div>' if rng else ""
        return f"<td {attrs}><div class=\"v\">{main}</div>{sub}</td>"
    good = METRICS[m].higher_is_better
    p = d["p_better"]
    cls = "up" if p >= 0.9 else "down" if p <= 0.1 else "flat"
    attrs += f' data-diff="{_attr(d["diff_mean"])}" data-p-better="{_attr(p)}"'
    arrow = "" if d["diff_mean"] == 0 else ("▲" if d["diff_mean"] > 0 else "▼")
    tip = f"better than the baseline in {p:.0%} of paired runs ({'higher' if good else 'lower'} is better)"
    return (f"<td {attrs}><div class=\"v\">{main}</div><div class=\"d {cls}\" title=\"{tip}\">{arrow} "
            f"{_num(d['diff_mean'], m, True)} <span class=\"sub\">({_range(d, m, True)})</span></div>"
            f"<div class=\"sub\">better in {p:.0%} of runs</div></td>")


def _attr(v: Any) -> str:
    return "" if v is None else repr(float(v))


def _scorecard(data: dict) -> str:
    scs = data["scenarios"]
    base = data["baseline"]
    head = "".join(f"<th>{E(s['name'])}<div class=\"sub\">vs {E(base['name'])}</div></th>" for s in scs)
    rows = []
    for group, metrics in SCORECARD:
        rows.append(f'<tr class="grp"><th colspan="{2 + len(scs)}">{group}</th></tr>')
        for m in metrics:
            if m not in base["summary"] and not any(m in s["summary"] for s in scs):
                continue
            info = METRICS[m]
            bv = base["summary"].get(m, {}).get("mean")
            bcell = (f'<td data-scenario="{E(base["name"])}" data-metric="{m}" data-value="{_attr(bv)}">'
                     f'<div class="v">{_num(bv, m)}</div></td>')
            better = "higher" if info.higher_is_better else "lower"
            rows.append(f'<tr><th class="m" title="{E(info.description)}">{E(info.label)}'
                        f'<div class="sub">{E(info.unit)}; {better} is better</div></th>{bcell}'
                        + "".join(_cell(s, m) for s in scs) + "</tr>")
    roi_cells = []
    for s in scs:
        r = s["roi"]
        if r.get("median") is None:
            roi_cells.append("<td>–</td>")
            continue
        roi_cells.append(
            f'<td data-scenario="{E(s["name"])}" data-metric="roi" data-value="{_attr(r["median"])}" '
            f'data-p-positive="{_attr(r["p_positive"])}"><div class="v">{fmt.value("roi", r["median"])}</div>'
            f'<div class="sub">95% of runs {fmt.value("roi", r["low"])} to {fmt.value("roi", r["high"])}</div>'
            f'<div class="sub">positive in {r["p_positive"]:.0%} of runs</div></td>')
    rows.append('<tr><th class="m" title="(turnover cost avoided - program cost) / program cost, per paired run">'
                'ROI (median)<div class="sub">return per dollar of program cost</div></th><td>–</td>'
                + "".join(roi_cells) + "</tr>")
    return (f'<table class="score"><thead><tr><th></th><th>{E(base["name"])}<div class="sub">no program</div></th>'
            f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _gap_sentence(s: dict) -> str:
    e = s["effects"].get("retention")
    if not e or e["naive_gap"] is None or e["causal_effect"] is None:
        return ""
    naive, causal = e["naive_gap"], e["causal_effect"]
    share = causal / naive if naive else float("nan")
    if naive > 0 and 0 <= share < 1:
        how = (f"so about {share:.0%} of the gap is the program and the rest is who volunteers "
               "(people who sign up were more likely to stay anyway)")
    else:
        how = "so the gap between participants and others is not a fair measure of the program here"
    return (f"In {E(s['name'])}, {_pts(naive)} more mentees than non-participants stayed to the end, but "
            f"the same people would mostly have stayed without the program too: the program itself kept "
            f"{_pts(causal)} more of them (95% interval {_pts(e['causal_ci_low'], False)} to "
            f"{_pts(e['causal_ci_high'], False)}), {how}.")


def _effects_table(data: dict) -> str:
    rows = []
    for s in data["scenarios"]:
        for outcome, label in (("retention", "stayed to the end"), ("promotion", "promoted at least once")):
            e = s["effects"].get(outcome)
            if not e:
                continue
            ratio = e.get("naive_ratio")
            rtxt = "–" if ratio is None else (f"hazard ratio {ratio:.2f}" if outcome == "retention"
                                             else f"{ratio:.1f}x as often")
            rows.append(
                f'<tr data-scenario="{E(s["name"])}" data-outcome="{outcome}" data-naive="{_attr(e["naive_gap"])}" '
                f'data-causal="{_attr(e["causal_effect"])}"><td>{E(s["name"])}</td><td>{label}</td>'
                f'<td>{_num(e["naive_gap"], "retention_36m", True)}<div class="sub">{rtxt}</div></td>'
                f'<td><b>{_num(e["causal_effect"], "retention_36m", True)}</b><div class="sub">'
                f'{_range(e, "retention_36m", True, "causal_ci_low", "causal_ci_high")}</div></td>'
                f'<td>{_num(e["selection"], "retention_36m", True)}</td></tr>')
    return ("<table class=\"plain\"><thead><tr><th>scenario</th><th>outcome</th><th>naive gap<div class=\"sub\">"
            "mentees minus non-participants</div></th><th>causal effect<div class=\"sub\">mentees with minus "
            "without the program (95% interval)</div></th><th>selection<div class=\"sub\">who volunteers</div>"
            f"</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _money_table(data: dict) -> str:
    rows = []
    for s in data["scenarios"]:
        m, r = s["money"], s["roi"]
        cells = []
        for key, metric in (("program_cost", "program_cost"), ("turnover_cost_avoided", "turnover_cost"),
                            ("net_saving", "total_cost")):
            d = m[key]
            cells.append(f'<td data-scenario="{E(s["name"])}" data-money="{key}" data-value="{_attr(d["mean"])}">'
                         f'{_num(d["mean"], metric)}<div class="sub">{_range(d, metric)}</div></td>')
        if r.get("median") is not None:
            cells.append(f'<td><b>{fmt.value("roi", r["median"])}</b><div class="sub">95% of runs '
                         f'{fmt.value("roi", r["low"])} to {fmt.value("roi", r["high"])}; mean '
                         f'{fmt.value("roi", r["mean"])}</div></td><td><b>{r["p_positive"]:.0%}</b></td>')
        else:
            cells.append("<td>–</td><td>–</td>")
        rows.append(f"<tr><td>{E(s['name'])}</td>{''.join(cells)}</tr>")
    return ("<table class=\"plain\"><thead><tr><th>scenario</th><th>program cost</th><th>turnover cost avoided"
            "</th><th>net saving</th><th>ROI (median)</th><th>P(ROI &gt; 0)</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _story_html(st: dict, data: dict) -> str:
    facts = E(json.dumps(st["facts"]))
    if st["person_id"] is None:
        return f'<div class="story" data-persona="{st["persona"]}"><h4>{E(st["title"])}</h4></div>'
    prog = " ".join(E(x) for x in st["program_sentences"])
    base = " ".join(E(x) for x in st["baseline_sentences"])
    return (f'<div class="story" data-persona="{st["persona"]}" data-person="{st["person_id"]}" '
            f'data-scenario="{E(st["scenario"])}" data-facts="{facts}"><h4>{E(st["title"])}</h4>'
            f'<div class="two"><div><div class="lbl">With {E(st["scenario"])}</div><p>{prog}</p></div>'
            f'<div><div class="lbl">Same person, no program ({E(st["baseline"])})</div><p>{base}</p></div></div>'
            f'<p class="verdict">{E(st["verdict"])}</p></div>')


def _evidence_html(data: dict) -> str:
    reg = data["evidence"]
    out = ['<table class="plain ev"><thead><tr><th>evidence</th><th>what it says</th><th>parameters resting on it'
           "</th></tr></thead><tbody>"]
    by: dict[str, list[dict]] = {}
    for r in reg:
        by.setdefault(r["source"], []).append(r)
    for cid, (what, src, conf) in EVIDENCE.items():
        ps = by.get(cid, [])
        out.append(f'<tr data-evidence="{cid}"><td><b>{cid}</b><div class="sub">confidence {conf}</div></td>'
                   f"<td>{E(what)}<div class=\"sub\">{E(src)}</div></td><td>{_param_list(ps)}</td></tr>")
    for row, what in DEFAULTS_ROWS.items():
        ps = by.get(row, [])
        if ps:
            out.append(f'<tr data-evidence="{E(row)}"><td>{E(row)}<div class="sub">defaults table</div></td>'
                       f"<td>{E(what)}</td><td>{_param_list(ps)}</td></tr>")
    for src, ps in by.items():
        if src not in EVIDENCE and src not in DEFAULTS_ROWS and src != "assumption":
            out.append(f"<tr><td>{E(src)}</td><td></td><td>{_param_list(ps)}</td></tr>")
    out.append("</tbody></table>")
    assum = by.get("assumption", [])
    out.append(f"<h3>Assumptions ({len(assum)} parameters rest on no published evidence)</h3>"
               "<p>These are the model's own judgement. Those with a sensitivity range are the first to test: "
               "re-run the scorecard with the low and high values before relying on a close call.</p>")
    out.append('<table class="plain"><thead><tr><th>parameter</th><th>default</th><th>sensitivity range</th>'
               "<th>meaning</th></tr></thead><tbody>")
    srt = sorted(assum, key=lambda r: (r["sensitivity_range"] is None, r["parameter"]))
    n_sens = sum(r["sensitivity_range"] is not None for r in assum)
    for i, r in enumerate(srt):
        if i == n_sens:
            out.append("</tbody></table><details><summary>The other "
                       f"{len(assum) - n_sens} assumptions (no sensitivity range given)</summary>"
                       '<table class="plain"><tbody>')
        rng = "–" if not r["sensitivity_range"] else " to ".join(_show(x) for x in r["sensitivity_range"])
        used = "".join(f'<div class="sub">{E(k)}: {E(v)}</div>' for k, v in r["scenario_values"].items())
        out.append(f'<tr data-parameter="{r["parameter"]}" data-source="assumption"><td><code>{r["parameter"]}'
                   f"</code></td><td>{E(r['default'])} {_unit(r['unit'])}{used}</td>"
                   f"<td>{E(rng)}</td><td class=\"desc\">{E(r['description'])}</td></tr>")
    out.append("</tbody></table>" + ("</details>" if len(assum) > n_sens else ""))
    return "".join(out)


def _unit(u: str) -> str:
    return "" if u in ("", "-") else f' <span class="sub">{E(u)}</span>'


def _param_list(ps: list[dict]) -> str:
    items = []
    for r in ps:
        used = "; ".join(f"{k}: {v}" for k, v in r["scenario_values"].items())
        extra = f" <span class=\"sub\">(set to {E(used)})</span>" if used else ""
        items.append(f'<li data-parameter="{r["parameter"]}" data-source="{E(r["source"])}" title="{E(r["description"])}">'
                     f"<code>{r['parameter']}</code> = {E(r['default'])}{_unit(r['unit'])}"
                     f"{extra}</li>")
    return "<ul>" + "".join(items) + "</ul>" if items else '<span class="sub">none</span>'


def _settings_html(cmp: Comparison) -> str:
    scs = [r.scenario for r in cmp.results]
    head = "".join(f"<th>{E(s.name)}</th>" for s in scs)
    rows = []
    default = Scenario()
    keys = list(KEY_LEVERS)
    for dotted, _ in _fields(Scenario):
        if dotted not in keys and any(s.get(dotted) != default.get(dotted) for s in scs):
            keys.append(dotted)
    for k in keys:
        vals = []
        for s in scs:
            v = s.get(k)
            changed = v != default.get(k)
            cls = ' class="chg"' if changed else ""
            vals.append(f"<td{cls}>{E(_show(v))}</td>")
        rows.append(f"<tr><td><code>{k}</code></td>{''.join(vals)}</tr>")
    desc = "".join(f"<p><b>{E(s.name)}</b>: {E(s.description) or 'no description'}</p>" for s in scs)
    yamls = "".join(f"<details><summary>{E(s.name)}: full scenario (YAML)</summary><pre>{E(s.to_yaml())}</pre>"
                    "</details>" for s in scs)
    return (f"{desc}<table class=\"plain\"><thead><tr><th>setting</th>{head}</tr></thead><tbody>{''.join(rows)}"
            "</tbody></table><p class=\"sub\">Highlighted: differs from the package default.</p>" + yamls)


CSS = """
*{box-sizing:border-box}
body{font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d2433;margin:0;
background:#f4f5f7;line-height:1.45;font-size:15px}
main{max-width:1120px;margin:0 auto;padding:28px 32px 60px;background:#fff}
h1{font-size:28px;margin:0 0 4px}h2{font-size:21px;margin:40px 0 10px;padding-top:14px;border-top:2px solid #e3e6eb}
h3{font-size:17px;margin:24px 0 8px}h4{margin:0 0 8px;font-size:15.5px}
.meta{color:#5b6473;font-size:13.5px}
.headline{background:#eef4fb;border-left:6px solid #1f77b4;padding:18px 22px;margin:20px 0;border-radius:4px}
.headline .lead{font-size:20px;font-weight:600;margin:0 0 8px}
.headline .detail{font-size:16px;margin:0 0 10px}
.headline .action{font-size:16px;font-weight:600;color:#0f4c81;margin:0}
.cards{display:flex;gap:14px;flex-wrap:wrap;margin:14px 0}
.card{flex:1 1 250px;border:1px solid #dde1e7;border-radius:6px;padding:12px 14px}
.card h3{margin:0 0 8px;font-size:16px}
.kpi{display:flex;justify-content:space-between;border-bottom:1px dotted #e3e6eb;padding:3px 0}
.kpi b{font-size:16px}
table{border-collapse:collapse;width:100%;margin:8px 0 12px}
th,td{text-align:left;vertical-align:top;padding:6px 10px;border-bottom:1px solid #e8eaee}
thead th{background:#f7f8fa;font-size:13.5px}
table.score td{text-align:right;min-width:150px}table.score thead th{text-align:right}
table.score thead th:first-child{text-align:left}
tr.grp th{background:#1d2433;color:#fff;font-size:13px;letter-spacing:.04em;text-transform:uppercase}
th.m{font-weight:600;width:260px}
.v{font-size:16px;font-weight:600}.sub{color:#6b7383;font-size:12.5px;font-weight:400}
.d{font-size:13.5px}.up{color:#1a7f37}.down{color:#b42318}.flat{color:#6b7383}
td.chg{background:#fff6df;font-weight:600}
.fig{margin:10px 0;text-align:center}.fig img{max-width:100%}
.note{color:#4a5262;font-size:14px}
.gap{font-size:16px;background:#f7f8fa;padding:12px 16px;border-radius:4px}
.story{border:1px solid #dde1e7;border-radius:6px;padding:14px 16px;margin:12px 0}
.two{display:grid;grid-template-columns:1fr 1fr;gap:18px}.two p{margin:4px 0}
.lbl{font-size:12.5px;text-transform:uppercase;letter-spacing:.05em;color:#6b7383;font-weight:600}
.verdict{font-weight:600;margin:10px 0 0;color:#0f4c81}
table.ev ul{margin:0;padding-left:18px}td.desc{font-size:13px;color:#4a5262}
code{font-size:12.5px;background:#f3f4f6;padding:1px 4px;border-radius:3px}
pre{background:#f7f8fa;padding:10px;font-size:12px;overflow:auto}
details{margin:6px 0}
@media print{body{background:#fff}main{padding:0}.story,.card{break-inside:avoid}}
"""


def _cards(data: dict) -> str:
    rk = _ret_key(data)
    out = []
    for k, s in enumerate(data["scenarios"]):
        r, ret, m = s["roi"], s["diff"].get(rk, {}), s["money"]
        c = COLORS[k % len(COLORS)]
        kp = [("Retention after " + {"retention_12m": "1 year", "retention_24m": "2 years",
                                     "retention_36m": "3 years"}[rk],
               _num(ret.get("diff_mean"), rk, True)),
              ("Promotion rate", _num(s["diff"].get("annual_promotion_rate", {}).get("diff_mean"),
                                      "annual_promotion_rate", True)),
              ("Median ROI", "–" if r.get("median") is None else fmt.value("roi", r["median"])),
              ("Chance ROI is positive", "–" if r.get("median") is None else f"{r['p_positive']:.0%}"),
              ("Net saving", _num(m["net_saving"]["mean"], "total_cost"))]
        rows = "".join(f'<div class="kpi"><span>{E(a)}</span><b>{E(b)}</b></div>' for a, b in kp)
        out.append(f'<div class="card" style="border-top:4px solid {c}"><h3>{E(s["name"])}</h3>{rows}</div>')
    return '<div class="cards">' + "".join(out) + "</div>"


def _img(b64: str, alt: str) -> str:
    return f'<div class="fig"><img alt="{E(alt)}" src="data:image/png;base64,{b64}"></div>' if b64 else ""


def render(cmp: Comparison, data: dict, title: str = "Mentorship program scorecard") -> str:
    """The HTML document of the report (figures embedded; no external resources)."""
    meta = data["meta"]
    h = headline(data)
    data["headline"] = h
    n = meta["replications"]
    by_scenario: dict[str, list[dict]] = {}
    for st in data.get("stories", []):
        by_scenario.setdefault(st["scenario"], []).append(st)
    stories_html = "".join(
        f"<h3>{E(name)}</h3>" + "".join(_story_html(st, data) for st in sts) for name, sts in by_scenario.items())
    personas = ", ".join(PERSONA_LABELS[p] for p in ("early_career", "first_time_manager", "career_pivoter"))
    gaps = "".join(f"<p class=\"gap\">{_gap_sentence(s)}</p>" for s in data["scenarios"] if _gap_sentence(s))
    payload = json.dumps(data, allow_nan=False).replace("</", "<\\/")
    body = f"""
<main>
<h1>{E(title)}</h1>
<div class="meta">{E(', '.join(meta['scenarios']))} against {E(meta['baseline'])} · {meta['workforce_size']:,} people ·
{_years(meta['horizon_weeks'])} · {n} paired simulated runs (seed {meta['seed']}) · mentorsim {E(meta['version'])} ·
written {meta['written']}</div>

<section class="headline" data-headline-scenario="{E(h['scenario'])}">
<p class="lead">{E(h['lead'])}</p>
<p class="detail">{E(h['detail'])}</p>
<p class="action">{E(h['action'])}</p>
</section>
{_cards(data)}
<p class="note">Each run simulates the same {meta['workforce_size']:,} starting employees with and without the
program (common random numbers), so differences come from the program, not from luck in who was hired.
Changes are shown as mean difference with a 95% interval; "better in X% of runs" counts the paired runs in which
the program beat no program. ROI = (turnover cost avoided − program cost) ÷ program cost; it counts replacement
costs only, not the value of promotions, goals reached or engagement.</p>

<h2>1. Return on investment</h2>
{_img(fig_roi(data), "Histogram of ROI across simulated runs per scenario")}
{_money_table(data)}
{_img(fig_money(data), "Program cost against turnover cost avoided")}

<h2>2. Scorecard: what changes for the workforce</h2>
<p class="note">Values are means over {n} runs. Under each program value: the change against
{E(meta['baseline'])} with its 95% interval, and how often the program did better.</p>
{_scorecard(data)}
{_img(fig_retention(cmp), "Retention curves of the starting workforce")}

<h2>3. Volunteers versus the program: naive gap and causal effect</h2>
<p class="note">People who volunteer for mentoring are more ambitious and engaged, so they would stay and get
promoted more often anyway. Comparing mentees with non-participants (the "naive gap", how most programs report
results, as in evidence C4 and C5) mixes that selection with what the program does. The causal effect compares the
same mentees with and without the program.</p>
{gaps}
{_effects_table(data)}
{_img(fig_gap(data), "Naive participant gap beside the causal effect")}

<h2>4. The stories behind the numbers</h2>
<p class="note">For each persona ({personas}) we follow the lowest-numbered starting employee who was a mentee in
run 1 (chosen by ID, not by outcome), and the same person in the world without the program. Every sentence is
generated from the simulation's event log. Weeks count from the start (week 52 is the end of year one).</p>
{stories_html}

<h2>5. Assumptions and the evidence behind them</h2>
<p class="note">Every parameter cites an evidence ID (C1..C7), a row of the evidence defaults table, or says it is
an assumption. C4 and C5 are used as relative effects only: the model separates who volunteers from what the
program does, as section 3 shows.</p>
{_evidence_html(data)}

<h2>6. Scenario settings</h2>
{_settings_html(cmp)}
</main>
<script type="application/json" id="mentorsim-data">{payload}</script>
"""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{E(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n")
