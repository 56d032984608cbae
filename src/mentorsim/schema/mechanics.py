"""How the model's mechanisms work: every behavioural number the engine uses that is not a program
lever, a workforce input or a format's effect size (``scenario.mechanics``).

Each is a registered parameter (unit, range, source, sensitivity range), shown by ``mentorsim
params``, overridable (``mechanics.burnout.threshold: 0.7``) and sweepable. Most are assumptions:
no study measures a mentor's weekly strain or the chance a commitment is done. Structural constants
(the week, a quarter, the order of the weekly steps) stay in the code, named.
"""

from __future__ import annotations

from pydantic import Field

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


class Sessions(SchemaModel):
    """What happens at a scheduled session: whether it is held, and what it does."""

    overload_cancel_share: float = param(
        0.7,
        unit="share",
        source=A,
        ge=0,
        le=1,
        sensitivity=(0.5, 0.9),
        desc="Share of the sessions beyond what a mentor can give that they cancel; "
        "the rest they squeeze in, under strain. A mentor at twice their "
        "capacity cancels this x 1/2 of sessions (on top of friction).",
    )
    no_show_friction_share: float = param(
        0.5,
        unit="x",
        source=A,
        ge=0,
        le=2,
        sensitivity=(0.25, 0.75),
        desc="A mentee's chance of missing a session, as a share of scheduling friction.",
    )
    no_show_engagement_slope: float = param(
        0.2,
        unit="probability per engagement",
        source=A,
        ge=0,
        le=2,
        sensitivity=(0.1, 0.3),
        desc="Extra chance a mentee misses per unit of engagement below reference.",
    )
    momentum_floor: float = param(
        0.3,
        unit="share",
        source="C6",
        ge=0,
        le=1,
        sensitivity=(0.15, 0.5),
        desc="Share of a session's benefit kept however long since the last one.",
    )
    fit_floor: float = param(
        0.5,
        unit="x",
        source="matching input",
        ge=0,
        le=2,
        sensitivity=(0.25, 0.75),
        desc="A session's benefit is times (fit_floor + fit): fit 0.5 gives the reference benefit.",
    )
    quality_weight: float = param(
        0.5,
        unit="share",
        source="C6",
        ge=0,
        le=1,
        sensitivity=(0.25, 0.75),
        desc="How much a relationship's quality scales a session's benefit (skill, engagement, "
        "goal progress): times (1 - w) + w x quality / reference_quality.",
    )
    reference_quality: float = param(
        0.5,
        unit="0..1",
        source=A,
        ge=0.05,
        le=1,
        desc="Relationship quality at which a session gives its reference benefit.",
    )
    reference_session_minutes: float = param(
        60.0,
        unit="minutes",
        source="mentor time",
        ge=15,
        le=240,
        desc="Session length at which a session gives the reference benefit (practice: 45-60 minutes).",
    )
    length_elasticity: float = param(
        1.0,
        unit="-",
        source=A,
        ge=0,
        le=1.5,
        sensitivity=(0.5, 1.0),
        desc="A session's benefit is times (length / reference_session_minutes) to this "
        "power: 1 = the same benefit per hour whatever the length (a board's short "
        "sessions give no more per hour than one-on-one's).",
    )
    preparation_teaching: float = param(
        0.5,
        unit="x per preparation",
        source=A,
        ge=0,
        le=2,
        sensitivity=(0.0, 1.0),
        desc="How much preparation changes what a session teaches: skill gain times "
        "1 + this x (program.preparation - 0.5).",
    )
    quality_growth: float = param(
        0.12,
        unit="share per session",
        source="C6",
        ge=0,
        le=1,
        sensitivity=(0.06, 0.2),
        desc="Share of the gap to its ceiling a relationship's quality closes per held session.",
    )
    missed_quality_loss: float = param(
        0.02,
        unit="quality",
        source=A,
        ge=0,
        le=0.5,
        sensitivity=(0.01, 0.04),
        desc="Quality a relationship loses when a session falls through.",
    )


class Relationships(SchemaModel):
    """How relationships start, grow, end early and review their season."""

    start_quality: float = param(
        0.15,
        unit="0..1",
        source="relationship phases",
        ge=0,
        le=1,
        sensitivity=(0.05, 0.25),
        desc="Lowest starting quality of a relationship (it starts tentative).",
    )
    start_quality_spread: float = param(
        0.2,
        unit="0..1",
        source=A,
        ge=0,
        le=1,
        sensitivity=(0.1, 0.3),
        desc="Spread of starting quality above start_quality (uniform).",
    )
    ceiling_base: float = param(
        0.1,
        unit="0..1",
        source=A,
        ge=0,
        le=1,
        sensitivity=(0.0, 0.2),
        desc="Quality ceiling of a relationship of fit 0 and average chemistry.",
    )
    ceiling_fit: float = param(
        0.8,
        unit="per fit",
        source="matching input",
        ge=0,
        le=2,
        sensitivity=(0.5, 1.0),
        desc="How much goal fit raises a relationship's quality ceiling.",
    )
    ceiling_chemistry: float = param(
        1.0,
        unit="per unit chemistry",
        source="C6",
        ge=0,
        le=2,
        sensitivity=(0.6, 1.4),
        desc="How much chemistry (uniform, centred) moves the quality ceiling.",
    )
    early_end_weeks: int = param(
        26,
        unit="weeks",
        source="early endings",
        ge=1,
        le=104,
        desc="A relationship ending this young is an early ending (it may fizzle out, and it hurts).",
    )
    early_dissolution: float = param(
        0.15,
        unit="probability",
        source="early endings",
        ge=0,
        le=1,
        sensitivity=(0.05, 0.3),
        desc="Chance a young relationship ends after a session falls through, at zero "
        "quality and no boundaries (times (1 - boundaries) x (1 - quality)).",
    )
    early_end_engagement_loss: float = param(
        0.03,
        unit="engagement",
        source="early endings",
        ge=0,
        le=0.5,
        sensitivity=(0.01, 0.06),
        desc="Engagement a mentee loses when their relationship ends early.",
    )
    sunset_quality: float = param(
        0.35,
        unit="0..1",
        source="relationship phases",
        ge=0,
        le=1,
        sensitivity=(0.25, 0.45),
        desc="A relationship below this quality at a season review sunsets.",
    )
    deepen_quality: float = param(
        0.65,
        unit="0..1",
        source="relationship phases",
        ge=0,
        le=1,
        sensitivity=(0.55, 0.75),
        desc="A relationship at or above this quality (mentor not overloaded) deepens.",
    )
    deepen_quality_gain: float = param(
        0.03,
        unit="quality",
        source=A,
        ge=0,
        le=0.5,
        sensitivity=(0.0, 0.06),
        desc="Quality a relationship gains when it deepens.",
    )
    narrow_overload: float = param(
        1.1,
        unit="x capacity",
        source=A,
        ge=0,
        le=5,
        sensitivity=(0.9, 1.3),
        desc="Mentor load (x capacity) above which a season review narrows a relationship.",
    )
    narrow_max_months: float = param(
        2.0,
        unit="months",
        source="real-world meeting rhythm",
        ge=0.25,
        le=12,
        desc="Longest cadence a narrowing goes to (narrowing doubles the cadence up to this).",
    )


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


class Mechanics(SchemaModel):
    """How the model's mechanisms work (mostly assumptions, each with a sensitivity range)."""

    people: People = Field(default_factory=People)
    volunteering: Volunteering = Field(default_factory=Volunteering)
    sessions: Sessions = Field(default_factory=Sessions)
    relationships: Relationships = Field(default_factory=Relationships)
    goals: Goals = Field(default_factory=Goals)
    burnout: Burnout = Field(default_factory=Burnout)
    sponsors: Sponsors = Field(default_factory=Sponsors)
