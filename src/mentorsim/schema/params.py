"""The parameter register: every scenario parameter with its default, unit, range and source.

Generated from the scenario schema (``param(...)`` of mentorsim.schema.validation, used throughout scenario.py), never written
by hand, so it cannot drift from the model::

    import mentorsim as ms
    from mentorsim.schema import params, register_text
    ms.parameter_register()                  # DataFrame, one row per parameter
    print(register_text.register_text())    # aligned text table (``mentorsim params``)
    register_text.register_markdown()       # Markdown (docs/parameters.md)
    params.assumptions()                    # parameters with no evidence, and their sensitivity ranges

A source is an evidence ID of EVIDENCE.md (C1..C7), a topic of its defaults
table (e.g. "mentor time"), or the word "assumption".
"""

from __future__ import annotations

import math
import types
import typing
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel

from mentorsim.schema.evidence import DEFAULTS, EVIDENCE, TOPIC_ALIASES
from mentorsim.schema.scenario import Scenario
from mentorsim.schema.validation import choices, field_bounds

#: The figures alone, by ID and by topic.
EVIDENCE_IDS: dict[str, str] = {k: e.figure for k, e in EVIDENCE.items()}
DEFAULTS_TOPICS: dict[str, str] = {k: e.figure for k, e in DEFAULTS.items()}

ASSUMPTION = "assumption"

#: Fields of the scenario that are labels, not model parameters.
LABEL_FIELDS = frozenset({"name", "description"})

#: Ranges enforced by validators rather than by ge/le, in words. tests/test_params.py
#: checks that each claim is really enforced (out-of-range values are rejected).
VALIDATOR_RANGES: dict[str, str] = {
    "workforce.level_shares": "5 shares, each >= 0, summing to 1",
    "workforce.persona_shares": "4 shares, each >= 0, summing to 1",
    "program.cadence": "weekly, biweekly, monthly, or 1 to 26 (weeks)",
    "workforce.level_hazard_multipliers": "5 values, each 0 to 10",
    "costs.hourly_cost_by_level": "5 values, each >= 0",
    "costs.annual_salary_by_level": "5 values, each >= 0",
    "costs.replacement_cost_share_by_level": "5 values, each >= 0",
    "workforce.groups": "1 to 20 groups {name, share_by_level}, distinct names, shares adding up to 1 at each level",
    "workforce.informal_mentoring.share_by_level": "5 shares, each 0 to 1",
    "program.eligibility.max_tenure_weeks": "none, or 0 to 1040 (weeks)",
    "program.eligibility.groups": "all, or a list of names in workforce.groups",
}

#: Parameters whose range the schema does not enforce yet (reported to scenario.py's owner).
UNCHECKED = "not range-checked by the schema"

COLUMNS = [
    "name",
    "default",
    "unit",
    "allowed",
    "min",
    "max",
    "source",
    "source_kind",
    "sensitivity_low",
    "sensitivity_high",
    "role",
    "distribution",
    "description",
]


def source_kind(source: str) -> str:
    """'evidence' (C1..C7), 'defaults table' (a topic of EVIDENCE.md's table), 'assumption' or 'unknown'."""
    if source in EVIDENCE_IDS:
        return "evidence"
    if source in DEFAULTS_TOPICS or source in TOPIC_ALIASES:
        return "defaults table"
    if source == ASSUMPTION:
        return "assumption"
    return "unknown"


def _fmt_num(v: Any) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int):
        return f"{v:,}" if abs(v) >= 10_000 else str(v)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return f"{int(v):,}" if abs(v) >= 10_000 else str(int(v))
        return f"{v:g}"
    return str(v)


def _fmt_value(v: Any) -> str:
    if isinstance(v, (tuple, list)):
        return "(" + ", ".join(_fmt_num(x) for x in v) + ")"
    return _fmt_num(v)


def _allowed(name: str, field) -> str:
    ann = field.annotation
    lo, hi = field_bounds(field)
    if name in VALIDATOR_RANGES:
        return VALIDATOR_RANGES[name]
    names = choices(field)
    if names is not None:  # a registry's names (formats, policies)
        return ", ".join(names)
    if typing.get_origin(ann) is Literal:
        return ", ".join(str(a) for a in typing.get_args(ann))
    if ann is bool:
        return "true or false"
    if ann in (int, float):
        kind = "whole number" if ann is int else "number"
        if lo is not None and hi is not None:
            return f"{_fmt_num(lo)} to {_fmt_num(hi)}" + (" (whole)" if ann is int else "")
        if lo is not None:
            return f"{kind} >= {_fmt_num(lo)}"
        if hi is not None:
            return f"{kind} <= {_fmt_num(hi)}"
        return f"any {kind} ({UNCHECKED})"
    if typing.get_origin(ann) is tuple:
        return f"{len(typing.get_args(ann))} numbers ({UNCHECKED})"
    if isinstance(ann, types.UnionType) or typing.get_origin(ann) is typing.Union:
        return f"{ann} ({UNCHECKED})"
    return f"{ann} ({UNCHECKED})"


def _walk(model: type[BaseModel], prefix: str = ""):
    for key, field in model.model_fields.items():
        name = f"{prefix}{key}"
        if not prefix and key in LABEL_FIELDS:
            continue
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from _walk(ann, f"{name}.")
        else:
            yield name, field
    plugins = getattr(model, "plugin_names", None)
    for key in plugins() if plugins is not None else ():  # effect sizes of a plug-in registered at run time
        yield from _walk(model.plugin_defaults(key), f"{prefix}{key}.")  # type: ignore[attr-defined]


def role(row: Any) -> str:
    """The role of one register row: as declared (``param(role=...)``: lever, input), else ``input`` for a price
    (``costs.*``) or a non-numeric setting, ``uncertain`` for a number with a sensitivity range, ``fixed`` for one
    without."""
    declared = row.get("declared_role")
    if isinstance(declared, str):
        return declared
    d = row["default"]
    numeric = isinstance(d, (int, float)) and not isinstance(d, bool)
    if row["name"].startswith("costs.") or not numeric:
        return "input"
    return "uncertain" if not math.isnan(row["sensitivity_low"]) else "fixed"


def distribution(row: Any) -> str:
    """The distribution an uncertain parameter is drawn from, in words ('' for the others)."""
    if row["role"] != "uncertain":
        return ""
    lo, hi, d = row["sensitivity_low"], row["sensitivity_high"], row["default"]
    if row["source_kind"] in ("evidence", "defaults table") and lo < d < hi:
        return f"triangular({lo:g}, {d:g}, {hi:g})"
    return f"uniform({lo:g}, {hi:g})"


def declared(role_name: str) -> frozenset[str]:
    """The parameters declared with a role (``param(role="lever")`` or ``"input"``), from the schema alone."""
    out = set()
    for name, field in _walk(Scenario):
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if extra.get("role") == role_name:
            out.add(name)
    return frozenset(out)


def parameter_register() -> pd.DataFrame:
    """The register, one row per parameter of the scenario schema (dotted name order as in the schema).

    Columns: name, default, unit, allowed (in words), min, max (numeric bounds or NaN),
    source, source_kind (evidence / defaults table / assumption), sensitivity_low,
    sensitivity_high (the declared range for sensitivity analysis, or NaN), role (lever: a program
    choice; input: a fact of the organisation; uncertain: drawn under parameter uncertainty; fixed),
    distribution (of an uncertain one: uniform on its range, triangular around an evidence-backed
    default), description.
    """
    defaults = Scenario().model_dump(mode="json")
    rows = []
    for name, field in _walk(Scenario):
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        lo, hi = field_bounds(field)
        default: Any = defaults
        for k in name.split("."):
            default = default[k]
        if isinstance(default, list):
            default = tuple(default)
        sens = extra.get("sensitivity_range") or (math.nan, math.nan)
        source = str(extra.get("source", ""))
        rows.append(
            {
                "name": name,
                "default": default,
                "unit": str(extra.get("unit", "")),
                "allowed": _allowed(name, field),
                "min": float(lo) if lo is not None else math.nan,
                "max": float(hi) if hi is not None else math.nan,
                "source": source,
                "source_kind": source_kind(source),
                "sensitivity_low": float(sens[0]),
                "sensitivity_high": float(sens[1]),
                "declared_role": extra.get("role"),
                "description": field.description or "",
            }
        )
    out = pd.DataFrame(rows, columns=[*[c for c in COLUMNS if c not in ("role", "distribution")], "declared_role"])
    out.insert(10, "role", [role(r) for _, r in out.iterrows()])
    out = out.drop(columns="declared_role")
    out.insert(11, "distribution", [distribution(r) for _, r in out.iterrows()])
    return out


def assumptions(register: pd.DataFrame | None = None) -> pd.DataFrame:
    """Parameters with no evidence behind them (source "assumption"), with the range to vary them over.

    ``sensitivity_low/high`` is the range declared in the schema when there is one
    (``range_basis`` "declared"); otherwise, for a numeric parameter, the default
    +-50% clipped to its allowed range ("default +-50%"); for a list of values, each
    value scaled +-20%. Levers and inputs (their declared role) describe your organisation or the
    design being tried: set them to your case ("your input", no range). Format and recognition
    effect sizes are scenario fields under ``effects.`` and appear here like any other parameter.
    """
    reg = parameter_register() if register is None else register
    a = reg[reg.source_kind == "assumption"].copy()
    yours = declared("lever") | declared("input")
    basis, lows, highs = [], [], []
    for _, r in a.iterrows():
        d = r["default"]
        if (r["name"] in yours or r["name"].startswith("costs.")) and math.isnan(r["sensitivity_low"]):
            basis.append("your input")
            lows.append(math.nan)
            highs.append(math.nan)
        elif not math.isnan(r["sensitivity_low"]):
            basis.append("declared")
            lows.append(r["sensitivity_low"])
            highs.append(r["sensitivity_high"])
        elif isinstance(d, (int, float)) and not isinstance(d, bool):
            lo, hi = d * 0.5, d * 1.5
            if not math.isnan(r["min"]):
                lo = max(lo, r["min"])
            if not math.isnan(r["max"]):
                hi = min(hi, r["max"])
            if isinstance(d, int):
                lo, hi = math.floor(lo), math.ceil(hi)
            basis.append("default +-50%")
            lows.append(float(lo))
            highs.append(float(hi))
        else:
            basis.append("each option" if isinstance(d, (str, bool)) else "scale each value +-20%")
            lows.append(math.nan)
            highs.append(math.nan)
    a["sensitivity_low"] = lows
    a["sensitivity_high"] = highs
    a["range_basis"] = basis
    return a[
        ["name", "default", "unit", "allowed", "sensitivity_low", "sensitivity_high", "range_basis", "description"]
    ].reset_index(drop=True)


# ---- text and Markdown -----------------------------------------------------------------------
