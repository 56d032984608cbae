"""The headline of a comparison in words: the scorecard's lead, detail and action, and the retention
sentence that the scorecard and the dashboard (:func:`mentorsim.dashboard.words.headline`) both say."""

from __future__ import annotations

import math
from typing import Any

from mentorsim.outputs import fmt
from mentorsim.reports.decision_section import sentence
from mentorsim.reports.text import RETENTION_YEARS, retention_key, years


def retention_change(subject: str, diff: float, low: float, high: float, when: str, verb: str = "keeps") -> str:
    """What a program does to retention, per 100 people, with its 95% interval, as one sentence.

    e.g. "Biweekly one-on-one mentoring keeps 4.1 more people per 100 after two years (2.8 to 5.3)."
    """
    if round(abs(diff) * 100, 1) == 0:
        said = f"{subject} {verb} about as many people {when}"
    else:
        said = f"{subject} {verb} {abs(diff) * 100:.1f} {'more' if diff > 0 else 'fewer'} people per 100 {when}"
    if math.isnan(low):
        return f"{said}."
    if low > 0 or high < 0:  # the interval excludes no difference: state it in the direction of the effect
        a, b = sorted((abs(low), abs(high)))
        return f"{said} ({a * 100:.1f} to {b * 100:.1f})."
    return f"{said} (between {low * 100:+.1f} and {high * 100:+.1f}: could be no difference)."


def _nan(v: float | None) -> float:
    return math.nan if v is None else v


def headline(data: dict) -> dict[str, Any]:
    """The headline: the designs ranked by expected net benefit (``data["ranking"]``, from the decision
    section; without it, the best median ROI), the chance the top one is best and, plainly, when no
    design is clearly best; then what the strongest program does, how sure we are and what to do."""
    scs = data["scenarios"]
    meta = data["meta"]
    n = meta["replications"]
    ranking = data.get("ranking") or []
    programs = {s["name"]: s for s in scs}
    ranked = [r for r in ranking if r["name"] in programs]
    if ranked:
        best = programs[ranked[0]["name"]]
    else:
        with_roi = [s for s in scs if s["roi"].get("median") is not None]
        best = max(with_roi, key=lambda s: s["roi"]["median"]) if with_roi else scs[0]
    rk = retention_key(data)
    roi = best["roi"]
    ret = best["diff"].get(rk, {})
    money = best["money"]
    p = roi["p_positive"] if roi.get("median") is not None else float("nan")
    said_roi = (
        f"a median ROI of {fmt.value('roi', roi['median'])}, positive in {p:.0%} of {n} simulated runs "
        f"(95% of runs between {fmt.value('roi', roi['low'])} and {fmt.value('roi', roi['high'])})."
        if not math.isnan(p)
        else ""
    )
    if ranking:
        top = ranking[0]
        lead = sentence(ranking, data.get("ranking_kind", "noise"))
        who = "It" if top["name"] == best["name"] else f"The strongest program, {best['name']},"
        lead += f" {who} has {said_roi}" if said_roi else f" {who} has no program cost, so no ROI."
    else:
        lead = (
            f"Of the {len(scs)} designs tested, {best['name']} is the strongest"
            if len(scs) > 1
            else f"{best['name']} against {data['baseline']['name']}"
        )
        lead += f": {said_roi}" if said_roi else ": it has no program cost, so no ROI."
    parts = []
    if ret.get("diff_mean") is not None:
        parts.append(
            retention_change(
                "It", ret["diff_mean"], _nan(ret["ci_low"]), _nan(ret["ci_high"]), f"after {RETENTION_YEARS[rk]}"
            )
        )
    if money["turnover_cost_avoided"]["mean"] is not None and money["program_cost"]["mean"] is not None:
        parts.append(
            f"Over {years(meta['horizon_weeks'])} it avoids "
            f"{fmt.value('turnover_cost', money['turnover_cost_avoided']['mean'])} of replacement costs "
            f"for {fmt.value('program_cost', money['program_cost']['mean'])} of program costs."
        )
    detail = " ".join(parts)
    if math.isnan(p):
        action = "Judge it on people outcomes: it has no cost to weigh."
    elif p >= 0.9:
        action = "Worth piloting: it pays back in nearly every simulated future."
    elif p >= 0.7:
        action = "Likely to pay back: pilot it, track the measures below and check again after a year."
    elif p >= 0.4:
        action = "The money case is a coin flip: decide on the people outcomes below, or pilot small before committing."
    else:
        action = "Unlikely to pay back through retention alone: justify it on development goals, or change the design."
    return {
        "scenario": best["name"],
        "lead": lead,
        "detail": detail,
        "action": action,
        "p_positive": None if math.isnan(p) else p,
    }
