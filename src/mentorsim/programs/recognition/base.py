"""The hooks of a recognition policy, and the two bases: no recognition, and recognising mentors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:
    from mentorsim.schema.scenario import Costs, RecognitionEffects
    from mentorsim.schema.workforce import People


class _Effect:
    """An effect size of a policy, read from the policy's ``effects``."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Recognition, owner: type | None = None) -> float:
        return float(getattr(obj.effects, self.name))


class Recognition:
    """A recognition policy. The engine reads its effect sizes (``supply``, ``burnout_buffer``,
    ``hazard``, ``promotion_logit``) and calls ``cycle`` every 26 weeks (when ``has_cycle``) and
    ``weekly_cost`` when it prices the week. What the rest of the package says about a policy (its
    dashboard label, its words in a sentence) is an attribute here, read from the registry
    (``mentorsim.programs.POLICIES``)."""

    name = "none"
    #: how the dashboard's dropdown names the policy (default: its name in words, capitalised)
    label = "None"
    #: the policy in a sentence, e.g. "review credit" (default: its name in words)
    words = "no recognition"
    #: the policy's effect sizes where they differ from no effect, e.g. ``{"supply": 1.2}``, for a policy
    #: without a field of its own in ``schema.effects.RecognitionPolicies``: a scenario then reads and sets
    #: them as ``effects.recognition.<name>.<field>`` like a shipped policy's
    effect_defaults: ClassVar[Mapping[str, float]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A policy that names itself and not its label or words gets them from its name."""
        super().__init_subclass__(**kwargs)
        if "name" in vars(cls):
            words = cls.name.replace("_", " ")
            if "label" not in vars(cls):
                cls.label = words.capitalize()
            if "words" not in vars(cls):
                cls.words = words

    def __init__(self, effects: RecognitionEffects):
        self.effects = effects

    # the policy's effect sizes (scenario.RecognitionEffects): supply multiplier of mentors who
    # volunteer, share of overload stress absorbed, quit hazard multiplier and promotion log-odds of
    # active mentors
    supply = _Effect()
    burnout_buffer = _Effect()
    hazard = _Effect()
    promotion_logit = _Effect()

    @classmethod
    def has_cycle(cls) -> bool:
        """Whether the policy recognises mentors: it acts at recognition cycles (it overrides ``cycle``),
        its effect sizes are read from the scenario and recognised mentors gain more from sessions."""
        return cls.cycle is not Recognition.cycle

    @property
    def mentor_engagement_factor(self) -> float:
        """Multiplier on a mentor's engagement gain from a session."""
        return 1.0 + self.effects.session_lift * float(self.has_cycle())

    def cycle(self, people: People, mentors: np.ndarray) -> None:
        """What the policy does for the employed active ``mentors`` at a recognition cycle."""

    def weekly_cost(self, costs: Costs, n_mentors: np.ndarray) -> np.ndarray | None:
        """Per site, what the policy costs this week (None: nothing)."""
        return None


class NoRecognition(Recognition):
    """No recognition: mentoring is its own reward."""


class Recognising(Recognition):
    """A policy that recognises active mentors: at each cycle their engagement is lifted, and a policy
    with a learning budget or a celebration adds to their skills or takes away some burnout
    (``effects.skill_per_cycle``, ``effects.burnout_relief``)."""

    def cycle(self, people: People, mentors: np.ndarray) -> None:
        fx = self.effects
        people.engagement[mentors] = np.minimum(people.engagement[mentors] + fx.engagement_boost, 1.0)
        if fx.skill_per_cycle:
            people.skills[mentors] = np.minimum(people.skills[mentors] + fx.skill_per_cycle, 1.0)
        if fx.burnout_relief:
            people.burnout[mentors] = np.maximum(people.burnout[mentors] - fx.burnout_relief, 0.0)
