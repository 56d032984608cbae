"""No program: the baseline."""

from .base import Format


class NoProgram(Format):
    name = "none"
    code = 0

    def mentee_eligible(self, level, program):
        return level < 0
