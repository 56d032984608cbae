"""Decisions from a Comparison: net benefit, acceptability curves, value of information, precision.

Every function takes a :class:`~mentorsim.Comparison` first, so each can be attached as a method
(``ms.decision.acceptability(cmp, ...)``). Replications are paired: replication r of every design shares its
people, its random numbers and (with ``uncertainty="parameters"``) its parameter draw, so every
quantity here is computed per replication and then summarised.

    import mentorsim as ms
    from mentorsim.outputs import decision
    cmp = ms.compare([baseline, one_on_one, peer], replications=40, seed=7, uncertainty="parameters")
    decision.net_benefit(cmp, {"retained": 30_000})     # dollars, per replication and design
    decision.acceptability(cmp, "retained")             # chance each design is best, by value of a retained person
    t = decision.value_of_information(cmp, {"retained": 30_000})
    print(decision.voi_sentence(t))                     # which unknown matters, what a pilot is worth
    decision.precision(cmp, half_width={"retention_36m": 0.005})
    decision.too_wide_to_rank(cmp)                      # None, or a one-line warning

Net benefit of a design, for the whole simulated organisation over the horizon, against the
baseline (the first scenario, normally "no program", whose net benefit is 0 by definition)::

    turnover cost avoided                      (baseline turnover_cost - design turnover_cost)
  + value_of["retained"]  x extra starting people still employed at the horizon
  + value_of["promotion"] x extra promotions over the horizon
  - extra program cost                         (design program_cost - baseline program_cost)

The turnover cost already counts the replacement cost of every leaver, so the value of a retained
person is what keeping someone is worth *beyond* replacing them (productivity, knowledge, morale).
The extra people retained are counted exactly from the replications (starting employees still
employed in the last week: retention_36m x the starting headcount at a 156-week horizon), and the
extra promotions from the weekly promotion counts (annual_promotion_rate x mean headcount x years).
"""

from __future__ import annotations

from mentorsim.outputs.decision.benefit import VALUE_KINDS, acceptability, default_values, net_benefit
from mentorsim.outputs.decision.precision import precision, too_wide_to_rank
from mentorsim.outputs.decision.voi import value_of_information, voi_sentence

__all__ = [
    "VALUE_KINDS",
    "acceptability",
    "default_values",
    "net_benefit",
    "precision",
    "too_wide_to_rank",
    "value_of_information",
    "voi_sentence",
]


def __getattr__(name: str):  # the figures moved to viz: ms.plots.acceptability_plot, ms.plots.voi_plot
    if name in ("acceptability_plot", "voi_plot"):
        import importlib
        import warnings

        warnings.warn(f"decision.{name} is deprecated: use ms.plots.{name}", DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module("mentorsim.viz.decision"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
