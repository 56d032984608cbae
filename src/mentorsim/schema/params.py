"""The parameter register: every scenario parameter with its default, unit, range and source.

Generated from the scenario schema (``param(...)`` of mentorsim.schema.validation, used throughout scenario.py), never written
by hand, so it cannot drift from the model::

    import mentorsim as ms
    ms.parameter_register()          # DataFrame, one row per parameter
    print(ms.params.register_text())  # aligned text table (``mentorsim params``)
    ms.params.register_markdown()     # Markdown (docs/parameters.md)
    ms.params.assumptions()           # parameters with no evidence, and their sensitivity ranges

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
from mentorsim.schema.validation import field_bounds

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

#: Assumption-sourced parameters that describe the organisation or the design being tried
#: (set them to your case) rather than uncertain model mechanics: not varied by default.
INPUTS = frozenset(
    {
        "horizon_weeks",
        "workforce.size",
        "workforce.level_shares",
        "workforce.persona_shares",
        "program.format",
        "program.mentor_min_level",
        "program.min_tenure_weeks",
        "program.mentor_capacity",
        "program.commitments_per_session",
        "program.circle_size",
        "program.sponsor_capacity",
        "costs.hourly_cost_by_level",
        "costs.annual_salary_by_level",
        "costs.admin_per_participant_per_year",
        "costs.learning_credit_per_mentor_per_year",
        "costs.celebration_per_mentor_per_year",
        "costs.prep_hours_per_session",
    }
)

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
                "description": field.description or "",
            }
        )
    from mentorsim.uncertainty import distribution, role

    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("role", "distribution")])
    out.insert(10, "role", [role(r) for _, r in out.iterrows()])
    out.insert(11, "distribution", [distribution(r) for _, r in out.iterrows()])
    return out


def _sens_text(row) -> str:
    if math.isnan(row["sensitivity_low"]):
        return ""
    return f"{_fmt_num(row['sensitivity_low'])} to {_fmt_num(row['sensitivity_high'])}"


def assumptions(register: pd.DataFrame | None = None) -> pd.DataFrame:
    """Parameters with no evidence behind them (source "assumption"), with the range to vary them over.

    ``sensitivity_low/high`` is the range declared in the schema when there is one
    (``range_basis`` "declared"); otherwise, for a numeric parameter, the default
    +-50% clipped to its allowed range ("default +-50%"); for a list of values, each
    value scaled +-20%. Parameters in :data:`INPUTS` describe your organisation or the
    design being tried: set them to your case ("your input", no range). Format and recognition
    effect sizes are scenario fields under ``effects.`` and appear here like any other parameter.
    """
    reg = parameter_register() if register is None else register
    a = reg[reg.source_kind == "assumption"].copy()
    basis, lows, highs = [], [], []
    for _, r in a.iterrows():
        d = r["default"]
        if r["name"] in INPUTS and math.isnan(r["sensitivity_low"]):
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


def _display_rows(reg: pd.DataFrame) -> list[tuple[str, ...]]:
    out = []
    for _, r in reg.iterrows():
        drawn = r["distribution"] or ("-" if r["role"] != "fixed" else "not drawn (no range)")
        out.append(
            (
                r["name"],
                _fmt_value(r["default"]),
                r["unit"],
                r["allowed"],
                r["source"],
                _sens_text(r),
                r["role"],
                drawn,
                r["description"],
            )
        )
    return out


HEAD = ("parameter", "default", "unit", "allowed", "source", "sensitivity", "role", "drawn from", "description")


def register_text(assumptions_only: bool = False, width: int = 60) -> str:
    """The register as an aligned text table (descriptions cut to ``width`` characters)."""
    reg = parameter_register()
    if assumptions_only:
        return assumptions_text()
    rows = [HEAD] + [r[:-1] + (_cut(r[-1], width),) for r in _display_rows(reg)]
    return _align(rows)


def assumptions_text() -> str:
    """The assumptions (no evidence behind them) with the range to use in sensitivity analysis, as text."""
    a = assumptions()
    rows = [("parameter", "default", "unit", "vary from", "to", "basis")]
    for _, r in a.iterrows():
        low = "-" if math.isnan(r["sensitivity_low"]) else _fmt_num(r["sensitivity_low"])
        high = "-" if math.isnan(r["sensitivity_high"]) else _fmt_num(r["sensitivity_high"])
        rows.append((r["name"], _fmt_value(r["default"]), r["unit"], low, high, r["range_basis"]))
    out = [_align(rows)]
    return "\n\n".join(out)


def _cut(s: str, width: int) -> str:
    return s if len(s) <= width else s[: width - 3].rstrip() + "..."


def _align(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _md_cell(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def _md_table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
    lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def register_markdown() -> str:
    """The full parameter register as a Markdown page (the content of docs/parameters.md)."""
    reg = parameter_register()
    parts = [
        "# Parameter register",
        "",
        "<!-- Generated from the scenario schema by `python tools/gen_param_docs.py`; do not edit by hand.",
        "     tests/test_params.py fails when this file and the schema drift. -->",
        "",
        "Every parameter of a scenario, with its default, unit, allowed range and source. A source is",
        "an evidence ID of the calibration targets (C1-C7), a topic of the evidence defaults table, or",
        '"assumption": a value with no published evidence behind it, to be varied in sensitivity',
        "analysis. `mentorsim params` prints the same table; `mentorsim params --assumptions` prints",
        "the assumptions with the range to vary them over. Set any parameter in a scenario file",
        "(`workforce:`, `program:`, `costs:` blocks) or with a dotted override such as",
        '`sc.with_overrides({"program.cadence": "weekly"})`.',
        "",
        "The role says what a parameter is: a **lever** (a program choice), an **input** (a fact of your",
        "organisation or a price), **uncertain** (how the world works or how strongly sessions act: drawn",
        "from its distribution, uniform on its sensitivity range or triangular around an evidence-backed",
        'default, when you run with `uncertainty="parameters"`) or **fixed** (no range declared).',
        "",
    ]
    for section, title in (
        ("horizon_weeks", "Run"),
        ("workforce.", "Workforce"),
        ("program.", "Program"),
        ("costs.", "Costs"),
        ("effects.", "Effect sizes of formats and recognition policies"),
        ("mechanics.", "Mechanisms"),
    ):
        sub = reg[reg.name.str.startswith(section)]
        if not len(sub):
            continue
        parts += [
            f"## {title}",
            "",
            _md_table(HEAD, [tuple(f"`{c}`" if i == 0 else c for i, c in enumerate(r)) for r in _display_rows(sub)]),
            "",
        ]
    counts = reg.source_kind.value_counts()
    parts += [
        "## Sources",
        "",
        f"{counts.get('evidence', 0)} parameters rest on a calibration target, "
        f"{counts.get('defaults table', 0)} on a figure of the defaults table, and "
        f"{counts.get('assumption', 0)} are assumptions.",
        "",
        _md_table(("ID", "figure"), [(k, v) for k, v in EVIDENCE_IDS.items()]),
        "",
        _md_table(("defaults-table topic", "figure"), [(k, v) for k, v in DEFAULTS_TOPICS.items()]),
        "",
        "## Assumptions and the ranges to vary them over",
        "",
        "These parameters have no published evidence behind them (EVIDENCE.md lists no workplace",
        "evidence on circles, peer mentoring or mentor boards, nor on cadence beyond C6). Vary them",
        "over these ranges in a sensitivity analysis (for example a Latin hypercube or Sobol sweep)",
        'before trusting a difference that depends on them. "declared" ranges come from the schema;',
        '"default +-50%" is the default +-50% within the allowed range. "your input" marks what',
        "describes your organisation or the design you are trying (headcount, costs, capacities):",
        "set those to your case rather than varying them.",
        "",
    ]
    a = assumptions(reg)
    arow = []
    for _, r in a.iterrows():
        low = "-" if math.isnan(r["sensitivity_low"]) else _fmt_num(r["sensitivity_low"])
        high = "-" if math.isnan(r["sensitivity_high"]) else _fmt_num(r["sensitivity_high"])
        arow.append((f"`{r['name']}`", _fmt_value(r["default"]), r["unit"], low, high, r["range_basis"]))
    parts += [_md_table(("parameter", "default", "unit", "vary from", "to", "basis"), arow), ""]
    sens = reg[~reg.sensitivity_low.isna() & (reg.source_kind != "assumption")]
    if len(sens):
        parts += [
            "## Evidence-based parameters with a sensitivity range",
            "",
            "These rest on evidence, but the evidence gives a range; vary them over it too.",
            "",
            _md_table(
                ("parameter", "default", "unit", "source", "vary from", "to"),
                [
                    (
                        f"`{r['name']}`",
                        _fmt_value(r["default"]),
                        r["unit"],
                        r["source"],
                        _fmt_num(r["sensitivity_low"]),
                        _fmt_num(r["sensitivity_high"]),
                    )
                    for _, r in sens.iterrows()
                ],
            ),
            "",
        ]
    return "\n".join(parts)
