"""Equity figures: each group's share of management (levels 4-5) over time, with and without the program.

    import mentorsim as ms
    cmp = ms.compare([baseline, program], replications=20, seed=7)
    ms.plots.plot_management_share(cmp)   # one panel per group: program solid, no program dashed

Built without pyplot, like :mod:`mentorsim.viz.plots`, from :func:`mentorsim.outputs.equity.management_share_curve`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from mentorsim.outputs.comparison import Comparison
from mentorsim.outputs.equity import management_share_curve
from mentorsim.outputs.results import Results
from mentorsim.viz.style import (
    BASELINE_COLOR,
    COLORS,
    _as_pair,
    _figure,
    _pct_axis,
    _select,
    _tidy,
    _years_axis,
    interval_kind,
    label,
    root_figure,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def group_label(name: str) -> str:
    """A group name as words: 'under_represented' -> 'Under-represented'."""
    s = name.replace("under_represented", "under-represented").replace("_", " ").strip()
    return s[:1].upper() + s[1:]


def plot_management_share(
    obj: Comparison | Results,
    baseline: Results | None = None,
    scenarios: Sequence[str] | str | None = None,
    groups: Sequence[str] | None = None,
    axes: Sequence[Axes] | None = None,
    title: str | None = None,
    bands: str | None = None,
) -> Figure:
    """Each group's share of the people at levels 4-5 (management), week by week: one panel per group, each
    program solid and no program dashed (grey), with bands holding the middle 95% of the replications.

    ``obj`` is a Comparison (its baseline against each program, or those named in ``scenarios``) or a
    Results (optionally against ``baseline``). ``groups``: the groups to show (default: every group);
    ``axes``: one Axes per group to draw into. ``bands``: "all" (a band for every line), "baseline" (for no
    program only) or "none"; by default "all" for one program and "baseline" for several, so the lines stay
    readable. The title says which bands are drawn.
    """
    if bands not in (None, "all", "baseline", "none"):
        raise ValueError(f"bands must be 'all', 'baseline' or 'none', got {bands!r}")
    base, programs = _as_pair(obj, baseline)
    programs = _select(programs, scenarios)
    series: list[tuple[Results, str, str, bool]] = [
        (r, label(r.name), COLORS[i % len(COLORS)], False) for i, r in enumerate(programs)
    ]
    if base is not None:  # drawn last, so the dashed reference line stays visible
        series.append(
            (base, "No program" if base.scenario.program.format == "none" else label(base.name), BASELINE_COLOR, True)
        )
    if bands is None:
        bands = "all" if len(programs) <= 1 or base is None else "baseline"
    names = [g.name for g in series[0][0].scenario.workforce.groups]
    if groups is not None:
        unknown = [g for g in groups if g not in names]
        if unknown:
            raise KeyError(f"no group named {unknown[0]!r}; have {names}")
        names = list(groups)
    if axes is None:
        fig, grid = _figure(None, (9, 0.6 + 2.6 * len(names)), len(names), 1, sharex=True, squeeze=False)
        axs = list(np.ravel(grid))
    else:
        axs = list(axes)
        if len(axs) < len(names):
            raise ValueError(f"need {len(names)} axes for {len(names)} groups, got {len(axs)}")
        fig = root_figure(axs[0])
    horizon = max(r.scenario.horizon_weeks for r, *_ in series)
    curves = {id(r): management_share_curve(r) for r, *_ in series}
    for ax, g in zip(axs, names):
        for r, name, color, dashed in series:
            c = curves[id(r)]
            c = c[c.group == g]
            w = c.week.to_numpy()
            if bands == "all" or (bands == "baseline" and dashed):
                ax.fill_between(w, c["low"], c["high"], color=color, alpha=0.12 if dashed else 0.18, linewidth=0)
            ax.plot(
                w,
                c["mean"],
                color=color,
                linestyle="--" if dashed else "-",
                linewidth=2.2 if dashed else 2.5,
                label=name,
                zorder=3 if dashed else 2,
            )
        _years_axis(ax, horizon)
        _pct_axis(ax)
        ax.set_ylabel("Share of levels 4-5")
        ax.set_title(f"{group_label(g)} group", loc="left", fontsize="medium")
        _tidy(ax)
    for ax in axs[: len(names) - 1]:
        ax.set_xlabel("")
    if len(axs) > 0:
        axs[0].legend(loc="best", frameon=False, fontsize="small")
    what = {
        "all": " (bands: middle 95% of runs)",
        "baseline": " (band: middle 95% of runs without a program)",
        "none": "",
    }[bands]
    if axes is None:
        fig.suptitle(
            title or f"Each group's share of management, with and without the program{what}", fontweight="bold"
        )
    return interval_kind(fig, obj)
