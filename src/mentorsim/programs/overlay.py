"""The hooks of an overlay: something added on top of a format (sponsorship is one).

The engine calls every overlay's hooks in a fixed order at fixed points of the week and
knows no overlay by name. Each hook's default does nothing. ``sim`` is the engine's
``Simulation``: overlays read its people (``sim.p``), sites (``sim.sites``), program,
costs and tracer (``sim.log``), and keep their own per-slot state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from mentorsim.engine.simulation import Simulation
    from mentorsim.engine.sites import Sites


class Overlay:
    """Base class of an overlay; hooks are listed in the order they come in a week."""

    def reslot(self, sites: Sites, old: int, C: int) -> None:
        """People were re-laid from blocks of ``old`` slots to ``C``: renumber per-slot state."""

    def sign_up(self, sim: Simulation, week: int, employed: np.ndarray) -> None:
        """At intake, after mentees and mentors volunteered (``employed`` over slots [:n])."""

    def matched(self, sim: Simulation, mentees: np.ndarray, site: int) -> None:
        """After matching started rows for these (sorted, unique) mentees of one site."""

    def review_eligible(self, sim: Simulation, in_level: np.ndarray, ok: np.ndarray) -> np.ndarray:
        """Who is up for promotion review (``ok`` over slots [:n], from weeks ``in_level``)."""
        return ok

    def promotion_logit(self, sim: Simulation, elig: np.ndarray, logit: np.ndarray) -> np.ndarray:
        """The promotion log-odds of the people reviewed (``elig``)."""
        return logit

    def left(self, sim: Simulation, gone: np.ndarray) -> None:
        """After these people left and their relationships ended."""

    def weekly_cost(self, sim: Simulation) -> np.ndarray | None:
        """Per site, what the overlay costs this week (None: nothing)."""
        return None
