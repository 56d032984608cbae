"""One-on-one: a more senior mentor who has navigated the mentee's goal (C4, C5; ATD: 78% of programs)."""

from .base import Format


class OneOnOne(Format):
    name = "one_on_one"
    code = 1
    evidence = "C4, C5"
