"""The world as it is: groups, informal mentoring, assigned and targeted enrolment, equity outcomes."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import mentorsim as ms

N, R, SEED = 1500, 3, 5
SAME = [{"name": "a", "share_by_level": [0.5] * 5}, {"name": "b", "share_by_level": [0.5] * 5}]


def _people(sc, **ov):
    return ms.simulate(sc.with_overrides({"workforce.size": N, **ov}), replications=R, seed=SEED).people


@pytest.fixture(scope="module")
def one():
    return ms.load_scenario("scenarios/one_on_one.yaml")


def test_identical_groups_without_homophily_get_the_same_outcomes(one):
    p = _people(one, **{"workforce.groups": SAME, "workforce.informal_mentoring.homophily": 0.0})
    ini = p[p.initial]
    g = ini.groupby("group")
    assert set(g.groups) == {"a", "b"}
    stay = g.apply(lambda d: (d.left_week < 0).mean(), include_groups=False)
    informal = g.informal_mentor.mean()
    assert abs(stay["a"] - stay["b"]) < 0.04
    assert abs(informal["a"] - informal["b"]) < 0.04
    assert abs(g.ambition.mean()["a"] - g.ambition.mean()["b"]) < 0.08


def test_homophily_with_a_thin_pipeline_leaves_the_under_represented_fewer_informal_mentors():
    base = ms.load_scenario("scenarios/baseline.yaml")
    p = _people(base, **{"workforce.informal_mentoring.homophily": 0.8})
    ini = p[p.initial]
    for lvl in (1, 2, 3):
        at = ini[ini.start_level == lvl].groupby("group").informal_mentor.mean()
        assert at["under_represented"] < at["majority"]
    flat = _people(base, **{"workforce.informal_mentoring.homophily": 0.0})
    fi = flat[flat.initial]
    # without homophily the gap at each level disappears (within noise)
    at = fi[fi.start_level == 1].groupby("group").informal_mentor.mean()
    assert abs(at["under_represented"] - at["majority"]) < 0.05


def test_assigned_enrolment_removes_the_ambition_gap(one):
    def gap(p):
        a = p[p.initial & (p.start_level <= 3)]
        return a[a.role.isin(["mentee", "both"])].ambition.mean() - a[a.role == "none"].ambition.mean()

    voluntary, assigned = gap(_people(one)), gap(_people(one, **{"program.enrolment": "assigned"}))
    assert voluntary > 0.3
    assert abs(assigned) < 0.1


def test_eligibility_filters_hold_on_every_enrolled_person(one):
    p = _people(
        one,
        **{
            "program.eligibility.max_tenure_weeks": 52,
            "program.eligibility.groups": ["under_represented"],
            "program.eligibility.without_informal_mentor": True,
        },
    )
    men = p[p.role.isin(["mentee", "both"])]
    assert len(men) > 0
    assert (men.group == "under_represented").all()
    assert not men.informal_mentor_at_enrolment.any()  # (one may be found later: substitution is partial)
    assert (men[men.initial].hired_week >= -52).all()


def test_world_off_gives_one_group_and_no_informal_mentors(one):
    p = _people(
        one,
        **{
            "workforce.informal_mentoring.share_by_level": [0.0] * 5,
            "workforce.groups": [{"name": "everyone", "share_by_level": [1.0] * 5}],
        },
    )
    assert set(p.group) == {"everyone"}
    assert not p.informal_mentor.any()


def test_informal_mentoring_is_the_same_with_and_without_a_program(one):
    base = ms.load_scenario("scenarios/baseline.yaml")
    a, b = _people(base), _people(one)
    ia, ib = a[a.initial].set_index(["replication", "person_id"]), b[b.initial].set_index(["replication", "person_id"])
    assert (ia.group == ib.group).all()
    # informal histories are shared too, except through what the program changes (tests/test_informal.py)
    assert abs(ia.informal_mentor.mean() - ib.informal_mentor.mean()) < 0.03


def test_equity_and_by_group(one):
    base = ms.load_scenario("scenarios/baseline.yaml").with_overrides({"workforce.size": 800})
    cmp = ms.compare([base, one.with_overrides({"workforce.size": 800})], replications=3, seed=SEED)
    eq = cmp.equity()
    assert list(eq.columns) == ["scenario", "group", "metric", "value", "diff_mean", "ci_low", "ci_high"]
    assert {"retention_36m", "annual_promotion_rate", "informal_mentor_share", "management_share"} <= set(eq.metric)
    b = eq[eq.scenario == base.name]
    assert np.allclose(b.diff_mean, 0.0)
    ms_ = eq[(eq.metric == "management_share")].groupby("scenario").value.sum()
    assert np.allclose(ms_, 1.0)
    bg = cmp[base.name].by_group()
    assert set(bg.group) == {"majority", "under_represented"}
    assert (bg.ci_low <= bg["mean"]).all() and (bg["mean"] <= bg.ci_high).all()


def test_bad_group_shares_are_one_clear_line(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(
        "name: bad\nworkforce:\n  groups:\n    - {name: a, share_by_level: [0.5, 0.5, 0.5, 0.5, 0.5]}\n"
        "    - {name: b, share_by_level: [0.4, 0.5, 0.5, 0.5, 0.5]}\n"
    )
    r = subprocess.run([sys.executable, "-m", "mentorsim", "validate", str(f)], capture_output=True, text=True)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "bad.yaml" in lines[0] and "workforce.groups" in lines[0] and "0.9" in lines[0] and "allowed" in lines[0]


def test_groups_and_informal_mentors_are_the_same_on_one_or_two_workers(one):
    sc = one.with_overrides({"workforce.size": 400})
    a = ms.simulate(sc, replications=2, seed=3, workers=1).people
    b = ms.simulate(sc, replications=2, seed=3, workers=2).people
    assert (a.group.to_numpy() == b.group.to_numpy()).all()
    assert (a.informal_mentor.to_numpy() == b.informal_mentor.to_numpy()).all()


def test_the_comparators_of_a_no_informal_mentor_program_follow_the_engines_rule():
    """Eligibility means "no informal mentor when enrolled": in participant_effects' risk set, someone who had
    none on joining but found one later (informal_mentor, "ever", true) is still a comparator."""
    import numpy as np
    import pandas as pd

    from mentorsim.outputs.comparison import _risk_set
    from mentorsim.programs import FORMATS

    sc = ms.load_scenario("scenarios/one_on_one.yaml").with_overrides(
        {"program.eligibility.without_informal_mentor": True}
    )
    b = pd.DataFrame(
        {
            "hired_week": [-100.0] * 4,
            "left_week": [np.nan, 30.0, np.nan, np.nan],
            "first_promotion_week": [np.nan] * 4,
            "start_level": [1] * 4,
            "promotions": [0] * 4,
            # person 1 found an informal mentor later; person 2 had one all along; person 3 never
            "informal_mentor": [False, True, True, False],
            "informal_mentor_on_joining": [False, False, True, False],
        }
    )
    matched = np.array([4.0, np.nan, np.nan, np.nan])
    mentee = np.array([True, False, False, False])
    stay, _ = _risk_set(b, np.ones(4, dtype=bool), matched, mentee, sc, FORMATS["one_on_one"])
    assert stay == pytest.approx(1 / 2)  # persons 1 (left) and 3 (stayed) compared; person 2 was not eligible
