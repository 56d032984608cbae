"""How the model's mechanisms work: every behavioural number the engine uses that is not a program
lever, a workforce input or a format's effect size (``scenario.mechanics``).

Each is a registered parameter (unit, range, source, sensitivity range), shown by ``mentorsim
params``, overridable (``mechanics.burnout.threshold: 0.7``) and sweepable. Most are assumptions:
no study measures a mentor's weekly strain or the chance a commitment is done. Structural constants
(the week, a quarter, the order of the weekly steps) stay in the code, named.
"""

from __future__ import annotations

from pydantic import Field

from mentorsim.schema.mechanics.careers import Burnout, Goals, Sponsors
from mentorsim.schema.mechanics.people import People, Volunteering
from mentorsim.schema.mechanics.sessions import Relationships, Sessions
from mentorsim.schema.validation import SchemaModel

__all__ = ["Burnout", "Goals", "Mechanics", "People", "Relationships", "Sessions", "Sponsors", "Volunteering"]


class Mechanics(SchemaModel):
    """How the model's mechanisms work (mostly assumptions, each with a sensitivity range)."""

    people: People = Field(default_factory=People)
    volunteering: Volunteering = Field(default_factory=Volunteering)
    sessions: Sessions = Field(default_factory=Sessions)
    relationships: Relationships = Field(default_factory=Relationships)
    goals: Goals = Field(default_factory=Goals)
    burnout: Burnout = Field(default_factory=Burnout)
    sponsors: Sponsors = Field(default_factory=Sponsors)
