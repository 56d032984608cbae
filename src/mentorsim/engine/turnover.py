"""+0.65 quits: who leaves this week, and everything their leaving ends."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mentorsim.engine.process import Process
from mentorsim.schema.tables import TS

if TYPE_CHECKING:
    from mentorsim.engine.simulation import Simulation


class Turnover(Process):
    """Quits from the weekly hazard (front-loaded x engagement x level x recent promotion x mentor
    strain); a leaver's relationships end, their seat opens as a vacancy, overlays let them go."""

    def __init__(self, sim: Simulation):
        super().__init__(sim)
        self._recent = np.empty(0, dtype=np.int64)
        self._recent_until = -1  # the recently promoted are known until this week

    def reslot(self, old: int, C: int) -> None:
        self._recent_until = -1

    def recently_promoted(self, week: int) -> np.ndarray:
        """Slots promoted in the last ``mechanics.people.recent_promotion_weeks`` weeks (recomputed only
        when someone was promoted or a promotion stops being recent)."""
        sim = self.sim
        recent = sim.mx.people.recent_promotion_weeks
        if sim.changes.promotions or week >= self._recent_until:
            last = sim.p.last_promo[: sim.p.n]
            self._recent = np.flatnonzero(week - last < recent)
            self._recent_until = int(last[self._recent].min()) + recent if len(self._recent) else 1 << 30
            sim.changes.promotions = False
        return self._recent

    def __call__(self, week: int) -> None:
        sim = self.sim
        p, wf, n = sim.p, sim.wf, sim.p.n
        emp = p.employed[:n]
        h = p.quit_hazard(week)
        recent = self.recently_promoted(week)
        if len(recent):
            h[recent] *= wf.recent_promotion_hazard_multiplier
        m = sim.rel.mentors
        if sim.fmt.holds_sessions and m.size:
            h[m] *= sim.recognition.hazard * (1.0 + sim.mx.burnout.hazard_per_burnout * p.burnout[m])
        u = sim.sites.draw_people("quit", week)
        gone = np.flatnonzero((u < h) & emp)
        if len(gone):
            self.leave(gone, week)
        sim.ts[:, week - 1, TS["quits"]] = sim.sites.count_people(gone)

    def leave(self, gone: np.ndarray, week: int) -> None:
        sim = self.sim
        p, wf, rel = sim.p, sim.wf, sim.rel
        site = sim.sites.site_of(gone)
        p.employed[gone] = False
        p.left_week[gone] = week
        sim.changes.costs = True
        sim.headcount -= sim.sites.per_site(site)
        lvl = p.level[gone]
        np.add.at(sim.vacancies, (site, week + wf.hiring_lag_weeks, lvl), 1)  # type: ignore[arg-type]
        sim.ts[:, week - 1, TS["turnover_cost"]] += sim.sites.sum_by_site(site, sim.replacement[lvl])
        if sim.fmt.holds_sessions and p.enrolled[gone].any():
            sim.changes.counts = True  # waiting and matched counts change
            waiting = gone[p.was_waiting[gone]]
            p.enrolled[waiting] = False  # a mentee who leaves while waiting leaves the program
            p.was_waiting[waiting] = False
        if sim.fmt.holds_sessions and rel.n:
            if rel.rows_as_mentee[gone].any():
                rel.end_rows_of(gone, week, "mentee_left", side="mentee")
            if rel.rows_as_mentor[gone].any():
                rel.end_rows_of(gone, week, "mentor_left", side="mentor")
            pool = sim.mentor_pool[gone]
            if pool.any():
                sim.mentor_pool[gone] = False
                sim.changes.match_due[site[pool]] = True
        for o in sim.overlays:
            o.left(sim, gone)
        sim.log(gone, "quit")
