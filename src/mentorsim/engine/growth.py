"""+0.60 growth: skills, goals and engagement drift every week; goals reached (pivoters move internally)."""

from __future__ import annotations

import numpy as np

from mentorsim.engine.process import Process
from mentorsim.schema.tables import TS
from mentorsim.schema.traits import PIVOTER

PARKED = -1e12  # the goal progress of a goal reached (or a leaver's): no longer tracked


class Growth(Process):
    """The weekly drift of every slot in use, and the goals it completes."""

    def reslot(self, old: int, C: int) -> None:
        self._pull = np.empty(0)

    def __init__(self, sim):
        super().__init__(sim)
        self._pull = np.empty(0)

    def __call__(self, week: int) -> None:
        sim = self.sim
        p, wf, n = sim.p, sim.wf, sim.p.n
        emp = p.employed[:n]
        # drift over all slots in use (cheaper than gathering the employed; leavers are never read again,
        # and a slot not yet in use is reset when someone is hired into it)
        sk = p.skills[:n]
        sk *= 1.0 - wf.skill_growth_per_week
        sk += wf.skill_growth_per_week
        gp = p.goal_progress[:n]
        gp += p.goal_rate[:n]
        e = p.engagement[:n]
        e *= 1.0 - wf.engagement_reversion_per_week
        e += self.pull(n)
        if sim.recovering.size:
            bi = sim.recovering
            p.engagement[bi] = np.maximum(p.engagement[bi] - sim.mx.burnout.engagement_drag * p.burnout[bi], 0.0)
        reached = np.flatnonzero(gp >= 1.0)  # a goal reached or a leaver's is parked far below 0
        if len(reached):
            gp[reached[~emp[reached]]] = PARKED
            reached = reached[emp[reached]]
            if len(reached):
                self.goal_reached(reached, week)

    def pull(self, n: int) -> np.ndarray:
        """Each slot's weekly pull toward its own baseline engagement (a trait of the slot), plus what an
        informal relationship adds while it lasts (0 for everyone else)."""
        if len(self._pull) < n:
            self._pull = self.sim.wf.engagement_reversion_per_week * self.sim.p.traits.eng_base
            self._pull += self.sim.p.informal_gain
        return self._pull[:n]

    def repull(self, idx: np.ndarray) -> None:
        """The informal gain of these slots changed."""
        if len(self._pull):
            p = self.sim.p
            self._pull[idx] = self.sim.wf.engagement_reversion_per_week * p.traits.eng_base[idx] + p.informal_gain[idx]

    def goal_reached(self, who: np.ndarray, week: int) -> None:
        sim = self.sim
        p, gl = sim.p, sim.mx.goals
        p.goal_attained[who] = True
        p.goal_week[who] = week
        p.goal_progress[who] = PARKED
        p.skills[who, p.goal_dim[who]] = np.minimum(p.skills[who, p.goal_dim[who]] + gl.reached_skill_bonus, 1.0)
        p.engagement[who] = np.minimum(p.engagement[who] + gl.reached_engagement_bonus, 1.0)
        sim.log(who, "goal_reached")
        piv = who[p.persona[who] == PIVOTER]
        if len(piv):  # internal mobility: a pivoter who reaches the goal moves role instead of leaving
            p.moved[piv] = True
            p.moved_week[piv] = week
            p.level_since[piv] = week
            p.engagement[piv] = np.minimum(p.engagement[piv] + gl.move_engagement_bonus, 1.0)
            p.update_hazard_mult(piv)
            sim.ts[:, week - 1, TS["internal_moves"]] += sim.sites.count_people(piv)
            sim.log(piv, "moved_internally")
