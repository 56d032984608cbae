"""The parameter register as text and Markdown (``mentorsim params``, docs/parameters.md)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from mentorsim.schema.params import DEFAULTS_TOPICS, EVIDENCE_IDS, _fmt_num, _fmt_value, assumptions, parameter_register


def _sens_text(row) -> str:
    if math.isnan(row["sensitivity_low"]):
        return ""
    return f"{_fmt_num(row['sensitivity_low'])} to {_fmt_num(row['sensitivity_high'])}"


def _display_rows(reg: pd.DataFrame) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
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


def _align(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _md_cell(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def _md_table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
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
