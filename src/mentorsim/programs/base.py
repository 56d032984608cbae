"""The protocol every mentoring format follows.

A format says who may be a mentee and who may mentor, how waiting mentees are
formed into relationships (rows of mentee, mentor, group, focus skill). How
strongly a held session works is data in the scenario (``effects.<format>``,
see scenario.FormatEffects), so it can be overridden and swept. Everything else
(meetings, momentum, load, seasons, recognition) is shared and lives in the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Rows:
    """New relationship rows produced by a format's ``form`` step."""

    mentee: np.ndarray
    mentor: np.ndarray
    group: np.ndarray  # rows of one circle or one peer pair share a group; -1 = the row alone
    seat: np.ndarray  # position in the group's hot-seat rotation
    dim: np.ndarray  # skill dimension the row works on
    fit: np.ndarray  # 0..1

    @staticmethod
    def empty() -> "Rows":
        e = np.empty(0, dtype=np.int64)
        return Rows(e, e, e, e, e, np.empty(0))

    def __len__(self) -> int:
        return len(self.mentee)


class Format:
    """Base class of a mentoring format. Subclasses override the eligibility and formation hooks."""

    name = "none"
    code = 0
    senior_capacity = True  # uses senior mentors' capacity
    rows_per_mentee = 1
    evidence = "assumption"

    def mentee_eligible(self, level: np.ndarray, program) -> np.ndarray:
        return level <= program.mentee_max_level

    def mentor_eligible(self, level: np.ndarray, program) -> np.ndarray:
        return level >= program.mentor_min_level

    def form(self, ctx, waiting: np.ndarray, mentors: np.ndarray, free: np.ndarray) -> Rows:
        """Pair waiting mentees with mentors that have free capacity (``free`` slots each)."""
        from .matching import match_one_to_one

        return match_one_to_one(ctx, waiting, mentors, free, dims=ctx.goal_dim[waiting],
                                rule=self.pair_rule)

    @staticmethod
    def pair_rule(mentee_level: np.ndarray, mentor_level: np.ndarray) -> np.ndarray:
        """Which (mentee, mentor) level pairs are allowed: the mentor is more senior."""
        return mentor_level > mentee_level
