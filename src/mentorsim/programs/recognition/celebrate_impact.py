"""Celebrate impact: mentors' impact is celebrated publicly, which relieves some of their strain
(``effects.recognition.celebrate_impact.burnout_relief`` at each cycle)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mentorsim.programs.recognition.base import Recognising

if TYPE_CHECKING:
    import numpy as np

    from mentorsim.schema.scenario import Costs


class CelebrateImpact(Recognising):
    """A celebration per active mentor a year; each cycle it lowers the mentors' burnout."""

    name = "celebrate_impact"
    label = "Celebrate impact"
    words = "celebrate impact"

    def weekly_cost(self, costs: Costs, n_mentors: np.ndarray) -> np.ndarray:
        return n_mentors * (costs.celebration_per_mentor_per_year / 52.0)
