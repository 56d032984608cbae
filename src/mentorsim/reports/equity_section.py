"""The scorecard's equity section: each group's retention, promotion, informal mentoring and share of
management with and without each program (``Comparison.equity``), what that means in two plain sentences,
and each group's share of management over time. Only when the workforce has more than one group."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from mentorsim.outputs.comparison import Comparison
from mentorsim.outputs.equity import GROUP_METRICS, RETENTION_WEEKS, group_metrics
from mentorsim.reports.figures import _png
from mentorsim.reports.text import E, attr, years
from mentorsim.schema.metrics import interval
from mentorsim.viz.equity import group_label, plot_management_share

#: what each group metric is called in the section's table
LABELS = {
    "retention_36m": "Starting staff still here after {h}",
    "annual_promotion_rate": "Promoted per year",
    "informal_mentor_share": "Have an informal mentor",
    "management_share": "Share of levels 4-5 (management)",
}


def _f(v: Any) -> float | None:
    v = float(v)
    return None if math.isnan(v) else v


def _pct(v: float | None, diff: bool = False) -> str:
    """A share in percent ('51.2%'), or a difference in percentage points ('+1.3 pts')."""
    if v is None:
        return "–"
    return f"{_r(v):+.1f} pts" if diff else f"{_r(v):.1f}%"


def _ci(d: dict[str, Any], unit: str = " pts") -> str:
    """'a to b' of a difference's interval, in points ('' when it has no ends)."""
    return "" if d["ci_low"] is None else f"{_r(d['ci_low']):+.1f} to {_r(d['ci_high']):+.1f}{unit}"


def _r(v: float) -> float:
    """A share in points, rounded to one decimal without a negative zero."""
    return round(v * 100, 1) + 0.0


def _per100(v: float) -> str:
    """A difference of shares as people per 100: 0.024 -> '2.4 more', -0.01 -> '1.0 fewer'."""
    return f"{abs(v) * 100:.1f} {'more' if v >= 0 else 'fewer'}"


def _excludes_zero(d: dict[str, Any]) -> bool:
    return d["ci_low"] is not None and (d["ci_low"] > 0 or d["ci_high"] < 0)


def collect(cmp: Comparison, level: float = 0.95) -> dict[str, Any] | None:
    """The section's numbers as JSON-ready data, or None when the workforce has one group only."""
    groups = [g.name for g in cmp.baseline.scenario.workforce.groups]
    if len(groups) < 2:
        return None
    eq = cmp.equity(level)
    base = eq[eq.scenario == cmp.baseline.name].set_index(["group", "metric"]).value
    thin = min(groups, key=lambda g: base.get((g, "management_share"), math.inf))  # fewest at the top
    top = max(groups, key=lambda g: base.get((g, "management_share"), -math.inf))
    per_rep = {r.name: group_metrics(r).set_index(["replication", "group", "metric"]).value for r in cmp.results}
    b = per_rep[cmp.baseline.name]
    scenarios = []
    for r in cmp.results[1:]:
        e = eq[eq.scenario == r.name]
        rows = [
            {
                "group": x.group,
                "metric": x.metric,
                "value": _f(x.value),
                "baseline": _f(base[(x.group, x.metric)]),
                "diff_mean": _f(x.diff_mean),
                "ci_low": _f(x.ci_low),
                "ci_high": _f(x.ci_high),
            }
            for x in e.itertuples()
            if x.metric in GROUP_METRICS
        ]
        # the difference between the groups' changes, paired replication by replication
        d = (per_rep[r.name] - b).unstack("group")
        gap = d[thin] - d[top]
        contrast = {}
        for m in ("retention_36m", "management_share"):
            v = gap.xs(m, level="metric").dropna().to_numpy(dtype=float)
            mean, lo, hi = interval(v, level) if len(v) else (np.nan,) * 3
            contrast[m] = {"diff_mean": _f(mean), "ci_low": _f(lo), "ci_high": _f(hi)}
        scenarios.append({"name": r.name, "rows": rows, "contrast": contrast})
    out = {
        "groups": groups,
        "thinnest": thin,
        "top": top,
        "level": level,
        "scenarios": scenarios,
        "horizon_weeks": cmp.baseline.scenario.horizon_weeks,
    }
    for s in scenarios:
        s["sentences"] = sentences(s, out)
    return out


def sentences(s: dict[str, Any], data: dict[str, Any]) -> list[str]:
    """Which group the program helps more (retention), and whether it narrows the management-share gap; hedged
    when the interval includes 0."""
    thin, top = data["thinnest"], data["top"]
    lt, lm = group_label(thin).lower(), group_label(top).lower()
    row = {(r["group"], r["metric"]): r for r in s["rows"]}
    when = years(min(RETENTION_WEEKS, data["horizon_weeks"]))
    rt, rm = row[(thin, "retention_36m")], row[(top, "retention_36m")]
    c = s["contrast"]["retention_36m"]
    first = f"After {when}, {s['name']} keeps"
    if rt["diff_mean"] is not None and rm["diff_mean"] is not None:
        first += (
            f" {_per100(rt['diff_mean'])} of every 100 starting staff in the {lt} group ({_ci(rt, '')}) and "
            f"{_per100(rm['diff_mean'])} in the {lm} group ({_ci(rm, '')})."
        )
    else:
        first = f"After {when}, too few runs to tell what {s['name']} changes in retention for each group."
    if c["diff_mean"] is None:
        pass
    elif _excludes_zero(c):
        more, less = (lt, lm) if c["diff_mean"] > 0 else (lm, lt)
        by = (
            c
            if c["diff_mean"] > 0
            else {"diff_mean": -c["diff_mean"], "ci_low": -c["ci_high"], "ci_high": -c["ci_low"]}
        )
        first += (
            f" It helps the {more} group more: {by['diff_mean'] * 100:.1f} more of every 100 stay than in "
            f"the {less} group ({_ci(by, '')})."
        )
    else:
        first += (
            f" Whether it helps one group more we cannot tell: the difference between the groups "
            f"({_r(c['diff_mean']):+.1f}, {_ci(c, '')} per 100) includes no difference."
        )
    ms = row[(thin, "management_share")]
    second = (
        f"The {lt} group holds {_pct(ms['baseline'])} of levels 4-5 at the end without the program and "
        f"{_pct(ms['value'])} with it ({_pct(ms['diff_mean'], True)}, {_ci(ms)}),"
    )
    if ms["diff_mean"] is None:
        second = second[:-1] + "."
    elif _excludes_zero(ms):
        second += (
            " so the program narrows the gap at the top."
            if ms["diff_mean"] > 0
            else " so the program widens the gap at the top."
        )
    else:
        second += " so it may not change the gap at the top: the interval includes 0."
    return [first, second]


def section(cmp: Comparison, data: dict[str, Any] | None) -> str:
    """The section's HTML ('' when there is one group): the sentences, a table per program and the plot."""
    if not data:
        return ""
    groups = data["groups"]
    when = years(min(RETENTION_WEEKS, data["horizon_weeks"]))
    out = [
        f'<div id="equity" data-groups="{E(",".join(groups))}">',
        '<p class="note">Groups differ in their pipeline (their share of each level) and, through that, in how '
        "many find an informal mentor among people like themselves. Each cell: the group's value with the "
        f"program; below it, the change against no program with its {data['level']:.0%} paired interval "
        "(same people, same luck), in percentage points.</p>",
    ]
    head = "".join(f"<th>{E(group_label(g))} group</th>" for g in groups)
    for s in data["scenarios"]:
        out.append(f"<h3>{E(s['name'])}</h3>")
        out.extend(f'<p class="decision equity-sentence">{E(t)}</p>' for t in s["sentences"])
        cells = {(r["group"], r["metric"]): r for r in s["rows"]}
        body = []
        for m in GROUP_METRICS:
            tds = []
            for g in groups:
                r = cells.get((g, m))
                if r is None:
                    tds.append("<td>–</td>")
                    continue
                tds.append(
                    f'<td data-scenario="{E(s["name"])}" data-group="{E(g)}" data-equity-metric="{m}" '
                    f'data-value="{attr(r["value"])}" data-diff="{attr(r["diff_mean"])}" '
                    f'data-ci-low="{attr(r["ci_low"])}" data-ci-high="{attr(r["ci_high"])}">'
                    f'<div class="v">{_pct(r["value"])}</div><div class="d">{_pct(r["diff_mean"], True)} '
                    f'<span class="sub">({_ci(r)})</span></div></td>'
                )
            body.append(f'<tr><th class="m">{E(LABELS[m].format(h=when))}</th>{"".join(tds)}</tr>')
        out.append(
            f'<table class="score equity" data-scenario="{E(s["name"])}"><thead><tr><th>outcome</th>{head}'
            f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )
    fig = plot_management_share(cmp)
    alt = E("Each group's share of management over time, with and without the program")
    out.append(f'<div class="fig"><img alt="{alt}" src="data:image/png;base64,{_png(fig)}"></div>')
    out.append(
        '<p class="note">The pipeline each group starts with and how strongly people find informal mentors '
        "among their own group (homophily) are assumptions unless you set your own figures "
        "(<code>workforce.groups</code>, <code>workforce.informal_mentoring</code>).</p></div>"
    )
    return "\n".join(out)
