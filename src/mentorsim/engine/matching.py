"""+0.10 matching: the format forms waiting mentees into relationships within mentor capacity."""

from __future__ import annotations

import numpy as np

from mentorsim.engine.process import Process
from mentorsim.engine.sites import FormationSite
from mentorsim.programs import Rows


class Matching(Process):
    """In every site where something changed since its last matching, the format forms new rows."""

    def __call__(self, week: int) -> None:
        sim = self.sim
        changes = sim.changes
        if week >= self._next_expiry:
            self.expire(week)
        if not changes.match_due.any():
            return
        p, n, fmt, rel = sim.p, sim.p.n, sim.fmt, sim.rel
        dirty = np.flatnonzero(changes.match_due)
        changes.match_due[:] = False
        waiting = np.flatnonzero(p.was_waiting[:n] & p.enrolled[:n] & p.employed[:n])
        if fmt.rows_per_mentee > 1:  # a board short of mentors gets its open seats filled
            rows = rel.rows_as_mentee[:n]
            short = np.flatnonzero(
                p.enrolled[:n] & p.employed[:n] & ~p.was_waiting[:n] & (rows > 0) & (rows < fmt.rows_per_mentee)
            )
            if len(short):
                short = short[rel.board(short)[1] > week + 1]  # not in the board's last week
                waiting = np.union1d(waiting, short)
        if len(waiting) == 0:
            return
        pool = fmt.draws_on_mentor_pool
        if pool:
            mentors = np.flatnonzero(sim.mentor_pool[:n] & p.employed[:n] & ~p.burned_out[:n])
            used = rel.capacity_used(mentors)
            free = sim.program.mentor_capacity - used
            keep = free > 0
            mentors, free = mentors[keep], free[keep]
            if len(mentors) == 0:
                return  # nobody can take a mentee until capacity frees up (which marks matching due again)
            mb = sim.sites.bounds(mentors)
        none = np.empty(0, dtype=np.int64)
        wb = sim.sites.bounds(waiting)
        for s in dirty.tolist():
            w = waiting[wb[s] : wb[s + 1]]
            if len(w) == 0:
                continue
            if pool:
                m, f = mentors[mb[s] : mb[s + 1]], free[mb[s] : mb[s + 1]]
                if len(m) == 0:
                    continue
            else:
                m, f = none, none
            formed = fmt.form(FormationSite(sim, s), w, m, f)
            if len(formed):
                self.start(formed, week, s)

    _next_expiry = 0  # the soonest week a waiting place can expire

    def expire(self, week: int) -> None:
        """Mentees who waited ``program.waiting_list_weeks`` without a match leave the waiting list
        (they may enrol again at a later intake, and someone at a mentor's level may volunteer to mentor)."""
        p, n, limit = self.sim.p, self.sim.p.n, self.sim.program.waiting_list_weeks
        waiting = np.flatnonzero(p.was_waiting[:n] & p.enrolled[:n])
        if len(waiting) == 0:
            self._next_expiry = week + limit
            return
        since = p.waiting_since[waiting]
        out = waiting[week - since >= limit]
        if len(out):
            p.enrolled[out] = False
            p.was_waiting[out] = False
            self.sim.changes.counts = True
            self.sim.log(out, "left_waiting_list")
        rest = since[week - since < limit]
        self._next_expiry = int(rest.min()) + limit if len(rest) else week + 1

    def start(self, rows: Rows, week: int, site: int) -> None:
        """Start the rows a format formed in one site: term, first meeting slot, quality."""
        sim = self.sim
        p, prog, rel, fmt = sim.p, sim.program, sim.rel, sim.fmt
        cad = prog.cadence_weeks
        term_end: int | np.ndarray
        if prog.intake == "cohort":
            cohort_start = 1 + ((week - 1) // prog.term_weeks) * prog.term_weeks
            term_end = cohort_start + prog.term_weeks
        else:
            term_end = week + prog.term_weeks
        if fmt.rows_per_mentee > 1:  # a seat filled on a running board ends with the board
            topped = rel.rows_as_mentee[rows.mentee] > 0
            if topped.any():
                who = np.unique(rows.mentee[topped])
                term_end = np.full(len(rows), term_end, dtype=np.int64)
                term_end[topped] = rel.board(who)[1][np.searchsorted(who, rows.mentee[topped])]
        # meeting slots on the cadence's grid (weeks 1, 1 + c, 1 + 2c, ...): the first session is in the
        # first slot from the week of the match, so relationships on one cadence meet in the same weeks
        first = 1.0 + np.ceil((week - 1) / cad - 1e-9) * cad
        phase = np.full(len(rows), max(first - week, 0.0))
        # a relationship starts tentative and grows toward a ceiling set by fit and chemistry (assumption)
        u, chem = sim.sites.draw_site("quality", week, site, rows.mentee, 2).T
        mr = sim.mx.relationships
        quality = mr.start_quality + mr.start_quality_spread * u
        ceiling = np.clip(mr.ceiling_base + mr.ceiling_fit * rows.fit + mr.ceiling_chemistry * (chem - 0.5), 0.05, 1.0)
        idx = rel.add(rows, week, cad, term_end, phase, quality, ceiling, site)
        if sim.tracer is not None:
            for i in idx.tolist():
                e, m = int(rel.mentee[i]), int(rel.mentor[i])
                sim.log(np.array([e]), "matched", other=m, value=int(p.level[m]))
                sim.log(np.array([m]), "matched_as_mentor", other=e)
        if sim.overlays:
            mentees = np.unique(rows.mentee)
            for o in sim.overlays:
                o.matched(sim, mentees, site)
