"""The parameter space of a sweep: a varied parameter's values or range, and its sampling coordinates.

A ``Param`` is either a list of values (sampled by index) or a ``Range`` ``{low, high}``
(evenly, or on a log scale). Samplers work in *sampling space*: ``[0, 1]`` for a list,
``[low, high]`` (or their logs) for a range; ``Param.from_unit`` maps a coordinate back
to a value of the field.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import Field

from mentorsim.schema.validation import Frozen


class Range(Frozen):
    """A numeric range to sample: ``{low, high}``; ``levels`` for a grid; ``log`` for log-uniform."""

    low: float = Field(description="Lowest value.")
    high: float = Field(description="Highest value (> low).")
    levels: int | None = Field(None, ge=2, le=10_000, description="Evenly spaced values, for the grid sampler.")
    integer: bool | None = Field(None, description="Round to whole numbers (default: when the field is an integer).")
    log: bool = Field(False, description="Sample (or space the grid) evenly on a log scale; needs low > 0.")


@dataclass(frozen=True)
class Param:
    """One varied parameter after validation."""

    key: str
    values: tuple[Any, ...] | None = None  # a list of values
    range: Range | None = None
    integer: bool = False

    def _values(self) -> tuple[Any, ...]:
        assert self.values is not None, "a range has no list of values"
        return self.values

    @property
    def dtype(self) -> str:
        """Column type: int64, float64, bool or string, fixed by the spec (never by a chunk's data)."""
        if self.range is not None:
            return "int64" if self.integer else "float64"
        vals = self._values()
        if all(isinstance(v, bool) for v in vals):
            return "bool"
        if all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
            return "int64"
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
            return "float64"
        return "string"

    def column(self, v: Any) -> Any:
        return str(v) if self.dtype == "string" else v

    def bounds(self) -> list[float]:
        """Bounds in sampling space: [0, 1] for a list (mapped to an index), log bounds for log ranges."""
        if self.range is None:
            return [0.0, 1.0]
        r = self.range
        return [math.log(r.low), math.log(r.high)] if r.log else [r.low, r.high]

    def from_unit(self, x: float) -> Any:
        """The value for a coordinate in sampling space (see ``bounds``)."""
        if self.range is None:
            vals = self._values()
            k = len(vals)
            return vals[min(int(x * k), k - 1)]
        v = math.exp(x) if self.range.log else float(x)
        v = min(max(v, self.range.low), self.range.high)
        return int(round(v)) if self.integer else v

    def grid(self) -> list[Any]:
        if self.range is None:
            return list(self._values())
        r = self.range
        assert r.levels is not None, "a range in a grid has levels (checked by the grid sampler)"
        xs = np.geomspace(r.low, r.high, r.levels) if r.log else np.linspace(r.low, r.high, r.levels)
        if self.integer:
            return list(dict.fromkeys(int(round(x)) for x in xs))
        return [float(x) for x in xs]


def problem(params: Sequence[Param]) -> dict[str, Any]:
    """The SALib problem of a set of parameters: names and bounds in sampling space."""
    return {"num_vars": len(params), "names": [p.key for p in params], "bounds": [p.bounds() for p in params]}
