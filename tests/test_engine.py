"""Invariants on real runs of the engine: every format, overlay, recognition policy, intake and matching."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mentorsim as ms
from conftest import FORMATS, PROGRAM_FORMATS, RECOGNITIONS, SCENARIOS, SEED, check_capacity, check_invariants, small
from mentorsim import engine

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def run(sc: ms.Scenario, reps: int = 2, seed: int = SEED) -> ms.Results:
    return ms.simulate(sc, replications=reps, seed=seed)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_keeps_invariants(one_on_one, fmt):
    res = run(small(one_on_one, program__format=fmt))
    check_invariants(res)


@pytest.mark.parametrize("fmt", PROGRAM_FORMATS)
def test_sponsorship_overlay_keeps_invariants(one_on_one, fmt):
    res = run(small(one_on_one, program__format=fmt, program__sponsorship=True))
    check_invariants(res)


def test_sponsorship_sponsors_some_mentees(one_on_one):
    res = run(small(one_on_one, size=400, horizon=60, program__sponsorship=True))
    p = res.people
    assert p["sponsored"].any()
    assert p.loc[p["sponsored"], "role"].isin(["mentee", "both"]).all()


@pytest.mark.parametrize("recognition", RECOGNITIONS)
@pytest.mark.parametrize("fmt", ["one_on_one", "circle"])
def test_every_recognition_keeps_invariants(one_on_one, fmt, recognition):
    res = run(small(one_on_one, program__format=fmt, program__recognition=recognition), reps=1)
    check_invariants(res)


@pytest.mark.parametrize("intake", ["cohort", "evergreen"])
@pytest.mark.parametrize("matching", ["random", "goal_fit"])
@pytest.mark.parametrize("fmt", PROGRAM_FORMATS)
def test_intake_and_matching_keep_invariants(one_on_one, fmt, intake, matching):
    sc = small(
        one_on_one,
        horizon=70,
        program__format=fmt,
        program__intake=intake,
        program__matching=matching,
        program__term_weeks=26,
    )
    res = run(sc, reps=1)
    check_invariants(res)
    assert len(res.relationships) > 0, "a program with default supply formed no relationships"


@pytest.mark.parametrize("fmt", ["one_on_one", "reverse", "micro_board", "circle"])
def test_capacity_holds_under_scarce_mentors_and_high_demand(one_on_one, fmt):
    """Demand far above supply: capacity must bind, never be exceeded."""
    sc = small(
        one_on_one,
        size=400,
        horizon=60,
        program__format=fmt,
        program__participation_target=1.0,
        program__mentor_supply=0.05,
        program__mentor_capacity=1,
        program__intake="evergreen",
        program__min_tenure_weeks=0,
    )
    res = run(sc)
    check_invariants(res)
    ts = res.timeseries
    assert ts[ts.metric == "waiting_mentees"]["value"].max() > 0, "with scarce mentors someone should wait"


@pytest.mark.parametrize("capacity", [1, 3, 6])
def test_capacity_is_used_but_not_exceeded(one_on_one, capacity):
    sc = small(
        one_on_one,
        size=400,
        horizon=40,
        program__mentor_capacity=capacity,
        program__mentor_supply=0.05,
        program__participation_target=1.0,
        program__min_tenure_weeks=0,
    )
    res = run(sc, reps=1)
    check_capacity(sc, res.relationships)
    rel = res.relationships
    per_mentor = rel[rel.start == rel.start.min()].groupby("mentor").size()
    assert per_mentor.max() == capacity, "scarce mentors should be filled up to capacity"


def test_circle_groups_have_4_to_6_members_and_one_facilitator(one_on_one):
    for size in (4, 6):
        sc = small(one_on_one, size=400, program__format="circle", program__circle_size=size)
        rel = run(sc, reps=1).relationships
        first = rel.groupby("group").agg(n=("mentee", "nunique"), fac=("mentor", "nunique"), start=("start", "min"))
        assert (first["fac"] == 1).all()
        assert first["n"].between(1, size).all()
        # at formation, a circle has between 4 and circle_size members (a facilitator never sits in their own)
        formed = rel[rel.start == rel.groupby("group")["start"].transform("min")]
        n0 = formed.groupby("group")["mentee"].nunique()
        assert n0.max() == size and n0.min() >= 3


def test_micro_board_mentees_have_distinct_mentors_per_dimension(one_on_one):
    sc = small(one_on_one, size=400, program__format="micro_board", program__mentor_capacity=3)
    rel = run(sc, reps=1).relationships
    assert len(rel) > 0
    g = rel.groupby(["mentee", "start"])
    assert (g["mentor"].nunique() == g.size()).all(), "a board seats the same mentor twice"
    assert (g["dim"].nunique() == g.size()).all(), "a board has two mentors on the same skill"
    assert g.size().max() <= 3


def test_reverse_mentors_are_junior_to_their_mentees(one_on_one):
    sc = small(one_on_one, size=400, program__format="reverse")
    res = run(sc, reps=1)
    rel = res.relationships
    p = res.people.set_index("person_id")
    assert len(rel) > 0
    # start levels bound levels at matching from below; a junior mentor is at level <= 2 when matched
    assert (p.loc[rel.mentor, "start_level"].to_numpy() <= 2).all()
    assert (p.loc[rel.mentee, "end_level"].to_numpy() >= sc.program.mentor_min_level).all()


def test_one_on_one_mentors_are_senior_and_eligible(one_on_one):
    sc = small(one_on_one, size=400)
    res = run(sc, reps=1)
    rel, p = res.relationships, res.people.set_index("person_id")
    assert len(rel) > 0
    # levels never fall, so a mentor's end level >= level at matching >= mentor_min_level
    assert (p.loc[rel.mentor, "end_level"].to_numpy() >= sc.program.mentor_min_level).all()
    # a mentee's start level <= level at matching <= mentee_max_level
    assert (p.loc[rel.mentee, "start_level"].to_numpy() <= sc.program.mentee_max_level).all()


def test_peer_pairs_are_mutual_at_formation(one_on_one):
    rel = run(small(one_on_one, program__format="peer"), reps=1).relationships
    assert len(rel) > 0
    pairs = set(zip(rel.mentee, rel.mentor, rel.start))
    assert all((m, e, s) in pairs for e, m, s in pairs), "a peer row without its mirror row"


def test_peer_pairs_end_together_and_peers_mentor_one_at_a_time(one_on_one):
    """A peer pair is two mirrored rows; dissolution, sunset or burnout must end both (was a bug)."""
    sc = small(one_on_one, size=400, horizon=104, program__format="peer", program__scheduling_friction=0.8)
    res = run(sc, reps=3)
    rel = res.relationships
    m = rel.merge(
        rel,
        left_on=["replication", "mentee", "mentor", "start"],
        right_on=["replication", "mentor", "mentee", "start"],
        suffixes=("", "_mirror"),
    )
    assert len(m) == len(rel)
    asym = m[m["end"] != m["end_mirror"]]
    assert asym.empty, f"{len(asym)} peer rows ended apart from their mirror: {asym.reason.value_counts().to_dict()}"
    check_capacity(sc, rel)


def test_format_none_equals_baseline_people_table_exactly(one_on_one, baseline):
    """`format: none` with any other program settings simulates exactly the baseline's people."""
    base = small(baseline)
    for overrides in (
        {},
        {
            "program.sponsorship": True,
            "program.recognition": "celebrate_impact",
            "program.cadence": "weekly",
            "program.participation_target": 1.0,
            "program.intake": "evergreen",
            "program.matching": "random",
            "program.mentor_capacity": 7,
            "program.seasons": False,
        },
    ):
        sc = small(one_on_one).with_overrides({"program.format": "none", "name": "other", **overrides})
        a, b = run(base), run(sc)
        pd.testing.assert_frame_equal(a.people, b.people)
        tb = b.timeseries
        pd.testing.assert_frame_equal(a.timeseries, tb)
        assert len(b.relationships) == 0


def test_levels_never_fall_and_promotions_happen(one_on_one):
    res = run(small(one_on_one, size=400, horizon=104))
    p = res.people
    assert (p.end_level >= p.start_level).all()
    assert p.promotions.sum() > 0
    ts = res.timeseries
    assert ts[ts.metric == "promotions"]["value"].sum() == p.promotions.sum()


def test_default_rates_are_realistic_fractions(one_on_one):
    res = run(small(one_on_one, size=400, horizon=104))
    s = res.summary()["mean"]
    for m in ("monthly_quit_rate", "annual_promotion_rate", "internal_mobility_rate"):
        assert 0 <= s[m] <= 1, m


def test_retention_is_monotone_and_curve_matches_people(one_on_one):
    res = run(small(one_on_one, size=300, horizon=156), reps=1)
    s = res.summary()["mean"]
    assert s.retention_12m >= s.retention_24m >= s.retention_36m
    curve = res.retention_curve()
    assert (np.diff(curve["mean"].to_numpy()) <= 0).all()
    assert curve.loc[52, "mean"] == pytest.approx(s.retention_12m)


def test_horizon_shorter_than_a_year_gives_nan_retention(one_on_one):
    res = run(small(one_on_one, horizon=30), reps=1)
    s = res.summary()["mean"]
    assert np.isnan(s.retention_12m) and np.isnan(s.retention_36m)
    check_invariants(res)


def test_one_week_horizon_runs(one_on_one):
    res = run(small(one_on_one, size=10, horizon=1))
    check_invariants(res)
    assert res.timeseries.week.max() == 1


def test_mean_engagement_stays_in_unit_interval_with_intense_meetings():
    """Engagement is a 0..1 quantity: weekly, strong, frictionless sessions must not push it past 1 (was a bug)."""
    sc = ms.load_scenario(SCENARIOS / "peer.yaml").with_overrides(
        {
            "workforce.size": 40,
            "horizon_weeks": 30,
            "program.cadence": "weekly",
            "program.participation_target": 1.0,
            "program.min_tenure_weeks": 0,
            "program.engagement_gain_per_meeting": 0.5,
            "program.scheduling_friction": 0.0,
            "program.mentee_max_level": 5,
            "program.selection_strength": 0.0,
        }
    )
    ts = run(sc, reps=1).timeseries
    eng = ts[ts.metric == "mean_engagement"]["value"]
    assert eng.between(0, 1).all(), f"mean engagement reached {eng.max():.2f}"


def test_timeseries_has_required_metrics_for_every_week(small_results):
    ts = small_results.timeseries
    assert list(ts.columns) == ["replication", "week", "metric", "value"]
    H = small_results.scenario.horizon_weeks
    for m in (
        "headcount",
        "quits",
        "hires",
        "promotions",
        "active_relationships",
        "meetings_held",
        "mentor_load_hours",
        "mean_engagement",
    ):
        w = ts[ts.metric == m]
        assert len(w) == H * 2, m
        assert sorted(w.week.unique()) == list(range(1, H + 1))


def test_order_of_operations_is_generated_from_the_schedule():
    """The order people read (engine docstring, ``mentorsim order``) is the table the engine runs."""
    import re

    from mentorsim.engine.schedule import STEPS, order_text

    doc = engine.__doc__
    assert order_text() in doc
    table = re.findall(r"^\s*\+(\d\.\d+)\s+(\S+)", doc, flags=re.M)
    assert [(float(o), n) for o, n in table] == [(s.offset, s.name) for s in STEPS]
    offsets = [s.offset for s in STEPS]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets) and offsets[-1] < 1.0
    names = [s.name for s in STEPS]
    assert names[:3] == ["intake", "matching", "burnout"] and names[-1] == "record"
    rest = doc[doc.index("promotions", doc.index("+0.")) :]
    assert "quit" in rest and "hir" in rest, "quits and hiring are not in the order of operations"


@pytest.mark.parametrize("fmt", ["none", "one_on_one"])
def test_run_calls_the_processes_in_the_order_of_the_schedule(fmt, request):
    """Within every week the processes run in the order of STEPS (those the scenario has)."""
    from mentorsim.engine import Simulation
    from mentorsim.engine.schedule import STEPS

    sc = small(
        request.getfixturevalue("baseline" if fmt == "none" else "one_on_one"),
        horizon=52,
        program__recognition="review_credit",
    )
    sim = Simulation(sc, SEED, 0)
    calls = []
    for name, proc in sim.processes.items():
        sim.processes[name] = (lambda f, n: lambda week: (calls.append((week, n)), f(week)))(proc, name)
    sim.run()
    order = {s.name: i for i, s in enumerate(STEPS)}
    assert calls == sorted(calls, key=lambda c: (c[0], order[c[1]]))
    ran = {n for _, n in calls}
    assert ran == {s.name for s in sim.steps}
    if fmt == "none":
        assert ran == {"promotions", "growth", "informal", "quits", "hiring", "record"}
    else:
        assert ran == set(order)  # every step, recognition included (26-week cycles)
    weeks = [w for w, n in calls if n == "record"]
    assert weeks == list(range(1, 53))


def test_run_is_pure(small_one_on_one):
    a = engine.run(small_one_on_one, seed=3, replication=1)
    b = engine.run(small_one_on_one, seed=3, replication=1)
    np.testing.assert_array_equal(a.timeseries, b.timeseries)
    for k in a.people:
        np.testing.assert_array_equal(a.people[k], b.people[k])


def test_micro_boards_short_of_mentors_are_topped_up_later(one_on_one):
    # the shipped board program: too few mentors are free for every seat when a cohort forms
    sc = small(ms.load_scenario(SCENARIOS / "micro_board.yaml"), size=500, horizon=80)
    rel = run(sc, reps=2).relationships
    starts = rel.groupby(["replication", "mentee"])["start"].nunique()
    assert (starts > 1).any(), "no board was ever topped up"
    topped_up_terms = 0
    for _, rows in rel.groupby(["replication", "mentee"]):
        # at every week a board seats at most one mentor per skill and never the same mentor twice
        for week in np.unique(rows.start.to_numpy()):
            live = rows[(rows.start <= week) & (rows.end > week)]
            assert live.dim.is_unique and live.mentor.is_unique and len(live) <= 3
        # a seat filled on a running board ends when the board does, not a full term later
        t = rows[rows.reason == "term"]
        s, e = t.start.to_numpy(), t.end.to_numpy()
        overlap = (s[:, None] < e[None, :]) & (s[None, :] < e[:, None])
        assert (e[:, None] == e[None, :])[overlap].all()
        topped_up_terms += int((overlap & (s[:, None] != s[None, :])).any())
    assert topped_up_terms > 0


def test_peer_partners_meet_together_and_their_time_is_costed_once(one_on_one):
    sc = small(
        one_on_one,
        size=300,
        horizon=60,
        program__format="peer",
        program__intake="evergreen",
        costs__admin_per_participant_per_year=0.0,
        costs__prep_hours_per_session=0.0,
        workforce__promotion_base_logit=-20.0,
    )  # levels stay put, so each hour has one price
    res = run(sc, reps=2)
    rel = res.relationships
    pairs = rel.groupby(["replication", "group"])
    assert (pairs.size() == 2).all() and (pairs.meetings_held.nunique() == 1).all()
    assert res.people.promotions.sum() == 0
    level = res.people.set_index(["replication", "person_id"]).start_level
    hourly = np.asarray((0.0,) + tuple(sc.costs.hourly_cost_by_level))
    lv = level.loc[list(zip(rel.replication, rel.mentor))].to_numpy()
    hours = sc.program.session_minutes / 60.0 * sc.effects.peer.session_factor
    expected = (rel.meetings_held.to_numpy() * hours * hourly[lv]).sum()
    cost = res.timeseries.query("metric == 'program_cost'").value.sum()
    assert cost == pytest.approx(expected, rel=1e-9)


def test_peer_partners_review_their_season_together(one_on_one):
    # weekly pairs get narrowed when overloaded and deepened when strong: both rows always move together
    sc = small(
        ms.load_scenario(SCENARIOS / "peer.yaml"),
        size=500,
        horizon=200,
        program__cadence="weekly",
        program__term_weeks=104,
        program__boundaries=1.0,
    )
    rel = run(sc, reps=2, seed=3).relationships
    pairs = rel.groupby(["replication", "group"])
    assert (rel.cadence != 1).any(), "no pair was ever narrowed: the test does not exercise seasons"
    assert (pairs.cadence.nunique() == 1).all() and (pairs.meetings_held.nunique() == 1).all()
