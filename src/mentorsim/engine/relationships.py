"""The relationships store: rows of (mentee, mentor) and their whole lifecycle.

Rows are a struct of arrays over every site of a batch. The store starts rows, closes them
(a term that ran out, a sunset, a leaver, a burnout) with everything a closing implies for
the people in them (waiting to rematch once, graduating, an early ending's cost), and keeps
what depends only on the set of active rows (mentor load, group sizes, the next session
due) up to date. Processes change relationships only through this store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from mentorsim.engine.state import Changes
from mentorsim.programs import Rows
from mentorsim.schema.mechanics import Relationships as RelationshipMechanics
from mentorsim.schema.tables import END_REASONS, WEEKS_PER_MONTH
from mentorsim.schema.workforce import reslot

if TYPE_CHECKING:
    from mentorsim.engine.sites import Sites
    from mentorsim.programs import Format
    from mentorsim.schema.workforce import People

NEVER = 1 << 30
MENTOR_GONE = {"mentor_left": "mentor_left", "burnout": "mentor_stepped_back"}  # a mentee's event, by end reason


class Relationships:
    """Struct of arrays over relationship rows (of every site of a batch), and their lifecycle.

    ``site`` is the replication a row belongs to and ``local`` its position among that
    site's rows: a row's random draws are keyed by (site, local), never by the batch."""

    FIELDS = {
        "mentee": np.int64,
        "mentor": np.int64,
        "group": np.int64,
        "seat": np.int64,
        "dim": np.int64,
        "start": np.int64,
        "end": np.int64,
        "reason": np.int64,
        "held": np.int64,
        "scheduled": np.int64,
        "cadence": np.float64,
        "next_due": np.float64,
        "last_held": np.float64,
        "quality": np.float64,
        "fit": np.float64,
        "ceiling": np.float64,
        "term_end": np.int64,
        "active": np.bool_,
        "site": np.int64,
        "local": np.int64,
    }
    PER_SLOT = (("rows_as_mentee", 0), ("rows_as_mentor", 0), ("prev_mentor", -1), ("rematched", False), ("load", 0.0))

    mentee: np.ndarray
    mentor: np.ndarray
    group: np.ndarray
    seat: np.ndarray
    dim: np.ndarray
    start: np.ndarray
    end: np.ndarray
    reason: np.ndarray
    held: np.ndarray
    scheduled: np.ndarray
    cadence: np.ndarray
    next_due: np.ndarray
    last_held: np.ndarray
    quality: np.ndarray
    fit: np.ndarray
    ceiling: np.ndarray
    term_end: np.ndarray
    active: np.ndarray
    site: np.ndarray
    local: np.ndarray

    def __init__(
        self,
        people: People,
        sites: Sites,
        fmt: Format,
        changes: Changes,
        session_hours: float,
        prep_hours: float,
        log: Callable[..., None] | None,
        cap: int = 256,
        mechanics: RelationshipMechanics | None = None,
        capacity_hours: float = 1.0,
    ):
        self.p, self.sites, self.fmt, self.changes = people, sites, fmt, changes
        self.capacity_hours = capacity_hours  # the program's hours a month a mentor gives before overload
        self.mx = mechanics if mechanics is not None else RelationshipMechanics()
        self.session_hours, self.prep_hours, self.log = session_hours, prep_hours, log
        R = sites.R
        self.n = 0
        self.cap = 0
        self.per_site = np.zeros(R, dtype=np.int64)
        self._grow(cap)
        n = people.cap
        self.rows_as_mentee = np.zeros(n, dtype=np.int64)  # active relationship rows per person
        self.rows_as_mentor = np.zeros(n, dtype=np.int64)
        self.prev_mentor = -np.ones(n, dtype=np.int64)  # a rematch goes to someone new
        self.rematched = np.zeros(n, dtype=bool)
        self.load: np.ndarray = np.zeros(n)  # mentor hours a month
        self.n_groups = 0
        self.n_active = np.zeros(R, dtype=np.int64)  # active rows, per site
        self.n_mentors = np.zeros(R, dtype=np.int64)  # people with an active row as mentor, per site
        self.mean_load = np.zeros(R)
        self.mentors = np.empty(0, dtype=np.int64)  # slots with an active row as mentor
        self.ai = np.empty(0, dtype=np.int64)  # active rows
        self.soonest = np.inf  # the week the next session falls due
        self.version = 0  # counts refreshes of the derived data
        self.group_size = np.zeros(0, dtype=np.int64)  # active rows per group (group sessions)
        self.rank = np.zeros(0, dtype=np.int64)  # a row's place in its group's hot-seat rotation
        self._next_term_end = NEVER

    def _grow(self, cap: int) -> None:
        for f, dt in self.FIELDS.items():
            new: np.ndarray = np.zeros(cap, dtype=dt)
            old = getattr(self, f, None)
            if old is not None:
                new[: self.n] = old[: self.n]
            setattr(self, f, new)
        self.cap = cap

    def reslot(self, old: int, C: int) -> None:
        """People were re-laid from blocks of ``old`` slots to ``C``: renumber what the store holds."""
        R = self.sites.R
        for name, fill in self.PER_SLOT:
            setattr(self, name, reslot(getattr(self, name), R, old, C, fill))
        remap = self.sites.remap
        self.prev_mentor = remap(self.prev_mentor, old, C)
        k = self.n
        self.mentee[:k] = remap(self.mentee[:k], old, C)
        self.mentor[:k] = remap(self.mentor[:k], old, C)
        self.mentors = remap(self.mentors, old, C)
        self.changes.relationships = True

    def new_groups(self, k: int) -> np.ndarray:
        """k new group numbers (a circle, a peer pair)."""
        g = np.arange(self.n_groups, self.n_groups + k)
        self.n_groups += k
        return g

    # ---- starting --------------------------------------------------------------------------
    def add(
        self,
        rows: Rows,
        week: int,
        cadence: float,
        term_end: np.ndarray | int,
        phase: np.ndarray,
        quality: np.ndarray,
        ceiling: np.ndarray,
        site: int = 0,
    ) -> np.ndarray:
        """Store new rows of one site and count them in; returns their row numbers."""
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
        fresh = rows.mentor[self.rows_as_mentor[rows.mentor] == 0]
        if len(fresh):
            self.n_mentors[site] += len(np.unique(fresh)) if len(fresh) > 1 else 1
        np.add.at(self.rows_as_mentee, rows.mentee, 1)
        np.add.at(self.rows_as_mentor, rows.mentor, 1)
        self.n_active[site] += len(rows)
        self._next_term_end = min(self._next_term_end, int(np.min(term_end)))
        self.changes.relationships = True
        p = self.p
        p.was_waiting[rows.mentee] = False
        p.mentoring[rows.mentor] = True
        p.ever_mentor[rows.mentor] = True
        p.ever_mentee[rows.mentee] = True
        return i

    # ---- ending ----------------------------------------------------------------------------
    def end_terms(self, week: int) -> None:
        """Close the rows whose term ran out by ``week``."""
        if self.n == 0 or week < self._next_term_end:
            return
        act = self.active[: self.n]
        ended = np.flatnonzero(act & (self.term_end[: self.n] <= week))
        if len(ended):
            self.close(ended, week, "term")
        rest = self.term_end[: self.n][self.active[: self.n]]
        self._next_term_end = int(rest.min()) if rest.size else NEVER

    def ending(self, rows: np.ndarray) -> np.ndarray:
        """The active rows among ``rows`` and the rows that end with them (a pair's mirrored row)."""
        rows = rows[self.active[rows]]
        if self.fmt.pair_sessions and len(rows):  # a pair is two mirrored rows: they end together
            act = self.active[: self.n].nonzero()[0]
            rows = np.union1d(rows, act[np.isin(self.group[act], self.group[rows])])
        return rows

    def close(self, rows: np.ndarray, week: int, reason: str) -> None:
        """End relationship rows (and those that end with them); mentees with no active row left
        wait (rematch once) or graduate."""
        p = self.p
        rows = self.ending(rows)
        if len(rows) == 0:
            return
        self.active[rows] = False
        self.end[rows] = week
        self.reason[rows] = END_REASONS.index(reason)
        self.changes.relationships = True
        site = self.site[rows]
        self.changes.match_due[site] = True
        e, m = self.mentee[rows], self.mentor[rows]
        self.prev_mentor[e] = m
        np.subtract.at(self.rows_as_mentee, e, 1)
        np.subtract.at(self.rows_as_mentor, m, 1)
        self.n_active -= self.sites.per_site(site)
        lone = self.rows_as_mentee[e] == 0  # the mentee has no relationship left (may repeat a mentee)
        alone = e[lone]
        if reason == "term":
            p.enrolled[alone] = False
            if self.log is not None:
                self.log(np.unique(alone), "graduated")
        else:
            again = ~self.rematched[alone] & p.employed[alone]
            p.was_waiting[alone[again]] = True
            p.waiting_since[alone[again]] = week
            self.rematched[alone[again]] = True
            p.enrolled[alone[~again]] = False
            early = lone & (week - self.start[rows] < self.mx.early_end_weeks)
            hurt = e[early]  # Grossman & Rhodes 2002: early endings hurt
            p.engagement[hurt] = np.maximum(p.engagement[hurt] - self.mx.early_end_engagement_loss, 0.0)
        idle = m[self.rows_as_mentor[m] == 0]
        if len(idle):
            p.mentoring[idle] = False
            self.n_mentors -= self.sites.count_people(np.unique(idle))

    def end_rows_of(self, who: np.ndarray, week: int, reason: str, side: str) -> None:
        """Close every active row where one of ``who`` is the mentor (or the mentee)."""
        if self.n == 0 or len(who) == 0:
            return
        count = self.rows_as_mentor if side == "mentor" else self.rows_as_mentee
        who = who[count[who] > 0]
        if len(who) == 0:
            return
        col = self.mentor if side == "mentor" else self.mentee
        act = np.flatnonzero(self.active[: self.n])
        rows = act[np.isin(col[act], who)]
        if len(rows):
            if side == "mentor" and self.log is not None:  # the mentees learn why their relationship ended
                self.log(self.mentee[rows], MENTOR_GONE.get(reason, "mentor_left"), other=self.mentor[rows])
            self.close(rows, week, reason)

    # ---- what depends on the active rows ------------------------------------------------------
    def refresh(self) -> None:
        """Recompute what depends only on the set of active relationships (after any change)."""
        p = self.p
        self.changes.relationships = False
        ai = np.flatnonzero(self.active[: self.n])
        self.ai = ai
        group = self.fmt.group_sessions and len(ai) > 0
        if group:
            self.group_size = np.bincount(self.group[ai], minlength=self.n_groups)
            # hot-seat order among the members still in each group (seats of leavers are skipped)
            order = np.lexsort((self.seat[ai], self.group[ai]))
            g = self.group[ai][order]
            starts = np.r_[0, (np.diff(g) != 0).nonzero()[0] + 1]
            first = np.repeat(starts, np.diff(np.r_[starts, len(g)]))
            self.rank = np.zeros(self.cap, dtype=np.int64)
            self.rank[ai[order]] = np.arange(len(ai)) - first
        # mentor load (hours per month) from cadence x session (+ prep) x mentees; a group shares a session
        per_row = (self.session_hours + self.prep_hours) * WEEKS_PER_MONTH / self.cadence[ai]
        if group:
            per_row = per_row / self.group_size[self.group[ai]]
        self.load = np.bincount(self.mentor[ai], weights=per_row, minlength=p.cap)
        self.mentors = np.flatnonzero(self.rows_as_mentor[: p.n] > 0)
        self.soonest = self.next_due_of(ai)
        self.changes.counts = True
        self.version += 1
        if self.mentors.size:
            sm = self.sites.site_of(self.mentors)
            ml = self.load[self.mentors]
            self.mean_load = self.sites.sum_by_site(sm, ml) / np.maximum(self.sites.per_site(sm), 1)
        else:
            self.mean_load = np.zeros(self.sites.R)

    def overload(self, mentors: np.ndarray) -> np.ndarray:
        """Each mentor's load over what they can give: the program's hours times their own capacity."""
        return self.load[mentors] / (self.capacity_hours * self.p.capacity[mentors])

    def next_due_of(self, ai: np.ndarray) -> float:
        return float(self.next_due[ai].min()) if len(ai) else np.inf

    def capacity_used(self, mentors: np.ndarray) -> np.ndarray:
        """How much of each mentor's capacity is taken: active rows, or groups for group sessions."""
        if not self.fmt.group_sessions:
            return self.rows_as_mentor[mentors]
        a = self.active[: self.n]  # a facilitator's capacity counts groups
        g = self.group[: self.n][a]
        m = self.mentor[: self.n][a]
        _, first = np.unique(g, return_index=True)
        return np.bincount(m[first], minlength=self.p.n)[mentors]

    def board(self, mentees: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For sorted mentees: the mentor in each seat of their board (one per skill, -1 = open) and
        the week their board's term ends (0 if they have no active row)."""
        seats = -np.ones((len(mentees), 3), dtype=np.int64)
        end = np.zeros(len(mentees), dtype=np.int64)
        act = np.flatnonzero(self.active[: self.n])
        rows = act[np.isin(self.mentee[act], mentees)]
        if len(rows):
            pos = np.searchsorted(mentees, self.mentee[rows])
            seats[pos, self.dim[rows]] = self.mentor[rows]
            np.maximum.at(end, pos, self.term_end[rows])
        return seats, end

    def rows_of_site(self, s: int) -> np.ndarray:
        k = self.n
        return np.arange(k) if self.sites.R == 1 else np.flatnonzero(self.site[:k] == s)
