"""Calibration: targets validation, recovering a mis-set parameter, the evidence targets file."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

import mentorsim as ms
from mentorsim.calibrate import FREE_PARAMETERS, Calibration, load_targets
from mentorsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")
ONE_ON_ONE = str(ROOT / "scenarios" / "one_on_one.yaml")
SMALL = {"workforce.size": 300, "horizon_weeks": 104}


def _write(tmp_path: Path, doc) -> Path:
    p = tmp_path / "targets.yaml"
    p.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return p


def _quit(value=0.022, tol=0.003, **extra):
    return {"monthly_quit_rate": {"value": value, "tolerance": tol, **extra}}


# ---- validation ----------------------------------------------------------------------------

BAD = [
    ({"scenario": BASELINE, "targets": {"monthly_quit_rte": {"value": 0.02, "tolerance": 0.003}}},
     "targets.monthly_quit_rte", "did you mean 'targets.monthly_quit_rate'"),
    ({"scenario": BASELINE, "targets": _quit(value=2.2)}, "targets.monthly_quit_rate.value", "0.022"),
    ({"scenario": BASELINE, "targets": _quit(tol=-0.01)}, "targets.monthly_quit_rate.tolerance", "-0.01"),
    ({"scenario": BASELINE, "targets": _quit(tolerence=0.1)}, "targets.monthly_quit_rate.tolerence",
     "did you mean 'targets.monthly_quit_rate.tolerance'"),
    ({"scenario": BASELINE, "targets": {}}, "targets", "monthly_quit_rate"),
    ({"targets": _quit()}, "scenario", "required"),
    ({"scenario": "no_such.yaml", "targets": _quit()}, "scenario", "no_such.yaml"),
    ({"scenario": BASELINE, "overrides": {"workforce.sise": 300}, "targets": _quit()}, "workforce.sise",
     "did you mean 'workforce.size'"),
    ({"scenario": BASELINE, "targets": {"monthly_quit_rate": 0.02}}, "targets.monthly_quit_rate", "tolerance"),
    ({"scenario": BASELINE, "targets": _quit(parameter="workforce.base_weekly_quit_hazrd")},
     "targets.monthly_quit_rate.parameter", "did you mean 'workforce.base_weekly_quit_hazard'"),
    ({"scenario": BASELINE, "targets": _quit(search=[0.01, 0.001])}, "targets.monthly_quit_rate.search", "low < high"),
    ({"scenario": BASELINE, "targets": _quit(search=[0.001, 0.5])}, "targets.monthly_quit_rate.search", "0.2"),
    ({"scenario": BASELINE, "targets": {"participant_retention_gap": {"value": 0.46, "tolerance": 0.1}}},
     "targets.participant_retention_gap", "program"),
    ({"scenario": ONE_ON_ONE, "targets": {"participant_retention_gap": {"value": 0.46, "tolerance": 0.1,
                                                                       "measure": "ratio"}}},
     "targets.participant_retention_gap.measure", "hazard_ratio"),
    ({"scenario": BASELINE, "replications": 0, "targets": _quit()}, "replications", "0"),
    ({"scenario": BASELINE, "targets": {**_quit(), "first_year_quit_share": {
        "value": 0.3, "tolerance": 0.05, "parameter": "workforce.base_weekly_quit_hazard"}}},
     "targets.first_year_quit_share.parameter", "already fits"),
    ("scenario: [oops\n", "line", "invalid YAML"),
    ("- just a list\n", "mapping", "list"),
]


@pytest.mark.parametrize("doc,field,hint", BAD, ids=[b[1] + ":" + b[2][:12] for b in BAD])
def test_bad_targets_one_line_exit_2(tmp_path, capsys, doc, field, hint):
    p = _write(tmp_path, doc)
    assert main(["calibrate", str(p)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    assert str(p) in err
    assert field in err and hint in err, err


def test_bad_targets_raise_scenario_error_from_api(tmp_path):
    with pytest.raises(ms.ScenarioError, match="tolerance"):
        ms.calibrate({"scenario": BASELINE, "targets": _quit(tol=0)})
    with pytest.raises(ms.MentorsimError, match="replications"):
        ms.calibrate({"scenario": BASELINE, "overrides": SMALL, "targets": _quit()}, replications=0)


def test_out_directory_must_exist(tmp_path, capsys):
    p = _write(tmp_path, {"scenario": BASELINE, "overrides": SMALL, "targets": _quit()})
    assert main(["calibrate", str(p), "--out", str(tmp_path / "no" / "such" / "x.yaml")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--out" in err


def test_missing_targets_file(capsys):
    assert main(["calibrate", "no/such/targets.yaml"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_every_target_has_a_documented_free_parameter():
    reg = ms.parameter_register().set_index("name")
    for target, (param, (lo, hi)) in FREE_PARAMETERS.items():
        assert param in reg.index, target
        assert reg.loc[param, "min"] <= lo < hi <= reg.loc[param, "max"], target


# ---- fitting -------------------------------------------------------------------------------

def test_recovers_a_halved_quit_hazard(tmp_path, capsys):
    default = ms.Scenario().workforce.base_weekly_quit_hazard
    truth = ms.load_scenario(BASELINE).with_overrides(SMALL)
    target = float(ms.simulate(truth, replications=4, seed=11).summary().loc["monthly_quit_rate", "mean"])
    doc = {"scenario": BASELINE,
           "overrides": {**SMALL, "workforce.base_weekly_quit_hazard": default / 2},
           "replications": 4, "seed": 11,
           "targets": _quit(value=round(target, 4), tol=0.002, evidence="own HRIS")}
    p = _write(tmp_path, doc)
    out = tmp_path / "calibrated.yaml"
    assert main(["calibrate", str(p), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "monthly_quit_rate" in text and "own HRIS" in text and "95% interval" in text

    cal = ms.calibrate(p)
    assert isinstance(cal, Calibration) and cal.within_tolerance
    row = cal.table.set_index("target").loc["monthly_quit_rate"]
    assert abs(row.simulated - row.observed) <= row.tolerance
    assert row.ci_low <= row.simulated <= row.ci_high
    fitted = cal.scenario.workforce.base_weekly_quit_hazard
    assert default / 2 < fitted and abs(fitted - default) < 0.35 * default  # moved back toward the truth
    assert cal.evaluations <= doc.get("max_evaluations", 40)

    sc = ms.load_scenario(out)  # the written YAML is a valid scenario
    assert sc.workforce.base_weekly_quit_hazard == pytest.approx(fitted)
    assert sc.workforce.size == 300 and sc.horizon_weeks == 104
    assert "monthly_quit_rate" in out.read_text()  # provenance header
    # same seed, same answer
    assert ms.calibrate(p).scenario == cal.scenario


def test_two_targets_and_dict_input():
    d = ms.Scenario()
    doc = {"scenario": BASELINE, "overrides": {**SMALL, "workforce.promotion_base_logit": -5.0},
           "replications": 3, "seed": 5,
           "targets": {**_quit(value=0.022, tol=0.004),
                       "annual_promotion_rate": {"value": 0.06, "tolerance": 0.015, "evidence": "C3"}}}
    cal = ms.calibrate(doc, base_dir=ROOT)
    text = cal.to_text()
    assert cal.within_tolerance, text
    assert "C3" in text and "annual_promotion_rate" in text
    assert "own data" in cal.to_yaml()
    assert cal.scenario.workforce.promotion_base_logit > -5.0
    assert set(cal.parameters.parameter) == {"workforce.base_weekly_quit_hazard", "workforce.promotion_base_logit"}
    assert cal.scenario.program == d.program  # only the free parameters change


def test_participant_gap_is_measured_on_the_program():
    doc = {"scenario": ONE_ON_ONE, "overrides": {"workforce.size": 600, "horizon_weeks": 104},
           "replications": 3, "seed": 1, "max_evaluations": 3,
           "targets": {"participant_retention_gap": {"value": 0.46, "tolerance": 0.5, "evidence": "C4"}}}
    cal = ms.calibrate(doc)
    row = cal.table.iloc[0]
    assert row.parameter == "program.selection_strength"
    assert 0 < row.simulated < 1.5 and not math.isnan(row.ci_low)
    assert cal.within_tolerance
    assert cal.scenario.program.format == "one_on_one"


def test_evidence_targets_reproduce_defaults():
    """calibration/evidence.yaml (C1-C3 on the default workforce) is reached within tolerance, and the
    fitted values stay inside the evidence's sensitivity ranges around the shipped defaults."""
    spec = load_targets(ROOT / "calibration" / "evidence.yaml")
    assert {t.evidence for _, t, _, _ in spec.fits} == {"C1", "C2", "C3"}
    cal = ms.calibrate(ROOT / "calibration" / "evidence.yaml", replications=6)
    assert cal.within_tolerance, cal.to_text()
    reg = ms.parameter_register().set_index("name")
    for _, r in cal.parameters.iterrows():
        lo, hi = reg.loc[r.parameter, "sensitivity_low"], reg.loc[r.parameter, "sensitivity_high"]
        if not math.isnan(lo):
            assert lo <= r.after <= hi, f"{r.parameter}: {r.after} outside {lo}..{hi}"
