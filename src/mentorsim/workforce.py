"""People as arrays: levels, skills, engagement, tenure, traits, quit hazards and hiring.

A person lives in a slot; slots 0..size-1 hold the starting workforce and hires
take the next free slots in order. A slot's latent traits (ambition, style,
persona draw, skill noise) come from the ``traits`` stream indexed by slot, so
two scenarios with the same seed hold the same starting people and give their
k-th hire the same traits.
"""

from __future__ import annotations

import numpy as np

from .rng import Streams
from .scenario import Scenario

N_LEVELS = 5
SKILLS = ("technical", "communication", "strategy")
# persona codes
EARLY, FTM, PIVOTER, ESTABLISHED = 0, 1, 2, 3
PERSONA_NAMES = np.array(["early_career", "first_time_manager", "career_pivoter", "established"], dtype=object)
# levels at which a persona can be found (1-based)
PERSONA_LEVELS = {EARLY: (1, 2), FTM: (2, 3), PIVOTER: (1, 2, 3, 4, 5), ESTABLISHED: (1, 2, 3, 4, 5)}
# goal skill dimension by persona; established people work on their weakest skill
PERSONA_GOAL_DIM = np.array([0, 1, 2, -1])
REFERENCE_ENGAGEMENT = 0.6
RECENT_PROMOTION_WEEKS = 26
MAX_TENURE_WEEKS = 2080


def skill_mean(level: np.ndarray | int) -> np.ndarray | float:
    """Typical skill of someone at a level (1..5): 0.30 at level 1 up to 0.90 at level 5 (assumption)."""
    return 0.15 + 0.15 * np.asarray(level)


def skill_requirement(level: np.ndarray | int) -> np.ndarray | float:
    """Mean skill needed to be ready to move up from a level (assumption)."""
    return 0.25 + 0.15 * np.asarray(level)


class Traits:
    """Latent traits of every slot, drawn once per replication from the ``traits`` stream."""

    FIELDS = ("ambition", "style", "persona_u", "level_u", "tenure_u", "eng_noise", "s0", "s1", "s2", "goal_u")

    def __init__(self, streams: Streams, capacity: int, goal_rate_base: float, persona_shares: tuple[float, ...]):
        self.goal_rate_base = goal_rate_base
        self.persona_shares = persona_shares
        self._stream = streams["traits"]
        self.capacity = 0
        self.data: dict[str, np.ndarray] = {}
        self.grow(capacity)

    def grow(self, capacity: int) -> None:
        if capacity <= self.capacity:
            return
        new = {}
        for i, f in enumerate(self.FIELDS):
            g = self._stream.at(0, i)
            normal = f in ("ambition", "eng_noise", "s0", "s1", "s2")
            new[f] = g.standard_normal(capacity) if normal else g.random(capacity)
        self.data, self.capacity = new, capacity
        self.persona_by_level = np.stack([draw_persona(np.full(capacity, lvl), new["persona_u"], self.persona_shares)
                                          for lvl in range(N_LEVELS + 1)])
        self.skill_mean_by_level = np.repeat(skill_mean(np.arange(N_LEVELS + 1))[:, None], 3, axis=1)
        self.skill_noise = np.column_stack([new["s0"], new["s1"], new["s2"]]) * 0.08
        self.eng_base = np.clip(REFERENCE_ENGAGEMENT + 0.07 * new["ambition"] + 0.06 * new["eng_noise"], 0.05, 0.95)
        self.goal_rate = np.maximum(1.0 + 0.3 * new["ambition"], 0.0) * self.goal_rate_base


class People:
    """Struct of arrays over person slots; ``n`` slots are in use."""

    def __init__(self, sc: Scenario, streams: Streams):
        wf = sc.workforce
        self.sc = sc
        size = wf.size
        cap = int(size * (1.0 + 0.45 * sc.horizon_weeks / 52.0)) + 64
        self.traits = Traits(streams, cap, wf.self_goal_progress_per_week, wf.persona_shares)
        self.cap = 0
        self.n = 0
        self._alloc(cap)
        self._tenure_factor = self._tenure_table()
        self._level_mult = np.array((1.0,) + tuple(wf.level_hazard_multipliers))
        self._add(size, week=0, levels=None)

    # ---- storage ------------------------------------------------------------------------
    _FLOAT = ("engagement", "eng_base", "ambition", "style", "goal_progress", "goal_rate", "burnout", "hazard_mult")
    _INT = ("level", "start_level", "persona", "goal_dim", "hired_week", "level_since", "last_promo",
            "promotions", "meetings_held", "left_week", "role", "moved_week", "goal_week", "first_promo")
    _BOOL = ("employed", "initial", "sponsored", "moved", "goal_attained", "enrolled", "mentoring",
             "burned_out", "ever_mentee", "ever_mentor", "was_waiting")

    def _alloc(self, cap: int) -> None:
        old = self.cap
        for f in self._FLOAT:
            self._resize(f, cap, np.float64, 0.0)
        for f in self._INT:
            fill = -1 if f in ("left_week", "moved_week", "goal_week", "first_promo") else -10_000 if f == "last_promo" else 0
            self._resize(f, cap, np.int64, fill)
        for f in self._BOOL:
            self._resize(f, cap, np.bool_, False)
        self._resize("skills", cap, np.float64, 0.0, shape=(cap, 3))
        self.cap = cap
        self.traits.grow(cap)
        t = self.traits  # traits that do not depend on when or at which level someone joins
        for f, v in (("ambition", t.data["ambition"]), ("style", t.data["style"]), ("eng_base", t.eng_base),
                     ("goal_rate", t.goal_rate)):
            getattr(self, f)[old:cap] = v[old:cap]

    def _resize(self, name: str, cap: int, dtype, fill, shape=None) -> None:
        new = np.full(shape or cap, fill, dtype=dtype)
        cur = getattr(self, name, None)
        if cur is not None:
            new[: len(cur)] = cur
        setattr(self, name, new)

    # ---- creating people ----------------------------------------------------------------
    def _tenure_table(self) -> np.ndarray:
        wf = self.sc.workforce
        t = np.arange(MAX_TENURE_WEEKS + 1, dtype=float)
        return wf.base_weekly_quit_hazard * (1.0 + wf.first_year_hazard_multiplier * np.exp(-t / wf.first_year_hazard_decay_weeks))

    def _steady_state_tenure(self, u: np.ndarray) -> np.ndarray:
        """Tenure (weeks) drawn from the steady state of the baseline quit hazard: density ~ survival."""
        h = self._tenure_factor
        surv = np.exp(-np.concatenate([[0.0], np.cumsum(h)[:-1]]))
        cdf = np.cumsum(surv)
        cdf /= cdf[-1]
        return np.searchsorted(cdf, u).astype(np.int64) + 1  # at least one week in post

    def _add(self, k: int, week: int, levels: np.ndarray | None) -> np.ndarray:
        """Create k people at this week (levels None: the starting workforce); returns their slots."""
        if k <= 0:
            return np.empty(0, dtype=np.int64)
        if self.n + k > self.cap:
            self._alloc(int((self.n + k) * 1.5) + 64)
        wf = self.sc.workforce
        lo, hi = self.n, self.n + k
        idx = np.arange(lo, hi)
        tr = self.traits.data
        start = levels is None
        if start:
            cum = np.cumsum(wf.level_shares)
            levels = np.minimum(np.searchsorted(cum / cum[-1], tr["level_u"][lo:hi], side="right") + 1, N_LEVELS)
            tenure = self._steady_state_tenure(tr["tenure_u"][lo:hi])
        else:
            tenure = 0
        levels = np.asarray(levels, dtype=np.int64)
        persona = self.traits.persona_by_level[levels, idx]
        skills = self.traits.skill_noise[lo:hi] + skill_mean(levels)[:, None]
        if start:  # people already in post have grown towards their next level for part of their time in it
            skills += 0.1 * tr["goal_u"][lo:hi, None]
        np.clip(skills, 0.0, 1.0, out=skills)
        goal_dim = np.where(persona == ESTABLISHED, np.argmin(skills, axis=1), PERSONA_GOAL_DIM[persona])
        self.level[lo:hi] = levels
        self.start_level[lo:hi] = levels
        self.persona[lo:hi] = persona
        self.goal_dim[lo:hi] = goal_dim
        self.skills[lo:hi] = skills
        self.engagement[lo:hi] = self.eng_base[lo:hi]
        if start:
            self.goal_progress[lo:hi] = 0.3 * tr["goal_u"][lo:hi]
            self.level_since[lo:hi] = week - (tenure * tr["goal_u"][lo:hi]).astype(np.int64)
        else:
            self.level_since[lo:hi] = week
        self.hired_week[lo:hi] = week - tenure
        self.employed[lo:hi] = True
        self.initial[lo:hi] = start
        self.n = hi
        self.update_hazard_mult(idx)
        return idx

    def update_hazard_mult(self, idx: np.ndarray) -> None:
        """The part of the quit hazard that changes only with level, persona and internal moves."""
        m = self._level_mult[self.level[idx]]
        piv = (self.persona[idx] == PIVOTER) & ~self.moved[idx]
        self.hazard_mult[idx] = np.where(piv, m * self.sc.workforce.pivoter_hazard_multiplier, m)

    def hire(self, week: int, levels: np.ndarray) -> np.ndarray:
        """New hires at these levels take the next slots; their traits were drawn for those slots."""
        k = len(levels)
        if k == 0:
            return np.empty(0, dtype=np.int64)
        if self.n + k > self.cap:
            self._alloc(int((self.n + k) * 1.5) + 64)
        lo, hi = self.n, self.n + k
        idx = np.arange(lo, hi)
        levels = np.sort(levels)
        t = self.traits
        persona = t.persona_by_level[levels, idx]
        skills = t.skill_noise[lo:hi] + t.skill_mean_by_level[levels]
        np.clip(skills, 0.0, 1.0, out=skills)
        self.level[lo:hi] = levels
        self.start_level[lo:hi] = levels
        self.persona[lo:hi] = persona
        self.goal_dim[lo:hi] = np.where(persona == ESTABLISHED, skills.argmin(axis=1), PERSONA_GOAL_DIM[persona])
        self.skills[lo:hi] = skills
        self.engagement[lo:hi] = self.eng_base[lo:hi]
        self.level_since[lo:hi] = week
        self.hired_week[lo:hi] = week
        self.employed[lo:hi] = True
        self.n = hi
        m = self._level_mult[levels]
        self.hazard_mult[lo:hi] = np.where(persona == PIVOTER, m * self.sc.workforce.pivoter_hazard_multiplier, m)
        return idx

    # ---- weekly quantities --------------------------------------------------------------
    def quit_hazard(self, week: int) -> np.ndarray:
        """Weekly quit hazard of every slot in use (meaningful for the employed)."""
        n, wf = self.n, self.sc.workforce
        tenure = week - self.hired_week[:n]
        np.minimum(tenure, MAX_TENURE_WEEKS, out=tenure)
        h = self._tenure_factor[tenure]
        h *= self.hazard_mult[:n]
        x = self.engagement[:n] - REFERENCE_ENGAGEMENT
        x *= -wf.engagement_hazard_slope
        np.exp(x, out=x)
        h *= x
        return h

    def readiness(self, idx: np.ndarray) -> np.ndarray:
        """Mean skill above the requirement of the current level (0 = just ready)."""
        return self.skills[idx].mean(axis=1) - skill_requirement(self.level[idx])


def draw_persona(levels: np.ndarray, u: np.ndarray, shares: tuple[float, ...]) -> np.ndarray:
    """Persona given level: the personas found at that level, weighted by their global shares."""
    out = np.full(len(levels), ESTABLISHED, dtype=np.int64)
    for lvl in range(1, N_LEVELS + 1):
        m = levels == lvl
        if not m.any():
            continue
        w = np.array([shares[p] if lvl in PERSONA_LEVELS[p] else 0.0 for p in range(4)])
        if w.sum() <= 0:
            continue
        cum = np.cumsum(w / w.sum())
        out[m] = np.minimum(np.searchsorted(cum, u[m], side="right"), 3)
    return out
