"""The protocol every mentoring format follows, and the view of a site a format forms rows in.

A format says who may be a mentee and who may mentor, how waiting mentees are formed
into relationships (rows of mentee, mentor, group, focus skill), and what kind of
sessions its relationships hold (properties below). How strongly a held session works
is data in the scenario (``effects.<format>``, see scenario.FormatEffects), so it can be
overridden and swept. The shared mechanisms (meetings, momentum, load, seasons) live in
the engine and read only these properties and hooks: the engine never asks a format's name.
What the rest of the package says about a format (its dashboard label, its words in a
sentence, whether its results rest on evidence) is an attribute here too, read from the
registry (``mentorsim.programs.FORMATS``), never a list kept elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

import numpy as np

if TYPE_CHECKING:
    from mentorsim.rng import Streams
    from mentorsim.schema.scenario import FormatEffects, Program, Scenario


@dataclass(frozen=True)
class Rows:
    """New relationship rows produced by a format's ``form`` step."""

    mentee: np.ndarray
    mentor: np.ndarray
    group: np.ndarray  # rows of one circle or one peer pair share a group; -1 = the row alone
    seat: np.ndarray  # position in the group's hot-seat rotation
    dim: np.ndarray  # skill dimension the row works on
    fit: np.ndarray  # 0..1

    @staticmethod
    def empty() -> Rows:
        e = np.empty(0, dtype=np.int64)
        return Rows(e, e, e, e, e, np.empty(0))

    def __len__(self) -> int:
        return len(self.mentee)


class SiteView(Protocol):
    """What a format sees while it forms relationships in one site (one replication of a batch).

    Arrays are over the batch's person slots; ``lo`` is the site's first slot, so a slot's
    person id in its replication is ``slot - lo``."""

    level: np.ndarray  # level 1..5 of every slot
    skills: np.ndarray  # slots x 3 skills, 0..1
    style: np.ndarray  # working style of every slot
    goal_dim: np.ndarray  # the skill each person's career goal needs
    prev_mentor: np.ndarray  # the mentor of each person's last relationship (-1 = none): a rematch goes elsewhere
    program: Program
    week: int
    streams: Streams  # this replication's random streams
    lo: int

    def draw(self, name: str, ids: np.ndarray) -> np.ndarray:
        """One uniform per person in ``ids`` from this replication's stream ``name`` this week."""
        ...

    def fit(self, mentee: np.ndarray, mentor: np.ndarray, dims: np.ndarray) -> np.ndarray:
        """Goal fit of (mentee, mentor) pairs on skill ``dims``, 0..1."""
        ...

    def new_groups(self, k: int) -> np.ndarray:
        """k new group numbers (a circle, a pair)."""
        ...

    def board(self, mentees: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For sorted mentees: the mentor in each seat of their board (-1 = open) and its term's end."""
        ...


class Format:
    """Base class of a mentoring format. Subclasses override the eligibility and formation hooks
    and the properties that say what their sessions are like."""

    name = "none"
    #: how the dashboard's dropdown names the format (default: its name in words, capitalised)
    label = ""
    #: the format in a sentence, e.g. "mentoring circles" (default: "<its name in words> mentoring")
    words = ""
    #: whether ``words`` is plural ("mentoring circles keep ...")
    plural = False
    #: whether the format's effect on mentees rests on workplace evidence (C4-C6: a voluntary one-on-one
    #: program); a design of a format without it rests mainly on assumptions (schema.evidence.basis)
    evidenced = False
    #: the format's effect sizes where they differ from one-on-one's, e.g. ``{"expertise": 0.5}``, for a
    #: format without a field of its own in ``schema.effects.Effects``: a scenario then reads and sets them
    #: as ``effects.<name>.<field>`` like a shipped format's
    effect_defaults: ClassVar[Mapping[str, float]] = {}
    #: whether the format runs a program at all (the baseline "none" holds no sessions)
    holds_sessions = True
    #: whether mentors come from a pool of volunteers (False: mentors are drawn from the mentees)
    draws_on_mentor_pool = True
    #: relationship rows a mentee can hold at once (a board has one per seat)
    rows_per_mentee = 1
    #: the rows of a group meet as one session: the facilitator's load, time and engagement gain are
    #: shared by the group, the hot seat rotates (the others learn vicariously), capacity counts groups
    group_sessions = False
    #: a group is a pair of mirrored rows (each partner mentors the other): a session is held for both
    #: or neither, the pair reviews its season and ends together, and each partner's time is costed once
    pair_sessions = False
    #: the mentors are the mentees' peers (a recognition policy credits them only if
    #: ``program.recognise_peers`` says peers count as mentors)
    peer_mentors = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A format that names itself and not its label or words gets them from its name."""
        super().__init_subclass__(**kwargs)
        if "name" in vars(cls):
            words = cls.name.replace("_", " ")
            if "label" not in vars(cls):
                cls.label = words.capitalize()
            if "words" not in vars(cls):
                cls.words = f"{words} mentoring"

    def mentee_eligible(self, level: np.ndarray, program: Any) -> np.ndarray:
        return level <= program.mentee_max_level

    def mentor_eligible(self, level: np.ndarray, program: Any) -> np.ndarray:
        return level >= program.mentor_min_level

    def capacity_hours(self, program: Any) -> float:
        """Hours a month a mentor can give before overload: per mentee (or group) x capacity."""
        return program.mentor_hours_per_month * program.mentor_capacity

    def effects(self, sc: Scenario) -> FormatEffects:
        """How strongly this format's sessions work: ``effects.<name>`` (a format registered after the
        scenario was made: its ``effect_defaults``; one that holds no sessions: one-on-one's)."""
        fx = getattr(sc.effects, self.name, None)
        if fx is None and self.holds_sessions:
            from mentorsim.schema.effects import FormatEffects

            return FormatEffects(**self.effect_defaults)
        return cast("FormatEffects", sc.effects.one_on_one if fx is None else fx)

    def form(self, ctx: SiteView, waiting: np.ndarray, mentors: np.ndarray, free: np.ndarray) -> Rows:
        """Pair waiting mentees with mentors that have free capacity (``free`` slots each)."""
        from mentorsim.programs.matching import match_one_to_one

        return match_one_to_one(ctx, waiting, mentors, free, dims=ctx.goal_dim[waiting], rule=self.pair_rule)

    @staticmethod
    def pair_rule(mentee_level: np.ndarray, mentor_level: np.ndarray) -> np.ndarray:
        """Which (mentee, mentor) level pairs are allowed: the mentor is more senior."""
        return mentor_level > mentee_level
