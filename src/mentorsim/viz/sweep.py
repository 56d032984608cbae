"""Matplotlib figures of sweeps and sensitivity analyses; no model logic.

Each function returns a :class:`matplotlib.figure.Figure` (built without pyplot,
so safe in threads and shown once in notebooks); pass ``ax`` to draw into an
existing Axes::

    import mentorsim as ms
    res = ms.load_sweep("out/example")
    ms.sweep_plots.heatmap(res, "retention_36m", "program.format", "program.cadence")
    base = res.baseline()                                   # no program, paired (same seed)
    ms.sweep_plots.tradeoff(res, baseline=base)             # retention gain vs program cost, Pareto front
    idx = ms.sensitivity(ms.load_sweep("out/sobol"), "retention_36m")
    ms.sweep_plots.indices(idx)                             # indices with their intervals
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mentorsim.schema.metrics import METRICS
from mentorsim.viz.style import COLORS, _figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FRONT_COLOR = COLORS[1]
OTHER_COLOR = "#9fb7cc"
INDEX_COLORS = {"S1": COLORS[0], "ST": COLORS[1], "mu_star": COLORS[2]}


def _label(metric: str) -> str:
    from mentorsim.outputs.sensitivity import metric_label

    m = METRICS.get(metric[:-5] if metric.endswith("_gain") and metric not in METRICS else metric)
    return f"{metric_label(metric)} ({m.unit})" if m else metric


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


_UNITS: dict[str, str] | None = None


def _unit(key: str) -> str:
    """The unit of a scenario parameter (dotted key) from the parameter register, or ''."""
    global _UNITS
    if _UNITS is None:
        from mentorsim.schema.params import parameter_register

        reg = parameter_register()
        _UNITS = {n: ("" if u in ("-", None) else str(u)) for n, u in zip(reg["name"], reg["unit"], strict=True)}
    return _UNITS.get(key, "")


def _param_label(key: str) -> str:
    unit = _unit(key)
    return f"{key} ({unit})" if unit else key


def _ticks(key: str, values) -> list[str]:
    """Parameter values for an axis: shares as percentages (with as many decimals as it takes to
    tell them apart), other numbers to 3 significant digits."""
    vals = list(values)
    numeric = all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)) for v in vals
    )
    if _unit(key).startswith("share") and numeric:
        for digits in range(5):
            out = [f"{float(v):.{digits}%}" for v in vals]
            if len(set(out)) == len(set(vals)):
                return out
        return out
    return [_fmt(v) for v in vals]


def _value(metric: str, v: float) -> str:
    from mentorsim.outputs.fmt import value

    return value(metric, v) if metric in METRICS else f"{v:.3g}"


def indices(frame: pd.DataFrame, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Sensitivity indices (from :func:`mentorsim.outputs.sensitivity`) as bars with their confidence intervals.

    Sobol: S1 and ST side by side per parameter; Morris: mu_star. Parameters are sorted by
    influence, most influential at the top.
    """
    if frame.empty:
        raise ValueError("no indices to plot")
    method, metric = frame.method.iloc[0], frame.metric.iloc[0]
    kinds = ["S1", "ST"] if method == "sobol" else ["mu_star"]
    f = frame[frame["index"].isin(kinds)]
    order = f[f["index"] == kinds[-1]].sort_values("value")["parameter"].tolist()
    fig, ax = _figure(ax, (7.5, 1.0 + 0.55 * len(order)))
    h = 0.8 / len(kinds)
    y0 = np.arange(len(order))
    for k, kind in enumerate(kinds):
        g = f[f["index"] == kind].set_index("parameter").reindex(order)
        v = g["value"].to_numpy(dtype=float)
        err = np.vstack([v - g["ci_low"].to_numpy(dtype=float), g["ci_high"].to_numpy(dtype=float) - v])
        err = np.nan_to_num(np.clip(err, 0, None))
        ax.barh(
            y0 + (k - (len(kinds) - 1) / 2) * h,
            v,
            height=h,
            xerr=err,
            capsize=3,
            color=INDEX_COLORS.get(kind, COLORS[0]),
            label=kind,
            error_kw={"alpha": 0.8},
        )
    ax.set_yticks(y0, order)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("index (share of variance)" if method == "sobol" else f"mu* ({_label(metric)})")
    ax.legend(loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    from mentorsim.outputs.sensitivity import metric_label

    ax.set_title(title or f"What drives {metric_label(metric).lower()}? ({method}, 95% intervals)")
    return fig


def heatmap(
    results,
    metric: str,
    x: str,
    y: str,
    ax: Axes | None = None,
    title: str | None = None,
    annotate: bool = True,
    cmap: str | None = None,
) -> Figure:
    """The mean of ``metric`` over two varied parameters (averaged over the others and the replications).

    Cells and the colour bar show the metric in its unit (51.2%, $1.30M); axes name each
    parameter with its unit, and shares are shown as percentages."""
    m = results.means()
    for name, what in ((x, "x"), (y, "y")):
        if name not in results.parameters:
            raise ValueError(f"{what}: {name!r} is not a varied parameter; have {results.parameters}")
    if metric not in m.columns:
        raise ValueError(f"metric: {metric!r} was not kept; have {results.metrics}")
    order = {p: list(dict.fromkeys(results.sweep.points_frame()[p])) for p in (x, y)}
    grid = m.groupby([y, x])[metric].mean().unstack(x)
    grid = grid.reindex(
        index=[v for v in order[y] if v in grid.index], columns=[v for v in order[x] if v in grid.columns]
    )
    fig, ax = _figure(ax, (1.6 + 1.2 * grid.shape[1], 1.4 + 0.6 * grid.shape[0]))
    good = METRICS[metric].higher_is_better if metric in METRICS else True
    im = ax.imshow(
        grid.to_numpy(dtype=float), aspect="auto", origin="lower", cmap=cmap or ("viridis" if good else "viridis_r")
    )
    ax.set_xticks(range(grid.shape[1]), _ticks(x, grid.columns))
    ax.set_yticks(range(grid.shape[0]), _ticks(y, grid.index))
    ax.set_xlabel(_param_label(x))
    ax.set_ylabel(_param_label(y))
    if annotate and grid.size <= 400:
        vals = grid.to_numpy(dtype=float)
        lo, hi = np.nanmin(vals), np.nanmax(vals)
        for (i, j), v in np.ndenumerate(vals):
            if np.isfinite(v):
                dark = (v - lo) / (hi - lo) < 0.5 if hi > lo else True
                ax.text(
                    j,
                    i,
                    _value(metric, v),
                    ha="center",
                    va="center",
                    fontsize=9,
                    color=("white" if dark == good else "black"),
                )
    bar = fig.colorbar(im, ax=ax, label=_label(metric))
    bar.ax.yaxis.set_major_formatter(lambda v, _: _value(metric, v))
    ax.set_title(title or f"{METRICS[metric].label if metric in METRICS else metric} by {x} and {y}")
    return fig


def tradeoff(
    results,
    gain: str = "retention_36m",
    cost: str = "program_cost",
    baseline=None,
    ax: Axes | None = None,
    title: str | None = None,
    label_front: bool = True,
) -> Figure:
    """Retention gain (or ``gain``) against program cost per design; the Pareto front highlighted.

    baseline: a paired no-program ``Results`` (``results.baseline()``) or a number; without
    one the metric itself is shown. The front holds the designs no other design beats on
    both (at least as good on each, better on one).
    """
    p = results.pareto(gain, cost, baseline=baseline)
    ycol = gain if baseline is None else f"{gain}_gain"
    fig, ax = _figure(ax, (8, 5.5))
    if baseline is not None:
        g = results.gains(baseline, gain)
        yerr = np.vstack([g["mean"] - g["ci_low"], g["ci_high"] - g["mean"]])
        yerr = np.nan_to_num(np.clip(yerr, 0, None))
    else:
        yerr = None
    x, y, front = p[cost].to_numpy(dtype=float), p[ycol].to_numpy(dtype=float), p["on_front"].to_numpy()
    ax.errorbar(x, y, yerr=yerr, fmt="none", ecolor="#bbbbbb", elinewidth=0.8, zorder=1)
    ax.scatter(x[~front], y[~front], s=28, color=OTHER_COLOR, label="dominated design", zorder=2)
    ax.scatter(
        x[front],
        y[front],
        s=60,
        color=FRONT_COLOR,
        edgecolor="black",
        linewidth=0.6,
        label="Pareto front: no design beats it on both",
        zorder=3,
    )
    order = np.argsort(x[front])
    ax.plot(x[front][order], y[front][order], color=FRONT_COLOR, lw=1.2, zorder=2)
    if label_front:
        for _, r in p[p.on_front].iterrows():
            text = ", ".join(_fmt(r[k]) for k in results.parameters)
            ax.annotate(text, (r[cost], r[ycol]), fontsize=8, xytext=(4, 4), textcoords="offset points")
    ax.set_xlabel(_label(cost))
    unit = METRICS[gain].unit if gain in METRICS else ""
    ax.set_ylabel(
        (f"{METRICS[gain].label} gain over no program ({unit})" if baseline is not None else _label(gain))
        if gain in METRICS
        else ycol
    )
    if baseline is not None:
        ax.axhline(0, color="black", lw=0.8)
    ax.xaxis.set_major_formatter(lambda v, _: f"${v / 1e6:.1f}M" if abs(v) >= 1e6 else f"${v / 1e3:.0f}k")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right", frameon=False)
    ax.set_title(title or "Retention for the money: the designs worth considering")
    return fig
