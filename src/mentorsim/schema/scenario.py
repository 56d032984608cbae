"""The scenario schema: frozen pydantic models, YAML dump and dotted overrides.

Every parameter carries a description, a unit, an allowed range and its source:
an evidence ID from EVIDENCE.md (C1..C7, or a row of its defaults table) or the
word "assumption". ``mentorsim params`` prints this register.

Reading scenario files is :mod:`mentorsim.schema.io` (its functions are importable from here
too); the pydantic base, ``param`` and the error wording are :mod:`mentorsim.schema.validation`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, PrivateAttr, field_validator, model_validator

from mentorsim.schema.effects import Effects, FormatEffects, RecognitionEffects, RecognitionPolicies  # noqa: F401 (part of the schema)
from mentorsim.schema.io import _set_dotted, load_scenario, read_yaml, scenario_from_dict
from mentorsim.schema.mechanics import Mechanics
from mentorsim.schema.organisation import MAX_WORKFORCE, Costs, Workforce
from mentorsim.schema.program import CADENCES, Program
from mentorsim.schema.validation import SchemaModel, param, printable, refuse_coercion

MAX_HORIZON_WEEKS = 1040

__all__ = [
    "CADENCES",
    "MAX_HORIZON_WEEKS",
    "MAX_WORKFORCE",
    "Costs",
    "Effects",
    "FormatEffects",
    "Mechanics",
    "Program",
    "RecognitionEffects",
    "RecognitionPolicies",
    "Scenario",
    "Workforce",
    "load_scenario",
    "param",
    "read_yaml",
    "refuse_coercion",
    "scenario_from_dict",
]


def _given(model: BaseModel, prefix: str = "") -> Iterator[str]:
    """The dotted keys a validated document gave (pydantic's ``model_fields_set``, recursively): inside a
    section, its own keys, not the section as a whole."""
    for name in model.model_fields_set:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from _given(value, f"{prefix}{name}.")
        else:
            yield prefix + name


def _leaves(key: str, value: Any) -> Iterator[str]:
    """The dotted keys an override sets: ``key`` itself, or each key inside a mapping it gives."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(f"{key}.{k}", v)
    else:
        yield key


class Scenario(SchemaModel):
    """One program design on one workforce, over a horizon.

    Besides its values, a scenario remembers which dotted keys it sets itself (:attr:`explicit`), whatever
    their values: parameter uncertainty never draws those. Two scenarios with the same values are equal.
    """

    _explicit: frozenset[str] | None = PrivateAttr(default=None)

    name: str = Field("scenario", min_length=1, max_length=80, description="Short name shown in tables and plots.")

    @field_validator("name")
    @classmethod
    def _printable(cls, v: str) -> str:
        return printable(v)

    description: str = Field("", max_length=2000, description="What this scenario is, in plain words.")
    horizon_weeks: int = param(
        156,
        unit="weeks",
        source="assumption",
        ge=1,
        le=MAX_HORIZON_WEEKS,
        desc=f"Weeks simulated (156 = 3 years; at most {MAX_HORIZON_WEEKS}).",
        role="input",
    )
    workforce: Workforce = Field(default_factory=Workforce)
    program: Program = Field(default_factory=Program)
    costs: Costs = Field(default_factory=Costs)
    effects: Effects = Field(default_factory=Effects)
    mechanics: Mechanics = Field(default_factory=Mechanics)

    @model_validator(mode="after")
    def _shares(self) -> Scenario:
        for field, shares in (
            ("workforce.level_shares", self.workforce.level_shares),
            ("workforce.persona_shares", self.workforce.persona_shares),
        ):
            if any(s < 0 for s in shares) or abs(sum(shares) - 1.0) > 1e-6:
                raise ValueError(f"{field}: shares must be >= 0 and sum to 1 (got {list(shares)})")
        groups = self.workforce.groups
        names = [g.name for g in groups]
        if len(set(names)) != len(names):
            raise ValueError(f"workforce.groups: group names must differ (got {names})")
        for lvl in range(5):
            tot = sum(g.share_by_level[lvl] for g in groups)
            if abs(tot - 1.0) > 1e-6:
                raise ValueError(
                    f"workforce.groups: share_by_level must sum to 1 across groups at each level "
                    f"(got {tot:g} at level {lvl + 1}; allowed: shares that sum to 1)"
                )
        el = self.program.eligibility.groups
        if el != "all" and any(g not in names for g in el):
            raise ValueError(f"program.eligibility.groups: unknown group in {list(el)} (allowed: all or {names})")
        return self

    # ---- variants -------------------------------------------------------------------------
    def with_overrides(self, overrides: dict[str, Any], source: str = "overrides") -> Scenario:
        """A new validated scenario with dotted keys replaced, e.g. {"program.cadence": "weekly"}.

        >>> sc = Scenario().with_overrides({"program.format": "peer", "program.cadence": 3, "name": "peer"})
        >>> sc.name, sc.program.format, sc.program.cadence_label
        ('peer', 'peer', 'every 3 weeks')
        >>> sc.with_overrides({"program.cadense": "weekly"})
        Traceback (most recent call last):
        mentorsim.errors.ScenarioError: overrides: program.cadense: unknown field; did you mean 'program.cadence'?
        """
        doc = self.model_dump(mode="json")
        for key, value in overrides.items():
            _set_dotted(doc, key, value, source)
        new = scenario_from_dict(doc, source)
        new._explicit = self.explicit | {k for key, value in overrides.items() for k in _leaves(key, value)}
        return new

    @property
    def explicit(self) -> frozenset[str]:
        """The dotted keys this scenario sets itself: those its document gave (a scenario file's keys, down to
        each parameter) and those :meth:`with_overrides` set since, whatever their values.

        >>> sc = scenario_from_dict({"program": {"format": "peer"}})
        >>> sorted(sc.with_overrides({"workforce.informal_mentoring.effect_share": 0.5}).explicit)
        ['program.format', 'workforce.informal_mentoring.effect_share']
        """
        if self._explicit is None:
            self._explicit = frozenset(_given(self))
        return self._explicit

    def sets(self, dotted: str) -> bool:
        """Whether this scenario sets ``dotted`` itself (the key, a key inside it, or a key it lies inside)."""
        return any(k == dotted or k.startswith(dotted + ".") or dotted.startswith(k + ".") for k in self.explicit)

    def __eq__(self, other: object) -> bool:
        """Equal values: which keys a scenario sets itself is not part of its value."""
        if not isinstance(other, Scenario):
            return NotImplemented
        return self.__dict__ == other.__dict__

    @property
    def is_no_program(self) -> bool:
        """Whether this scenario runs no program at all: format none and no sponsorship overlay."""
        return self.program.format == "none" and not self.program.sponsorship

    def without_program(self, name: str | None = None) -> Scenario:
        """The same organisation with no program (format none, no sponsorship overlay): the no-program
        twin every program run is paired with; ``name`` renames it."""
        if self.is_no_program and name is None:
            return self
        return self.with_overrides(
            {"program.format": "none", "program.sponsorship": False, **({} if name is None else {"name": name})}
        )

    def get(self, dotted: str) -> Any:
        """The value at a dotted key, e.g. ``sc.get("program.cadence")``."""
        value: Any = self
        for key in dotted.split("."):
            value = getattr(value, key)
        return value

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)

    def dump(self, path: str | Path) -> None:
        Path(path).write_text(self.to_yaml(), encoding="utf-8")

    @property
    def label(self) -> str:
        return self.name
