"""Learning credits: mentors get a learning budget, which grows their skills a little each cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .base import Recognising

if TYPE_CHECKING:
    from ...scenario import Costs
    from ...workforce import People

SKILL_PER_CYCLE = 0.01  # assumption: what a cycle's learning budget adds to every skill


class LearningCredits(Recognising):
    """A learning budget per active mentor a year; each cycle it lifts the mentor's skills."""

    name = "learning_credits"

    def cycle(self, people: People, mentors: np.ndarray) -> None:
        super().cycle(people, mentors)
        people.skills[mentors] = np.minimum(people.skills[mentors] + SKILL_PER_CYCLE, 1.0)

    def weekly_cost(self, costs: Costs, n_mentors: np.ndarray) -> np.ndarray:
        return n_mentors * (costs.learning_credit_per_mentor_per_year / 52.0)
