"""Who volunteers: selection on ambition and engagement, site by site (mentees, mentors, sponsors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from mentorsim.engine.simulation import Simulation


def volunteers(sim: Simulation, stream: str, cand: np.ndarray, k: np.ndarray) -> np.ndarray:
    """In each site, the k[site] candidates most inclined to volunteer: selection on ambition and
    engagement plus logistic noise, weighted by the program's selection strength."""
    p = sim.p
    site = sim.sites.site_of(cand)
    keep = k[site] > 0
    cand, site = cand[keep], site[keep]
    if len(cand) == 0:
        return cand
    u = sim.sites.draw_keyed(stream, sim.week, site, cand - site * p.C)[:, 0]
    noise = np.log(u / (1.0 - u) + 1e-300)  # logistic
    mv, ref = sim.mx.volunteering, sim.mx.people.reference_engagement
    z = (
        mv.ambition_weight * p.ambition[cand]
        + (1.0 - mv.ambition_weight) * (p.engagement[cand] - ref) / mv.engagement_scale
    )
    prog = sim.program
    strength = prog.selection_strength if prog.enrolment == "voluntary" else 0.0  # assigned: at random
    score = strength * z + noise
    if stream == "volunteer" and prog.prioritise_without_informal:
        score = score + np.where(p.informal[cand], 0.0, np.inf)  # people with no informal mentor first
    order = np.lexsort((-score, site))  # by site, most inclined first
    first = np.searchsorted(site[order], site[order])  # candidates are in site order
    rank = np.arange(len(order)) - first
    return np.sort(cand[order[rank < k[site[order]]]])


def eligible(sim: Simulation, week: int, elig: np.ndarray) -> np.ndarray:
    """``elig`` narrowed by the program's eligibility rules: tenure at enrolment, groups, informal mentor."""
    p, n, rules = sim.p, sim.p.n, sim.program.eligibility
    if rules.max_tenure_weeks is not None:
        elig = elig & (week - p.hired_week[:n] <= rules.max_tenure_weeks)
    if rules.groups != "all":
        elig = elig & np.isin(sim.group_names[p.group[:n]], list(rules.groups))
    if rules.without_informal_mentor:
        elig = elig & ~p.informal[:n]
    return elig
