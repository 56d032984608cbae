"""Effect sizes: how strongly a held session of each format works and what each recognition policy
changes (``scenario.effects``). Mostly assumptions, all overridable and sweepable, each with a
sensitivity range.

The shipped formats and policies have a field each here. A format or policy registered at run time
(``mentorsim.programs``) without one brings its own defaults (its ``effect_defaults``) and gets the same
keys, ``effects.<format>.<field>`` and ``effects.recognition.<policy>.<field>``: see :class:`Plugins`."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from mentorsim.schema.validation import SchemaModel, param, variant

_Frozen = SchemaModel


class FormatEffects(_Frozen):
    """How strongly a held session of a format works. No workplace evidence exists for circles,
    peer, reverse or board effects (EVIDENCE.md gaps): these are assumptions, exposed to sensitivity
    analysis. By default no such format gets more per participant hour than one-on-one (the format
    with evidence): its differences come from named mechanisms (capacity, cost, attendance, the
    hot seat and vicarious learning, surviving a mentor's exit), each a field here."""

    expertise: float = param(
        1.0,
        unit="x",
        source="assumption",
        ge=0,
        le=3,
        sensitivity=(0.5, 1.5),
        desc="Skill gain per session relative to a senior expert mentor.",
    )
    friction: float = param(
        1.0,
        unit="x",
        source="assumption",
        ge=0,
        le=3,
        sensitivity=(0.5, 1.5),
        desc="Multiplier on scheduling friction (peers and boards schedule more easily).",
    )
    no_show: float = param(
        1.0,
        unit="x",
        source="assumption",
        ge=0,
        le=3,
        sensitivity=(0.5, 1.5),
        desc="Multiplier on a mentee's chance of missing a session (peers: less intimidation).",
    )
    commitment_bonus: float = param(
        0.0,
        unit="probability",
        source="assumption",
        ge=-0.5,
        le=0.5,
        sensitivity=(-0.1, 0.1),
        desc="Added chance that a commitment is done (peers try more experiments).",
    )
    engagement: float = param(
        1.0,
        unit="x",
        source="assumption",
        ge=0,
        le=5,
        sensitivity=(0.5, 1.5),
        desc="Multiplier on a session's engagement gain for the mentee (belonging in circles).",
    )
    focus_share: float = param(
        1.0,
        unit="share",
        source="assumption",
        ge=0,
        le=1,
        sensitivity=(0.5, 1.0),
        desc="Share of a session spent on the mentee's own goal (a peer pair splits its time "
        "between the two partners' goals).",
    )
    session_factor: float = param(
        1.0,
        unit="x",
        source="assumption",
        ge=0.1,
        le=3,
        sensitivity=(0.5, 1.5),
        desc="Session length relative to program.session_minutes (boards meet briefly).",
    )
    mentor_engagement: float = param(
        0.3,
        unit="x",
        source="mentor-side effects",
        ge=0,
        le=3,
        sensitivity=(0.0, 0.6),
        desc="A session's engagement gain for the mentor, relative to the mentee's "
        "(mentors report more satisfaction and commitment; Ghosh & Reio 2013).",
    )
    mentor_visibility: float = param(
        0.0,
        unit="log-odds",
        source="assumption",
        ge=-2,
        le=3,
        sensitivity=(0.0, 0.5),
        desc="Promotion log-odds for active mentors from being seen (juniors in reverse mentoring).",
    )
    vicarious: float = param(
        0.0,
        unit="share",
        source="assumption",
        ge=0,
        le=1,
        sensitivity=(0.0, 0.5),
        desc="Share of the hot-seat benefit the other circle members get by listening.",
    )


if TYPE_CHECKING:  # variant() makes these subclasses at run time; mypy reads these declarations

    class OneOnOneEffects(FormatEffects):
        """OneOnOneEffects: defaults set by variant() below."""

    class PeerEffects(FormatEffects):
        """PeerEffects: defaults set by variant() below."""

    class CircleEffects(FormatEffects):
        """CircleEffects: defaults set by variant() below."""

    class ReverseEffects(FormatEffects):
        """ReverseEffects: defaults set by variant() below."""

    class MicroBoardEffects(FormatEffects):
        """MicroBoardEffects: defaults set by variant() below."""
else:
    OneOnOneEffects = variant(FormatEffects, "OneOnOneEffects", "Effect sizes of one-on-one mentoring (the reference).")
    PeerEffects = variant(
        FormatEffects,
        "PeerEffects",
        "Effect sizes of peer mentoring (assumptions).",
        expertise=0.5,
        friction=0.7,
        no_show=0.5,
        focus_share=0.5,
    )
    CircleEffects = variant(
        FormatEffects,
        "CircleEffects",
        "Effect sizes of mentoring circles (assumptions).",
        expertise=0.9,
        vicarious=0.35,
    )
    ReverseEffects = variant(
        FormatEffects, "ReverseEffects", "Effect sizes of reverse mentoring (assumptions).", expertise=0.7
    )
    MicroBoardEffects = variant(
        FormatEffects,
        "MicroBoardEffects",
        "Effect sizes of micro-mentor boards (assumptions).",
        expertise=0.8,
        friction=0.6,
        session_factor=0.5,
    )


class RecognitionEffects(_Frozen):
    """What a recognition policy changes for mentors (ATD ~2023: 46% of organisations recognise
    mentoring, 25% count it in promotions; effect sizes are assumptions)."""

    supply: float = param(
        1.0,
        unit="x",
        source="recognition in practice",
        ge=0,
        le=5,
        sensitivity=(1.0, 2.0),
        desc="Multiplier on the share of eligible mentors who volunteer.",
    )
    burnout_buffer: float = param(
        0.0,
        unit="share",
        source="assumption",
        ge=0,
        le=1,
        sensitivity=(0.0, 0.5),
        desc="Share of overload stress the policy absorbs.",
    )
    hazard: float = param(
        1.0,
        unit="x",
        source="mentor-side effects",
        ge=0,
        le=3,
        sensitivity=(0.8, 1.0),
        desc="Quit hazard multiplier of active mentors (mentors' own turnover intent is not clearly lower).",
    )
    promotion_logit: float = param(
        0.0,
        unit="log-odds",
        source="C5",
        ge=-2,
        le=5,
        sensitivity=(0.0, 2.0),
        desc="Promotion log-odds for active mentors at reviews (C5: mentors promoted ~5.6x).",
    )
    engagement_boost: float = param(
        0.0,
        unit="engagement",
        source="assumption",
        ge=0,
        le=0.5,
        sensitivity=(0.0, 0.1),
        desc="Engagement lift for active mentors at each 26-week recognition cycle.",
    )
    session_lift: float = param(
        0.5,
        unit="x",
        source="assumption",
        ge=0,
        le=3,
        sensitivity=(0.0, 1.0),
        desc="How much more a recognised mentor gains in engagement from a session "
        "(policies that recognise mentors only).",
    )
    skill_per_cycle: float = param(
        0.0,
        unit="skill",
        source="assumption",
        ge=0,
        le=0.2,
        sensitivity=(0.0, 0.02),
        desc="What each recognition cycle adds to every skill of an active mentor (a learning budget).",
    )
    burnout_relief: float = param(
        0.0,
        unit="burnout",
        source="assumption",
        ge=0,
        le=1,
        sensitivity=(0.0, 0.2),
        desc="Burnout each recognition cycle takes away from an active mentor (a celebration).",
    )


if TYPE_CHECKING:  # variant() makes these subclasses at run time; mypy reads these declarations

    class ReviewCreditEffects(RecognitionEffects):
        """ReviewCreditEffects: defaults set by variant() below."""

    class LearningCreditsEffects(RecognitionEffects):
        """LearningCreditsEffects: defaults set by variant() below."""

    class CelebrateImpactEffects(RecognitionEffects):
        """CelebrateImpactEffects: defaults set by variant() below."""
else:
    ReviewCreditEffects = variant(
        RecognitionEffects,
        "ReviewCreditEffects",
        "Mentoring counts in performance reviews.",
        supply=1.5,
        burnout_buffer=0.2,
        hazard=0.95,
        promotion_logit=1.5,
        engagement_boost=0.02,
    )
    LearningCreditsEffects = variant(
        RecognitionEffects,
        "LearningCreditsEffects",
        "Mentors get a learning budget.",
        supply=1.3,
        burnout_buffer=0.1,
        hazard=0.9,
        promotion_logit=0.15,
        engagement_boost=0.03,
        skill_per_cycle=0.01,
    )
    CelebrateImpactEffects = variant(
        RecognitionEffects,
        "CelebrateImpactEffects",
        "Mentors' impact is celebrated publicly.",
        supply=1.25,
        burnout_buffer=0.35,
        hazard=0.85,
        promotion_logit=0.1,
        engagement_boost=0.06,
        burnout_relief=0.1,
    )


class _Unknown:
    """A key of an effects section that names neither a field nor a registered plug-in (a typo)."""


def _refuse_unknown(v: Any) -> Any:
    if isinstance(v, _Unknown):
        raise PydanticCustomError("extra_forbidden", "Extra inputs are not permitted")
    return v


def _json_schema(schema: dict[str, Any], cls: Any) -> None:
    """No keys besides the fields, unless plug-ins are registered: then their names too."""
    names = [*cls.model_fields, *cls.plugin_names()]
    if len(names) == len(cls.model_fields):
        schema["additionalProperties"] = False
    else:
        schema["propertyNames"] = {"enum": names}


class Plugins(_Frozen):
    """An effects section that holds, besides its fields, the effect sizes of the plug-ins of a registry
    of :mod:`mentorsim.programs` (``registry``) that have effect sizes and no field here: each under its
    name, a ``plugin_model`` from the plug-in's ``effect_defaults`` and what the scenario sets. Any other
    key is refused as an unknown field."""

    model_config = ConfigDict(extra="allow", json_schema_extra=_json_schema)
    #: the registry of mentorsim.programs ("FORMATS" or "POLICIES") and the model of a plug-in's effect sizes
    registry: ClassVar[str]
    plugin_model: ClassVar[type[SchemaModel]]

    @classmethod
    def plugins(cls) -> dict[str, Mapping[str, float]]:
        """The registered plug-ins with effect sizes and no field here: name -> their effect defaults."""
        from mentorsim import programs  # programs import the schema, so the registry is read when asked

        if cls.registry == "FORMATS":
            on = {n: (f.holds_sessions, f.effect_defaults) for n, f in programs.FORMATS.items()}
        else:
            on = {n: (c.has_cycle(), c.effect_defaults) for n, c in programs.POLICIES.items()}
        return {n: dict(d) for n, (has, d) in on.items() if has and n not in cls.model_fields}

    @classmethod
    def plugin_names(cls) -> list[str]:
        return list(cls.plugins())

    @classmethod
    def plugin_defaults(cls, name: str) -> type[SchemaModel]:
        """The model of a plug-in's effect sizes with its defaults (and their sensitivity ranges)."""
        return _variant(cls.plugin_model, name, tuple(sorted(cls.plugins()[name].items())))

    @model_validator(mode="before")
    @classmethod
    def _plugins(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        plugins = cls.plugins()
        out: dict[str, Any] = {}
        for k, v in data.items():
            if k in cls.model_fields:
                out[k] = v
            elif k in plugins:
                out[k] = {**plugins[k], **v} if isinstance(v, dict) else v
            else:
                out[k] = _Unknown()
        for k, d in plugins.items():
            out.setdefault(k, d)
        return out


@cache
def _variant(base: type[SchemaModel], name: str, defaults: tuple[tuple[str, float], ...]) -> type[SchemaModel]:
    title = "".join(w.capitalize() for w in name.split("_")) + "Effects"
    return variant(base, title, f"Effect sizes of {name} (a registered plug-in).", **dict(defaults))


class RecognitionPolicies(Plugins):
    """Effect sizes of each mentor recognition policy; ``program.recognition`` picks one."""

    registry: ClassVar[str] = "POLICIES"
    plugin_model: ClassVar[type[SchemaModel]] = RecognitionEffects
    __pydantic_extra__: dict[str, Annotated[RecognitionEffects, BeforeValidator(_refuse_unknown)]] = Field(init=False)

    review_credit: ReviewCreditEffects = Field(default_factory=ReviewCreditEffects)
    learning_credits: LearningCreditsEffects = Field(default_factory=LearningCreditsEffects)
    celebrate_impact: CelebrateImpactEffects = Field(default_factory=CelebrateImpactEffects)


class Effects(Plugins):
    """Effect sizes of the formats and recognition policies: mostly assumptions, all overridable
    (e.g. ``effects.circle.vicarious``) so sweeps and sensitivity analysis can vary them."""

    registry: ClassVar[str] = "FORMATS"
    plugin_model: ClassVar[type[SchemaModel]] = FormatEffects
    __pydantic_extra__: dict[str, Annotated[FormatEffects, BeforeValidator(_refuse_unknown)]] = Field(init=False)

    one_on_one: OneOnOneEffects = Field(default_factory=OneOnOneEffects)
    peer: PeerEffects = Field(default_factory=PeerEffects)
    circle: CircleEffects = Field(default_factory=CircleEffects)
    reverse: ReverseEffects = Field(default_factory=ReverseEffects)
    micro_board: MicroBoardEffects = Field(default_factory=MicroBoardEffects)
    recognition: RecognitionPolicies = Field(default_factory=RecognitionPolicies)
