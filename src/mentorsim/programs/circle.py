"""Circles: 4-6 members and a facilitator; a rotating hot seat.

Each session one member gets focused help and the others learn vicariously;
belonging lifts engagement; one facilitator serves many. No workplace evidence on
circles (EVIDENCE.md gaps): the effect sizes are assumptions.
"""

from .base import Format


class Circle(Format):
    """Circles of ``program.circle_size`` with one facilitator: group sessions with a hot seat."""

    name = "circle"
    group_sessions = True

    def form(self, ctx, waiting, mentors, free):
        from .matching import form_circles

        return form_circles(ctx, waiting, mentors, free, size=ctx.program.circle_size)
