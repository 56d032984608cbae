"""The engine: one SimPy environment, time in weeks, processes acting on arrays.

``run(scenario, seed, replication)`` simulates one replication and returns plain
arrays (a ``RepResult``); everything parallel builds on this pure function.

Order of operations in week w (each a SimPy process waking at (w - 1) + offset)::

    +0.00  intake       cohort start (or every week when evergreen): employees
                        volunteer as mentees (selection on ambition and engagement)
                        and mentors (supply set by recognition); sponsors sign up
    +0.10  matching     waiting mentees are matched within mentor capacity
                        (random or goal fit); sponsorship pairs high-potential mentees
    +0.20  meetings     meeting slots: relationships due this week (each cadence meets
                        in its own slots, from the week of the match) schedule a session; mentor
                        overload and friction cancel some; held sessions grow the goal
                        skill (expertise x fit x momentum), engagement and quality;
                        commitments are done with a chance set by preparation and
                        move the goal; the hot seat rotates in circles; mentor load
                        and burnout are updated
    +0.30  seasons      every 13 weeks: deepen, narrow (halve cadence) or sunset
                        each relationship; a sunset frees the mentor and the mentee
                        rematches once
    (terms that ran out end at the start of intake and of meetings, so capacity is
    free before matching)
    +0.40  recognition  every 26 weeks: the recognition policy acts on active mentors
    +0.50  promotions   every promotion cycle: promotion odds from readiness,
                        ambition, sponsorship and mentor credit
    +0.60  quit/hire    skills, goals and engagement drift; goals reached (pivoters
                        move internally); quits (front-loaded hazard x engagement x
                        level x recent promotion x mentor strain); leavers' relationships
                        end and their seats open; then vacancies opened
                        ``hiring_lag_weeks`` ago are filled by new hires
    +0.90  record       the week's row of the time series

``mentorsim order`` prints this docstring.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import simpy

from .programs import FORMATS, Rows, mentor_capacity_hours, recognition_of
from .programs.matching import fit_score
from .rng import Streams
from .scenario import Scenario
from .workforce import N_LEVELS, PIVOTER, People

TS_METRICS = ("headcount", "quits", "hires", "promotions", "active_relationships", "meetings_held",
              "meetings_scheduled", "mentor_load_hours", "mean_engagement", "waiting_mentees",
              "active_mentors", "internal_moves", "program_cost", "turnover_cost")
_TS = {m: i for i, m in enumerate(TS_METRICS)}
WEEKS_PER_MONTH = 52.0 / 12.0
QUARTER = 13
RECOGNITION_CYCLE = 26
RECENT_PROMOTION_WEEKS = 26
BURNOUT_THRESHOLD = 0.6  # assumption
EARLY_END_WEEKS = 26  # Grossman & Rhodes 2002: very early endings leave mentees worse off
# end reasons of relationships
END_REASONS = ("active", "term", "sunset", "dissolved", "mentee_left", "mentor_left", "burnout")


@dataclass
class RepResult:
    """Everything one replication produced, as plain arrays (cheap to pickle)."""

    replication: int
    people: dict[str, np.ndarray]
    timeseries: np.ndarray  # weeks x len(TS_METRICS)
    relationships: dict[str, np.ndarray]
    events: dict[str, list] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)


class Relationships:
    """Struct of arrays over relationship rows."""

    FIELDS = {"mentee": np.int64, "mentor": np.int64, "group": np.int64, "seat": np.int64, "dim": np.int64,
              "start": np.int64, "end": np.int64, "reason": np.int64, "held": np.int64, "scheduled": np.int64,
              "cadence": np.float64, "next_due": np.float64, "last_held": np.float64, "quality": np.float64,
              "fit": np.float64, "ceiling": np.float64, "term_end": np.int64, "active": np.bool_}

    def __init__(self, cap: int = 256):
        self.n = 0
        self.cap = 0
        self._grow(cap)

    def _grow(self, cap: int) -> None:
        for f, dt in self.FIELDS.items():
            new = np.zeros(cap, dtype=dt)
            old = getattr(self, f, None)
            if old is not None:
                new[: self.n] = old[: self.n]
            setattr(self, f, new)
        self.cap = cap

    def add(self, rows: Rows, week: int, cadence: float, term_end: np.ndarray | int,
            phase: np.ndarray, quality: np.ndarray, ceiling: np.ndarray) -> np.ndarray:
        k = len(rows)
        if self.n + k > self.cap:
            self._grow(int((self.n + k) * 1.5) + 64)
        i = np.arange(self.n, self.n + k)
        self.mentee[i], self.mentor[i], self.group[i] = rows.mentee, rows.mentor, rows.group
        self.seat[i], self.dim[i], self.fit[i] = rows.seat, rows.dim, rows.fit
        self.start[i], self.end[i], self.reason[i] = week, -1, 0
        self.held[i] = self.scheduled[i] = 0
        self.cadence[i] = cadence
        self.next_due[i] = week + phase
        self.last_held[i] = np.nan
        self.quality[i] = quality
        self.ceiling[i] = ceiling
        self.term_end[i] = term_end
        self.active[i] = True
        self.n += k
        return i

    def close(self, i: np.ndarray, week: int, reason: str) -> None:
        i = i[self.active[i]]
        self.active[i] = False
        self.end[i] = week
        self.reason[i] = END_REASONS.index(reason)


class Tracer:
    """Event log for traced people; a no-op test of one boolean array when nobody is traced."""

    def __init__(self, cap: int):
        self.mask = np.zeros(cap, dtype=bool)
        self.rows: list[tuple[int, int, str, str]] = []

    def grow(self, cap: int) -> None:
        if cap > len(self.mask):
            m = np.zeros(cap, dtype=bool)
            m[: len(self.mask)] = self.mask
            self.mask = m

    def log(self, week: int, who: np.ndarray, event: str, details=None) -> None:
        """details: None, a string, or a callable slot -> string."""
        who = np.asarray(who)
        if who.size == 0:
            return
        hit = who[self.mask[who]]
        for p in hit.tolist():
            d = details(p) if callable(details) else (details or "")
            self.rows.append((week, p, event, d))


class Simulation:
    """One replication: the SimPy environment, the people, the relationships and the processes."""

    def __init__(self, sc: Scenario, seed: int, replication: int, trace=None):
        self.sc, self.program, self.wf = sc, sc.program, sc.workforce
        self.replication = replication
        self.streams = Streams(seed, replication)
        self.p = People(sc, self.streams)
        self.fmt = FORMATS[sc.program.format]
        self.rec = recognition_of(sc)
        # effect sizes of the format (scenario.effects.<format>); "none" holds no sessions
        self.fx = getattr(sc.effects, sc.program.format, sc.effects.one_on_one)
        self.circle = self.fmt.name == "circle"
        self._gain_unit = sc.program.skill_gain_per_meeting * self.fx.expertise
        self.rel = Relationships(max(64, sc.workforce.size // 2) if self.fmt.code else 8)
        self.H = sc.horizon_weeks
        self.ts = np.zeros((self.H, len(TS_METRICS)))
        self.week = 0
        self.n_groups = 0
        self.cadence_weeks = sc.program.cadence_weeks
        self.session_h = sc.program.session_minutes / 60.0 * self.fx.session_factor
        self.vacancies = np.zeros((self.H + self.wf.hiring_lag_weeks + 2, N_LEVELS + 1), dtype=np.int64)
        self.tracer = self._make_tracer(trace)
        self.week_costs = 0.0
        self.week_turnover = 0.0
        self.mentor_pool = np.zeros(self.p.cap, dtype=bool)
        self.sponsor_pool = np.zeros(self.p.cap, dtype=bool)
        self.sponsor_of = -np.ones(self.p.cap, dtype=np.int64)
        self.sponsor_load = np.zeros(self.p.cap, dtype=np.int64)
        self.rematched = np.zeros(self.p.cap, dtype=bool)
        self.prev_mentor = -np.ones(self.p.cap, dtype=np.int64)  # a rematch goes to someone new
        self.rows_as_mentee = np.zeros(self.p.cap, dtype=np.int64)  # active relationship rows per person
        self.rows_as_mentor = np.zeros(self.p.cap, dtype=np.int64)
        self.load = np.zeros(self.p.cap)
        self.env = simpy.Environment()
        self.headcount = self.wf.size
        self._eng_pull = np.empty(0)
        self._promoted: list[tuple[int, np.ndarray]] = []
        self._rel_dirty = True
        self._match_dirty = True
        self._counts_dirty = True
        self._fixed_cost = None
        self._n_active = 0  # active relationship rows
        self._n_mentors = 0  # people with at least one active row as mentor
        self._mean_load = 0.0
        self._next_term_end = 1 << 30
        self._next_due = np.inf
        self._last_strain = 0
        self._mentors = np.empty(0, dtype=np.int64)
        self._burn_idx = np.empty(0, dtype=np.int64)
        c = sc.costs
        self._hourly = np.asarray((0.0,) + tuple(c.hourly_cost_by_level))
        self._replacement = np.asarray((0.0,) + tuple(s * r for s, r in zip(c.annual_salary_by_level,
                                                                             c.replacement_cost_share_by_level)))

    # ---- helpers used by formats (the matching context) ----------------------------------
    @property
    def level(self):
        return self.p.level

    @property
    def skills(self):
        return self.p.skills

    @property
    def style(self):
        return self.p.style

    @property
    def goal_dim(self):
        return self.p.goal_dim

    def fit(self, mentee, mentor, dims):
        return fit_score(self.p.skills, self.p.style, mentee, mentor, dims)

    def new_groups(self, k: int) -> np.ndarray:
        g = np.arange(self.n_groups, self.n_groups + k)
        self.n_groups += k
        return g

    def _make_tracer(self, trace) -> Tracer | None:
        if trace is None or trace is False:
            return None
        t = Tracer(self.p.cap)
        n0 = self.wf.size
        if trace == "all":
            t.mask[:] = True
        elif trace is True or isinstance(trace, (int, np.integer)):
            k = 1 if trace is True else int(trace)
            for code in range(4):  # the first k starting people of each persona
                t.mask[np.flatnonzero(self.p.persona[:n0] == code)[:k]] = True
        else:
            ids = np.asarray(list(trace), dtype=np.int64)
            t.mask[ids[(ids >= 0) & (ids < len(t.mask))]] = True
        return t

    def _grow_side_arrays(self) -> None:
        cap = self.p.cap
        if len(self.mentor_pool) >= cap:
            return
        for name, fill in (("mentor_pool", False), ("sponsor_pool", False), ("sponsor_of", -1),
                           ("sponsor_load", 0), ("rematched", False), ("load", 0.0), ("rows_as_mentee", 0),
                           ("prev_mentor", -1),
                           ("rows_as_mentor", 0)):
            old = getattr(self, name)
            new = np.full(cap, fill, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)
        if self.tracer is not None:
            self.tracer.grow(cap)

    def log(self, who, event: str, details=None) -> None:
        if self.tracer is not None:
            self.tracer.log(self.week, who, event, details)

    # ---- processes -----------------------------------------------------------------------
    def _every(self, offset: float, period: int, first: int, action):
        """A SimPy process calling ``action(week)`` at (week - 1) + offset for week = first, first + period..."""
        env = self.env

        def proc():
            week = first
            yield env.timeout(week - 1 + offset)
            while week <= self.H:
                self.week = week
                action(week)
                week += period
                yield env.timeout(period)

        env.process(proc())

    def run(self) -> RepResult:
        prog = self.program
        if self.fmt.code:
            period = 1 if prog.intake == "evergreen" else prog.term_weeks
            self._every(0.00, period, 1, self.intake)
            self._every(0.10, 1, 1, self.matching)
            self._every(0.20, 1, 1, self.meetings)
            self._every(0.30, QUARTER, QUARTER, self.seasons)
            if prog.recognition != "none":
                self._every(0.40, RECOGNITION_CYCLE, RECOGNITION_CYCLE, self.recognition)
        self._every(0.50, self.wf.promotion_cycle_weeks, self.wf.promotion_cycle_weeks, self.promotions)
        self._every(0.60, 1, 1, self.workforce_step)
        self._every(0.90, 1, 1, self.record)
        self.env.run(until=self.H + 1)
        return self.result()

    # +0.00 --------------------------------------------------------------------------------
    def intake(self, week: int) -> None:
        p, prog, n = self.p, self.program, self.p.n
        self._match_dirty = True
        emp = p.employed[:n]
        tenure = week - p.hired_week[:n]
        self._end_terms(week)
        elig = (emp & self.fmt.mentee_eligible(p.level[:n], prog) & (tenure >= prog.min_tenure_weeks)
                & ~p.ever_mentee[:n] & ~p.enrolled[:n] & ~p.mentoring[:n])  # an active mentor is not also a mentee
        target = int(round(prog.participation_target * (elig.sum() + p.enrolled[:n].sum())))
        deficit = target - int(p.enrolled[:n].sum())
        if deficit > 0 and elig.any():
            pick = self._volunteers("volunteer", np.flatnonzero(elig), deficit)
            p.enrolled[pick] = True
            p.was_waiting[pick] = True
            self._counts_dirty = True
            self.log(pick, "enrolled", f"joined the {self.fmt.name.replace('_', '-')} program")
        if self.fmt.senior_capacity or self.fmt.name == "reverse":
            melig = emp & self.fmt.mentor_eligible(p.level[:n], prog) & ~p.burned_out[:n] & ~p.enrolled[:n]
            supply = min(1.0, prog.mentor_supply * self.rec.supply)
            want = int(round(supply * melig.sum())) - int((self.mentor_pool[:n] & emp).sum())
            cand = np.flatnonzero(melig & ~self.mentor_pool[:n])
            if want > 0 and len(cand):
                pick = self._volunteers("mentor_volunteer", cand, want)
                self.mentor_pool[pick] = True
                self.log(pick, "volunteered_mentor", "volunteered to mentor")
        if prog.sponsorship:
            selig = emp & (p.level[:n] >= 4) & ~self.sponsor_pool[:n]
            want = int(round(prog.sponsor_supply * (emp & (p.level[:n] >= 4)).sum())) - int((self.sponsor_pool[:n] & emp).sum())
            if want > 0 and selig.any():
                self.sponsor_pool[self._volunteers("sponsor_volunteer", np.flatnonzero(selig), want)] = True

    def _volunteers(self, stream: str, cand: np.ndarray, k: int) -> np.ndarray:
        """The k candidates most inclined to volunteer: selection on ambition and engagement plus noise."""
        p = self.p
        u = self.streams[stream].uniform(self.week, int(cand.max()) + 1)[cand]
        noise = np.log(u / (1.0 - u) + 1e-300)  # logistic
        z = 0.7 * p.ambition[cand] + 0.3 * (p.engagement[cand] - 0.6) / 0.08
        score = self.program.selection_strength * z + noise
        if k >= len(cand):
            return cand
        top = np.argpartition(-score, k - 1)[:k]
        return np.sort(cand[top])

    # +0.10 --------------------------------------------------------------------------------
    def matching(self, week: int) -> None:
        p, n, rel = self.p, self.p.n, self.rel
        self._grow_side_arrays()
        if not self._match_dirty:
            return
        self._match_dirty = False
        waiting = np.flatnonzero(p.was_waiting[:n] & p.enrolled[:n] & p.employed[:n])
        if len(waiting) == 0:
            return
        if self.fmt.senior_capacity or self.fmt.name == "reverse":
            mentors = np.flatnonzero(self.mentor_pool[:n] & p.employed[:n] & ~p.burned_out[:n])
            used = self._mentor_slots_used(n)[mentors] if self.circle else self.rows_as_mentor[mentors]
            free = self.program.mentor_capacity - used
            keep = free > 0
            mentors, free = mentors[keep], free[keep]
            if len(mentors) == 0:
                return  # nobody can take a mentee until capacity frees up (which marks matching due again)
        else:
            mentors, free = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        rows = self.fmt.form(self, waiting, mentors, free)
        if len(rows) == 0:
            return
        self._start_rows(rows, week)

    def _mentor_slots_used(self, n: int) -> np.ndarray:
        rel = self.rel
        a = rel.active[: rel.n]
        if self.fmt.name == "circle":  # a facilitator's capacity counts circles
            g = rel.group[: rel.n][a]
            m = rel.mentor[: rel.n][a]
            _, first = np.unique(g, return_index=True)
            return np.bincount(m[first], minlength=n)
        return np.bincount(rel.mentor[: rel.n][a], minlength=n)

    def _start_rows(self, rows: Rows, week: int) -> None:
        p, prog = self.p, self.program
        cad = self.cadence_weeks
        if prog.intake == "cohort":
            cohort_start = 1 + ((week - 1) // prog.term_weeks) * prog.term_weeks
            term_end = cohort_start + prog.term_weeks
        else:
            term_end = week + prog.term_weeks
        # meeting slots on the cadence's grid (weeks 1, 1 + c, 1 + 2c, ...): the first session is in the
        # first slot from the week of the match, so relationships on one cadence meet in the same weeks
        first = 1.0 + np.ceil((week - 1) / cad - 1e-9) * cad
        phase = np.full(len(rows), max(first - week, 0.0))
        # a relationship starts tentative and grows toward a ceiling set by fit and chemistry (assumption)
        top = int(rows.mentee.max()) + 1
        u, chem = self.streams["quality"].uniform(week, 2 * top).reshape(top, 2)[rows.mentee].T
        quality = 0.15 + 0.2 * u
        ceiling = np.clip(0.1 + 0.8 * rows.fit + 0.7 * (chem - 0.5), 0.05, 1.0)
        idx = self.rel.add(rows, week, cad, term_end, phase, quality, ceiling)
        fresh = rows.mentor[self.rows_as_mentor[rows.mentor] == 0]
        if len(fresh):
            self._n_mentors += len(np.unique(fresh)) if len(fresh) > 1 else 1
        np.add.at(self.rows_as_mentee, rows.mentee, 1)
        np.add.at(self.rows_as_mentor, rows.mentor, 1)
        self._n_active += len(rows)
        self._next_term_end = min(self._next_term_end, int(np.min(term_end)))
        self._rel_dirty = True
        p.was_waiting[rows.mentee] = False
        p.mentoring[rows.mentor] = True
        p.ever_mentor[rows.mentor] = True
        p.ever_mentee[rows.mentee] = True
        if self.tracer is not None:
            for i in idx.tolist():
                e, m = int(self.rel.mentee[i]), int(self.rel.mentor[i])
                self.log(np.array([e]), "matched", f"matched with mentor #{m} (level {p.level[m]})")
                self.log(np.array([m]), "matched_as_mentor", f"began mentoring #{e}")
        if prog.sponsorship:
            self._sponsor(np.unique(rows.mentee))

    def _sponsor(self, mentees: np.ndarray) -> None:
        """Sponsors (scarce, senior) pick the highest-potential new mentees."""
        p, n = self.p, self.p.n
        sponsors = np.flatnonzero(self.sponsor_pool[:n] & p.employed[:n])
        if len(sponsors) == 0:
            return
        free = self.program.sponsor_capacity - self.sponsor_load[sponsors]
        slots = np.repeat(sponsors, np.maximum(free, 0))
        cand = mentees[self.sponsor_of[mentees] < 0]
        if len(slots) == 0 or len(cand) == 0:
            return
        # sponsors back the potential they see: ambition, blurred by how visible someone is to them
        u = self.streams["sponsor_pick"].uniform(self.week, int(cand.max()) + 1)[cand]
        potential = 0.5 * p.ambition[cand] + np.log(u / (1.0 - u) + 1e-300)
        k = min(len(slots), len(cand))
        chosen = np.sort(cand[np.argsort(-potential, kind="stable")[:k]])
        self.sponsor_of[chosen] = slots[:k]
        np.add.at(self.sponsor_load, slots[:k], 1)
        p.sponsored[chosen] = True
        self.log(chosen, "sponsored", lambda s: f"gained a sponsor (#{self.sponsor_of[s]})")

    # +0.20 --------------------------------------------------------------------------------
    def _refresh(self) -> None:
        """Recompute what depends only on the set of active relationships (after any change)."""
        rel, p, fmt = self.rel, self.p, self.fmt
        self._rel_dirty = False
        ai = np.flatnonzero(rel.active[: rel.n])
        self._ai = ai
        if self.circle and len(ai):
            self._gsize = np.bincount(rel.group[ai], minlength=self.n_groups)
            # hot-seat order among the members still in each circle (seats of leavers are skipped)
            order = np.lexsort((rel.seat[ai], rel.group[ai]))
            g = rel.group[ai][order]
            starts = np.r_[0, (np.diff(g) != 0).nonzero()[0] + 1]
            first = np.repeat(starts, np.diff(np.r_[starts, len(g)]))
            self._rank = np.zeros(rel.cap, dtype=np.int64)
            self._rank[ai[order]] = np.arange(len(ai)) - first
        # mentor load (hours per month) from cadence x session (+ prep) x mentees; circles share a session
        per_row = (self.session_h + self.sc.costs.prep_hours_per_session) * WEEKS_PER_MONTH / rel.cadence[ai]
        if self.circle and len(ai):
            per_row = per_row / self._gsize[rel.group[ai]]
        self.load = np.bincount(rel.mentor[ai], weights=per_row, minlength=p.cap)
        self._mentors = np.flatnonzero(self.rows_as_mentor[: p.n] > 0)
        self._next_due = float(rel.next_due[ai].min()) if len(ai) else np.inf
        over = self.load[self._mentors] / self._capacity_hours()
        self._stress = (0.025 * np.maximum(over - 0.8, 0.0) * (1.0 - self.rec.burnout_buffer)
                        * (1.0 - 0.5 * self.program.boundaries))
        stressed = self._mentors[self._stress > 0]
        if stressed.size:
            self._burn_idx = np.union1d(self._burn_idx, stressed)
        self._counts_dirty = True
        self._mean_load = float(self.load[self._mentors].mean()) if self._mentors.size else 0.0

    def _program_counts(self) -> tuple[int, int]:
        """Mentees waiting for a match and matched mentees, among the employed."""
        if self._counts_dirty:
            p, n = self.p, self.p.n
            enrolled_emp = p.enrolled[:n] & p.employed[:n]
            self._n_waiting = int(np.count_nonzero(enrolled_emp & p.was_waiting[:n]))
            self._n_matched = int(np.count_nonzero(enrolled_emp)) - self._n_waiting
            self._counts_dirty = False
        return self._n_waiting, self._n_matched

    def meetings(self, week: int) -> None:
        rel, p, prog, fmt, fx = self.rel, self.p, self.program, self.fmt, self.fx
        self._end_terms(week)
        if self._rel_dirty:
            self._refresh()
        ai = self._ai
        if len(ai) == 0 or week < self._next_due:
            return  # no session falls due this week (relationships on one cadence meet in the same slots)
        self._burnout(week)
        if self._rel_dirty:  # burnout may have ended relationships
            self._refresh()
            ai = self._ai
        nd = rel.next_due[ai]
        due = ai[nd <= week]
        rel.scheduled[due] += 1
        rel.next_due[due] += rel.cadence[due]
        self._next_due = float(rel.next_due[ai].min())
        n_c = prog.commitments_per_session
        # draws keyed by relationship row: columns mentor side, mentee side, one per commitment
        u = self.streams["meeting"].uniform(week, (int(due[-1]) + 1) * (3 + n_c)).reshape(-1, 3 + n_c)[due]
        e, m = rel.mentee[due], rel.mentor[due]
        fric = prog.scheduling_friction * fx.friction
        p_cancel = fric + 0.5 * np.maximum(self.load[m] / self._capacity_hours() - 1.0, 0.0)
        p_miss = 0.5 * fric + 0.2 * (0.6 - p.engagement[e])
        ok = (u[:, 0] >= p_cancel) & (u[:, 1] >= p_miss)
        self.ts[week - 1, _TS["meetings_scheduled"]] += len(due)
        if not ok.all():
            missed = due[~ok]
            rel.quality[missed] = np.maximum(rel.quality[missed] - 0.02, 0.0)
            if self.tracer is not None:
                self.log(rel.mentee[missed], "meeting_missed", "a session fell through")
            # early dissolution: a missed session early on can end a young relationship; clear
            # boundaries (agreed availability and scope) make that rarer (assumption)
            young = (week - rel.start[missed] < EARLY_END_WEEKS)
            quit_pair = missed[young & (u[~ok, 2] < 0.15 * (1.0 - prog.boundaries) * (1.0 - rel.quality[missed]))]
            if len(quit_pair):
                self.log(rel.mentee[quit_pair], "dissolved", "the relationship fizzled out early")
                self._close(quit_pair, week, "dissolved")
        h = due[ok]
        if len(h) == 0:
            return
        u, e, m = u[ok], e[ok], m[ok]
        self.ts[week - 1, _TS["meetings_held"]] += len(h)
        rel.held[h] += 1
        last = rel.last_held[h]
        gap = np.where(np.isnan(last), rel.cadence[h], week - last)
        mom = 0.3 + 0.7 * np.exp(-np.maximum(gap - 1.0, 0.0) / prog.momentum_weeks)
        rel.last_held[h] = week
        d, fit = rel.dim[h], rel.fit[h]
        focus = 1.0
        if self.circle:  # circles: the hot seat rotates; others learn vicariously
            gs = self._gsize[rel.group[h]]
            hot = (rel.scheduled[h] - 1) % np.maximum(gs, 1) == self._rank[h]
            focus = np.where(hot, 1.0, fx.vicarious)
        gain = self._gain_unit * (0.5 + fit) * mom * focus
        s = p.skills[e, d]
        p.skills[e, d] = s + gain * (1.0 - s)
        eg = prog.engagement_gain_per_meeting * mom
        meg = eg * (fx.mentor_engagement * (1.0 + 0.5 * (self.rec.name != "none")))
        if self.circle:  # the facilitator gains once per circle session
            meg = meg / gs
        unique_mentee = fmt.rows_per_mentee == 1  # a mentee has one row at most
        if unique_mentee:
            p.engagement[e] += eg * fx.engagement
            p.meetings_held[e] += 1
        else:
            np.add.at(p.engagement, e, eg * fx.engagement)
            np.add.at(p.meetings_held, e, 1)
        np.add.at(p.engagement, m, meg)
        np.minimum(p.engagement, 1.0, out=p.engagement)
        # commitments, done between sessions with a chance set by preparation, move the goal
        if n_c:
            p_done = min(max(0.35 + 0.4 * prog.preparation + fx.commitment_bonus, 0.0), 1.0)
            done = (u[:, 3:] < p_done).sum(axis=1)
            step = done * (prog.goal_progress_per_commitment * (0.5 + fit)) * focus
            if unique_mentee:
                p.goal_progress[e] += step
            else:
                np.add.at(p.goal_progress, e, step)
        q = rel.quality[h]
        rel.quality[h] = q + 0.12 * mom * (rel.ceiling[h] - q)
        # time cost of the sessions held (a facilitator's time is shared by the circle)
        hourly = self._hourly
        if self.circle:
            mentor_cost = ((self.session_h + self.sc.costs.prep_hours_per_session) * hourly[p.level[m]] / gs).sum()
        else:
            mentor_cost = (self.session_h + self.sc.costs.prep_hours_per_session) * hourly[p.level[m]].sum()
        self.ts[week - 1, _TS["program_cost"]] += float(mentor_cost + self.session_h * hourly[p.level[e]].sum())
        if self.tracer is not None:
            self.log(e, "meeting_held", lambda s: f"held a session ({int(p.meetings_held[s])} so far)")

    def _burnout(self, week: int) -> None:
        """Mentor strain since the last session slot: burnout builds with load over capacity (per week);
        recognition and boundaries buffer it; it recovers by 0.01 a week."""
        p = self.p
        dt = week - self._last_strain
        self._last_strain = week
        if self._mentors.size:
            p.burnout[self._mentors] += self._stress * dt
        idx = self._burn_idx
        if idx.size == 0:
            return
        b = np.clip(p.burnout[idx] - 0.01 * dt, 0.0, 1.0)
        p.burnout[idx] = b
        out = idx[(b >= BURNOUT_THRESHOLD) & ~p.burned_out[idx]]
        if len(out):
            p.burned_out[out] = True
            self.mentor_pool[out] = False
            p.engagement[out] = np.maximum(p.engagement[out] - 0.1, 0.0)
            self._end_rows_of(out, week, "burnout", side="mentor")
            self.log(out, "burned_out", "burned out and stepped back from mentoring")
        self._burn_idx = idx[b > 0]

    # +0.30 --------------------------------------------------------------------------------
    def seasons(self, week: int) -> None:
        rel, p, prog = self.rel, self.p, self.program
        ai = np.flatnonzero(rel.active[: rel.n])
        if not prog.seasons or len(ai) == 0:
            return
        old = ai[week - rel.start[ai] >= QUARTER]
        q = rel.quality[old]
        sunset = old[q < 0.35]
        over = self.load[rel.mentor[old]] > 1.1 * self._capacity_hours()
        narrow = old[(q >= 0.35) & over]
        deepen = old[(q >= 0.65) & ~over]
        c = rel.cadence[narrow]
        rel.cadence[narrow] = np.maximum(c, np.minimum(c * 2.0, 2 * WEEKS_PER_MONTH))  # narrowing never meets more
        self._rel_dirty = True
        rel.cadence[deepen] = self.cadence_weeks
        rel.quality[deepen] = np.minimum(rel.quality[deepen] + 0.03, 1.0)
        if len(sunset):
            self._close(sunset, week, "sunset")
            self.log(rel.mentee[sunset], "sunset", "the pair agreed to sunset the relationship")

    def _capacity_hours(self) -> float:
        return mentor_capacity_hours(self.program)

    def _end_terms(self, week: int) -> None:
        rel = self.rel
        if rel.n == 0 or week < self._next_term_end:
            return
        act = rel.active[: rel.n]
        ended = np.flatnonzero(act & (rel.term_end[: rel.n] <= week))
        if len(ended):
            self._close(ended, week, "term")
        rest = rel.term_end[: rel.n][rel.active[: rel.n]]
        self._next_term_end = int(rest.min()) if rest.size else 1 << 30

    def _close(self, rows: np.ndarray, week: int, reason: str) -> None:
        """End relationship rows; mentees with no active row left wait (rematch once) or graduate."""
        rel, p = self.rel, self.p
        rows = rows[rel.active[rows]]
        if len(rows) == 0:
            return
        if self.fmt.name == "peer":  # a peer pair is two mirrored rows: they end together
            act = rel.active[: rel.n].nonzero()[0]
            rows = np.union1d(rows, act[np.isin(rel.group[act], rel.group[rows])])
        rel.close(rows, week, reason)
        self._rel_dirty = self._match_dirty = True
        e, m = rel.mentee[rows], rel.mentor[rows]
        self.prev_mentor[e] = m
        np.subtract.at(self.rows_as_mentee, e, 1)
        np.subtract.at(self.rows_as_mentor, m, 1)
        self._n_active -= len(rows)
        lone = self.rows_as_mentee[e] == 0  # the mentee has no relationship left (may repeat a mentee)
        alone = e[lone]
        if reason == "term":
            p.enrolled[alone] = False
            if self.tracer is not None:
                self.log(np.unique(alone), "graduated", "completed the program term")
        else:
            again = ~self.rematched[alone] & p.employed[alone]
            p.was_waiting[alone[again]] = True
            self.rematched[alone[again]] = True
            p.enrolled[alone[~again]] = False
            early = lone & (week - rel.start[rows] < EARLY_END_WEEKS)
            p.engagement[e[early]] -= 0.03  # Grossman & Rhodes 2002: early endings hurt
        idle = m[self.rows_as_mentor[m] == 0]
        if len(idle):
            p.mentoring[idle] = False
            self._n_mentors -= len(np.unique(idle)) if len(idle) > 1 else 1

    def _end_rows_of(self, who: np.ndarray, week: int, reason: str, side: str) -> None:
        rel = self.rel
        if rel.n == 0 or len(who) == 0:
            return
        count = self.rows_as_mentor if side == "mentor" else self.rows_as_mentee
        who = who[count[who] > 0]
        if len(who) == 0:
            return
        col = rel.mentor if side == "mentor" else rel.mentee
        act = np.flatnonzero(rel.active[: rel.n])
        rows = act[np.isin(col[act], who)]
        if len(rows):
            self._close(rows, week, reason)

    # +0.40 --------------------------------------------------------------------------------
    def recognition(self, week: int) -> None:
        p = self.p
        m = np.flatnonzero(p.mentoring[: p.n] & p.employed[: p.n])
        if len(m) == 0:
            return
        p.engagement[m] = np.minimum(p.engagement[m] + self.rec.engagement_boost, 1.0)
        if self.rec.celebration:
            p.burnout[m] = np.maximum(p.burnout[m] - 0.1, 0.0)
        if self.rec.credits:
            p.skills[m] = np.minimum(p.skills[m] + 0.01, 1.0)
        self.log(m, "recognised", f"was recognised for mentoring ({self.rec.name.replace('_', ' ')})")

    # +0.50 --------------------------------------------------------------------------------
    def promotions(self, week: int) -> None:
        p, wf, n = self.p, self.wf, self.p.n
        in_level = week - p.level_since[:n]
        ok = in_level >= wf.min_weeks_in_level
        if self.program.sponsorship:  # a sponsor puts a protege up for review after half the usual time (assumption)
            has = self.sponsor_of[:n] >= 0
            has[has] = p.employed[self.sponsor_of[:n][has]]
            ok |= has & (in_level >= wf.min_weeks_in_level // 2)
        elig = np.flatnonzero(p.employed[:n] & (p.level[:n] < N_LEVELS) & ok)
        if len(elig) == 0:
            return
        logit = (wf.promotion_base_logit + wf.promotion_readiness_slope * p.readiness(elig) / 0.1
                 + wf.promotion_ambition_slope * p.ambition[elig])
        if self.program.sponsorship:
            sp = p.sponsored[elig] & (self.sponsor_of[elig] >= 0)
            sp &= p.employed[np.maximum(self.sponsor_of[elig], 0)]
            logit = logit + np.where(sp, np.log(self.program.sponsor_odds_ratio), 0.0)
        if self.fmt.code:
            mentoring = p.mentoring[elig]
            logit = logit + mentoring * (self.rec.promotion_logit + self.fx.mentor_visibility)
        prob = 1.0 / (1.0 + np.exp(-logit))
        u = self.streams["promotion"].uniform(week, int(elig.max()) + 1)[elig]
        up = elig[u < prob]
        if len(up) == 0:
            return
        p.level[up] += 1
        p.level_since[up] = week
        p.last_promo[up] = week
        p.promotions[up] += 1
        first = up[p.first_promo[up] < 0]
        p.first_promo[first] = week
        p.engagement[up] = np.minimum(p.engagement[up] + 0.08, 1.0)
        p.update_hazard_mult(up)
        self._promoted.append((week, up))
        self.ts[week - 1, _TS["promotions"]] = len(up)
        self.log(up, "promoted", lambda s: f"was promoted to level {p.level[s]}")

    # +0.60 --------------------------------------------------------------------------------
    def workforce_step(self, week: int) -> None:
        p, wf, n = self.p, self.wf, self.p.n
        emp = p.employed[:n]
        # drift over all slots in use (cheaper than gathering the employed; leavers are never read again)
        sk = p.skills[:n]
        sk *= 1.0 - wf.skill_growth_per_week
        sk += wf.skill_growth_per_week
        gp = p.goal_progress[:n]
        gp += p.goal_rate[:n]
        e = p.engagement[:n]
        e *= 1.0 - wf.engagement_reversion_per_week
        e += self._eng_pull[:n] if len(self._eng_pull) >= n else self._pull(n)
        if self._burn_idx.size:
            bi = self._burn_idx
            p.engagement[bi] = np.maximum(p.engagement[bi] - 0.02 * p.burnout[bi], 0.0)
        reached = np.flatnonzero(gp >= 1.0)  # a goal reached or a leaver's is parked far below 0
        if len(reached):
            gp[reached[~emp[reached]]] = -1e12
            reached = reached[emp[reached]]
            if len(reached):
                self._goal_reached(reached, week)
        # quits
        h = p.quit_hazard(week)
        recent = self._recent_promoted(week)
        if len(recent):
            h[recent] *= wf.recent_promotion_hazard_multiplier
        if self.fmt.code and self._mentors.size:
            m = self._mentors
            h[m] *= self.rec.hazard * (1.0 + p.burnout[m])
        u = self.streams["quit"].uniform(week, n)
        gone = np.flatnonzero((u < h) & emp)
        if len(gone):
            self._leave(gone, week)
        self.ts[week - 1, _TS["quits"]] = len(gone)
        self.hiring(week)

    def _pull(self, n: int) -> np.ndarray:
        """Each slot's weekly pull toward its own baseline engagement (a trait of the slot)."""
        self._eng_pull = self.wf.engagement_reversion_per_week * self.p.traits.eng_base
        return self._eng_pull[:n]

    def _recent_promoted(self, week: int) -> np.ndarray:
        keep = [(w, ids) for w, ids in self._promoted if week - w < RECENT_PROMOTION_WEEKS]
        self._promoted = keep
        return np.concatenate([ids for _, ids in keep]) if keep else np.empty(0, dtype=np.int64)

    def _leave(self, gone: np.ndarray, week: int) -> None:
        p, wf = self.p, self.wf
        p.employed[gone] = False
        p.left_week[gone] = week
        self._fixed_cost = None
        self.headcount -= len(gone)
        self.vacancies[week + wf.hiring_lag_weeks] += np.bincount(p.level[gone], minlength=N_LEVELS + 1)
        self.ts[week - 1, _TS["turnover_cost"]] += float(self._replacement[p.level[gone]].sum())
        if self.fmt.code and p.enrolled[gone].any():
            self._counts_dirty = True  # waiting and matched counts change
            waiting = gone[p.was_waiting[gone]]
            p.enrolled[waiting] = False  # a mentee who leaves while waiting leaves the program
            p.was_waiting[waiting] = False
        if self.fmt.code and self.rel.n:
            if self.rows_as_mentee[gone].any():
                self._end_rows_of(gone, week, "mentee_left", side="mentee")
            if self.rows_as_mentor[gone].any():
                self._end_rows_of(gone, week, "mentor_left", side="mentor")
            if self.mentor_pool[gone].any():
                self.mentor_pool[gone] = False
                self._match_dirty = True
            if self.program.sponsorship:
                self._sponsors_leave(gone)
        self.log(gone, "quit", "left the organisation")

    def _sponsors_leave(self, gone: np.ndarray) -> None:
        """A protege who leaves frees a sponsor's place; a sponsor who leaves frees their proteges."""
        p, n = self.p, self.p.n
        self.sponsor_pool[gone] = False
        prot = gone[self.sponsor_of[gone] >= 0]
        if len(prot):
            np.subtract.at(self.sponsor_load, self.sponsor_of[prot], 1)
            self.sponsor_of[prot] = -1
        left = np.zeros(self.p.cap, dtype=bool)
        left[gone] = True
        orphans = np.flatnonzero((self.sponsor_of[:n] >= 0) & left[np.maximum(self.sponsor_of[:n], 0)])
        if len(orphans):
            self.sponsor_of[orphans] = -1  # they may be sponsored again when they next match

    def _goal_reached(self, who: np.ndarray, week: int) -> None:
        p = self.p
        p.goal_attained[who] = True
        p.goal_week[who] = week
        p.goal_progress[who] = -1e12  # reached: no longer tracked
        p.skills[who, p.goal_dim[who]] = np.minimum(p.skills[who, p.goal_dim[who]] + 0.05, 1.0)
        p.engagement[who] = np.minimum(p.engagement[who] + 0.05, 1.0)
        self.log(who, "goal_reached", "reached their career goal")
        piv = who[p.persona[who] == PIVOTER]
        if len(piv):  # internal mobility: a pivoter who reaches the goal moves role instead of leaving
            p.moved[piv] = True
            p.moved_week[piv] = week
            p.level_since[piv] = week
            p.engagement[piv] = np.minimum(p.engagement[piv] + 0.1, 1.0)
            p.update_hazard_mult(piv)
            self.ts[week - 1, _TS["internal_moves"]] += len(piv)
            self.log(piv, "moved_internally", "moved into a new role inside the organisation")

    # +0.60 (after quits) -------------------------------------------------------------------
    def hiring(self, week: int) -> None:
        due = self.vacancies[week]
        k = int(due.sum())
        if k:
            levels = np.repeat(np.arange(N_LEVELS + 1), due)
            new = self.p.hire(week, levels)
            self.headcount += k
            self._grow_side_arrays()
            self.log(new, "hired", lambda s: f"joined at level {self.p.level[s]}")
        self.ts[week - 1, _TS["hires"]] = k

    # +0.90 --------------------------------------------------------------------------------
    def record(self, week: int) -> None:
        p, n, row = self.p, self.p.n, self.ts[week - 1]
        row[_TS["headcount"]] = self.headcount
        row[_TS["mean_engagement"]] = np.add.reduce(p.engagement[:n], where=p.employed[:n]) / max(self.headcount, 1)
        if self.fmt.code:
            row[_TS["active_relationships"]] = self._n_active
            row[_TS["active_mentors"]] = self._n_mentors
            row[_TS["mentor_load_hours"]] = self._mean_load if self._n_mentors else 0.0  # as of the latest slot
            if self._fixed_cost is None or self._counts_dirty or self._rel_dirty:
                self._counts_dirty = True
                self._fixed_cost = self._week_fixed_cost(n, self._n_mentors)
            row[_TS["waiting_mentees"]] = self._program_counts()[0]
            row[_TS["program_cost"]] += self._fixed_cost

    def _week_fixed_cost(self, n: int, n_mentors: int) -> float:
        """Administration per matched mentee, learning credits, celebrations and sponsors' time, for one week."""
        c, p = self.sc.costs, self.p
        cost = self._program_counts()[1] * c.admin_per_participant_per_year / 52.0
        if self.rec.credits:
            cost += n_mentors * c.learning_credit_per_mentor_per_year / 52.0
        if self.rec.celebration:
            cost += n_mentors * c.celebration_per_mentor_per_year / 52.0
        if self.program.sponsorship:
            sp = np.flatnonzero(p.sponsored[:n] & p.employed[:n] & (self.sponsor_of[:n] >= 0))
            if len(sp):  # one hour a month of the sponsor's time per protege (assumption)
                cost += float(self._hourly[p.level[self.sponsor_of[sp]]].sum()) / WEEKS_PER_MONTH
        return cost

    # ---- output --------------------------------------------------------------------------
    def result(self) -> RepResult:
        p, n = self.p, self.p.n
        role = (p.ever_mentee[:n].astype(np.int64) + 2 * p.ever_mentor[:n].astype(np.int64))
        people = {
            "person_id": np.arange(n, dtype=np.int64),
            "initial": p.initial[:n].copy(),
            "persona": p.persona[:n].copy(),
            "start_level": p.start_level[:n].copy(),
            "end_level": p.level[:n].copy(),
            "hired_week": p.hired_week[:n].copy(),
            "left_week": p.left_week[:n].copy(),
            "promotions": p.promotions[:n].copy(),
            "role": role,
            "sponsored": p.sponsored[:n].copy(),
            "meetings_held": p.meetings_held[:n].copy(),
            "goal_attained": p.goal_attained[:n].copy(),
            "moved_internally": p.moved[:n].copy(),
            "ambition": p.ambition[:n].copy(),
            "burned_out": p.burned_out[:n].copy(),
            "goal_week": p.goal_week[:n].copy(),
            "first_promotion_week": p.first_promo[:n].copy(),
        }
        rel = self.rel
        k = rel.n
        rels = {f: getattr(rel, f)[:k].copy() for f in ("mentee", "mentor", "group", "dim", "start", "end",
                                                       "reason", "held", "scheduled", "cadence", "quality", "fit")}
        rels["end"] = np.where(rels["end"] < 0, self.H + 1, rels["end"])
        events = {}
        if self.tracer is not None:
            ev = self.tracer.rows
            events = {"week": [r[0] for r in ev], "person_id": [r[1] for r in ev],
                      "event": [r[2] for r in ev], "details": [r[3] for r in ev]}
        return RepResult(self.replication, people, self.ts, rels, events)


def run(scenario: Scenario, seed: int, replication: int, trace=None) -> RepResult:
    """Simulate one replication. Pure: same inputs, same output."""
    from .metrics import rep_metrics

    r = Simulation(scenario, seed, replication, trace).run()
    r.metrics = rep_metrics(scenario, r)
    return r
