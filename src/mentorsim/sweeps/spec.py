"""The sweep spec: the sweep file's schema, its validation, and the validated ``Sweep`` with its points.

``load_sweep_spec(path)`` reads a sweep file, ``Sweep.from_dict(doc)`` validates a mapping:
the base scenario (with the fixed overrides), every varied parameter (a list of values
or a range, checked against the field it sets) and the sampler's needs. A problem is one
line naming the file, the field, the bad value and the nearest valid name.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field, ValidationError, field_validator

from mentorsim.errors import ScenarioError
from mentorsim.run.limits import MAX_REPLICATIONS
from mentorsim.schema.io import parse_yaml
from mentorsim.schema.metrics import METRICS
from mentorsim.schema.scenario import Scenario, read_yaml, scenario_from_dict
from mentorsim.schema.validation import Frozen, nearest, printable, summarize
from mentorsim.sweeps.samplers import SAMPLERS, Sampler, or_list, sampler_description, samples_description
from mentorsim.sweeps.space import Param, Range, problem

MAX_POINTS = 10_000_000


class SweepSpec(Frozen):
    """The sweep file's schema."""

    name: str = Field("sweep", min_length=1, max_length=80, description="Short name of the sweep.")
    description: str = Field("", max_length=2000, description="What the sweep explores, in plain words.")
    base: str | dict[str, Any] = Field(
        description="Base scenario: a YAML path relative to the sweep file, or a mapping."
    )
    overrides: dict[str, Any] = Field(default_factory=dict, description="Dotted overrides applied to every point.")
    sampler: str = Field("grid", description=sampler_description(), json_schema_extra={"enum": list(SAMPLERS)})
    samples: int | None = Field(None, ge=1, le=MAX_POINTS, description=samples_description())
    morris_levels: int = Field(4, ge=2, le=100, description="Levels of the Morris grid (even numbers work best).")
    parameters: dict[str, Any] = Field(min_length=1, description="Dotted key -> list of values or {low, high, ...}.")
    replications: int = Field(
        2, ge=1, le=MAX_REPLICATIONS, description="Replications of every point (as on the command line)."
    )
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Seed; replication r of every point uses (seed, r).")
    metrics: list[str] | None = Field(None, description="Summary metrics to keep (default: all).")

    @field_validator("name")
    @classmethod
    def _printable(cls, v: str) -> str:
        return printable(v)

    @field_validator("sampler", mode="before")
    @classmethod
    def _known_sampler(cls, v: Any) -> Any:
        if not isinstance(v, str) or v not in SAMPLERS:
            raise ValueError(f"Input should be {or_list([repr(n) for n in SAMPLERS])}")
        return v


def _sampler_hint(err: Any, keys: list[str]) -> str:
    """For an unknown sampler, the nearest registered one."""
    got = err.get("input")
    return nearest(got, list(SAMPLERS)) if keys[-1:] == ["sampler"] and isinstance(got, str) else ""


def _validation(source: str, e: ValidationError, model: type[BaseModel], prefix: str = "") -> ScenarioError:
    """A sweep spec's validation errors in one line (a typo first: it explains a missing field)."""
    return ScenarioError(
        f"{source}: {prefix}"
        + summarize(e.errors(), typos_first=True, root=model, missing="required field is missing", hint=_sampler_hint)
    )


def _lookup(doc: dict[str, Any], key: str) -> tuple[bool, Any]:
    cur: Any = doc
    for k in key.split("."):
        if not isinstance(cur, dict) or k not in cur:
            return False, None
        cur = cur[k]
    return True, cur


def _base(spec: SweepSpec, source: str, root: Path) -> Scenario:
    """The base scenario with the fixed overrides applied."""
    if isinstance(spec.base, str):
        bp = Path(spec.base)
        bp = bp if bp.is_absolute() else root / bp
        if not bp.exists():
            raise ScenarioError(f"{source}: base: no such scenario file {spec.base!r} (looked for {bp})")
        base = scenario_from_dict(read_yaml(bp), f"{source}: base {spec.base}")
    else:
        base = scenario_from_dict(spec.base, f"{source}: base")
    if spec.overrides:
        base = base.with_overrides(spec.overrides, source=f"{source}: overrides")
    return base


def _range(key: str, val: dict[str, Any], current: Any, base: Scenario, sampler: Sampler, source: str) -> Param:
    """A range parameter, its ends checked against the field it sets."""
    where = f"parameters.{key}"
    try:
        r = Range.model_validate(val)
    except ValidationError as e:
        raise _validation(source, e, Range, prefix=f"{where}.") from None
    if not r.low < r.high:
        raise ScenarioError(f"{source}: {where}: low must be below high (got low {r.low:g}, high {r.high:g})")
    if r.log and r.low <= 0:
        raise ScenarioError(f"{source}: {where}: a log range needs low > 0 (got {r.low:g})")
    if isinstance(current, bool) or current is None:
        raise ScenarioError(
            f"{source}: {where}: a range needs a numeric field; this one is {current!r}: give a list of values instead"
        )
    integer = r.integer if r.integer is not None else isinstance(current, int)
    for end in ("low", "high"):  # both ends must be valid values of the field
        v = getattr(r, end)
        base.with_overrides(
            {key: int(round(v)) if integer else v}, source=f"{source}: parameters ({end} end of the range)"
        )
    sampler.check_range(r, f"{source}: {where}")
    return Param(key, range=r, integer=integer)


def _param(key: str, val: Any, spec: SweepSpec, base: Scenario, doc0: dict[str, Any], source: str) -> Param:
    where = f"parameters.{key}"
    found, current = _lookup(doc0, key)
    if not found:
        base.with_overrides({key: None}, source=f"{source}: parameters")  # raises, naming the nearest field
    if isinstance(current, dict):
        raise ScenarioError(
            f"{source}: {where}: is a section, not a parameter; name one of its fields "
            f"({', '.join(f'{key}.{k}' for k in current)})"
        )
    if key in spec.overrides:
        raise ScenarioError(f"{source}: {where}: also set in overrides; vary it or fix it, not both")
    if isinstance(val, (list, tuple)):
        if not val:
            raise ScenarioError(f"{source}: {where}: an empty list of values")
        return Param(key, values=tuple(val))
    if isinstance(val, dict):
        return _range(key, val, current, base, SAMPLERS[spec.sampler], source)
    raise ScenarioError(f"{source}: {where}: give a list of values or a range {{low, high}} (got {val!r})")


def _metrics(spec: SweepSpec, source: str) -> tuple[str, ...]:
    metrics = tuple(METRICS) if spec.metrics is None else tuple(spec.metrics)
    for i, m in enumerate(metrics):
        if m not in METRICS:
            raise ScenarioError(f"{source}: metrics[{i}]: unknown metric {m!r}{nearest(m, list(METRICS))}")
    if not metrics:
        raise ScenarioError(f"{source}: metrics: keep at least one metric")
    return metrics


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: the spec, its base scenario (with the fixed overrides) and its points.

    ``load_sweep_spec(path)`` reads a sweep file; ``Sweep.from_dict(doc)`` validates a mapping.
    """

    spec: SweepSpec
    base: Scenario
    params: tuple[Param, ...]
    source: str = "sweep"
    text: str = ""
    metrics: tuple[str, ...] = field(default=())

    # ---- construction ----
    @classmethod
    def from_dict(
        cls, doc: Any, source: str = "sweep", root: str | Path | None = None, text: str | None = None
    ) -> Sweep:
        if not isinstance(doc, dict):
            raise ScenarioError(f"{source}: a sweep must be a mapping of fields, got {type(doc).__name__}")
        try:
            spec = SweepSpec.model_validate(doc)
        except ValidationError as e:
            raise _validation(source, e, SweepSpec) from None
        base = _base(spec, source, Path(root) if root is not None else Path.cwd())
        doc0 = base.model_dump(mode="json")
        params = tuple(_param(key, val, spec, base, doc0, source) for key, val in spec.parameters.items())
        SAMPLERS[spec.sampler].check(spec, len(params), source)
        metrics = _metrics(spec, source)
        sw = cls(spec, base, params, source, text if text is not None else json.dumps(doc, default=str), metrics)
        if sw.n_points > MAX_POINTS:
            raise ScenarioError(f"{source}: parameters: {sw.n_points:,} points is more than {MAX_POINTS:,}")
        return sw

    @classmethod
    def from_manifest(cls, m: dict[str, Any]) -> Sweep:
        """Rebuild a sweep from a store's manifest (the base scenario is stored in it).

        The manifest is checked first (``manifest.parse_manifest``); the stored base scenario is read
        with the strict YAML loader and must be a mapping (never a path to read elsewhere).
        """
        source = m.get("spec_source", "sweep")
        doc = dict(m["spec"])
        base = parse_yaml(m["base_scenario"], f"{source}: base scenario")
        if not isinstance(base, dict):
            raise ScenarioError(f"{source}: base scenario: must be a mapping of fields (got {type(base).__name__})")
        doc["base"] = base
        doc["overrides"] = {}  # already applied to the stored base scenario
        return cls.from_dict(doc, source=source, text=m.get("spec_text", ""))

    # ---- identity ----
    @cached_property
    def spec_hash(self) -> str:
        """Hash of what determines the data: the spec and the resolved base scenario (not the file's formatting)."""
        doc = {
            "spec": self.spec.model_dump(mode="json", exclude={"base", "description", "overrides"}),
            "base": self.base.model_dump(mode="json"),
        }
        return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.params]

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem: names and bounds in sampling space."""
        return problem(self.params)

    # ---- points ----
    @property
    def sampler(self) -> Sampler:
        return SAMPLERS[self.spec.sampler]

    @property
    def n_points(self) -> int:
        return self.sampler.n_points(self.spec, self.params)

    @cached_property
    def design(self) -> np.ndarray | None:
        """The sample matrix in sampling space (points x parameters); None for a grid."""
        return self.sampler.design(self.spec, self.params)

    def point(self, i: int) -> dict[str, Any]:
        """The overrides of point i (0-based)."""
        if not 0 <= i < self.n_points:
            raise IndexError(f"point {i} out of range 0..{self.n_points - 1}")
        return self.sampler.point(self.params, self.design, i)

    def points(self) -> Iterator[tuple[int, dict[str, Any]]]:
        return self.sampler.points(self.params, self.design, self.n_points)

    def scenario(self, i: int | dict[str, Any]) -> Scenario:
        """The validated scenario of a point (raises ScenarioError if the combination is invalid)."""
        ov = self.point(i) if isinstance(i, int) else i
        return self.base.with_overrides(ov, source=f"{self.source}: point")

    def points_frame(self) -> pd.DataFrame:
        """One row per point: ``point`` and the varied parameters."""
        rows = [{"point": i, **{p.key: p.column(ov[p.key]) for p in self.params}} for i, ov in self.points()]
        return self.typed(pd.DataFrame(rows))

    # ---- columns ----
    def columns(self) -> dict[str, str]:
        """Every data column and its type, in order."""
        cols = {"point": "int64", "replication": "int64", "seed": "int64"}
        cols.update({p.key: p.dtype for p in self.params})
        cols.update({m: "float64" for m in self.metrics})
        cols.update({"status": "string", "error": "string", "elapsed_seconds": "float64", "worker": "string"})
        return cols

    def typed(self, df: pd.DataFrame) -> pd.DataFrame:
        """``df`` with each known column cast to its type (in place; returned for chaining)."""
        cols = self.columns()
        for c in df.columns:
            t = cols.get(c)
            if t == "string":
                df[c] = df[c].astype("str")
            elif t is not None:
                df[c] = df[c].astype(t)
        return df

    def empty_frame(self) -> pd.DataFrame:
        """A frame with every column and no rows."""
        return self.typed(pd.DataFrame({c: pd.Series(dtype="object") for c in self.columns()}))

    def arrow_schema(self) -> Any:
        import pyarrow as pa

        pa_types = {"int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_(), "string": pa.string()}
        return pa.schema([(c, pa_types[t]) for c, t in self.columns().items()])

    def manifest(self) -> dict[str, Any]:
        from mentorsim import __version__
        from mentorsim.sweeps.integrity import model_fingerprint

        return {
            "spec_hash": self.spec_hash,
            "spec_name": self.name,
            "spec_source": self.source,
            "spec_text": self.text,
            "spec": self.spec.model_dump(mode="json"),
            "base_scenario": self.base.to_yaml(),
            "mentorsim_version": __version__,
            "model_fingerprint": model_fingerprint(),
            "n_points": self.n_points,
            "replications": self.spec.replications,
            "seed": self.spec.seed,
            "parameters": self.keys,
            "metrics": list(self.metrics),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }


def load_sweep_spec(path: str | Path) -> Sweep:
    """Read and validate a sweep YAML file."""
    p = Path(path)
    doc = read_yaml(p)
    return Sweep.from_dict(doc, source=str(p), root=p.resolve().parent, text=p.read_text(encoding="utf-8"))


def as_sweep(spec: Sweep | SweepSpec | str | Path | dict[str, Any]) -> Sweep:
    """A ``Sweep`` from a sweep file path, a mapping, a ``SweepSpec`` or a ``Sweep``."""
    if isinstance(spec, Sweep):
        return spec
    if isinstance(spec, (str, Path)):
        return load_sweep_spec(spec)
    if isinstance(spec, SweepSpec):
        return Sweep.from_dict(spec.model_dump(mode="json"))
    if isinstance(spec, dict):
        return Sweep.from_dict(spec)
    raise TypeError(f"expected a sweep file path, a mapping or a Sweep, got {type(spec).__name__}")
