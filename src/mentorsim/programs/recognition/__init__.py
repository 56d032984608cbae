"""Mentor recognition policies, one module each, behind the hooks of ``base.Recognition``.

The effect sizes live in the scenario (``effects.recognition.<policy>``) so they can be
overridden, swept and analysed for sensitivity; see scenario.RecognitionEffects. A policy
module says what the policy does at its 26-week cycle and what it costs a week.
"""

from __future__ import annotations

from mentorsim.programs.recognition.base import NoRecognition, Recognising, Recognition
from mentorsim.programs.recognition.celebrate_impact import CelebrateImpact
from mentorsim.programs.recognition.learning_credits import LearningCredits
from mentorsim.programs.recognition.review_credit import ReviewCredit
from mentorsim.schema.scenario import RecognitionEffects, Scenario

POLICIES: dict[str, type[Recognition]] = {
    c.name: c for c in (NoRecognition, ReviewCredit, LearningCredits, CelebrateImpact)
}


def recognition_of(sc: Scenario, peer_mentors: bool = False) -> Recognition:
    """The scenario's recognition policy with its effect sizes (no recognition changes nothing).

    A policy recognises mentors; when the format's mentors are the mentees' peers (``peer_mentors``)
    it recognises them only if ``program.recognise_peers`` says peers count as mentors."""
    cls = POLICIES[sc.program.recognition]
    if peer_mentors and not sc.program.recognise_peers:
        cls = NoRecognition
    fx = getattr(sc.effects.recognition, cls.name, None) if cls.has_cycle() else None
    if fx is None:  # no recognition, or a policy registered after the scenario was made
        fx = RecognitionEffects(**(cls.effect_defaults if cls.has_cycle() else {}))
    return cls(fx)


__all__ = ["POLICIES", "NoRecognition", "Recognising", "Recognition", "recognition_of"]
