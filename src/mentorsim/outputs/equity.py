"""Equity outcomes: each group's retention, promotion, informal mentoring and management share.

``Results.by_group`` gives every group metric per group with intervals over replications;
``Comparison.equity`` the same per scenario with differences paired against the baseline;
``Results.group_series`` each group's count and share of management (levels 4-5) week by week, and
:func:`management_share_curve` its mean with a band over replications (plot:
``mentorsim.viz.plots.plot_management_share``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mentorsim.errors import MentorsimError
from mentorsim.schema.metrics import interval, still_here
from mentorsim.schema.world import SENIOR_LEVELS

if TYPE_CHECKING:
    from mentorsim.outputs.comparison import Comparison
    from mentorsim.outputs.results import Results

WEEKS_PER_YEAR = 52.0
RETENTION_WEEKS = 156
GROUP_METRICS = ("retention_36m", "annual_promotion_rate", "informal_mentor_share", "management_share")


def group_metrics(res: Results) -> pd.DataFrame:
    """Long table ``replication, group, metric, value`` of :data:`GROUP_METRICS`."""
    p = res.people
    H = res.scenario.horizon_weeks
    at = min(RETENTION_WEEKS, H)
    left = p.left_week.fillna(-1).to_numpy()  # -1: still employed at the horizon
    end = np.where(left < 0, H, np.minimum(left, H))
    years = np.maximum(end - np.maximum(p.hired_week.to_numpy(), 0), 0) / WEEKS_PER_YEAR
    d = pd.DataFrame(
        {
            "replication": p.replication,
            "group": p.group,
            "initial": p.initial.to_numpy(),
            "stayed": still_here(p.initial.to_numpy(), left, at),
            "years": years,
            "promotions": p.promotions,
            "informal": p.informal_mentor.astype(float),
            "manager": (left < 0) & np.isin(p.end_level, SENIOR_LEVELS),
        }
    )
    g = d.groupby(["replication", "group"])
    out = pd.DataFrame(
        {
            "retention_36m": g.stayed.sum() / g.initial.sum().replace(0, np.nan),
            "annual_promotion_rate": g.promotions.sum() / g.years.sum().replace(0.0, np.nan),
            "informal_mentor_share": g.informal.mean(),
            "management_share": g.manager.sum() / d.groupby("replication").manager.sum().replace(0, np.nan),
        }
    )
    return out.stack().rename("value").rename_axis(["replication", "group", "metric"]).reset_index()


def by_group(res: Results, level: float = 0.95) -> pd.DataFrame:
    """``group, metric, mean, ci_low, ci_high``: a t-interval over replications."""
    rows = [
        (grp, m, *interval(v.value.dropna().to_numpy(dtype=float), level))
        for (grp, m), v in group_metrics(res).groupby(["group", "metric"])
    ]
    return pd.DataFrame(rows, columns=["group", "metric", "mean", "ci_low", "ci_high"])


def equity(cmp: Comparison, level: float = 0.95) -> pd.DataFrame:
    """``scenario, group, metric, value, diff_mean, ci_low, ci_high``: each scenario's group metrics and their
    differences paired (replication by replication) against the baseline (zero for the baseline itself)."""
    base = group_metrics(cmp.baseline).set_index(["replication", "group", "metric"]).value
    rows = []
    for r in cmp.results:
        v = group_metrics(r).set_index(["replication", "group", "metric"]).value
        diff = (v - base).rename("diff")
        both = pd.concat([v, diff], axis=1).reset_index()
        for (grp, m), x in both.groupby(["group", "metric"]):
            mean, lo, hi = interval(x["diff"].to_numpy(dtype=float), level)
            rows.append((r.name, grp, m, float(x.value.mean()), mean, lo, hi))
    return pd.DataFrame(rows, columns=["scenario", "group", "metric", "value", "diff_mean", "ci_low", "ci_high"])


def group_series(res: Results) -> pd.DataFrame:
    """Long table ``replication, week, group, senior, share``: each group's employed people at levels 4-5 at the
    end of each week and its share of everyone employed there (NaN in a week with nobody at those levels)."""
    names = np.array([g.name for g in res.scenario.workforce.groups], dtype=object)
    parts = []
    for r in res.reps:
        s = r.senior_by_group
        if s is None:
            raise MentorsimError(
                f"results of {res.name!r} were made before management by group was recorded; run them again"
            )
        H, G = s.shape
        total = s.sum(axis=1, keepdims=True)
        share = np.divide(s, total, out=np.full(s.shape, np.nan), where=total > 0)
        parts.append(
            pd.DataFrame(
                {
                    "replication": np.full(H * G, r.replication, dtype=np.int64),
                    "week": np.repeat(np.arange(1, H + 1), G),
                    "group": np.tile(names[:G], H).astype(str),
                    "senior": s.reshape(-1),
                    "share": share.reshape(-1),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def management_share_curve(res: Results, level: float = 0.95) -> pd.DataFrame:
    """``week, group, mean, low, high``: each group's share of levels 4-5 by week, its mean over replications
    and the band holding the middle ``level`` of the replications (luck, or luck and the uncertain parameters,
    as ``res.uncertainty`` says)."""
    if not 0 < level < 1:
        raise MentorsimError(f"level must be between 0 and 1, got {level!r}")
    wide = group_series(res).pivot_table(index=["group", "week"], columns="replication", values="share", dropna=False)
    v = wide.to_numpy(dtype=float)
    q = (1 - level) / 2 * 100
    with np.errstate(all="ignore"):
        mean = np.nanmean(v, axis=1)
        lo, hi = np.nanpercentile(v, [q, 100 - q], axis=1) if v.shape[1] > 1 else (mean, mean)
    out = pd.DataFrame({"mean": mean, "low": lo, "high": hi}, index=wide.index).reset_index()
    return out[["week", "group", "mean", "low", "high"]]
