"""The parameter register: complete metadata, honest ranges, docs in step with the schema."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

import mentorsim as ms
from mentorsim.commands.cli import main
from mentorsim.errors import ScenarioError
from mentorsim.schema import params, register_text

ROOT = Path(__file__).resolve().parents[1]
REG = params.parameter_register()
NAMES = list(REG.name)


def _evidence_md() -> Path | None:
    for p in (ROOT / "docs" / "EVIDENCE.md", ROOT.parent / "shared" / "EVIDENCE.md"):
        if p.exists():
            return p
    return None


def test_docs_match_schema():
    doc = ROOT / "docs" / "parameters.md"
    assert doc.exists(), "docs/parameters.md missing: run python tools/gen_param_docs.py"
    want = register_text.register_markdown().rstrip() + "\n"
    assert doc.read_text(encoding="utf-8") == want, (
        "docs/parameters.md drifted from the schema: run python tools/gen_param_docs.py"
    )


def test_every_schema_leaf_is_in_the_register():
    def leaves(doc, prefix=""):
        for k, v in doc.items():
            if isinstance(v, dict):
                yield from leaves(v, f"{prefix}{k}.")
            elif prefix or k not in params.LABEL_FIELDS:
                yield f"{prefix}{k}"

    assert sorted(leaves(ms.Scenario().model_dump(mode="json"))) == sorted(NAMES)
    assert len(set(NAMES)) == len(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_parameter_metadata(name):
    r = REG.set_index("name").loc[name]
    assert len(r.description) >= 15, f"{name}: no description"
    assert r.unit, f"{name}: no unit"
    assert r.allowed, f"{name}: no allowed range"
    assert r.source_kind in ("evidence", "defaults table", "assumption"), (
        f"{name}: source {r.source!r} is not an evidence ID, a defaults-table topic or 'assumption'"
    )
    if not math.isnan(r.sensitivity_low):
        assert r.sensitivity_low < r.sensitivity_high
        lo = -math.inf if math.isnan(r["min"]) else r["min"]
        hi = math.inf if math.isnan(r["max"]) else r["max"]
        assert lo <= r.sensitivity_low and r.sensitivity_high <= hi, f"{name}: sensitivity range outside allowed range"
        assert r.sensitivity_low <= r.default <= r.sensitivity_high, f"{name}: default outside its sensitivity range"


def _bad_values(name):
    """Values just outside the range the register claims; each must be rejected."""
    r = REG.set_index("name").loc[name]
    d = r.default
    if not math.isnan(r["min"]):
        yield r["min"] - (1 if isinstance(d, int) else abs(r["min"]) * 0.01 + 1e-6)
    if not math.isnan(r["max"]):
        yield r["max"] + (1 if isinstance(d, int) else abs(r["max"]) * 0.01 + 1e-6)
    if isinstance(d, tuple):
        yield (-0.1,) + d[1:]
        yield tuple(x * 3 + 1 for x in d) if "sum" in r.allowed else (float("nan"),) + d[1:]
        yield d[:-1]
    if isinstance(d, str) and name != "program.cadence":
        yield "no_such_option"
    if name == "program.cadence":
        yield from ("fortnightly", 0.5, 27)
    if isinstance(d, bool):
        yield "maybe"


RANGE_UNCHECKED = {n for n in NAMES if params.UNCHECKED in REG.set_index("name").loc[n, "allowed"]}


@pytest.mark.parametrize("name", NAMES)
def test_claimed_range_is_enforced(name):
    if name in RANGE_UNCHECKED:
        pytest.xfail(f"{name}: the schema does not bound it yet (scenario.py)")
    sc = ms.Scenario()
    bad = list(_bad_values(name))
    assert bad, f"{name}: no allowed range to check"
    for v in bad:
        with pytest.raises(ScenarioError, match=re.escape(name.split(".")[-1])):
            sc.with_overrides({name: v})


def test_unchecked_ranges_are_known():
    assert RANGE_UNCHECKED == set()


def test_sources_match_evidence_md():
    p = _evidence_md()
    assert p is not None, "docs/EVIDENCE.md is missing"
    text = p.read_text(encoding="utf-8")
    ids = set(re.findall(r"^\| (C\d+) \|", text, flags=re.M))
    assert ids == set(params.EVIDENCE_IDS)
    defaults = text.split("## Defaults and ranges", 1)[1]
    topics = {m.strip() for m in re.findall(r"^\| ([^|]+) \|", defaults, flags=re.M)} - {"topic", "---"}
    topics = {t for t in topics if not set(t) <= {"-", " "}}
    assert topics == set(params.DEFAULTS_TOPICS)


def test_assumptions_listed_with_ranges():
    a = params.assumptions()
    assert set(a.name) == set(REG[REG.source_kind == "assumption"].name)
    assert "program.boundaries" in set(a.name)
    for _, r in a.iterrows():
        if r.range_basis in ("declared", "default +-50%"):
            assert r.sensitivity_low <= r.sensitivity_high
        else:
            assert r.range_basis in ("your input", "each option", "scale each value +-20%")
    # the format effects with no workplace evidence (circles, peer, boards) are listed
    for fmt in ("peer", "circle", "micro_board"):
        assert a.name.str.startswith(f"effects.{fmt}.").any()


def test_cli_params(capsys):
    assert main(["params"]) == 0
    out = capsys.readouterr().out
    assert "workforce.base_weekly_quit_hazard" in out and "C1" in out
    assert main(["params", "--assumptions"]) == 0
    out = capsys.readouterr().out
    assert "program.boundaries" in out and "effects.circle.engagement" in out
    assert "workforce.base_weekly_quit_hazard" not in out
    assert main(["params", "--markdown"]) == 0
    assert capsys.readouterr().out.startswith("# Parameter register")


def test_cli_params_help_has_example(capsys):
    assert main(["params", "--help"]) == 0
    assert "mentorsim params --assumptions" in capsys.readouterr().out


def test_the_register_owns_each_parameter_role():
    """A role is declared where the parameter is (param(role=...)): the register's levers and inputs are exactly
    the declared ones (plus prices and non-numeric settings as inputs), and nothing else keeps a list of them."""
    from mentorsim.schema.params import declared
    from mentorsim.uncertainty import LEVERS

    reg = ms.parameter_register().set_index("name")
    assert set(reg.index[reg.role == "lever"]) == set(declared("lever")) == set(LEVERS)
    assert {"program.format", "program.cadence", "program.eligibility.groups"} <= set(LEVERS)
    assert {"workforce.size", "horizon_weeks", "workforce.level_shares"} <= set(declared("input"))
    assert (reg.loc[list(declared("input")), "role"] == "input").all()
    assert not (set(reg.index[reg.role == "uncertain"]) & (declared("lever") | declared("input")))
    import mentorsim.schema.params as params_module
    import mentorsim.uncertainty as unc

    assert not hasattr(params_module, "INPUTS") and "role" not in vars(unc)  # one place for roles
