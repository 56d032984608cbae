"""Figures of a design search (the front with the budget line) and of a discovered box (peeling, the box)."""

from __future__ import annotations

from typing import Any

import numpy as np

from mentorsim.schema.metrics import METRICS, PAIRED
from mentorsim.viz.style import root_figure


def _label(m: str) -> str:
    if m in PAIRED:
        return f"{PAIRED[m].label} ({PAIRED[m].unit})"
    meta = METRICS[m]
    return f"{meta.label} ({meta.unit})" if meta.unit == "USD" else f"{meta.label}: gain over no program"


def front_figure(res: Any, x: str | None, y: str | None, ax: Any, plt: Any) -> Any:
    """The designs tried, the re-run front with intervals, the best design and the budget line."""
    from mentorsim.design.spec import is_cost

    costs = [m for m in [*res.objectives, *res.budget] if is_cost(m)]
    x = x or (costs[0] if costs else list(res.objectives)[-1])
    y = y or res.primary
    made = ax is None
    if made:
        fig, ax = plt.subplots(figsize=(9, 5.5))
    else:
        fig = root_figure(ax)
    t = res.trials()
    if x in t.columns and y in t.columns:
        ax.scatter(t[x], t[y], s=14, color="0.7", label=f"designs tried ({res.replications} replications each)")
    f = res.front()
    if len(f) and x in f.columns:
        ax.errorbar(
            f[x],
            f[y],
            xerr=[f[x] - f[f"{x}_ci_low"], f[f"{x}_ci_high"] - f[x]],
            yerr=[f[y] - f[f"{y}_ci_low"], f[f"{y}_ci_high"] - f[y]],
            fmt="o",
            color="tab:blue",
            capsize=3,
            label=f"front, re-run ({res.front_replications} fresh replications, 95% intervals)",
        )
        b = f.iloc[0]
        ax.scatter(
            [b[x]],
            [b[y]],
            s=160,
            facecolors="none",
            edgecolors="tab:red",
            linewidths=2,
            label=f"best: trial {int(b['trial'])}",
            zorder=5,
        )
    if x in res.budget:
        ax.axvline(res.budget[x], color="tab:red", ls="--", label=f"budget {res.budget[x]:,.0f} USD")
    ax.set_xlabel(_label(x))
    ax.set_ylabel(_label(y))
    if METRICS.get(y) is not None and METRICS[y].unit == "share":
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v * 100:+.1f} pp"))
    if METRICS.get(x) is not None and METRICS[x].unit == "USD":
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"${v / 1000:,.0f}k"))
    ax.axhline(0, color="0.4", lw=0.8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize="small", loc="best")
    ax.set_title("Best designs for the budget (the front, re-run with fresh seeds)")
    fig.tight_layout()
    if made:  # shown once, as the returned figure (as the package's other plots are)
        plt.close(fig)
    return fig


def tradeoff_figure(box: Any, ax: Any = None) -> Any:
    """PRIM's peeling trajectory (coverage against density), the chosen box circled."""
    import matplotlib.pyplot as plt

    made = ax is None
    if made:
        fig, ax = plt.subplots(figsize=(7, 5))
    else:
        fig = root_figure(ax)
    t = box.trajectory
    sc = ax.scatter(t.coverage, t.density, c=t.res_dim, cmap="viridis", s=30)
    ax.scatter(
        [box.coverage],
        [box.density],
        s=160,
        facecolors="none",
        edgecolors="tab:red",
        linewidths=2,
        label="the chosen box",
    )
    fig.colorbar(sc, ax=ax, label="inputs restricted")
    ax.set_xlabel("coverage: share of the cases where the condition holds that the box holds")
    ax.set_ylabel("density: share of the box's cases where it holds")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower left", fontsize="small")
    ax.set_title(f"PRIM peeling trajectory: where {box.condition}")
    fig.tight_layout()
    if made:  # shown once, as the returned figure (as the package's other plots are)
        plt.close(fig)
    return fig


def box_figure(box: Any, ax: Any = None) -> Any:
    """Each restricted input's range in the data (grey) and in the box (blue), scaled to 0..1."""
    import matplotlib.pyplot as plt

    lim = box.limits
    made = ax is None
    if made:
        fig, ax = plt.subplots(figsize=(8, 0.8 + 0.7 * max(len(lim), 1)))
    else:
        fig = root_figure(ax)
    for i, r in enumerate(lim.itertuples()):
        ax.barh(i, 1.0, left=0, color="0.88")
        if r.kind == "numeric":
            span = (r.max - r.min) or 1.0
            lo, hi = (r.low - r.min) / span, (r.high - r.min) / span
            ax.barh(i, hi - lo, left=lo, color="tab:blue")
            ax.text(
                1.02, i, f"{r.low:.3g} to {r.high:.3g} (of {r.min:.3g} to {r.max:.3g})", va="center", fontsize="small"
            )
        else:
            ax.barh(i, 1.0, left=0, color="tab:blue", alpha=0.6)
            ax.text(1.02, i, f"one of {r.values}", va="center", fontsize="small")
    ax.set_yticks(np.arange(len(lim)), list(lim.input))
    ax.set_xlim(0, 1.0)
    ax.set_xticks([])
    ax.invert_yaxis()
    ax.spines[["top", "right", "bottom"]].set_visible(False)
    ax.set_title(
        f"The box: {box.condition} in {box.density:.0%} of its cases, {box.coverage:.0%} of all where it holds"
    )
    fig.tight_layout()
    if made:  # shown once, as the returned figure (as the package's other plots are)
        plt.close(fig)
    return fig
