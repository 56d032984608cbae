"""Numbers and values as the report writes them: escaping, units, intervals, horizons."""

from __future__ import annotations

import html
import json
from typing import Any

from mentorsim.outputs import fmt
from mentorsim.schema.metrics import METRICS, retention_metric

#: HTML escaping of every text the report writes.
E = html.escape

#: what must not appear raw in JSON inside a ``<script>`` element, and its JSON escape
_IN_SCRIPT = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: Any) -> str:
    """``data`` as JSON that can sit inside a ``<script>`` element whatever its strings hold.

    ``<``, ``>`` and ``&`` (which can only occur inside JSON strings) and the line separators U+2028 and
    U+2029 are written as ``\\uXXXX`` escapes, so a name such as ``</script>`` or ``<!--<script>`` cannot end
    the element or change how the browser parses it; ``json.loads`` reads the same data back.

    >>> s = script_json({"name": "</script><!--<script>&"})
    >>> any(c in s for c in "<>&"), json.loads(s)["name"]
    (False, '</script><!--<script>&')
    """
    s = json.dumps(data, allow_nan=False)
    for raw, escaped in _IN_SCRIPT.items():
        s = s.replace(raw, escaped)
    return s


#: The retention metric of each horizon in words.
RETENTION_YEARS = {"retention_12m": "1 year", "retention_24m": "2 years", "retention_36m": "3 years"}


def num(v: float | None, metric: str, diff: bool = False) -> str:
    """A value of ``metric`` in its unit ('–' when there is none); ``diff``: a signed difference."""
    if v is None:
        return "–"
    if METRICS.get(metric) is not None and METRICS[metric].unit == "0..1":  # engagement: 0.612, +0.025
        return f"{'+' if diff and v > 0 else ''}{v:.3f}"
    return fmt.value(metric, v, diff)


def pts(v: float | None, words: bool = True) -> str:
    """A difference of shares in percentage points, for sentences: 0.0474 -> '4.7 percentage points'."""
    if v is None:
        return "–"
    return f"{v * 100:.1f} percentage points" if words else f"{v * 100:+.1f}"


def span(d: dict, metric: str, diff: bool = False, lo: str = "ci_low", hi: str = "ci_high") -> str:
    """An interval 'a to b' of ``d[lo]`` and ``d[hi]``, or '' when it has no ends."""
    if d.get(lo) is None or d.get(hi) is None:
        return ""
    return f"{num(d[lo], metric, diff)} to {num(d[hi], metric, diff)}"


def years(weeks: int) -> str:
    """A horizon in words ("3 years")."""
    y = weeks / 52
    return f"{y:g} year{'s' if y != 1 else ''}"


def retention_key(data: dict) -> str:
    """The longest retention metric the horizon of the report's data covers."""
    return retention_metric(data["meta"]["horizon_weeks"]) or "retention_12m"


def attr(v: Any) -> str:
    """A number for a ``data-*`` attribute ('' for none)."""
    return "" if v is None else repr(float(v))


def show(v: Any) -> str:
    """A scenario value in words: 0.5 -> '0.5', (1, 2) -> '1, 2', True -> 'yes'."""
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (tuple, list)):
        return ", ".join(show(x) for x in v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def unit(u: str) -> str:
    """A unit as a small HTML suffix (empty for none)."""
    return "" if u in ("", "-") else f' <span class="sub">{E(u)}</span>'
