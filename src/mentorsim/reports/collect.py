"""Every number the report shows, gathered from a Comparison into one JSON-ready dict.

The scorecard (summaries and paired differences), ROI per run, money, the naive gap
beside the causal effect, the persona stories, and the evidence register of the
parameters (from :func:`mentorsim.schema.params.parameter_register`). The HTML shows these
numbers and nothing else; the same dict is embedded in the page as JSON.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from mentorsim.outputs.comparison import Comparison
from mentorsim.outputs.results import Results
from mentorsim.reports.text import show
from mentorsim.schema.evidence import basis
from mentorsim.schema.metrics import PAIRED
from mentorsim.schema.scenario import Scenario

#: The register's kinds of source, as the report names them.
_KINDS = {"evidence": "evidence", "assumption": "assumption"}


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
    meta = {
        "seed": base.seed,
        "replications": len(base.reps),
        "workforce_size": sc0.workforce.size,
        "horizon_weeks": sc0.horizon_weeks,
        "baseline": base.name,
        "scenarios": cmp.names[1:],
        "version": base.provenance["version"],
        "written": _dt.date.today().isoformat(),
        "uncertainty": getattr(base, "uncertainty", "noise"),
    }
    data: dict[str, Any] = {"meta": meta, "baseline": {"name": base.name, "summary": _summary(base)}, "scenarios": []}
    for r in cmp.results[1:]:
        t = table[table.scenario == r.name].set_index("metric")
        diffs = {
            m: {
                "diff_mean": _f(row.diff_mean),
                "ci_low": _f(row.ci_low),
                "ci_high": _f(row.ci_high),
                "p_better": _f(row.p_better),
            }
            for m, row in t.iterrows()
            if m not in PAIRED
        }
        paired = {m: _paired(cmp, r, m, t) for m in PAIRED}
        summ = _summary(r)
        money = {
            "program_cost": summ["program_cost"],
            "turnover_cost_avoided": _neg(diffs.get("turnover_cost")),
            "net_saving": _neg(diffs.get("total_cost")),
        }
        eff = {}
        for _, e in effects[effects.scenario == r.name].iterrows():
            eff[e.outcome] = {
                k: _f(e[k])
                for k in (
                    "naive_gap",
                    "naive_ci_low",
                    "naive_ci_high",
                    "causal_effect",
                    "causal_ci_low",
                    "causal_ci_high",
                    "selection",
                    "timing",
                    "naive_ratio",
                )
            }
        data["scenarios"].append(
            {
                "name": r.name,
                "format": r.scenario.program.format,
                "summary": summ,
                "diff": diffs,
                "paired": paired,
                "roi": paired["roi"],  # the money section, the headline and the figures speak of ROI
                "money": money,
                "effects": eff,
                "meetings_scheduled": _f(_scheduled(r)),
                "basis": dict(zip(("basis", "why"), basis(r.scenario))),
            }
        )
    data["evidence"] = evidence_register([x.scenario for x in cmp.results])
    return data


def _paired(cmp: Comparison, r: Results, metric: str, t: Any) -> dict[str, Any]:
    """A paired metric of a design (``schema.metrics.PAIRED``) as the report shows it: its value in every
    run, their median and middle 95%, the share on its good side of 0 (``p_positive``), and the mean with
    its interval (``Comparison.table``)."""
    rs = cmp.paired(r, metric).dropna()
    v = rs.to_numpy(dtype=float)
    out: dict[str, Any] = {"replications": [int(i) for i in rs.index], "values": [float(x) for x in v]}
    if len(v):
        lo, hi = np.percentile(v, [2.5, 97.5])
        good = v > 0 if PAIRED[metric].higher_is_better else v < 0
        out.update(
            {
                "median": float(np.median(v)),
                "low": float(lo),
                "high": float(hi),
                "p_positive": float(good.mean()),
                **_ci(*(t.loc[metric, ["diff_mean", "ci_low", "ci_high"]] if metric in t.index else (np.nan,) * 3)),
            }
        )
    return out


def story_dicts(cmp: Comparison) -> list[dict[str, Any]]:
    """The persona stories of every program against the baseline (replication 0 of the Comparison's seed).

    The mentees are picked from the people the Comparison already holds; the stories
    themselves need the event log, which only a traced run of replication 0 records: one
    traced run per program, and one traced baseline run shared by all of them.
    """
    from mentorsim.reports.stories import stories, story_ids
    from mentorsim.run.experiment import simulate

    programs = cmp.results[1:]
    ids = sorted({i for r in programs for i in story_ids(r.people)})
    seed = cmp.baseline.seed
    base = simulate(cmp.baseline.scenario, replications=1, seed=seed, trace=ids) if ids else None
    return [
        s.to_dict()
        for r in programs
        for s in stories(r.scenario, cmp.baseline.scenario, seed=seed, people=r.people, baseline_run=base)
    ]


def _neg(d: dict | None) -> dict[str, float | None]:
    if not d:
        return _ci(np.nan, np.nan, np.nan)
    n = lambda x: None if x is None else -x  # noqa: E731
    return {"mean": n(d["diff_mean"]), "ci_low": n(d["ci_high"]), "ci_high": n(d["ci_low"])}


def _summary(res: Results) -> dict[str, dict[str, float | None]]:
    s = res.summary()
    return {m: _ci(row["mean"], row.ci_low, row.ci_high) for m, row in s.iterrows()}


def evidence_register(scs: Sequence[Scenario]) -> list[dict[str, Any]]:
    """The parameter register (:func:`mentorsim.schema.params.parameter_register`) as the report shows it.

    One row per documented parameter: its source (C1..C7, a defaults row, or assumption),
    unit, default, sensitivity range and the values the scenarios use where they differ.
    """
    from mentorsim.schema.params import parameter_register

    rows = []
    default = Scenario()
    for _, p in parameter_register().iterrows():
        dotted = p["name"]
        d = default.get(dotted)
        used = {sc.name: show(sc.get(dotted)) for sc in scs if sc.get(dotted) != d}
        rng = None if math.isnan(p.sensitivity_low) else [float(p.sensitivity_low), float(p.sensitivity_high)]
        rows.append(
            {
                "parameter": dotted,
                "source": p.source,
                "kind": _KINDS.get(p.source_kind, "defaults"),
                "unit": p.unit,
                "default": show(d),
                "sensitivity_range": rng,
                "description": p.description,
                "scenario_values": used,
            }
        )
    return rows
