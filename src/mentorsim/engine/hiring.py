"""+0.70 hiring: vacancies opened ``hiring_lag_weeks`` ago are filled by new hires."""

from __future__ import annotations

from mentorsim.engine.process import Process
from mentorsim.schema.tables import TS


class Hiring(Process):
    """Fills this week's vacancies in every site (re-laying the sites when one runs out of slots)."""

    def __call__(self, week: int) -> None:
        sim = self.sim
        due = sim.vacancies[:, week]
        k = due.sum(axis=1)
        if k.any():
            p = sim.p
            need = int((p.used + k).max())
            if need > p.C:
                sim.regrow(int(need * 1.5) + 64)
            new = p.hire(week, due)
            sim.headcount += k
            sim.log(new, "hired", value=lambda s: p.level[s])
        sim.ts[:, week - 1, TS["hires"]] = k
