"""Micro-mentor boards: three mentors, one per skill dimension.

Shorter sessions with each (more total mentor hours), less scheduling friction,
and the relationship survives one mentor leaving. Effect sizes are assumptions.
"""

import numpy as np

from .base import Format, Rows


class MicroBoard(Format):
    name = "micro_board"
    code = 5
    rows_per_mentee = 3

    def form(self, ctx, waiting, mentors, free):
        from .matching import match_one_to_one

        parts, free = [], free.copy()
        for d in range(3):
            rows = match_one_to_one(ctx, waiting, mentors, free, dims=np.full(len(waiting), d),
                                    rule=self.pair_rule, exclude=parts)
            if len(rows) == 0:
                continue
            parts.append(rows)
            used = np.bincount(np.searchsorted(mentors, rows.mentor), minlength=len(mentors))
            free = free - used
        if not parts:
            return Rows.empty()
        cat = {f: np.concatenate([getattr(p, f) for p in parts]) for f in Rows.__dataclass_fields__}
        return Rows(**cat)
