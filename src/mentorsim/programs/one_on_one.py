"""One-on-one: a more senior mentor who has navigated the mentee's goal (C4, C5; ATD: 78% of programs)."""

from mentorsim.programs.base import Format


class OneOnOne(Format):
    """The reference format: every default of the base class (a senior mentor, one row per mentee,
    matched on the mentee's goal skill)."""

    name = "one_on_one"
    label = "One-on-one"
    words = "one-on-one mentoring"
    evidenced = True  # C4-C6: a voluntary one-on-one program
