"""+0.50 promotions: at each promotion cycle, promotion odds from readiness, ambition, overlays and mentor credit."""

from __future__ import annotations

import numpy as np

from mentorsim.engine.process import Process
from mentorsim.schema.tables import TS
from mentorsim.schema.traits import N_LEVELS


class Promotions(Process):
    """A promotion review of everyone long enough in their level (overlays may fast-track)."""

    def __call__(self, week: int) -> None:
        sim = self.sim
        p, wf, n = sim.p, sim.wf, sim.p.n
        in_level = week - p.level_since[:n]
        ok = in_level >= wf.min_weeks_in_level
        for o in sim.overlays:
            ok = o.review_eligible(sim, in_level, ok)
        elig = np.flatnonzero(p.employed[:n] & (p.level[:n] < N_LEVELS) & ok)
        if len(elig) == 0:
            return
        logit = (
            wf.promotion_base_logit
            + wf.promotion_readiness_slope * p.readiness(elig) / 0.1
            + wf.promotion_ambition_slope * p.ambition[elig]
        )
        for o in sim.overlays:
            logit = o.promotion_logit(sim, elig, logit)
        if sim.fmt.holds_sessions:
            mentoring = p.mentoring[elig]
            logit = logit + mentoring * (sim.recognition.promotion_logit + sim.fx.mentor_visibility)
        prob = 1.0 / (1.0 + np.exp(-logit))
        u = sim.sites.draw_people("promotion", week)[elig]
        up = elig[u < prob]
        if len(up) == 0:
            return
        p.level[up] += 1
        p.level_since[up] = week
        p.last_promo[up] = week
        p.promotions[up] += 1
        first = up[p.first_promo[up] < 0]
        p.first_promo[first] = week
        p.engagement[up] = np.minimum(p.engagement[up] + sim.mx.people.promotion_engagement_bonus, 1.0)
        p.update_hazard_mult(up)
        sim.changes.costs = True  # a sponsor's hour is costed at their level
        sim.changes.promotions = True
        sim.ts[:, week - 1, TS["promotions"]] = sim.sites.count_people(up)
        sim.log(up, "promoted", value=lambda s: p.level[s])
