"""The plug-ins of a program: mentoring formats, recognition policies and overlays, one file each.

``FORMATS`` registers the formats (``base.Format``), ``recognition.POLICIES`` the recognition
policies (``recognition.base.Recognition``), and ``overlays_of`` the overlays a scenario
switches on (``overlay.Overlay``: sponsorship). The engine reaches them only through these
registries and the hooks of their base classes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mentorsim.programs.base import Format, Rows, SiteView
from mentorsim.programs.circle import Circle
from mentorsim.programs.micro_board import MicroBoard
from mentorsim.programs.none import NoProgram
from mentorsim.programs.one_on_one import OneOnOne
from mentorsim.programs.overlay import Overlay
from mentorsim.programs.peer import Peer
from mentorsim.programs.recognition import POLICIES, Recognition, recognition_of
from mentorsim.programs.reverse import Reverse
from mentorsim.programs.sponsorship import Sponsorship

if TYPE_CHECKING:
    from mentorsim.schema.scenario import Scenario

FORMATS: dict[str, Format] = {f.name: f for f in (NoProgram(), OneOnOne(), Peer(), Circle(), Reverse(), MicroBoard())}


_SHIPPED = (frozenset(FORMATS), frozenset(POLICIES))


def register_format(fmt: Format) -> Format:
    """Add a format to the registry (a scenario can then name it in ``program.format``). Worker
    processes get the formats and policies registered here with every job (see ``added``)."""
    FORMATS[fmt.name] = fmt
    return fmt


def added() -> tuple[dict[str, Format], dict[str, type[Recognition]]]:
    """The formats and recognition policies registered beyond the shipped ones (sent to workers)."""
    return (
        {k: v for k, v in FORMATS.items() if k not in _SHIPPED[0]},
        {k: v for k, v in POLICIES.items() if k not in _SHIPPED[1]},
    )


def install(plugins: tuple[dict[str, Format], dict[str, type[Recognition]]] | None) -> None:
    """Register formats and policies another process registered (``added()`` there)."""
    if plugins:
        FORMATS.update(plugins[0])
        POLICIES.update(plugins[1])


#: overlay name -> (whether a scenario switches it on, how to make it for ``cap`` person slots); their
#: hooks are called in this order
OVERLAYS: dict[str, tuple[Callable[[Scenario], bool], Callable[[int], Overlay]]] = {
    "sponsorship": (lambda sc: bool(sc.program.sponsorship), Sponsorship)
}


def overlays_of(sc: Scenario, cap: int) -> list[Overlay]:
    """The overlays a scenario switches on (none without a program), in the order their hooks are called."""
    if not FORMATS[sc.program.format].holds_sessions:
        return []
    return [make(cap) for on, make in OVERLAYS.values() if on(sc)]


def mentor_capacity_hours(program: Any) -> float:
    """Hours a month a mentor can give before overload (the format's ``capacity_hours``)."""
    return FORMATS[program.format].capacity_hours(program)


__all__ = [
    "FORMATS",
    "OVERLAYS",
    "POLICIES",
    "Format",
    "Overlay",
    "Recognition",
    "Rows",
    "SiteView",
    "Sponsorship",
    "added",
    "install",
    "mentor_capacity_hours",
    "overlays_of",
    "recognition_of",
    "register_format",
]
