"""Sponsorship: senior sponsors advocate for some mentees at promotion reviews (EVIDENCE C7).

Sponsors are scarce senior volunteers (``program.sponsor_supply`` of levels 4-5); each
backs up to ``program.sponsor_capacity`` new mentees, picking the potential they see
(ambition, blurred by visibility). A protege is put up for review after half the usual
time, and gets ``program.sponsor_odds_ratio`` on the odds of promotion while their
sponsor is employed. A sponsor's hour a month per protege is costed at their level.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mentorsim.programs.overlay import Overlay
from mentorsim.programs.volunteering import volunteers
from mentorsim.schema.tables import WEEKS_PER_MONTH
from mentorsim.schema.workforce import reslot

if TYPE_CHECKING:
    from mentorsim.engine.simulation import Simulation
    from mentorsim.engine.sites import Sites

SPONSOR_MIN_LEVEL = 4


class Sponsorship(Overlay):
    """The sponsorship overlay and its per-slot state: who sponsors, whom, and how many."""

    def __init__(self, cap: int):
        self.pool = np.zeros(cap, dtype=bool)  # who volunteered to sponsor
        self.sponsor_of = -np.ones(cap, dtype=np.int64)  # each protege's sponsor (-1 = none)
        self.load = np.zeros(cap, dtype=np.int64)  # proteges per sponsor

    def reslot(self, sites: Sites, old: int, C: int) -> None:
        R = sites.R
        self.pool = reslot(self.pool, R, old, C, False)
        self.sponsor_of = sites.remap(reslot(self.sponsor_of, R, old, C, -1), old, C)
        self.load = reslot(self.load, R, old, C, 0)

    def sign_up(self, sim: Simulation, week: int, employed: np.ndarray) -> None:
        p, n = sim.p, sim.p.n
        senior = employed & (p.level[:n] >= SPONSOR_MIN_LEVEL)
        pool = self.pool[:n]
        want = np.round(sim.program.sponsor_supply * sim.sites.count_mask(senior)).astype(
            np.int64
        ) - sim.sites.count_mask(pool & employed)
        if (want > 0).any():
            pick = volunteers(sim, "sponsor_volunteer", np.flatnonzero(senior & ~pool), want)
            self.pool[pick] = True

    def matched(self, sim: Simulation, mentees: np.ndarray, site: int) -> None:
        """Sponsors (scarce, senior) of the site pick the highest-potential new mentees."""
        p = sim.p
        lo = site * p.C
        hi = lo + int(p.used[site])
        sponsors = np.flatnonzero(self.pool[lo:hi] & p.employed[lo:hi]) + lo
        if len(sponsors) == 0:
            return
        free = sim.program.sponsor_capacity - self.load[sponsors]
        slots = np.repeat(sponsors, np.maximum(free, 0))
        cand = mentees[self.sponsor_of[mentees] < 0]
        if len(slots) == 0 or len(cand) == 0:
            return
        # sponsors back the potential they see: ambition, blurred by how visible someone is to them
        u = sim.sites.draw_site("sponsor_pick", sim.week, site, cand)
        potential = sim.mx.volunteering.sponsor_ambition_weight * p.ambition[cand] + np.log(u / (1.0 - u) + 1e-300)
        k = min(len(slots), len(cand))
        chosen = np.sort(cand[np.argsort(-potential, kind="stable")[:k]])
        self.sponsor_of[chosen] = slots[:k]
        np.add.at(self.load, slots[:k], 1)
        p.sponsored[chosen] = True
        sim.changes.costs = True
        sim.log(chosen, "sponsored", other=lambda s: self.sponsor_of[s])

    def review_eligible(self, sim: Simulation, in_level: np.ndarray, ok: np.ndarray) -> np.ndarray:
        """A sponsor puts a protege up for review after part of the usual time in level
        (``mechanics.sponsors.early_review_share``)."""
        p, n = sim.p, sim.p.n
        has = self.sponsor_of[:n] >= 0
        has[has] = p.employed[self.sponsor_of[:n][has]]
        early = int(sim.wf.min_weeks_in_level * sim.mx.sponsors.early_review_share)
        return ok | (has & (in_level >= early))

    def promotion_logit(self, sim: Simulation, elig: np.ndarray, logit: np.ndarray) -> np.ndarray:
        p = sim.p
        sp = p.sponsored[elig] & (self.sponsor_of[elig] >= 0)
        sp &= p.employed[np.maximum(self.sponsor_of[elig], 0)]
        return logit + np.where(sp, np.log(sim.program.sponsor_odds_ratio), 0.0)

    def left(self, sim: Simulation, gone: np.ndarray) -> None:
        """A protege who leaves frees a sponsor's place; a sponsor who leaves frees their proteges."""
        n = sim.p.n
        self.pool[gone] = False
        prot = gone[self.sponsor_of[gone] >= 0]
        if len(prot):
            np.subtract.at(self.load, self.sponsor_of[prot], 1)
            self.sponsor_of[prot] = -1
        left = np.zeros(sim.p.cap, dtype=bool)
        left[gone] = True
        orphans = np.flatnonzero((self.sponsor_of[:n] >= 0) & left[np.maximum(self.sponsor_of[:n], 0)])
        if len(orphans):
            self.sponsor_of[orphans] = -1  # they may be sponsored again when they next match

    def weekly_cost(self, sim: Simulation) -> np.ndarray | None:
        p, n = sim.p, sim.p.n
        sp = np.flatnonzero(p.sponsored[:n] & p.employed[:n] & (self.sponsor_of[:n] >= 0))
        if len(sp) == 0:
            return None
        hours = sim.sites.sum_by_site(sim.sites.site_of(sp), sim.hourly[p.level[self.sponsor_of[sp]]])
        return hours * sim.mx.sponsors.hours_per_protege_per_month / WEEKS_PER_MONTH
