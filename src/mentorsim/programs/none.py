"""No program: the baseline."""

from mentorsim.programs.base import Format


class NoProgram(Format):
    """No mentoring: nobody is eligible and no process of a program runs."""

    name = "none"
    label = "No program"
    words = "no mentoring"
    evidenced = True  # the organisation as it is: nothing to rest on assumptions
    holds_sessions = False

    def mentee_eligible(self, level, program):
        return level < 0
