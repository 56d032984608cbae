"""What changed since a cache was last computed: the flags the processes share.

Processes never call each other; when one changes something another has cached, it sets
a flag here and the owner of the cache recomputes it when it next needs it.
"""

from __future__ import annotations

import numpy as np


class Changes:
    """Staleness flags of a batch (all stale at the start)."""

    def __init__(self, sites: int):
        self.relationships = True  # the set of active rows (or their cadence) changed: derived data is stale
        self.counts = True  # waiting and matched mentee counts are stale
        self.costs = True  # the week's fixed program cost is stale
        self.promotions = True  # someone was promoted: who was recently promoted is stale
        self.match_due = np.ones(sites, dtype=bool)  # per site: something changed since its last matching
