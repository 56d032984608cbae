"""Face validity: the model moves in the directions the design says it must (never exact values).

Each comparison is paired (same seed, same starting people), so small runs give clear directions.
"""

from __future__ import annotations

import pandas as pd
import pytest

import mentorsim as ms
from conftest import PROGRAM_FORMATS, SEED, check_invariants, small


def paired(sc_a: ms.Scenario, sc_b: ms.Scenario, reps: int = 3, seed: int = SEED) -> ms.Comparison:
    return ms.compare([sc_a, sc_b.with_overrides({"name": sc_b.name + "_b"})], replications=reps, seed=seed)


def test_more_participants_hold_more_meetings(one_on_one):
    lo = small(one_on_one, size=400, horizon=78, program__participation_target=0.1, program__mentor_supply=0.5)
    hi = lo.with_overrides({"program.participation_target": 0.5})
    cmp = paired(lo, hi)
    a, b = cmp.results[0].metrics, cmp.results[1].metrics
    assert (b.meetings_held > a.meetings_held).all(), "in every paired replication"
    assert (b.participation_rate > a.participation_rate).all()


def test_no_participants_no_meetings(one_on_one):
    res = ms.simulate(small(one_on_one, program__participation_target=0.0), replications=1, seed=SEED)
    assert len(res.relationships) == 0
    assert res.summary().loc["meetings_held", "mean"] == 0


@pytest.mark.parametrize("fmt", PROGRAM_FORMATS)
def test_meetings_raise_goal_attainment_of_mentees_over_the_same_people_in_the_baseline(baseline, one_on_one, fmt):
    base = small(baseline, size=400, horizon=104)
    prog = small(one_on_one, size=400, horizon=104, program__format=fmt)
    cmp = ms.compare([base, prog], replications=2, seed=SEED)
    p = cmp.results[1].people
    b = cmp.baseline.people.set_index(["replication", "person_id"])
    mentees = p[p.initial & p.role.isin(["mentee", "both"]) & (p.meetings_held > 0)]
    assert len(mentees) > 20
    with_program = mentees.goal_attained.mean()
    same_people_without = b.loc[list(zip(mentees.replication, mentees.person_id)), "goal_attained"].mean()
    assert with_program > same_people_without
    check_invariants(cmp.results[1])


def test_weekly_cadence_loads_mentors_more_than_monthly(one_on_one):
    monthly = small(one_on_one, size=400, horizon=78, program__cadence="monthly")
    weekly = monthly.with_overrides({"program.cadence": "weekly"})
    cmp = paired(monthly, weekly)
    a, b = cmp.results[0].summary()["mean"], cmp.results[1].summary()["mean"]
    assert b.mentor_load_hours > a.mentor_load_hours
    assert b.meetings_held > a.meetings_held
    ts = cmp.results[1].timeseries
    assert ts[ts.metric == "mentor_load_hours"].value.max() > 0


def test_one_on_one_causal_retention_effect_is_positive_and_smaller_than_the_naive_gap(baseline, one_on_one):
    """Selection: volunteers are ambitious and engaged, so the naive gap overstates the program's effect."""
    cmp = ms.compare(
        [small(baseline, size=800, horizon=156), small(one_on_one, size=800, horizon=156)], replications=5, seed=SEED
    )
    e = cmp.participant_effects().set_index("outcome").loc["retention"]
    assert e.causal_effect > 0 and e.causal_ci_low > 0, e.to_dict()
    assert e.causal_effect < e.naive_gap, e.to_dict()
    assert e.selection > 0


def test_friction_lowers_the_share_of_meetings_held(one_on_one):
    easy = small(one_on_one, size=400, horizon=60, program__scheduling_friction=0.05)
    hard = easy.with_overrides({"program.scheduling_friction": 0.6})
    cmp = paired(easy, hard, reps=2)
    assert (
        cmp.results[1].summary().loc["meetings_held_share", "mean"]
        < cmp.results[0].summary().loc["meetings_held_share", "mean"]
    )


def test_recognition_draws_more_mentors(one_on_one):
    none = small(one_on_one, size=400, horizon=60, program__participation_target=0.8, program__recognition="none")
    credit = none.with_overrides({"program.recognition": "review_credit"})
    cmp = paired(none, credit, reps=2)
    assert (cmp.results[1].metrics.mentor_share > cmp.results[0].metrics.mentor_share).all()


def test_sponsors_raise_promotions_of_their_proteges(one_on_one):
    plain = small(one_on_one, size=600, horizon=104, program__sponsor_supply=0.5)
    sponsored = plain.with_overrides({"program.sponsorship": True, "program.sponsor_odds_ratio": 5.0})
    cmp = paired(plain, sponsored, reps=3)
    s = cmp.results[1].people
    proteges = s[s.sponsored]
    assert len(proteges) > 10
    p = cmp.results[0].people.set_index(["replication", "person_id"])
    before = p.loc[list(zip(proteges.replication, proteges.person_id)), "promotions"].mean()
    assert proteges.promotions.mean() > before


def test_a_program_costs_money_and_the_baseline_does_not(small_comparison):
    t = small_comparison.table().set_index(["scenario", "metric"])
    assert t.loc[("one_on_one", "program_cost"), "diff_mean"] > 0
    assert small_comparison.baseline.summary().loc["program_cost", "mean"] == 0


def test_no_quits_means_full_retention_and_no_hires(one_on_one):
    sc = small(one_on_one, size=200, horizon=60, workforce__base_weekly_quit_hazard=0.0)
    res = ms.simulate(sc, replications=1, seed=SEED)
    s = res.summary()["mean"]
    assert s.retention_12m == 1.0 and s.monthly_quit_rate == 0
    assert (res.people.initial).all()
    check_invariants(res)


def test_higher_quit_hazard_lowers_retention(baseline):
    low = small(baseline, size=400, horizon=60)
    high = low.with_overrides({"workforce.base_weekly_quit_hazard": 0.02})
    cmp = paired(low, high, reps=2)
    assert (cmp.results[1].metrics.retention_12m < cmp.results[0].metrics.retention_12m).all()


def test_participant_effects_selection_sign_for_promotion(small_comparison):
    e = small_comparison.participant_effects()
    e = e[(e.scenario == "one_on_one") & (e.outcome == "promotion")].iloc[0]
    assert e.naive_gap > 0
    assert pd.notna(e.causal_effect)
