"""The value of information: perfect (EVPI) and partial per parameter (EVPPI, regression-based,
Strong, Oakley & Brennan 2014), in a sentence and a plot."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mentorsim.errors import MentorsimError
from mentorsim.outputs.decision.benefit import _nb_matrix, _value_of

if TYPE_CHECKING:
    from mentorsim.outputs.comparison import Comparison


def _draws(cmp: Comparison, draws: pd.DataFrame | None, reps: pd.Index) -> tuple[pd.DataFrame, list[str]]:
    """The parameter draw of each replication (rows in ``reps`` order, one column per parameter that
    varies), and the names of the parameters that did not vary (drawn by no design)."""
    given = [draws] if draws is not None else [getattr(r, "parameter_draws", None) for r in cmp.results]
    frames: list[pd.DataFrame] = [f for f in given if isinstance(f, pd.DataFrame)]
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
                raise MentorsimError(
                    f"parameter draws: {c} differs between scenarios; a paired comparison draws "
                    "one value per replication for every scenario"
                )
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


def _ols_pvalues(basis: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per column of ``y``: the p-value of the F-test of the least-squares fit on ``basis`` (with an
    intercept) against the mean alone (1 when it cannot be tested: too few replications)."""
    from scipy.stats import f as f_dist

    n = len(y)
    X = np.column_stack([np.ones(n), basis])
    rank = int(np.linalg.matrix_rank(X))
    df1, df2 = rank - 1, n - rank
    if df1 < 1 or df2 < 1:
        return np.ones(y.shape[1])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    rss1 = ((y - X @ coef) ** 2).sum(axis=0)
    rss0 = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        F = ((rss0 - rss1) / df1) / (rss1 / df2)
    p = f_dist.sf(F, df1, df2)
    p = np.where(rss0 <= 1e-24 * np.maximum(1.0, (y**2).sum(axis=0)), 1.0, p)  # constant: nothing to explain
    return np.where(np.isnan(p), 0.0, p)  # a perfect fit (rss1 = 0) of a varying outcome


def _screen(p: np.ndarray, q: float) -> np.ndarray:
    """Which (parameter, design) fits to keep, from their F-test p-values (parameters x designs): the
    p-values are Bonferroni-adjusted over the designs, a parameter's is its smallest, Benjamini-Hochberg
    at false discovery rate ``q`` over the parameters gives a cutoff, and a parameter's fit is kept for
    the designs whose adjusted p-value is within it."""
    adj = np.minimum(1.0, p * p.shape[1])
    per = adj.min(axis=1)
    m = len(per)
    srt = np.sort(per)
    ok = np.nonzero(srt <= q * np.arange(1, m + 1) / m)[0]
    if not len(ok):
        return np.zeros_like(p, dtype=bool)
    return adj <= srt[ok.max()]


def _fitted(basis: np.ndarray, y: np.ndarray, use: np.ndarray | None = None) -> np.ndarray:
    """Fitted values of each column of ``y`` (replications x designs) regressed on ``basis`` by ridge
    regression with its penalty chosen by leave-one-out cross-validation per column (a smoothing
    spline in the manner of a GAM: the weaker the signal, the flatter the fit); columns not in
    ``use`` (and constant ones) are fitted by their mean."""
    from sklearn.linear_model import RidgeCV

    mean = y.mean(axis=0)
    sd = y.std(axis=0)
    keep = sd > 1e-12 * np.maximum(1.0, np.abs(mean))
    if use is not None:
        keep &= use
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


def value_of_information(
    cmp: Comparison,
    value_of: Mapping[str, float] | None = None,
    draws: pd.DataFrame | None = None,
    screen: float | None = 0.05,
    n_knots: int | None = None,
) -> pd.DataFrame:
    """What learning each uncertain parameter exactly would be worth for choosing a design, in dollars.

    Regression-based expected value of partial perfect information (Strong, Oakley & Brennan
    2014): each design's net benefit against the baseline (see :func:`net_benefit`, with
    ``value_of``) is regressed across replications on one parameter's drawn values (cubic
    B-splines with ``n_knots`` knots, default 4, fewer under 25 replications; ridge penalty by
    leave-one-out cross-validation), and EVPPI = mean over replications of the best design's fitted
    value - the best design's mean net benefit, clipped at 0. The row ``parameter == "all"`` is the
    value of learning every parameter at once (an additive spline model on all of them, at least
    as large as every single one): what no study of these parameters could beat. Luck (which
    people quit when) is not information a pilot can buy, so it is never counted.

    With few replications a smooth fit on a parameter that does nothing still fits some of the
    luck, which makes its EVPPI look positive. ``screen`` (a false discovery rate, default 0.05)
    keeps a parameter's fit for a design only when it explains that design's net benefit better
    than its mean alone (F-test of the least-squares spline fit, Bonferroni over the designs,
    Benjamini-Hochberg over the parameters); the others count as the mean (EVPPI 0), as a GAM with term selection would shrink
    them, and the "all" model uses the parameters kept. ``screen=None`` keeps every parameter
    (the plain estimate, biased upward with few replications).

    ``draws``: the replications' parameter values (a ``replication`` column and one per parameter);
    default the comparison's ``parameter_draws`` (a parameter a scenario sets itself is constant in
    that scenario's draws; the shared drawn values are used). Columns ``parameter, evppi, share``
    (share = evppi / the "all" row, 0 when that is 0), largest first, "all" last. In a noise-only
    run (no parameter drawn) the table is the single "all" row with 0 and ``table.attrs["note"]``
    says why. ``table.attrs`` also holds ``best`` (the design with the highest mean net benefit),
    ``best_is_no_program``, ``expected_net_benefit`` (by design), ``p_value`` (by parameter, the
    smallest over designs, unadjusted), ``kept`` (parameters that passed the screen),
    ``evpi_with_luck`` (the value of knowing each replication's outcome in advance, luck
    included: an upper bound no study reaches), ``replications``, ``horizon_weeks``, ``value_of``,
    ``constant`` (parameters not drawn) and ``negligible`` (1% of the largest mean program cost:
    below it :func:`voi_sentence` calls the value of information negligible).
    """
    names, reps, nb = _nb_matrix(cmp, value_of)
    n = len(reps)
    inb = nb[1:].T  # replications x designs other than the baseline
    expected = dict(zip(names, nb.mean(axis=1).tolist()))
    best = max(expected, key=lambda k: expected[k])
    costs = [float(r.metrics["program_cost"].mean()) for r in cmp.results]
    attrs: dict[str, Any] = {
        "best": best,
        "best_is_no_program": best == names[0] and cmp.baseline.scenario.is_no_program,
        "expected_net_benefit": expected,
        "replications": n,
        "horizon_weeks": cmp.baseline.scenario.horizon_weeks,
        "value_of": _value_of(value_of),
        "negligible": 0.01 * max([c for c in costs if math.isfinite(c)] + [0.0]),
        "evpi_with_luck": _evppi(inb, inb),
        "note": "",
        "constant": [],
        "p_value": {},
        "kept": [],
    }
    table_cols = ["parameter", "evppi", "share"]
    if screen is not None and (isinstance(screen, bool) or not isinstance(screen, (int, float)) or not 0 < screen <= 1):
        raise MentorsimError(f"screen: a false discovery rate between 0 and 1, or None (got {screen!r})")
    x, constant = _draws(cmp, draws, reps)
    attrs["constant"] = constant
    if x.shape[1] == 0:
        attrs["note"] = (
            "no uncertain parameter was drawn (a noise-only run, or every parameter held fixed): the "
            "replications differ only by luck, which no pilot or study can remove; run the comparison "
            "with uncertainty='parameters' to value information"
        )
        out = pd.DataFrame([("all", 0.0, 0.0)], columns=table_cols)
        out.attrs.update(attrs)
        return out
    if n < 5:
        raise MentorsimError(f"value_of_information: needs at least 5 replications to regress on the draws (got {n})")
    k = n_knots if n_knots is not None else (4 if n >= 25 else 3 if n >= 12 else 2)
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise MentorsimError(f"n_knots: must be an integer >= 2 (got {n_knots!r})")
    params = list(x.columns)
    bases = [_basis(x[c].to_numpy(), k) for c in params]
    pvals = np.array([_ols_pvalues(b, inb) for b in bases])  # parameters x designs
    use = np.ones_like(pvals, dtype=bool) if screen is None else _screen(pvals, float(screen))
    partial = [_evppi(inb, _fitted(b, inb, use[i])) for i, b in enumerate(bases)]
    joint = np.zeros_like(inb)
    for j in range(inb.shape[1]):  # per design: an additive model on the parameters kept for it
        cols = [bases[i] for i in range(len(params)) if use[i, j]]
        joint[:, j] = _fitted(np.hstack(cols), inb[:, [j]])[:, 0] if cols else inb[:, j].mean()
    total = max([_evppi(inb, joint), *partial])
    rows = sorted(zip(params, partial), key=lambda kv: (-kv[1], str(kv[0])))
    rows.append(("all", total))
    out = pd.DataFrame([(p, v, v / total if total > 0 else 0.0) for p, v in rows], columns=table_cols)
    attrs["p_value"] = {p: float(pvals[i].min()) for i, p in enumerate(params)}
    attrs["kept"] = [p for i, p in enumerate(params) if use[i].any()]
    if not attrs["kept"] and screen is not None:
        attrs["note"] = (
            f"with {n} replications no parameter's effect on which design pays off stands out from luck; "
            "more replications would show smaller effects"
        )
    out.attrs.update(attrs)
    return out


def _money(v: float) -> str:
    from mentorsim.outputs.fmt import value

    return value("program_cost", float(v))


def _param_words(name: str) -> str:
    if "." not in name:
        return name.replace("_", " ")
    return f"{name.rsplit('.', 1)[-1].replace('_', ' ')} ({name})"


def voi_sentence(table: pd.DataFrame, negligible: float | None = None) -> str:
    """One plain sentence for an HR strategist from a :func:`value_of_information` table: which unknown
    matters most for this choice and what a pilot that measured it would be worth at most, or that no
    unknown changes the decision (or, with too few replications, that none measurably does yet).
    ``negligible``: dollars below which information is not worth buying (default the table's
    ``attrs["negligible"]``, 1% of the largest mean program cost)."""
    attrs = table.attrs
    best = attrs.get("best")
    if best is None:
        choice = "the design with the highest expected net benefit"
    elif attrs.get("best_is_no_program"):
        choice = f"running no program ('{best}')"
    else:
        choice = f"'{best}'"
    years = attrs.get("horizon_weeks")
    over = f" over {years / 52:g} years" if years else ""
    parts = table[table.parameter != "all"]
    total_row = table[table.parameter == "all"]
    total = float(total_row.evppi.iloc[0]) if len(total_row) else float(parts.evppi.max() if len(parts) else 0.0)
    if parts.empty:
        why = attrs.get("note") or "no uncertain parameter was drawn"
        return f"This comparison cannot say what learning more would be worth: {why}."
    limit = float(attrs.get("negligible", 0.0) if negligible is None else negligible)
    if total <= limit:
        if total == 0 and not attrs.get("kept", True) and attrs.get("evpi_with_luck", 0.0) > limit:
            n = attrs.get("replications")
            return (
                f"No unknown measurably changes the decision yet: with {n} replications, no parameter's effect "
                f"on which design pays off stands out from luck, so {choice} stays the best bet on what is known "
                "today; run more replications before paying for a pilot."
            )
        tail = f" (all of them together are worth at most {_money(total)}{over})" if total > 0 else ""
        return (
            f"No unknown changes the decision: {choice} is the best bet across the plausible range of every "
            f"uncertain parameter, so a pilot that measured one would not change what you do{tail}."
        )
    top = parts.sort_values("evppi", ascending=False).iloc[0]
    return (
        f"The unknown that matters most for this choice is {_param_words(str(top.parameter))}: a pilot that "
        f"measured it exactly would be worth at most {_money(top.evppi)} to the organisation{over} "
        f"({top.share:.0%} of the {_money(total)} that resolving every unknown could be worth); on what is "
        f"known today the best bet is {choice}."
    )


# ---- precision -----------------------------------------------------------------------------
