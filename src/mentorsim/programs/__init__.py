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

__all__ = ["FORMATS", "Format", "Recognition", "Rows", "recognition_of"]
