"""Goals, burnout and sponsors (``mechanics.goals``, ``mechanics.burnout``, ``mechanics.sponsors``)."""

from __future__ import annotations

from mentorsim.schema.validation import SchemaModel, param

A = "assumption"


class Goals(SchemaModel):
    """Commitments and career goals."""

    commitment_base: float = param(
        0.35,
        unit="probability",
        source=A,
        ge=0,
        le=1,
        sensitivity=(0.2, 0.5),
        desc="Chance a commitment is done between sessions with no preparation.",
    )
    commitment_preparation: float = param(
        0.4,
        unit="probability per preparation",
        source=A,
        ge=0,
        le=1,
        sensitivity=(0.2, 0.6),
        desc="How much fully prepared sessions add to the chance a commitment is done.",
    )
    reached_skill_bonus: float = param(
        0.05,
        unit="skill",
        source=A,
        ge=0,
        le=0.5,
        sensitivity=(0.0, 0.1),
        desc="Goal-skill gain of reaching one's career goal.",
    )
    reached_engagement_bonus: float = param(
        0.05,
        unit="engagement",
        source=A,
        ge=0,
        le=0.5,
        sensitivity=(0.0, 0.1),
        desc="Engagement lift of reaching one's career goal.",
    )
    move_engagement_bonus: float = param(
        0.1,
        unit="engagement",
        source=A,
        ge=0,
        le=0.5,
        sensitivity=(0.0, 0.2),
        desc="Extra engagement lift of a career pivoter's internal move.",
    )


class Burnout(SchemaModel):
    """Mentor strain: load over capacity builds burnout, which recovers slowly (assumptions)."""

    stress_per_week: float = param(
        0.025,
        unit="burnout per x over per week",
        source=A,
        ge=0,
        le=1,
        sensitivity=(0.0125, 0.05),
        desc="Weekly burnout added per unit of load above stress_onset (x capacity).",
    )
    stress_onset: float = param(
        0.8,
        unit="x capacity",
        source=A,
        ge=0,
        le=3,
        sensitivity=(0.6, 1.0),
        desc="Load (x capacity) above which a mentor feels strain.",
    )
    boundaries_buffer: float = param(
        0.5,
        unit="share",
        source=A,
        ge=0,
        le=1,
        sensitivity=(0.25, 0.75),
        desc="Share of strain clear boundaries absorb at program.boundaries = 1.",
    )
    recovery_per_week: float = param(
        0.01,
        unit="burnout per week",
        source=A,
        ge=0,
        le=0.5,
        sensitivity=(0.005, 0.02),
        desc="Burnout that recovers each week.",
    )
    threshold: float = param(
        0.6,
        unit="burnout",
        source=A,
        ge=0.01,
        le=1,
        sensitivity=(0.45, 0.75),
        desc="Burnout at which a mentor burns out and steps back from mentoring.",
    )
    engagement_loss: float = param(
        0.1,
        unit="engagement",
        source=A,
        ge=0,
        le=1,
        sensitivity=(0.05, 0.2),
        desc="Engagement a mentor loses on burning out.",
    )
    engagement_drag: float = param(
        0.02,
        unit="engagement per burnout per week",
        source=A,
        ge=0,
        le=0.5,
        sensitivity=(0.01, 0.04),
        desc="Weekly engagement loss per unit of burnout while it lasts.",
    )
    hazard_per_burnout: float = param(
        1.0,
        unit="x per burnout",
        source=A,
        ge=0,
        le=10,
        sensitivity=(0.5, 2.0),
        desc="A mentor's quit hazard is times (1 + this x burnout).",
    )


class Sponsors(SchemaModel):
    """What a sponsor does besides the odds ratio (assumptions)."""

    hours_per_protege_per_month: float = param(
        1.0,
        unit="hours per month",
        source=A,
        ge=0,
        le=40,
        sensitivity=(0.5, 2.0),
        desc="Sponsor time per protege a month.",
    )
    early_review_share: float = param(
        0.5,
        unit="share",
        source=A,
        ge=0,
        le=1,
        sensitivity=(0.5, 1.0),
        desc="A sponsor puts a protege up for review after this share of the usual time in level.",
    )
