"""People as arrays: levels, skills, engagement, tenure, traits, quit hazards and hiring.

A person lives in a slot; slots 0..size-1 hold the starting workforce and hires
take the next free slots in order. Several replications can share the arrays, one
block of slots each, so one weekly array operation serves them all. A slot's latent traits (ambition, style,
persona draw, skill noise) come from the ``traits`` stream indexed by slot, so
two scenarios with the same seed hold the same starting people and give their
k-th hire the same traits.
"""

from __future__ import annotations

import numpy as np

from mentorsim.rng import Streams
from mentorsim.schema.scenario import Scenario
from mentorsim.schema.traits import (
    ESTABLISHED,
    MAX_TENURE_WEEKS,
    N_LEVELS,
    PERSONA_GOAL_DIM,
    PIVOTER,
    Traits,
    skill_mean,
    skill_requirement,
)
from mentorsim.schema.world import InformalDraws, draw_world, group_tables, informal_gains


def reslot(a: np.ndarray, sites: int, old: int, new: int, fill) -> np.ndarray:
    """A per-slot array laid out in ``sites`` blocks of ``old`` slots, re-laid in blocks of ``new`` slots."""
    out = np.full((sites, new) + a.shape[1:], fill, dtype=a.dtype)
    out[:, :old] = a[: sites * old].reshape((sites, old) + a.shape[1:])
    return out.reshape((sites * new,) + a.shape[1:])


class People:
    """Struct of arrays over person slots of one or more replications (sites).

    Site s owns slots ``s * C .. s * C + C - 1`` (C = ``site_cap``); its ``used[s]``
    first slots hold its starting workforce then its hires, in order. ``n`` is one past
    the last slot in use, so ``[:n]`` covers every slot in use (with one site: exactly them).
    Slots not yet in use are never employed; a hire resets whatever drift touched them.
    """

    # one array per field over every slot (float, int and bool fields below; skills is slots x 3)
    engagement: np.ndarray
    eng_base: np.ndarray
    capacity: np.ndarray  # what each person can give as a mentor, x the program's hours (mean 1)
    ambition: np.ndarray
    style: np.ndarray
    goal_progress: np.ndarray
    goal_rate: np.ndarray
    burnout: np.ndarray
    hazard_mult: np.ndarray
    level: np.ndarray
    start_level: np.ndarray
    persona: np.ndarray
    goal_dim: np.ndarray
    hired_week: np.ndarray
    level_since: np.ndarray
    last_promo: np.ndarray
    promotions: np.ndarray
    meetings_held: np.ndarray
    left_week: np.ndarray
    role: np.ndarray
    moved_week: np.ndarray
    goal_week: np.ndarray
    first_promo: np.ndarray
    waiting_since: np.ndarray  # the week an enrolled mentee began waiting for a match
    employed: np.ndarray
    initial: np.ndarray
    sponsored: np.ndarray
    moved: np.ndarray
    goal_attained: np.ndarray
    enrolled: np.ndarray
    mentoring: np.ndarray
    burned_out: np.ndarray
    ever_mentee: np.ndarray
    ever_mentor: np.ndarray
    was_waiting: np.ndarray
    skills: np.ndarray
    group: np.ndarray  # index into workforce.groups
    informal: np.ndarray  # has an informal mentor now
    ever_informal: np.ndarray  # had one at some point of the run
    informal_when_enrolled: np.ndarray  # had one when they (last) enrolled as a formal mentee
    informal_on_joining: np.ndarray  # had one at week 0 (the starting workforce) or when hired
    informal_end: np.ndarray  # the week the current informal relationship ends (-1: none)
    informal_spell: np.ndarray  # how many informal relationships the slot has ended (keys its draws)
    informal_acc: np.ndarray  # hazard of starting one accumulated since the last ended
    informal_thr: np.ndarray  # the Exp(1) threshold that accumulated hazard must reach
    informal_gain: np.ndarray  # engagement an informal relationship adds each week (0: none)
    informal_rate: np.ndarray  # weekly hazard of starting one, as last set
    informal_since: np.ndarray  # the week informal_acc is accumulated to
    informal_next: np.ndarray  # the week the accumulated hazard reaches the threshold (-1: not set)

    def __init__(self, sc: Scenario, streams: Streams | list[Streams], site_cap: int | None = None):
        wf = self.wf = sc.workforce
        self.sc = sc
        streams = [streams] if isinstance(streams, Streams) else list(streams)
        self.R = len(streams)
        size = wf.size
        C = site_cap or int(size * (1.0 + 0.45 * sc.horizon_weeks / 52.0)) + 64
        C = max(C, size)
        self.mp = sc.mechanics.people
        self.traits = Traits(streams, C, wf.self_goal_progress_per_week, wf.persona_shares, self.mp)
        self.C = 0
        self.used = np.zeros(self.R, dtype=np.int64)
        self.regrow(C)
        self._tenure_factor = self._tenure_table()
        self._level_mult = np.array((1.0,) + tuple(wf.level_hazard_multipliers))
        self._group_cum, self._informal_chance = group_tables(wf.groups, wf.informal_mentoring, wf.level_shares)
        self.informal_world = InformalDraws(
            wf.informal_mentoring, streams, self, informal_gains(sc)[0], wf.engagement_reversion_per_week
        )
        self._start()

    @property
    def n(self) -> int:
        return int((self.R - 1) * self.C + self.used[-1])

    @property
    def cap(self) -> int:
        return self.R * self.C

    # ---- storage ------------------------------------------------------------------------
    _FLOAT = (
        "engagement",
        "eng_base",
        "ambition",
        "style",
        "goal_progress",
        "goal_rate",
        "burnout",
        "hazard_mult",
        "capacity",
        "informal_acc",
        "informal_thr",
        "informal_gain",
        "informal_rate",
    )
    _INT = (
        "level",
        "start_level",
        "persona",
        "goal_dim",
        "hired_week",
        "level_since",
        "last_promo",
        "promotions",
        "meetings_held",
        "left_week",
        "role",
        "moved_week",
        "goal_week",
        "first_promo",
        "waiting_since",
        "group",
        "informal_end",
        "informal_spell",
        "informal_since",
        "informal_next",
    )
    _BOOL = (
        "employed",
        "initial",
        "sponsored",
        "moved",
        "goal_attained",
        "enrolled",
        "mentoring",
        "burned_out",
        "ever_mentee",
        "ever_mentor",
        "was_waiting",
        "informal",
        "ever_informal",
        "informal_when_enrolled",
        "informal_on_joining",
    )
    _FILL = {
        "left_week": -1,
        "moved_week": -1,
        "goal_week": -1,
        "first_promo": -1,
        "last_promo": -10_000,
        "informal_end": -1,
        "informal_next": -1,
        "informal_thr": np.inf,
    }

    def regrow(self, C: int) -> None:
        """Give every site C slots (first call: allocate; later: re-lay the blocks)."""
        old, R = self.C, self.R
        for group, dt in ((self._FLOAT, np.float64), (self._INT, np.int64), (self._BOOL, np.bool_)):
            for f in group:
                fill = self._FILL.get(f, 0)
                cur = getattr(self, f, None)
                setattr(self, f, np.full(R * C, fill, dtype=dt) if cur is None else reslot(cur, R, old, C, fill))
        cur = getattr(self, "skills", None)
        self.skills = np.zeros((R * C, 3)) if cur is None else reslot(cur, R, old, C, 0.0)
        self.C = C
        self.traits.grow(C)
        t = self.traits  # traits that do not depend on when or at which level someone joins
        self.ambition[:], self.style[:] = t.data["ambition"], t.data["style"]
        self.eng_base[:], self.goal_rate[:], self.capacity[:] = t.eng_base, t.goal_rate, t.mentor_capacity

    def site_of(self, slots: np.ndarray) -> np.ndarray:
        return slots // self.C

    # ---- creating people ----------------------------------------------------------------
    def _tenure_table(self) -> np.ndarray:
        wf = self.sc.workforce
        t = np.arange(MAX_TENURE_WEEKS + 1, dtype=float)
        return wf.base_weekly_quit_hazard * (
            1.0 + wf.first_year_hazard_multiplier * np.exp(-t / wf.first_year_hazard_decay_weeks)
        )

    def _steady_state_tenure(self, u: np.ndarray) -> np.ndarray:
        """Tenure (weeks) drawn from the steady state of the baseline quit hazard: density ~ survival."""
        h = self._tenure_factor
        surv = np.exp(-np.concatenate([[0.0], np.cumsum(h)[:-1]]))
        cdf = np.cumsum(surv)
        cdf /= cdf[-1]
        return np.searchsorted(cdf, u).astype(np.int64) + 1  # at least one week in post

    def _start(self) -> None:
        """The starting workforce of every site: slots 0..size-1 of each block, at week 0."""
        wf = self.sc.workforce
        size = wf.size
        if size <= 0:
            return
        idx = (np.arange(self.R)[:, None] * self.C + np.arange(size)[None, :]).ravel()
        tr = self.traits.data
        cum = np.cumsum(wf.level_shares)
        levels = np.minimum(np.searchsorted(cum / cum[-1], tr["level_u"][idx], side="right") + 1, N_LEVELS)
        tenure = self._steady_state_tenure(tr["tenure_u"][idx])
        levels = np.asarray(levels, dtype=np.int64)
        persona = self.traits.persona_by_level[levels, idx]
        skills = self.traits.skill_noise[idx] + skill_mean(levels, self.mp)[:, None]
        skills += (
            self.mp.tenure_skill_growth * tr["goal_u"][idx, None]
        )  # people in post have grown towards their next level
        np.clip(skills, 0.0, 1.0, out=skills)
        goal_dim = np.where(persona == ESTABLISHED, np.argmin(skills, axis=1), PERSONA_GOAL_DIM[persona])
        self.level[idx] = levels
        self.start_level[idx] = levels
        self._join_world(idx, levels, 0)
        self.persona[idx] = persona
        self.goal_dim[idx] = goal_dim
        self.skills[idx] = skills
        self.engagement[idx] = self.eng_base[idx]
        self.goal_progress[idx] = self.mp.initial_goal_progress * tr["goal_u"][idx]
        self.level_since[idx] = -(tenure * tr["goal_u"][idx]).astype(np.int64)
        self.hired_week[idx] = -tenure
        self.employed[idx] = True
        self.initial[idx] = True
        self.used[:] = size
        self.update_hazard_mult(idx)

    def _join_world(self, idx: np.ndarray, levels: np.ndarray, week: int) -> None:
        """Group and informal mentor of people joining at ``levels`` in ``week``, from the slots' own world
        draws: someone joins with an informal mentor with the steady-state chance of their level and group."""
        d = self.traits.data
        self.group[idx], self.informal[idx] = draw_world(
            self._group_cum, self._informal_chance, levels, d["group_u"][idx], d["informal_u"][idx]
        )
        self.informal_world.joined(idx, week)

    def update_hazard_mult(self, idx: np.ndarray) -> None:
        """The part of the quit hazard that changes only with level, persona and internal moves."""
        m = self._level_mult[self.level[idx]]
        piv = (self.persona[idx] == PIVOTER) & ~self.moved[idx]
        self.hazard_mult[idx] = np.where(piv, m * self.sc.workforce.pivoter_hazard_multiplier, m)

    def hire(self, week: int, due: np.ndarray) -> np.ndarray:
        """New hires: ``due[site, level]`` people per site and level take each site's next slots, in
        order of level; their traits were drawn for those slots. The caller makes room first."""
        k = due.sum(axis=1)
        total = int(k.sum())
        if total == 0:
            return np.empty(0, dtype=np.int64)
        levels = np.repeat(np.tile(np.arange(due.shape[1]), self.R), due.ravel())
        first = np.arange(self.R) * self.C + self.used
        idx = np.repeat(first - (np.cumsum(k) - k), k) + np.arange(total)
        assert int((self.used + k).max()) <= self.C, "make room before hiring"
        t = self.traits
        persona = t.persona_by_level[levels, idx]
        skills = t.skill_noise[idx] + t.skill_mean_by_level[levels]
        np.clip(skills, 0.0, 1.0, out=skills)
        self.level[idx] = levels
        self.start_level[idx] = levels
        self._join_world(idx, levels, week)
        self.persona[idx] = persona
        self.goal_dim[idx] = np.where(persona == ESTABLISHED, skills.argmin(axis=1), PERSONA_GOAL_DIM[persona])
        self.skills[idx] = skills
        self.engagement[idx] = self.eng_base[idx]
        self.goal_progress[idx] = 0.0  # an unused slot drifted with everyone else
        self.level_since[idx] = week
        self.hired_week[idx] = week
        self.employed[idx] = True
        self.used += k
        m = self._level_mult[levels]
        self.hazard_mult[idx] = np.where(persona == PIVOTER, m * self.sc.workforce.pivoter_hazard_multiplier, m)
        return idx

    # ---- weekly quantities --------------------------------------------------------------
    def quit_hazard(self, week: int) -> np.ndarray:
        """Weekly quit hazard of every slot in use (meaningful for the employed)."""
        n, wf = self.n, self.sc.workforce
        tenure = week - self.hired_week[:n]
        np.minimum(tenure, MAX_TENURE_WEEKS, out=tenure)
        h = self._tenure_factor[tenure]
        h *= self.hazard_mult[:n]
        x = self.engagement[:n] - self.mp.reference_engagement
        x *= -wf.engagement_hazard_slope
        np.exp(x, out=x)
        h *= x
        return h

    def readiness(self, idx: np.ndarray) -> np.ndarray:
        """Mean skill above the requirement of the current level (0 = just ready)."""
        return self.skills[idx].mean(axis=1) - skill_requirement(self.level[idx], self.mp)
