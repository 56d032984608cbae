"""+0.90 record: the week's row of the time series, each group's count in management (levels 4-5), and the
program's fixed cost of the week."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mentorsim.engine.process import Process
from mentorsim.schema.tables import TS
from mentorsim.schema.world import SENIOR_LEVELS

if TYPE_CHECKING:
    from mentorsim.engine.simulation import Simulation


#: the Simulation attribute holding each site's weekly count of the employed at levels 4-5 by group (R x H x G)


class Recording(Process):
    """Writes headcount, engagement and the program's counts and fixed cost for the week."""

    def __init__(self, sim: Simulation):
        super().__init__(sim)
        self._fixed_cost = np.zeros(sim.R)
        self._n_waiting = np.zeros(sim.R, dtype=np.int64)
        self._n_matched = np.zeros(sim.R, dtype=np.int64)
        self.n_groups = len(sim.group_names)
        #: per site, week and group: employed people at levels 4-5 (management), as recorded at +0.90; the
        #: simulation holds it (Simulation.senior_by_group) for output.results_of
        self.senior = sim.senior_by_group

    def __call__(self, week: int) -> None:
        sim = self.sim
        p, n, ts, w, sites = sim.p, sim.p.n, sim.ts, week - 1, sim.sites
        ts[:, w, TS["headcount"]] = sim.headcount
        if sim.R == 1:
            eng = np.add.reduce(p.engagement[:n], where=p.employed[:n])
        else:  # each site summed over exactly its own slots, as if it ran alone
            eng = np.array(
                [
                    np.add.reduce(p.engagement[a : a + k], where=p.employed[a : a + k])
                    for a, k in zip(sites.starts.tolist(), p.used.tolist())
                ]
            )
        ts[:, w, TS["mean_engagement"]] = eng / np.maximum(sim.headcount, 1)
        self.senior[:, w] = self.senior_by_group()
        if sim.fmt.holds_sessions:
            rel, changes = sim.rel, sim.changes
            ts[:, w, TS["active_relationships"]] = rel.n_active
            ts[:, w, TS["active_mentors"]] = rel.n_mentors
            ts[:, w, TS["mentor_load_hours"]] = np.where(rel.n_mentors > 0, rel.mean_load, 0.0)  # latest slot
            if changes.costs or changes.counts or changes.relationships:
                changes.counts = True
                self._fixed_cost = self.fixed_cost()
                changes.costs = False
            ts[:, w, TS["waiting_mentees"]] = self.counts()[0]
            ts[:, w, TS["program_cost"]] += self._fixed_cost

    def senior_by_group(self) -> np.ndarray:
        """Per site and group (R x G): the employed at levels 4-5, counted over the senior slots only."""
        p, n, G = self.sim.p, self.sim.p.n, self.n_groups
        slots = np.flatnonzero((p.level[:n] >= SENIOR_LEVELS[0]) & p.employed[:n])
        if self.sim.R == 1:
            return np.bincount(p.group[slots], minlength=G)[None, :]
        return np.bincount(slots // p.C * G + p.group[slots], minlength=self.sim.R * G).reshape(self.sim.R, G)

    def counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Per site: mentees waiting for a match and matched mentees, among the employed."""
        sim = self.sim
        if sim.changes.counts:
            p, n = sim.p, sim.p.n
            enrolled_emp = p.enrolled[:n] & p.employed[:n]
            self._n_waiting = sim.sites.count_mask(enrolled_emp & p.was_waiting[:n])
            self._n_matched = sim.sites.count_mask(enrolled_emp) - self._n_waiting
            sim.changes.counts = False
        return self._n_waiting, self._n_matched

    def fixed_cost(self) -> np.ndarray:
        """Per site: administration per matched mentee, then the recognition policy's cost, then each
        overlay's (sponsors' time), for one week."""
        sim = self.sim
        cost = self.counts()[1] * (sim.sc.costs.admin_per_participant_per_year / 52.0)
        extra = sim.recognition.weekly_cost(sim.sc.costs, sim.rel.n_mentors)
        if extra is not None:
            cost = cost + extra
        for o in sim.overlays:
            extra = o.weekly_cost(sim)
            if extra is not None:
                cost = cost + extra
        return cost
