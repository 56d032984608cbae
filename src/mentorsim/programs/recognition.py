"""Mentor recognition policies and what each changes.

ATD (~2023, "recognition in practice"): 46% of organisations reward or
recognise mentoring, 25% count it in promotions, 47% struggle to find mentors.
The sizes of the effects below are assumptions (no published effect sizes);
they are exposed to sensitivity analysis through the program parameters.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Recognition:
    name: str
    supply: float  # multiplier on the share of eligible mentors who volunteer
    burnout_buffer: float  # share of overload stress absorbed
    hazard: float  # quit hazard multiplier of active mentors
    promotion_logit: float  # promotion log-odds for active mentors at reviews
    engagement_boost: float  # engagement lift for active mentors at each recognition cycle
    credits: bool = False
    celebration: bool = False


RECOGNITION = {
    "none": Recognition("none", 1.0, 0.0, 1.0, 0.0, 0.0),
    "review_credit": Recognition("review_credit", 1.5, 0.2, 0.95, 1.7, 0.02),
    "learning_credits": Recognition("learning_credits", 1.3, 0.1, 0.9, 0.15, 0.03, credits=True),
    "celebrate_impact": Recognition("celebrate_impact", 1.25, 0.35, 0.85, 0.1, 0.06, celebration=True),
}
