"""The wiring of a batch's state: people, sites, relationships, overlays, the tracer and the clock.

``Simulation`` builds the state every process shares and starts one SimPy process per step
of ``schedule.STEPS``; the processes (one module each) hold their own state and logic.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import simpy

from mentorsim.engine.output import results_of
from mentorsim.engine.relationships import Relationships
from mentorsim.engine.schedule import STEPS
from mentorsim.engine.sites import Sites
from mentorsim.engine.state import Changes
from mentorsim.engine.tracer import Tracer, make_tracer
from mentorsim.programs import FORMATS, Format, Overlay, Recognition, overlays_of, recognition_of
from mentorsim.rng import Streams
from mentorsim.schema.scenario import Scenario
from mentorsim.schema.tables import TS_METRICS, RepResult
from mentorsim.schema.traits import N_LEVELS
from mentorsim.schema.workforce import People, reslot


class Simulation:
    """Replications of one scenario run together: the SimPy environment, the people, the
    relationships and the processes.

    Each replication is a *site*: a block of person slots with its own random streams,
    counters, time series and vacancies. Weekly updates are array operations over every
    site at once; what is decided per replication (intake targets, matching, the draws)
    is decided from that site alone, so a replication's results never depend on which
    others share its batch.
    """

    def __init__(
        self, sc: Scenario, seed: int, replications: int | list[int] = 0, trace: Any = None, site_cap: int | None = None
    ):
        self.reps = (
            [int(replications)] if isinstance(replications, (int, np.integer)) else [int(r) for r in replications]
        )
        if not self.reps:
            raise ValueError("Simulation needs at least one replication")
        R = self.R = len(self.reps)
        self.sc, self.program, self.wf = sc, sc.program, sc.workforce
        self.group_names = np.array([g.name for g in sc.workforce.groups], dtype=object)
        self.mx = sc.mechanics  # how the mechanisms work (scenario.mechanics)
        self.H = sc.horizon_weeks
        self.week = 0
        self.streams = [Streams(seed, r) for r in self.reps]
        self.p = People(sc, self.streams, site_cap)
        self.sites = Sites(self.p, self.streams)
        self.fmt: Format = FORMATS[sc.program.format]
        self.fx = self.fmt.effects(sc)  # how strongly this format's sessions work
        self.recognition: Recognition = recognition_of(sc, self.fmt.peer_mentors)
        self.overlays: list[Overlay] = overlays_of(sc, self.p.cap)  # in the order their hooks are called
        self.changes = Changes(R)
        self.tracer: Tracer | None = make_tracer(trace, self.p, R, self.wf.size, self._context())
        self.session_h = sc.program.session_minutes / 60.0 * self.fx.session_factor
        self.rel = Relationships(
            self.p,
            self.sites,
            self.fmt,
            self.changes,
            self.session_h,
            sc.costs.prep_hours_per_session,
            self.log if self.tracer is not None else None,
            max(64, R * sc.workforce.size // 2) if self.fmt.holds_sessions else 8,
            sc.mechanics.relationships,
            self.fmt.capacity_hours(sc.program),
        )
        self.ts = np.zeros((R, self.H, len(TS_METRICS)))
        self.vacancies = np.zeros((R, self.H + self.wf.hiring_lag_weeks + 2, N_LEVELS + 1), dtype=np.int64)
        self.headcount = np.full(R, self.wf.size, dtype=np.int64)
        self.mentor_pool = np.zeros(self.p.cap, dtype=bool)  # who volunteered to mentor
        self.recovering = np.empty(0, dtype=np.int64)  # slots with burnout above 0 (burnout writes it)
        self.senior_by_group = np.zeros((R, self.H, len(self.group_names)), dtype=np.int64)  # record writes it
        c = sc.costs
        self.hourly = np.asarray((0.0,) + tuple(c.hourly_cost_by_level))
        self.replacement = np.asarray(
            (0.0,) + tuple(s * r for s, r in zip(c.annual_salary_by_level, c.replacement_cost_share_by_level))
        )
        self.env = simpy.Environment()
        self.steps = [s for s in STEPS if s.runs(self)]
        self.processes = {s.name: s.process(self) for s in self.steps}

    def _context(self) -> dict[str, str]:
        return {"program": self.fmt.name.replace("_", "-"), "policy": self.recognition.name.replace("_", " ")}

    def log(self, who: np.ndarray, event: str, other: Any = None, value: Any = None) -> None:
        """Log ``event`` for the traced people among ``who`` (see tables.EVENTS)."""
        if self.tracer is not None:
            self.tracer.log(self.week, who, event, self.p.C, other, value)

    def regrow(self, C: int) -> None:
        """Give every site C person slots: re-lay every per-slot array and renumber stored slots."""
        p, R, old = self.p, self.R, self.p.C
        p.regrow(C)
        self.mentor_pool = reslot(self.mentor_pool, R, old, C, False)
        self.rel.reslot(old, C)
        self.recovering = self.sites.remap(self.recovering, old, C)
        for o in self.overlays:
            o.reslot(self.sites, old, C)
        for proc in self.processes.values():
            proc.reslot(old, C)
        if self.tracer is not None:
            self.tracer.reslot(R, old, C)
        self.sites.relay(C)

    def run(self) -> list[RepResult]:
        """Run every step to the horizon; one RepResult per replication."""
        env = self.env
        for step in self.steps:
            env.process(self._every(step.offset, step.period(self.sc), step.first(self.sc), self.processes[step.name]))
        env.run(until=self.H + 1)
        return results_of(self)

    def _every(self, offset: float, period: int, first: int, action):
        """A SimPy process calling ``action(week)`` at (week - 1) + offset for week = first, first + period..."""
        env = self.env
        week = first
        yield env.timeout(week - 1 + offset)
        while week <= self.H:
            self.week = week
            action(week)
            week += period
            yield env.timeout(period)
