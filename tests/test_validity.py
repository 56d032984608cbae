"""Face validity of the mechanisms a careful reviewer checks (see benchmarks/validity_audit.py).

Each test asserts behaviour, never a figure copied from a run: a direction, a paired comparison
on the same seed (the same starting people, the same draws), or that switching a mechanism off
makes its figure go. Runs are small (500 people, 156 weeks, 4 replications; the format
comparison 1,000 people and 8 replications, where per-participant effects need the power), and
each margin was checked against several seeds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mentorsim as ms
from conftest import SCENARIOS
from mentorsim.engine import Simulation
from mentorsim.programs import FORMATS
from mentorsim.schema.tables import WEEKS_PER_MONTH

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

SEED = 3
SIZE = 500
HORIZON = 156
REPS = 4
OTHER_FORMATS = ("peer", "circle", "reverse")  # formats without workplace evidence, in the format comparison
UNPROVEN = ("circle", "peer", "reverse", "micro_board")  # every shipped format without evidence


def load(file: str, size: int = SIZE, /, **overrides) -> ms.Scenario:
    """A shipped scenario at ``size`` people over HORIZON weeks, with dotted overrides."""
    return ms.load_scenario(SCENARIOS / f"{file}.yaml").with_overrides(
        {"workforce.size": size, "horizon_weeks": HORIZON, **overrides}
    )


def run(sc: ms.Scenario, reps: int = REPS, seed: int = SEED, **kw) -> ms.Results:
    return ms.simulate(sc, replications=reps, seed=seed, **kw)


def mean(res: ms.Results, metric: str) -> float:
    return float(res.summary().loc[metric, "mean"])


def mentees(res: ms.Results) -> pd.DataFrame:
    p = res.people
    return p[p.role.isin(["mentee", "both"])]


@pytest.fixture(scope="module")
def one() -> ms.Scenario:
    return load("one_on_one")


@pytest.fixture(scope="module")
def one_results(one) -> ms.Results:
    return run(one)


@pytest.fixture(scope="module")
def formats() -> ms.Comparison:
    """Paired runs at 1,000 people: the baseline, one_on_one, the formats without evidence and
    one_on_one with random enrolment."""
    n = 1000
    scs = [
        load("baseline", n),
        load("one_on_one", n),
        *(load(f, n) for f in OTHER_FORMATS),
        load("one_on_one", n, **{"program.selection_strength": 0.0, "name": "random enrolment"}),
    ]
    return ms.compare(scs, replications=8, seed=SEED)


# ---- 1. every behavioural number is registered and reaches the engine -----------------------------


def test_every_behavioural_number_is_registered_with_a_unit_and_a_known_source():
    reg = ms.parameter_register().set_index("name")
    mech = ms.Scenario().mechanics.model_dump()
    wanted = [f"mechanics.{group}.{field}" for group, fields in mech.items() for field in fields]
    wanted += [
        f"effects.recognition.{policy}.{field}"
        for policy in ("review_credit", "learning_credits", "celebrate_impact")
        for field in ("session_lift", "skill_per_cycle", "burnout_relief")
    ]
    assert len(wanted) > 60  # every group of mechanics has fields
    missing = sorted(set(wanted) - set(reg.index))
    assert not missing, f"not in the parameter register: {missing}"
    no_unit = reg.index[reg.unit.str.strip() == ""].tolist()
    assert not no_unit, f"registered without a unit: {no_unit}"
    unknown = reg.loc[reg.source_kind == "unknown", "source"].to_dict()
    assert not unknown, (
        f"registered with a source that is neither evidence, a defaults topic nor 'assumption': {unknown}"
    )


def test_mechanics_parameters_reach_the_engine(one, one_results):
    # a low burnout threshold burns out more mentors
    low = run(one.with_overrides({"mechanics.burnout.threshold": 0.2}))
    assert mean(low, "mentor_burnout_rate") > mean(one_results, "mentor_burnout_rate") + 0.01
    # the chance a commitment is done moves the mentees' goal attainment, in its direction
    goal = [
        mean(run(one.with_overrides({"mechanics.goals.commitment_base": x})), "mentee_goal_attainment_rate")
        for x in (0.05, 0.9)
    ]
    default = mean(one_results, "mentee_goal_attainment_rate")
    assert goal[0] + 0.1 < default < goal[1] - 0.1, (goal, default)


# ---- 2. goal attainment: not saturated, moved by preparation and commitments -------------------------


def test_goal_attainment_is_not_saturated_and_follows_preparation_and_commitments(one, one_results):
    goal = lambda res: mean(res, "mentee_goal_attainment_rate")  # noqa: E731
    default = goal(one_results)
    base = run(one.without_program("baseline"))
    assert mean(base, "goal_attainment_rate") + 0.15 < default < 0.8, "mentees' goal attainment saturates"

    prep = [goal(run(one.with_overrides({"program.preparation": x}))) for x in (0.0, 1.0)]
    assert prep[1] > prep[0] + 0.1, f"goal attainment at preparation 0 / 1: {prep}"
    commit = [goal(run(one.with_overrides({"program.commitments_per_session": k}))) for k in (0, 2)]
    assert commit[1] > commit[0] + 0.15, f"goal attainment at 0 / 2 commitments per session: {commit}"

    # no progress per commitment: the mentees reach their goal about as often as the same people
    # without a program (their skills still grow from the sessions)
    none = run(one.with_overrides({"program.goal_progress_per_commitment": 0.0}))
    same = base.people.merge(mentees(none)[["replication", "person_id"]], on=["replication", "person_id"])
    off = goal(none)
    assert off < default - 0.2
    assert abs(off - same.goal_attained.mean()) < 0.05, (off, same.goal_attained.mean())


# ---- 3. mentor capacity varies; recognition buffers strain ----------------------------------------


def test_mentors_differ_in_capacity_and_recognition_buffers_burnout(one, one_results):
    even = run(one.with_overrides({"mechanics.people.mentor_capacity_spread": 0.0}))
    assert mean(even, "mentor_burnout_rate") <= 0.002, "mentors of equal capacity burn out at the default hours"
    assert mean(one_results, "mentor_burnout_rate") > 0, "no mentor burns out although mentors' capacities differ"

    rc = one.with_overrides({"program.recognition": "review_credit", "program.cadence": "weekly"})
    burn = [
        mean(run(rc.with_overrides({"effects.recognition.review_credit.burnout_buffer": b})), "mentor_burnout_rate")
        for b in (0.0, 0.9)
    ]
    assert burn[0] > 0.05, f"weekly sessions do not strain mentors: {burn}"
    assert burn[1] < 0.5 * burn[0], f"burnout at review credit buffer 0 / 0.9: {burn}"


# ---- 4. the held share falls gently as mentor time shrinks -----------------------------------------


def test_held_share_falls_without_a_cliff_as_mentor_hours_shrink(one):
    hours = (6.0, 3.0, 2.0, 1.5, 1.0)
    held = np.array(
        [mean(run(one.with_overrides({"program.mentor_hours_per_month": h})), "meetings_held_share") for h in hours]
    )
    steps = np.diff(held)
    assert (steps <= 0.01).all(), f"held share rose as mentor hours fell: {dict(zip(hours, held.round(3)))}"
    assert (steps >= -0.15).all(), f"a cliff in the held share: {dict(zip(hours, held.round(3)))}"
    assert held[0] > held[-1] + 0.1, "mentor time does not limit the sessions held"
    assert held[-1] > 0.3, f"almost no session is held at {hours[-1]} hours a month: {held[-1]:.2f}"


# ---- 5. preparation changes what a session teaches; quality scales its benefit ---------------------


def _promoted_mentees(res: ms.Results) -> float:
    return float((mentees(res).promotions > 0).mean())


def test_preparation_changes_what_a_session_teaches(one):
    # no commitments: preparation can only act through what a session teaches
    no_commit = one.with_overrides({"program.commitments_per_session": 0})
    for teaching in (0.0, 1.0):
        sc = no_commit.with_overrides({"mechanics.sessions.preparation_teaching": teaching})
        lo, hi = (run(sc.with_overrides({"program.preparation": x})) for x in (0.0, 1.0))
        if teaching == 0:
            pd.testing.assert_frame_equal(lo.metrics, hi.metrics)  # preparation then changes nothing
            pd.testing.assert_frame_equal(lo.people, hi.people)
        else:
            assert _promoted_mentees(hi) > _promoted_mentees(lo) + 0.015, (
                f"share of mentees promoted at preparation 0 / 1: {_promoted_mentees(lo)}, {_promoted_mentees(hi)}"
            )


def test_relationship_quality_scales_a_sessions_benefit(one):
    res = {
        (w, ref): run(
            one.with_overrides({"mechanics.sessions.quality_weight": w, "mechanics.sessions.reference_quality": ref})
        )
        for w in (0.0, 1.0)
        for ref in (0.25, 1.0)
    }
    # with no weight on quality, the quality a session is referenced to does not matter
    pd.testing.assert_frame_equal(res[0.0, 0.25].metrics, res[0.0, 1.0].metrics)
    # with full weight, the same relationships give more when their quality counts for more
    for metric in ("mentee_goal_attainment_rate", "mean_engagement"):
        assert mean(res[1.0, 0.25], metric) > mean(res[1.0, 1.0], metric), metric
    assert (
        mean(res[1.0, 0.25], "mentee_goal_attainment_rate") > mean(res[1.0, 1.0], "mentee_goal_attainment_rate") + 0.2
    )
    # and the weight itself changes outcomes: with quality counted against a high reference, full
    # weight gives less than no weight; against a low one, more
    unweighted = mean(res[0.0, 1.0], "mentee_goal_attainment_rate")
    assert (
        mean(res[1.0, 1.0], "mentee_goal_attainment_rate")
        < unweighted
        < mean(res[1.0, 0.25], "mentee_goal_attainment_rate")
    )


# ---- 6. seasons narrow overloaded relationships --------------------------------------------------


def test_seasons_narrow_some_relationships_and_none_without_seasons(one, one_results):
    cad = one.program.cadence_weeks
    rel = one_results.relationships
    narrowed = rel.cadence > cad + 1e-9
    assert narrowed.mean() > 0.02, f"seasons narrowed {narrowed.sum()} of {len(rel)} relationships"
    longest = one.mechanics.relationships.narrow_max_months * WEEKS_PER_MONTH
    assert (rel.cadence <= max(longest, cad) + 1e-9).all()
    off = run(one.with_overrides({"program.seasons": False})).relationships
    assert len(off) > 0 and (off.cadence <= cad + 1e-9).all(), "a relationship narrowed with seasons off"


# ---- 7. peers hold their sessions --------------------------------------------------------------


def test_peer_pairs_hold_their_sessions_for_the_reasons_given(formats):
    held = lambda res: mean(res, "meetings_held_share")  # noqa: E731
    one_held, peer_held = held(formats["one_on_one"]), held(formats["peer"])
    assert peer_held >= one_held, f"held share: peer {peer_held:.3f}, one_on_one {one_held:.3f}"
    # without their easier scheduling and attendance, a pair (either partner can cancel) holds no more
    plain = formats["peer"].scenario.with_overrides({"effects.peer.no_show": 1.0, "effects.peer.friction": 1.0})
    plain_held = held(run(plain, reps=8))
    assert plain_held < peer_held
    assert plain_held <= one_held, f"held share: plain peer {plain_held:.3f}, one_on_one {one_held:.3f}"


# ---- 8. recognition does not treat peers as mentors unless told to --------------------------------


def test_recognition_is_for_mentors_not_peers_unless_peers_count():
    peer = load("peer")
    plain = run(peer)
    credited = run(peer.with_overrides({"program.recognition": "review_credit"}))
    pd.testing.assert_frame_equal(plain.metrics, credited.metrics)
    pd.testing.assert_frame_equal(plain.people, credited.people)
    counted = run(peer.with_overrides({"program.recognition": "review_credit", "program.recognise_peers": True}))
    assert mean(counted, "annual_promotion_rate") > mean(plain, "annual_promotion_rate") + 0.005


# ---- 9. formats without evidence get no more per session hour than one-on-one ----------------------


def test_formats_without_evidence_get_no_more_per_session_hour(formats):
    pe = formats.participant_effects()
    ret = pe[pe.outcome == "retention"].set_index("scenario")

    def per_hour(name: str) -> float:
        sc = formats[name].scenario
        hours = (
            mentees(formats[name]).meetings_held.mean()
            * sc.program.session_minutes
            / 60.0
            * FORMATS[sc.program.format].effects(sc).session_factor
        )
        return float(ret.loc[name, "causal_effect"]) / hours

    ref = per_hour("one_on_one")
    assert ret.loc["one_on_one", "causal_ci_low"] > 0, "one-on-one has no causal retention effect to compare with"
    ratios = {f: per_hour(f) / ref for f in OTHER_FORMATS}
    assert all(r <= 1.25 for r in ratios.values()), f"causal retention per session hour, x one-on-one's: {ratios}"


def test_format_effect_defaults_give_unproven_formats_no_edge():
    fx = ms.Scenario().effects
    ref = fx.one_on_one
    for f in UNPROVEN:
        e = getattr(fx, f)
        assert e.expertise <= 1 and e.engagement <= 1, f
        assert e.commitment_bonus <= 0, f
        assert e.mentor_engagement <= ref.mentor_engagement, f
        assert e.mentor_visibility <= 0, f


# ---- 10. enrolment: the target, the waiting list, mentors first -----------------------------------


def test_participation_follows_the_target_and_mentors_come_first(one):
    targets = (0.1, 0.25, 0.5, 0.9)
    s = [run(one.with_overrides({"program.participation_target": t})).summary()["mean"] for t in targets]
    part = np.array([x["participation_rate"] for x in s])
    wait = np.array([x["waiting_mentees"] for x in s])
    mentor = np.array([x["mentor_share"] for x in s])
    assert (np.diff(part) >= -0.01).all(), f"participation by target: {dict(zip(targets, part.round(3)))}"
    assert part[-1] > part[0] + 0.05
    assert (np.diff(wait) > 0).all(), f"waiting mentees by target: {dict(zip(targets, wait.round(1)))}"
    # enrolling more mentees never uses up the people who mentor
    assert (np.diff(mentor) >= -0.003).all(), f"mentor share by target: {dict(zip(targets, mentor.round(4)))}"


def test_waiting_list_expires_and_waiters_may_enrol_again(one):
    sc = one.with_overrides(
        {
            "workforce.size": 300,
            "program.waiting_list_weeks": 2,
            "program.participation_target": 0.9,
            "program.intake": "evergreen",
        }
    )
    res = run(sc, reps=2, trace="all")
    ev = res.events
    left = ev[ev.event == "left_waiting_list"]
    assert len(left) > 0, "nobody left the waiting list"
    enrolled = ev[ev.event == "enrolled"]
    again = left.merge(enrolled, on=["replication", "person_id"], suffixes=("_left", "_enrolled"))
    assert (again.week_enrolled > again.week_left).any(), "nobody who left the waiting list enrolled again"
    # everyone who left the list had enrolled before
    first = enrolled.groupby(["replication", "person_id"]).week.min()
    gone = left.groupby(["replication", "person_id"]).week.min()
    assert (first.reindex(gone.index) < gone).all()

    # mentors come first: nobody is a mentee and a mentor at once
    rel = res.relationships
    for _, g in rel.groupby("replication"):
        both = g[["mentee", "start", "end"]].merge(
            g[["mentor", "start", "end"]], left_on="mentee", right_on="mentor", suffixes=("_e", "_m")
        )
        overlap = (both.start_e < both.end_m) & (both.start_m < both.end_e)
        assert not overlap.any(), "someone mentored while they were a mentee"
    # ... and nobody in the mentor pool enrols, nor volunteers to mentor while waiting for a mentor
    for (_, _), g in ev[
        ev.event.isin(["enrolled", "left_waiting_list", "matched", "volunteered_mentor", "burned_out"])
    ].groupby(["replication", "person_id"], sort=False):
        waiting = in_pool = False
        for e in g.event:
            if e == "enrolled":
                assert not in_pool, "a volunteer mentor enrolled as a mentee"
                waiting = True
            elif e in ("left_waiting_list", "matched"):
                waiting = False
            elif e == "volunteered_mentor":
                assert not waiting, "someone on the waiting list volunteered to mentor"
                in_pool = True
            elif e == "burned_out":
                in_pool = False


# ---- 11. a circle (or a pair) meets as one session --------------------------------------------------


def _finished(name: str, **overrides) -> Simulation:
    sim = Simulation(load(name, 300, **overrides), SEED, 0)
    sim.run()
    return sim


def test_a_circle_session_is_cancelled_for_all_or_none_with_one_draw():
    sim = _finished("circle")
    rel, meetings = sim.rel, sim.processes["meetings"]
    due = np.arange(rel.n)
    group = rel.group[due]
    assert (np.bincount(group) > 1).any(), "no circle has several members"
    rng = np.random.default_rng(SEED)
    u, p_cancel = rng.random(len(due)), rng.random(len(due))
    cancel = meetings.session_cancelled(due, u, p_cancel)
    df = pd.DataFrame({"group": group, "cancel": cancel, "u": u, "p": p_cancel})
    by = df.groupby("group")
    assert (by.cancel.nunique() == 1).all(), "members of one circle got different decisions"
    # the draw of each session's first due row decides, against the highest chance in the group
    # (in a run every row of a circle has its facilitator's chance)
    np.testing.assert_array_equal(by.cancel.first().to_numpy(), (by.u.first() < by.p.max()).to_numpy())
    # one draw: the other members' draws change nothing
    later = pd.Series(group).duplicated().to_numpy()
    u2 = np.where(later, 1.0 - u, u)
    np.testing.assert_array_equal(meetings.session_cancelled(due, u2, p_cancel), cancel)


def _circle_spans(**overrides) -> pd.DataFrame:
    """Relationship rows of a circle run in which nobody misses a session, by circle and weeks in it."""
    return run(load("circle", 300, **{"effects.circle.no_show": 0.0, **overrides}), reps=2).relationships


@pytest.mark.parametrize("seasons", [False, True])
def test_a_circle_meets_as_one_session_in_a_run(seasons):
    # nobody misses a session, so a member holds a session exactly when the circle does: members of a
    # circle over the same weeks hold the same sessions
    rel = _circle_spans(**{"program.seasons": seasons})
    spans = rel.groupby(["replication", "group", "start", "end"])
    assert (spans.size() > 1).any()
    cadences = spans.cadence.nunique()
    assert (cadences == 1).all(), (
        f"{int((cadences > 1).sum())} of {len(cadences)} circle memberships sit in a circle whose members meet on "
        f"different cadences (a season review narrowed or deepened some members' rows, not the circle's)"
    )
    assert (spans.meetings_scheduled.nunique() == 1).all()
    assert (spans.meetings_held.nunique() == 1).all(), "members of one circle held different sessions"


def test_a_pair_session_uses_the_higher_of_the_partners_cancel_chances():
    sim = _finished("peer")
    rel, meetings = sim.rel, sim.processes["meetings"]
    due = np.arange(rel.n)
    group = rel.group[due]
    pairs = np.bincount(group)
    assert (pairs[group] == 2).all(), "a peer group that is not a pair"
    # in each pair one partner's calendar is nearly free and the other's is busy
    second = pd.Series(group).duplicated().to_numpy()
    p_cancel = np.where(second, 0.6, 0.1)
    for draw, cancelled in ((0.3, True), (0.7, False)):  # between the two chances / above both
        cancel = meetings.session_cancelled(due, np.full(len(due), draw), p_cancel)
        assert (cancel == cancelled).all(), (draw, cancel.mean())
    assert not meetings.session_cancelled(due, np.full(len(due), 0.3), np.where(second, 0.2, 0.1)).any()


# ---- 12. the naive gap in three parts ------------------------------------------------------------


def test_naive_gap_is_timing_plus_selection_plus_causal_and_selection_follows_volunteering(formats):
    pe = formats.participant_effects().set_index(["scenario", "outcome"])
    for outcome in ("retention", "promotion"):
        r = pe.loc[("one_on_one", outcome)]
        assert abs(r.naive_gap - (r.timing + r.selection + r.causal_effect)) < 1e-9, outcome
    np.testing.assert_allclose(pe.naive_gap, pe.timing + pe.selection + pe.causal_effect, atol=1e-9)
    chosen = pe.loc[("one_on_one", "promotion"), "selection"]
    random = pe.loc[("random enrolment", "promotion"), "selection"]
    assert chosen > 0.05, f"volunteering on ambition shows no promotion selection: {chosen:.3f}"
    assert abs(random) < 0.4 * chosen, f"promotion selection: default {chosen:.3f}, random enrolment {random:.3f}"
