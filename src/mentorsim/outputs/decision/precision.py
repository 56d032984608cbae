"""Enough replications: paired half-widths, the replications a target needs (Hoad, Robinson &
Davies 2010), and whether the designs can be ranked."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mentorsim.errors import MentorsimError
from mentorsim.outputs.decision.benefit import DEFAULT_PRECISION_METRICS, _nb_matrix, _replications
from mentorsim.schema.metrics import METRICS, RETENTION_WEEKS

if TYPE_CHECKING:
    from mentorsim.outputs.comparison import Comparison


def _half_width(v: np.ndarray, level: float) -> float:
    """Half-width of the t-interval of the mean of ``v`` (NaN below 2 values)."""
    v = v[~np.isnan(v)]
    if len(v) < 2:
        return float("nan")
    from scipy.special import stdtrit

    return float(stdtrit(len(v) - 1, 0.5 + level / 2) * v.std(ddof=1) / math.sqrt(len(v)))


def _paired(cmp: Comparison, metric: str, value_of: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Replications x designs: ``metric`` of each design (``net_benefit``: against the baseline)."""
    if metric == "net_benefit":
        names, reps, nb = _nb_matrix(cmp, value_of)
        return pd.DataFrame(nb.T, index=reps, columns=names)
    if metric not in METRICS:
        raise MentorsimError(f"metric: {metric!r} is not a summary metric (or 'net_benefit')")
    reps = _replications(cmp)
    return pd.DataFrame({r.name: r.metrics[metric].reindex(reps).to_numpy(float) for r in cmp.results}, index=reps)


def _check_level(level: float) -> None:
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise MentorsimError(f"level: must be between 0 and 1, e.g. 0.95 (got {level!r})")


def precision(
    cmp: Comparison,
    metrics: Sequence[str] | str | None = None,
    level: float = 0.95,
    half_width: float | Mapping[str, float] | None = None,
    value_of: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """How precise each design's paired difference from the baseline is now, and how many replications a
    target precision needs.

    Per design (but the baseline) and metric: ``half_width``, the half-width of the t-interval at
    ``level`` of the paired differences over the replications (the replication method for
    discrete-event models of Hoad, Robinson & Davies 2010); ``replications``, how many there are;
    ``target``, the half-width asked (``half_width``: one number for every metric, or a dict metric ->
    number; NaN when none is asked); ``needed``, the replications that target needs:
    ceil(n x (half-width now / target)^2), at least n (a first estimate: rerun and check).
    ``metrics``: summary metrics or ``"net_benefit"`` (with ``value_of``); default the retention
    metrics the horizon covers, the promotion rate, turnover and program cost.
    Columns ``scenario, metric, replications, half_width, target, needed``.
    """
    _check_level(level)
    if metrics is None:
        have = set(cmp.baseline.metrics.columns)
        metrics = [m for m in DEFAULT_PRECISION_METRICS if m in have and cmp.baseline.metrics[m].notna().any()]
    elif isinstance(metrics, str):
        metrics = [metrics]
    targets: dict[str, float] = {}
    if isinstance(half_width, Mapping):
        targets = {str(k): v for k, v in half_width.items()}
        unknown = [k for k in targets if k not in metrics]
        if unknown:
            raise MentorsimError(f"half_width: {unknown[0]!r} is not among the metrics {list(metrics)}")
    elif half_width is not None:
        targets = dict.fromkeys(metrics, half_width)
    for k, v in targets.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0 or not math.isfinite(v):
            raise MentorsimError(f"half_width[{k!r}]: must be a number > 0 (got {v!r})")
    rows = []
    for m in metrics:
        wide = _paired(cmp, m, value_of)
        diffs = wide.sub(wide.iloc[:, 0], axis=0)
        for name in wide.columns[1:]:
            v = diffs[name].to_numpy(float)
            n = int((~np.isnan(v)).sum())
            hw = _half_width(v, level)
            target = float(targets[m]) if m in targets else float("nan")
            if math.isnan(target) or math.isnan(hw):
                needed: Any = pd.NA
            else:
                needed = max(n, math.ceil(round(n * (hw / target) ** 2, 9)))
            rows.append((name, m, n, hw, target, needed))
    out = pd.DataFrame(rows, columns=["scenario", "metric", "replications", "half_width", "target", "needed"])
    out["needed"] = out["needed"].astype("Int64")
    return out


def too_wide_to_rank(
    cmp: Comparison, metric: str = "retention_36m", level: float = 0.95, value_of: Mapping[str, float] | None = None
) -> str | None:
    """A one-line warning when the designs (baseline included) cannot be ranked on ``metric``, else None.

    The designs are ordered by their mean (in the metric's better direction); when the paired
    t-interval at ``level`` of the best design minus the runner-up includes 0 the leader is not
    established, and the warning names every design the best cannot be told apart from and about how
    many replications would separate the best from the runner-up. ``metric``: a summary metric or
    ``"net_benefit"`` (with ``value_of``).
    """
    _check_level(level)
    wide = _paired(cmp, metric, value_of)
    if wide.isna().all().all():
        covered = [m for m, w in RETENTION_WEEKS if w <= cmp.baseline.scenario.horizon_weeks]
        hint = f"; use {covered[0]}" if metric.startswith("retention_") and covered else ""
        raise MentorsimError(
            f"metric: {metric} is not measured over a {cmp.baseline.scenario.horizon_weeks}-week horizon{hint}"
        )
    higher = True if metric == "net_benefit" else METRICS[metric].higher_is_better
    means = wide.mean()
    order = means.sort_values(ascending=not higher).index.tolist()
    best = order[0]
    n = int(wide[best].notna().sum())
    label = "net benefit" if metric == "net_benefit" else METRICS[metric].label.lower()
    if n < 2:
        return f"Cannot rank the designs on {label}: {n} replication gives no interval; run at least 2."
    tied = []
    for other in order[1:]:
        d = (wide[best] - wide[other]).to_numpy(float)
        m, hw = float(np.nanmean(d)), _half_width(d, level)
        if math.isnan(hw) or abs(m) <= hw:
            tied.append((other, m, hw))
    if not tied or tied[0][0] != order[1]:
        return None
    second, m, hw = tied[0]
    shown = "program_cost" if metric == "net_benefit" else metric

    def fmtd(v: float) -> str:
        from mentorsim.outputs.fmt import value

        return value(shown, v, diff=metric != "net_benefit")

    more = (
        f"about {max(n + 1, math.ceil(n * (hw / abs(m)) ** 2))} replications might separate '{best}' from "
        f"'{second}' (now {n})"
        if abs(m) > 0
        else f"'{best}' and '{second}' are equal on average so far"
    )
    names = ", ".join(f"'{o}'" for o, _, _ in tied)
    return (
        f"Too close to rank on {label}: '{best}' leads but cannot be told apart from {names} (vs '{second}': "
        f"{fmtd(m)}, {level:.0%} interval {fmtd(m - hw)} to {fmtd(m + hw)}); {more}."
    )
