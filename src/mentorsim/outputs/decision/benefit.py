"""Net benefit per replication and design, and the acceptability curve (which design is best, how often)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mentorsim.errors import MentorsimError
from mentorsim.schema.metrics import still_here
from mentorsim.schema.tables import TS

if TYPE_CHECKING:
    #: What a unit of ``value_of`` can be: a retained (starting) person, or one extra promotion.
    from mentorsim.outputs.comparison import Comparison
    from mentorsim.outputs.results import Results
VALUE_KINDS = ("retained", "promotion")

#: Default metrics of :func:`precision` (those the horizon covers).
DEFAULT_PRECISION_METRICS = (
    "retention_36m",
    "retention_24m",
    "retention_12m",
    "annual_promotion_rate",
    "turnover_cost",
    "program_cost",
)

#: Phrases for the value axis of the acceptability curve.
_UNIT_WORDS = {
    "retained": (
        "retained person",
        "What keeping one more of today's people is worth, beyond the replacement cost (USD)",
    ),
    "promotion": ("extra promotion", "What one extra promotion is worth (USD)"),
}


# ---- net benefit ---------------------------------------------------------------------------
def _value_of(value_of: Mapping[str, float] | None) -> dict[str, float]:
    """``value_of`` checked: keys among VALUE_KINDS, finite numbers (missing keys are 0)."""
    if value_of is None:
        return {k: 0.0 for k in VALUE_KINDS}
    if not isinstance(value_of, Mapping):
        raise MentorsimError(f"value_of: give a dict such as {{'retained': 30000}} (got {value_of!r})")
    bad = [k for k in value_of if k not in VALUE_KINDS]
    if bad:
        raise MentorsimError(f"value_of: {bad[0]!r} is not allowed; use {', '.join(map(repr, VALUE_KINDS))}")
    out = {k: 0.0 for k in VALUE_KINDS}
    for k, v in value_of.items():
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not math.isfinite(v):
            raise MentorsimError(f"value_of[{k!r}]: must be a finite number of dollars (got {v!r})")
        out[k] = float(v)
    return out


def _kind(value_of: str | None) -> str:
    kind = "retained" if value_of is None else value_of
    if kind not in VALUE_KINDS:
        raise MentorsimError(f"value_of: {kind!r} is not allowed; use {', '.join(map(repr, VALUE_KINDS))}")
    return kind


def _replications(cmp: Comparison) -> pd.Index:
    """The replications every design has (they must be the same: the comparison is paired)."""
    reps = cmp.baseline.metrics.index
    for r in cmp.results[1:]:
        if not r.metrics.index.sort_values().equals(reps.sort_values()):
            raise MentorsimError(
                f"{r.name}: its replications differ from the baseline's; a paired comparison "
                "needs the same replications in every scenario"
            )
    return reps.sort_values()


def _counts(r: Results, reps: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Per replication: starting people still employed at the horizon, and promotions over the horizon."""
    by = {rr.replication: rr for rr in r.reps}
    retained = np.empty(len(reps))
    promotions = np.empty(len(reps))
    for i, rep in enumerate(reps):
        rr = by[rep]
        p = rr.people
        retained[i] = float(still_here(p["initial"], p["left_week"], r.scenario.horizon_weeks).sum())
        promotions[i] = float(np.asarray(rr.timeseries)[:, TS["promotions"]].sum())
    return retained, promotions


def _parts(cmp: Comparison) -> tuple[list[str], pd.Index, np.ndarray, np.ndarray, np.ndarray]:
    """Designs, replications, and (designs x replications) arrays against the baseline: money
    (turnover cost avoided - extra program cost), extra people retained, extra promotions."""
    reps = _replications(cmp)
    money, kept, promoted = [], [], []
    for r in cmp.results:
        m = r.metrics.reindex(reps)
        ret, pro = _counts(r, reps)
        money.append(-(m["turnover_cost"].to_numpy(float) + m["program_cost"].to_numpy(float)))
        kept.append(ret)
        promoted.append(pro)
    money_a, kept_a, promoted_a = np.array(money), np.array(kept), np.array(promoted)
    return (cmp.names, reps, money_a - money_a[0], kept_a - kept_a[0], promoted_a - promoted_a[0])


def _nb_matrix(cmp: Comparison, value_of: Mapping[str, float] | None) -> tuple[list[str], pd.Index, np.ndarray]:
    v = _value_of(value_of)
    names, reps, money, kept, promoted = _parts(cmp)
    return names, reps, money + v["retained"] * kept + v["promotion"] * promoted


def net_benefit(cmp: Comparison, value_of: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Net benefit in dollars of each design against the baseline, per replication (long format).

    ``value_of``: dollars per extra retained starting employee (``"retained"``) and per extra
    promotion (``"promotion"``); missing keys are 0, so by default the net benefit is the
    turnover cost avoided minus the extra program cost. The baseline is included with net
    benefit 0. Columns ``replication, scenario, net_benefit``, designs in the comparison's order.
    """
    names, reps, nb = _nb_matrix(cmp, value_of)
    return pd.DataFrame(
        {
            "replication": np.tile(reps.to_numpy(), len(names)),
            "scenario": np.repeat(np.array(names, dtype=object), len(reps)),
            "net_benefit": nb.reshape(-1),
        }
    )


# ---- acceptability -------------------------------------------------------------------------
def _mean_salary(cmp: Comparison) -> float:
    sc = cmp.baseline.scenario
    return float(np.dot(sc.workforce.level_shares, sc.costs.annual_salary_by_level))


def default_values(cmp: Comparison, steps: int = 21) -> np.ndarray:
    """The default grid of values: 0 to twice the mean annual salary (by the starting level mix),
    rounded to two significant figures, in ``steps`` values."""
    top = 2.0 * _mean_salary(cmp)
    if top > 0:
        top = float(round(top, 1 - int(math.floor(math.log10(top)))))
    else:
        top = 100_000.0
    return np.linspace(0.0, top, steps)


def _p_best(nb: np.ndarray) -> np.ndarray:
    """nb: (..., designs, replications). Share of replications in which each design is best; ties split."""
    top = nb.max(axis=-2, keepdims=True)
    tol = 1e-9 * np.maximum(1.0, np.abs(top))
    best = (nb >= top - tol).astype(float)
    best /= best.sum(axis=-2, keepdims=True)
    return best.mean(axis=-1)


def acceptability(
    cmp: Comparison,
    value_of: str | None = "retained",
    values: Sequence[float] | None = None,
    fixed: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """A cost-effectiveness acceptability curve: the chance each design (baseline included) is best.

    For each value in ``values`` (dollars one unit of ``value_of`` is worth: ``"retained"``, an
    extra starting employee still employed at the horizon, or ``"promotion"``; default 0 to twice
    the mean annual salary in 21 steps), the share of paired replications in which each design
    has the highest net benefit (see :func:`net_benefit`); ties are split evenly, so the shares
    sum to 1 at every value. ``fixed`` holds the dollar value of the other unit (default 0).
    Columns ``value, scenario, p_best``.
    """
    kind = _kind(value_of)
    fx = _value_of(fixed)
    grid = default_values(cmp) if values is None else np.asarray(values, dtype=float).reshape(-1)
    if len(grid) == 0 or not np.isfinite(grid).all():
        raise MentorsimError(f"values: give one or more finite dollar amounts (got {values!r})")
    names, _, money, kept, promoted = _parts(cmp)
    other = fx["promotion"] * promoted if kind == "retained" else fx["retained"] * kept
    unit = kept if kind == "retained" else promoted
    nb = (money + other)[None] + grid[:, None, None] * unit[None]  # values x designs x replications
    p = _p_best(nb)
    return pd.DataFrame(
        {
            "value": np.repeat(grid, len(names)),
            "scenario": np.tile(np.array(names, dtype=object), len(grid)),
            "p_best": p.reshape(-1),
        }
    )


def _design_label(r: Results, baseline: bool) -> str:
    if baseline and r.scenario.is_no_program:
        return "No program"
    s = r.name.replace("_", " ").strip()
    return s[:1].upper() + s[1:]


# ---- value of information ------------------------------------------------------------------
