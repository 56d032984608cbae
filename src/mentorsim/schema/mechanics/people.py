"""What people are like when they join, and who volunteers (``mechanics.people``, ``mechanics.volunteering``)."""

from __future__ import annotations

from mentorsim.schema.validation import SchemaModel, param

A = "assumption"


class People(SchemaModel):
    """What people are like when they join: skills by level, engagement, goals (assumptions)."""

    skill_base: float = param(
        0.15,
        unit="skill",
        source=A,
        ge=0,
        le=1,
        sensitivity=(0.1, 0.2),
        desc="Typical skill at a level is skill_base + skill_per_level x level (0.30 at level 1).",
    )
    skill_per_level: float = param(
        0.15,
        unit="skill per level",
        source=A,
        ge=0,
        le=0.25,
        sensitivity=(0.12, 0.18),
        desc="How much more skill each level up typically holds.",
    )
    readiness_offset: float = param(
        0.10,
        unit="skill",
        source=A,
        ge=-0.5,
        le=0.5,
        sensitivity=(0.05, 0.15),
        desc="Skill above a level's typical skill needed to be ready to move up.",
    )
    skill_sd: float = param(
        0.08,
        unit="skill",
        source=A,
        ge=0,
        le=0.5,
        sensitivity=(0.04, 0.12),
        desc="Spread (sd) of a person's skills around their level's typical skill.",
    )
    tenure_skill_growth: float = param(
        0.10,
        unit="skill",
        source=A,
        ge=0,
        le=0.5,
        sensitivity=(0.05, 0.15),
        desc="Most skill a starting employee has grown toward their next level while in post.",
    )
    engagement_ambition: float = param(
        0.07,
        unit="engagement per sd",
        source=A,
        ge=0,
        le=0.3,
        sensitivity=(0.03, 0.1),
        desc="How much more engaged (baseline) an ambitious person is, per sd of ambition.",
    )
    engagement_sd: float = param(
        0.06,
        unit="engagement",
        source=A,
        ge=0,
        le=0.3,
        sensitivity=(0.03, 0.09),
        desc="Spread (sd) of baseline engagement not explained by ambition.",
    )
    reference_engagement: float = param(
        0.6,
        unit="0..1",
        source=A,
        ge=0.05,
        le=0.95,
        desc="Average baseline engagement: the engagement at which quit hazards and "
        "session attendance take their reference values.",
    )
    goal_rate_ambition: float = param(
        0.3,
        unit="x per sd",
        source=A,
        ge=0,
        le=1,
        sensitivity=(0.15, 0.45),
        desc="How much faster an ambitious person progresses toward their goal alone, per sd.",
    )
    initial_goal_progress: float = param(
        0.3,
        unit="goal",
        source=A,
        ge=0,
        le=1,
        sensitivity=(0.15, 0.45),
        desc="Most progress a starting employee has made toward their goal.",
    )
    mentor_capacity_spread: float = param(
        0.35,
        unit="log-sd",
        source="mentor time",
        ge=0,
        le=2,
        sensitivity=(0.2, 0.5),
        desc="Mentors differ in what they can give: each person's hours before "
        "overload are program.mentor_hours_per_month times a log-normal factor "
        "of mean 1 and this log-sd (practice: 2-4 hours a month).",
    )
    promotion_engagement_bonus: float = param(
        0.08,
        unit="engagement",
        source=A,
        ge=0,
        le=0.5,
        sensitivity=(0.04, 0.12),
        desc="Engagement lift of being promoted.",
    )
    recent_promotion_weeks: int = param(
        26,
        unit="weeks",
        source=A,
        ge=1,
        le=104,
        desc="How long after a promotion the recent-promotion quit hazard applies.",
    )


class Volunteering(SchemaModel):
    """Who volunteers (as mentee, mentor or sponsor): what the selection strength weighs."""

    ambition_weight: float = param(
        0.7,
        unit="weight",
        source="C5",
        ge=0,
        le=1,
        sensitivity=(0.5, 0.9),
        desc="Weight of ambition (vs engagement) in the inclination to volunteer; "
        "the engagement weight is 1 minus this.",
    )
    engagement_scale: float = param(
        0.08,
        unit="engagement per sd",
        source=A,
        ge=0.01,
        le=0.5,
        desc="Engagement difference that counts as one sd in the inclination to volunteer.",
    )
    sponsor_ambition_weight: float = param(
        0.5,
        unit="per sd",
        source=A,
        ge=0,
        le=5,
        sensitivity=(0.25, 1.0),
        desc="How strongly sponsors pick proteges on ambition (vs visibility noise).",
    )
    assigned_preparation: float = param(
        0.8,
        unit="x",
        source=A,
        ge=0,
        le=2,
        sensitivity=(0.6, 1.0),
        desc="An assigned mentee (program.enrolment: assigned) did not choose to "
        "take part: their preparation is the program's times this (no "
        "evidence compares how assigned participants engage; 1 = as volunteers).",
    )
