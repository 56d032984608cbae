"""Latent traits of every person slot (ambition, style, persona, skill noise), drawn once per replication, and personas by level."""

from __future__ import annotations

import numpy as np

from mentorsim.rng import Streams
from mentorsim.schema.mechanics import People as PeopleMechanics

N_LEVELS = 5
# persona codes
EARLY, FTM, PIVOTER, ESTABLISHED = 0, 1, 2, 3
PERSONA_NAMES = np.array(["early_career", "first_time_manager", "career_pivoter", "established"], dtype=object)
# levels at which a persona can be found (1-based)
PERSONA_LEVELS = {EARLY: (1, 2), FTM: (2, 3), PIVOTER: (1, 2, 3, 4, 5), ESTABLISHED: (1, 2, 3, 4, 5)}
# goal skill dimension by persona; established people work on their weakest skill
PERSONA_GOAL_DIM = np.array([0, 1, 2, -1])
MAX_TENURE_WEEKS = 2080


def skill_mean(level: np.ndarray | int, mp: PeopleMechanics) -> np.ndarray:
    """Typical skill of someone at a level (1..5): 0.30 at level 1 up to 0.90 at level 5 by default
    (``mechanics.people``, assumptions)."""
    return mp.skill_base + mp.skill_per_level * np.asarray(level)


def skill_requirement(level: np.ndarray | int, mp: PeopleMechanics) -> np.ndarray:
    """Mean skill needed to be ready to move up from a level (assumption)."""
    return mp.skill_base + mp.readiness_offset + mp.skill_per_level * np.asarray(level)


class Traits:
    """Latent traits of every slot, drawn once per replication from its ``traits`` stream.

    Slots are laid out in blocks, one of ``capacity`` slots per replication (site): slot
    ``site * capacity + j`` holds the traits of person slot j of that replication, so the
    layout never changes what a replication's people are like.
    """

    FIELDS = (
        "ambition",
        "style",
        "persona_u",
        "level_u",
        "tenure_u",
        "eng_noise",
        "s0",
        "s1",
        "s2",
        "goal_u",
        "capacity_z",
    )

    def __init__(
        self,
        streams: list[Streams],
        capacity: int,
        goal_rate_base: float,
        persona_shares: tuple[float, ...],
        mechanics: PeopleMechanics | None = None,
    ):
        self.mp = mechanics if mechanics is not None else PeopleMechanics()
        self.goal_rate_base = goal_rate_base
        self.persona_shares = persona_shares
        self._streams = [s["traits"] for s in streams]
        self._world = [s["world"] for s in streams]  # its own stream: groups and informal mentoring
        self.capacity = 0
        self.data: dict[str, np.ndarray] = {}
        self.grow(capacity)

    def grow(self, capacity: int) -> None:
        if capacity <= self.capacity:
            return
        new = {}
        for i, f in enumerate(self.FIELDS):
            normal = f in ("ambition", "eng_noise", "s0", "s1", "s2", "capacity_z")
            parts = []
            for st in self._streams:  # per replication: the first k draws are the same whatever the capacity
                g = st.at(0, i)
                parts.append(g.standard_normal(capacity) if normal else g.random(capacity))
            new[f] = parts[0] if len(parts) == 1 else np.concatenate(parts)
        for i, f in enumerate(("group_u", "informal_u")):
            parts = [st.at(0, i).random(capacity) for st in self._world]
            new[f] = parts[0] if len(parts) == 1 else np.concatenate(parts)
        self.data, self.capacity = new, capacity
        self.persona_by_level = np.stack(
            [
                draw_persona(np.full(len(new["persona_u"]), lvl), new["persona_u"], self.persona_shares)
                for lvl in range(N_LEVELS + 1)
            ]
        )
        mp = self.mp
        self.skill_mean_by_level = np.repeat(skill_mean(np.arange(N_LEVELS + 1), mp)[:, None], 3, axis=1)
        self.skill_noise = np.column_stack([new["s0"], new["s1"], new["s2"]]) * mp.skill_sd
        self.eng_base = np.clip(
            mp.reference_engagement + mp.engagement_ambition * new["ambition"] + mp.engagement_sd * new["eng_noise"],
            0.05,
            0.95,
        )
        self.goal_rate = np.maximum(1.0 + mp.goal_rate_ambition * new["ambition"], 0.0) * self.goal_rate_base
        # what a person can give as a mentor, relative to the program's hours: log-normal, mean 1
        s = mp.mentor_capacity_spread
        self.mentor_capacity = np.exp(s * new["capacity_z"] - 0.5 * s * s)


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
