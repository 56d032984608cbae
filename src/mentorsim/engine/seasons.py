"""+0.30 seasons: every 13 weeks each relationship is deepened, narrowed or sunset."""

from __future__ import annotations

import numpy as np

from mentorsim.engine.process import Process
from mentorsim.schema.tables import WEEKS_PER_MONTH

QUARTER = 13


class Seasons(Process):
    """A quarterly review: a low-quality relationship sunsets, an overloaded one narrows (half the
    cadence), a good one deepens (back to the program's cadence). A pair or a circle decides its
    rhythm as one group."""

    def __call__(self, week: int) -> None:
        sim = self.sim
        rel, prog, mr = sim.rel, sim.program, sim.mx.relationships
        ai = np.flatnonzero(rel.active[: rel.n])
        if not prog.seasons or len(ai) == 0:
            return
        old = ai[week - rel.start[ai] >= QUARTER]
        q = rel.quality[old]
        over = rel.overload(rel.mentor[old]) > mr.narrow_overload
        gq = q  # the quality a row's rhythm is decided on
        if (sim.fmt.pair_sessions or sim.fmt.group_sessions) and len(old):
            # a group meets as one session, so it reviews its rhythm together: mean quality, overloaded if
            # any partner is; a pair also sunsets together, a circle member on their own quality
            inv = np.unique(rel.group[old], return_inverse=True)[1].reshape(-1)
            gq = (np.bincount(inv, weights=q) / np.bincount(inv))[inv]
            over = (np.bincount(inv, weights=over) > 0)[inv]
            if sim.fmt.pair_sessions:
                q = gq
        sunset = old[q < mr.sunset_quality]
        narrow = old[(gq >= mr.sunset_quality) & over]
        deepen = old[(gq >= mr.deepen_quality) & ~over]
        c = rel.cadence[narrow]
        longest = mr.narrow_max_months * WEEKS_PER_MONTH
        rel.cadence[narrow] = np.maximum(c, np.minimum(c * 2.0, longest))  # narrowing never meets more
        sim.changes.relationships = True
        rel.cadence[deepen] = prog.cadence_weeks
        rel.quality[deepen] = np.minimum(rel.quality[deepen] + mr.deepen_quality_gain, 1.0)
        if len(sunset):
            rel.close(sunset, week, "sunset")
            sim.log(rel.mentee[sunset], "sunset")
