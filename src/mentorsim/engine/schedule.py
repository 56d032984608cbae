"""The schedule: one table of steps (offset, period, process) is the single source of a week's order.

``Simulation.run`` starts one SimPy process per step from ``STEPS``; the engine's docstring
and ``mentorsim order`` are generated from the same table (``order_text``), so the order
people read is the order the engine runs.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mentorsim.engine.burnout import Burnout
from mentorsim.engine.growth import Growth
from mentorsim.engine.hiring import Hiring
from mentorsim.engine.informal import Informal, informal_on
from mentorsim.engine.intake import Intake
from mentorsim.engine.matching import Matching
from mentorsim.engine.meetings import Meetings
from mentorsim.engine.process import Process
from mentorsim.engine.promotions import Promotions
from mentorsim.engine.recognition_cycle import RecognitionCycle
from mentorsim.engine.recording import Recording
from mentorsim.engine.seasons import QUARTER, Seasons
from mentorsim.engine.turnover import Turnover

if TYPE_CHECKING:
    from mentorsim.engine.simulation import Simulation
    from mentorsim.schema.scenario import Scenario

RECOGNITION_CYCLE = 26


@dataclass(frozen=True)
class Step:
    """One recurring process: it wakes at (week - 1) + ``offset`` for week = first, first + period, ..."""

    offset: float
    name: str
    process: type[Process]
    period: Callable[[Scenario], int]
    first: Callable[[Scenario], int]
    runs: Callable[[Simulation], bool]  # whether this batch has the process at all
    what: str


def _program(sim: Simulation) -> bool:
    return sim.fmt.holds_sessions


def _always(sim: Simulation) -> bool:
    return True


def _weekly(sc: Scenario) -> int:
    return 1


def _cycle(sc: Scenario) -> int:
    return sc.workforce.promotion_cycle_weeks


STEPS: tuple[Step, ...] = (
    Step(
        0.00,
        "intake",
        Intake,
        lambda sc: 1 if sc.program.intake == "evergreen" else sc.program.term_weeks,
        _weekly,
        _program,
        "cohort start (or every week when evergreen): terms that ran out end; employees volunteer as "
        "mentees (selection on ambition and engagement) and mentors (supply set by recognition); "
        "overlays sign up (sponsors)",
    ),
    Step(
        0.10,
        "matching",
        Matching,
        _weekly,
        _weekly,
        _program,
        "waiting mentees are formed into relationships by the format within mentor capacity (random or "
        "goal fit); overlays act on the new mentees (sponsors pick high-potential mentees)",
    ),
    Step(
        0.15,
        "burnout",
        Burnout,
        _weekly,
        _weekly,
        _program,
        "terms that ran out end; mentor strain from load over capacity builds burnout (recognition and "
        "boundaries buffer it; it recovers 0.01 a week); a mentor who burns out steps back",
    ),
    Step(
        0.20,
        "meetings",
        Meetings,
        _weekly,
        _weekly,
        _program,
        "relationships due this week (each cadence meets in its own slots, from the week of the match) "
        "schedule a session; mentor overload and friction cancel some; held sessions grow the goal skill "
        "(expertise x fit x momentum), engagement and quality; commitments are done with a chance set by "
        "preparation and move the goal; in group sessions the hot seat rotates",
    ),
    Step(
        0.30,
        "seasons",
        Seasons,
        lambda sc: QUARTER,
        lambda sc: QUARTER,
        _program,
        "every 13 weeks: deepen, narrow (halve cadence) or sunset each relationship; a sunset frees the "
        "mentor and the mentee rematches once",
    ),
    Step(
        0.40,
        "recognition",
        RecognitionCycle,
        lambda sc: RECOGNITION_CYCLE,
        lambda sc: RECOGNITION_CYCLE,
        lambda sim: sim.fmt.holds_sessions and sim.recognition.has_cycle(),
        "every 26 weeks: the recognition policy acts on active mentors",
    ),
    Step(
        0.50,
        "promotions",
        Promotions,
        _cycle,
        _cycle,
        _always,
        "every promotion cycle: promotion odds from readiness, ambition, overlays (sponsorship) and mentor credit",
    ),
    Step(
        0.60,
        "growth",
        Growth,
        _weekly,
        _weekly,
        _always,
        "skills, goals and engagement drift; goals reached (pivoters move internally)",
    ),
    Step(
        0.62,
        "informal",
        Informal,
        _weekly,
        _weekly,
        informal_on,
        "informal mentoring, in every world: relationships start at the rate that keeps each level's share "
        "(homophily toward the own group's share of who is senior; less while a formal mentee) and end at "
        "1 / mean duration; while one lasts it adds a share of a one-on-one relationship's engagement and "
        "goal skill",
    ),
    Step(
        0.65,
        "quits",
        Turnover,
        _weekly,
        _weekly,
        _always,
        "quit/hire, first the quits (front-loaded hazard x engagement x level x recent promotion x mentor "
        "strain); leavers' relationships end, their seats open and overlays let them go",
    ),
    Step(
        0.70,
        "hiring",
        Hiring,
        _weekly,
        _weekly,
        _always,
        "quit/hire, then the hires: vacancies opened hiring_lag_weeks ago are filled by new hires",
    ),
    Step(0.90, "record", Recording, _weekly, _weekly, _always, "the week's row of the time series"),
)


def order_text(width: int = 100) -> str:
    """The order of operations within a week, from ``STEPS``, for people to read."""
    lines = ["Order of operations in week w (each a SimPy process waking at (w - 1) + offset)::", ""]
    for s in STEPS:
        head = f"    +{s.offset:.2f}  {s.name:<13}"
        body = textwrap.wrap(s.what, width - len(head))
        lines.append(head + body[0])
        lines.extend(" " * len(head) + b for b in body[1:])
    return "\n".join(lines)
