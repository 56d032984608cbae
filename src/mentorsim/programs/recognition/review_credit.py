"""Review credit: mentoring counts in performance reviews (ATD ~2023: 25% of organisations)."""

from mentorsim.programs.recognition.base import Recognising


class ReviewCredit(Recognising):
    """Mentoring counts at reviews: its effect is the promotion log-odds and supply it adds."""

    name = "review_credit"
    label = "Counts in reviews"
    words = "review credit"
