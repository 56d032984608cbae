"""Micro-mentor boards: three mentors, one per skill dimension.

Shorter sessions with each (more total mentor hours), less scheduling friction,
and the board survives one mentor leaving: a seat left open (too few mentors were
free when the board formed, or a mentor left or the pair sunset) is filled at a later
matching window, with a mentor not already on the board, and ends with the board.
Effect sizes are assumptions.
"""

import numpy as np

from .base import Format, Rows


class MicroBoard(Format):
    name = "micro_board"
    code = 5
    rows_per_mentee = 3

    def form(self, ctx, waiting, mentors, free):
        """Fill each mentee's open seats, one skill at a time, never seating a mentor twice on a board.

        ``waiting`` holds new mentees and mentees whose board is short (too few mentors were free
        when it formed, or a mentor left): ``ctx.board`` gives the mentors already seated."""
        from .matching import match_one_to_one

        seats = ctx.board(waiting)[0]
        seated = [self._rows(waiting[seats[:, d] >= 0], seats[seats[:, d] >= 0, d]) for d in range(3)]
        seated = [r for r in seated if len(r)]
        parts, free = [], free.copy()
        for d in range(3):
            open_ = seats[:, d] < 0
            if not open_.any():
                continue
            rows = match_one_to_one(ctx, waiting[open_], mentors, free, dims=np.full(int(open_.sum()), d),
                                    rule=self.pair_rule, exclude=seated + parts)
            if len(rows) == 0:
                continue
            parts.append(rows)
            used = np.bincount(np.searchsorted(mentors, rows.mentor), minlength=len(mentors))
            free = free - used
        if not parts:
            return Rows.empty()
        cat = {f: np.concatenate([getattr(p, f) for p in parts]) for f in Rows.__dataclass_fields__}
        return Rows(**cat)

    @staticmethod
    def _rows(mentee: np.ndarray, mentor: np.ndarray) -> Rows:
        z = np.zeros(len(mentee), dtype=np.int64)
        return Rows(mentee, mentor, z, z, z, np.zeros(len(mentee)))
