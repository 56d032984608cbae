"""Formatting numbers for people: one place for units, used by the CLI, plots, report and dashboard."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from mentorsim.schema.metrics import METRICS, PAIRED


def value(metric: str, v: float, diff: bool = False) -> str:
    """A metric value in its unit, e.g. 0.512 -> '51.2%', 1.3e6 -> '$1.30M'."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    meta = METRICS.get(metric) or PAIRED.get(metric)
    unit = meta.unit if meta is not None else ""
    sign = "+" if diff and v > 0 else ""
    if unit in ("share", "per month", "per year"):
        return f"{sign}{v * 100:.{2 if abs(v) < 0.1 else 1}f}%" + (" pts" if diff else "")
    if unit == "USD":
        a = abs(v)
        s = f"${a / 1e6:.2f}M" if a >= 1e6 else f"${a / 1e3:.0f}k" if a >= 1e3 else f"${a:.0f}"
        return ("-" if v < 0 else sign) + s
    if unit == "0..1":
        return f"{sign}{v:.3f}"
    if unit == "return per dollar of program cost":  # ROI
        return f"{sign}{v * 100:.0f}%"
    return f"{sign}{v:,.1f}" if abs(v) < 100 else f"{sign}{v:,.0f}"


def summary_table(summary: pd.DataFrame) -> str:
    """A summary frame as aligned text: metric label, mean, 95% interval."""
    rows = [("metric", "mean", "95% interval")]
    for m, r in summary.iterrows():
        label = METRICS[m].label if m in METRICS else m
        ci = "-" if math.isnan(r.ci_low) else f"{value(m, r.ci_low)} to {value(m, r.ci_high)}"
        rows.append((f"{label} [{m}]", value(m, r["mean"]), ci))
    return _align(rows)


def compare_table(table: pd.DataFrame) -> str:
    """A Comparison.table() as aligned text, one block per scenario."""
    out = []
    for name, g in table.groupby("scenario", sort=False):
        rows = [(f"{name} vs baseline", "difference", "95% interval", "P(better)")]
        for _, r in g.iterrows():
            m = r.metric
            label = f"{PAIRED[m].label} (mean)" if m in PAIRED else METRICS[m].label
            diff = m not in PAIRED
            ci = "-" if math.isnan(r.ci_low) else f"{value(m, r.ci_low, diff)} to {value(m, r.ci_high, diff)}"
            rows.append((f"{label} [{m}]", value(m, r.diff_mean, diff), ci, f"{r.p_better:.0%}"))
        out.append(_align(rows))
    return "\n\n".join(out)


def _align(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
