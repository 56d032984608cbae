"""Decision figures: the acceptability curve (the chance each design is best, by what a kept person is
worth) and the value of information by parameter."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mentorsim.outputs.decision.benefit import _UNIT_WORDS, _design_label, _kind, acceptability
from mentorsim.outputs.decision.voi import _money, value_of_information
from mentorsim.viz import style

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from mentorsim.outputs.comparison import Comparison


def acceptability_plot(
    cmp: Comparison,
    value_of: str | None = "retained",
    values: Sequence[float] | None = None,
    fixed: Mapping[str, float] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """The acceptability curve as a figure: x what one unit of ``value_of`` is worth (USD), y the chance
    each design is best, one line per design (the baseline grey and dashed, as in :mod:`mentorsim.viz.plots`)."""
    kind = _kind(value_of)
    t = acceptability(cmp, kind, values, fixed)
    fig, ax = style._figure(ax, (9, 4.8))
    for i, r in enumerate(cmp.results):
        g = t[t.scenario == r.name]
        base = i == 0
        ax.plot(
            g["value"],
            g["p_best"],
            color=style.BASELINE_COLOR if base else style.COLORS[(i - 1) % len(style.COLORS)],
            linestyle="--" if base else "-",
            linewidth=2.2 if base else 2.5,
            label=_design_label(r, base),
            zorder=3 if base else 2,
        )
    style._usd_axis(ax, "x")
    style._pct_axis(ax)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(float(t["value"].min()), float(t["value"].max()) or 1.0)
    ax.set_xlabel(_UNIT_WORDS[kind][1])
    ax.set_ylabel("Chance of being the best choice")
    ax.set_title(title or f"Which design is best, depending on what one {_UNIT_WORDS[kind][0]} is worth")
    ax.legend(loc="best", frameon=False)
    style._tidy(ax)
    return style.interval_kind(fig, cmp)


def voi_plot(
    obj: Comparison | pd.DataFrame,
    value_of: Mapping[str, float] | None = None,
    top: int = 12,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Horizontal bars of EVPPI by parameter, largest at the top (the ``top`` largest above 0), with the
    value of learning every parameter at once as a dashed line. ``obj``: a :func:`value_of_information`
    table, or a Comparison (then computed with ``value_of``). With nothing above 0 the figure says why."""
    t = obj if isinstance(obj, pd.DataFrame) else value_of_information(obj, value_of)
    parts = t[(t.parameter != "all") & (t.evppi > 0)].sort_values("evppi", ascending=False)
    total = float(t.loc[t.parameter == "all", "evppi"].iloc[0]) if (t.parameter == "all").any() else 0.0
    shown = parts.head(max(int(top), 1))
    fig, ax = style._figure(ax, (9, 0.38 * max(len(shown), 3) + 1.8))
    xlabel = "Most a study that measured it could be worth (USD)"
    if shown.empty:
        n_par = int((t.parameter != "all").sum())
        why = t.attrs.get("note") or (
            f"none of the {n_par} unknowns changes which design is best"
            if n_par
            else "no uncertain parameter was drawn"
        )
        ax.text(
            0.5,
            0.5,
            textwrap.fill(why[:1].upper() + why[1:] + ".", 80),
            transform=ax.transAxes,
            ha="center",
            va="center",
            color="#444444",
        )
        ax.set_yticks([])
        ax.set_xticks([])
        ax.spines[["left", "bottom"]].set_visible(False)
    else:
        y = np.arange(len(shown))[::-1]
        ax.barh(y, shown.evppi.to_numpy(), color=style.COLORS[0], height=0.65)
        ax.set_yticks(y)
        ax.set_yticklabels(shown.parameter.tolist())
        ax.set_ylim(-0.6, len(shown) - 0.4)
        if total > 0:
            ax.axvline(total, color=style.BASELINE_COLOR, linestyle="--", linewidth=1.5)
            ax.annotate(
                f"every unknown at once: {_money(total)}",
                (total, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(-4, -2),
                textcoords="offset points",
                ha="right",
                va="top",
                color="#555555",
                fontsize="small",
            )
        rest = int((t.parameter != "all").sum()) - len(shown)
        if rest > 0:
            xlabel += f"\n{rest} other parameters: at most {_money(shown.evppi.iloc[-1])} each"
        ax.set_xlim(left=0, right=max(total, 1.0) * 1.05)
        style._usd_axis(ax, "x")
        ax.set_xlabel(xlabel)
    ax.set_title(title or "Which unknown is worth measuring before choosing a design")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, axis="x", alpha=0.3)
    return fig
