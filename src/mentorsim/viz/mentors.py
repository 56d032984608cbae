"""Mentor-side figures: how many hours a month mentors give, against what they can, and who burns out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from mentorsim.outputs.comparison import Comparison
from mentorsim.outputs.results import Results
from mentorsim.programs import mentor_capacity_hours
from mentorsim.viz.style import (
    COLORS,
    _as_pair,
    _figure,
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


def mentor_load(
    obj: Comparison | Results,
    ax: Axes | None = None,
    scenarios: Sequence[str] | str | None = None,
    burnout: bool = True,
    title: str | None = None,
) -> Figure:
    """Average monthly hours of an active mentor over time (95% band), against the hours a mentor can give;
    with ``burnout``, a second panel counts mentors who burned out and stepped back, per 100 mentors.
    """
    _, programs = _as_pair(obj, None)
    programs = [r for r in _select(programs, scenarios) if r.scenario.program.format != "none"]
    if ax is not None:
        fig, (ax_load, ax_burn) = root_figure(ax), (ax, None)
    elif burnout:
        fig, (ax_load, ax_burn) = _figure(None, (11, 4.2), 1, 2, width_ratios=(3, 2))
    else:
        fig, ax_load = _figure(None, (9, 4.2))
        ax_burn = None
    horizon = max([r.scenario.horizon_weeks for r in programs], default=156)
    caps = set()
    top_load = 0.0
    for i, r in enumerate(programs):
        color = COLORS[i % len(COLORS)]
        c = r.curve("mentor_load_hours")
        c = c.where(c["mean"] > 0).rolling(4, min_periods=1).mean()  # a 4-week (monthly) average
        top_load = max(top_load, float(np.nanmax(c["high"].to_numpy())) if c["high"].notna().any() else 0.0)
        w = c.index.to_numpy()
        ax_load.fill_between(w, c["low"], c["high"], color=color, alpha=0.18, linewidth=0)
        ax_load.plot(w, c["mean"], color=color, linewidth=2.2, label=label(r.name))
        p = r.scenario.program
        caps.add(mentor_capacity_hours(p))
        if ax_burn is not None:
            rel = r.relationships
            b = rel[rel.reason == "burnout"].groupby(["replication", "mentor"])["end"].min()
            mentors = (r.people.role.isin(["mentor", "both"])).groupby(r.people.replication).sum()
            per_rep = []
            for rep in range(len(r.reps)):
                ends = b.loc[rep].to_numpy() if rep in b.index.get_level_values(0) else np.empty(0)
                counts = np.bincount(np.clip(ends.astype(int), 0, horizon), minlength=horizon + 1)
                per_rep.append(np.cumsum(counts) / max(int(mentors.get(rep, 0)), 1) * 100)
            v = np.array(per_rep)
            ax_burn.plot(np.arange(horizon + 1), v.mean(axis=0), color=color, linewidth=2.2, label=label(r.name))
            if len(v) > 1:
                lo, hi = np.percentile(v, [2.5, 97.5], axis=0)
                ax_burn.fill_between(np.arange(horizon + 1), lo, hi, color=color, alpha=0.18, linewidth=0)
    for cap in sorted(caps):
        ax_load.axhline(cap, color="#b22222", linestyle=":", linewidth=1.8)
        ax_load.annotate(
            f"what a mentor can give: {cap:g} h",
            (0.01, cap),
            xycoords=("axes fraction", "data"),
            xytext=(0, 4),
            textcoords="offset points",
            color="#b22222",
            fontsize="small",
        )
    _years_axis(ax_load, horizon)
    ax_load.set_ylim(bottom=0, top=max([*caps, top_load, 1.0]) * 1.25)
    ax_load.set_ylabel("Hours per month per mentor")
    ax_load.set_title(title or "Mentor load: hours a month of an active mentor")
    if len(programs) > 1:
        ax_load.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False, ncols=min(len(programs), 4))
    if not programs:
        ax_load.text(0.5, 0.5, "No program: no mentors", transform=ax_load.transAxes, ha="center", va="center")
    _tidy(ax_load)
    if ax_burn is not None:
        _years_axis(ax_burn, horizon)
        ax_burn.set_ylim(bottom=0)
        ax_burn.set_ylabel("Burned out, per 100 mentors")
        ax_burn.set_title("Mentors who burned out (cumulative)")
        _tidy(ax_burn)
    return interval_kind(fig, obj)
