"""+0.40 recognition: every 26 weeks the recognition policy acts on the active mentors."""

from __future__ import annotations

import numpy as np

from mentorsim.engine.process import Process


class RecognitionCycle(Process):
    """Calls the policy's cycle hook on everyone mentoring and employed (scheduled only for a
    policy that has cycles)."""

    def __call__(self, week: int) -> None:
        sim = self.sim
        p = sim.p
        m = np.flatnonzero(p.mentoring[: p.n] & p.employed[: p.n])
        if len(m) == 0:
            return
        sim.recognition.cycle(p, m)
        sim.log(m, "recognised")
