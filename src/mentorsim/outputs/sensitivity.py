"""Global sensitivity analysis of a sweep with SALib: Sobol indices or Morris elementary effects.

``sensitivity(results, metric, method="sobol")`` needs a sweep run with the
matching sampler (``sampler: sobol`` for Sobol indices, ``sampler: morris`` for
Morris screening), because the analysis relies on the structure of the design.
Each point's value is its mean over replications; since every point shares the
same random numbers, a parameter the metric cannot depend on gets an index of
exactly (or very nearly) zero.

Levels or gains: when the varied parameters are all program settings, every point
shares one no-program baseline (same people, same seed), so a metric's gain over
no program is its level minus a constant and has exactly the same indices (Sobol
indices are shares of variance; Morris effects are differences). When workforce or
cost parameters vary too, the baseline moves with them and the indices of levels
also count effects that have nothing to do with the program: pass
``baseline="paired"`` to analyse each point's gain over its own no-program twin.

The result is tidy: one row per parameter and index, with its confidence interval
(a bootstrap over the design, from SALib)::

    metric, method, parameter, index, value, ci_low, ci_high

Sobol: ``S1`` (first order: the share of the metric's variance a parameter
explains alone) and ``ST`` (total order: alone and through interactions).
Morris: ``mu_star`` (mean absolute elementary effect: overall influence, in the
metric's unit), ``mu`` (signed mean) and ``sigma`` (spread: non-linearity or
interactions); only ``mu_star`` has an interval.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from mentorsim.errors import MentorsimError
from mentorsim.schema.metrics import METRICS
from mentorsim.schema.validation import given_or_loaded, nearest
from mentorsim.sweeps import SweepResult, load_sweep

METHODS = ("sobol", "morris")
COLUMNS = ["metric", "method", "parameter", "index", "value", "ci_low", "ci_high"]


def _as_result(results: SweepResult | str | Path) -> SweepResult:
    return given_or_loaded(results, SweepResult, load_sweep, "a SweepResult or a sweep store directory")


def sensitivity(
    results, metric: str, method: str = "sobol", level: float = 0.95, num_resamples: int = 1000, baseline=None
) -> pd.DataFrame:
    """Sensitivity indices of ``metric`` over a sweep's parameters (see the module docstring).

    results: a ``SweepResult`` or a store directory. level: confidence level of the intervals.
    baseline: analyse the paired gain over no program instead of the level: ``"paired"`` (each
    point against its own no-program twin; needed when the sweep varies the company itself),
    a baseline ``Results`` or a number (see ``SweepResult.gains``). The ``metric`` column then
    reads ``<metric>_gain``.
    """
    res = _as_result(results)
    sw = res.sweep
    if metric not in res.metrics:
        raise MentorsimError(f"metric: {metric!r} was not kept by sweep {sw.name!r}{nearest(metric, res.metrics)}")
    if method not in METHODS:
        raise MentorsimError(f"method: {method!r} is not a sensitivity method{nearest(method, METHODS)}")
    if sw.spec.sampler != method:
        raise MentorsimError(
            f"method: {method} analysis needs a sweep with 'sampler: {method}' "
            f"(sweep {sw.name!r} used the {sw.spec.sampler} sampler)"
        )
    if not 0 < level < 1:
        raise MentorsimError(f"level: must be between 0 and 1 (got {level!r})")
    if baseline is None:
        f = res.frame
        ok = f[f.status == "ok"]
        y = ok.groupby("point")[metric].mean().reindex(range(sw.n_points)).to_numpy(dtype=float)
    else:
        y = res.gains(baseline, metric).set_index("point")["mean"].reindex(range(sw.n_points)).to_numpy(dtype=float)
    missing = np.flatnonzero(np.isnan(y))
    if len(missing):
        bad = res.failed
        why = f"; first failure, point {bad.point.iloc[0]}: {bad.error.iloc[0]}" if len(bad) else ""
        raise MentorsimError(
            f"{metric}: {len(missing)} of {sw.n_points} points have no value (not run yet, failed, "
            f"or NaN for this horizon){why}; {method} analysis needs every point"
        )
    if np.ptp(y) == 0:
        raise MentorsimError(f"{metric}: the same value ({y[0]:g}) at every point; nothing to attribute")
    problem, seed = sw.problem, sw.spec.seed
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "sobol":
            from SALib.analyze import sobol

            si = sobol.analyze(
                problem,
                y,
                calc_second_order=False,
                num_resamples=num_resamples,
                conf_level=level,
                print_to_console=False,
                seed=seed,
            )
            for i, name in enumerate(problem["names"]):
                for idx in ("S1", "ST"):
                    v, c = float(si[idx][i]), float(si[f"{idx}_conf"][i])
                    rows.append((metric, method, name, idx, v, v - c, v + c))
        else:
            from SALib.analyze import morris

            si = morris.analyze(
                problem,
                sw.design,
                y,
                num_resamples=num_resamples,
                conf_level=level,
                num_levels=sw.spec.morris_levels,
                print_to_console=False,
                seed=seed,
            )
            for i, name in enumerate(problem["names"]):
                v, c = float(si["mu_star"][i]), float(si["mu_star_conf"][i])
                rows.append((metric, method, name, "mu_star", v, v - c, v + c))
                rows.append((metric, method, name, "mu", float(si["mu"][i]), np.nan, np.nan))
                rows.append((metric, method, name, "sigma", float(si["sigma"][i]), np.nan, np.nan))
    out = pd.DataFrame(rows, columns=COLUMNS)
    if baseline is not None:
        out["metric"] = f"{metric}_gain"
    return out


def metric_label(metric: str) -> str:
    """A metric's label; ``<metric>_gain`` reads "<label> gain over no program"."""
    if metric in METRICS:
        return METRICS[metric].label
    if metric.endswith("_gain") and metric[:-5] in METRICS:
        return f"{METRICS[metric[:-5]].label} gain over no program"
    return metric


def describe(indices: pd.DataFrame) -> str:
    """A plain-words reading of a sensitivity frame: which parameters matter most."""
    if indices.empty:
        return "no indices"
    metric, method = indices.metric.iloc[0], indices.method.iloc[0]
    key = "ST" if method == "sobol" else "mu_star"
    t = indices[indices["index"] == key].sort_values("value", ascending=False)
    label = metric_label(metric)
    what = "share of its variance (total order)" if method == "sobol" else "mean absolute elementary effect"
    parts = [f"{r.parameter} {r.value:.3g} [{r.ci_low:.3g}, {r.ci_high:.3g}]" for r in t.itertuples()]
    return f"{label}: {what}, most influential first: " + "; ".join(parts)
