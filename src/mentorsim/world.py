"""The world as it is: groups in the workforce, informal mentoring, and who a program may enrol.

Groups differ in nothing but their name and their share at each level (a pipeline that thins toward
the top is allowed). Informal mentoring exists in every world, the baseline included: who has an
informal mentor depends on their level (Olivet 2019: 57% of junior, 35% of mid-level and 8% of senior
staff have a mentor) and, through homophily, on how much of the senior levels is their own group.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import field_validator

from .validation import Frozen, param

N_LEVELS = 5
SENIOR_LEVELS = (4, 5)


def _unit_shares(v: tuple[float, ...]) -> tuple[float, ...]:
    """A share_by_level validator: every share between 0 and 1."""
    if any(not 0 <= x <= 1 for x in v):
        raise ValueError("each share must be between 0 and 1")
    return v


class Group(Frozen):
    """One group of the workforce and its share at each level."""

    name: str = param("majority", unit="-", source="assumption", desc="Name of the group.")
    share_by_level: tuple[float, float, float, float, float] = param(
        (1.0, 1.0, 1.0, 1.0, 1.0), unit="share", source="assumption",
        desc="The group's share of people at levels 1..5; across groups the shares sum to 1 at each level.")

    _shares = field_validator("share_by_level")(_unit_shares)


#: assumed pipeline: the under-represented group is 40% of level 1 and thins to 18% of level 5
#: (an assumption, not evidence: organisations differ; set workforce.groups to your own figures)
DEFAULT_GROUPS = (Group(name="majority", share_by_level=(0.60, 0.65, 0.70, 0.78, 0.82)),
                  Group(name="under_represented", share_by_level=(0.40, 0.35, 0.30, 0.22, 0.18)))


class InformalMentoring(Frozen):
    """Mentoring people find for themselves, in every world (the baseline included)."""

    share_by_level: tuple[float, float, float, float, float] = param(
        (0.57, 0.35, 0.35, 0.08, 0.08), unit="share", source="who has a mentor",
        desc="Share of people at levels 1..5 who have an informal mentor (Olivet 2019: 57% junior, 35% "
             "mid-level, 8% senior, mapped onto levels 1 / 2-3 / 4-5).")
    homophily: float = param(
        0.5, unit="0..1", source="who has a mentor", ge=0, le=1,
        desc="How strongly people find informal mentors in their own group: a person's chance is scaled by "
             "(1 - h) + h x (their group's share of levels 4-5 / its share of their level). Derived from "
             "Olivet's same-sex shares (69% of women, 82% of men with a mentor have one of their own sex, "
             "against ~50% by chance): (0.69 - 0.5 + 0.82 - 0.5) / 2 / 0.5 ~ 0.5.")
    mean_duration_weeks: float = param(
        172.0, unit="weeks", source="who has a mentor", ge=1, le=1040,
        desc="Mean length of an informal relationship (Olivet: about 3.3 years). Not used yet: informal "
             "mentoring is recorded (who has one on joining) but does not change outcomes in this version.")
    substitution_share: float = param(
        0.3, unit="share", source="assumption", ge=0, le=1,
        desc="Share of a formal mentee's informal mentoring the program replaces (0 = it only adds). Not used "
             "yet: informal mentoring does not change outcomes in this version.")

    _shares = field_validator("share_by_level")(_unit_shares)


class Eligibility(Frozen):
    """Who a program may enrol as a mentee, besides its level and tenure rules."""

    max_tenure_weeks: int | None = param(None, unit="weeks", source="assumption", ge=0, le=1040,
                                         desc="Longest tenure at enrolment (e.g. 52 for a new-hire program); "
                                              "none = no limit.")
    groups: Literal["all"] | tuple[str, ...] = param("all", unit="-", source="assumption",
                                                    desc="Groups the program is for: all, or a list of group names.")
    without_informal_mentor: bool = param(False, unit="-", source="assumption",
                                          desc="Only people with no informal mentor may enrol.")


Enrolment = Literal["voluntary", "assigned"]


def group_tables(groups: tuple[Group, ...], informal: InformalMentoring,
                 level_shares: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative group shares by level ``(N_LEVELS + 1, G)`` (row 0 unused) and each group's chance of
    an informal mentor at each level ``(G, N_LEVELS + 1)``: the level's share scaled by homophily toward
    the group's share of the senior levels, where informal mentors come from."""
    share = np.array([g.share_by_level for g in groups], dtype=float)  # (G, levels)
    cum = np.vstack([np.zeros(len(groups)), np.cumsum(share, axis=0).T])
    w = np.array(level_shares, dtype=float)
    senior = np.array(SENIOR_LEVELS) - 1
    senior_share = share[:, senior] @ w[senior] / w[senior].sum()  # the group's share of levels 4-5
    h = informal.homophily
    reach = (1.0 - h) + h * np.divide(senior_share[:, None], share, out=np.ones_like(share), where=share > 0)
    chance = np.clip(np.array(informal.share_by_level)[None, :] * reach, 0.0, 1.0)
    return cum, np.hstack([np.zeros((len(groups), 1)), chance])


def draw_world(cum: np.ndarray, chance: np.ndarray, levels: np.ndarray, u_group: np.ndarray,
               u_informal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each person's group (from the group shares at their level) and whether they have an informal mentor."""
    grp = np.minimum((u_group[:, None] >= cum[levels]).sum(axis=1), len(chance) - 1).astype(np.int64)
    return grp, u_informal < chance[grp, levels]
