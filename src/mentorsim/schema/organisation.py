"""The organisation a scenario describes: its workforce (who works here, how they leave, grow and are promoted) and its costs."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from mentorsim.schema.effects import Effects, FormatEffects, RecognitionEffects, RecognitionPolicies  # noqa: F401 (part of the schema)
from mentorsim.schema.validation import SchemaModel, param
from mentorsim.schema.world import DEFAULT_GROUPS, Group, InformalMentoring

MAX_WORKFORCE = 1_000_000
# costs stay finite in every sum: a salary or an hourly cost of at most 1e9 dollars, a replacement cost
# of at most 100 salaries
MAX_COST = 1e9
MAX_COST_SHARE = 100.0


class Workforce(SchemaModel):
    """Who works here at the start, and how they leave, grow and get promoted."""

    size: int = param(
        1000,
        unit="people",
        source="assumption",
        ge=10,
        le=MAX_WORKFORCE,
        desc=f"Target headcount; the starting workforce (10 to {MAX_WORKFORCE:,}).",
        role="input",
    )
    level_shares: tuple[float, float, float, float, float] = param(
        (0.34, 0.28, 0.2, 0.12, 0.06),
        unit="share",
        source="assumption",
        desc="Share of the starting workforce at levels 1..5 (a typical pyramid); must sum to 1.",
        role="input",
    )
    persona_shares: tuple[float, float, float, float] = param(
        (0.3, 0.15, 0.1, 0.45),
        unit="share",
        source="assumption",
        desc="Share of early_career, first_time_manager, career_pivoter, established; must sum to 1. "
        "Early-career people sit at levels 1-2 and first-time managers at 2-3.",
        role="input",
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


class Costs(SchemaModel):
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
