"""The validity audit: the figures a careful reviewer checks, measured through the public API.

Paired runs of the shipped scenarios, 1,000 people, 156 weeks (``--reps`` replications, default 10,
``--seed`` 3). Prints one line per figure: where the naive participant gap comes from, goal
attainment, mentor load and burnout, the held share against cadence and session length, peers
against one-on-one, recognition of peers, causal retention per format and per session hour, and
participation against the target. Not a test: it prints figures to compare before and after a change.

    .venv/bin/python benchmarks/validity_audit.py [--reps 10] [--seed 3]
"""

from __future__ import annotations

import argparse
import time

import mentorsim as ms
from mentorsim.programs import FORMATS

N = 1000


def load(name: str, **ov) -> ms.Scenario:
    sc = ms.load_scenario(f"scenarios/{name}.yaml").with_overrides({"workforce.size": N})
    return sc.with_overrides(ov) if ov else sc


def mean(res, metric: str) -> float:
    return float(res.summary().loc[metric, "mean"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--seed", type=int, default=3)
    a = ap.parse_args()
    R, S = a.reps, a.seed
    t0 = time.perf_counter()
    base, one = load("baseline"), load("one_on_one")
    sim = lambda sc, r=R: ms.simulate(sc, replications=r, seed=S)  # noqa: E731

    print(f"# validity audit: {N} people, 156 weeks, {R} replications, seed {S}")
    for label, prog in (("one_on_one", one), ("one_on_one, random enrolment", one.with_overrides(
            {"program.selection_strength": 0.0, "name": "random"})), ("sun_like", load("sun_like"))):
        pe = ms.compare([prog.without_program("no program"), prog], replications=R,
                        seed=S).participant_effects().set_index("outcome")
        for o in ("retention", "promotion"):
            r = pe.loc[o]
            print(f"naive gap, {label}, {o}: {r.naive_gap * 100:+.1f} pts = timing {r.timing * 100:+.1f}"
                  f" + selection {r.selection * 100:+.1f} + causal {r.causal_effect * 100:+.1f}")

    r1, rb = sim(one), sim(base)
    print(f"goal attainment: one_on_one mentees {mean(r1, 'mentee_goal_attainment_rate'):.0%}, "
          f"workforce without a program {mean(rb, 'goal_attainment_rate'):.1%}")
    for res, label in ((r1, "one_on_one mentees"), (rb, "the same people without a program")):
        p = res.people
        p1 = r1.people
        piv = p1[(p1.persona == "career_pivoter") & p1.role.isin(["mentee", "both"])][["replication", "person_id"]]
        moved = p.merge(piv, on=["replication", "person_id"]).moved_internally.mean()
        print(f"pivoters who move internally, {label}: {moved:.0%}")
    prep = [mean(sim(one.with_overrides({"program.preparation": x})), "mentee_goal_attainment_rate")
            for x in (0.0, 0.5, 1.0)]
    print("mentee goal attainment at preparation 0/0.5/1: " + "/".join(f"{x:.0%}" for x in prep))

    cap = one.program.mentor_hours_per_month * one.program.mentor_capacity
    rels = r1.relationships
    narrowed = (rels.cadence > one.program.cadence_weeks + 1e-9).mean()
    print(f"one_on_one: mentor load {mean(r1, 'mentor_load_hours') / cap:.2f} of capacity, burnout "
          f"{mean(r1, 'mentor_burnout_rate'):.1%} of mentors, relationships narrowed {narrowed:.1%}, "
          f"held {mean(r1, 'meetings_held_share'):.2f}")
    for h in (2.0, 4.0):
        r = sim(one.with_overrides({"program.mentor_hours_per_month": h}))
        print(f"  mentor_hours_per_month {h:g}: held {mean(r, 'meetings_held_share'):.2f}, burnout "
              f"{mean(r, 'mentor_burnout_rate'):.1%}, retention_36m {mean(r, 'retention_36m'):.3f} "
              f"(3 h: {mean(r1, 'retention_36m'):.3f})")
    rc = one.with_overrides({"program.recognition": "review_credit"})
    for buf in (0.0, 0.5):
        r = sim(rc.with_overrides({"effects.recognition.review_credit.burnout_buffer": buf}))
        print(f"  review_credit burnout_buffer {buf:g}: burnout {mean(r, 'mentor_burnout_rate'):.1%}")
    for label, ov in (("weekly", {"program.cadence": "weekly"}), ("biweekly", {}),
                      ("weekly, 90-minute sessions", {"program.cadence": "weekly", "program.session_minutes": 90})):
        r = sim(one.with_overrides(ov)) if ov else r1
        print(f"held share, {label}: {mean(r, 'meetings_held_share'):.2f} (burnout {mean(r, 'mentor_burnout_rate'):.1%})")

    peer = load("peer")
    rp = sim(peer)
    print(f"held share: peer {mean(rp, 'meetings_held_share'):.2f}, one_on_one {mean(r1, 'meetings_held_share'):.2f}")
    for label, sc in (("peer", peer), ("one_on_one", one)):
        c = ms.compare([base, sc, sc.with_overrides({"program.recognition": "review_credit", "name": "rc"})],
                       replications=R, seed=S).table()
        d = c[c.metric == "annual_promotion_rate"].diff_mean.to_numpy() * 100
        print(f"promotion effect, {label}: {d[0]:+.2f} pts, with review credit {d[1]:+.2f} pts")

    fmts = ("one_on_one", "circle", "peer", "micro_board", "reverse")
    cmp = ms.compare([base] + [load(f) for f in fmts], replications=R, seed=S)
    pe = cmp.participant_effects()
    pe = pe[pe.outcome == "retention"].set_index("scenario")
    parts = []
    for f in fmts:
        p = cmp[f].people
        mentee = p[p.role.isin(["mentee", "both"])]
        sc = load(f)
        hours = mentee.meetings_held.mean() * sc.program.session_minutes / 60.0 * FORMATS[f].effects(sc).session_factor
        parts.append(f"{f} {pe.loc[f, 'causal_effect'] * 100:+.1f} ({hours:.0f} session h)")
    print("causal 36-month retention per participant: " + ", ".join(parts))

    part = [mean(sim(one.with_overrides({"program.participation_target": t}), 4), "participation_rate")
            for t in (0.1, 0.25, 0.5, 0.9)]
    print("participation at target 0.1/0.25/0.5/0.9: " + "/".join(f"{x:.3f}" for x in part))
    print(f"# {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
