"""The summary metrics: their registry (label, unit, direction) and how one replication's are computed.

numpy only (no pandas), so worker processes that run replications stay light to start.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mentorsim.schema.tables import TS as _TS
from mentorsim.schema.tables import WEEKS_PER_MONTH

if TYPE_CHECKING:
    from mentorsim.schema.scenario import Scenario
    from mentorsim.schema.tables import RepResult


@dataclass(frozen=True)
class Metric:
    """How a summary metric is shown: its label, unit, which direction is better, and what it measures."""

    label: str
    unit: str
    higher_is_better: bool
    description: str


METRICS: dict[str, Metric] = {
    "retention_12m": Metric(
        "Retention after 1 year", "share", True, "Share of the starting workforce employed at week 52."
    ),
    "retention_24m": Metric(
        "Retention after 2 years", "share", True, "Share of the starting workforce employed at week 104."
    ),
    "retention_36m": Metric(
        "Retention after 3 years", "share", True, "Share of the starting workforce employed at week 156."
    ),
    "monthly_quit_rate": Metric(
        "Monthly quit rate", "per month", False, "Quits per month over average headcount (C1)."
    ),
    "first_year_quit_share": Metric(
        "First-year quits of new hires",
        "share",
        False,
        "Of hires observed for 52 weeks, the share who quit within them (C2).",
    ),
    "early_quit_share": Metric(
        "First-year quits in the first 13 weeks",
        "share",
        False,
        "Of new hires' first-year quits, the share in their first 13 weeks (C2: about half).",
    ),
    "quits_per_year": Metric("Quits per year", "people per year", False, "Voluntary quits per year."),
    "annual_promotion_rate": Metric(
        "Annual promotion rate", "per year", True, "Promotions per year over average headcount (C3)."
    ),
    "time_to_promotion_weeks": Metric(
        "Time to first promotion",
        "weeks",
        False,
        "Among people promoted, weeks from joining the run (start or hire) to their first promotion. "
        "A program that promotes more people adds later promotions, which can raise this average.",
    ),
    "internal_mobility_rate": Metric(
        "Internal moves", "per year", True, "Internal role moves per year over average headcount."
    ),
    "participation_rate": Metric(
        "Participation", "share", True, "Share of everyone employed during the run who was a mentee."
    ),
    "mentor_share": Metric("Mentors", "share", True, "Share of everyone employed during the run who mentored."),
    "waiting_mentees": Metric(
        "Mentees waiting for a mentor",
        "people",
        False,
        "Average number of enrolled mentees waiting for a match: the shortfall of mentors.",
    ),
    "goal_attainment_rate": Metric(
        "Goal attainment", "share", True, "Share of the starting workforce who reached their career goal."
    ),
    "mentee_goal_attainment_rate": Metric(
        "Goal attainment of mentees", "share", True, "Share of mentees who reached their goal."
    ),
    "meetings_held": Metric(
        "Sessions held",
        "sessions",
        True,
        "Mentoring sessions held over the horizon, counted per mentee: a circle session once "
        "per member, a peer session once per partner, a board once per mentor met.",
    ),
    "meetings_held_share": Metric(
        "Sessions held of scheduled", "share", True, "Sessions held over sessions scheduled."
    ),
    "mentor_load_hours": Metric("Mentor load", "hours per month", False, "Average monthly hours of an active mentor."),
    "mentor_burnout_rate": Metric("Mentor burnout", "share", False, "Share of mentors who burned out."),
    "mean_engagement": Metric("Engagement", "0..1", True, "Average engagement over the run."),
    "program_cost": Metric(
        "Program cost", "USD", False, "Mentor and mentee time, administration, credits, celebrations, sponsors."
    ),
    "turnover_cost": Metric("Turnover cost", "USD", False, "Replacement cost of everyone who left."),
    "total_cost": Metric("Program plus turnover cost", "USD", False, "Program cost plus turnover cost."),
}
SUMMARY_METRICS = tuple(METRICS)


@dataclass(frozen=True)
class Paired:
    """A paired metric: a design's outcome against its baseline, per paired replication (the same seed),
    computed from both runs' summary metrics, e.g. ROI. Its label, unit, which direction is better, what it
    measures, and ``compute(baseline, design)``: from the two runs' metrics by name (per replication,
    arrays or pandas columns), the value per replication (NaN where it is undefined)."""

    label: str
    unit: str
    higher_is_better: bool
    description: str
    compute: Callable[[Mapping[str, Any], Mapping[str, Any]], Any]


def _roi(base: Mapping[str, Any], design: Mapping[str, Any]) -> np.ndarray:
    cost = np.asarray(design["program_cost"], dtype=float)
    avoided = np.asarray(base["turnover_cost"], dtype=float) - np.asarray(design["turnover_cost"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (avoided - cost) / np.where(cost > 0, cost, np.nan)


#: the paired metrics by name: ``Comparison.table`` has a row of each (the value itself, not a difference),
#: and the scorecard a row of each under its metrics
PAIRED: dict[str, Paired] = {
    "roi": Paired(
        "Return on investment",
        "return per dollar of program cost",
        True,
        "(turnover cost avoided - program cost) / program cost, per paired run",
        _roi,
    )
}
#: what a design search can aim at and scenario discovery can ask about: every metric, and the paired ones
OUTCOMES = (*METRICS, *PAIRED)


#: the retention metrics and the week each is measured at, longest first
RETENTION_WEEKS = (("retention_36m", 156), ("retention_24m", 104), ("retention_12m", 52))


def retention_metric(horizon_weeks: int) -> str | None:
    """The longest retention metric a horizon covers (None under 52 weeks)."""
    return next((m for m, w in RETENTION_WEEKS if horizon_weeks >= w), None)


def still_here(initial: np.ndarray, left_week: np.ndarray, week: int) -> np.ndarray:
    """Retention, once: per person, whether they are a starting employee still employed at the end of ``week``
    (``left_week`` < 0: never left). The retention metrics, each group's retention, the people a program keeps
    (net benefit) and the retention curve all count this."""
    left = np.asarray(left_week)
    return np.asarray(initial, dtype=bool) & ((left < 0) | (left > week))


def _nan_div(a: float, b: float) -> float:
    return float(a) / float(b) if b else float("nan")


def rep_metrics(sc: Scenario, r: RepResult) -> dict[str, float]:
    """The summary metrics of one replication, from its arrays."""
    P, ts, H = r.people, r.timeseries, sc.horizon_weeks
    years = H / 52.0
    left = P["left_week"]
    init = P["initial"]
    n_init = max(int(init.sum()), 1)
    out: dict[str, float] = {}
    for m, w in (("retention_12m", 52), ("retention_24m", 104), ("retention_36m", 156)):
        out[m] = float(still_here(init, left, w).sum() / n_init) if H >= w else float("nan")
    hc = ts[:, _TS["headcount"]].mean()
    quits = ts[:, _TS["quits"]].sum()
    out["monthly_quit_rate"] = _nan_div(quits, hc * H / WEEKS_PER_MONTH)
    hired = P["hired_week"]
    obs = (hired >= 1) & (hired + 52 <= H)
    q52 = obs & (left >= 0) & (left - hired <= 52)
    q13 = obs & (left >= 0) & (left - hired <= 13)
    out["first_year_quit_share"] = _nan_div(q52.sum(), obs.sum())
    out["early_quit_share"] = _nan_div(q13.sum(), q52.sum())
    out["quits_per_year"] = float(quits / years)
    out["annual_promotion_rate"] = _nan_div(ts[:, _TS["promotions"]].sum(), hc * years)
    fp = P["first_promotion_week"]
    promoted = fp > 0
    out["time_to_promotion_weeks"] = (
        float((fp[promoted] - np.maximum(hired[promoted], 0)).mean()) if promoted.any() else float("nan")
    )
    out["internal_mobility_rate"] = _nan_div(ts[:, _TS["internal_moves"]].sum(), hc * years)
    n = len(left)
    mentee = (P["role"] & 1).astype(bool)
    mentor = (P["role"] & 2).astype(bool)
    out["participation_rate"] = float(mentee.sum() / n)
    out["mentor_share"] = float(mentor.sum() / n)
    out["waiting_mentees"] = float(ts[:, _TS["waiting_mentees"]].mean())
    out["goal_attainment_rate"] = float(P["goal_attained"][init].mean())
    out["mentee_goal_attainment_rate"] = float(P["goal_attained"][mentee].mean()) if mentee.any() else float("nan")
    held, sched = ts[:, _TS["meetings_held"]].sum(), ts[:, _TS["meetings_scheduled"]].sum()
    out["meetings_held"] = float(held)
    out["meetings_held_share"] = _nan_div(held, sched)
    act = ts[:, _TS["active_mentors"]] > 0
    out["mentor_load_hours"] = float(ts[act, _TS["mentor_load_hours"]].mean()) if act.any() else float("nan")
    out["mentor_burnout_rate"] = float(P["burned_out"][mentor].mean()) if mentor.any() else float("nan")
    out["mean_engagement"] = float(ts[:, _TS["mean_engagement"]].mean())
    out["program_cost"] = float(ts[:, _TS["program_cost"]].sum())
    out["turnover_cost"] = float(ts[:, _TS["turnover_cost"]].sum())
    out["total_cost"] = out["program_cost"] + out["turnover_cost"]
    return out


def interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and a t-interval over replications (NaN bounds with fewer than 2 values)."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return (float("nan"),) * 3
    m = float(v.mean())
    if len(v) < 2:
        return m, float("nan"), float("nan")
    from scipy.special import stdtrit  # Student's t quantile; lighter to import than scipy.stats

    half = float(stdtrit(len(v) - 1, 0.5 + level / 2) * v.std(ddof=1) / math.sqrt(len(v)))
    return m, m - half, m + half
