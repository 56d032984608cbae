"""Packing a batch's state into one ``RepResult`` per replication, in that replication's own ids."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mentorsim.schema.tables import PEOPLE_COLUMNS, RELATIONSHIP_COLUMNS, RepResult

if TYPE_CHECKING:
    from mentorsim.engine.simulation import Simulation


def results_of(sim: Simulation) -> list[RepResult]:
    """One RepResult per replication, with its own person ids (0..) and relationship groups."""
    p, rel = sim.p, sim.rel
    out = []
    senior = sim.senior_by_group  # written every week by the record step
    events = sim.tracer.events_of(sim.R) if sim.tracer is not None else [{} for _ in sim.reps]
    for s, replication in enumerate(sim.reps):
        lo = s * p.C
        sl = slice(lo, lo + int(p.used[s]))
        role = p.ever_mentee[sl].astype(np.int64) + 2 * p.ever_mentor[sl].astype(np.int64)
        people = {"person_id": np.arange(int(p.used[s]), dtype=np.int64)}
        people.update({col: role if f is None else getattr(p, f)[sl].copy() for col, f in PEOPLE_COLUMNS.items()})
        people["group"] = sim.group_names[people["group"]]
        rows = rel.rows_of_site(s)
        rels = {f: getattr(rel, f)[rows] for f in RELATIONSHIP_COLUMNS}
        rels["mentee"] -= lo
        rels["mentor"] -= lo
        g = rels["group"]
        grouped = g >= 0
        if grouped.any():  # number the site's groups 0.. in the order they formed
            g[grouped] = np.unique(g[grouped], return_inverse=True)[1].reshape(-1)
        rels["end"] = np.where(rels["end"] < 0, sim.H + 1, rels["end"])
        ts = sim.ts[s] if sim.R == 1 else sim.ts[s].copy()
        out.append(RepResult(replication, people, ts, rels, events[s], senior_by_group=senior[s].copy()))
    return out
