"""+0.15 burnout: mentor strain from load over capacity builds burnout; a burned-out mentor steps back."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mentorsim.engine.process import Process

if TYPE_CHECKING:
    from mentorsim.engine.simulation import Simulation


class Burnout(Process):
    """This week's mentor strain: burnout builds with load over capacity (per week, from the
    current load); recognition and boundaries buffer it; it recovers a little every week
    (``mechanics.burnout``). A mentor who reaches the threshold burns out and steps back before
    this week's sessions."""

    def __init__(self, sim: Simulation):
        super().__init__(sim)
        self._stress = np.empty(0)
        self._version = -1

    def stress(self) -> np.ndarray:
        """Each current mentor's weekly strain (aligned with ``rel.mentors``)."""
        rel = self.sim.rel
        if rel.version != self._version:
            self._version = rel.version
            over = rel.overload(rel.mentors)
            prog, bo = self.sim.program, self.sim.mx.burnout
            self._stress = (
                bo.stress_per_week
                * np.maximum(over - bo.stress_onset, 0.0)
                * (1.0 - self.sim.recognition.burnout_buffer)
                * (1.0 - bo.boundaries_buffer * prog.boundaries)
            )
        return self._stress

    def __call__(self, week: int) -> None:
        sim = self.sim
        p, rel = sim.p, sim.rel
        rel.end_terms(week)
        if sim.changes.relationships:
            rel.refresh()
        ms, idx = rel.mentors, sim.recovering  # every mentor under strain, and everyone still recovering
        if ms.size:
            stress = self.stress()
            p.burnout[ms] += stress
            stressed = ms[stress > 0]
            if stressed.size:
                idx = np.union1d(idx, stressed)
        if idx.size == 0:
            return
        bo = sim.mx.burnout
        b = np.clip(p.burnout[idx] - bo.recovery_per_week, 0.0, 1.0)
        p.burnout[idx] = b
        out = idx[(b >= bo.threshold) & ~p.burned_out[idx]]
        if len(out):
            p.burned_out[out] = True
            sim.mentor_pool[out] = False
            p.engagement[out] = np.maximum(p.engagement[out] - bo.engagement_loss, 0.0)
            rel.end_rows_of(out, week, "burnout", side="mentor")
            sim.log(out, "burned_out")
        sim.recovering = idx[b > 0]
