"""The base of a recurring process: it is called with the week, and re-lays its own per-slot state."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mentorsim.engine.simulation import Simulation


class Process:
    """A step of the schedule. Subclasses act in ``__call__(week)`` on the simulation's state."""

    def __init__(self, sim: Simulation):
        self.sim = sim

    def __call__(self, week: int) -> None:  # pragma: no cover - every step overrides it
        raise NotImplementedError

    def reslot(self, old: int, C: int) -> None:
        """People were re-laid from blocks of ``old`` slots to ``C``: renumber slots this process holds."""
