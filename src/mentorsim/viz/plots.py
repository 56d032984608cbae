"""Matplotlib figures of results and comparisons; no model logic.

Every function takes :class:`~mentorsim.Results` or :class:`~mentorsim.Comparison`
objects and returns a :class:`matplotlib.figure.Figure`. Pass ``ax`` to draw into
an existing Axes (the figure returned is then ``ax.figure``). Figures are built
without pyplot, so they are safe in threads and display once in notebooks.

    import mentorsim as ms
    cmp = ms.compare([baseline, program], replications=20, seed=7)
    ms.plots.retention(cmp)          # retention curves with 95% bands
    ms.plots.differences(cmp)        # paired differences with intervals, per metric
    ms.plots.mentor_load(cmp)        # mentor hours a month and burnout over time
    ms.plots.cost_benefit(cmp)       # program cost against turnover cost avoided
    ms.plots.outcome_bars(cmp)       # promotion and cost, program against no program
    ms.plots.plot_management_share(cmp)  # each group's share of levels 4-5 over time (equity_plots)
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mentorsim.outputs import fmt
from mentorsim.outputs.comparison import Comparison
from mentorsim.outputs.results import Results
from mentorsim.schema.metrics import METRICS, PAIRED, interval
from mentorsim.viz.decision import acceptability_plot, voi_plot
from mentorsim.viz.mentors import mentor_load
from mentorsim.viz.style import (
    BASELINE_COLOR,
    COLORS,
    _as_pair,
    _figure,
    _pct_axis,
    _select,
    _tidy,
    _usd_axis,
    _years_axis,
    interval_kind,
    label,
    root_figure,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


__all__ = [
    "acceptability_plot",
    "voi_plot",
    "cost_benefit",
    "differences",
    "mentor_load",
    "outcome_bars",
    "plot_management_share",
    "retention",
    "to_png",
]

#: Metrics shown by :func:`differences` unless told otherwise.
DEFAULT_DIFF_METRICS = (
    "retention_24m",
    "annual_promotion_rate",
    "goal_attainment_rate",
    "mean_engagement",
    "program_cost",
    "turnover_cost",
)


# ---- figures -------------------------------------------------------------------------------
def retention(
    obj: Comparison | Results,
    baseline: Results | None = None,
    ax: Axes | None = None,
    scenarios: Sequence[str] | str | None = None,
    title: str | None = None,
) -> Figure:
    """Share of the starting workforce still employed, week by week, with 95% bands over replications.

    ``obj`` is a Comparison (its baseline against each program, or those named in
    ``scenarios``) or a Results (optionally against ``baseline``).
    """
    base, programs = _as_pair(obj, baseline)
    programs = _select(programs, scenarios)
    fig, ax = _figure(ax, (9, 4.8))
    series = [(r, label(r.name), COLORS[i % len(COLORS)]) for i, r in enumerate(programs)]
    if base is not None:  # drawn last, so the dashed reference line stays visible
        series.append(
            (base, "No program" if base.scenario.program.format == "none" else label(base.name), BASELINE_COLOR)
        )
    horizon = max(r.scenario.horizon_weeks for r, _, _ in series)
    ends: list[tuple[float, int, str]] = []
    for r, name, color in series:
        c = r.retention_curve()
        weeks = np.concatenate([[0], c.index.to_numpy()])
        mean = np.concatenate([[1.0], c["mean"].to_numpy()])
        lo = np.concatenate([[1.0], c["low"].to_numpy()])
        hi = np.concatenate([[1.0], c["high"].to_numpy()])
        ax.fill_between(weeks, lo, hi, color=color, alpha=0.18, linewidth=0)
        ax.plot(
            weeks,
            mean,
            color=color,
            linewidth=2.5 if r is not base else 2.2,
            label=name,
            linestyle="--" if r is base else "-",
            zorder=3 if r is base else 2,
        )
        ends.append((mean[-1], weeks[-1], color))
    _years_axis(ax, horizon)
    _pct_axis(ax)
    # end-of-horizon labels, nudged apart so close curves stay readable
    lo_y, hi_y = ax.get_ylim()
    gap = 0.1 * (hi_y - lo_y)
    placed: list[float] = []
    for y, x, color in sorted(ends):
        pos = max(y, placed[-1] + gap) if placed else y
        placed.append(pos)
        ax.annotate(
            f"{y * 100:.0f}%",
            (x, y),
            xytext=(x + 0.006 * horizon, pos),
            textcoords="data",
            xycoords="data",
            va="center",
            ha="left",
            color=color,
            fontweight="bold",
            annotation_clip=False,
            bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    ax.set_ylabel("Starting staff still employed")
    ax.set_title(title or "How many of today's people are still here, with and without the program")
    ax.legend(loc="lower left", frameon=False)
    _tidy(ax)
    return interval_kind(fig, obj)


def differences(
    cmp: Comparison, metrics: Sequence[str] | None = None, axes: Sequence[Axes] | None = None, title: str | None = None
) -> Figure:
    """Paired differences against the baseline with 95% intervals, one panel per metric (each in its unit).

    Dots are the mean difference over paired replications (same people, with and
    without the program); whiskers the 95% interval; the number beside each is the
    chance the program beats the baseline on that metric.
    """
    if not isinstance(cmp, Comparison):
        raise TypeError(f"differences needs a Comparison (from ms.compare), got {type(cmp).__name__}")
    t = cmp.table()
    metrics = [m for m in (metrics or DEFAULT_DIFF_METRICS) if m in set(t.metric)]
    if not metrics:
        raise ValueError("none of the requested metrics differ from the baseline in this comparison")
    names = list(dict.fromkeys(t.scenario))
    n = len(metrics)
    ncols = min(3, n)
    nrows = math.ceil(n / ncols)
    if axes is None:
        fig, grid = _figure(
            None, (4.4 * ncols, 0.5 * len(names) * nrows + 1.6 * nrows + 0.6), nrows, ncols, sharey=True
        )
        axs = list(np.ravel(grid))
    else:
        axs = list(axes)
        if len(axs) < n:
            raise ValueError(f"need {n} axes for {n} metrics, got {len(axs)}")
        fig = root_figure(axs[0])
    y = np.arange(len(names))[::-1]
    for ax, m in zip(axs, metrics):
        g = t[t.metric == m].set_index("scenario").reindex(names)
        usd = m in METRICS and METRICS[m].unit == "USD"
        share = m in METRICS and METRICS[m].unit in ("share", "per month", "per year")
        for i, (_, row) in enumerate(g.iterrows()):
            if np.isnan(row.diff_mean):
                continue
            good = row.p_better >= 0.5
            color = COLORS[0] if good else COLORS[1]
            lo, hi = row.ci_low, row.ci_high
            if not np.isnan(lo):
                ax.plot([lo, hi], [y[i], y[i]], color=color, linewidth=2.5, solid_capstyle="round")
            ax.plot([row.diff_mean], [y[i]], "o", color=color, markersize=8)
            ax.annotate(
                f"{row.p_better:.0%}",
                (1.0, y[i]),
                xycoords=("axes fraction", "data"),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize="small",
                color="#444444",
            )
        ax.axvline(0, color=BASELINE_COLOR, linewidth=1)
        if usd:
            _usd_axis(ax, "x")
        elif share:
            _pct_axis(ax, "x", points=True)
        lab = METRICS[m].label if m in METRICS else PAIRED[m].label if m in PAIRED else m
        unit = "percentage points" if share else "USD" if usd else METRICS[m].unit if m in METRICS else ""
        ax.set_title(lab, loc="left", fontsize="medium")
        ax.set_xlabel(f"difference ({unit})" if unit else "difference")
        ax.spines[["top", "right", "left"]].set_visible(False)
        ax.grid(True, axis="x", alpha=0.3)
        ax.tick_params(axis="y", length=0)
    for ax in axs[:n]:
        ax.set_ylim(-0.6, len(names) - 0.4)
    axs[0].set_yticks(y)
    axs[0].set_yticklabels([label(nm) for nm in names])
    for ax in axs[n:]:
        ax.set_visible(False)
    if axes is None:
        fig.suptitle(
            title or "What each program changes against no program (95% intervals; right: chance it does better)",
            fontweight="bold",
        )
    return interval_kind(fig, cmp)


def cost_benefit(cmp: Comparison, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Program cost (x) against turnover cost avoided (y) per program, with 95% intervals on both.

    Above the diagonal, the turnover cost avoided pays for the program.
    """
    if not isinstance(cmp, Comparison):
        raise TypeError(f"cost_benefit needs a Comparison (from ms.compare), got {type(cmp).__name__}")
    fig, ax = _figure(ax, (7.5, 5.5))
    top = 0.0
    handles: list[Any] = []
    for i, r in enumerate(cmp.results[1:]):
        d = cmp.diffs(r)
        prog = interval(r.metrics["program_cost"].to_numpy())
        avoided = interval(-d["turnover_cost"].to_numpy()) if "turnover_cost" in d else (0.0, np.nan, np.nan)
        color = COLORS[i % len(COLORS)]
        xerr = None if np.isnan(prog[1]) else [[prog[0] - prog[1]], [prog[2] - prog[0]]]
        yerr = None if np.isnan(avoided[1]) else [[avoided[0] - avoided[1]], [avoided[2] - avoided[0]]]
        ax.errorbar(
            [prog[0]], [avoided[0]], xerr=xerr, yerr=yerr, fmt="o", color=color, markersize=9, capsize=4, linewidth=2
        )
        if len(cmp.results) <= 4:  # few programs: name them beside their dots; more: a legend
            ax.annotate(
                label(r.name),
                (prog[0], avoided[0]),
                xytext=(8, 6),
                textcoords="offset points",
                color=color,
                fontweight="bold",
            )
        handles.append(ax.plot([], [], "o", color=color, markersize=9, label=label(r.name))[0])
        top = max(top, *(abs(v) for v in (*prog, *avoided) if not np.isnan(v)))
    top = top * 1.15 or 1.0
    ax.plot([0, top], [0, top], color=BASELINE_COLOR, linestyle="--", linewidth=1.2)
    ax.annotate(
        "break-even: avoided turnover = program cost",
        (top, top),
        xytext=(-6, -14),
        textcoords="offset points",
        ha="right",
        color="#555555",
        fontsize="small",
        rotation=0,
    )
    ax.axhline(0, color=BASELINE_COLOR, linewidth=0.8)
    ax.set_xlim(0, top)
    _usd_axis(ax, "x")
    _usd_axis(ax, "y")
    ax.set_xlabel("Program cost over the horizon (USD)")
    ax.set_ylabel("Turnover cost avoided (USD)")
    ax.set_ylim(min(ax.get_ylim()[0], 0), max(ax.get_ylim()[1], top))
    if len(cmp.results) > 4:
        ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax.set_title(title or "Does avoided turnover pay for the program? (above the line: yes)")
    _tidy(ax)
    return interval_kind(fig, cmp)


def outcome_bars(
    cmp: Comparison, scenario: str | None = None, axes: Sequence[Axes] | None = None, title: str | None = None
) -> Figure:
    """Two bar panels with 95% intervals: promotions a year, no program against one program; and the
    program's cost against the turnover cost it avoids (paired), over the horizon."""
    if not isinstance(cmp, Comparison):
        raise TypeError(f"outcome_bars needs a Comparison (from ms.compare), got {type(cmp).__name__}")
    r = cmp[scenario] if scenario else cmp.results[1]
    base = cmp.baseline
    if axes is None:
        fig, (ax1, ax2) = _figure(None, (9, 4.2), 1, 2, width_ratios=(1, 1))
    else:
        ax1, ax2 = axes
        fig = root_figure(ax1)

    def bar(ax: Axes, x: float, stats: tuple[float, float, float], color: str, text: str) -> float:
        m, lo, hi = stats
        err = None if np.isnan(lo) else [[m - lo], [hi - m]]
        ax.bar([x], [m], 0.62, yerr=err, color=color, capsize=6, error_kw={"linewidth": 1.5})
        top = m if np.isnan(hi) else max(m, hi)
        ax.annotate(text, (x, max(top, 0.0)), xytext=(0, 5), textcoords="offset points", ha="center", fontweight="bold")
        return top

    sb, sp = base.summary(), r.summary()
    tops = []
    for x, s, color in ((0, sb, BASELINE_COLOR), (1, sp, COLORS[0])):
        m = s.loc["annual_promotion_rate"]
        tops.append(bar(ax1, x, (m["mean"], m.ci_low, m.ci_high), color, fmt.value("annual_promotion_rate", m["mean"])))
    ax1.set_xticks([0, 1])
    ax1.set_xticklabels(["No program", "Program"])
    _pct_axis(ax1)
    ax1.set_ylim(bottom=0, top=max(max(tops), 1e-3) * 1.25)
    ax1.set_ylabel("Promoted per year")
    ax1.set_title("Promotions a year")

    d = cmp.diffs(r)
    prog = interval(r.metrics["program_cost"].to_numpy())
    avoided = interval(-d["turnover_cost"].to_numpy()) if "turnover_cost" in d else (0.0, np.nan, np.nan)
    tops = [
        bar(ax2, 0, prog, COLORS[1], fmt.value("program_cost", prog[0])),
        bar(ax2, 1, avoided, COLORS[2], fmt.value("turnover_cost", avoided[0])),
    ]
    lows = [v for v in (prog[1], avoided[1], avoided[0]) if not np.isnan(v)]
    ax2.axhline(0, color=BASELINE_COLOR, linewidth=0.8)
    ax2.set_xticks([0, 1])
    ax2.set_xticklabels(["Program\ncost", "Turnover cost\navoided"])
    _usd_axis(ax2)
    ax2.set_ylim(bottom=min([0.0, *lows]) * 1.2, top=max([*tops, 1.0]) * 1.25)
    ax2.set_title("Cost and savings")
    ax2.set_ylabel(f"USD over {base.scenario.horizon_weeks / 52:g} years")
    for ax in (ax1, ax2):
        _tidy(ax)
    if title and axes is None:
        fig.suptitle(title, fontweight="bold")
    return interval_kind(fig, cmp)


def plot_management_share(obj: Comparison | Results, **kw: Any) -> Figure:
    """Each group's share of management (levels 4-5) over time, program solid and no program dashed
    (:func:`mentorsim.viz.equity.plot_management_share`, which takes the same arguments)."""
    from mentorsim.viz.equity import plot_management_share as draw

    return draw(obj, **kw)


def to_png(fig: Figure, dpi: int = 100) -> bytes:
    """A figure as PNG bytes (for widgets and reports)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
