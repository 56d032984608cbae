"""Calibration: targets validation, recovering a mis-set parameter, the evidence targets file."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

import mentorsim as ms
from mentorsim.calibration import FREE_PARAMETERS, Calibration, load_targets
from mentorsim.commands.cli import main

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")
ONE_ON_ONE = str(ROOT / "scenarios" / "one_on_one.yaml")
SUN = str(ROOT / "scenarios" / "sun_like.yaml")
SPONSORSHIP = str(ROOT / "scenarios" / "sponsorship.yaml")
EVIDENCE = ROOT / "calibration" / "evidence.yaml"
SMALL = {"workforce.size": 300, "horizon_weeks": 104}


def _write(tmp_path: Path, doc) -> Path:
    p = tmp_path / "targets.yaml"
    p.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return p


def _quit(value=0.022, tol=0.003, **extra):
    return {"monthly_quit_rate": {"value": value, "tolerance": tol, **extra}}


# ---- validation ----------------------------------------------------------------------------

BAD = [
    (
        {"scenario": BASELINE, "targets": {"monthly_quit_rte": {"value": 0.02, "tolerance": 0.003}}},
        "targets.monthly_quit_rte",
        "did you mean 'targets.monthly_quit_rate'",
    ),
    ({"scenario": BASELINE, "targets": _quit(value=2.2)}, "targets.monthly_quit_rate.value", "0.022"),
    ({"scenario": BASELINE, "targets": _quit(tol=-0.01)}, "targets.monthly_quit_rate.tolerance", "-0.01"),
    (
        {"scenario": BASELINE, "targets": _quit(tolerence=0.1)},
        "targets.monthly_quit_rate.tolerence",
        "did you mean 'targets.monthly_quit_rate.tolerance'",
    ),
    ({"scenario": BASELINE, "targets": {}}, "targets", "monthly_quit_rate"),
    ({"targets": _quit()}, "scenario", "required"),
    ({"scenario": "no_such.yaml", "targets": _quit()}, "scenario", "no_such.yaml"),
    (
        {"scenario": BASELINE, "overrides": {"workforce.sise": 300}, "targets": _quit()},
        "workforce.sise",
        "did you mean 'workforce.size'",
    ),
    ({"scenario": BASELINE, "targets": {"monthly_quit_rate": 0.02}}, "targets.monthly_quit_rate", "tolerance"),
    (
        {"scenario": BASELINE, "targets": _quit(parameter="workforce.base_weekly_quit_hazrd")},
        "targets.monthly_quit_rate.parameter",
        "did you mean 'workforce.base_weekly_quit_hazard'",
    ),
    ({"scenario": BASELINE, "targets": _quit(search=[0.01, 0.001])}, "targets.monthly_quit_rate.search", "low < high"),
    ({"scenario": BASELINE, "targets": _quit(search=[0.001, 0.5])}, "targets.monthly_quit_rate.search", "0.2"),
    (
        {"scenario": BASELINE, "targets": {"participant_retention_gap": {"value": 0.46, "tolerance": 0.1}}},
        "targets.participant_retention_gap",
        "program",
    ),
    (
        {
            "scenario": ONE_ON_ONE,
            "targets": {"participant_retention_gap": {"value": 0.46, "tolerance": 0.1, "measure": "ratio"}},
        },
        "targets.participant_retention_gap.measure",
        "hazard_ratio",
    ),
    ({"scenario": BASELINE, "replications": 0, "targets": _quit()}, "replications", "0"),
    (
        {
            "scenario": BASELINE,
            "targets": {
                **_quit(),
                "first_year_quit_share": {
                    "value": 0.3,
                    "tolerance": 0.05,
                    "parameter": "workforce.base_weekly_quit_hazard",
                },
            },
        },
        "targets.first_year_quit_share.parameter",
        "already fits",
    ),
    # new kinds and fields
    (
        {"scenario": SUN, "targets": {"participant_promotion_rato": {"value": 5, "tolerance": 1}}},
        "targets.participant_promotion_rato",
        "did you mean 'targets.participant_promotion_ratio'",
    ),
    (
        {"scenario": SUN, "targets": {"participant_promotion_ratio": {"value": 5, "tolerance": 1, "group": "mentes"}}},
        "targets.participant_promotion_ratio.group",
        "did you mean 'mentees'",
    ),
    (
        {"scenario": SUN, "targets": {"participant_promotion_ratio": {"value": 5, "tolerance": 1, "measure": "odds"}}},
        "targets.participant_promotion_ratio.measure",
        "ratio, difference (got 'odds')",
    ),
    (
        {"scenario": SUN, "targets": {"participant_promotion_ratio": {"value": 0, "tolerance": 1}}},
        "targets.participant_promotion_ratio",
        "must be > 0",
    ),
    (
        {
            "scenario": SUN,
            "targets": {
                "participant_retention_gap": [
                    {"value": 0.46, "tolerance": 0.1},
                    {"value": 0.52, "tolerance": 0.1, "gruop": "mentors"},
                ]
            },
        },
        "targets.participant_retention_gap[1].gruop",
        "did you mean 'targets.participant_retention_gap[1].group'",
    ),
    (
        {
            "scenario": SUN,
            "targets": {
                "participant_retention_gap": [
                    {"value": 0.46, "tolerance": 0.1},
                    {"value": 0.52, "tolerance": 0.1, "group": "mentors"},
                ]
            },
        },
        "targets.participant_retention_gap[1].parameter",
        "already fits",
    ),
    (
        {"scenario": SUN, "targets": {"participant_retention_gap": []}},
        "targets.participant_retention_gap",
        "a list of them",
    ),
    ({"scenario": BASELINE, "targets": _quit(fit="no")}, "targets.monthly_quit_rate.fit", "true or false"),
    ({"scenario": BASELINE, "targets": _quit(value="0.022")}, "targets.monthly_quit_rate.value", "number"),
    (
        {"scenario": BASELINE, "targets": _quit(fit=False, parameter="workforce.base_weekly_quit_hazard")},
        "targets.monthly_quit_rate.parameter",
        "fit: false",
    ),
    ({"scenario": BASELINE, "targets": _quit(replications=0)}, "targets.monthly_quit_rate.replications", "0"),
    (
        {"scenario": BASELINE, "targets": _quit(scenario="no_such.yaml")},
        "targets.monthly_quit_rate.scenario",
        "no_such.yaml",
    ),
    (
        {"scenario": BASELINE, "targets": {"cadence_quality_correlation": {"value": 0.25, "tolerance": 0.1}}},
        "targets.cadence_quality_correlation",
        "program.format is none",
    ),
    (
        {
            "scenario": BASELINE,
            "targets": {"cadence_quality_correlation": {"value": 1.25, "tolerance": 0.1, "scenario": ONE_ON_ONE}},
        },
        "targets.cadence_quality_correlation.value",
        "between -1 and 1",
    ),
    (
        {
            "scenario": BASELINE,
            "targets": {
                "cadence_quality_correlation": {
                    "value": 0.25,
                    "tolerance": 0.1,
                    "scenario": ONE_ON_ONE,
                    "min_weeks": 2.5,
                }
            },
        },
        "targets.cadence_quality_correlation.min_weeks",
        "whole number",
    ),
    (
        {"scenario": ONE_ON_ONE, "targets": {"sponsorship_promotion_ratio": {"value": 1.3, "tolerance": 0.2}}},
        "targets.sponsorship_promotion_ratio",
        "program.sponsorship",
    ),
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
    doc = {
        "scenario": BASELINE,
        "overrides": {**SMALL, "workforce.base_weekly_quit_hazard": default / 2},
        "replications": 4,
        "seed": 11,
        "targets": _quit(value=round(target, 4), tol=0.002, evidence="own HRIS"),
    }
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
    doc = {
        "scenario": BASELINE,
        "overrides": {**SMALL, "workforce.promotion_base_logit": -5.0},
        "replications": 3,
        "seed": 5,
        "targets": {
            **_quit(value=0.022, tol=0.004),
            "annual_promotion_rate": {"value": 0.06, "tolerance": 0.015, "evidence": "C3"},
        },
    }
    cal = ms.calibrate(doc, base_dir=ROOT)
    text = cal.to_text()
    assert cal.within_tolerance, text
    assert "C3" in text and "annual_promotion_rate" in text
    assert "own data" in cal.to_yaml()
    assert cal.scenario.workforce.promotion_base_logit > -5.0
    assert set(cal.parameters.parameter) == {"workforce.base_weekly_quit_hazard", "workforce.promotion_base_logit"}
    assert cal.scenario.program == d.program  # only the free parameters change


def test_participant_gap_is_measured_on_the_program():
    doc = {
        "scenario": ONE_ON_ONE,
        "overrides": {"workforce.size": 600, "horizon_weeks": 104},
        "replications": 3,
        "seed": 1,
        "max_evaluations": 3,
        "targets": {"participant_retention_gap": {"value": 0.46, "tolerance": 0.5, "evidence": "C4"}},
    }
    cal = ms.calibrate(doc)
    row = cal.table.iloc[0]
    assert row.parameter == "program.selection_strength"
    assert 0 < row.simulated < 1.5 and not math.isnan(row.ci_low)
    assert cal.within_tolerance
    assert cal.scenario.program.format == "one_on_one"


def test_evidence_targets_cover_c1_to_c7():
    spec = load_targets(EVIDENCE)
    ids = [i.target.evidence for i in spec.items]
    assert set(ids) == {f"C{k}" for k in range(1, 8)}
    kinds = {(i.kind, getattr(i.target, "group", None)) for i in spec.items}
    for need in [
        ("participant_retention_gap", "mentees"),
        ("participant_retention_gap", "mentors"),
        ("participant_promotion_ratio", "mentees"),
        ("participant_promotion_ratio", "mentors"),
        ("cadence_quality_correlation", None),
        ("sponsorship_promotion_ratio", None),
    ]:
        assert need in kinds, need
    fitted = {i.target.evidence for i in spec.items if i.parameter is not None}
    assert {"C1", "C2", "C3"} <= fitted
    assert all(i.target.note for i in spec.items)  # every figure says where it comes from


def test_evidence_targets_reproduce_defaults(tmp_path):
    """calibration/evidence.yaml (C1-C7) is reached within tolerance, the report lists every target, and the
    fitted values stay inside the evidence's sensitivity ranges around the shipped defaults."""
    spec = load_targets(EVIDENCE)
    cal = ms.calibrate(EVIDENCE, replications=6)
    text = cal.to_text()
    assert cal.within_tolerance, text
    assert len(cal.table) == len(spec.items)
    for _, r in cal.table.iterrows():
        assert r.label in text and r.within and not math.isnan(r.ci_low), r.label
    for k in range(1, 8):
        assert f"C{k}" in text
    assert "checked" in text and "fitted" in text
    assert set(cal.table.scenario) >= {"sun_like", "one_on_one", "sponsorship"}
    reg = ms.parameter_register().set_index("name")
    for _, r in cal.parameters.iterrows():
        lo, hi = reg.loc[r.parameter, "sensitivity_low"], reg.loc[r.parameter, "sensitivity_high"]
        if not math.isnan(lo):
            assert lo <= r.after <= hi, f"{r.parameter}: {r.after} outside {lo}..{hi}"
    sc = ms.load_scenario(cal.dump(tmp_path / "calibrated.yaml"))  # the written YAML still loads
    assert sc == cal.scenario and sc.program.format == "none"
    # program parameters are set only in the scenario of the target they fit
    for _, r in cal.parameters.iterrows():
        if r.parameter.startswith("program."):
            assert r.scenario != "all" and r.scenario in cal.scenarios


def test_checked_targets_on_their_own_scenarios_share_simulations(monkeypatch):
    """fit: false only: no search; one_on_one and sponsorship-without-overlay are the same simulation."""
    import mentorsim.run.experiment as ex

    jobs = []
    real = ex.run_many

    def spy(js, workers=1, trace=None):
        jobs.extend(js)
        return real(js, workers, trace)

    monkeypatch.setattr(ex, "run_many", spy)
    doc = {
        "scenario": BASELINE,
        "overrides": {"workforce.size": 300, "horizon_weeks": 78},
        "replications": 2,
        "seed": 3,
        "targets": {
            "monthly_quit_rate": {"value": 0.022, "tolerance": 0.02, "fit": False},
            "cadence_quality_correlation": {
                "value": 0.25,
                "tolerance": 1.0,
                "scenario": ONE_ON_ONE,
                "fit": False,
                "evidence": "C6",
            },
            "sponsorship_promotion_ratio": {
                "value": 1.3,
                "tolerance": 5.0,
                "scenario": SPONSORSHIP,
                "fit": False,
                "evidence": "C7",
            },
        },
    }
    cal = ms.calibrate(doc)
    assert cal.parameters.empty and cal.evaluations == 1
    assert "no parameter fitted" in cal.to_text()
    # baseline, one_on_one (= sponsorship without the overlay), sponsorship: 3 simulations x 2 replications
    assert len(jobs) == 6
    assert all(sc.workforce.size == 300 for sc, _, _ in jobs)  # the file's overrides reach every scenario
    t = cal.table.set_index("target")
    assert not t.fitted.any()
    assert -1 <= t.loc["cadence_quality_correlation", "simulated"] <= 1
    assert t.loc["sponsorship_promotion_ratio", "simulated"] > 0
    assert t.loc["sponsorship_promotion_ratio", "scenario"] == "sponsorship"
    assert cal.within_tolerance


def test_mentees_and_mentors_on_a_program_scenario():
    doc = {
        "scenario": BASELINE,
        "overrides": {"workforce.size": 600, "horizon_weeks": 104},
        "replications": 3,
        "seed": 1,
        "max_evaluations": 3,
        "targets": {
            "annual_promotion_rate": {"value": 0.06, "tolerance": 0.03, "evidence": "C3"},
            "participant_retention_gap": [
                {"value": 0.46, "tolerance": 0.5, "group": "mentees", "scenario": SUN, "evidence": "C4"},
                {"value": 0.52, "tolerance": 0.5, "group": "mentors", "scenario": SUN, "fit": False},
            ],
            "participant_promotion_ratio": [
                {"value": 5.0, "tolerance": 10, "group": "mentees", "scenario": SUN, "fit": False},
                {
                    "value": 0.2,
                    "tolerance": 1,
                    "group": "mentors",
                    "measure": "difference",
                    "scenario": SUN,
                    "fit": False,
                },
            ],
        },
    }
    cal = ms.calibrate(doc)
    tab = cal.table
    assert list(tab.group.dropna()) == ["mentees", "mentors", "mentees", "mentors"]
    assert tab.label.is_unique
    gap = tab[tab.target == "participant_retention_gap"]
    assert gap.fitted.tolist() == [True, False] and (gap.scenario == "sun_like").all()
    assert ((gap.simulated > 0) & (gap.simulated < 1.5)).all()
    pro = tab[tab.target == "participant_promotion_ratio"].set_index("group")
    assert pro.loc["mentees", "simulated"] > 1  # participants are promoted more often
    assert -1 <= pro.loc["mentors", "simulated"] <= 1 and "%" in cal.to_text()
    par = cal.parameters.set_index("parameter")
    assert par.loc["program.selection_strength", "scenario"] == "sun_like"
    assert par.loc["workforce.promotion_base_logit", "scenario"] == "all"
    assert cal.scenarios["sun_like"].program.selection_strength == pytest.approx(
        par.loc["program.selection_strength", "after"]
    )
    assert cal.scenarios["sun_like"].workforce.promotion_base_logit == pytest.approx(
        cal.scenario.workforce.promotion_base_logit
    )


def test_without_program_is_the_no_program_twin():
    sc = ms.load_scenario(ROOT / "scenarios" / "one_on_one.yaml").with_overrides({"program.sponsorship": True})
    off = sc.without_program()
    assert (off.program.format, off.program.sponsorship, off.name) == ("none", False, sc.name)
    assert off.workforce == sc.workforce and off.without_program() is off
    assert sc.without_program("No program").name == "No program"
