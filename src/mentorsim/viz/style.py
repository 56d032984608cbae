"""Figure helpers shared by :mod:`mentorsim.viz.plots`, the decision package and the scorecard: a figure
without pyplot, tidy axes, percent/dollar/year tick formats, and the note saying which kind of
interval a figure shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from mentorsim.outputs.results import Results


def root_figure(ax: Axes) -> Figure:
    """The figure an Axes is drawn on, also when the Axes sits in a SubFigure (which cannot be saved)."""
    fig = ax.get_figure(root=True)
    assert fig is not None, "an Axes that belongs to no figure"
    return fig


def _figure(
    ax: Axes | None, figsize: tuple[float, float], nrows: int = 1, ncols: int = 1, **kw: Any
) -> tuple[Figure, Any]:
    if ax is not None:
        return root_figure(ax), ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, ncols, **kw)
    return fig, axes


#: what a figure's bands and whiskers show, by kind of uncertainty (see mentorsim.uncertainty)
INTERVAL_KIND = {
    "noise": "95% intervals: luck only (every parameter at its value)",
    "parameters": "95% intervals: luck and what we don't know (uncertain parameters drawn)",
}


def interval_kind(fig: Figure, obj: Any) -> Figure:
    """Say on ``fig`` (bottom right, small) which kind of interval it shows; returns ``fig``."""
    kind = getattr(obj, "uncertainty", "noise")
    if not any(getattr(t, "_mentorsim_kind", False) for t in fig.texts):
        t = fig.text(
            0.995,
            0.002,
            INTERVAL_KIND.get(kind, INTERVAL_KIND["noise"]),
            ha="right",
            va="bottom",
            fontsize="x-small",
            color="0.35",
        )
        t._mentorsim_kind = True  # type: ignore[attr-defined]
    return fig


def _tidy(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, axis="y", alpha=0.3)


def _pct_axis(ax: Axes, axis: str = "y", points: bool = False) -> None:
    from matplotlib.ticker import FuncFormatter

    if points:  # differences: the axis label says "percentage points"
        f = FuncFormatter(lambda v, _: f"{round(v * 100, 2):+g}" if round(v * 100, 2) else "0")
    else:
        f = FuncFormatter(lambda v, _: f"{round(v * 100, 1):g}%")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(f)


def _usd_axis(ax: Axes, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    def f(v: float, _: Any) -> str:
        a = abs(v)
        s = f"${a / 1e6:.1f}M" if a >= 1e6 else f"${a / 1e3:.0f}k" if a >= 1e3 else f"${a:.0f}"
        return ("-" if v < 0 else "") + s

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(f))


def _years_axis(ax: Axes, horizon: int) -> None:
    step = 13 if horizon <= 104 else 26
    ticks = np.arange(0, horizon + 1, step)
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t / 52:g}y" if t % 52 == 0 else "" for t in ticks])
    ax.set_xlim(0, horizon)
    ax.set_xlabel("Time since the program started (years)")


#: Colours: the baseline is always grey; programs take the others in order.
BASELINE_COLOR = "#7f7f7f"


COLORS = ("#1f77b4", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")


#: Matplotlib settings of the presenter (big) style used by the dashboard.
PRESENTER_RC: dict[str, Any] = {
    "font.size": 15,
    "axes.titlesize": 17,
    "axes.labelsize": 15,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "axes.titleweight": "bold",
}


def label(name: str) -> str:
    """A scenario name as words: 'one_on_one' -> 'One on one'."""
    s = name.replace("_", " ").strip()
    return s[:1].upper() + s[1:]


# ---- helpers -------------------------------------------------------------------------------
def _as_pair(obj: Any, baseline: Results | None) -> tuple[Results | None, list[Results]]:
    """(baseline, programs) from a Comparison, or from a Results and an optional baseline."""
    from mentorsim.outputs.comparison import Comparison
    from mentorsim.outputs.results import Results

    if isinstance(obj, Comparison):
        return obj.baseline, list(obj.results[1:])
    if isinstance(obj, Results):
        return baseline, [obj]
    raise TypeError(f"expected mentorsim Results or Comparison, got {type(obj).__name__}")


def _select(programs: list[Results], scenarios: Sequence[str] | str | None) -> list[Results]:
    if scenarios is None:
        return programs
    want = [scenarios] if isinstance(scenarios, str) else list(scenarios)
    have = {r.name: r for r in programs}
    missing = [w for w in want if w not in have]
    if missing:
        raise KeyError(f"no scenario named {missing[0]!r}; have {sorted(have)}")
    return [have[w] for w in want]
