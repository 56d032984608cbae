"""Global sensitivity analysis of a sweep with SALib, of any sample.

``sensitivity(results, metric)`` picks the method the sweep's sample supports: Sobol indices for
``sampler: sobol`` and Morris elementary effects for ``sampler: morris`` (those analyses rely on the
structure of their designs), and for any other sample (a Latin hypercube, random points, a grid) the
moment-independent delta measure of Borgonovo (``method="delta"``; SALib's ``delta``), which needs no
particular design. ``method="rbd_fast"`` (first-order indices by random balance designs) and
``method="pawn"`` (CDF-based, moment-independent) also take any sample. The table's ``method`` column
says which was used.
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

import contextlib
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from mentorsim.errors import MentorsimError
from mentorsim.schema.metrics import METRICS
from mentorsim.schema.validation import given_or_loaded, nearest
from mentorsim.sweeps import SweepResult, load_sweep

#: methods that need the design of the sampler of the same name
DESIGN_METHODS = ("sobol", "morris")
#: methods that analyse any sample (the points of the sweep, whatever drew them)
ANY_SAMPLE_METHODS = ("delta", "rbd_fast", "pawn")
METHODS = (*DESIGN_METHODS, *ANY_SAMPLE_METHODS)


def default_method(sampler: str) -> str:
    """The method a sweep's sample supports best: its own design's analysis, else delta."""
    return sampler if sampler in DESIGN_METHODS else "delta"


def _sample(res: SweepResult) -> tuple[dict, np.ndarray]:
    """The SALib problem and the matrix of the points actually run (points x parameters, in sampling space).
    A grid has no design: its points are coded by each parameter's position among its values."""
    sw = res.sweep
    if sw.design is not None:
        return sw.problem, np.asarray(sw.design, dtype=float)
    names = list(sw.keys)
    levels: dict[str, list] = {k: [] for k in names}
    rows = []
    for _, ov in sw.points():
        row = []
        for k in names:
            v = ov[k]
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                row.append(float(v))
            else:
                if v not in levels[k]:
                    levels[k].append(v)
                row.append(float(levels[k].index(v)))
        rows.append(row)
    x = np.array(rows, dtype=float)
    bounds = [[float(x[:, j].min()), float(x[:, j].max()) or 1.0] for j in range(len(names))]
    return {"num_vars": len(names), "names": names, "bounds": bounds}, x


COLUMNS = ["metric", "method", "parameter", "index", "value", "ci_low", "ci_high"]


def _as_result(results: SweepResult | str | Path) -> SweepResult:
    return given_or_loaded(results, SweepResult, load_sweep, "a SweepResult or a sweep store directory")


def sensitivity(
    results, metric: str, method: str | None = None, level: float = 0.95, num_resamples: int = 1000, baseline=None
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
    method = default_method(sw.spec.sampler) if method is None else method
    if metric not in res.metrics:
        raise MentorsimError(f"metric: {metric!r} was not kept by sweep {sw.name!r}{nearest(metric, res.metrics)}")
    if method not in METHODS:
        raise MentorsimError(f"method: {method!r} is not a sensitivity method{nearest(method, METHODS)}")
    if method in DESIGN_METHODS and sw.spec.sampler != method:
        raise MentorsimError(
            f"method: {method} analysis needs a sweep with 'sampler: {method}' "
            f"(sweep {sw.name!r} used the {sw.spec.sampler} sampler; delta, rbd_fast and pawn analyse any sample)"
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
        elif method == "morris":
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
        else:
            rows += _any_sample(res, metric, method, y, level, num_resamples, seed)
    out = pd.DataFrame(rows, columns=COLUMNS)
    if baseline is not None:
        out["metric"] = f"{metric}_gain"
    return out


def _any_sample(
    res: SweepResult, metric: str, method: str, y: np.ndarray, level: float, num_resamples: int, seed: int
) -> list[tuple]:
    """Rows of a method that analyses any sample: delta (``delta`` and ``S1``), rbd_fast (``S1``) or pawn
    (``median``, and its ``minimum`` and ``maximum`` over the conditioning slices as the interval)."""
    problem, x = _sample(res)
    n = len(y)
    try:
        if method == "delta":
            from SALib.analyze import delta

            # SALib's delta prints notices about its bins, and sets the process's warning filter and format:
            # keep them to this call (record=True swallows what it warns)
            formatwarning = warnings.formatwarning
            try:
                with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings(record=True):
                    si = delta.analyze(
                        problem, x, y, num_resamples=min(num_resamples, 200), conf_level=level, seed=seed
                    )
            finally:
                warnings.formatwarning = formatwarning
            key = "delta_balanced" if "delta_balanced" in si else "delta"  # SALib >= 1.5 balances the bins
            return [
                (metric, method, name, idx, float(si[k][i]), *_pm(si[k][i], si[f"{k}_conf"][i]))
                for i, name in enumerate(problem["names"])
                for idx, k in (("delta", key), ("S1", "S1"))
            ]
        if method == "rbd_fast":
            from SALib.analyze import rbd_fast

            si = rbd_fast.analyze(
                problem, x, y, M=max(1, min(10, n // 10)), num_resamples=num_resamples, conf_level=level, seed=seed
            )
            return [
                (metric, method, name, "S1", float(si["S1"][i]), *_pm(si["S1"][i], si["S1_conf"][i]))
                for i, name in enumerate(problem["names"])
            ]
        from SALib.analyze import pawn

        si = pawn.analyze(problem, x, y, S=min(10, max(2, n // 5)), seed=seed)
        return [
            (metric, method, name, "median", float(si["median"][i]), float(si["minimum"][i]), float(si["maximum"][i]))
            for i, name in enumerate(problem["names"])
        ]
    except (ValueError, ZeroDivisionError, np.linalg.LinAlgError, IndexError, RuntimeError) as e:
        raise MentorsimError(
            f"{metric}: the {method} analysis failed on this sample of {n} points ({str(e).splitlines()[0][:120]}); "
            "a larger sample (samples: 100 or more) usually helps"
        ) from None


def _pm(v: float, c: float) -> tuple[float, float]:
    return float(v) - float(c), float(v) + float(c)


def metric_label(metric: str) -> str:
    """A metric's label; ``<metric>_gain`` reads "<label> gain over no program"."""
    if metric in METRICS:
        return METRICS[metric].label
    if metric.endswith("_gain") and metric[:-5] in METRICS:
        return f"{METRICS[metric[:-5]].label} gain over no program"
    return metric


#: per method: the index that ranks the parameters, and what it measures in words
DESCRIBED = {
    "sobol": ("ST", "share of its variance (total order)"),
    "morris": ("mu_star", "mean absolute elementary effect"),
    "delta": ("delta", "how much knowing the parameter shifts its whole distribution (delta, 0 to 1)"),
    "rbd_fast": ("S1", "share of its variance the parameter explains alone (RBD-FAST first order)"),
    "pawn": ("median", "distance between its distribution and its distribution given the parameter (PAWN median)"),
}


def describe(indices: pd.DataFrame) -> str:
    """A plain-words reading of a sensitivity frame: which parameters matter most."""
    if indices.empty:
        return "no indices"
    metric, method = indices.metric.iloc[0], indices.method.iloc[0]
    key, what = DESCRIBED[method]
    t = indices[indices["index"] == key].sort_values("value", ascending=False)
    label = metric_label(metric)
    parts = [f"{r.parameter} {r.value:.3g} [{r.ci_low:.3g}, {r.ci_high:.3g}]" for r in t.itertuples()]
    return f"{label}: {what}, most influential first: " + "; ".join(parts)
