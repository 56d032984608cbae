"""How sessions and relationships work (``mechanics.sessions``, ``mechanics.relationships``)."""

from __future__ import annotations

from mentorsim.schema.validation import SchemaModel, param

A = "assumption"


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
