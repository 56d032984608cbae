"""The engine: one SimPy environment, time in weeks, processes acting on arrays.

``run(scenario, seed, replication)`` simulates one replication and returns plain
arrays (a ``RepResult``); everything parallel builds on this pure function.
``run_batch(scenario, seed, replications)`` runs several replications of a scenario
as one population: each replication is a *site* (a block of person slots with its
own random streams, counters and time series), so a weekly update is one array
operation for all of them, while everything decided per replication is decided from
its own site. A replication's result is exactly what ``run`` gives it alone (tested),
whatever batch it shares.

Order of operations in week w (each a SimPy process waking at (w - 1) + offset)::

    +0.00  intake       cohort start (or every week when evergreen): employees
                        volunteer as mentees (selection on ambition and engagement)
                        and mentors (supply set by recognition); sponsors sign up
    +0.10  matching     waiting mentees are matched within mentor capacity
                        (random or goal fit); sponsorship pairs high-potential mentees
    +0.20  meetings     first, every week: mentor strain from load over capacity builds
                        burnout (recovering 0.01 a week); a mentor who burns out steps
                        back. Then the meeting slots: relationships due this week (each
                        cadence meets in its own slots, from the week of the match)
                        schedule a session; mentor overload and friction cancel some;
                        held sessions grow the goal skill (expertise x fit x momentum),
                        engagement and quality; commitments are done with a chance set
                        by preparation and move the goal; the hot seat rotates in circles
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
from .workforce import N_LEVELS, PIVOTER, People, reslot

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


# a batch holds at most this many starting people across its replications (memory stays small,
# and large workforces are already vectorized within one replication)
BATCH_PEOPLE = 50_000


# columns of a replication's people table and the People field each comes from (role: derived)
PEOPLE_COLUMNS = {"initial": "initial", "persona": "persona", "start_level": "start_level", "end_level": "level",
                  "hired_week": "hired_week", "left_week": "left_week", "promotions": "promotions",
                  "role": None, "sponsored": "sponsored", "meetings_held": "meetings_held", "goal_attained": "goal_attained",
                  "moved_internally": "moved", "ambition": "ambition", "burned_out": "burned_out",
                  "goal_week": "goal_week", "first_promotion_week": "first_promo"}


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
    """Struct of arrays over relationship rows (of every site of a batch).

    ``site`` is the replication a row belongs to and ``local`` its position among that
    site's rows: a row's random draws are keyed by (site, local), never by the batch."""

    FIELDS = {"mentee": np.int64, "mentor": np.int64, "group": np.int64, "seat": np.int64, "dim": np.int64,
              "start": np.int64, "end": np.int64, "reason": np.int64, "held": np.int64, "scheduled": np.int64,
              "cadence": np.float64, "next_due": np.float64, "last_held": np.float64, "quality": np.float64,
              "fit": np.float64, "ceiling": np.float64, "term_end": np.int64, "active": np.bool_,
              "site": np.int64, "local": np.int64}

    def __init__(self, cap: int = 256, sites: int = 1):
        self.n = 0
        self.cap = 0
        self.per_site = np.zeros(sites, dtype=np.int64)
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
            phase: np.ndarray, quality: np.ndarray, ceiling: np.ndarray, site: int = 0) -> np.ndarray:
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
        self.site[i] = site
        self.local[i] = np.arange(self.per_site[site], self.per_site[site] + k)
        self.per_site[site] += k
        self.n += k
        return i

    def close(self, i: np.ndarray, week: int, reason: str) -> None:
        i = i[self.active[i]]
        self.active[i] = False
        self.end[i] = week
        self.reason[i] = END_REASONS.index(reason)


class Tracer:
    """Event log for traced people; a no-op test of one boolean array when nobody is traced.

    ``everyone`` traces every slot (hires included); ``ids`` traces those person ids in every
    site, whenever they are hired; otherwise ``mask`` was set once (starting people)."""

    def __init__(self, cap: int, everyone: bool = False, ids: np.ndarray | None = None):
        self.mask = np.zeros(cap, dtype=bool)
        self.everyone, self.ids = everyone, ids
        self.rows: list[tuple[int, int, int, str, str]] = []  # week, site, person_id, event, details

    def lay(self, sites: int, site_cap: int) -> None:
        """Mark the traced slots of every site, for blocks of ``site_cap`` slots."""
        if self.everyone:
            self.mask[:] = True
        elif self.ids is not None:
            ids = self.ids[self.ids < site_cap]
            for s in range(sites):
                self.mask[s * site_cap + ids] = True

    def log(self, week: int, who: np.ndarray, event: str, site_cap: int, details=None) -> None:
        """details: None, a string, or a callable slot -> string."""
        who = np.asarray(who)
        if who.size == 0:
            return
        hit = who[self.mask[who]]
        for p in hit.tolist():
            d = details(p) if callable(details) else (details or "")
            self.rows.append((week, p // site_cap, p % site_cap, event, d))


class _Site:
    """What a format sees while it forms relationships in one site (one replication of a batch):
    the people arrays, and that replication's random streams keyed by its own person ids."""

    __slots__ = ("board", "fit", "goal_dim", "level", "lo", "new_groups", "prev_mentor", "program", "skills",
                 "streams", "style", "week")

    def __init__(self, sim: "Simulation", site: int):
        p = sim.p
        self.level, self.skills, self.style, self.goal_dim = p.level, p.skills, p.style, p.goal_dim
        self.prev_mentor, self.program, self.week = sim.prev_mentor, sim.program, sim.week
        self.streams, self.lo = sim.streams[site], site * p.C
        self.new_groups, self.fit, self.board = sim.new_groups, sim.fit, sim._board

    def draw(self, name: str, ids: np.ndarray) -> np.ndarray:
        """One uniform per person in ``ids`` from this replication's stream ``name`` this week."""
        loc = ids - self.lo
        return self.streams[name].uniform(self.week, int(loc.max()) + 1)[loc]


class Simulation:
    """Replications of one scenario run together: the SimPy environment, the people, the
    relationships and the processes.

    Each replication is a *site*: a block of person slots with its own random streams,
    counters, time series and vacancies. Weekly updates are array operations over every
    site at once; what is decided per replication (intake targets, matching, the draws)
    is decided from that site alone, so a replication's results never depend on which
    others share its batch.
    """

    def __init__(self, sc: Scenario, seed: int, replications: int | list[int] = 0, trace=None,
                 site_cap: int | None = None):
        self.reps = ([int(replications)] if isinstance(replications, (int, np.integer))
                     else [int(r) for r in replications])
        if not self.reps:
            raise ValueError("Simulation needs at least one replication")
        R = self.R = len(self.reps)
        self.sc, self.program, self.wf = sc, sc.program, sc.workforce
        self.replication = self.reps[0]
        self.streams = [Streams(seed, r) for r in self.reps]
        self.p = People(sc, self.streams, site_cap)
        self.fmt = FORMATS[sc.program.format]
        self.rec = recognition_of(sc)
        # effect sizes of the format (scenario.effects.<format>); "none" holds no sessions
        self.fx = getattr(sc.effects, sc.program.format, sc.effects.one_on_one)
        self.circle = self.fmt.name == "circle"
        self.peer = self.fmt.name == "peer"
        self._gain_unit = sc.program.skill_gain_per_meeting * self.fx.expertise
        self.rel = Relationships(max(64, R * sc.workforce.size // 2) if self.fmt.code else 8, R)
        self.H = sc.horizon_weeks
        self.ts = np.zeros((R, self.H, len(TS_METRICS)))
        self.week = 0
        self.n_groups = 0
        self.cadence_weeks = sc.program.cadence_weeks
        self.session_h = sc.program.session_minutes / 60.0 * self.fx.session_factor
        self.vacancies = np.zeros((R, self.H + self.wf.hiring_lag_weeks + 2, N_LEVELS + 1), dtype=np.int64)
        self.tracer = self._make_tracer(trace)
        cap = self.p.cap
        self.mentor_pool = np.zeros(cap, dtype=bool)
        self.sponsor_pool = np.zeros(cap, dtype=bool)
        self.sponsor_of = -np.ones(cap, dtype=np.int64)
        self.sponsor_load = np.zeros(cap, dtype=np.int64)
        self.rematched = np.zeros(cap, dtype=bool)
        self.prev_mentor = -np.ones(cap, dtype=np.int64)  # a rematch goes to someone new
        self.rows_as_mentee = np.zeros(cap, dtype=np.int64)  # active relationship rows per person
        self.rows_as_mentor = np.zeros(cap, dtype=np.int64)
        self.load = np.zeros(cap)
        self.env = simpy.Environment()
        self.headcount = np.full(R, self.wf.size, dtype=np.int64)
        self._eng_pull = np.empty(0)
        self._promoted: list[tuple[int, np.ndarray]] = []
        self._rel_dirty = True
        self._match_dirty = np.ones(R, dtype=bool)  # per site: something changed since its last matching
        self._counts_dirty = True
        self._fixed_cost: np.ndarray | None = None
        self._n_active = np.zeros(R, dtype=np.int64)  # active relationship rows, per site
        self._n_mentors = np.zeros(R, dtype=np.int64)  # people with an active row as mentor, per site
        self._mean_load = np.zeros(R)
        self._next_term_end = 1 << 30
        self._next_due = np.inf
        self._mentors = np.empty(0, dtype=np.int64)
        self._burn_idx = np.empty(0, dtype=np.int64)
        self._starts = np.arange(R) * self.p.C
        c = sc.costs
        self._hourly = np.asarray((0.0,) + tuple(c.hourly_cost_by_level))
        self._replacement = np.asarray((0.0,) + tuple(s * r for s, r in zip(c.annual_salary_by_level,
                                                                             c.replacement_cost_share_by_level)))

    # ---- helpers used by formats ---------------------------------------------------------
    def fit(self, mentee, mentor, dims):
        return fit_score(self.p.skills, self.p.style, mentee, mentor, dims)

    def new_groups(self, k: int) -> np.ndarray:
        g = np.arange(self.n_groups, self.n_groups + k)
        self.n_groups += k
        return g

    # ---- sites ---------------------------------------------------------------------------
    def _site_of(self, slots: np.ndarray) -> np.ndarray:
        return slots // self.p.C if self.R > 1 else np.zeros(len(slots), dtype=np.int64)

    def _per_site(self, sites: np.ndarray) -> np.ndarray:
        """How many of these items fall in each site."""
        return np.bincount(sites, minlength=self.R) if self.R > 1 else np.array([len(sites)])

    def _count_people(self, slots: np.ndarray) -> np.ndarray:
        return np.bincount(slots // self.p.C, minlength=self.R) if self.R > 1 else np.array([len(slots)])

    def _count_mask(self, mask: np.ndarray) -> np.ndarray:
        """Per site, how many slots of ``mask`` (over slots [:n]) are set."""
        if self.R == 1:
            return np.array([np.count_nonzero(mask)])
        return np.add.reduceat(mask, self._starts, dtype=np.int64)

    def _sum_by_site(self, sites: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Per-site sums, added in item order (so a site's sum never depends on the other sites)."""
        return np.bincount(sites, weights=weights, minlength=self.R)

    def _draw_people(self, name: str, week: int) -> np.ndarray:
        """A uniform for every slot in use: each site's block from its own stream, by person id."""
        p = self.p
        if self.R == 1:
            return self.streams[0][name].uniform(week, p.n)
        u = np.ones(p.n)
        for s, (a, k) in enumerate(zip(self._starts.tolist(), p.used.tolist())):
            self.streams[s][name].at(week).random(out=u[a:a + k])
        return u

    def _draw_keyed(self, name: str, week: int, site: np.ndarray, local: np.ndarray, width: int = 1) -> np.ndarray:
        """``width`` uniforms per item, keyed by (site, local id) in each site's stream ``name``."""
        if len(local) == 0:
            return np.empty((0, width))
        if self.R == 1:
            top = int(local.max()) + 1
            return self.streams[0][name].uniform(week, top * width).reshape(top, width)[local]
        out = np.empty((len(local), width))
        order = np.argsort(site, kind="stable")
        bounds = np.searchsorted(site[order], np.arange(self.R + 1))
        for s in np.flatnonzero(np.diff(bounds)).tolist():
            sel = order[bounds[s]:bounds[s + 1]]
            loc = local[sel]
            top = int(loc.max()) + 1
            out[sel] = self.streams[s][name].uniform(week, top * width).reshape(top, width)[loc]
        return out

    def _regrow(self, C: int) -> None:
        """Give every site C person slots: re-lay every per-slot array and renumber stored slots."""
        p, R, old = self.p, self.R, self.p.C

        def remap(a: np.ndarray) -> np.ndarray:
            return np.where(a >= 0, (a // old) * C + a % old, a)

        p.regrow(C)
        for name, fill in (("mentor_pool", False), ("sponsor_pool", False), ("sponsor_of", -1), ("sponsor_load", 0),
                           ("rematched", False), ("load", 0.0), ("rows_as_mentee", 0), ("prev_mentor", -1),
                           ("rows_as_mentor", 0)):
            setattr(self, name, reslot(getattr(self, name), R, old, C, fill))
        self.sponsor_of = remap(self.sponsor_of)
        self.prev_mentor = remap(self.prev_mentor)
        k = self.rel.n
        self.rel.mentee[:k] = remap(self.rel.mentee[:k])
        self.rel.mentor[:k] = remap(self.rel.mentor[:k])
        self._burn_idx = remap(self._burn_idx)
        self._mentors = remap(self._mentors)
        self._promoted = [(w, remap(ids)) for w, ids in self._promoted]
        if self.tracer is not None:
            self.tracer.mask = reslot(self.tracer.mask, R, old, C, False)
            self.tracer.lay(R, C)
        self._eng_pull = np.empty(0)
        self._starts = np.arange(R) * C
        self._rel_dirty = True

    def _make_tracer(self, trace) -> Tracer | None:
        if trace is None or trace is False:
            return None
        p = self.p
        n0, C = self.wf.size, p.C
        if isinstance(trace, str):
            if trace != "all":
                raise ValueError(f"trace: {trace!r} is not 'all', True, a number per persona or a list of person ids")
            t = Tracer(p.cap, everyone=True)
        elif trace is True or isinstance(trace, (int, np.integer)):
            t = Tracer(p.cap)
            k = 1 if trace is True else int(trace)
            for s in range(self.R):
                lo = s * C
                for code in range(4):  # the first k starting people of each persona
                    t.mask[lo + np.flatnonzero(p.persona[lo:lo + n0] == code)[:k]] = True
        else:
            ids = np.unique(np.asarray(list(trace), dtype=np.int64))
            t = Tracer(p.cap, ids=ids[ids >= 0])
        t.lay(self.R, C)
        return t

    def log(self, who, event: str, details=None) -> None:
        if self.tracer is not None:
            self.tracer.log(self.week, who, event, self.p.C, details)

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

    def run(self) -> list[RepResult]:
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
        self._match_dirty[:] = True
        emp = p.employed[:n]
        tenure = week - p.hired_week[:n]
        self._end_terms(week)
        enrolled = p.enrolled[:n]
        elig = (emp & self.fmt.mentee_eligible(p.level[:n], prog) & (tenure >= prog.min_tenure_weeks)
                & ~p.ever_mentee[:n] & ~enrolled & ~p.mentoring[:n])  # an active mentor is not also a mentee
        n_enrolled = self._count_mask(enrolled)
        target = np.round(prog.participation_target * (self._count_mask(elig) + n_enrolled)).astype(np.int64)
        deficit = target - n_enrolled
        if (deficit > 0).any():
            pick = self._volunteers("volunteer", np.flatnonzero(elig), deficit)
            if len(pick):
                p.enrolled[pick] = True
                p.was_waiting[pick] = True
                self._counts_dirty = True
                self.log(pick, "enrolled", f"joined the {self.fmt.name.replace('_', '-')} program")
        if self.fmt.senior_capacity or self.fmt.name == "reverse":
            melig = emp & self.fmt.mentor_eligible(p.level[:n], prog) & ~p.burned_out[:n] & ~enrolled
            pool = self.mentor_pool[:n]
            supply = min(1.0, prog.mentor_supply * self.rec.supply)
            want = np.round(supply * self._count_mask(melig)).astype(np.int64) - self._count_mask(pool & emp)
            if (want > 0).any():
                pick = self._volunteers("mentor_volunteer", np.flatnonzero(melig & ~pool), want)
                if len(pick):
                    self.mentor_pool[pick] = True
                    self.log(pick, "volunteered_mentor", "volunteered to mentor")
        if prog.sponsorship:
            senior = emp & (p.level[:n] >= 4)
            pool = self.sponsor_pool[:n]
            want = (np.round(prog.sponsor_supply * self._count_mask(senior)).astype(np.int64)
                    - self._count_mask(pool & emp))
            if (want > 0).any():
                pick = self._volunteers("sponsor_volunteer", np.flatnonzero(senior & ~pool), want)
                self.sponsor_pool[pick] = True

    def _volunteers(self, stream: str, cand: np.ndarray, k: np.ndarray) -> np.ndarray:
        """In each site, the k[site] candidates most inclined to volunteer: selection on ambition and
        engagement plus noise."""
        p = self.p
        site = self._site_of(cand)
        keep = k[site] > 0
        cand, site = cand[keep], site[keep]
        if len(cand) == 0:
            return cand
        u = self._draw_keyed(stream, self.week, site, cand - site * p.C)[:, 0]
        noise = np.log(u / (1.0 - u) + 1e-300)  # logistic
        z = 0.7 * p.ambition[cand] + 0.3 * (p.engagement[cand] - 0.6) / 0.08
        score = self.program.selection_strength * z + noise
        order = np.lexsort((-score, site))  # by site, most inclined first
        first = np.searchsorted(site[order], site[order])  # candidates are in site order
        rank = np.arange(len(order)) - first
        return np.sort(cand[order[rank < k[site[order]]]])

    # +0.10 --------------------------------------------------------------------------------
    def matching(self, week: int) -> None:
        if not self._match_dirty.any():
            return
        p, n = self.p, self.p.n
        dirty = np.flatnonzero(self._match_dirty)
        self._match_dirty[:] = False
        waiting = np.flatnonzero(p.was_waiting[:n] & p.enrolled[:n] & p.employed[:n])
        if self.fmt.rows_per_mentee > 1:  # a board short of mentors gets its open seats filled
            rows = self.rows_as_mentee[:n]
            short = np.flatnonzero(p.enrolled[:n] & p.employed[:n] & ~p.was_waiting[:n] & (rows > 0)
                                   & (rows < self.fmt.rows_per_mentee))
            if len(short):
                short = short[self._board(short)[1] > week + 1]  # not in the board's last week
                waiting = np.union1d(waiting, short)
        if len(waiting) == 0:
            return
        senior = self.fmt.senior_capacity or self.fmt.name == "reverse"
        if senior:
            mentors = np.flatnonzero(self.mentor_pool[:n] & p.employed[:n] & ~p.burned_out[:n])
            used = self._mentor_slots_used(n)[mentors] if self.circle else self.rows_as_mentor[mentors]
            free = self.program.mentor_capacity - used
            keep = free > 0
            mentors, free = mentors[keep], free[keep]
            if len(mentors) == 0:
                return  # nobody can take a mentee until capacity frees up (which marks matching due again)
            mb = np.searchsorted(mentors, self._starts.tolist() + [p.cap])
        none = np.empty(0, dtype=np.int64)
        wb = np.searchsorted(waiting, self._starts.tolist() + [p.cap])
        for s in dirty.tolist():
            w = waiting[wb[s]:wb[s + 1]]
            if len(w) == 0:
                continue
            if senior:
                m, f = mentors[mb[s]:mb[s + 1]], free[mb[s]:mb[s + 1]]
                if len(m) == 0:
                    continue
            else:
                m, f = none, none
            rows = self.fmt.form(_Site(self, s), w, m, f)
            if len(rows):
                self._start_rows(rows, week, s)

    def _board(self, mentees: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For sorted mentees: the mentor in each seat of their board (one per skill, -1 = open) and
        the week their board's term ends (0 if they have no active row)."""
        rel = self.rel
        seats = -np.ones((len(mentees), 3), dtype=np.int64)
        end = np.zeros(len(mentees), dtype=np.int64)
        act = np.flatnonzero(rel.active[: rel.n])
        rows = act[np.isin(rel.mentee[act], mentees)]
        if len(rows):
            pos = np.searchsorted(mentees, rel.mentee[rows])
            seats[pos, rel.dim[rows]] = rel.mentor[rows]
            np.maximum.at(end, pos, rel.term_end[rows])
        return seats, end

    def _mentor_slots_used(self, n: int) -> np.ndarray:
        rel = self.rel
        a = rel.active[: rel.n]
        if self.fmt.name == "circle":  # a facilitator's capacity counts circles
            g = rel.group[: rel.n][a]
            m = rel.mentor[: rel.n][a]
            _, first = np.unique(g, return_index=True)
            return np.bincount(m[first], minlength=n)
        return np.bincount(rel.mentor[: rel.n][a], minlength=n)

    def _start_rows(self, rows: Rows, week: int, site: int) -> None:
        p, prog = self.p, self.program
        lo = site * p.C
        cad = self.cadence_weeks
        if prog.intake == "cohort":
            cohort_start = 1 + ((week - 1) // prog.term_weeks) * prog.term_weeks
            term_end = cohort_start + prog.term_weeks
        else:
            term_end = week + prog.term_weeks
        if self.fmt.rows_per_mentee > 1:  # a seat filled on a running board ends with the board
            topped = self.rows_as_mentee[rows.mentee] > 0
            if topped.any():
                who = np.unique(rows.mentee[topped])
                term_end = np.full(len(rows), term_end, dtype=np.int64)
                term_end[topped] = self._board(who)[1][np.searchsorted(who, rows.mentee[topped])]
        # meeting slots on the cadence's grid (weeks 1, 1 + c, 1 + 2c, ...): the first session is in the
        # first slot from the week of the match, so relationships on one cadence meet in the same weeks
        first = 1.0 + np.ceil((week - 1) / cad - 1e-9) * cad
        phase = np.full(len(rows), max(first - week, 0.0))
        # a relationship starts tentative and grows toward a ceiling set by fit and chemistry (assumption)
        loc = rows.mentee - lo
        top = int(loc.max()) + 1
        u, chem = self.streams[site]["quality"].uniform(week, 2 * top).reshape(top, 2)[loc].T
        quality = 0.15 + 0.2 * u
        ceiling = np.clip(0.1 + 0.8 * rows.fit + 0.7 * (chem - 0.5), 0.05, 1.0)
        idx = self.rel.add(rows, week, cad, term_end, phase, quality, ceiling, site)
        fresh = rows.mentor[self.rows_as_mentor[rows.mentor] == 0]
        if len(fresh):
            self._n_mentors[site] += len(np.unique(fresh)) if len(fresh) > 1 else 1
        np.add.at(self.rows_as_mentee, rows.mentee, 1)
        np.add.at(self.rows_as_mentor, rows.mentor, 1)
        self._n_active[site] += len(rows)
        self._next_term_end = min(self._next_term_end, int(np.min(term_end)))
        self._rel_dirty = True
        p.was_waiting[rows.mentee] = False
        p.mentoring[rows.mentor] = True
        p.ever_mentor[rows.mentor] = True
        p.ever_mentee[rows.mentee] = True
        if self.tracer is not None:
            for i in idx.tolist():
                e, m = int(self.rel.mentee[i]), int(self.rel.mentor[i])
                self.log(np.array([e]), "matched", f"matched with mentor #{m - lo} (level {p.level[m]})")
                self.log(np.array([m]), "matched_as_mentor", f"began mentoring #{e - lo}")
        if prog.sponsorship:
            self._sponsor(np.unique(rows.mentee), site)

    def _sponsor(self, mentees: np.ndarray, site: int) -> None:
        """Sponsors (scarce, senior) of the site pick the highest-potential new mentees."""
        p = self.p
        lo = site * p.C
        hi = lo + int(p.used[site])
        sponsors = np.flatnonzero(self.sponsor_pool[lo:hi] & p.employed[lo:hi]) + lo
        if len(sponsors) == 0:
            return
        free = self.program.sponsor_capacity - self.sponsor_load[sponsors]
        slots = np.repeat(sponsors, np.maximum(free, 0))
        cand = mentees[self.sponsor_of[mentees] < 0]
        if len(slots) == 0 or len(cand) == 0:
            return
        # sponsors back the potential they see: ambition, blurred by how visible someone is to them
        loc = cand - lo
        u = self.streams[site]["sponsor_pick"].uniform(self.week, int(loc.max()) + 1)[loc]
        potential = 0.5 * p.ambition[cand] + np.log(u / (1.0 - u) + 1e-300)
        k = min(len(slots), len(cand))
        chosen = np.sort(cand[np.argsort(-potential, kind="stable")[:k]])
        self.sponsor_of[chosen] = slots[:k]
        np.add.at(self.sponsor_load, slots[:k], 1)
        p.sponsored[chosen] = True
        self._fixed_cost = None
        self.log(chosen, "sponsored", lambda s: f"gained a sponsor (#{self.sponsor_of[s] - lo})")

    # +0.20 --------------------------------------------------------------------------------
    def _refresh(self) -> None:
        """Recompute what depends only on the set of active relationships (after any change)."""
        rel, p = self.rel, self.p
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
        ml = self.load[self._mentors]
        over = ml / self._capacity_hours()
        self._stress = (0.025 * np.maximum(over - 0.8, 0.0) * (1.0 - self.rec.burnout_buffer)
                        * (1.0 - 0.5 * self.program.boundaries))
        self._counts_dirty = True
        if self._mentors.size:
            sm = self._site_of(self._mentors)
            self._mean_load = self._sum_by_site(sm, ml) / np.maximum(self._per_site(sm), 1)
        else:
            self._mean_load = np.zeros(self.R)

    def _program_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Per site: mentees waiting for a match and matched mentees, among the employed."""
        if self._counts_dirty:
            p, n = self.p, self.p.n
            enrolled_emp = p.enrolled[:n] & p.employed[:n]
            self._n_waiting = self._count_mask(enrolled_emp & p.was_waiting[:n])
            self._n_matched = self._count_mask(enrolled_emp) - self._n_waiting
            self._counts_dirty = False
        return self._n_waiting, self._n_matched

    def meetings(self, week: int) -> None:
        rel, p, prog, fmt, fx = self.rel, self.p, self.program, self.fmt, self.fx
        self._end_terms(week)
        if self._rel_dirty:
            self._refresh()
        self._burnout(week)
        if self._rel_dirty:  # burnout may have ended relationships
            self._refresh()
        ai = self._ai
        if len(ai) == 0 or week < self._next_due:
            return  # no session falls due this week (relationships on one cadence meet in the same slots)
        nd = rel.next_due[ai]
        due = ai[nd <= week]
        rel.scheduled[due] += 1
        rel.next_due[due] += rel.cadence[due]
        self._next_due = float(rel.next_due[ai].min()) if len(ai) else np.inf
        if len(due) == 0:
            return
        w = week - 1
        n_c = prog.commitments_per_session
        # draws keyed by (replication, relationship): columns mentor side, mentee side, one per commitment
        site = rel.site[due]
        u = self._draw_keyed("meeting", week, site, rel.local[due], 3 + n_c)
        e, m = rel.mentee[due], rel.mentor[due]
        fric = prog.scheduling_friction * fx.friction
        p_cancel = fric + 0.5 * np.maximum(self.load[m] / self._capacity_hours() - 1.0, 0.0)
        p_miss = 0.5 * fric + 0.2 * (0.6 - p.engagement[e])
        ok = (u[:, 0] >= p_cancel) & (u[:, 1] >= p_miss)
        if self.peer and not ok.all():  # a peer session is one meeting of the two partners: both rows or neither
            ok &= ~np.isin(rel.group[due], rel.group[due[~ok]])
        self.ts[:, w, _TS["meetings_scheduled"]] += self._per_site(site)
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
        u, e, m, site = u[ok], e[ok], m[ok], site[ok]
        self.ts[:, w, _TS["meetings_held"]] += self._per_site(site)
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
        mentor_h = (self.session_h + self.sc.costs.prep_hours_per_session) * hourly[p.level[m]]
        if self.circle:
            mentor_h = mentor_h / gs
        if not self.peer:  # a peer's own time is already on the mirrored row, where they are the mentor
            mentor_h = mentor_h + self.session_h * hourly[p.level[e]]
        self.ts[:, w, _TS["program_cost"]] += self._sum_by_site(site, mentor_h)
        if self.tracer is not None:
            self.log(e, "meeting_held", lambda s: f"held a session ({int(p.meetings_held[s])} so far)")

    def _burnout(self, week: int) -> None:
        """This week's mentor strain: burnout builds with load over capacity (per week, from the
        current load); recognition and boundaries buffer it; it recovers by 0.01 a week. A mentor
        who reaches the threshold burns out and steps back before this week's sessions."""
        p = self.p
        ms, idx = self._mentors, self._burn_idx  # everyone still recovering, and every mentor under strain
        if ms.size:
            p.burnout[ms] += self._stress
            stressed = ms[self._stress > 0]
            if stressed.size:
                idx = np.union1d(idx, stressed)
        if idx.size == 0:
            return
        b = np.clip(p.burnout[idx] - 0.01, 0.0, 1.0)
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
        rel, prog = self.rel, self.program
        ai = np.flatnonzero(rel.active[: rel.n])
        if not prog.seasons or len(ai) == 0:
            return
        old = ai[week - rel.start[ai] >= QUARTER]
        q = rel.quality[old]
        over = self.load[rel.mentor[old]] > 1.1 * self._capacity_hours()
        if self.peer and len(old):  # a pair reviews its season together: mean quality, either partner overloaded
            inv = np.unique(rel.group[old], return_inverse=True)[1].reshape(-1)
            q = (np.bincount(inv, weights=q) / np.bincount(inv))[inv]
            over = (np.bincount(inv, weights=over) > 0)[inv]
        sunset = old[q < 0.35]
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
        self._rel_dirty = True
        site = rel.site[rows]
        self._match_dirty[site] = True
        e, m = rel.mentee[rows], rel.mentor[rows]
        self.prev_mentor[e] = m
        np.subtract.at(self.rows_as_mentee, e, 1)
        np.subtract.at(self.rows_as_mentor, m, 1)
        self._n_active -= self._per_site(site)
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
            hurt = e[early]  # Grossman & Rhodes 2002: early endings hurt
            p.engagement[hurt] = np.maximum(p.engagement[hurt] - 0.03, 0.0)
        idle = m[self.rows_as_mentor[m] == 0]
        if len(idle):
            p.mentoring[idle] = False
            self._n_mentors -= self._count_people(np.unique(idle))

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
        u = self._draw_people("promotion", week)[elig]
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
        self._fixed_cost = None  # a sponsor's hour is costed at their level
        self.ts[:, week - 1, _TS["promotions"]] = self._count_people(up)
        self.log(up, "promoted", lambda s: f"was promoted to level {p.level[s]}")

    # +0.60 --------------------------------------------------------------------------------
    def workforce_step(self, week: int) -> None:
        p, wf, n = self.p, self.wf, self.p.n
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
        u = self._draw_people("quit", week)
        gone = np.flatnonzero((u < h) & emp)
        if len(gone):
            self._leave(gone, week)
        self.ts[:, week - 1, _TS["quits"]] = self._count_people(gone)
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
        site = self._site_of(gone)
        p.employed[gone] = False
        p.left_week[gone] = week
        self._fixed_cost = None
        self.headcount -= self._per_site(site)
        lvl = p.level[gone]
        np.add.at(self.vacancies, (site, week + wf.hiring_lag_weeks, lvl), 1)
        self.ts[:, week - 1, _TS["turnover_cost"]] += self._sum_by_site(site, self._replacement[lvl])
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
            pool = self.mentor_pool[gone]
            if pool.any():
                self.mentor_pool[gone] = False
                self._match_dirty[site[pool]] = True
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
            self.ts[:, week - 1, _TS["internal_moves"]] += self._count_people(piv)
            self.log(piv, "moved_internally", "moved into a new role inside the organisation")

    # +0.60 (after quits) -------------------------------------------------------------------
    def hiring(self, week: int) -> None:
        due = self.vacancies[:, week]
        k = due.sum(axis=1)
        if k.any():
            p = self.p
            need = int((p.used + k).max())
            if need > p.C:
                self._regrow(int(need * 1.5) + 64)
            new = p.hire(week, due)
            self.headcount += k
            self.log(new, "hired", lambda s: f"joined at level {self.p.level[s]}")
        self.ts[:, week - 1, _TS["hires"]] = k

    # +0.90 --------------------------------------------------------------------------------
    def record(self, week: int) -> None:
        p, n, ts, w = self.p, self.p.n, self.ts, week - 1
        ts[:, w, _TS["headcount"]] = self.headcount
        if self.R == 1:
            eng = np.add.reduce(p.engagement[:n], where=p.employed[:n])
        else:  # each site summed over exactly its own slots, as if it ran alone
            eng = np.array([np.add.reduce(p.engagement[a:a + k], where=p.employed[a:a + k])
                            for a, k in zip(self._starts.tolist(), p.used.tolist())])
        ts[:, w, _TS["mean_engagement"]] = eng / np.maximum(self.headcount, 1)
        if self.fmt.code:
            ts[:, w, _TS["active_relationships"]] = self._n_active
            ts[:, w, _TS["active_mentors"]] = self._n_mentors
            ts[:, w, _TS["mentor_load_hours"]] = np.where(self._n_mentors > 0, self._mean_load, 0.0)  # latest slot
            if self._fixed_cost is None or self._counts_dirty or self._rel_dirty:
                self._counts_dirty = True
                self._fixed_cost = self._week_fixed_cost()
            ts[:, w, _TS["waiting_mentees"]] = self._program_counts()[0]
            ts[:, w, _TS["program_cost"]] += self._fixed_cost

    def _week_fixed_cost(self) -> np.ndarray:
        """Per site: administration per matched mentee, learning credits, celebrations and sponsors'
        time, for one week."""
        c, p, n = self.sc.costs, self.p, self.p.n
        cost = self._program_counts()[1] * (c.admin_per_participant_per_year / 52.0)
        if self.rec.credits:
            cost = cost + self._n_mentors * (c.learning_credit_per_mentor_per_year / 52.0)
        if self.rec.celebration:
            cost = cost + self._n_mentors * (c.celebration_per_mentor_per_year / 52.0)
        if self.program.sponsorship:
            sp = np.flatnonzero(p.sponsored[:n] & p.employed[:n] & (self.sponsor_of[:n] >= 0))
            if len(sp):  # one hour a month of the sponsor's time per protege (assumption)
                hours = self._sum_by_site(self._site_of(sp), self._hourly[p.level[self.sponsor_of[sp]]])
                cost = cost + hours / WEEKS_PER_MONTH
        return cost

    # ---- output --------------------------------------------------------------------------
    def result(self) -> list[RepResult]:
        """One RepResult per replication, with its own person ids (0..) and relationship groups."""
        p, rel = self.p, self.rel
        k = rel.n
        out = []
        by_site: list[list] = [[] for _ in self.reps]
        for row in self.tracer.rows if self.tracer is not None else []:
            by_site[row[1]].append(row)
        for s, replication in enumerate(self.reps):
            lo = s * p.C
            sl = slice(lo, lo + int(p.used[s]))
            role = p.ever_mentee[sl].astype(np.int64) + 2 * p.ever_mentor[sl].astype(np.int64)
            people = {"person_id": np.arange(int(p.used[s]), dtype=np.int64)}
            people.update({col: role if f is None else getattr(p, f)[sl].copy() for col, f in PEOPLE_COLUMNS.items()})
            rows = np.arange(k) if self.R == 1 else np.flatnonzero(rel.site[:k] == s)
            rels = {f: getattr(rel, f)[rows] for f in ("mentee", "mentor", "group", "dim", "start", "end",
                                                      "reason", "held", "scheduled", "cadence", "quality", "fit")}
            rels["mentee"] -= lo
            rels["mentor"] -= lo
            g = rels["group"]
            grouped = g >= 0
            if grouped.any():  # number the site's groups 0.. in the order they formed
                g[grouped] = np.unique(g[grouped], return_inverse=True)[1].reshape(-1)
            rels["end"] = np.where(rels["end"] < 0, self.H + 1, rels["end"])
            events = {}
            if self.tracer is not None:
                mine = by_site[s]
                events = {"week": [r[0] for r in mine], "person_id": [r[2] for r in mine],
                          "event": [r[3] for r in mine], "details": [r[4] for r in mine]}
            ts = self.ts[s] if self.R == 1 else self.ts[s].copy()
            out.append(RepResult(replication, people, ts, rels, events))
        return out


def batches(scenario: Scenario, replications: list[int]) -> list[list[int]]:
    """Split replications into batches of at most ``BATCH_PEOPLE`` starting people (at least one each)."""
    per = max(1, BATCH_PEOPLE // max(scenario.workforce.size, 1))
    return [replications[i:i + per] for i in range(0, len(replications), per)]


def run_batch(scenario: Scenario, seed: int, replications, trace=None) -> list[RepResult]:
    """Simulate several replications of one scenario together (in batches of ``BATCH_PEOPLE``
    starting people). Replication r's result is exactly ``run(scenario, seed, r)``."""
    from .metrics import rep_metrics

    out: list[RepResult] = []
    for part in batches(scenario, [int(r) for r in replications]):
        for r in Simulation(scenario, seed, part, trace).run():
            r.metrics = rep_metrics(scenario, r)
            out.append(r)
    return out


def run(scenario: Scenario, seed: int, replication: int, trace=None) -> RepResult:
    """Simulate one replication. Pure: same inputs, same output."""
    return run_batch(scenario, seed, [replication], trace)[0]
