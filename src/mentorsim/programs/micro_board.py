"""Micro-mentor boards: three mentors, one per skill dimension.

Shorter sessions with each (more total mentor hours), less scheduling friction,
and the board survives one mentor leaving: a seat left open (too few mentors were
free when the board formed, or a mentor left or the pair sunset) is filled at a later
matching window, with a mentor not already on the board, and ends with the board.
Seats go to the mentees with the fewest mentors first, goal skill first.
Effect sizes are assumptions.
"""

import numpy as np

from mentorsim.programs.base import Format, Rows


class MicroBoard(Format):
    """Three mentors a mentee, one per skill: three rows per mentee, seats filled in rounds."""

    name = "micro_board"
    label = "Micro-board (3 mentors)"
    words = "micro-board mentoring"
    rows_per_mentee = 3

    def form(self, ctx, waiting, mentors, free):
        """Fill the mentees' open seats, never seating a mentor twice on a board.

        ``waiting`` holds new mentees and mentees whose board is short (too few mentors were free
        when it formed, or a mentor left): ``ctx.board`` gives the mentors already seated. Seats
        go in rounds, fewest mentors first: every mentee gets a first mentor before any board
        gets a second, and so on. Each mentee's seats fill in the order goal skill, then the
        others; a seat's mentor is matched on that skill."""
        from mentorsim.programs.matching import _rows, match_one_to_one

        seats = ctx.board(waiting)[0]
        seated = [
            _rows(waiting[has], seats[has, d], np.full(int(has.sum()), d), np.zeros(int(has.sum())))
            for d, has in ((d, seats[:, d] >= 0) for d in range(3))
        ]
        seated = [r for r in seated if len(r)]
        goal = ctx.goal_dim[waiting]
        order = np.stack([goal, (goal + 1) % 3, (goal + 2) % 3], axis=1)  # each mentee's seat order
        parts, free = [], free.copy()
        for k in range(3):
            filled = (seats >= 0).sum(axis=1)
            turn = np.flatnonzero(filled == k)
            if len(turn) == 0:
                continue
            open_ = seats[turn[:, None], order[turn]] < 0
            dims = order[turn, np.argmax(open_, axis=1)]  # the first open seat in the mentee's order
            rows = match_one_to_one(
                ctx, waiting[turn], mentors, free, dims=dims, rule=self.pair_rule, exclude=seated + parts
            )
            if len(rows) == 0:
                continue
            parts.append(rows)
            seats[np.searchsorted(waiting, rows.mentee), rows.dim] = rows.mentor
            used = np.bincount(np.searchsorted(mentors, rows.mentor), minlength=len(mentors))
            free = free - used
        if not parts:
            return Rows.empty()
        cat = {f: np.concatenate([getattr(p, f) for p in parts]) for f in Rows.__dataclass_fields__}
        return Rows(**cat)
