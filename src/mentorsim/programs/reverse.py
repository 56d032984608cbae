"""Reverse mentoring: an early-career mentor and a senior mentee.

The senior gains on emerging tools and culture (the technical dimension); the junior mentor
gains what any mentor gains (the evidence-backed mentor-side effect). Visibility for the junior
(``effects.reverse.mentor_visibility``) is 0 by default, an assumption to vary.
"""

import numpy as np

from mentorsim.programs.base import Format


class Reverse(Format):
    """Junior mentors (levels 1-2) from the mentor pool, senior mentees, on the technical skill."""

    name = "reverse"
    label = "Reverse"
    words = "reverse mentoring"

    def mentee_eligible(self, level, program):
        return level >= program.mentor_min_level

    def mentor_eligible(self, level, program):
        return level <= 2

    def form(self, ctx, waiting, mentors, free):
        from mentorsim.programs.matching import match_one_to_one

        dims = np.zeros(len(waiting), dtype=np.int64)  # emerging tools: technical
        return match_one_to_one(ctx, waiting, mentors, free, dims=dims, rule=self.pair_rule)

    @staticmethod
    def pair_rule(mentee_level, mentor_level):
        return mentor_level < mentee_level
