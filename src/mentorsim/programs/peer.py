"""Peer mentoring: same-level pairs who mentor each other.

Less expertise, less intimidation and fewer scheduling constraints: better attendance; uses no
senior capacity. A pair is two mirrored rows (each partner mentors the other) that meet together:
a session is held for both or falls through for both, its time is split between the two partners'
goals (``effects.peer.focus_share``), and each partner's time is costed once. No workplace evidence
on its effect (EVIDENCE.md gaps): every number here is an assumption, exposed to sensitivity
analysis, and none gives a peer more per hour than a one-on-one mentee gets.
"""

import numpy as np

from mentorsim.programs.base import Format, Rows


class Peer(Format):
    """Same-level pairs from the mentees themselves: pair sessions, no mentor pool."""

    name = "peer"
    label = "Peer"
    words = "peer mentoring"
    draws_on_mentor_pool = False  # peers come from the mentee pool
    pair_sessions = True
    peer_mentors = True

    def mentor_eligible(self, level, program):
        return level < 0  # peers come from the mentee pool, not a mentor pool

    def capacity_hours(self, program):
        """A peer mentors exactly one partner, so a peer's limit is one mentee's hours."""
        return program.mentor_hours_per_month * 1

    def form(self, ctx, waiting, mentors, free):
        from mentorsim.programs.matching import pair_peers

        a, b = pair_peers(ctx, waiting)
        if len(a) == 0:
            return Rows.empty()
        mentee = np.concatenate([a, b])
        mentor = np.concatenate([b, a])
        fit = ctx.fit(mentee, mentor, ctx.goal_dim[mentee])
        pair = ctx.new_groups(len(a))  # both rows of a pair share a group: they end together
        group = np.concatenate([pair, pair])
        return Rows(mentee, mentor, group, np.zeros_like(group), ctx.goal_dim[mentee], fit)
