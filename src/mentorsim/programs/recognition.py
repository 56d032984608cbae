"""Mentor recognition policies: which effect sizes apply, and what each policy costs.

The effect sizes live in the scenario (``effects.recognition.<policy>``) so they can be
overridden, swept and analysed for sensitivity; see scenario.RecognitionEffects.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scenario import RecognitionEffects, Scenario


@dataclass(frozen=True)
class Recognition:
    name: str
    effects: RecognitionEffects

    @property
    def credits(self) -> bool:
        return self.name == "learning_credits"

    @property
    def celebration(self) -> bool:
        return self.name == "celebrate_impact"

    def __getattr__(self, key: str):  # supply, burnout_buffer, hazard, promotion_logit, engagement_boost
        return getattr(self.effects, key)


def recognition_of(sc: Scenario) -> Recognition:
    """The scenario's recognition policy with its effect sizes ('none' changes nothing)."""
    name = sc.program.recognition
    fx = RecognitionEffects() if name == "none" else getattr(sc.effects.recognition, name)
    return Recognition(name, fx)
