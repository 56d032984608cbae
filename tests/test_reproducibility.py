"""Reproducibility: same inputs give identical frames, whatever the worker count; common random numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mentorsim as ms
from conftest import PROGRAM_FORMATS, SCENARIOS, SEED, small

TRAITS = ["replication", "person_id", "persona", "start_level", "hired_week", "ambition"]


def assert_same_frames(a: ms.Results, b: ms.Results) -> None:
    pd.testing.assert_frame_equal(a.people, b.people)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(a.relationships, b.relationships)
    pd.testing.assert_frame_equal(a.summary(), b.summary())


@pytest.mark.parametrize("fmt", ["one_on_one", "circle", "micro_board"])
def test_same_scenario_and_seed_give_identical_frames(one_on_one, fmt):
    sc = small(one_on_one, program__format=fmt, program__sponsorship=True, program__matching="random")
    assert_same_frames(ms.simulate(sc, replications=2, seed=11), ms.simulate(sc, replications=2, seed=11))


def test_equal_scenarios_loaded_twice_give_identical_frames(one_on_one):
    a = small(one_on_one)
    b = small(ms.load_scenario(SCENARIOS / "one_on_one.yaml"))
    assert a == b and a is not b
    assert_same_frames(ms.simulate(a, replications=1, seed=5), ms.simulate(b, replications=1, seed=5))


def test_workers_do_not_change_results(one_on_one):
    sc = small(one_on_one, size=200, horizon=40, program__sponsorship=True)
    one = ms.simulate(sc, replications=3, seed=SEED, workers=1)
    two = ms.simulate(sc, replications=3, seed=SEED, workers=2)
    assert_same_frames(one, two)
    assert one.provenance == two.provenance


def test_workers_do_not_change_comparisons(small_baseline, one_on_one):
    scs = [small(small_baseline, size=200, horizon=40), small(one_on_one, size=200, horizon=40)]
    a = ms.compare(scs, replications=2, seed=SEED, workers=1).table()
    b = ms.compare(scs, replications=2, seed=SEED, workers=2).table()
    pd.testing.assert_frame_equal(a, b)


def test_a_replication_does_not_depend_on_how_many_others_run(small_one_on_one):
    few = ms.simulate(small_one_on_one, replications=1, seed=SEED)
    more = ms.simulate(small_one_on_one, replications=3, seed=SEED)
    pd.testing.assert_frame_equal(few.people, more.people[more.people.replication == 0].reset_index(drop=True))


def _starting_traits(res: ms.Results) -> pd.DataFrame:
    p = res.people
    return p.loc[p.initial, TRAITS].reset_index(drop=True)


@pytest.mark.parametrize("fmt", PROGRAM_FORMATS)
def test_common_random_numbers_same_starting_people_across_formats(small_baseline, one_on_one, fmt):
    base = ms.simulate(small_baseline, replications=2, seed=SEED)
    other = ms.simulate(small(one_on_one, program__format=fmt, program__sponsorship=True), replications=2, seed=SEED)
    pd.testing.assert_frame_equal(_starting_traits(base), _starting_traits(other))


@pytest.mark.parametrize(
    "overrides",
    [
        {"program.cadence": "weekly"},
        {"program.recognition": "celebrate_impact", "program.matching": "random"},
        {"program.intake": "evergreen", "program.participation_target": 0.9},
        {"horizon_weeks": 20},
        {"horizon_weeks": 150},
    ],
)
def test_common_random_numbers_across_program_settings_and_horizons(small_one_on_one, overrides):
    a = ms.simulate(small_one_on_one, replications=1, seed=SEED)
    b = ms.simulate(small_one_on_one.with_overrides(overrides), replications=1, seed=SEED)
    pd.testing.assert_frame_equal(_starting_traits(a), _starting_traits(b))


def test_common_random_numbers_in_compare(small_comparison):
    frames = [_starting_traits(r) for r in small_comparison.results]
    for f in frames[1:]:
        pd.testing.assert_frame_equal(frames[0], f)


def test_baseline_people_unaffected_by_what_other_scenarios_do(small_baseline, small_one_on_one):
    """Running a baseline alone or inside a comparison gives the same people."""
    alone = ms.simulate(small_baseline, replications=3, seed=SEED)
    cmp = ms.compare([small_baseline, small_one_on_one], replications=3, seed=SEED)
    pd.testing.assert_frame_equal(alone.people, cmp.baseline.people)


def test_different_seeds_differ(small_one_on_one):
    a = ms.simulate(small_one_on_one, replications=1, seed=1)
    b = ms.simulate(small_one_on_one, replications=1, seed=2)
    assert not _starting_traits(a).equals(_starting_traits(b))
    assert not a.timeseries.equals(b.timeseries)


def test_replications_differ(small_one_on_one):
    res = ms.simulate(small_one_on_one, replications=2, seed=SEED)
    t = res.people[res.people.initial]
    a = t[t.replication == 0][["persona", "ambition"]].reset_index(drop=True)
    b = t[t.replication == 1][["persona", "ambition"]].reset_index(drop=True)
    assert not a.equals(b)


def test_bad_counts_raise_clear_errors(small_one_on_one):
    for kw in ({"replications": 0}, {"workers": 0}, {"seed": -1}, {"replications": 1.5}):
        with pytest.raises(ms.MentorsimError):
            ms.simulate(small_one_on_one, **{"replications": 1, **kw})


# ---- batches: replications run together give exactly what each gives alone --------------------


def _same_rep(a, b) -> None:
    for part in ("people", "relationships"):
        x, y = getattr(a, part), getattr(b, part)
        assert x.keys() == y.keys()
        for k in x:
            assert np.array_equal(x[k], y[k], equal_nan=x[k].dtype.kind == "f"), f"{part}.{k}"
    assert np.array_equal(a.timeseries, b.timeseries)
    assert a.events == b.events


BATCH_CASES = [
    ("one_on_one", {}),
    (
        "one_on_one",
        {"program.matching": "random", "program.intake": "evergreen", "program.recognition": "learning_credits"},
    ),
    (
        "one_on_one",
        {
            "program.cadence": "weekly",
            "program.mentor_capacity": 3,
            "program.mentor_hours_per_month": 2.5,
            "program.boundaries": 0.0,
            "program.recognition": "celebrate_impact",
        },
    ),  # heavy burnout
    ("circle", {"program.matching": "random"}),
    ("peer", {}),
    ("reverse", {}),
    ("micro_board", {"program.matching": "random"}),
    ("sponsorship", {"program.recognition": "review_credit"}),
]


@pytest.mark.parametrize("name,overrides", BATCH_CASES)
def test_a_batch_gives_each_replication_its_own_result(name, overrides):
    from mentorsim import engine
    from mentorsim.engine import Simulation

    sc = ms.load_scenario(SCENARIOS / f"{name}.yaml").with_overrides(
        {"workforce.size": 150, "horizon_weeks": 80, **overrides}
    )
    alone = {r: engine.run(sc, SEED, r, trace=True) for r in range(3)}
    together = Simulation(sc, SEED, [2, 0, 1], trace=True).run()
    assert [r.replication for r in together] == [2, 0, 1]
    # a tiny starting block forces every site to be re-laid as hires arrive
    regrown = Simulation(sc, SEED, [1, 2], trace=True, site_cap=sc.workforce.size + 3).run()
    for r in together + regrown:
        _same_rep(alone[r.replication], r)
    assert any(len(r.events["week"]) for r in together)


def test_batches_are_bounded_in_people():
    from mentorsim.engine import BATCH_PEOPLE, batches

    sc = ms.load_scenario(SCENARIOS / "one_on_one.yaml")
    big = sc.with_overrides({"workforce.size": BATCH_PEOPLE})
    assert batches(big, [0, 1, 2]) == [[0], [1], [2]]
    small_sc = sc.with_overrides({"workforce.size": 500})
    assert batches(small_sc, list(range(20))) == [list(range(20))]
    assert sum(batches(sc.with_overrides({"workforce.size": BATCH_PEOPLE // 3}), list(range(7))), []) == list(range(7))


@pytest.mark.parametrize("trace", ["all", [0, 3, 40, 90, 130]])
def test_traced_hires_are_logged_whatever_the_batch(trace):
    from mentorsim import engine
    from mentorsim.engine import Simulation

    sc = ms.load_scenario(SCENARIOS / "one_on_one.yaml").with_overrides(
        {"workforce.size": 20, "horizon_weeks": 156, "workforce.base_weekly_quit_hazard": 0.02}
    )
    alone = {r: engine.run(sc, 0, r, trace=trace) for r in range(2)}
    for r in Simulation(sc, 0, [1, 0], trace=trace, site_cap=21).run():  # regrown many times
        _same_rep(alone[r.replication], r)
    a = alone[0]
    hired = [p for p, e in zip(a.events["person_id"], a.events["event"]) if e == "hired"]
    n_hires = int((a.people["hired_week"] >= 1).sum())
    if trace == "all":
        assert len(hired) == n_hires > 20  # every hire, also beyond the first block of slots
    else:
        assert set(hired) == {p for p in trace if 20 <= p < len(a.people["person_id"])}
