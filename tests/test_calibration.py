"""The shipped defaults reproduce the published evidence (shared EVIDENCE.md, C1-C7).

Fixed seeds and enough replications that the figures are stable; the bands are
the ones the calibration issue sets.
"""

import math

import numpy as np
import pytest

import mentorsim as ms

R, SEED = 8, 2024


@pytest.fixture(scope="module")
def baseline_summary():
    return ms.simulate(ms.load_scenario("scenarios/baseline.yaml"), replications=R, seed=SEED).summary()["mean"]


@pytest.fixture(scope="module")
def sun():
    sc = ms.load_scenario("scenarios/sun_like.yaml")
    base = ms.load_scenario("scenarios/baseline.yaml").with_overrides(
        {"workforce.size": sc.workforce.size, "horizon_weeks": sc.horizon_weeks}
    )
    return ms.compare([base, sc], replications=R, seed=SEED)


def test_c1_monthly_quit_rate(baseline_summary):
    assert 0.019 <= baseline_summary["monthly_quit_rate"] <= 0.025


def test_c2_first_year_quits_front_loaded(baseline_summary):
    assert 0.30 <= baseline_summary["first_year_quit_share"] <= 0.42
    assert 0.40 <= baseline_summary["early_quit_share"] <= 0.60  # about half within 13 weeks


def test_c3_annual_promotion_rate(baseline_summary):
    assert 0.05 <= baseline_summary["annual_promotion_rate"] <= 0.08


def _naive(people, role):
    p = people[people.initial]
    non = p[p.role == "none"]
    g = p[p.role.isin([role, "both"])]
    stay = lambda x: 1 - x.left_week.notna().mean()  # noqa: E731
    promo = lambda x: (x.promotions > 0).mean()  # noqa: E731
    return math.log(stay(g)) / math.log(stay(non)), promo(g) / promo(non), len(g)


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_c4_c5_sun_like_naive_gaps(sun, role):
    hr, pr, n = _naive(sun["sun_like"].people, role)
    assert n >= 30 * R
    assert 0.35 <= hr <= 0.62, f"{role} quit hazard ratio {hr:.2f}"
    assert 3.5 <= pr <= 7.0, f"{role} promotion ratio {pr:.1f}"


def test_gap_is_selection_plus_program_not_program_alone(sun):
    pe = sun.participant_effects().set_index("outcome")
    for outcome in ("retention", "promotion"):
        row = pe.loc[outcome]
        assert row.causal_effect > 0, outcome  # the program helps the same people
        assert row.naive_gap > row.causal_effect, outcome  # but the naive gap overstates it
        assert row.selection > 0  # volunteers are the ambitious and engaged
        assert row.timing + row.selection + row.causal_effect == pytest.approx(row.naive_gap)


def test_c6_cadence_and_quality_correlate_weakly():
    r = ms.simulate(ms.load_scenario("scenarios/one_on_one.yaml"), replications=4, seed=SEED)
    rel = r.relationships
    rel = rel[rel.weeks >= 13]
    corr = np.corrcoef(rel.meetings_per_month, rel.quality)[0, 1]
    assert 0.15 <= corr <= 0.35


def test_c7_sponsorship_on_the_same_people():
    sp = ms.load_scenario("scenarios/sponsorship.yaml")
    nosp = ms.load_scenario("scenarios/one_on_one.yaml")
    # the two scenarios differ only by the overlay
    assert sp.with_overrides({"program.sponsorship": False, "name": "x", "description": ""}) == nosp.with_overrides(
        {"name": "x", "description": ""}
    )
    a = ms.simulate(sp, replications=R, seed=SEED).people
    b = ms.simulate(nosp, replications=R, seed=SEED).people
    ids = a[a.initial & a.sponsored][["replication", "person_id"]]
    assert len(ids) >= 20 * R
    ratio = a.merge(ids)["promotions"].gt(0).mean() / b.merge(ids)["promotions"].gt(0).mean()
    assert 1.05 <= ratio <= 1.6
