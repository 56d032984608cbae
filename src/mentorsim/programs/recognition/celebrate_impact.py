"""Celebrate impact: mentors' impact is celebrated publicly, which relieves some of their strain."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .base import Recognising

if TYPE_CHECKING:
    from ...scenario import Costs
    from ...workforce import People

BURNOUT_RELIEF = 0.1  # assumption: burnout a celebration takes away


class CelebrateImpact(Recognising):
    """A celebration per active mentor a year; each cycle it lowers the mentors' burnout."""

    name = "celebrate_impact"

    def cycle(self, people: People, mentors: np.ndarray) -> None:
        super().cycle(people, mentors)
        people.burnout[mentors] = np.maximum(people.burnout[mentors] - BURNOUT_RELIEF, 0.0)

    def weekly_cost(self, costs: Costs, n_mentors: np.ndarray) -> np.ndarray:
        return n_mentors * (costs.celebration_per_mentor_per_year / 52.0)
