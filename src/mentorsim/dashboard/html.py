"""The dashboard page's style sheet and its HTML fragments: the headline, the money cards and the equity table."""

from __future__ import annotations

import html
from typing import Any

CSS = """
<style>
.ms-dash { --jp-widgets-font-size: 17px; --jp-widgets-inline-height: 38px; --jp-widgets-inline-label-width: 0px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1a1a1a; }
.ms-dash .ms-title { font-size: 26px; font-weight: 700; margin: 0; }
.ms-dash .ms-sub { font-size: 16px; color: #555; }
.ms-dash .ms-label { font-size: 16px; font-weight: 600; color: #333; margin-top: 8px; }
.ms-dash select, .ms-dash button, .ms-dash .widget-readout { font-size: 17px !important; }
.ms-dash .ms-controls { background: #f4f6f8; border-radius: 10px; padding: 8px 14px 14px 14px; }
.ms-dash .ms-headline { font-size: 30px; font-weight: 650; line-height: 1.25; color: #0b3d6e; margin: 4px 0 6px 0; }
.ms-dash .ms-headline.ms-busy { color: #7a8a99; }
.ms-dash .ms-status { font-size: 14px; color: #777; }
.ms-dash .ms-cards { display: flex; gap: 12px; margin: 4px 0 8px 0; }
.ms-dash .ms-card { flex: 1; background: #f4f6f8; border-radius: 10px; padding: 8px 12px; }
.ms-dash .ms-card .t { font-size: 15px; color: #555; }
.ms-dash .ms-card .v { font-size: 28px; font-weight: 700; color: #1a1a1a; }
.ms-dash .ms-card .d { font-size: 14px; color: #666; }
.ms-dash img.ms-chart { width: auto !important; max-width: 100%; height: auto; object-fit: contain; }
.ms-dash img.ms-ret { max-height: max(200px, calc((100vh - 320px) * 0.56)); }
.ms-dash img.ms-small { max-height: max(170px, calc((100vh - 320px) * 0.44)); }
.ms-dash img.ms-eq { max-height: max(180px, calc(100vh - 600px)); }
.ms-dash .ms-eqrow { display: flex; gap: 18px; align-items: center; }
.ms-dash .ms-eqrow .ms-label { margin-top: 0; }
.ms-dash .ms-eqtext p { font-size: 16px; line-height: 1.3; margin: 3px 0; color: #0b3d6e; }
.ms-dash table.ms-eqtab { border-collapse: collapse; font-size: 16px; line-height: 1.3; margin: 4px 0 0 0; }
.ms-dash table.ms-eqtab th, .ms-dash table.ms-eqtab td { padding: 1px 12px; text-align: right; white-space: nowrap; }
.ms-dash table.ms-eqtab th:first-child, .ms-dash table.ms-eqtab td:first-child { text-align: left; }
.ms-dash table.ms-eqtab .d { font-size: 13px; color: #666; }
@media (max-height: 820px) {
  .ms-dash { --jp-widgets-font-size: 15px; --jp-widgets-inline-height: 30px; }
  .ms-dash .ms-title { font-size: 21px; } .ms-dash .ms-sub { font-size: 14px; }
  .ms-dash .ms-label { font-size: 14px; margin-top: 3px; }
  .ms-dash select, .ms-dash button, .ms-dash .widget-readout { font-size: 15px !important; }
  .ms-dash .ms-headline { font-size: 25px; }
  .ms-dash .ms-card { padding: 4px 10px; } .ms-dash .ms-card .v { font-size: 23px; }
  .ms-dash .ms-card .t, .ms-dash .ms-card .d { font-size: 13px; }
  .ms-dash img.ms-ret { max-height: max(180px, calc((100vh - 305px) * 0.56)); }
  .ms-dash img.ms-small { max-height: max(150px, calc((100vh - 305px) * 0.44)); }
  .ms-dash .ms-eqtext p, .ms-dash table.ms-eqtab { font-size: 14px; }
  .ms-dash img.ms-eq { max-height: max(160px, calc(100vh - 560px)); }
}
</style>
"""


def _pts(v: float) -> str:
    return "–" if v != v else f"{round(v * 100, 1) + 0.0:+.1f} pts"


def equity_html(rows: list[dict[str, Any]], sentences: list[str], horizon_weeks: int) -> str:
    """The equity view's sentences and a row per group: still here, share of levels 4-5, informal mentor and
    reached by the program; each with no program, the program and the change."""

    def cell(r: dict[str, Any], m: str) -> str:
        return (
            f"<td data-metric='{m}' data-value='{r[m]!r}' data-base='{r[m + '_base']!r}'>{r[m + '_base']:.0%} → "
            f"<b>{r[m]:.0%}</b> <span class='d'>{_pts(r[m + '_diff'])}</span></td>"
        )

    years = min(156, horizon_weeks) / 52
    head = (
        f"<tr><th>no program → program</th><th>still here after {years:g} y</th>"
        "<th>of levels 4-5</th><th>informal mentor</th><th>in the program</th></tr>"
    )
    body = "".join(
        f"<tr data-group='{html.escape(r['group'])}'><td>{html.escape(r['label'])}</td>"
        f"{cell(r, 'retention_36m')}{cell(r, 'management_share')}{cell(r, 'informal_mentor_share')}"
        f"<td data-metric='reached' data-value='{r['reached']!r}'><b>{r['reached']:.0%}</b></td></tr>"
        for r in rows
    )
    table = f"<table class='ms-eqtab'><thead>{head}</thead><tbody>{body}</tbody></table>" if rows else ""
    words = "".join(f"<p>{html.escape(t)}</p>" for t in sentences)
    return f"<div class='ms-eqtext'>{words}</div>{table}"


def headline_html(text: str) -> str:
    """The headline sentence as HTML."""
    return f"<div class='ms-headline'>{html.escape(text)}</div>"


def cards_html(cards: list[tuple[str, str, str]]) -> str:
    """(title, value, detail) cards as HTML."""
    return (
        "<div class='ms-cards'>"
        + "".join(
            f"<div class='ms-card'><div class='t'>{html.escape(t)}</div><div class='v'>{html.escape(v)}</div>"
            f"<div class='d'>{html.escape(d)}</div></div>"
            for t, v, d in cards
        )
        + "</div>"
    )
