"""+0.00 intake: at a cohort start (every week when evergreen) people volunteer as mentees and mentors."""

from __future__ import annotations

import numpy as np

from mentorsim.engine.process import Process
from mentorsim.programs.volunteering import eligible, volunteers


class Intake(Process):
    """Fills the mentor pool up to supply, then enrols volunteers up to the participation target
    (people in the mentor pool are not enrolled as mentees)."""

    def __call__(self, week: int) -> None:
        sim = self.sim
        p, prog, n, sites, fmt = sim.p, sim.program, sim.p.n, sim.sites, sim.fmt
        sim.changes.match_due[:] = True
        emp = p.employed[:n]
        tenure = week - p.hired_week[:n]
        sim.rel.end_terms(week)
        enrolled = p.enrolled[:n]
        if fmt.draws_on_mentor_pool:  # mentors sign up first: enrolling mentees never uses up the people who mentor
            melig = emp & fmt.mentor_eligible(p.level[:n], prog) & ~p.burned_out[:n] & ~enrolled
            pool = sim.mentor_pool[:n]
            supply = min(1.0, prog.mentor_supply * sim.recognition.supply)
            want = np.round(supply * sites.count_mask(melig)).astype(np.int64) - sites.count_mask(pool & emp)
            if (want > 0).any():
                pick = volunteers(sim, "mentor_volunteer", np.flatnonzero(melig & ~pool), want)
                if len(pick):
                    sim.mentor_pool[pick] = True
                    sim.log(pick, "volunteered_mentor")
        elig = (
            emp
            & fmt.mentee_eligible(p.level[:n], prog)
            & (tenure >= prog.min_tenure_weeks)
            & ~p.ever_mentee[:n]
            & ~enrolled
            & ~p.mentoring[:n]
            & ~sim.mentor_pool[:n]
        )  # a mentor is not also a mentee
        elig = eligible(sim, week, elig)
        n_enrolled = sites.count_mask(enrolled)
        target = np.round(prog.participation_target * (sites.count_mask(elig) + n_enrolled)).astype(np.int64)
        deficit = target - n_enrolled
        if (deficit > 0).any():
            pick = volunteers(sim, "volunteer", np.flatnonzero(elig), deficit)
            if len(pick):
                p.enrolled[pick] = True
                p.was_waiting[pick] = True
                p.waiting_since[pick] = week
                p.informal_when_enrolled[pick] = p.informal[pick]
                sim.changes.counts = True
                sim.log(pick, "enrolled")
        for o in sim.overlays:
            o.sign_up(sim, week, emp)
