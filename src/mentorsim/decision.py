"""Decisions from a Comparison: net benefit, acceptability curves, value of information, precision.

Every function takes a :class:`~mentorsim.Comparison` first, so each can be attached as a method
(``cmp.acceptability(...)``). Replications are paired: replication r of every design shares its
people, its random numbers and (with ``uncertainty="parameters"``) its parameter draw, so every
quantity here is computed per replication and then summarised.

    import mentorsim as ms
    from mentorsim import decision
    cmp = ms.compare([baseline, one_on_one, peer], replications=40, seed=7, uncertainty="parameters")
    decision.net_benefit(cmp, {"retained": 30_000})     # dollars, per replication and design
    decision.acceptability(cmp, "retained")             # chance each design is best, by value of a retained person
    t = decision.value_of_information(cmp, {"retained": 30_000})
    print(decision.voi_sentence(t))                     # which unknown matters, what a pilot is worth
    decision.precision(cmp, half_width={"retention_36m": 0.005})
    decision.too_wide_to_rank(cmp)                      # None, or a one-line warning

Net benefit of a design, for the whole simulated organisation over the horizon, against the
baseline (the first scenario, normally "no program", whose net benefit is 0 by definition)::

    turnover cost avoided                      (baseline turnover_cost - design turnover_cost)
  + value_of["retained"]  x extra starting people still employed at the horizon
  + value_of["promotion"] x extra promotions over the horizon
  - extra program cost                         (design program_cost - baseline program_cost)

The turnover cost already counts the replacement cost of every leaver, so the value of a retained
person is what keeping someone is worth *beyond* replacing them (productivity, knowledge, morale).
The extra people retained are counted exactly from the replications (starting employees still
employed in the last week: retention_36m x the starting headcount at a 156-week horizon), and the
extra promotions from the weekly promotion counts (annual_promotion_rate x mean headcount x years).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import MentorsimError
from .metrics import METRICS
from .tables import TS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .results import Comparison, Results

__all__ = ["VALUE_KINDS", "acceptability", "acceptability_plot", "net_benefit", "precision", "too_wide_to_rank",
           "value_of_information", "voi_plot", "voi_sentence"]

#: What a unit of ``value_of`` can be: a retained (starting) person, or one extra promotion.
VALUE_KINDS = ("retained", "promotion")

#: Retention metrics by the week they are measured at.
_RETENTION_WEEKS = (("retention_36m", 156), ("retention_24m", 104), ("retention_12m", 52))

#: Default metrics of :func:`precision` (those the horizon covers).
DEFAULT_PRECISION_METRICS = ("retention_36m", "retention_24m", "retention_12m", "annual_promotion_rate",
                             "turnover_cost", "program_cost")

#: Phrases for the value axis of the acceptability curve.
_UNIT_WORDS = {"retained": ("retained person", "What keeping one more of today's people is worth, beyond the "
                            "replacement cost (USD)"),
               "promotion": ("extra promotion", "What one extra promotion is worth (USD)")}


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
            raise MentorsimError(f"{r.name}: its replications differ from the baseline's; a paired comparison "
                                 "needs the same replications in every scenario")
    return reps.sort_values()


def _counts(r: Results, reps: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Per replication: starting people still employed at the horizon, and promotions over the horizon."""
    by = {rr.replication: rr for rr in r.reps}
    retained = np.empty(len(reps))
    promotions = np.empty(len(reps))
    for i, rep in enumerate(reps):
        rr = by[rep]
        p = rr.people
        retained[i] = float((np.asarray(p["initial"], bool) & (np.asarray(p["left_week"]) < 0)).sum())
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
    return pd.DataFrame({"replication": np.tile(reps.to_numpy(), len(names)),
                         "scenario": np.repeat(np.array(names, dtype=object), len(reps)),
                         "net_benefit": nb.reshape(-1)})


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


def acceptability(cmp: Comparison, value_of: str | None = "retained", values: Sequence[float] | None = None,
                  fixed: Mapping[str, float] | None = None) -> pd.DataFrame:
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
    return pd.DataFrame({"value": np.repeat(grid, len(names)),
                         "scenario": np.tile(np.array(names, dtype=object), len(grid)),
                         "p_best": p.reshape(-1)})


def _design_label(r: Results, baseline: bool) -> str:
    if baseline and r.scenario.program.format == "none" and not r.scenario.program.sponsorship:
        return "No program"
    s = r.name.replace("_", " ").strip()
    return s[:1].upper() + s[1:]


def acceptability_plot(cmp: Comparison, value_of: str | None = "retained", values: Sequence[float] | None = None,
                       fixed: Mapping[str, float] | None = None, ax: Axes | None = None,
                       title: str | None = None) -> Figure:
    """The acceptability curve as a figure: x what one unit of ``value_of`` is worth (USD), y the chance
    each design is best, one line per design (the baseline grey and dashed, as in :mod:`mentorsim.plots`)."""
    from . import plots

    kind = _kind(value_of)
    t = acceptability(cmp, kind, values, fixed)
    fig, ax = plots._figure(ax, (9, 4.8))
    for i, r in enumerate(cmp.results):
        g = t[t.scenario == r.name]
        base = i == 0
        ax.plot(g["value"], g["p_best"], color=plots.BASELINE_COLOR if base else plots.COLORS[(i - 1) % len(plots.COLORS)],
                linestyle="--" if base else "-", linewidth=2.2 if base else 2.5, label=_design_label(r, base),
                zorder=3 if base else 2)
    plots._usd_axis(ax, "x")
    plots._pct_axis(ax)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(float(t["value"].min()), float(t["value"].max()) or 1.0)
    ax.set_xlabel(_UNIT_WORDS[kind][1])
    ax.set_ylabel("Chance of being the best choice")
    ax.set_title(title or f"Which design is best, depending on what one {_UNIT_WORDS[kind][0]} is worth")
    ax.legend(loc="best", frameon=False)
    plots._tidy(ax)
    return fig


# ---- value of information ------------------------------------------------------------------
def _draws(cmp: Comparison, draws: pd.DataFrame | None, reps: pd.Index) -> tuple[pd.DataFrame, list[str]]:
    """The parameter draw of each replication (rows in ``reps`` order, one column per parameter that
    varies), and the names of the parameters that did not vary (drawn by no design)."""
    frames = [draws] if draws is not None else [getattr(r, "parameter_draws", None) for r in cmp.results]
    frames = [f for f in frames if isinstance(f, pd.DataFrame)]
    prepared = []
    for f in frames:
        if "replication" in f.columns:
            f = f.set_index("replication")
        elif f.index.name != "replication":
            raise MentorsimError("parameter draws: need a 'replication' column, one row per replication")
        if f.index.has_duplicates:
            raise MentorsimError("parameter draws: one row per replication (found repeated replications)")
        missing = reps.difference(f.index)
        if len(missing):
            raise MentorsimError(f"parameter draws: no draw for replication {int(missing[0])}")
        prepared.append(f.reindex(reps))
    columns = list(dict.fromkeys(c for f in prepared for c in f.columns))
    out, constant = {}, []
    for c in columns:
        # a design that sets a parameter itself keeps it constant; the others share the drawn values
        varying = [f[c] for f in prepared if c in f.columns and f[c].nunique(dropna=False) > 1]
        if not varying:
            constant.append(str(c))
            continue
        first = varying[0]
        for other in varying[1:]:
            if not first.equals(other):
                raise MentorsimError(f"parameter draws: {c} differs between scenarios; a paired comparison draws "
                                     "one value per replication for every scenario")
        if first.isna().any():
            raise MentorsimError(f"parameter draws: {c} has missing values")
        out[str(c)] = first.to_numpy()
    return pd.DataFrame(out, index=reps), constant


def _basis(x: np.ndarray, n_knots: int) -> np.ndarray:
    """A smooth 1-D basis of one parameter's draws: cubic B-splines (without the constant) when it takes
    many values, indicators of its values (but the first) when it takes a few or is not numeric."""
    values = pd.unique(pd.Series(x))
    numeric = pd.api.types.is_numeric_dtype(np.asarray(x)) and not pd.api.types.is_bool_dtype(np.asarray(x))
    if numeric and len(values) > n_knots + 1:
        from sklearn.preprocessing import SplineTransformer

        xs = np.asarray(x, dtype=float).reshape(-1, 1)
        return SplineTransformer(n_knots=n_knots, degree=3, include_bias=False).fit_transform(xs)
    codes = pd.Series(x).astype(str).to_numpy()
    levels = sorted(set(codes))
    return np.column_stack([(codes == lv).astype(float) for lv in levels[1:]])


def _fitted(basis: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fitted values of each column of ``y`` (replications x designs) regressed on ``basis`` by ridge
    regression with its penalty chosen by generalised cross-validation per column (a smoothing spline
    in the manner of a GAM: with no signal the penalty grows and the fit flattens to the mean)."""
    from sklearn.linear_model import RidgeCV

    mean = y.mean(axis=0)
    sd = y.std(axis=0)
    keep = sd > 1e-12 * np.maximum(1.0, np.abs(mean))
    out = np.repeat(mean[None], len(y), axis=0)
    if not keep.any() or basis.shape[1] == 0:
        return out
    z = (y[:, keep] - mean[keep]) / sd[keep]
    model = RidgeCV(alphas=np.logspace(-4, 6, 41), alpha_per_target=True).fit(basis, z)
    pred = model.predict(basis).reshape(len(y), -1)
    out[:, keep] = mean[keep] + sd[keep] * pred
    return out


def _evppi(inb: np.ndarray, fitted: np.ndarray) -> float:
    """mean over replications of the best fitted net benefit - the best mean net benefit (baseline 0)."""
    n = len(inb)
    best_now = max(0.0, float(inb.mean(axis=0).max()))
    with_info = float(np.column_stack([np.zeros(n), fitted]).max(axis=1).mean())
    return max(0.0, with_info - best_now)


def value_of_information(cmp: Comparison, value_of: Mapping[str, float] | None = None,
                         draws: pd.DataFrame | None = None, n_knots: int | None = None) -> pd.DataFrame:
    """What learning each uncertain parameter exactly would be worth for choosing a design, in dollars.

    Regression-based expected value of partial perfect information (Strong, Oakley & Brennan
    2014): each design's net benefit against the baseline (see :func:`net_benefit`, with
    ``value_of``) is regressed across replications on one parameter's drawn values (cubic
    B-splines with ``n_knots`` knots, default 4, fewer under 25 replications; ridge penalty by
    generalised cross-validation), and EVPPI = mean over replications of the best design's fitted
    value - the best design's mean net benefit, clipped at 0. The row ``parameter == "all"`` is the
    value of learning every parameter at once (an additive spline model on all of them, at least
    as large as every single one): what no amount of study could beat. Luck (which people quit
    when) is not information a pilot can buy, so it is never counted.

    ``draws``: the replications' parameter values (a ``replication`` column and one per parameter);
    default the comparison's ``parameter_draws``. Columns ``parameter, evppi, share`` (share =
    evppi / the "all" row, 0 when that is 0), largest first, "all" last. In a noise-only run (no
    parameter drawn) the table is the single "all" row with 0 and ``table.attrs["note"]`` says
    why. ``table.attrs`` also holds ``best`` (the design with the highest mean net benefit),
    ``expected_net_benefit`` (by design), ``replications``, ``horizon_weeks``, ``value_of`` and
    ``negligible`` (1% of the largest mean program cost: below it :func:`voi_sentence` calls the
    value of information negligible).
    """
    names, reps, nb = _nb_matrix(cmp, value_of)
    n = len(reps)
    expected = dict(zip(names, nb.mean(axis=1).tolist()))
    costs = [float(r.metrics["program_cost"].mean()) for r in cmp.results]
    attrs: dict[str, Any] = {
        "best": max(expected, key=lambda k: expected[k]), "expected_net_benefit": expected, "replications": n,
        "horizon_weeks": cmp.baseline.scenario.horizon_weeks, "value_of": _value_of(value_of),
        "negligible": 0.01 * max([c for c in costs if math.isfinite(c)] + [0.0]), "note": "", "constant": []}
    table_cols = ["parameter", "evppi", "share"]
    x, constant = _draws(cmp, draws, reps)
    attrs["constant"] = constant
    if x.shape[1] == 0:
        attrs["note"] = ("no uncertain parameter was drawn (a noise-only run, or every parameter held fixed): the "
                         "replications differ only by luck, which no pilot or study can remove; run the comparison "
                         "with uncertainty='parameters' to value information")
        out = pd.DataFrame([("all", 0.0, 0.0)], columns=table_cols)
        out.attrs.update(attrs)
        return out
    if n < 5:
        raise MentorsimError(f"value_of_information: needs at least 5 replications to regress on the draws (got {n})")
    k = n_knots if n_knots is not None else (4 if n >= 25 else 3 if n >= 12 else 2)
    if not isinstance(k, int) or k < 2:
        raise MentorsimError(f"n_knots: must be an integer >= 2 (got {n_knots!r})")
    inb = nb[1:].T  # replications x designs other than the baseline
    bases = {c: _basis(x[c].to_numpy(), k) for c in x.columns}
    partial = {c: _evppi(inb, _fitted(b, inb)) for c, b in bases.items()}
    total = _evppi(inb, _fitted(np.hstack(list(bases.values())), inb))
    total = max([total, *partial.values()])
    rows = sorted(partial.items(), key=lambda kv: (-kv[1], kv[0]))
    rows.append(("all", total))
    out = pd.DataFrame([(p, v, v / total if total > 0 else 0.0) for p, v in rows], columns=table_cols)
    if n < 2 * len(bases) + 10:
        attrs["note"] = (f"{n} replications for {len(bases)} uncertain parameters: the values are rough (a "
                         "regression on few replications); more replications sharpen them")
    out.attrs.update(attrs)
    return out


def _money(v: float) -> str:
    from .fmt import value

    return value("program_cost", float(v))


def _param_words(name: str) -> str:
    return f"{name.rsplit('.', 1)[-1].replace('_', ' ')} ({name})"


def voi_sentence(table: pd.DataFrame, negligible: float | None = None) -> str:
    """One plain sentence for an HR strategist from a :func:`value_of_information` table: which unknown
    matters most for this choice and what a pilot that measured it would be worth at most, or that no
    unknown changes the decision. ``negligible``: dollars below which information is not worth
    buying (default the table's ``attrs["negligible"]``, 1% of the largest mean program cost)."""
    attrs = table.attrs
    best = attrs.get("best")
    best_words = f" on what is known today, '{best}' is the best bet" if best else ""
    years = attrs.get("horizon_weeks")
    over = f" over {years / 52:g} years" if years else ""
    parts = table[table.parameter != "all"]
    total_row = table[table.parameter == "all"]
    total = float(total_row.evppi.iloc[0]) if len(total_row) else float(parts.evppi.sum())
    if parts.empty:
        why = attrs.get("note") or "no uncertain parameter was drawn"
        return f"This comparison cannot value information: {why}."
    limit = float(attrs.get("negligible", 0.0) if negligible is None else negligible)
    if total <= limit:
        tail = f" (all of them together are worth at most {_money(total)}{over})" if total > 0 else ""
        return (f"No unknown changes the decision:{best_words} across the plausible range of every uncertain "
                f"parameter, so a pilot to measure one would not change what you do{tail}.")
    top = parts.sort_values("evppi", ascending=False).iloc[0]
    return (f"The unknown that matters most for this choice is {_param_words(str(top.parameter))}: a pilot that "
            f"measured it exactly would be worth at most {_money(top.evppi)} to the organisation{over} "
            f"({top.share:.0%} of the {_money(total)} that resolving every unknown could be worth);{best_words}.")


def voi_plot(obj: Comparison | pd.DataFrame, value_of: Mapping[str, float] | None = None, top: int = 12,
             ax: Axes | None = None, title: str | None = None) -> Figure:
    """Horizontal bars of EVPPI by parameter, largest at the top (the ``top`` largest), with the value of
    learning everything at once as a dashed line. ``obj``: a :func:`value_of_information` table, or a
    Comparison (then computed with ``value_of``)."""
    from . import plots

    t = obj if isinstance(obj, pd.DataFrame) else value_of_information(obj, value_of)
    parts = t[t.parameter != "all"].sort_values("evppi", ascending=False)
    total = float(t.loc[t.parameter == "all", "evppi"].iloc[0]) if (t.parameter == "all").any() else 0.0
    shown = parts.head(top)
    fig, ax = plots._figure(ax, (9, 0.38 * max(len(shown), 3) + 1.8))
    if shown.empty:
        ax.text(0.5, 0.5, t.attrs.get("note") or "no uncertain parameter was drawn", transform=ax.transAxes,
                ha="center", va="center", wrap=True)
        ax.set_yticks([])
    else:
        y = np.arange(len(shown))[::-1]
        ax.barh(y, shown.evppi.to_numpy(), color=plots.COLORS[0], height=0.65)
        ax.set_yticks(y)
        ax.set_yticklabels(shown.parameter.tolist())
        ax.set_ylim(-0.6, len(shown) - 0.4)
        if total > 0:
            ax.axvline(total, color=plots.BASELINE_COLOR, linestyle="--", linewidth=1.5)
            ax.annotate(f"every unknown at once: {_money(total)}", (total, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(-4, -2), textcoords="offset points", ha="right", va="top", color="#555555",
                        fontsize="small")
        if len(parts) > len(shown):
            ax.annotate(f"{len(parts) - len(shown)} more parameters, each below {_money(shown.evppi.iloc[-1])}",
                        (0.0, 0.0), xycoords="axes fraction", xytext=(0, -30), textcoords="offset points",
                        fontsize="small", color="#555555")
    ax.set_xlim(left=0, right=max(total, 1.0) * 1.05)
    plots._usd_axis(ax, "x")
    ax.set_xlabel("Most a study that measured it would be worth (USD, expected value of partial perfect information)")
    ax.set_title(title or "Which unknown is worth measuring before choosing a design")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, axis="x", alpha=0.3)
    return fig


# ---- precision -----------------------------------------------------------------------------
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


def precision(cmp: Comparison, metrics: Sequence[str] | str | None = None, level: float = 0.95,
              half_width: float | Mapping[str, float] | None = None,
              value_of: Mapping[str, float] | None = None) -> pd.DataFrame:
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
        metrics = [m for m in DEFAULT_PRECISION_METRICS
                   if m in have and cmp.baseline.metrics[m].notna().any()]
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


def too_wide_to_rank(cmp: Comparison, metric: str = "retention_36m", level: float = 0.95,
                     value_of: Mapping[str, float] | None = None) -> str | None:
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
        covered = [m for m, w in _RETENTION_WEEKS if w <= cmp.baseline.scenario.horizon_weeks]
        hint = f"; use {covered[0]}" if metric.startswith("retention_") and covered else ""
        raise MentorsimError(f"metric: {metric} is not measured over a {cmp.baseline.scenario.horizon_weeks}-week "
                             f"horizon{hint}")
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
        from .fmt import value

        return value(shown, v, diff=metric != "net_benefit")

    more = (f"about {max(n + 1, math.ceil(n * (hw / abs(m)) ** 2))} replications might separate '{best}' from "
            f"'{second}' (now {n})" if abs(m) > 0 else f"'{best}' and '{second}' are equal on average so far")
    names = ", ".join(f"'{o}'" for o, _, _ in tied)
    return (f"Too close to rank on {label}: '{best}' leads but cannot be told apart from {names} (vs '{second}': "
            f"{fmtd(m)}, {level:.0%} interval {fmtd(m - hw)} to {fmtd(m + hw)}); {more}.")
