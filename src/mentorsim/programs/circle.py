"""Circles: 4-6 members and a facilitator; a rotating hot seat.

Each session one member gets focused help and the others learn vicariously; one facilitator
serves many (capacity). Belonging (``effects.circle.engagement``) is neutral by default: no
workplace evidence on circles exists (EVIDENCE.md gaps), so a member gets no more per hour than a
one-on-one mentee; the effect sizes are assumptions with sensitivity ranges.
"""

from mentorsim.programs.base import Format


class Circle(Format):
    """Circles of ``program.circle_size`` with one facilitator: group sessions with a hot seat."""

    name = "circle"
    label = "Circle"
    words = "mentoring circles"
    plural = True
    group_sessions = True

    def form(self, ctx, waiting, mentors, free):
        from mentorsim.programs.matching import form_circles

        return form_circles(ctx, waiting, mentors, free, size=ctx.program.circle_size)
