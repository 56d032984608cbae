"""Site arithmetic: a batch's replications are *sites*, blocks of ``C`` person slots each.

Everything here answers "which site" or "per site" questions, and draws each site's random
numbers from that replication's own streams, keyed by its own person (or item) ids, so a
site's results never depend on which other sites share its batch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mentorsim.programs.matching import fit_score
from mentorsim.rng import Streams
from mentorsim.schema.workforce import People

if TYPE_CHECKING:
    from mentorsim.engine.simulation import Simulation


class Sites:
    """The replications of a batch as blocks of person slots."""

    def __init__(self, people: People, streams: list[Streams]):
        self.p = people
        self.streams = streams
        self.R = len(streams)
        self.starts = np.arange(self.R) * people.C

    def relay(self, C: int) -> None:
        """The blocks were re-laid to C slots each."""
        self.starts = np.arange(self.R) * C

    def site_of(self, slots: np.ndarray) -> np.ndarray:
        return slots // self.p.C if self.R > 1 else np.zeros(len(slots), dtype=np.int64)

    def per_site(self, sites: np.ndarray) -> np.ndarray:
        """How many of these items fall in each site."""
        return np.bincount(sites, minlength=self.R) if self.R > 1 else np.array([len(sites)])

    def count_people(self, slots: np.ndarray) -> np.ndarray:
        """How many of these slots fall in each site."""
        return np.bincount(slots // self.p.C, minlength=self.R) if self.R > 1 else np.array([len(slots)])

    def count_mask(self, mask: np.ndarray) -> np.ndarray:
        """Per site, how many slots of ``mask`` (over slots [:n]) are set."""
        if self.R == 1:
            return np.array([np.count_nonzero(mask)])
        return np.add.reduceat(mask, self.starts, dtype=np.int64)

    def sum_by_site(self, sites: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Per-site sums, added in item order (so a site's sum never depends on the other sites)."""
        return np.bincount(sites, weights=weights, minlength=self.R)

    def bounds(self, sorted_slots: np.ndarray) -> np.ndarray:
        """Where each site's block starts in sorted slots (R + 1 positions)."""
        return np.searchsorted(sorted_slots, self.starts.tolist() + [self.p.cap])

    def draw_people(self, name: str, week: int) -> np.ndarray:
        """A uniform for every slot in use: each site's block from its own stream, by person id."""
        p = self.p
        if self.R == 1:
            return self.streams[0][name].uniform(week, p.n)
        u = np.ones(p.n)
        for s, (a, k) in enumerate(zip(self.starts.tolist(), p.used.tolist())):
            self.streams[s][name].at(week).random(out=u[a : a + k])
        return u

    def draw_keyed(self, name: str, week: int, site: np.ndarray, local: np.ndarray, width: int = 1) -> np.ndarray:
        """``width`` uniforms per item, keyed by (site, local id) in each site's stream ``name``."""
        if len(local) == 0:
            return np.empty((0, width))
        if self.R == 1:
            top = int(local.max()) + 1
            return self.streams[0][name].uniform(week, top * width).reshape(top, width)[local]
        out = np.empty((len(local), width))
        order = np.argsort(site, kind="stable")
        bounds = np.searchsorted(site[order], np.arange(self.R + 1))
        for s in np.flatnonzero(np.diff(bounds)).tolist():
            sel = order[bounds[s] : bounds[s + 1]]
            loc = local[sel]
            top = int(loc.max()) + 1
            out[sel] = self.streams[s][name].uniform(week, top * width).reshape(top, width)[loc]
        return out

    def draw_site(self, name: str, week: int, site: int, slots: np.ndarray, width: int = 1) -> np.ndarray:
        """``width`` uniforms per slot of one site, keyed by the slots' person ids in that site."""
        loc = slots - site * self.p.C
        top = int(loc.max()) + 1
        u = self.streams[site][name].uniform(week, top * width)
        return u[loc] if width == 1 else u.reshape(top, width)[loc]

    def remap(self, a: np.ndarray, old: int, C: int) -> np.ndarray:
        """Slot numbers stored in ``a`` (negative = none), renumbered from blocks of ``old`` to ``C``."""
        return np.where(a >= 0, (a // old) * C + a % old, a)


class FormationSite:
    """The ``programs.SiteView`` a format forms relationships in: one site's people arrays, its
    random streams keyed by its own person ids, and the relationship store's group numbers and
    boards. Built by matching for one site and one week."""

    __slots__ = ("_rel", "goal_dim", "level", "lo", "prev_mentor", "program", "skills", "streams", "style", "week")

    def __init__(self, sim: Simulation, site: int):
        p = sim.p
        self.level, self.skills, self.style, self.goal_dim = p.level, p.skills, p.style, p.goal_dim
        self.prev_mentor, self.program, self.week = sim.rel.prev_mentor, sim.program, sim.week
        self.streams, self.lo = sim.streams[site], site * p.C
        self._rel = sim.rel

    def draw(self, name: str, ids: np.ndarray) -> np.ndarray:
        """One uniform per person in ``ids`` from this replication's stream ``name`` this week."""
        loc = ids - self.lo
        return self.streams[name].uniform(self.week, int(loc.max()) + 1)[loc]

    def fit(self, mentee: np.ndarray, mentor: np.ndarray, dims: np.ndarray) -> np.ndarray:
        """Goal fit of (mentee, mentor) pairs on skill ``dims``, 0..1."""
        return fit_score(self.skills, self.style, mentee, mentor, dims)

    def new_groups(self, k: int) -> np.ndarray:
        """k new group numbers (a circle, a pair)."""
        return self._rel.new_groups(k)

    def board(self, mentees: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For sorted mentees: the mentor in each seat of their board (-1 = open) and its term's end."""
        return self._rel.board(mentees)
