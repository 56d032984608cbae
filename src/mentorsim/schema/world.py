"""The world as it is: groups in the workforce, informal mentoring, and who a program may enrol.

Groups differ in nothing but their name and their share at each level (a pipeline that thins toward
the top is allowed). Informal mentoring exists in every world, the baseline included: who has an
informal mentor depends on their level (Olivet 2019: 57% of junior, 35% of mid-level and 8% of senior
staff have a mentor) and, through homophily, on how much of the senior levels is their own group.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import field_validator

from mentorsim.rng import counter_key, counter_uniform
from mentorsim.schema.validation import SchemaModel, param, printable

N_LEVELS = 5
SENIOR_LEVELS = (4, 5)
#: the longest group name (group names head table columns and report rows, as scenario names do)
MAX_GROUP_NAME = 100
#: the highest informal-mentor share a level and group can have (a share of 1 would never end)
MAX_INFORMAL_SHARE = 0.95


def _unit_shares(v: tuple[float, ...]) -> tuple[float, ...]:
    """A share_by_level validator: every share between 0 and 1."""
    if any(not 0 <= x <= 1 for x in v):
        raise ValueError("each share must be between 0 and 1")
    return v


class Group(SchemaModel):
    """One group of the workforce and its share at each level."""

    name: str = param("majority", unit="-", source="assumption", desc="Name of the group.")
    share_by_level: tuple[float, float, float, float, float] = param(
        (1.0, 1.0, 1.0, 1.0, 1.0),
        unit="share",
        source="assumption",
        desc="The group's share of people at levels 1..5; across groups the shares sum to 1 at each level.",
    )

    _shares = field_validator("share_by_level")(_unit_shares)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        """Group names are validated like scenario names: not empty, printable, not too long."""
        if not v.strip():
            raise ValueError("must not be empty")
        if len(v) > MAX_GROUP_NAME:
            raise ValueError(f"must be at most {MAX_GROUP_NAME} characters long")
        return printable(v)


#: assumed pipeline: the under-represented group is 40% of level 1 and thins to 18% of level 5
#: (an assumption, not evidence: organisations differ; set workforce.groups to your own figures)
DEFAULT_GROUPS = (
    Group(name="majority", share_by_level=(0.60, 0.65, 0.70, 0.78, 0.82)),
    Group(name="under_represented", share_by_level=(0.40, 0.35, 0.30, 0.22, 0.18)),
)


class InformalMentoring(SchemaModel):
    """Mentoring people find for themselves, in every world (the baseline included)."""

    share_by_level: tuple[float, float, float, float, float] = param(
        (0.57, 0.35, 0.35, 0.08, 0.08),
        unit="share",
        source="who has a mentor",
        desc="Share of people at levels 1..5 who have an informal mentor (Olivet 2019: 57% junior, 35% "
        "mid-level, 8% senior, mapped onto levels 1 / 2-3 / 4-5).",
    )
    homophily: float = param(
        0.5,
        unit="0..1",
        source="who has a mentor",
        ge=0,
        le=1,
        sensitivity=(0.3, 0.7),
        desc="How strongly people find informal mentors in their own group: a person's chance is scaled by "
        "(1 - h) + h x (their group's share of the employed at levels 4-5 / its share of their level), "
        "refreshed every 26 weeks from who is actually senior. Derived from Olivet's same-sex shares (69% "
        "of women, 82% of men with a mentor have one of their own sex, against ~50% by chance): "
        "(0.69 - 0.5 + 0.82 - 0.5) / 2 / 0.5 ~ 0.5.",
    )
    mean_duration_weeks: float = param(
        172.0,
        unit="weeks",
        source="who has a mentor",
        ge=1,
        le=1040,
        sensitivity=(104.0, 260.0),
        desc="Mean length of an informal relationship (Olivet: current mentorships have lasted about 3.3 "
        "years); relationships end at a constant rate and start at the rate that keeps each level's share "
        "at share_by_level.",
    )
    effect_share: float = param(
        0.5,
        unit="x formal",
        source="assumption",
        ge=0,
        le=1,
        sensitivity=(0.25, 1.0),
        desc="What an informal relationship gives each week, as a share of what a default one-on-one program "
        "relationship gives when its sessions are held (engagement and goal skill; no promotion "
        "visibility). At most 1: no evidence says informal mentoring does more than the formal kind.",
    )
    substitution_share: float = param(
        0.3,
        unit="share",
        source="assumption",
        ge=0,
        le=1,
        sensitivity=(0.0, 0.6),
        desc="How much a formal program replaces informal mentoring: while someone is enrolled as a mentee, "
        "their chance of starting an informal relationship is times (1 - substitution_share) (0 = the "
        "program only adds).",
    )

    _shares = field_validator("share_by_level")(_unit_shares)


class Eligibility(SchemaModel):
    """Who a program may enrol as a mentee, besides its level and tenure rules."""

    max_tenure_weeks: int | None = param(
        None,
        unit="weeks",
        source="assumption",
        ge=0,
        le=1040,
        desc="Longest tenure at enrolment (e.g. 52 for a new-hire program); none = no limit.",
        role="lever",
    )
    groups: Literal["all"] | tuple[str, ...] = param(
        "all",
        unit="-",
        source="assumption",
        desc="Groups the program is for: all, or a list of group names.",
        role="lever",
    )
    without_informal_mentor: bool = param(
        False, unit="-", source="assumption", desc="Only people with no informal mentor may enrol.", role="lever"
    )


Enrolment = Literal["voluntary", "assigned"]


def senior_shares(share: np.ndarray, level_shares: tuple[float, ...]) -> np.ndarray:
    """Each group's configured share of levels 4-5 (weighted by the levels' sizes), from ``share`` (G, levels)."""
    w = np.array(level_shares, dtype=float)
    senior = np.array(SENIOR_LEVELS) - 1
    return share[:, senior] @ w[senior] / w[senior].sum()


def informal_chance(informal: InformalMentoring, q: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Each group's chance of an informal mentor at each level, ``(..., G, levels)``: the level's share scaled by
    homophily toward the group's share ``q`` (..., G) of the senior levels, where informal mentors come from,
    over its share ``share`` (G, levels) of the level."""
    h = informal.homophily
    reach = (1.0 - h) + h * np.divide(q[..., None], share, out=np.ones(q.shape + share.shape[-1:]), where=share > 0)
    return np.clip(np.array(informal.share_by_level) * reach, 0.0, MAX_INFORMAL_SHARE)


def group_tables(
    groups: tuple[Group, ...], informal: InformalMentoring, level_shares: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative group shares by level ``(N_LEVELS + 1, G)`` (row 0 unused) and each group's chance of
    an informal mentor at each level ``(G, N_LEVELS + 1)`` (column 0 unused) at the configured pipeline."""
    share = np.array([g.share_by_level for g in groups], dtype=float)  # (G, levels)
    cum = np.vstack([np.zeros(len(groups)), np.cumsum(share, axis=0).T])
    chance = informal_chance(informal, senior_shares(share, level_shares), share)
    return cum, np.hstack([np.zeros((len(groups), 1)), chance])


def draw_world(
    cum: np.ndarray, chance: np.ndarray, levels: np.ndarray, u_group: np.ndarray, u_informal: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each person's group (from the group shares at their level) and whether they have an informal mentor."""
    grp = np.minimum((u_group[:, None] >= cum[levels]).sum(axis=1), len(chance) - 1).astype(np.int64)
    return grp, u_informal < chance[grp, levels]


def informal_gains(sc: Any) -> tuple[float, float]:
    """What an informal relationship adds each week, engagement and goal skill: ``effect_share`` of what a
    default one-on-one relationship's held sessions give (at the default cadence and reference fit)."""
    im, prog, fx = sc.workforce.informal_mentoring, sc.program, sc.effects.one_on_one
    per_week = im.effect_share / type(prog)().cadence_weeks
    return (
        per_week * prog.engagement_gain_per_meeting * fx.engagement,
        per_week * prog.skill_gain_per_meeting * fx.expertise,
    )


class InformalDraws:
    """Each person's informal-mentoring state and draws, keyed by (replication, person, spell): spell k's
    threshold for starting a relationship, its length and whether a formal mentee takes it up are the same
    in every run of the same seed, so the program run and its no-program twin share a person's informal
    history except through what the program changes (their level, their being a formal mentee, who is
    senior). The engine's ``informal`` step schedules what these draws decide."""

    def __init__(self, informal: InformalMentoring, streams: list[Any], people: Any, gain: float, reversion: float):
        self.people, self.gain, self.reversion = people, gain, reversion
        self.duration = informal.mean_duration_weeks
        self.keys = np.array([counter_key(s.seed, s.replication, "informal") for s in streams], dtype=np.uint64)
        self.pending: list[np.ndarray] = []  # slots that joined since the informal step last ran
        self.on_gain: Any = None  # told which slots' informal gain changed (the engine's weekly pull)

    def draws(self, idx: np.ndarray, which: int) -> np.ndarray:
        """Draw ``which`` (0: start threshold, 1: length, 2: take-up) of each slot's current spell."""
        p = self.people
        site, local = np.divmod(idx, p.C)
        return counter_uniform(self.keys[site], local, p.informal_spell[idx] * 3 + which)

    def new_spell(self, idx: np.ndarray, week: int) -> None:
        """A spell without an informal mentor begins: a new Exp(1) threshold for the accumulated hazard."""
        p = self.people
        p.informal_acc[idx] = 0.0
        p.informal_since[idx] = week
        p.informal_rate[idx] = 0.0
        p.informal_next[idx] = -1
        p.informal_thr[idx] = -np.log1p(-self.draws(idx, 0))

    def start(self, idx: np.ndarray, week: int) -> None:
        """Informal relationships begin in ``week`` and last an exponential time (at least a week). What one
        adds to engagement each week never takes anyone past full engagement."""
        p = self.people
        p.informal[idx] = True
        p.ever_informal[idx] = True
        p.informal_end[idx] = week + np.maximum(np.ceil(-np.log1p(-self.draws(idx, 1)) * self.duration), 1.0).astype(
            np.int64
        )
        p.informal_thr[idx] = np.inf
        p.informal_rate[idx] = 0.0
        p.informal_next[idx] = -1
        p.informal_gain[idx] = np.minimum(self.gain, self.reversion * (1.0 - p.eng_base[idx]))
        if self.on_gain is not None:
            self.on_gain(idx)

    def end(self, idx: np.ndarray, week: int) -> None:
        """Relationships (or, for a formal mentee, a start not taken up) end: the next spell begins."""
        p = self.people
        p.informal[idx] = False
        p.informal_end[idx] = -1
        p.informal_gain[idx] = 0.0
        if self.on_gain is not None:
            self.on_gain(idx)
        p.informal_spell[idx] += 1
        self.new_spell(idx, week)

    def joined(self, idx: np.ndarray, week: int) -> None:
        """People joining in ``week`` (whether they join with one was drawn already; its remaining length
        is exponential too: the process is memoryless)."""
        p = self.people
        p.informal_spell[idx] = 0
        p.ever_informal[idx] = False
        p.informal_when_enrolled[idx] = False
        p.informal_end[idx] = -1
        p.informal_gain[idx] = 0.0
        if self.on_gain is not None:
            self.on_gain(idx)
        has = p.informal[idx]
        p.informal_on_joining[idx] = has
        self.new_spell(idx[~has], week)
        if has.any():
            self.start(idx[has], week)
        self.pending.append(idx)
