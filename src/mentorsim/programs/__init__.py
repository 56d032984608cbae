"""Mentoring formats, one file each, behind the small protocol in ``base.Format``."""

from .base import Format, Rows
from .circle import Circle
from .micro_board import MicroBoard
from .none import NoProgram
from .one_on_one import OneOnOne
from .peer import Peer
from .recognition import Recognition, recognition_of
from .reverse import Reverse

FORMATS: dict[str, Format] = {f.name: f for f in (NoProgram(), OneOnOne(), Peer(), Circle(), Reverse(), MicroBoard())}



def mentor_capacity_hours(program) -> float:
    """Hours a month a mentor can give before overload: per mentee (or circle) x capacity.
    A peer mentors exactly one partner, so a peer's limit is one mentee's hours."""
    per = 1 if program.format == "peer" else program.mentor_capacity
    return program.mentor_hours_per_month * per


__all__ = ["FORMATS", "Format", "Recognition", "Rows", "mentor_capacity_hours", "recognition_of"]
