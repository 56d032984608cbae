"""The dashboard's words: a design and its outcome in plain sentences (describe, headline, facts)."""

from __future__ import annotations

import math
from typing import Any

from mentorsim.outputs import fmt
from mentorsim.outputs.comparison import Comparison
from mentorsim.programs import FORMATS, mentor_capacity_hours
from mentorsim.reports.headline import retention_change
from mentorsim.schema.evidence import basis

CADENCE_WORDS = {"weekly": "weekly", "biweekly": "biweekly", "monthly": "monthly"}


def describe(program: Any) -> str:
    """A program design in words: 'Biweekly one-on-one mentoring with sponsors'.

    >>> from mentorsim.schema.scenario import Scenario
    >>> describe(Scenario().with_overrides({"program.format": "circle", "program.cadence": "monthly"}).program)
    'Monthly mentoring circles'
    >>> describe(Scenario().with_overrides({"program.format": "one_on_one", "program.enrolment": "assigned",
    ...                                     "program.eligibility.groups": ["under_represented"]}).program)
    'Biweekly one-on-one mentoring for the under-represented group (mentees assigned)'
    """
    fmt = FORMATS[program.format]
    if not fmt.holds_sessions:
        return "Sponsorship alone" if program.sponsorship else "No program"
    cad = program.cadence
    s = fmt.words  # the format's own words (``Format.words``)
    s = f"{CADENCE_WORDS[cad]} {s}" if isinstance(cad, str) else f"{s} every {cad:g} weeks"
    if program.sponsorship:
        s += " with sponsors"
    groups = program.eligibility.groups
    if groups != "all":  # a targeted program
        s += " for the " + " and ".join(g.replace("_", "-") for g in groups) + f" group{'s' if len(groups) > 1 else ''}"
    if program.enrolment == "assigned":
        s += " (mentees assigned)"
    return s[:1].upper() + s[1:]


def headline(cmp: Comparison) -> str:
    """One plain-words sentence on retention, program against no program, with its 95% interval.

    e.g. "Biweekly one-on-one mentoring keeps 4.1 more people per 100 after two years (2.8 to 5.3)".
    """
    prog = cmp.results[1]
    H = prog.scenario.horizon_weeks
    metric, when = ("retention_24m", "after two years") if H >= 104 else ("retention_12m", "after one year")
    what = describe(prog.scenario.program)
    if what == "No program":
        kept = cmp.baseline.summary().loc[metric, "mean"] * 100
        return f"Without a program, {kept:.0f} of every 100 people here today are still here {when}."
    t = cmp.table()
    row = t[(t.scenario == prog.name) & (t.metric == metric)]
    if row.empty:
        return f"{what} makes no difference to retention {when}."
    r = row.iloc[0]
    plural = FORMATS[prog.scenario.program.format].plural and not prog.scenario.program.sponsorship
    keeps = "keep" if plural else "keeps"
    return retention_change(what, r.diff_mean, r.ci_low, r.ci_high, when, keeps)


def facts(cmp: Comparison) -> list[tuple[str, str, str]]:
    """(title, value, detail) cards: promotions, program cost, turnover cost avoided, mentor load and burnout,
    and what the projection rests on (evidence, or mainly assumptions and why)."""
    b, p = cmp.baseline.summary(), cmp.results[1].summary()
    d = cmp.diffs(cmp.results[1])
    years = cmp.baseline.scenario.horizon_weeks / 52
    prog = cmp.results[1].scenario.program
    out = [
        (
            "Promoted per year",
            fmt.value("annual_promotion_rate", p.loc["annual_promotion_rate", "mean"]),
            f"{fmt.value('annual_promotion_rate', b.loc['annual_promotion_rate', 'mean'])} without a program",
        )
    ]
    cost = p.loc["program_cost", "mean"]
    out.append(("Program cost", fmt.value("program_cost", cost), f"over {years:g} years"))
    avoided = -d["turnover_cost"].mean() if "turnover_cost" in d else 0.0
    roi = cmp.roi(cmp.results[1]).mean() if cost > 0 else float("nan")
    out.append(
        (
            "Turnover cost avoided",
            fmt.value("turnover_cost", avoided),
            "no program to pay for" if math.isnan(roi) else f"return on cost {roi * 100:+.0f}%",
        )
    )
    load = p.loc["mentor_load_hours", "mean"] if "mentor_load_hours" in p.index else float("nan")
    if math.isnan(load):
        out.append(("Mentor load", "-", "no mentors"))
    else:
        burn = p.loc["mentor_burnout_rate", "mean"]
        cap = mentor_capacity_hours(prog)
        out.append(
            (
                "Mentor load",
                f"{load:.1f} h/month",
                f"limit {cap:g} h; {0 if math.isnan(burn) else burn * 100:.0f}% burned out",
            )
        )
    kind, why = basis(cmp.results[1].scenario)
    out.append(("Rests on", "evidence" if kind == "evidence" else "assumptions", why))
    return out


def equity(cmp: Comparison) -> tuple[list[dict[str, Any]], list[str]]:
    """The equity view's rows and sentences. A row per group, program against no program: starting staff still
    here (up to 3 years), share of levels 4-5 at the end, who has an informal mentor (``<metric>_base``, ``<metric>``
    and ``<metric>_diff`` with its interval ``<metric>_ci``) and who the program reached (``reached``: the share of
    the group's people who were ever a mentee). The sentences are the scorecard's: which group the program helps
    more, whether it narrows the gap at the top; with one group, no rows and a note."""
    from mentorsim.reports import equity_section
    from mentorsim.viz.equity import group_label

    data = equity_section.collect(cmp)
    if data is None:
        return [], ["This workforce has one group: set workforce.groups in the scenario to compare groups."]
    s = data["scenarios"][0]
    p = cmp.results[1].people
    reached = p.role.isin(["mentee", "both"]).groupby(p.group).mean()
    rows = []
    for g in data["groups"]:
        row: dict[str, Any] = {"group": g, "label": group_label(g), "reached": float(reached.get(g, math.nan))}
        for r in s["rows"]:
            if r["group"] == g:
                row.update(
                    {
                        f"{r['metric']}_base": r["baseline"],
                        r["metric"]: r["value"],
                        f"{r['metric']}_diff": r["diff_mean"],
                        f"{r['metric']}_ci": (r["ci_low"], r["ci_high"]),
                    }
                )
        rows.append(row)
    return rows, list(s["sentences"])
