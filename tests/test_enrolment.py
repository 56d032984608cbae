"""Assigned, new-hire and targeted programs: who enrols, and whom the gap decomposition compares them with."""

from __future__ import annotations

import mentorsim as ms

ONE = ms.load_scenario("scenarios/one_on_one.yaml").with_overrides({"workforce.size": 1000})


def _first_cohort_gap(enrolment: str) -> float:
    """Ambition of the first cohort's mentees minus that of the people equally able to enrol that week."""
    r = ms.simulate(ONE.with_overrides({"program.enrolment": enrolment}), replications=4, seed=8)
    first = r.relationships.groupby(["replication", "mentee"]).start.min().rename("first")
    p = r.people.join(first, on=["replication", "person_id"])
    w0 = p["first"].min()
    at = p[
        p.initial
        & (p.start_level <= ONE.program.mentee_max_level)
        & p.role.isin(["none", "mentee"])
        & (p.left_week.isna() | (p.left_week >= w0))
        & (p.hired_week <= w0 - ONE.program.min_tenure_weeks)
    ]
    m = at["first"] == w0
    assert m.sum() > 100 and (~m).sum() > 100
    return float(at[m].ambition.mean() - at[~m].ambition.mean())


def test_assigned_enrolment_removes_the_ambition_gap_that_volunteering_makes():
    assert _first_cohort_gap("voluntary") > 0.5  # volunteers are the ambitious (selection strength 1.5 sd)
    assert abs(_first_cohort_gap("assigned")) < 0.08


def test_a_new_hire_program_enrols_only_the_recently_hired():
    nh = ONE.with_overrides({"program.enrolment": "assigned", "program.eligibility.max_tenure_weeks": 52})
    r = ms.simulate(nh, replications=2, seed=3)
    first = r.relationships.groupby(["replication", "mentee"]).start.min()
    p = r.people.set_index(["replication", "person_id"])
    tenure_at_match = first - p.loc[first.index, "hired_week"]
    assert len(tenure_at_match) > 50
    assert (tenure_at_match <= 52).all()
    assert (tenure_at_match >= nh.program.min_tenure_weeks).all()
    # the selection part of the naive gap compares the mentees with the people the program could enrol
    # (the recently hired, who quit more): near zero under random enrolment, where comparing with
    # everyone eligible by level and minimum tenure gave about -2 points
    pe = ms.compare([ONE.without_program(), nh], replications=24, seed=11).participant_effects().set_index("outcome")
    assert abs(pe.loc["retention", "selection"]) < 0.015


def test_a_targeted_program_is_compared_with_the_people_it_could_enrol():
    """The selection part of the gap uses the program's own eligibility: for a program for one group,
    the comparators are that group's eligible people, so under random enrolment selection stays near 0."""
    tgt = ONE.with_overrides({"program.eligibility.groups": ["under_represented"], "program.enrolment": "assigned"})
    cmp = ms.compare([ONE.without_program(), tgt], replications=24, seed=11)
    mentees = cmp.results[1].people
    assert set(mentees[mentees.role.isin(["mentee", "both"])].group) == {"under_represented"}
    pe = cmp.participant_effects().set_index("outcome")
    assert abs(pe.loc["retention", "selection"]) < 0.015


def test_assigned_mentees_come_less_prepared_by_the_registered_factor():
    one = ms.load_scenario("scenarios/one_on_one.yaml").with_overrides({"workforce.size": 1200})

    def goals(**ov):
        p = ms.simulate(one.with_overrides(ov), replications=3, seed=4).people
        return p[p.role.isin(["mentee", "both"])].goal_attained.mean()

    assigned = {"program.enrolment": "assigned"}
    keen = goals(**assigned, **{"mechanics.volunteering.assigned_preparation": 1.0})
    reluctant = goals(**assigned, **{"mechanics.volunteering.assigned_preparation": 0.4})
    assert reluctant < keen - 0.01
    # volunteers chose to take part: the factor does not touch them
    assert goals(**{"mechanics.volunteering.assigned_preparation": 0.4}) == goals()


def test_an_assigned_program_says_it_rests_on_assumptions():
    from mentorsim.schema.evidence import basis

    one = ms.load_scenario("scenarios/one_on_one.yaml")
    assert basis(one)[0] == "evidence"
    kind, why = basis(one.with_overrides({"program.enrolment": "assigned"}))
    assert kind == "assumptions" and "assigned" in why
    assert basis(ms.load_scenario("scenarios/new_hire_buddies.yaml"))[0] == "assumptions"
