"""The scenario schema: frozen pydantic models, YAML dump and dotted overrides.

Every parameter carries a description, a unit, an allowed range and its source:
an evidence ID from EVIDENCE.md (C1..C7, or a row of its defaults table) or the
word "assumption". ``mentorsim params`` prints this register.

Reading scenario files is :mod:`mentorsim.schema.io` (its functions are importable from here
too); the pydantic base, ``param`` and the error wording are :mod:`mentorsim.schema.validation`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, field_validator, model_validator

from mentorsim.schema.effects import Effects, FormatEffects, RecognitionEffects, RecognitionPolicies  # noqa: F401 (part of the schema)
from mentorsim.schema.io import _set_dotted, load_scenario, read_yaml, scenario_from_dict
from mentorsim.schema.mechanics import Mechanics
from mentorsim.schema.validation import SchemaModel, param, printable, refuse_coercion
from mentorsim.schema.world import DEFAULT_GROUPS, Eligibility, Enrolment, Group, InformalMentoring

MAX_WORKFORCE = 1_000_000
MAX_HORIZON_WEEKS = 1040
# costs stay finite in every sum: a salary or an hourly cost of at most 1e9 dollars, a replacement cost
# of at most 100 salaries
MAX_COST = 1e9
MAX_COST_SHARE = 100.0
FORMATS = FORMATS_BUILTIN = ("none", "one_on_one", "peer", "circle", "reverse", "micro_board")
RECOGNITIONS = ("none", "review_credit", "learning_credits", "celebrate_impact")
CADENCES = {"weekly": 1.0, "biweekly": 2.0, "monthly": 52.0 / 12.0}
PERSONAS = ("early_career", "first_time_manager", "career_pivoter", "established")

__all__ = [
    "CADENCES",
    "FORMATS",
    "MAX_HORIZON_WEEKS",
    "MAX_WORKFORCE",
    "PERSONAS",
    "RECOGNITIONS",
    "Costs",
    "Effects",
    "FormatEffects",
    "Mechanics",
    "Program",
    "RecognitionEffects",
    "RecognitionPolicies",
    "Scenario",
    "Workforce",
    "load_scenario",
    "param",
    "read_yaml",
    "refuse_coercion",
    "scenario_from_dict",
]


_Frozen = SchemaModel


class Workforce(_Frozen):
    """Who works here at the start, and how they leave, grow and get promoted."""

    size: int = param(
        1000,
        unit="people",
        source="assumption",
        ge=10,
        le=MAX_WORKFORCE,
        desc=f"Target headcount; the starting workforce (10 to {MAX_WORKFORCE:,}).",
    )
    level_shares: tuple[float, float, float, float, float] = param(
        (0.34, 0.28, 0.2, 0.12, 0.06),
        unit="share",
        source="assumption",
        desc="Share of the starting workforce at levels 1..5 (a typical pyramid); must sum to 1.",
    )
    persona_shares: tuple[float, float, float, float] = param(
        (0.3, 0.15, 0.1, 0.45),
        unit="share",
        source="assumption",
        desc="Share of early_career, first_time_manager, career_pivoter, established; must sum to 1. "
        "Early-career people sit at levels 1-2 and first-time managers at 2-3.",
    )
    base_weekly_quit_hazard: float = param(
        0.0043,
        unit="per week",
        source="C1",
        ge=0,
        le=0.2,
        sensitivity=(0.0029, 0.0058),
        desc="Quit hazard of a settled (tenure > 1 year), averagely engaged employee; set so the "
        "no-program workforce quits 2.2% a month (C1).",
    )
    first_year_hazard_multiplier: float = param(
        4.3,
        unit="x",
        source="C2",
        ge=0,
        le=50,
        sensitivity=(2.6, 6.1),
        desc="Extra quit hazard at hire, decaying with tenure: hazard x (1 + this x exp(-tenure/decay)); "
        "gives 33-40% first-year quits, half in the first 13 weeks (C2).",
    )
    first_year_hazard_decay_weeks: float = param(
        14.0,
        unit="weeks",
        source="C2",
        ge=1,
        le=104,
        desc="Time constant of the first-year quit hazard decay (C2: half of first-year quits in 13 weeks).",
    )
    engagement_hazard_slope: float = param(
        2.6,
        unit="per unit engagement",
        source="assumption",
        ge=0,
        le=20,
        sensitivity=(1.5, 4.0),
        desc="Quit hazard x exp(-slope x (engagement - 0.6)): engaged people stay.",
    )
    level_hazard_multipliers: tuple[float, float, float, float, float] = param(
        (1.1, 1.0, 0.95, 0.9, 0.85),
        unit="x",
        source="assumption",
        desc="Quit hazard multiplier at levels 1..5 (senior people move less often).",
    )
    pivoter_hazard_multiplier: float = param(
        1.3,
        unit="x",
        source="assumption",
        ge=0,
        le=10,
        desc="Career pivoters who have not moved internally look outside more often.",
    )
    recent_promotion_hazard_multiplier: float = param(
        0.6, unit="x", source="assumption", ge=0, le=2, desc="Quit hazard multiplier in the 26 weeks after a promotion."
    )
    hiring_lag_weeks: int = param(
        6, unit="weeks", source="assumption", ge=0, le=52, desc="Weeks from a quit until the backfill hire starts."
    )
    promotion_cycle_weeks: int = param(
        26, unit="weeks", source="assumption", ge=4, le=104, desc="Weeks between promotion review cycles."
    )
    promotion_base_logit: float = param(
        -4.1,
        unit="log-odds per cycle",
        source="C3",
        ge=-20,
        le=5,
        sensitivity=(-4.65, -3.65),
        desc="Log-odds of promotion at a review for an average, just-ready employee; set for ~6% a year (C3).",
    )
    promotion_readiness_slope: float = param(
        1.2,
        unit="log-odds per 0.1 skill",
        source="assumption",
        ge=0,
        le=10,
        desc="How much skill above the level's requirement raises the odds of promotion.",
    )
    promotion_ambition_slope: float = param(
        1.2,
        unit="log-odds per sd of ambition",
        source="C5",
        ge=0,
        le=5,
        desc="Ambitious people get promoted anyway: the selection half of the C5 promotion gap.",
    )
    min_weeks_in_level: int = param(
        26, unit="weeks", source="assumption", ge=0, le=260, desc="Time in level before a promotion can be considered."
    )
    skill_growth_per_week: float = param(
        0.0015,
        unit="skill per week",
        source="assumption",
        ge=0,
        le=0.1,
        desc="On-the-job skill growth per week, times (1 - skill).",
    )
    self_goal_progress_per_week: float = param(
        0.004,
        unit="goal per week",
        source="assumption",
        ge=0,
        le=0.1,
        desc="Progress toward one's career goal without a program (1.0 = goal reached).",
    )
    groups: tuple[Group, ...] = Field(
        DEFAULT_GROUPS,
        min_length=1,
        max_length=20,
        description="Groups of the workforce, each {name, share_by_level}; the shares "
        "sum to 1 at each level (default: an assumed pipeline).",
        json_schema_extra={"unit": "share by level", "source": "assumption"},
    )
    informal_mentoring: InformalMentoring = Field(
        default_factory=InformalMentoring,
        description="Informal mentoring in every world: share_by_level, "
        "homophily, mean_duration_weeks, substitution_share.",
    )
    engagement_reversion_per_week: float = param(
        0.03,
        unit="per week",
        source="assumption",
        ge=0,
        le=1,
        desc="Weekly pull of engagement back toward each person's own baseline.",
    )

    @field_validator("level_hazard_multipliers")
    @classmethod
    def _multipliers(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if any(not 0 <= x <= 10 for x in v):
            raise ValueError("each multiplier must be between 0 and 10")
        return v


class Program(_Frozen):
    """The program design: the levers an organisation controls."""

    format: Literal["none", "one_on_one", "peer", "circle", "reverse", "micro_board"] = param(
        "none",
        unit="-",
        source="assumption",
        desc="Mentoring format: none, one_on_one, peer, circle, reverse, micro_board (ATD: 78% of programs are one-on-one).",
    )
    sponsorship: bool = param(
        False,
        unit="-",
        source="C7",
        desc="Overlay: senior sponsors advocate for some mentees at promotion reviews "
        "(it needs mentees: with format none there is no program at all).",
    )
    cadence: float | str = param(
        "biweekly",
        unit="weeks",
        source="C6",
        desc="Meeting cadence: weekly, biweekly, monthly or a number of weeks between 1 and 26.",
    )
    session_minutes: float = param(
        60, unit="minutes", source="mentor time", ge=15, le=240, desc="Length of one session (practice: 45-60 minutes)."
    )
    recognition: Literal["none", "review_credit", "learning_credits", "celebrate_impact"] = param(
        "none",
        unit="-",
        source="recognition in practice",
        desc="How mentors are recognised: none, review_credit, learning_credits, celebrate_impact.",
    )
    recognise_peers: bool = param(
        False,
        unit="-",
        source="assumption",
        desc="Whether the recognition policy counts peer partners as mentors (review credit, "
        "learning credits, celebrations). Off: recognition is for mentoring others, and a "
        "peer format with a policy runs as without one.",
    )
    participation_target: float = param(
        0.25,
        unit="share of eligible",
        source="who has a mentor",
        ge=0,
        le=1,
        sensitivity=(0.1, 0.5),
        desc="Share of eligible employees the program aims to enrol as mentees (37% of workers have a mentor).",
    )
    enrolment: Enrolment = param(
        "voluntary",
        unit="-",
        source="assumption",
        desc="voluntary (people choose, selection on ambition) or assigned (the eligible are "
        "enrolled up to the target at random).",
    )
    eligibility: Eligibility = Field(
        default_factory=Eligibility,
        description="Who may enrol besides level and tenure: max_tenure_weeks, groups, without_informal_mentor.",
    )
    prioritise_without_informal: bool = param(
        False, unit="-", source="assumption", desc="Enrol people with no informal mentor first."
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
    )
    mentee_max_level: int = param(
        3,
        unit="level",
        source="who has a mentor",
        ge=1,
        le=5,
        desc="Highest level eligible to be a mentee (mentoring is mostly junior: 57% junior, 35% mid).",
    )
    mentor_min_level: int = param(
        3,
        unit="level",
        source="assumption",
        ge=1,
        le=5,
        desc="Lowest level eligible to mentor in one_on_one, micro_board and as circle facilitator.",
    )
    min_tenure_weeks: int = param(
        8, unit="weeks", source="assumption", ge=0, le=520, desc="Tenure before someone may enrol as a mentee."
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
    )
    intake: Literal["cohort", "evergreen"] = param(
        "cohort",
        unit="-",
        source="mentor time",
        desc="Fixed cohorts that start together, or evergreen enrolment every week.",
    )
    term_weeks: int = param(
        52,
        unit="weeks",
        source="mentor time",
        ge=4,
        le=520,
        desc="Length of a mentoring term (formal terms run 6-12 months).",
    )
    matching: Literal["random", "goal_fit"] = param(
        "goal_fit",
        unit="-",
        source="matching input",
        desc="Random pairing, or an optimal assignment on goal fit within mentor capacity.",
    )
    preparation: float = param(
        0.5,
        unit="0..1",
        source="assumption",
        ge=0,
        le=1,
        sensitivity=(0.0, 1.0),
        desc="How well sessions are prepared (agenda, two commitments); raises commitment follow-through.",
    )
    commitments_per_session: int = param(
        2,
        unit="commitments",
        source="assumption",
        ge=0,
        le=5,
        desc="Commitments a mentee takes away from each session.",
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
    )
    seasons: bool = param(
        True,
        unit="-",
        source="relationship phases",
        desc="Quarterly reviews decide per relationship to deepen, narrow or sunset.",
    )
    circle_size: int = param(
        5, unit="members", source="assumption", ge=4, le=6, desc="Members of a circle (4-6) besides its facilitator."
    )
    sponsor_supply: float = param(
        0.15,
        unit="share of levels 4-5",
        source="C7",
        ge=0,
        le=1,
        desc="Share of level 4-5 employees who act as sponsors (sponsors are scarce).",
    )
    sponsor_capacity: int = param(2, unit="proteges", source="assumption", ge=1, le=10, desc="Proteges per sponsor.")
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

    @field_validator("format", "recognition", mode="wrap")
    @classmethod
    def _registered(cls, v: Any, handler: Any, info: Any) -> Any:
        """A format or policy registered at run time (``programs.register_format``, ``POLICIES``) is
        allowed too; the shipped ones (and their error) come from the field's choices."""
        from mentorsim.programs import FORMATS, POLICIES

        registry, shipped = (FORMATS, FORMATS_BUILTIN) if info.field_name == "format" else (POLICIES, RECOGNITIONS)
        if isinstance(v, str) and v in registry and v not in shipped:
            return v
        if set(registry) == set(shipped):
            return handler(v)
        if isinstance(v, str) and v in shipped:
            return handler(v)
        raise ValueError("Input should be " + ", ".join(repr(k) for k in registry))

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


class Costs(_Frozen):
    """What time and turnover cost, by level 1..5 (US dollars)."""

    hourly_cost_by_level: tuple[float, float, float, float, float] = param(
        (45.0, 60.0, 80.0, 105.0, 140.0),
        unit="USD per hour",
        source="assumption",
        desc="Loaded hourly cost of an employee's time at levels 1..5.",
    )
    annual_salary_by_level: tuple[float, float, float, float, float] = param(
        (60000.0, 80000.0, 105000.0, 140000.0, 190000.0),
        unit="USD per year",
        source="assumption",
        desc="Annual salary at levels 1..5, the base of replacement cost.",
    )
    replacement_cost_share_by_level: tuple[float, float, float, float, float] = param(
        (0.4, 0.4, 0.8, 0.8, 2.0),
        unit="share of salary",
        source="replacement cost",
        desc="Cost of replacing a leaver as a share of salary: ~40% frontline, 80% technical, 200% leaders.",
    )
    admin_per_participant_per_year: float = param(
        400.0,
        unit="USD per mentee-year",
        source="assumption",
        ge=0,
        le=1e6,
        desc="Program administration (platform, coordinator, training) per mentee.",
    )
    learning_credit_per_mentor_per_year: float = param(
        1000.0,
        unit="USD per mentor-year",
        source="assumption",
        ge=0,
        le=1e6,
        desc="Learning budget granted to each active mentor under learning_credits.",
    )
    celebration_per_mentor_per_year: float = param(
        150.0,
        unit="USD per mentor-year",
        source="assumption",
        ge=0,
        le=1e6,
        desc="Events and awards per active mentor under celebrate_impact.",
    )
    prep_hours_per_session: float = param(
        0.25,
        unit="hours",
        source="assumption",
        ge=0,
        le=10,
        desc="Mentor preparation time per session, on top of the session.",
    )

    @field_validator("hourly_cost_by_level", "annual_salary_by_level", "replacement_cost_share_by_level")
    @classmethod
    def _nonneg(cls, v: tuple[float, ...], info: Any) -> tuple[float, ...]:
        if any(x < 0 for x in v):
            raise ValueError("costs must not be negative")
        cap = MAX_COST_SHARE if info.field_name == "replacement_cost_share_by_level" else MAX_COST
        if any(x > cap for x in v):
            raise ValueError(f"must be at most {cap:,g} per level")
        return v


class Scenario(_Frozen):
    """One program design on one workforce, over a horizon."""

    name: str = Field("scenario", min_length=1, max_length=80, description="Short name shown in tables and plots.")

    @field_validator("name")
    @classmethod
    def _printable(cls, v: str) -> str:
        return printable(v)

    description: str = Field("", max_length=2000, description="What this scenario is, in plain words.")
    horizon_weeks: int = param(
        156,
        unit="weeks",
        source="assumption",
        ge=1,
        le=MAX_HORIZON_WEEKS,
        desc=f"Weeks simulated (156 = 3 years; at most {MAX_HORIZON_WEEKS}).",
    )
    workforce: Workforce = Field(default_factory=Workforce)
    program: Program = Field(default_factory=Program)
    costs: Costs = Field(default_factory=Costs)
    effects: Effects = Field(default_factory=Effects)
    mechanics: Mechanics = Field(default_factory=Mechanics)

    @model_validator(mode="after")
    def _shares(self) -> Scenario:
        for field, shares in (
            ("workforce.level_shares", self.workforce.level_shares),
            ("workforce.persona_shares", self.workforce.persona_shares),
        ):
            if any(s < 0 for s in shares) or abs(sum(shares) - 1.0) > 1e-6:
                raise ValueError(f"{field}: shares must be >= 0 and sum to 1 (got {list(shares)})")
        groups = self.workforce.groups
        names = [g.name for g in groups]
        if len(set(names)) != len(names):
            raise ValueError(f"workforce.groups: group names must differ (got {names})")
        for lvl in range(5):
            tot = sum(g.share_by_level[lvl] for g in groups)
            if abs(tot - 1.0) > 1e-6:
                raise ValueError(
                    f"workforce.groups: share_by_level must sum to 1 across groups at each level "
                    f"(got {tot:g} at level {lvl + 1}; allowed: shares that sum to 1)"
                )
        el = self.program.eligibility.groups
        if el != "all" and any(g not in names for g in el):
            raise ValueError(f"program.eligibility.groups: unknown group in {list(el)} (allowed: all or {names})")
        return self

    # ---- variants -------------------------------------------------------------------------
    def with_overrides(self, overrides: dict[str, Any], source: str = "overrides") -> Scenario:
        """A new validated scenario with dotted keys replaced, e.g. {"program.cadence": "weekly"}.

        >>> sc = Scenario().with_overrides({"program.format": "peer", "program.cadence": 3, "name": "peer"})
        >>> sc.name, sc.program.format, sc.program.cadence_label
        ('peer', 'peer', 'every 3 weeks')
        >>> sc.with_overrides({"program.cadense": "weekly"})
        Traceback (most recent call last):
        mentorsim.errors.ScenarioError: overrides: program.cadense: unknown field; did you mean 'program.cadence'?
        """
        doc = self.model_dump(mode="json")
        for key, value in overrides.items():
            _set_dotted(doc, key, value, source)
        return scenario_from_dict(doc, source)

    def without_program(self, name: str | None = None) -> Scenario:
        """The same organisation with no program: format none, no sponsorship overlay; ``name`` renames it."""
        if self.program.format == "none" and not self.program.sponsorship and name is None:
            return self
        return self.with_overrides(
            {"program.format": "none", "program.sponsorship": False, **({} if name is None else {"name": name})}
        )

    def get(self, dotted: str) -> Any:
        """The value at a dotted key, e.g. ``sc.get("program.cadence")``."""
        value: Any = self
        for key in dotted.split("."):
            value = getattr(value, key)
        return value

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)

    def dump(self, path: str | Path) -> None:
        Path(path).write_text(self.to_yaml(), encoding="utf-8")

    @property
    def label(self) -> str:
        return self.name
