"""Learning credits: mentors get a learning budget, which grows their skills a little each cycle
(``effects.recognition.learning_credits.skill_per_cycle``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mentorsim.programs.recognition.base import Recognising

if TYPE_CHECKING:
    import numpy as np

    from mentorsim.schema.scenario import Costs


class LearningCredits(Recognising):
    """A learning budget per active mentor a year; each cycle it lifts the mentor's skills."""

    name = "learning_credits"
    label = "Learning credits"
    words = "learning credits"

    def weekly_cost(self, costs: Costs, n_mentors: np.ndarray) -> np.ndarray:
        return n_mentors * (costs.learning_credit_per_mentor_per_year / 52.0)
