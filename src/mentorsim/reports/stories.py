"""The stories behind the numbers: one traced mentee per persona, with and without the program.

Every sentence is generated from the event log of a traced run (``Results.events``)
and the person's row in ``Results.people``; nothing is invented. Because of common
random numbers, replication 0 of a run with seed ``s`` holds the same starting
people in every scenario, so the same ``person_id`` in the baseline run is the
same person in a world without the program.

    import mentorsim as ms
    for st in ms.stories(ms.load_scenario("scenarios/one_on_one.yaml"),
                         ms.load_scenario("scenarios/baseline.yaml"), seed=0):
        print(st.text)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mentorsim.programs import FORMATS
from mentorsim.schema.scenario import Scenario

STORY_PERSONAS = ("early_career", "first_time_manager", "career_pivoter")
PERSONA_LABELS = {
    "early_career": "early-career",
    "first_time_manager": "first-time manager",
    "career_pivoter": "career pivoter",
    "established": "established",
}
GOALS = {
    "early_career": "growing their technical skills",
    "first_time_manager": "growing as a leader",
    "career_pivoter": "moving into a different role",
    "established": "strengthening their weakest skill",
}


@dataclass
class Story:
    """One traced mentee in the program world and the same person in the baseline world."""

    persona: str
    scenario: str
    baseline: str
    seed: int
    replication: int
    person_id: int | None
    title: str
    program_sentences: list[str] = field(default_factory=list)
    baseline_sentences: list[str] = field(default_factory=list)
    verdict: str = ""
    facts: list[dict[str, Any]] = field(default_factory=list)  # (world, week, event) each sentence rests on

    @property
    def persona_label(self) -> str:
        return PERSONA_LABELS[self.persona]

    @property
    def text(self) -> str:
        if self.person_id is None:
            return self.title + "."
        return " ".join(
            [
                self.title + ".",
                f"With {self.scenario}:",
                *self.program_sentences,
                f"In {self.baseline}, with no program, the same person:",
                *self.baseline_sentences,
                self.verdict,
            ]
        ).strip()

    def to_dict(self) -> dict[str, Any]:
        return {
            "persona": self.persona,
            "persona_label": self.persona_label,
            "scenario": self.scenario,
            "baseline": self.baseline,
            "seed": self.seed,
            "replication": self.replication,
            "person_id": self.person_id,
            "title": self.title,
            "program_sentences": self.program_sentences,
            "baseline_sentences": self.baseline_sentences,
            "verdict": self.verdict,
            "facts": self.facts,
        }


def pick_mentees(people: pd.DataFrame, replication: int = 0) -> dict[str, int | None]:
    """The lowest-numbered starting employee of each story persona who was a mentee.

    Chosen by ID, never by outcome, so the stories are not cherry-picked.
    """
    p = people[(people.replication == replication) & people.initial & people.role.isin(["mentee", "both"])]
    out: dict[str, int | None] = {}
    for persona in STORY_PERSONAS:
        ids = p.person_id[p.persona == persona]
        out[persona] = int(ids.min()) if len(ids) else None
    return out


def stories(
    scenario: Scenario, baseline: Scenario, seed: int = 0, people: pd.DataFrame | None = None, baseline_run: Any = None
) -> list[Story]:
    """One story per persona for ``scenario`` against ``baseline`` (replication 0 of ``seed``).

    ``people``: the scenario's ``Results.people`` if already computed (replication 0
    is used to pick the mentees); otherwise replication 0 is run to find them.
    ``baseline_run``: a traced baseline run of replication 0 that already traced these
    mentees (see ``story_ids``), so several programs' stories share one baseline run.
    """
    from mentorsim.run.experiment import simulate

    if people is None:
        people = simulate(scenario, replications=1, seed=seed).people
    picks = pick_mentees(people, 0)
    ids = [i for i in picks.values() if i is not None]
    if ids:
        prog = simulate(scenario, replications=1, seed=seed, trace=ids)
        base = baseline_run if baseline_run is not None else simulate(baseline, replications=1, seed=seed, trace=ids)
        pe, be = prog.events, base.events
        pp, bp = prog.people.set_index("person_id"), base.people.set_index("person_id")
    out = []
    for persona in STORY_PERSONAS:
        pid = picks[persona]
        label = PERSONA_LABELS[persona]
        if pid is None:
            out.append(
                Story(
                    persona,
                    scenario.name,
                    baseline.name,
                    seed,
                    0,
                    None,
                    f"No {label} employee was a mentee in this run of {scenario.name}",
                )
            )
            continue
        out.append(
            _story(
                persona,
                pid,
                scenario,
                baseline,
                seed,
                pe[pe.person_id == pid].sort_values("week", kind="stable"),
                be[be.person_id == pid].sort_values("week", kind="stable"),
                pp.loc[pid],
                bp.loc[pid],
            )
        )
    return out


def story_ids(people: pd.DataFrame) -> list[int]:
    """The person ids ``stories`` would tell about (replication 0), to trace a shared baseline run."""
    return [i for i in pick_mentees(people, 0).values() if i is not None]


def _wk(w: int) -> str:
    return f"week {int(w)}"


def _months(weeks: float) -> str:
    m = round(weeks * 12 / 52)
    return f"{m} month{'s' if m != 1 else ''}"


def _story(
    persona: str,
    pid: int,
    sc: Scenario,
    base: Scenario,
    seed: int,
    ev: pd.DataFrame,
    bev: pd.DataFrame,
    row: pd.Series,
    brow: pd.Series,
) -> Story:
    H = sc.horizon_weeks
    fmt_name = sc.program.format.replace("_", "-")
    is_circle = FORMATS[sc.program.format].group_sessions  # a group with a facilitator
    label = PERSONA_LABELS[persona]
    title = f"Employee #{pid}: {label}, level {int(row.start_level)}, goal: {GOALS[persona]}"
    st = Story(persona, sc.name, base.name, seed, 0, pid, title)

    def fact(world: str, r) -> None:
        st.facts.append({"world": world, "week": int(r.week), "event": str(r.event)})

    # ---- the program world, in order of time ------------------------------------------------------
    timeline: list[tuple[int, int, str]] = []  # (week, order within the week, sentence)
    enrol = ev[ev.event == "enrolled"]
    matched = ev[ev.event == "matched"]
    held = ev[ev.event == "meeting_held"]
    missed = ev[ev.event == "meeting_missed"]
    for k, (_, r) in enumerate(enrol.iterrows()):
        fact("program", r)
        nxt = matched[matched.week >= r.week]
        later = enrol.week[enrol.week > r.week]
        if len(later):
            nxt = nxt[nxt.week < later.min()]
        sent = f"In {_wk(r.week)} they {'joined' if k == 0 else 'enrolled again in'} the {fmt_name} program"
        if len(nxt):
            m_r = nxt.iloc[0]
            fact("program", m_r)
            m = _counterpart(m_r)
            who = (
                f"a circle led by a level-{m[1]} facilitator (#{m[0]})"
                if is_circle and m
                else f"a level-{m[1]} mentor (#{m[0]})"
                if m
                else "a mentor"
            )
            verb = "joined" if is_circle else "were matched with"
            wait = int(m_r.week) - int(r.week)
            if wait == 0:
                sent += f" and {verb} {who} the same week."
            else:
                sent += (
                    f" and waited {wait} week{'s' if wait != 1 else ''} for a mentor: in {_wk(m_r.week)} they "
                    f"{verb} {who}."
                )
        else:
            sent += " but were never matched with a mentor."
        timeline.append((int(r.week), 0, sent))
    used: set[int] = set()
    for _, r in matched.iterrows():  # rematches within one enrolment
        first_of_enrolment = any(
            int(r.week) == int(matched[(matched.week >= e.week)].week.min()) for _, e in enrol.iterrows()
        )
        if first_of_enrolment or int(r.week) in used:
            continue
        fact("program", r)
        m = _counterpart(r)
        who = (
            f"a new circle (facilitator #{m[0]}, level {m[1]})"
            if is_circle and m
            else f"a new mentor (#{m[0]}, level {m[1]})"
            if m
            else "a new mentor"
        )
        timeline.append((int(r.week), 1, f"In {_wk(r.week)} they were rematched with {who}."))
        used.add(int(r.week))
    if len(held) or len(missed):
        for _, r in pd.concat([held, missed]).iterrows():
            fact("program", r)
        n_h, n_m = len(held), len(missed)
        span = f" between {_wk(held.week.min())} and {_wk(held.week.max())}" if n_h else ""
        share = f" ({n_h / (n_h + n_m):.0%} of those scheduled)" if n_h + n_m else ""
        w0 = int(min(held.week.min() if n_h else H, missed.week.min() if n_m else H))
        timeline.append((w0, 2, f"They held {n_h} session{'s' if n_h != 1 else ''}{span} and missed {n_m}{share}."))
    for ev_name, text in (
        ("sponsored", "gained a sponsor who advocates for them at promotion reviews"),
        ("sunset", "and their mentor agreed to end the relationship early (a sunset)"),
        ("graduated", "completed the program term"),
        ("burned_out", "burned out as a mentor and stepped back"),
        ("mentor_left", "lost their mentor, who left the organisation"),
        ("mentor_stepped_back", "lost their mentor, who burned out and stepped back"),
    ):
        for _, r in ev[ev.event == ev_name].iterrows():
            fact("program", r)
            timeline.append((int(r.week), 3, f"In {_wk(r.week)} they {text}."))
    timeline.extend(_outcomes(ev, "program", fact, H))
    timeline.sort(key=lambda t: (t[0], t[1]))
    st.program_sentences = [t[2] for t in timeline]

    # ---- the same person, no program ---------------------------------------------------------
    b_out = [t[2] for t in sorted(_outcomes(bev, "baseline", fact, H), key=lambda t: (t[0], t[1]))]
    st.baseline_sentences = ["They " + _join_lower(b_out)]

    # ---- what changed --------------------------------------------------------------------------
    st.verdict = _verdict(ev, bev, H)
    return st


def _counterpart(r) -> tuple[int, int] | None:
    """The other person of a 'matched' event and their level (the event's structured fields)."""
    other, value = int(r.get("other", -1)), int(r.get("value", -1))
    return (other, value) if other >= 0 else None


def _outcomes(ev: pd.DataFrame, world: str, fact, H: int) -> list[tuple[int, int, str]]:
    """Goal, promotions, internal move, quit or stay: (week, order, sentence) from the events."""
    out = []
    quit_ = ev[ev.event == "quit"]
    end = int(quit_.week.iloc[0]) if len(quit_) else H + 1  # non-events are told just before the ending
    goal = ev[ev.event == "goal_reached"]
    if len(goal):
        r = goal.iloc[0]
        fact(world, r)
        out.append((int(r.week), 4, f"They reached their career goal in {_wk(r.week)}."))
    else:
        out.append((end, 4, "They did not reach their career goal."))
    prom = ev[ev.event == "promoted"]
    for _, r in prom.iterrows():
        fact(world, r)
        lvl = int(r.get("value", -1))
        out.append((int(r.week), 5, f"They were promoted{f' to level {lvl}' if lvl > 0 else ''} in {_wk(r.week)}."))
    if not len(prom):
        out.append((end, 5, "They were not promoted."))
    for _, r in ev[ev.event == "moved_internally"].iterrows():
        fact(world, r)
        out.append((int(r.week), 6, f"They moved into a new role inside the organisation in {_wk(r.week)}."))
    if len(quit_):
        r = quit_.iloc[0]
        fact(world, r)
        out.append((int(r.week), 7, f"They left the organisation in {_wk(r.week)}."))
    else:
        out.append((H + 1, 7, f"They were still with the organisation at the end ({_wk(H)})."))
    return out


def _join_lower(sentences: list[str]) -> str:
    """'They did x.', 'They did y.' -> 'did x, did y and did z.'"""
    parts = [s.removeprefix("They ").rstrip(".") for s in sentences]
    if len(parts) == 1:
        return parts[0] + "."
    return ", ".join(parts[:-1]) + " and " + parts[-1] + "."


def _first_week(ev: pd.DataFrame, name: str) -> int | None:
    w = ev.week[ev.event == name]
    return int(w.min()) if len(w) else None


def _verdict(ev: pd.DataFrame, bev: pd.DataFrame, H: int) -> str:
    """One sentence on what the program changed for this person, from the two event logs."""
    diffs = []
    q, bq = _first_week(ev, "quit"), _first_week(bev, "quit")
    if q is None and bq is not None:
        diffs.append(f"the program kept them: without it they would have left in {_wk(bq)}")
    elif q is not None and bq is None:
        diffs.append(f"they left in {_wk(q)} with the program but would have stayed without it")
    elif q is not None and bq is not None and q != bq:
        d = q - bq
        diffs.append(f"they stayed {_months(abs(d))} {'longer' if d > 0 else 'less'} with the program")
    g, bg = _first_week(ev, "goal_reached"), _first_week(bev, "goal_reached")
    if g is not None and bg is None:
        diffs.append("they reached their goal only with the program")
    elif g is not None and bg is not None and g < bg:
        diffs.append(f"they reached their goal {_months(bg - g)} sooner")
    elif g is None and bg is not None:
        diffs.append("they reached their goal only without the program")
    p, bp = int((ev.event == "promoted").sum()), int((bev.event == "promoted").sum())
    if p != bp:
        diffs.append(f"they were promoted {p} time{'s' if p != 1 else ''} with the program and {bp} without")
    m, bm = _first_week(ev, "moved_internally"), _first_week(bev, "moved_internally")
    if m is not None and bm is None:
        diffs.append("they moved role internally only with the program")
    if not diffs:
        return "For this person the program changed none of these outcomes."
    text = "; ".join(diffs)
    return "What changed: " + text + "."
