"""The report's figures, as base64 PNG to embed: ROI per run, money, naive gap against causal effect.

Drawn with :mod:`mentorsim.viz.plots`' figure builder and colours; the retention curves
are :func:`mentorsim.viz.plots.retention` itself. Each takes the collected data (or the
Comparison) and returns '' when there is nothing to draw.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from mentorsim.outputs import fmt
from mentorsim.outputs.comparison import Comparison
from mentorsim.viz import plots
from mentorsim.viz.style import COLORS, _figure


def _png(fig: Any) -> str:
    return base64.b64encode(plots.to_png(fig, dpi=110)).decode("ascii")


def _axes(w: float, h: float, nrows: int = 1, ncols: int = 1, **kw: Any) -> tuple[Any, Any]:
    """A figure and its grid of axes (always 2-d), without top and right spines."""
    fig, grid = _figure(None, (w, h), nrows, ncols, squeeze=False, **kw)
    for ax in grid.ravel():
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=10)
    return fig, grid


def _pct(ax: Any, axis: str = "y", pts: bool = False, digits: int = 0) -> None:
    from matplotlib.ticker import FuncFormatter

    f = FuncFormatter(lambda v, _: f"{v * 100:+.{digits}f} pts" if pts else f"{v * 100:.{digits}f}%")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(f)


def roi(data: dict) -> str:
    """Small multiples: the ROI of every simulated run, median and 95% range marked."""
    scs = [s for s in data["scenarios"] if s["roi"]["values"]]
    if not scs:
        return ""
    allv = np.concatenate([s["roi"]["values"] for s in scs])
    lo, hi = min(allv.min(), 0.0), max(allv.max(), 0.0)
    pad = 0.05 * (hi - lo or 1.0)
    bins = np.linspace(lo - pad, hi + pad, 21)
    ncols = min(len(scs), 3)  # at most three panels a row, so titles and axes stay readable
    nrows = -(-len(scs) // ncols)
    fig, grid = _axes(min(3.6 * ncols, 10.8), 2.9 * nrows, nrows, ncols, sharey=True)
    axes = grid.ravel()
    for ax in axes[len(scs) :]:
        ax.set_visible(False)
    for k, (ax, s) in enumerate(zip(axes, scs)):
        v = np.asarray(s["roi"]["values"])
        c = COLORS[k % len(COLORS)]
        ax.axvspan(s["roi"]["low"], s["roi"]["high"], color=c, alpha=0.08, lw=0)
        ax.hist(v, bins=bins, color=c, alpha=0.85, edgecolor="white")
        ax.axvline(0, color="#333", lw=1.2)
        ax.axvline(s["roi"]["median"], color=c, lw=2.5, ls="--")
        ax.set_title(
            f"{s['name']}: median {fmt.value('roi', s['roi']['median'])}\n"
            f"positive in {s['roi']['p_positive']:.0%} of runs",
            fontsize=10.5,
            loc="left",
            color=c,
            fontweight="bold",
        )
        _pct(ax, "x")
        ax.set_xlabel("ROI of one simulated run", fontsize=9.5)
    for row in grid:
        row[0].set_ylabel("simulated runs", fontsize=10)
    return _png(fig)


def retention(cmp: Comparison) -> str:
    """Share of today's workforce still employed: :func:`mentorsim.viz.plots.retention` of the Comparison."""
    return _png(plots.retention(cmp))


def money(data: dict) -> str:
    """Per scenario: program cost against turnover cost avoided, with 95% intervals."""
    scs = data["scenarios"]
    fig, ((ax,),) = _axes(7.0, 1.2 + 0.75 * len(scs))
    y = np.arange(len(scs))[::-1]
    labelled: set[str] = set()
    for k, s in enumerate(scs):
        pc, av = s["money"]["program_cost"], s["money"]["turnover_cost_avoided"]
        for off, d, c, lab in ((0.18, pc, "#b0413e", "program cost"), (-0.18, av, "#2e8b57", "turnover cost avoided")):
            if d["mean"] is None:
                continue
            err = None
            if d["ci_low"] is not None:
                err = [[d["mean"] - d["ci_low"]], [d["ci_high"] - d["mean"]]]
            ax.barh(
                y[k] + off,
                d["mean"],
                height=0.34,
                color=c,
                xerr=err,
                capsize=3,
                label=None if lab in labelled else lab,
                error_kw={"lw": 1},
            )
            labelled.add(lab)
    ax.set_yticks(y, [s["name"] for s in scs])
    ax.axvline(0, color="#333", lw=0.8)
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.value("program_cost", v)))
    ax.set_title(
        f"Over {data['meta']['horizon_weeks'] / 52:g} years (bars: mean; lines: 95% interval)",
        fontsize=10.5,
        loc="left",
    )
    if not labelled:  # nothing to draw
        return ""
    fig.legend(frameon=False, fontsize=9, loc="outside lower center", ncols=2)
    return _png(fig)


def gap(data: dict) -> str:
    """Naive participant gap beside the causal effect, for retention and promotion."""
    scs = [s for s in data["scenarios"] if s["effects"]]
    if not scs:
        return ""
    fig, (axes,) = _axes(6.4, 0.9 + 0.8 * len(scs), 1, 2, sharey=True)
    y = np.arange(len(scs))[::-1]
    labelled: set[str] = set()
    for ax, outcome, title in zip(axes, ("retention", "promotion"), ("Stayed to the end", "Promoted at least once")):
        for k, s in enumerate(scs):
            e = s["effects"].get(outcome)
            if not e:
                continue
            for off, key, c, lab in (
                (0.18, "naive", "#c9c9c9", "naive gap: mentees vs non-participants"),
                (-0.18, "causal", "#1d3557", "causal: the program's own effect"),
            ):
                m, lo, hi = (
                    e[f"{key}_gap" if key == "naive" else "causal_effect"],
                    e[f"{key}_ci_low"],
                    e[f"{key}_ci_high"],
                )
                if m is None:
                    continue
                err = [[m - lo], [hi - m]] if lo is not None else None
                ax.barh(
                    y[k] + off,
                    m,
                    height=0.34,
                    color=c,
                    xerr=err,
                    capsize=3,
                    error_kw={"lw": 1},
                    label=None if lab in labelled else lab,
                )
                labelled.add(lab)
        ax.axvline(0, color="#333", lw=0.8)
        ax.set_title(title, fontsize=10.5, loc="left")
        _pct(ax, "x", pts=True)
    axes[0].set_yticks(y, [s["name"] for s in scs])
    if not labelled:  # nothing to draw
        return ""
    fig.legend(frameon=False, fontsize=9, loc="outside lower center", ncols=2)
    return _png(fig)
