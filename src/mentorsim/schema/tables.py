"""The output tables' schema: what one replication produces, shared by the engine, metrics and results.

numpy only, and no engine import, so ``metrics`` and ``results`` can read a replication's
arrays without importing the engine (and the engine can import ``metrics`` without a cycle).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: weeks in an average month (52 weeks / 12 months): how weekly counts become monthly figures
WEEKS_PER_MONTH = 52.0 / 12.0

#: columns of the weekly time series, in order (``RepResult.timeseries`` is weeks x len(TS_METRICS))
TS_METRICS = (
    "headcount",
    "quits",
    "hires",
    "promotions",
    "active_relationships",
    "meetings_held",
    "meetings_scheduled",
    "mentor_load_hours",
    "mean_engagement",
    "waiting_mentees",
    "active_mentors",
    "internal_moves",
    "program_cost",
    "turnover_cost",
)
TS = {m: i for i, m in enumerate(TS_METRICS)}

#: why a relationship row ended (``reason`` codes index this tuple; "active" = still running)
END_REASONS = ("active", "term", "sunset", "dissolved", "mentee_left", "mentor_left", "burnout")

#: columns of a replication's people table and the People field each comes from (role: derived)
PEOPLE_COLUMNS = {
    "initial": "initial",
    "persona": "persona",
    "start_level": "start_level",
    "end_level": "level",
    "hired_week": "hired_week",
    "left_week": "left_week",
    "promotions": "promotions",
    "role": None,
    "sponsored": "sponsored",
    "meetings_held": "meetings_held",
    "goal_attained": "goal_attained",
    "moved_internally": "moved",
    "ambition": "ambition",
    "burned_out": "burned_out",
    "goal_week": "goal_week",
    "first_promotion_week": "first_promo",
    "group": "group",
    "informal_mentor": "ever_informal",
    "informal_mentor_at_enrolment": "informal_when_enrolled",
    "informal_mentor_on_joining": "informal_on_joining",
}

#: columns of a replication's relationship table
RELATIONSHIP_COLUMNS = (
    "mentee",
    "mentor",
    "group",
    "dim",
    "start",
    "end",
    "reason",
    "held",
    "scheduled",
    "cadence",
    "quality",
    "fit",
)

#: columns of the event log of traced people: ``other`` is the other person's id (-1 = none) and
#: ``value`` the event's number (a level, a count; -1 = none), as in the templates below
EVENT_COLUMNS = ("week", "person_id", "event", "details", "other", "value")

#: every event a traced person can have: its sentence, with ``{other}`` (the other person's id) and
#: ``{value}`` (a level or a count) filled from the event's fields and ``{program}``/``{policy}`` from
#: the scenario
EVENTS = {
    "enrolled": "joined the {program} program",
    "volunteered_mentor": "volunteered to mentor",
    "left_waiting_list": "left the waiting list: no mentor was free in time",
    "matched": "matched with mentor #{other} (level {value})",
    "matched_as_mentor": "began mentoring #{other}",
    "sponsored": "gained a sponsor (#{other})",
    "meeting_held": "held a session ({value} so far)",
    "meeting_missed": "a session fell through",
    "dissolved": "the relationship fizzled out early",
    "burned_out": "burned out and stepped back from mentoring",
    "mentor_left": "their mentor #{other} left the organisation",
    "mentor_stepped_back": "their mentor #{other} burned out and stepped back",
    "sunset": "the pair agreed to sunset the relationship",
    "graduated": "completed the program term",
    "recognised": "was recognised for mentoring ({policy})",
    "promoted": "was promoted to level {value}",
    "goal_reached": "reached their career goal",
    "moved_internally": "moved into a new role inside the organisation",
    "quit": "left the organisation",
    "hired": "joined at level {value}",
}


@dataclass
class RepResult:
    """Everything one replication produced, as plain arrays (cheap to pickle)."""

    replication: int
    people: dict[str, np.ndarray]
    timeseries: np.ndarray  # weeks x len(TS_METRICS)
    relationships: dict[str, np.ndarray]
    events: dict[str, list] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    #: weeks x groups (in ``workforce.groups`` order): employed people at levels 4-5 at the end of each week;
    #: None in results made before it was recorded (a class default, so their pickles still load)
    senior_by_group: np.ndarray | None = None
