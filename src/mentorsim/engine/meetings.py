"""+0.20 meetings: relationships due this week schedule a session; held sessions work on the mentee."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mentorsim.engine.process import Process
from mentorsim.schema.tables import TS

if TYPE_CHECKING:
    from mentorsim.engine.simulation import Simulation


class Meetings(Process):
    """Schedules, cancels and holds this week's sessions, and costs the time of those held."""

    def __init__(self, sim: Simulation):
        super().__init__(sim)
        prog, fx = sim.program, sim.fx
        self.gain_unit = prog.skill_gain_per_meeting * fx.expertise
        ses = sim.mx.sessions
        # how prepared mentees come: an assigned mentee did not choose to take part (registered, assumption)
        self.preparation = prog.preparation * (
            sim.mx.volunteering.assigned_preparation if prog.enrolment == "assigned" else 1.0
        )
        # what a session teaches: times 1 at the default preparation (0.5), more when better prepared
        self.taught = 1.0 + ses.preparation_teaching * (self.preparation - 0.5)
        # what a session gives grows with its length (per hour, a format gives what one-on-one gives) and
        # with the share of it spent on the mentee's own goal (a peer pair splits its time)
        self.per_session = (
            sim.session_h * 60.0 / ses.reference_session_minutes
        ) ** ses.length_elasticity * fx.focus_share
        # a mentor's engagement gain from a session, relative to the mentee's (recognition adds to it)
        self.mentor_gain = fx.mentor_engagement * sim.recognition.mentor_engagement_factor

    def __call__(self, week: int) -> None:
        sim = self.sim
        rel, p, prog, fmt, fx, ts = sim.rel, sim.p, sim.program, sim.fmt, sim.fx, sim.ts
        if sim.changes.relationships:  # (terms that ran out ended at +0.15)
            rel.refresh()
        ai = rel.ai
        if len(ai) == 0 or week < rel.soonest:
            return  # no session falls due this week (relationships on one cadence meet in the same slots)
        nd = rel.next_due[ai]
        due = ai[nd <= week]
        rel.scheduled[due] += 1
        rel.next_due[due] += rel.cadence[due]
        rel.soonest = rel.next_due_of(ai)
        if len(due) == 0:
            return
        w = week - 1
        n_c = prog.commitments_per_session
        # draws keyed by (replication, relationship): columns mentor side, mentee side, one per commitment
        site = rel.site[due]
        u = sim.sites.draw_keyed("meeting", week, site, rel.local[due], 3 + n_c)
        e, m = rel.mentee[due], rel.mentor[due]
        ses = sim.mx.sessions
        fric = prog.scheduling_friction * fx.friction
        # a mentor over what they can give cancels a share of the sessions beyond it (smoothly: mentors differ)
        beyond = np.maximum(1.0 - 1.0 / np.maximum(rel.overload(m), 1e-12), 0.0)
        p_cancel = fric + (1.0 - fric) * ses.overload_cancel_share * beyond
        p_miss = (
            ses.no_show_friction_share * fric
            + ses.no_show_engagement_slope * (sim.mx.people.reference_engagement - p.engagement[e])
        ) * fx.no_show
        if fmt.group_sessions or fmt.pair_sessions:
            cancel = self.session_cancelled(due, u[:, 0], p_cancel)
        else:
            cancel = u[:, 0] < p_cancel
        ok = ~cancel & (u[:, 1] >= p_miss)
        if fmt.pair_sessions and not ok.all():  # a pair session is one meeting of both partners: both rows or neither
            ok &= ~np.isin(rel.group[due], rel.group[due[~ok]])
        ts[:, w, TS["meetings_scheduled"]] += sim.sites.per_site(site)
        if not ok.all():
            self.missed(due[~ok], u[~ok, 2], week)
        h = due[ok]
        if len(h) == 0:
            return
        u, e, m, site = u[ok], e[ok], m[ok], site[ok]
        ts[:, w, TS["meetings_held"]] += sim.sites.per_site(site)
        rel.held[h] += 1
        last = rel.last_held[h]
        gap = np.where(np.isnan(last), rel.cadence[h], week - last)
        mom = ses.momentum_floor + (1.0 - ses.momentum_floor) * np.exp(
            -np.maximum(gap - 1.0, 0.0) / prog.momentum_weeks
        )
        rel.last_held[h] = week
        d, fit = rel.dim[h], rel.fit[h]
        focus: float | np.ndarray = 1.0
        if fmt.group_sessions:  # group sessions: the hot seat rotates; the others learn vicariously
            gs = rel.group_size[rel.group[h]]
            hot = (rel.scheduled[h] - 1) % np.maximum(gs, 1) == rel.rank[h]
            focus = np.where(hot, 1.0, fx.vicarious)
        # a session's benefit grows with the relationship's quality (C6) and, what it teaches, with preparation
        qf = (1.0 - ses.quality_weight) + ses.quality_weight * rel.quality[h] / ses.reference_quality
        benefit = mom * qf * self.per_session
        gain = self.gain_unit * self.taught * (ses.fit_floor + fit) * benefit * focus
        s = p.skills[e, d]
        p.skills[e, d] = s + gain * (1.0 - s)
        eg = prog.engagement_gain_per_meeting * benefit
        meg = eg * self.mentor_gain
        if fmt.group_sessions:  # the facilitator gains once per group session
            meg = meg / gs
        unique_mentee = fmt.rows_per_mentee == 1  # a mentee has one row at most
        if unique_mentee:
            p.engagement[e] += eg * fx.engagement
            p.meetings_held[e] += 1
        else:
            np.add.at(p.engagement, e, eg * fx.engagement)
            np.add.at(p.meetings_held, e, 1)
        np.add.at(p.engagement, m, meg)
        np.minimum(p.engagement, 1.0, out=p.engagement)
        # commitments, done between sessions with a chance set by preparation, move the goal
        if n_c:
            g = sim.mx.goals
            p_done = min(
                max(g.commitment_base + g.commitment_preparation * self.preparation + fx.commitment_bonus, 0.0), 1.0
            )
            done = (u[:, 3:] < p_done).sum(axis=1)
            step = done * (prog.goal_progress_per_commitment * (ses.fit_floor + fit)) * benefit * focus
            if unique_mentee:
                p.goal_progress[e] += step
            else:
                np.add.at(p.goal_progress, e, step)
        q = rel.quality[h]
        rel.quality[h] = q + ses.quality_growth * mom * (rel.ceiling[h] - q)
        # time cost of the sessions held (a facilitator's time is shared by the group)
        hourly = sim.hourly
        mentor_h = (sim.session_h + sim.sc.costs.prep_hours_per_session) * hourly[p.level[m]]
        if fmt.group_sessions:
            mentor_h = mentor_h / gs
        if not fmt.pair_sessions:  # a partner's own time is already on the mirrored row, where they mentor
            mentor_h = mentor_h + sim.session_h * hourly[p.level[e]]
        ts[:, w, TS["program_cost"]] += sim.sites.sum_by_site(site, mentor_h)
        if sim.tracer is not None:
            sim.log(e, "meeting_held", value=lambda s: p.meetings_held[s])

    def session_cancelled(self, due: np.ndarray, u: np.ndarray, p_cancel: np.ndarray) -> np.ndarray:
        """Whether each due row's session is cancelled when a group meets as one session: one draw per
        session (its first due row's), against the facilitator's chance (a circle: one mentor) or the
        higher of the two partners' (a pair: either calendar can cancel it)."""
        _, first, inv = np.unique(self.sim.rel.group[due], return_index=True, return_inverse=True)
        inv = inv.reshape(-1)
        worst = np.zeros(len(first))
        np.maximum.at(worst, inv, p_cancel)
        return (u[first] < worst)[inv]

    def missed(self, missed: np.ndarray, u: np.ndarray, week: int) -> None:
        """Sessions that fell through: quality suffers, and an early miss can end a young relationship;
        clear boundaries (agreed availability and scope) make that rarer (assumption)."""
        sim = self.sim
        rel, prog, mr = sim.rel, sim.program, sim.mx.relationships
        rel.quality[missed] = np.maximum(rel.quality[missed] - sim.mx.sessions.missed_quality_loss, 0.0)
        if sim.tracer is not None:
            sim.log(rel.mentee[missed], "meeting_missed")
        young = week - rel.start[missed] < mr.early_end_weeks
        quit_pair = missed[young & (u < mr.early_dissolution * (1.0 - prog.boundaries) * (1.0 - rel.quality[missed]))]
        if len(quit_pair):
            ended = rel.ending(quit_pair)  # a pair's both partners
            sim.log(rel.mentee[ended], "dissolved")
            rel.close(ended, week, "dissolved")
