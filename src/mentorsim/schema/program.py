"""The program a scenario runs: its format, cadence, recognition, matching, term and who takes part (``program.*``)."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from mentorsim.schema.validation import OneOf, SchemaModel, param
from mentorsim.schema.world import Eligibility, Enrolment


def registered(registry: str) -> list[str]:
    """The names in a plug-in registry of :mod:`mentorsim.programs` (``FORMATS``, ``POLICIES``), as they are
    now: a format or policy registered at run time is a name a scenario may use at once."""
    from mentorsim import programs  # programs import the schema, so the registry is read when asked

    return list(getattr(programs, registry))


CADENCES = {"weekly": 1.0, "biweekly": 2.0, "monthly": 52.0 / 12.0}


class Program(SchemaModel):
    """The program design: the levers an organisation controls."""

    format: Annotated[str, OneOf(lambda: registered("FORMATS"))] = param(
        "none",
        unit="-",
        source="assumption",
        desc="Mentoring format, a name in the format registry (mentorsim.programs.FORMATS; ATD: 78% of "
        "programs are one-on-one).",
        role="lever",
    )
    sponsorship: bool = param(
        False,
        unit="-",
        source="C7",
        desc="Overlay: senior sponsors advocate for some mentees at promotion reviews "
        "(it needs mentees: with format none there is no program at all).",
        role="lever",
    )
    cadence: float | str = param(
        "biweekly",
        unit="weeks",
        source="C6",
        desc="Meeting cadence: weekly, biweekly, monthly or a number of weeks between 1 and 26.",
        role="lever",
    )
    session_minutes: float = param(
        60,
        unit="minutes",
        source="mentor time",
        ge=15,
        le=240,
        desc="Length of one session (practice: 45-60 minutes).",
        role="lever",
    )
    recognition: Annotated[str, OneOf(lambda: registered("POLICIES"))] = param(
        "none",
        unit="-",
        source="recognition in practice",
        desc="How mentors are recognised, a name in the policy registry (mentorsim.programs.POLICIES).",
        role="lever",
    )
    recognise_peers: bool = param(
        False,
        unit="-",
        source="assumption",
        desc="Whether the recognition policy counts peer partners as mentors (review credit, "
        "learning credits, celebrations). Off: recognition is for mentoring others, and a "
        "peer format with a policy runs as without one.",
        role="lever",
    )
    participation_target: float = param(
        0.25,
        unit="share of eligible",
        source="who has a mentor",
        ge=0,
        le=1,
        sensitivity=(0.1, 0.5),
        desc="Share of eligible employees the program aims to enrol as mentees (37% of workers have a mentor).",
        role="lever",
    )
    enrolment: Enrolment = param(
        "voluntary",
        unit="-",
        source="assumption",
        desc="voluntary (people choose, selection on ambition) or assigned (the eligible are "
        "enrolled up to the target at random).",
        role="lever",
    )
    eligibility: Eligibility = Field(
        default_factory=Eligibility,
        description="Who may enrol besides level and tenure: max_tenure_weeks, groups, without_informal_mentor.",
    )
    prioritise_without_informal: bool = param(
        False, unit="-", source="assumption", desc="Enrol people with no informal mentor first.", role="lever"
    )
    selection_strength: float = param(
        1.5,
        unit="sd",
        source="C5",
        ge=0,
        le=5,
        sensitivity=(0.5, 2.5),
        desc="How strongly volunteering follows ambition and engagement (0 = random enrolment); fitted to the "
        "C5 promotion gap (ambition drives volunteering and promotion). Most of the C4 retention gap is "
        "timing, not volunteering (Comparison.participant_effects).",
    )
    waiting_list_weeks: int = param(
        13,
        unit="weeks",
        source="matching speed",
        ge=1,
        le=520,
        sensitivity=(6, 26),
        desc="How long an enrolled mentee waits for a match before leaving the waiting list "
        "(Sun SEED: 81% matched within 3 weeks); they may enrol again at a later intake.",
        role="lever",
    )
    mentee_max_level: int = param(
        3,
        unit="level",
        source="who has a mentor",
        ge=1,
        le=5,
        desc="Highest level eligible to be a mentee (mentoring is mostly junior: 57% junior, 35% mid).",
        role="lever",
    )
    mentor_min_level: int = param(
        3,
        unit="level",
        source="assumption",
        ge=1,
        le=5,
        desc="Lowest level eligible to mentor in one_on_one, micro_board and as circle facilitator.",
        role="lever",
    )
    min_tenure_weeks: int = param(
        8,
        unit="weeks",
        source="assumption",
        ge=0,
        le=520,
        desc="Tenure before someone may enrol as a mentee.",
        role="lever",
    )
    mentor_supply: float = param(
        0.18,
        unit="share of eligible",
        source="recognition in practice",
        ge=0,
        le=1,
        sensitivity=(0.05, 0.35),
        desc="Share of eligible mentors who volunteer with no recognition (47% of organisations struggle to find mentors).",
    )
    mentor_capacity: int = param(
        2,
        unit="mentees per mentor",
        source="assumption",
        ge=1,
        le=20,
        desc="Most mentees (or circles, for facilitators) one mentor takes on.",
        role="lever",
    )
    mentor_hours_per_month: float = param(
        3.0,
        unit="hours per month per mentee",
        source="mentor time",
        ge=0.5,
        le=40,
        sensitivity=(2.0, 4.0),
        desc="Mentor time per mentee (or circle) a month before overload; times capacity "
        "gives a mentor's limit (practice: 2-4 hours a month).",
        role="lever",
    )
    intake: Literal["cohort", "evergreen"] = param(
        "cohort",
        unit="-",
        source="mentor time",
        desc="Fixed cohorts that start together, or evergreen enrolment every week.",
        role="lever",
    )
    term_weeks: int = param(
        52,
        unit="weeks",
        source="mentor time",
        ge=4,
        le=520,
        desc="Length of a mentoring term (formal terms run 6-12 months).",
        role="lever",
    )
    matching: Literal["random", "goal_fit"] = param(
        "goal_fit",
        unit="-",
        source="matching input",
        desc="Random pairing, or an optimal assignment on goal fit within mentor capacity.",
        role="lever",
    )
    preparation: float = param(
        0.5,
        unit="0..1",
        source="assumption",
        ge=0,
        le=1,
        sensitivity=(0.0, 1.0),
        desc="How well sessions are prepared (agenda, two commitments); raises commitment follow-through.",
        role="lever",
    )
    commitments_per_session: int = param(
        2,
        unit="commitments",
        source="assumption",
        ge=0,
        le=5,
        desc="Commitments a mentee takes away from each session.",
        role="lever",
    )
    scheduling_friction: float = param(
        0.15,
        unit="probability",
        source="real-world meeting rhythm",
        ge=0,
        le=1,
        sensitivity=(0.05, 0.35),
        desc="Chance a scheduled session falls through for calendar reasons.",
    )
    boundaries: float = param(
        0.5,
        unit="0..1",
        source="assumption",
        ge=0,
        le=1,
        sensitivity=(0.0, 1.0),
        desc="How clearly availability and scope are agreed; lowers early dissolution and burnout.",
        role="lever",
    )
    seasons: bool = param(
        True,
        unit="-",
        source="relationship phases",
        desc="Quarterly reviews decide per relationship to deepen, narrow or sunset.",
        role="lever",
    )
    circle_size: int = param(
        5,
        unit="members",
        source="assumption",
        ge=4,
        le=6,
        desc="Members of a circle (4-6) besides its facilitator.",
        role="lever",
    )
    sponsor_supply: float = param(
        0.15,
        unit="share of levels 4-5",
        source="C7",
        ge=0,
        le=1,
        desc="Share of level 4-5 employees who act as sponsors (sponsors are scarce).",
        role="lever",
    )
    sponsor_capacity: int = param(
        2, unit="proteges", source="assumption", ge=1, le=10, desc="Proteges per sponsor.", role="lever"
    )
    sponsor_odds_ratio: float = param(
        2.0,
        unit="odds ratio per review",
        source="C7",
        ge=1,
        le=5,
        sensitivity=(1.3, 3.0),
        desc="Multiplier on a protege's promotion odds at each review while their sponsor is employed; set so "
        "sponsored employees are promoted ~1.1-1.3x as often over three years as the same people unsponsored "
        "(C7: up to ~30% better odds than comparable unsponsored employees).",
    )
    skill_gain_per_meeting: float = param(
        0.01,
        unit="skill per meeting",
        source="assumption",
        ge=0,
        le=0.5,
        sensitivity=(0.0, 0.03),
        desc="Goal-skill gain from one held, fully-momentum session with an expert mentor, times (1 - skill).",
    )
    engagement_gain_per_meeting: float = param(
        0.016,
        unit="engagement per meeting",
        source="C4",
        ge=0,
        le=0.5,
        sensitivity=(0.004, 0.025),
        desc="Engagement gain from a held session; the causal half of the C4 retention gap.",
    )
    momentum_weeks: float = param(
        4.0,
        unit="weeks",
        source="C6",
        ge=0.5,
        le=52,
        sensitivity=(2.0, 8.0),
        desc="A session's benefit fades with exp(-gap / this) since the last held session.",
    )
    goal_progress_per_commitment: float = param(
        0.012,
        unit="goal per commitment",
        source="assumption",
        ge=0,
        le=1,
        sensitivity=(0.006, 0.02),
        desc="Progress toward the goal from one commitment done (1.0 = goal "
        "reached), times fit, momentum and relationship quality: about "
        "half of one-on-one mentees reach their goal at the defaults.",
    )

    @field_validator("cadence", mode="before")
    @classmethod
    def _cadence(cls, v: Any) -> Any:
        if isinstance(v, str) and v in CADENCES:
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if math.isfinite(v) and 1 <= v <= 26:
                return float(v)
        raise ValueError(
            f"{v!r} is not a cadence; allowed: weekly, biweekly, monthly or a number of weeks from 1 to 26"
        )

    @property
    def cadence_weeks(self) -> float:
        return CADENCES[self.cadence] if isinstance(self.cadence, str) else float(self.cadence)

    @property
    def cadence_label(self) -> str:
        return self.cadence if isinstance(self.cadence, str) else f"every {self.cadence:g} weeks"
