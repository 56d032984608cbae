"""What a design search searches and aims for, validated: levers, objectives and a budget.

``levers``: dotted key of a register parameter whose role is "lever" (``mentorsim params``) ->
a list of choices, or a ``(low, high)`` pair (``{low, high}`` in a spec file): whole numbers when
the field is a whole number. ``objectives``: metric -> ``"max"`` or ``"min"``; every metric but a
cost (USD) is a gain over no program (the paired difference), a cost is the design's own.
``budget``: cost metric -> ceiling (USD over the horizon). A problem is one line naming the
field, the bad value and what is allowed (with the nearest name for a typo).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentorsim.errors import ScenarioError
from mentorsim.schema.metrics import METRICS, OUTCOMES
from mentorsim.schema.scenario import Scenario
from mentorsim.schema.validation import nearest

#: outcomes a search can aim at: the summary metrics and the ROI
DIRECTIONS = ("max", "min")


def is_cost(metric: str) -> bool:
    """A cost metric (USD): an objective on it is the design's own cost, not a gain over no program."""
    return metric in METRICS and METRICS[metric].unit == "USD"


COSTS = tuple(m for m in METRICS if is_cost(m))


@dataclass(frozen=True)
class Lever:
    """One searched lever: its choices, or a numeric range (integer when the field is)."""

    key: str
    choices: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    integer: bool = False

    def distribution(self) -> Any:
        """The Optuna distribution of this lever."""
        from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

        if self.choices is not None:
            return CategoricalDistribution(self.choices)
        assert self.low is not None and self.high is not None
        if self.integer:
            return IntDistribution(int(self.low), int(self.high))
        return FloatDistribution(float(self.low), float(self.high))

    def describe(self) -> Any:
        """The choices, or ``{low, high}``."""
        return list(self.choices) if self.choices is not None else {"low": self.low, "high": self.high}


def _levers_allowed() -> list[str]:
    from mentorsim.schema.params import parameter_register

    reg = parameter_register()
    return list(reg[reg.role == "lever"].name)


def _lookup(doc: dict[str, Any], key: str) -> Any:
    cur: Any = doc
    for k in key.split("."):
        cur = cur[k]
    return cur


def check_levers(levers: Any, base: Scenario, where: str = "levers") -> tuple[Lever, ...]:
    """Validated levers (see the module docstring)."""
    if not isinstance(levers, dict) or not levers:
        raise ScenarioError(
            f"{where}: give at least one lever as a mapping of dotted key to choices or (low, high) (got {levers!r})"
        )
    from mentorsim.schema.params import parameter_register

    reg = parameter_register().set_index("name")
    allowed = _levers_allowed()
    doc = base.model_dump(mode="json")
    out = []
    for key, val in levers.items():
        at = f"{where}.{key}"
        if key not in reg.index:
            raise ScenarioError(
                f"{at}: unknown parameter {key!r}{nearest(key, allowed)}; levers are {', '.join(allowed)}"
            )
        if reg.loc[key, "role"] != "lever":
            raise ScenarioError(
                f"{at}: {key!r} is {'an' if reg.loc[key, 'role'][0] in 'aeiou' else 'a'} "
                f"{reg.loc[key, 'role']} parameter, not a lever a program designer chooses; "
                f"levers are {', '.join(allowed)}"
            )
        current = _lookup(doc, key)
        if isinstance(val, dict) and set(val) <= {"low", "high"} and len(val) == 2:
            val = (val["low"], val["high"])
        if isinstance(val, tuple):
            out.append(_range(at, key, val, current, base))
        elif isinstance(val, list):
            if not val:
                raise ScenarioError(f"{at}: an empty list of choices; give at least one")
            for v in val:
                if not (v is None or isinstance(v, (bool, int, float, str))):
                    raise ScenarioError(f"{at}: choice {v!r} is not allowed; choices are numbers, words or true/false")
                base.with_overrides({key: v}, source=at)
            out.append(Lever(key, choices=tuple(dict.fromkeys(val))))
        else:
            raise ScenarioError(f"{at}: give a list of choices or a range (low, high) (got {val!r})")
    return tuple(out)


def _range(at: str, key: str, val: tuple[Any, ...], current: Any, base: Scenario) -> Lever:
    if len(val) != 2 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in val):
        raise ScenarioError(f"{at}: a range is two numbers (low, high) (got {val!r})")
    low, high = val
    if not low < high:
        raise ScenarioError(f"{at}: low must be below high (got low {low:g}, high {high:g})")
    if isinstance(current, bool) or not isinstance(current, (int, float)):
        raise ScenarioError(
            f"{at}: a range needs a numeric field; this one is {current!r}: give a list of choices instead"
        )
    integer = isinstance(current, int)
    if integer and not (float(low).is_integer() and float(high).is_integer()):
        raise ScenarioError(f"{at}: {key} is a whole number; give whole-number ends (got {low:g}, {high:g})")
    for end, v in (("low", low), ("high", high)):
        base.with_overrides({key: int(v) if integer else float(v)}, source=f"{at} ({end} end)")
    return Lever(key, low=low, high=high, integer=integer)


def check_objectives(objectives: Any, where: str = "objectives") -> dict[str, str]:
    """Validated objectives: metric (or roi) -> max or min."""
    if not isinstance(objectives, dict) or not objectives:
        raise ScenarioError(
            f"{where}: give at least one objective as a mapping of metric to 'max' or 'min' (got {objectives!r})"
        )
    for m, d in objectives.items():
        if m not in OUTCOMES:
            raise ScenarioError(f"{where}.{m}: unknown metric {m!r}{nearest(m, list(OUTCOMES))}")
        if d not in DIRECTIONS:
            raise ScenarioError(f"{where}.{m}: direction {d!r} is not allowed; use 'max' or 'min'")
    return dict(objectives)


def check_budget(budget: Any, where: str = "budget") -> dict[str, float]:
    """Validated budget: cost metric -> ceiling in USD (none: no budget)."""
    if budget is None:
        return {}
    if not isinstance(budget, dict):
        raise ScenarioError(f"{where}: give a mapping of cost metric to its ceiling in USD (got {budget!r})")
    for m, cap in budget.items():
        if m not in COSTS:
            raise ScenarioError(
                f"{where}.{m}: {m!r} is not a cost metric{nearest(m, list(COSTS))}; "
                f"a budget caps one of {', '.join(COSTS)}"
            )
        if isinstance(cap, bool) or not isinstance(cap, (int, float)) or not cap >= 0:
            raise ScenarioError(f"{where}.{m}: the ceiling must be a number of USD >= 0 (got {cap!r})")
    return {m: float(c) for m, c in budget.items()}


def check_count(name: str, v: Any, low: int = 1) -> int:
    """A whole number of at least ``low``."""
    if isinstance(v, bool) or not isinstance(v, int) or v < low:
        raise ScenarioError(f"{name}: must be a whole number >= {low} (got {v!r})")
    return v


def spec_hash(
    base: Scenario, levers: tuple[Lever, ...], objectives: dict[str, str], budget: dict[str, float], **rest: Any
) -> str:
    """What determines a search's trials: refuses resuming a storage with another spec."""
    doc = {
        "base": base.model_dump(mode="json"),
        "levers": [[lv.key, lv.describe()] for lv in levers],  # in order
        "objectives": objectives,
        "budget": budget,
        **rest,
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


# ---- the spec file of `mentorsim optimize` ------------------------------------------------------

SPEC_FIELDS = {
    "name": "a short name",
    "base": "the base scenario (a path relative to the spec file, or a mapping)",
    "overrides": "dotted overrides of the base",
    "levers": "lever -> choices or {low, high}",
    "objectives": "metric -> max or min",
    "budget": "cost metric -> ceiling in USD",
    "trials": "designs tried",
    "replications": "paired replications per design",
    "front_replications": "replications of each re-run front design",
    "batch": "designs per batch",
    "seed": "the search's seed",
}


def load_spec(path: str | Path) -> dict[str, Any]:
    """Read an optimize spec file into the keyword arguments of :func:`mentorsim.optimize` (checked)."""
    from mentorsim.schema.scenario import load_scenario, read_yaml, scenario_from_dict

    p = Path(path)
    src = str(p)
    doc = read_yaml(p)
    if not isinstance(doc, dict):
        raise ScenarioError(f"{src}: an optimize spec must be a mapping of fields, got {type(doc).__name__}")
    for k in doc:
        if k not in SPEC_FIELDS:
            raise ScenarioError(
                f"{src}: {k}: unknown field{nearest(k, list(SPEC_FIELDS))}; fields are {', '.join(SPEC_FIELDS)}"
            )
    for k in ("base", "levers", "objectives"):
        if k not in doc:
            raise ScenarioError(f"{src}: {k}: required field is missing ({SPEC_FIELDS[k]})")
    b = doc["base"]
    if isinstance(b, str):
        bp = Path(b) if Path(b).is_absolute() else p.resolve().parent / b
        if not bp.exists():
            raise ScenarioError(f"{src}: base: no such scenario file {b!r} (looked for {bp})")
        base = load_scenario(bp)
    elif isinstance(b, dict):
        base = scenario_from_dict(b, f"{src}: base")
    else:
        raise ScenarioError(f"{src}: base: give a scenario file or a mapping (got {b!r})")
    if doc.get("overrides"):
        if not isinstance(doc["overrides"], dict):
            raise ScenarioError(f"{src}: overrides: give a mapping of dotted key to value (got {doc['overrides']!r})")
        base = base.with_overrides(doc["overrides"], source=f"{src}: overrides")
    if "name" in doc:
        base = base.model_copy(update={"name": str(doc["name"])})
    kw: dict[str, Any] = {"base": base}
    levers = doc["levers"]
    if isinstance(levers, dict):  # YAML has no tuples: a {low, high} mapping is a range
        levers = {
            k: (v["low"], v["high"]) if isinstance(v, dict) and set(v) == {"low", "high"} else v
            for k, v in levers.items()
        }
    kw["levers"] = check_levers(levers, base, f"{src}: levers")
    kw["objectives"] = check_objectives(doc["objectives"], f"{src}: objectives")
    kw["budget"] = check_budget(doc.get("budget"), f"{src}: budget")
    for k, low in (("trials", 1), ("replications", 2), ("front_replications", 2), ("batch", 2), ("seed", 0)):
        if k in doc:
            kw[k] = check_count(f"{src}: {k}", doc[k], low)
    return kw
