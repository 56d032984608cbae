"""The targets file's schema: the observed figures a calibration fits or checks, as pydantic models.

Which figures there are (:data:`TARGET_NAMES`), the free parameter that fits each by
default (:data:`FREE_PARAMETERS`), what each one measures (:data:`TARGET_DESCRIPTIONS`),
and the frozen models a targets file validates into (:class:`TargetsFile`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from mentorsim.schema.validation import StrictFrozen

#: The free parameter that fits each target by default, and its default search range.
FREE_PARAMETERS: dict[str, tuple[str, tuple[float, float]]] = {
    "monthly_quit_rate": ("workforce.base_weekly_quit_hazard", (0.0005, 0.03)),
    "first_year_quit_share": ("workforce.first_year_hazard_multiplier", (0.0, 20.0)),
    "early_quit_share": ("workforce.first_year_hazard_decay_weeks", (2.0, 52.0)),
    "annual_promotion_rate": ("workforce.promotion_base_logit", (-8.0, 0.0)),
    "internal_mobility_rate": ("workforce.self_goal_progress_per_week", (0.0, 0.05)),
    "participant_retention_gap": ("program.selection_strength", (0.0, 5.0)),
    "participant_promotion_ratio": ("workforce.promotion_ambition_slope", (0.0, 5.0)),
    "cadence_quality_correlation": ("program.momentum_weeks", (0.5, 52.0)),
    "sponsorship_promotion_ratio": ("program.sponsor_odds_ratio", (1.0, 5.0)),
}
TARGET_NAMES = tuple(FREE_PARAMETERS)
WORKFORCE_TARGETS = TARGET_NAMES[:5]
#: Targets measured on a program: their scenario must have one.
PROGRAM_TARGETS = TARGET_NAMES[5:]

TARGET_DESCRIPTIONS = {
    "monthly_quit_rate": "voluntary quits per month over average headcount (C1: 2.2%)",
    "first_year_quit_share": "share of new hires who quit within 52 weeks (C2: 33-40%)",
    "early_quit_share": "share of new hires' first-year quits that fall in their first 13 weeks (C2: about half)",
    "annual_promotion_rate": "promotions per year over average headcount (C3: about 6%)",
    "internal_mobility_rate": "internal role moves per year over average headcount",
    "participant_retention_gap": "participants vs non-participants of the starting workforce, at the horizon: "
    "quit hazard ratio ln(share staying) / ln(share of non-participants staying) "
    "(C4: 0.46 for mentees, 0.52 for mentors), or the difference in share staying",
    "participant_promotion_ratio": "participants vs non-participants of the starting workforce, at the horizon: "
    "share promoted at least once over the non-participants' share (C5: 5x for "
    "mentees, 5.6x for mentors), or the difference of the shares",
    "cadence_quality_correlation": "across relationships of at least min_weeks (13) weeks, the correlation of "
    "meetings per month with relationship quality (C6: about 0.25)",
    "sponsorship_promotion_ratio": "sponsored starting employees' share promoted at least once, over the same "
    "people's share in the same scenario without the sponsorship overlay "
    "(same seed; C7: up to about 1.3)",
}


class Target(StrictFrozen):
    """One observed figure: its value, how close the model must come, and where it is from."""

    value: float = Field(description="The observed figure, in the metric's unit (shares as 0..1, e.g. 0.022).")
    tolerance: float = Field(gt=0, le=1, description="How close the simulated mean must come (same unit).")
    evidence: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="Where the figure comes from: an evidence ID (C1..C7) or your own source.",
    )
    fit: bool = Field(
        True,
        description="true: fit it with a free parameter; false: only check it (simulate and "
        "report it beside its value).",
    )
    parameter: str | None = Field(None, description="The parameter to fit it with (default: the documented one).")
    search: tuple[float, float] | None = Field(None, description="Search range of that parameter [low, high].")
    scenario: str | None = Field(
        None,
        min_length=1,
        description="Scenario YAML to measure it on, relative to the targets file (default: the file's scenario).",
    )
    replications: int | None = Field(
        None, ge=1, le=200, description="Replications of its scenario per evaluation (default: the file's)."
    )
    note: str = Field("", max_length=2000)

    @field_validator("search")
    @classmethod
    def _search(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not v[0] < v[1]:
            raise ValueError("must be [low, high] with low < high")
        return v


class RateTarget(Target):
    """An observed rate or share of the workforce (C1-C3)."""

    value: float = Field(ge=0, le=1, description="The observed share or rate, 0..1 (e.g. 2.2% a month is 0.022).")


def _measured(t: Any, ratio: str, ratio_words: str, difference_words: str) -> Any:
    """A gap target's value checked for its measure: a ratio is > 0, a difference within -1..1."""
    if t.measure == ratio and not t.value > 0:
        raise ValueError(f"{ratio_words} must be > 0 (got {t.value!r})")
    if t.measure != ratio and not -1 <= t.value <= 1:
        raise ValueError(f"{difference_words} must be within -1..1 (got {t.value!r})")
    return t


class GapTarget(Target):
    """A retention gap of mentees or mentors against non-participants (C4, C5)."""

    measure: Literal["hazard_ratio", "retention_difference"] = "hazard_ratio"
    group: Literal["mentees", "mentors"] = "mentees"
    value: float = Field(ge=-1, le=10, description="hazard_ratio: > 0 (C4: 0.46); retention_difference: -1..1.")
    tolerance: float = Field(gt=0, le=5)

    @model_validator(mode="after")
    def _value(self) -> GapTarget:
        return _measured(self, "hazard_ratio", "a hazard_ratio", "a retention_difference")


class PromotionTarget(Target):
    """A promotion gap of mentees or mentors against non-participants (C4, C5)."""

    measure: Literal["ratio", "difference"] = "ratio"
    group: Literal["mentees", "mentors"] = "mentees"
    value: float = Field(ge=-1, le=100, description="ratio: > 0 (C5: 5 for mentees); difference: -1..1.")
    tolerance: float = Field(gt=0, le=50)

    @model_validator(mode="after")
    def _value(self) -> PromotionTarget:
        return _measured(self, "ratio", "a promotion ratio", "a promotion difference")


class CorrelationTarget(Target):
    """A correlation between meeting frequency and outcome (C6)."""

    value: float = Field(ge=-1, le=1, description="A correlation, -1..1 (C6: 0.25).")
    tolerance: float = Field(gt=0, le=2)
    min_weeks: int = Field(13, ge=1, le=520, description="Count relationships that lasted at least this many weeks.")


class SponsorshipTarget(Target):
    """The promotion ratio of sponsored against unsponsored mentees (C7)."""

    value: float = Field(gt=0, le=100, description="A ratio of promotion shares, > 0 (C7: up to about 1.3).")
    tolerance: float = Field(gt=0, le=50)


def _target_list(model: type[Target]) -> Any:
    return Field(
        None, min_length=1, description=f"One figure (a mapping) or several (a list of mappings); see {model.__name__}."
    )


class Targets(StrictFrozen):
    """The observed figures; give at least one. Each is a mapping, or a list of mappings for several."""

    monthly_quit_rate: list[RateTarget] | None = _target_list(RateTarget)
    first_year_quit_share: list[RateTarget] | None = _target_list(RateTarget)
    early_quit_share: list[RateTarget] | None = _target_list(RateTarget)
    annual_promotion_rate: list[RateTarget] | None = _target_list(RateTarget)
    internal_mobility_rate: list[RateTarget] | None = _target_list(RateTarget)
    participant_retention_gap: list[GapTarget] | None = _target_list(GapTarget)
    participant_promotion_ratio: list[PromotionTarget] | None = _target_list(PromotionTarget)
    cadence_quality_correlation: list[CorrelationTarget] | None = _target_list(CorrelationTarget)
    sponsorship_promotion_ratio: list[SponsorshipTarget] | None = _target_list(SponsorshipTarget)

    @field_validator("*", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, dict) else v

    def items(self) -> list[tuple[str, str, Target]]:
        """(label, kind, target) of every figure, in kind order; label is kind, or kind[i] in a list of several."""
        out = []
        for k in TARGET_NAMES:
            ts = getattr(self, k) or []
            out += [(k if len(ts) == 1 else f"{k}[{i}]", k, t) for i, t in enumerate(ts)]
        return out


class TargetsFile(StrictFrozen):
    """A targets file: a base scenario and the observed figures to calibrate it to."""

    name: str | None = Field(None, min_length=1, max_length=80, description="Name of the calibrated scenario.")
    description: str = Field("", max_length=2000)
    scenario: str | dict[str, Any] = Field(
        description="Base scenario: a YAML path (relative to the targets file) or an inline scenario mapping."
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="Dotted overrides applied to the base and to every target's own scenario."
    )
    observed_with_program: bool = Field(
        False,
        description="False: the workforce figures were observed with no "
        "program, so they are simulated on the scenario with format none.",
    )
    replications: int = Field(8, ge=1, le=200)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    max_evaluations: int = Field(40, ge=1, le=2000)
    targets: Targets

    @field_validator("targets")
    @classmethod
    def _some(cls, v: Targets) -> Targets:
        if not v.items():
            raise ValueError(f"give at least one of {', '.join(TARGET_NAMES)}")
        return v
