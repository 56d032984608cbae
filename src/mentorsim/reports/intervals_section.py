"""The scorecard's two kinds of interval side by side: luck only (every parameter at its value) and
luck with what we don't know (each paired run draws every uncertain parameter), for the changes a
decision turns on."""

from __future__ import annotations

from typing import Any

from mentorsim.outputs.comparison import Comparison
from mentorsim.reports.decision_section import KINDS
from mentorsim.reports.text import E, num, span
from mentorsim.schema.metrics import METRICS, retention_metric


def other_kind(cmp: Comparison, workers: int = 1) -> Comparison:
    """The same designs, seed and replications as ``cmp`` under the other kind of uncertainty."""
    from mentorsim.run.experiment import compare

    kind = "noise" if cmp.uncertainty == "parameters" else "parameters"
    return compare(
        [r.scenario for r in cmp.results],
        replications=len(cmp.baseline.reps),
        seed=cmp.baseline.seed,
        workers=workers,
        uncertainty=kind,
    )


def metrics(cmp: Comparison) -> list[str]:
    """The changes shown: retention at the horizon, promotions, program cost and ROI."""
    m = retention_metric(cmp.baseline.scenario.horizon_weeks)
    return [x for x in (m, "annual_promotion_rate", "turnover_cost", "roi") if x]


def collect(cmps: dict[str, Comparison]) -> list[dict[str, Any]]:
    """One row per design and metric: the paired change and its interval under each kind."""
    tables = {k: c.table().set_index(["scenario", "metric"]) for k, c in cmps.items()}
    any_cmp = next(iter(cmps.values()))
    rows = []
    for name in any_cmp.names[1:]:
        for m in metrics(any_cmp):
            row: dict[str, Any] = {"scenario": name, "metric": m}
            for k, t in tables.items():
                if (name, m) in t.index:
                    r = t.loc[(name, m)]
                    row[k] = {"diff_mean": float(r.diff_mean), "ci_low": float(r.ci_low), "ci_high": float(r.ci_high)}
            rows.append(row)
    return rows


def _label(metric: str) -> str:
    m = METRICS.get(metric)
    return m.label if m is not None else metric.upper() if metric == "roi" else metric


def section(rows: list[dict[str, Any]]) -> str:
    """The HTML table: a row per design and change, a column per kind of interval, and how much wider
    what we don't know makes it."""

    def cell(d: dict | None, metric: str) -> str:
        if not d:
            return "<td>–</td>"
        return (
            f'<td data-mean="{d["diff_mean"]!r}" data-ci-low="{d["ci_low"]!r}" data-ci-high="{d["ci_high"]!r}">'
            f'{num(d["diff_mean"], metric, True)}<div class="sub">{span(d, metric, True)}</div></td>'
        )

    body = []
    for r in rows:
        n, p = r.get("noise"), r.get("parameters")
        wider = "–"
        if n and p and n["ci_high"] > n["ci_low"]:
            wider = f"{(p['ci_high'] - p['ci_low']) / (n['ci_high'] - n['ci_low']):.1f}×"
        body.append(
            f'<tr data-scenario="{E(r["scenario"])}" data-metric="{E(r["metric"])}">'
            f"<td>{E(r['scenario'])}</td><td>{E(_label(r['metric']))}</td>{cell(n, r['metric'])}"
            f"{cell(p, r['metric'])}<td>{wider}</td></tr>"
        )
    return (
        '<p class="note">The same paired runs with two kinds of 95% interval: <b>luck only</b> (who quits, who '
        "meets, every parameter at its value) and <b>luck and what we don't know</b> (each run also draws every "
        "uncertain parameter from its range; see the assumptions section). A decision that holds under the second is robust "
        "to what the evidence leaves open.</p>"
        '<table class="plain" id="both-intervals"><thead><tr><th>design</th><th>change in</th>'
        f"<th>{KINDS['noise']}</th><th>{KINDS['parameters']}</th><th>interval wider by</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )
