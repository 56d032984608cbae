"""Informal mentoring as a process: it starts and ends, the stock holds, it does what it is credited with,
the twin and the program run share it, and a formal program replaces only the registered share of it."""

from __future__ import annotations

import numpy as np
import pytest

import mentorsim as ms
from mentorsim.engine.simulation import Simulation
from mentorsim.rng import counter_key, counter_uniform

N, R, SEED = 1500, 4, 9
OFF = {"workforce.informal_mentoring.share_by_level": [0.0] * 5}
METRICS = ("retention_36m", "monthly_quit_rate", "annual_promotion_rate", "first_year_quit_share")


@pytest.fixture(scope="module")
def base():
    return ms.load_scenario("scenarios/baseline.yaml").with_overrides({"workforce.size": N})


@pytest.fixture(scope="module")
def one():
    return ms.load_scenario("scenarios/one_on_one.yaml").with_overrides({"workforce.size": N})


def _summary(sc, **ov):
    s = ms.simulate(sc.with_overrides(ov), replications=R, seed=SEED).summary()
    return {m: float(s.loc[m, "mean"]) for m in METRICS}


def _stock(p, n):
    e = p.employed[:n]
    return np.array([p.informal[:n][e & (p.level[:n] == lvl)].mean() for lvl in range(1, 6)]), p.informal[:n][e].mean()


def test_counter_draws_are_uniform_and_depend_only_on_key_id_and_counter():
    k = counter_key(3, 1, "informal")
    ids, cnt = np.arange(200_000), np.zeros(200_000, dtype=np.int64)
    u = counter_uniform(np.full(len(ids), k, dtype=np.uint64), ids, cnt)
    assert 0 <= u.min() and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002
    part = counter_uniform(np.full(10, k, dtype=np.uint64), ids[5:15], cnt[5:15])
    np.testing.assert_array_equal(part, u[5:15])  # a person's draw is theirs, whoever else draws
    other = counter_uniform(np.full(len(ids), counter_key(3, 2, "informal"), dtype=np.uint64), ids, cnt)
    assert abs(np.corrcoef(u, other)[0, 1]) < 0.01


def test_the_stock_starts_at_the_evidence_and_relationships_turn_over(base):
    sim = Simulation(base.with_overrides({"workforce.informal_mentoring.homophily": 0.0}), SEED, 0)
    p, n0 = sim.p, sim.p.n
    by_level, overall = _stock(p, n0)
    np.testing.assert_allclose(by_level, [0.57, 0.35, 0.35, 0.08, 0.08], atol=0.07)
    assert abs(overall - 0.37) < 0.04
    had = p.informal[:n0].copy()
    sim.run()
    n = p.n
    _, end = _stock(p, n)
    assert abs(end - overall) < 0.06  # the start rate keeps the share (promotions carry some upward)
    stayed = p.employed[:n0] & had
    # mean length 172 weeks: about exp(-156/172) ~ 40% of week-0 relationships still run at the horizon
    still = p.informal[:n0][stayed].mean()
    assert 0.25 < still < 0.6
    assert p.ever_informal[:n].mean() > p.informal[:n].mean()  # people found mentors during the run


def test_informal_mentoring_is_credited_only_for_what_it_does(base):
    off, on = _summary(base, **OFF), _summary(base)
    inert = _summary(base, **{"workforce.informal_mentoring.effect_share": 0.0})
    assert inert == off  # no effect: the same figures as a world with no informal mentoring, exactly
    assert on["retention_36m"] > off["retention_36m"] + 0.01
    assert on["annual_promotion_rate"] > off["annual_promotion_rate"]


def test_a_longer_relationship_means_fewer_people_ever_have_one(base):
    short = ms.simulate(base.with_overrides({"workforce.informal_mentoring.mean_duration_weeks": 52}), 2, SEED).people
    long = ms.simulate(base.with_overrides({"workforce.informal_mentoring.mean_duration_weeks": 520}), 2, SEED).people
    assert short[short.initial].informal_mentor.mean() > long[long.initial].informal_mentor.mean() + 0.1


def test_a_formal_program_replaces_only_the_registered_share(one):
    def mentee_informal(sub):
        p = ms.simulate(
            one.with_overrides(
                {"workforce.informal_mentoring.substitution_share": sub, "program.participation_target": 0.4}
            ),
            2,
            SEED,
        ).people
        ini = p[p.initial & p.role.isin(["mentee", "both"])]
        return ini.informal_mentor.mean()

    none, full = mentee_informal(0.0), mentee_informal(1.0)
    assert full < none - 0.03  # mentees find fewer informal mentors when the program replaces them


def test_the_twin_and_the_program_run_share_informal_histories(base, one):
    """People the program never touches (not enrolled, never promoted in either run) keep exactly the same
    informal mentoring in the program run as in its no-program twin. (With homophily, who is senior also
    sets the rate, and a program changes who is promoted: then histories may differ through that.)"""
    flat = {"workforce.informal_mentoring.homophily": 0.0}
    a = ms.simulate(base.with_overrides(flat), 2, SEED).people
    b = ms.simulate(
        one.with_overrides({"workforce.informal_mentoring.substitution_share": 0.0, **flat}), 2, SEED
    ).people
    m = a.merge(b, on=["replication", "person_id"], suffixes=("_a", "_b"))
    untouched = (
        m.initial_a
        & (m.role_b == "none")
        & (m.promotions_a == 0)
        & (m.promotions_b == 0)
        & m.left_week_a.isna()
        & m.left_week_b.isna()
    )  # and stayed in both (the column is over the run)
    assert untouched.sum() > 500
    np.testing.assert_array_equal(m.informal_mentor_a[untouched].to_numpy(), m.informal_mentor_b[untouched].to_numpy())


def test_one_and_two_workers_and_batched_replications_agree(base):
    s1 = ms.simulate(base, replications=3, seed=SEED, workers=1).people
    s2 = ms.simulate(base, replications=3, seed=SEED, workers=2).people
    np.testing.assert_array_equal(s1.informal_mentor.to_numpy(), s2.informal_mentor.to_numpy())
    np.testing.assert_array_equal(s1.left_week.fillna(-9).to_numpy(), s2.left_week.fillna(-9).to_numpy())


def test_the_people_table_says_who_had_one_on_joining_and_who_during_the_run(base):
    p = ms.simulate(base.with_overrides({"workforce.informal_mentoring.homophily": 0.0}), 3, SEED).people
    ini = p[p.initial]
    on_joining = ini.groupby("start_level").informal_mentor_on_joining.mean().to_numpy()
    np.testing.assert_allclose(on_joining, [0.57, 0.35, 0.35, 0.08, 0.08], atol=0.06)  # the stock: Olivet
    assert (ini.informal_mentor >= ini.informal_mentor_on_joining).all()  # one on joining counts as during
    assert ini.informal_mentor.mean() > ini.informal_mentor_on_joining.mean() + 0.05
