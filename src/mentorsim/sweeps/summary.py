"""Summaries of sweep data: per-point intervals over replications, chunk grouping, the Pareto front.

Pure functions of frames; ``results.SweepResult`` applies them to a sweep's data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from mentorsim.outputs.pareto import non_dominated
from mentorsim.run.worker import STATUS_OK

SUMMARY_ROWS = 200_000  # rows summarised at once


def pareto_mask(x: np.ndarray, y: np.ndarray, minimize_x: bool = True, maximize_y: bool = True) -> np.ndarray:
    """True for the points no other point beats on both: at least as good on each and better on one
    (:func:`mentorsim.outputs.pareto.non_dominated` on two objectives)."""
    values = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    return non_dominated(values, np.array([-1.0 if minimize_x else 1.0, 1.0 if maximize_y else -1.0]))


def grouped(frames: Iterable[pd.DataFrame], rows: int) -> Iterator[pd.DataFrame]:
    """Concatenate consecutive frames into groups of about ``rows`` rows."""
    group: list[pd.DataFrame] = []
    n = 0
    for f in frames:
        group.append(f)
        n += len(f)
        if n >= rows:
            yield pd.concat(group, ignore_index=True)
            group, n = [], 0
    if group:
        yield pd.concat(group, ignore_index=True) if len(group) > 1 else group[0]


def summarize(f: pd.DataFrame, params: list[str], metrics: list[str], level: float) -> pd.DataFrame:
    """Long: point, parameters, metric, mean, ci_low, ci_high, n, _order (a t-interval over replications)."""
    from scipy.special import stdtrit

    cols = ["point", *params, "metric", "mean", "ci_low", "ci_high", "n", "_order"]
    f = f[f.status == STATUS_OK]
    if f.empty:
        return pd.DataFrame(columns=cols)
    long = f.melt(id_vars=["point", "replication"], value_vars=metrics, var_name="metric")
    g = long.groupby(["point", "metric"], sort=False)["value"]
    st = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=1), "n": g.count()}).reset_index()
    n = st["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(n >= 2, stdtrit(np.maximum(n - 1, 1), 0.5 + level / 2), np.nan)
        half = q * st["sd"].to_numpy(dtype=float) / np.sqrt(n)
    st["ci_low"], st["ci_high"] = st["mean"] - half, st["mean"] + half
    st["n"] = st["n"].astype("int64")
    st = st.join(f.drop_duplicates("point").set_index("point")[params], on="point")
    st["_order"] = st["metric"].map({m: i for i, m in enumerate(metrics)})
    st = st.sort_values(["point", "_order"], kind="stable")
    return st[cols].reset_index(drop=True)
