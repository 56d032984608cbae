"""+0.62 informal: informal mentoring relationships start and end, and do what they do, in every world.

Each person without an informal mentor starts a relationship at a weekly hazard that keeps their level's
share at ``workforce.informal_mentoring.share_by_level`` (scaled by homophily toward their group's share
of who is actually senior, counted every 26 weeks); a formal mentee takes a start up with chance
1 - substitution_share. A relationship ends at the constant rate 1 / mean_duration_weeks. While it lasts
it adds ``effect_share`` of a default one-on-one relationship's weekly engagement (through the weekly
pull of growth, from the week after it starts) and goal skill.

The cost is in events, not people: each person's hazard is constant between the weeks it is set again
(every 26 weeks, at promotion reviews, when their spell begins), so the week their accumulated hazard
reaches their threshold is known; that week, and the week each relationship ends, are kept in calendars
filed up to the next such week.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mentorsim.engine.process import Process
from mentorsim.schema.world import SENIOR_LEVELS, informal_chance, informal_gains, senior_shares

if TYPE_CHECKING:
    from mentorsim.engine.simulation import Simulation

#: how often who is senior (and so each group's informal mentors) is counted again, and the goal-skill
#: credit of the relationships running is given (26 weeks of it at once), in weeks
REFRESH_WEEKS = 26
LEVELS = 6  # level index 0 (unused) .. 5


def informal_on(sim: Simulation) -> bool:
    """Whether informal mentoring exists in this world at all."""
    return any(s > 0 for s in sim.wf.informal_mentoring.share_by_level)


class Informal(Process):
    """Starts, ends and effects of informal relationships (see the module docstring)."""

    def __init__(self, sim: Simulation):
        super().__init__(sim)
        wf = sim.wf
        im = wf.informal_mentoring
        self.mu, self.take_up = 1.0 / im.mean_duration_weeks, 1.0 - im.substitution_share
        self.im = im
        self.w = np.array([grp.share_by_level for grp in wf.groups], dtype=float)  # each group's share by level
        self.G = len(self.w)
        self.q = np.tile(senior_shares(self.w, wf.level_shares), (sim.R, 1))  # as configured (week 0's draw)
        self.skill = informal_gains(sim.sc)[1] * REFRESH_WEEKS
        cycle = wf.promotion_cycle_weeks
        self.reset_weeks = sorted({w for w in range(1, sim.H + 2) if w % REFRESH_WEEKS == 0 or w % cycle == 0})
        self.cross: dict[int, list[np.ndarray]] = {}
        self.ends: dict[int, list[np.ndarray]] = {}
        self._rates()
        self.until = self._next_reset(0)
        self.joined(0)
        self._file_ends(0)
        sim.p.informal_world.on_gain = self._repull  # from now on, growth's pull follows every change

    # ---- rates ----------------------------------------------------------------------------------
    def _rates(self) -> None:
        """The weekly start hazard by (site, group, level) from each group's senior share ``q``."""
        c = informal_chance(self.im, self.q, self.w)  # (R, G, levels 1..5)
        rate = np.zeros((self.sim.R, self.G, LEVELS))
        rate[:, :, 1:] = self.mu * c / (1.0 - c)
        self.rate = rate.reshape(-1)

    def _rate_of(self, idx: np.ndarray | slice) -> np.ndarray:
        """The start hazard of slots ``idx`` (an index array, or a slice of every slot in use): 0 while they
        have an informal mentor or are not employed."""
        p = self.sim.p
        key = p.group[idx] * LEVELS + p.level[idx]
        if self.sim.R > 1:
            site = idx // p.C if isinstance(idx, np.ndarray) else np.repeat(np.arange(self.sim.R), p.C)[idx]
            key += site * (self.G * LEVELS)
        lam = self.rate[key]
        lam[p.informal[idx] | ~p.employed[idx]] = 0.0
        return lam

    def _next_reset(self, week: int) -> int:
        later = [w for w in self.reset_weeks if w > week]
        return later[0] if later else self.sim.H + 1

    # ---- calendars ------------------------------------------------------------------------------
    @staticmethod
    def _file(cal: dict[int, list[np.ndarray]], idx: np.ndarray, when: np.ndarray) -> None:
        if len(idx) == 0:
            return
        if len(idx) > 1:
            order = np.argsort(when, kind="stable")
            idx, when = idx[order], when[order]
        cuts = (np.flatnonzero(when[1:] != when[:-1]) + 1).tolist()
        for a, b in zip([0, *cuts], [*cuts, len(idx)], strict=True):
            cal.setdefault(int(when[a]), []).append(idx[a:b])

    def _schedule(self, idx: np.ndarray, week: int) -> None:
        """Set the hazard of slots whose spell just began (or changed) and file when it crosses."""
        p = self.sim.p
        lam = self._rate_of(idx)
        p.informal_rate[idx] = lam
        need = p.informal_thr[idx] - p.informal_acc[idx]
        ok = lam > 0
        nxt = np.full(len(idx), -1, dtype=np.int64)
        nxt[ok] = week + np.maximum(np.ceil(need[ok] / lam[ok]), 1.0).astype(np.int64)
        p.informal_next[idx] = nxt
        soon = ok & (nxt <= self.until)
        self._file(self.cross, idx[soon], nxt[soon])

    def _repull(self, idx: np.ndarray) -> None:
        """Growth's weekly engagement pull of these slots includes their informal gain from now on (growth
        builds its pull from every slot's gain the first time it runs, and after slots are re-laid)."""
        repull = getattr(getattr(self.sim, "processes", {}).get("growth"), "repull", None)
        if repull is not None and len(idx):
            repull(idx)

    def _file_soon_ends(self, idx: np.ndarray) -> None:
        """File the relationships among ``idx`` that end by the next reset (later ones are filed then)."""
        end = self.sim.p.informal_end[idx]
        soon = end <= self.until
        self._file(self.ends, idx[soon], end[soon])

    def _file_ends(self, week: int) -> None:
        """File every running relationship that ends after ``week`` and by the next reset."""
        p, n = self.sim.p, self.sim.p.n
        self.ends.clear()
        end = p.informal_end[:n]
        idx = np.flatnonzero((end > week) & (end <= self.until))
        self._file(self.ends, idx, end[idx])

    def joined(self, week: int) -> None:
        """File the relationships of people who joined and schedule the others' first start."""
        draws, p = self.sim.p.informal_world, self.sim.p
        if not draws.pending:
            return
        idx = np.concatenate(draws.pending)
        draws.pending.clear()
        has = p.informal[idx]
        self._schedule(idx[~has], week)
        self._file_soon_ends(idx[has])

    def reslot(self, old: int, C: int) -> None:
        sites, draws = self.sim.sites, self.sim.p.informal_world
        for cal in (self.cross, self.ends):
            for w, parts in cal.items():
                cal[w] = [sites.remap(a, old, C) for a in parts]
        draws.pending = [sites.remap(a, old, C) for a in draws.pending]

    # ---- the week -------------------------------------------------------------------------------
    def __call__(self, week: int) -> None:
        sim = self.sim
        p, draws = sim.p, sim.p.informal_world
        self.joined(week - 1)  # last week's hires
        parts = self.ends.pop(week, None)
        if parts:  # (a leaver's ends too: it changes nothing)
            idx = np.concatenate(parts)
            idx = idx[(p.informal_end[idx] == week) & p.informal[idx]]
            draws.end(idx, week)
            self._schedule(idx, week)
        parts = self.cross.pop(week, None)
        if parts:
            idx = np.concatenate(parts)
            idx = idx[(p.informal_next[idx] == week) & ~p.informal[idx] & p.employed[idx]]
            if sim.fmt.holds_sessions and self.take_up < 1.0:
                formal = p.enrolled[idx]
                declined = formal & (draws.draws(idx, 2) >= self.take_up)
                if declined.any():
                    draws.end(idx[declined], week)
                    self._schedule(idx[declined], week)
                idx = idx[~declined]
            if len(idx):
                draws.start(idx, week)
                self._file_soon_ends(idx)
        if week == self.until:
            self._reset(week)

    def _reset(self, week: int) -> None:
        """Every 26 weeks and at promotion reviews: who is senior is counted again (every 26 weeks), every
        hazard is set again and the calendar of starts is filed anew up to the next such week."""
        sim = self.sim
        p, n = sim.p, sim.p.n
        if week % REFRESH_WEEKS == 0:
            senior = np.flatnonzero(p.employed[:n] & (p.level[:n] >= SENIOR_LEVELS[0]))
            counts = (
                np.bincount(sim.sites.site_of(senior) * self.G + p.group[senior], minlength=sim.R * self.G)
                .reshape(sim.R, self.G)
                .astype(float)
            )
            tot = counts.sum(axis=1, keepdims=True)
            self.q = np.where(tot > 0, counts / np.maximum(tot, 1.0), self.q)
            self._rates()
            held = np.flatnonzero(p.informal[:n] & p.employed[:n])
            d = p.goal_dim[held]
            s = p.skills[held, d]
            p.skills[held, d] = s + self.skill * (1.0 - s)
        acc = p.informal_acc[:n]
        acc += p.informal_rate[:n] * (week - p.informal_since[:n])
        p.informal_since[:n] = week
        self.until = self._next_reset(week)
        self.cross.clear()
        self._file_ends(week)
        lam = self._rate_of(slice(0, n))
        p.informal_rate[:n] = lam
        with np.errstate(divide="ignore", invalid="ignore"):
            wait = np.ceil((p.informal_thr[:n] - acc) / lam)  # inf where lam is 0 or the slot holds one
        soon = np.flatnonzero(wait <= self.until - week)
        nxt = week + np.maximum(wait[soon], 1.0).astype(np.int64)
        nx = p.informal_next[:n]
        nx[:] = -1
        nx[soon] = nxt
        self._file(self.cross, soon, nxt)
