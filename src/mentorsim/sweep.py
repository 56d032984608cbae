"""Parameter sweeps: a validated spec, sampled points, three executors, a resumable store.

A sweep file (YAML) names a base scenario, fixed overrides, the parameters to vary
by dotted key (a list of values, or a range ``{low, high}``), a sampler, the
replications, a seed and the metrics to keep::

    name: cadence_by_format
    base: ../one_on_one.yaml            # relative to this file
    overrides: {workforce.size: 1000}
    sampler: grid                       # grid | random | latin_hypercube | sobol | morris
    parameters:
      program.format: [one_on_one, peer, circle, micro_board]
      program.participation_target: {low: 0.1, high: 0.5, levels: 5}
    replications: 2
    seed: 7
    metrics: [retention_36m, program_cost]

Replication r of every point gives ``engine.run(scenario, seed, r)`` with the spec's
seed (a point's replications run together as one ``engine.run_batch``): the seed depends only on (spec seed, r), never on the point, the executor,
the worker count, the chunking or a resumption. Points therefore share common
random numbers (the same starting people), so their differences are paired.

``sweep(spec, executor="serial"|"processes"|"dask", ...)`` validates each point
(``Scenario.with_overrides``) before it runs; an invalid point, or one whose run
raises, is recorded as failed with its error and the sweep goes on. Work is sent
in chunks of points; each finished chunk is written to the store at once, so memory
does not grow with the sweep.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import itertools
import json
import math
import numbers
import os
import socket
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import MentorsimError, ScenarioError
from .results import METRICS, interval
from .scenario import Scenario, read_yaml, scenario_from_dict
from .store import Store
from .worker import STATUS_FAILED, STATUS_OK, run_chunk  # workers import the light module only

SAMPLERS = ("grid", "random", "latin_hypercube", "sobol", "morris")
EXECUTORS = ("serial", "processes", "dask")
MAX_POINTS = 10_000_000
STATUS_INVALID = "invalid"


# ---- the spec ---------------------------------------------------------------------------------

class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Range(_Frozen):
    """A numeric range to sample: ``{low, high}``; ``levels`` for a grid; ``log`` for log-uniform."""

    low: float = Field(description="Lowest value.")
    high: float = Field(description="Highest value (> low).")
    levels: int | None = Field(None, ge=2, le=10_000, description="Evenly spaced values, for the grid sampler.")
    integer: bool | None = Field(None, description="Round to whole numbers (default: when the field is an integer).")
    log: bool = Field(False, description="Sample (or space the grid) evenly on a log scale; needs low > 0.")


class SweepSpec(_Frozen):
    """The sweep file's schema."""

    name: str = Field("sweep", min_length=1, max_length=80, description="Short name of the sweep.")
    description: str = Field("", max_length=2000, description="What the sweep explores, in plain words.")
    base: str | dict[str, Any] = Field(
        description="Base scenario: a YAML path relative to the sweep file, or a mapping.")
    overrides: dict[str, Any] = Field(default_factory=dict, description="Dotted overrides applied to every point.")
    sampler: Literal["grid", "random", "latin_hypercube", "sobol", "morris"] = Field(
        "grid", description="grid (every combination), random, latin_hypercube, sobol (Saltelli design for "
                            "Sobol indices) or morris (elementary-effect trajectories).")
    samples: int | None = Field(None, ge=1, le=MAX_POINTS,
                                description="random/latin_hypercube: points; sobol: base sample N (a power of 2; "
                                            "points = N x (parameters + 2)); morris: trajectories "
                                            "(points = trajectories x (parameters + 1)). Not used by grid.")
    morris_levels: int = Field(4, ge=2, le=100, description="Levels of the Morris grid (even numbers work best).")
    parameters: dict[str, Any] = Field(min_length=1, description="Dotted key -> list of values or {low, high, ...}.")
    replications: int = Field(2, ge=1, le=100_000, description="Replications of every point.")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Seed; replication r of every point uses (seed, r).")
    metrics: list[str] | None = Field(None, description="Summary metrics to keep (default: all).")


@dataclass(frozen=True)
class Param:
    """One varied parameter after validation."""

    key: str
    values: tuple | None = None  # a list of values
    range: Range | None = None
    integer: bool = False

    @property
    def dtype(self) -> str:
        """Column type: int64, float64, bool or string, fixed by the spec (never by a chunk's data)."""
        if self.range is not None:
            return "int64" if self.integer else "float64"
        vals = self.values
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
            k = len(self.values)
            return self.values[min(int(x * k), k - 1)]
        v = math.exp(x) if self.range.log else float(x)
        v = min(max(v, self.range.low), self.range.high)
        return int(round(v)) if self.integer else v

    def grid(self) -> list[Any]:
        if self.range is None:
            return list(self.values)
        r = self.range
        xs = np.geomspace(r.low, r.high, r.levels) if r.log else np.linspace(r.low, r.high, r.levels)
        if self.integer:
            return list(dict.fromkeys(int(round(x)) for x in xs))
        return [float(x) for x in xs]


def _nearest(word: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else f"; allowed: {', '.join(options)}"


def _describe(err: dict, model: type[BaseModel]) -> str:
    loc = [str(k) for k in err["loc"]]
    where = ".".join(loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        return f"{where}: unknown field{_nearest(loc[-1], list(model.model_fields))}"
    if err["type"] == "missing":
        return f"{where}: required field is missing"
    msg = err["msg"].removeprefix("Value error, ")
    got = err.get("input")
    shown = "" if isinstance(got, (dict, list)) else f" (got {got!r})"
    hint = ""
    if loc and loc[-1] == "sampler" and isinstance(got, str):
        hint = _nearest(got, SAMPLERS)
    return f"{where}: {msg}{shown}{hint}"


def _validation(source: str, e: ValidationError, model: type[BaseModel], prefix: str = "") -> ScenarioError:
    errs = sorted(e.errors(), key=lambda x: x["type"] != "extra_forbidden")  # a typo explains a missing field
    more = f" (and {len(errs) - 1} more problem(s))" if len(errs) > 1 else ""
    return ScenarioError(f"{source}: {prefix}{_describe(errs[0], model)}{more}")


def _lookup(doc: dict, key: str) -> tuple[bool, Any]:
    cur: Any = doc
    for k in key.split("."):
        if not isinstance(cur, dict) or k not in cur:
            return False, None
        cur = cur[k]
    return True, cur


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: the spec, its base scenario (with the fixed overrides) and its points.

    ``Sweep.load(path)`` reads a sweep file; ``Sweep.from_dict(doc)`` validates a mapping.
    """

    spec: SweepSpec
    base: Scenario
    params: tuple[Param, ...]
    source: str = "sweep"
    text: str = ""
    metrics: tuple[str, ...] = field(default=())

    # ---- construction ----
    @classmethod
    def load(cls, path: str | Path) -> "Sweep":
        p = Path(path)
        doc = read_yaml(p)
        return cls.from_dict(doc, source=str(p), root=p.resolve().parent, text=p.read_text(encoding="utf-8"))

    @classmethod
    def from_dict(cls, doc: Any, source: str = "sweep", root: str | Path | None = None,
                  text: str | None = None) -> "Sweep":
        if not isinstance(doc, dict):
            raise ScenarioError(f"{source}: a sweep must be a mapping of fields, got {type(doc).__name__}")
        try:
            spec = SweepSpec.model_validate(doc)
        except ValidationError as e:
            raise _validation(source, e, SweepSpec) from None
        root = Path(root) if root is not None else Path.cwd()
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
        doc0 = base.model_dump(mode="json")
        params = []
        for key, val in spec.parameters.items():
            where = f"parameters.{key}"
            found, current = _lookup(doc0, key)
            if not found:
                base.with_overrides({key: None}, source=f"{source}: parameters")  # raises, naming the nearest field
            if isinstance(current, dict):
                raise ScenarioError(f"{source}: {where}: is a section, not a parameter; name one of its fields "
                                    f"({', '.join(f'{key}.{k}' for k in current)})")
            if key in spec.overrides:
                raise ScenarioError(f"{source}: {where}: also set in overrides; vary it or fix it, not both")
            if isinstance(val, (list, tuple)):
                if not val:
                    raise ScenarioError(f"{source}: {where}: an empty list of values")
                params.append(Param(key, values=tuple(val)))
            elif isinstance(val, dict):
                try:
                    r = Range.model_validate(val)
                except ValidationError as e:
                    raise _validation(source, e, Range, prefix=f"{where}.") from None
                if not r.low < r.high:
                    raise ScenarioError(f"{source}: {where}: low must be below high "
                                        f"(got low {r.low:g}, high {r.high:g})")
                if r.log and r.low <= 0:
                    raise ScenarioError(f"{source}: {where}: a log range needs low > 0 (got {r.low:g})")
                if isinstance(current, bool) or current is None:
                    raise ScenarioError(f"{source}: {where}: a range needs a numeric field; this one is "
                                        f"{current!r}: give a list of values instead")
                integer = r.integer if r.integer is not None else isinstance(current, int)
                for end in ("low", "high"):  # both ends must be valid values of the field
                    v = getattr(r, end)
                    base.with_overrides({key: int(round(v)) if integer else v},
                                        source=f"{source}: parameters ({end} end of the range)")
                if spec.sampler == "grid" and r.levels is None:
                    raise ScenarioError(f"{source}: {where}: a range in a grid needs levels (e.g. "
                                        f"{{low: {r.low:g}, high: {r.high:g}, levels: 5}})")
                params.append(Param(key, range=r, integer=integer))
            else:
                raise ScenarioError(f"{source}: {where}: give a list of values or a range {{low, high}} (got {val!r})")
        n = len(params)
        if spec.sampler == "grid":
            if spec.samples is not None:
                raise ScenarioError(f"{source}: samples: not used by the grid sampler (it runs every combination); "
                                    "remove it or choose random, latin_hypercube, sobol or morris")
        elif spec.samples is None:
            what = {"random": "the number of points", "latin_hypercube": "the number of points",
                    "sobol": "the base sample N, a power of 2", "morris": "the number of trajectories"}[spec.sampler]
            raise ScenarioError(f"{source}: samples: required by the {spec.sampler} sampler ({what})")
        if spec.sampler == "sobol" and spec.samples & (spec.samples - 1):
            raise ScenarioError(f"{source}: samples: the sobol sampler needs a power of 2 (got {spec.samples}; "
                                f"nearest {2 ** round(math.log2(spec.samples))})")
        if spec.sampler in ("sobol", "morris") and n < 2:
            raise ScenarioError(f"{source}: parameters: {spec.sampler} sensitivity needs at least 2 parameters "
                                f"(got {n})")
        metrics = tuple(METRICS) if spec.metrics is None else tuple(spec.metrics)
        for i, m in enumerate(metrics):
            if m not in METRICS:
                raise ScenarioError(f"{source}: metrics[{i}]: unknown metric {m!r}{_nearest(m, list(METRICS))}")
        if not metrics:
            raise ScenarioError(f"{source}: metrics: keep at least one metric")
        sw = cls(spec, base, tuple(params), source, text if text is not None else json.dumps(doc, default=str),
                 metrics)
        if sw.n_points > MAX_POINTS:
            raise ScenarioError(f"{source}: parameters: {sw.n_points:,} points is more than {MAX_POINTS:,}")
        return sw

    # ---- identity ----
    @cached_property
    def spec_hash(self) -> str:
        """Hash of what determines the data: the spec and the resolved base scenario (not the file's formatting)."""
        doc = {"spec": self.spec.model_dump(mode="json", exclude={"base", "description", "overrides"}),
               "base": self.base.model_dump(mode="json")}
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
        return {"num_vars": len(self.params), "names": self.keys, "bounds": [p.bounds() for p in self.params]}

    # ---- points ----
    @property
    def n_points(self) -> int:
        s, d = self.spec, len(self.params)
        if s.sampler == "grid":
            return math.prod(len(p.grid()) for p in self.params)
        if s.sampler == "sobol":
            return s.samples * (d + 2)
        if s.sampler == "morris":
            return s.samples * (d + 1)
        return s.samples

    @cached_property
    def design(self) -> np.ndarray | None:
        """The sample matrix in sampling space (points x parameters); None for a grid."""
        s, d = self.spec, len(self.params)
        if s.sampler == "grid":
            return None
        if s.sampler == "random":
            u = np.random.default_rng(s.seed).random((s.samples, d))
        elif s.sampler == "latin_hypercube":
            from scipy.stats import qmc

            u = qmc.LatinHypercube(d=d, seed=np.random.default_rng(s.seed)).random(s.samples)
        elif s.sampler == "sobol":
            import warnings

            from SALib.sample import sobol

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return np.asarray(sobol.sample(self.problem, s.samples, calc_second_order=False, seed=s.seed))
        else:
            from SALib.sample import morris

            return np.asarray(morris.sample(self.problem, s.samples, num_levels=s.morris_levels, seed=s.seed))
        b = np.array([p.bounds() for p in self.params])
        return b[:, 0] + u * (b[:, 1] - b[:, 0])

    def point(self, i: int) -> dict[str, Any]:
        """The overrides of point i (0-based)."""
        if not 0 <= i < self.n_points:
            raise IndexError(f"point {i} out of range 0..{self.n_points - 1}")
        if self.spec.sampler == "grid":
            levels = [p.grid() for p in self.params]
            idx = []
            for lv in reversed(levels):
                i, j = divmod(i, len(lv))
                idx.append(j)
            return {p.key: lv[j] for p, lv, j in zip(self.params, levels, reversed(idx))}
        row = self.design[i]
        return {p.key: p.from_unit(float(x)) for p, x in zip(self.params, row)}

    def points(self) -> Iterator[tuple[int, dict[str, Any]]]:
        if self.spec.sampler == "grid":
            levels = [p.grid() for p in self.params]
            for i, combo in enumerate(itertools.product(*levels)):
                yield i, dict(zip(self.keys, combo))
        else:
            for i in range(self.n_points):
                yield i, self.point(i)

    def scenario(self, i: int | dict[str, Any]) -> Scenario:
        """The validated scenario of a point (raises ScenarioError if the combination is invalid)."""
        ov = self.point(i) if isinstance(i, int) else i
        return self.base.with_overrides(ov, source=f"{self.source}: point")

    def points_frame(self) -> pd.DataFrame:
        """One row per point: ``point`` and the varied parameters."""
        rows = [{"point": i, **{p.key: p.column(ov[p.key]) for p in self.params}} for i, ov in self.points()]
        return _typed(pd.DataFrame(rows), self)

    # ---- columns ----
    def columns(self) -> dict[str, str]:
        """Every data column and its type, in order."""
        cols = {"point": "int64", "replication": "int64", "seed": "int64"}
        cols.update({p.key: p.dtype for p in self.params})
        cols.update({m: "float64" for m in self.metrics})
        cols.update({"status": "string", "error": "string", "elapsed_seconds": "float64", "worker": "string"})
        return cols

    def arrow_schema(self):
        import pyarrow as pa

        pa_types = {"int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_(), "string": pa.string()}
        return pa.schema([(c, pa_types[t]) for c, t in self.columns().items()])

    def manifest(self) -> dict[str, Any]:
        from . import __version__

        return {"spec_hash": self.spec_hash, "spec_name": self.name, "spec_source": self.source,
                "spec_text": self.text, "spec": self.spec.model_dump(mode="json"),
                "base_scenario": self.base.to_yaml(), "mentorsim_version": __version__,
                "n_points": self.n_points, "replications": self.spec.replications, "seed": self.spec.seed,
                "parameters": self.keys, "metrics": list(self.metrics),
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}

    @classmethod
    def from_manifest(cls, m: dict[str, Any]) -> "Sweep":
        """Rebuild a sweep from a store's manifest (the base scenario is stored in it)."""
        import yaml

        doc = dict(m["spec"])
        doc["base"] = yaml.safe_load(m["base_scenario"])
        doc["overrides"] = {}  # already applied to the stored base scenario
        sw = cls.from_dict(doc, source=m.get("spec_source", "sweep"), text=m.get("spec_text", ""))
        return sw


def _typed(df: pd.DataFrame, sw: Sweep) -> pd.DataFrame:
    cols = sw.columns()
    for c in df.columns:
        t = cols.get(c)
        if t == "string":
            df[c] = df[c].astype("str")
        elif t is not None:
            df[c] = df[c].astype(t)
    return df


def load_sweep_spec(path: str | Path) -> Sweep:
    """Read and validate a sweep YAML file."""
    return Sweep.load(path)


def _as_sweep(spec: Sweep | SweepSpec | str | Path | dict) -> Sweep:
    if isinstance(spec, Sweep):
        return spec
    if isinstance(spec, (str, Path)):
        return Sweep.load(spec)
    if isinstance(spec, SweepSpec):
        return Sweep.from_dict(spec.model_dump(mode="json"))
    if isinstance(spec, dict):
        return Sweep.from_dict(spec)
    raise TypeError(f"expected a sweep file path, a mapping or a Sweep, got {type(spec).__name__}")


# ---- running ----------------------------------------------------------------------------------

class _Sink:
    """Turns finished rows into typed chunks: written to the store, or kept in memory without one.

    Rows are buffered and flushed as one chunk about every second (and at the end), so
    per-chunk pandas and Parquet overhead stays off the workers' critical path; a kill
    loses at most that second of work, which --resume redoes. With an explicit
    chunk size every chunk of points is written as it finishes.
    """

    FLUSH_SECONDS = 1.0

    def __init__(self, sw: Sweep, store: Store | None, overrides: dict[int, dict[str, Any]],
                 flush_seconds: float = FLUSH_SECONDS):
        self.sw, self.store, self.overrides = sw, store, overrides
        self.flush_seconds = flush_seconds
        self.frames: list[pd.DataFrame] = []
        self.schema = sw.arrow_schema() if store is not None else None
        self.failed: list[tuple[int, str]] = []
        self.ok = 0
        self._buf: list[tuple] = []
        self._last = time.perf_counter()

    def add(self, rows: list[tuple]) -> int:
        """Take a finished chunk's rows; returns the number of points they complete."""
        self._buf.extend(rows)
        first: dict[int, tuple] = {}
        for r in rows:
            first.setdefault(int(r[0]), r)
        for i, r in first.items():
            if r[2] == STATUS_OK:
                self.ok += 1
            else:
                self.failed.append((i, r[3]))
        if time.perf_counter() - self._last >= self.flush_seconds:
            self.flush()
        return len(first)

    def flush(self) -> None:
        """Write the buffered rows as one chunk (atomically, when there is a store)."""
        self._last = time.perf_counter()
        if not self._buf:
            return
        rows, self._buf = self._buf, []
        sw = self.sw
        names = ["point", "replication", "status", "error", "elapsed_seconds", "worker", *sw.metrics]
        df = pd.DataFrame.from_records(rows, columns=names)
        pts = df["point"].to_numpy()
        df["seed"] = sw.spec.seed
        for p in sw.params:
            df[p.key] = [p.column(self.overrides[int(i)][p.key]) for i in pts]
        df = _typed(df[list(sw.columns())], sw)
        for i in set(int(i) for i in pts):
            self.overrides.pop(i, None)
        if self.store is not None:
            self.store.write_chunk(df, self.schema)
        else:
            self.frames.append(df)


def _chunks(sw: Sweep, todo: list[int], size: int, sink: _Sink, workers: int = 1) -> Iterator[list[tuple[int, Scenario]]]:
    """Chunks of validated points; invalid points go straight to the sink as failed.

    With several workers the chunks shrink toward the end (guided scheduling: at most
    the remaining points over 4 x workers), so no worker is left with a long tail.
    """
    nan = (float("nan"),) * len(sw.metrics)
    batch: list[tuple[int, Scenario]] = []
    for k, i in enumerate(todo):
        if workers > 1:
            size = max(1, min(size, (len(todo) - k) // (4 * workers)))
        ov = sw.point(i)
        sink.overrides[i] = ov
        try:
            sc = sw.base.with_overrides(ov, source="point")
        except MentorsimError as e:
            msg = str(e).removeprefix("point: ")
            sink.add([(i, r, STATUS_INVALID, msg, 0.0, "", *nan) for r in range(sw.spec.replications)])
            yield []  # lets the caller count the point as done
            continue
        batch.append((i, sc))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


class _Progress:
    def __init__(self, total: int, initial: int, desc: str, enabled: bool):
        self.bar = None
        if enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, initial=initial, desc=desc, unit="point", file=sys.stderr,
                            dynamic_ncols=True, mininterval=0.5, smoothing=0.1)

    def update(self, n: int) -> None:
        if self.bar is not None and n:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def sweep(spec: Sweep | SweepSpec | str | Path | dict, executor: str = "serial", workers: int | None = None,
          store: str | Path | None = None, resume: bool = False, scheduler: str | None = None,
          progress: bool = True, chunk_size: int | None = None, pool=None) -> "SweepResult":
    """Run a sweep and return its results.

    spec: a sweep YAML path, a mapping or a ``Sweep``. executor: ``serial``,
    ``processes`` (``workers`` processes: this one and a spawn-context pool of
    ``workers - 1`` made inside this call, so it is safe in Jupyter) or ``dask``
    (a ``dask.distributed`` client to ``scheduler``, e.g.
    ``"tcp://10.0.0.5:8786"``, or a LocalCluster of ``workers`` single-threaded
    worker processes started and stopped here). store: a directory for resumable
    Parquet chunks (without one, results are kept in memory). resume: finish the
    points missing from ``store``. pool: with ``processes``, an existing
    ``concurrent.futures`` executor of ``workers - 1`` processes to use instead of
    making one (see ``experiment.spawn_pool``). Results do not depend on the
    executor, the worker count, the chunking or resumption.
    """
    sw = _as_sweep(spec)
    if executor not in EXECUTORS:
        raise MentorsimError(f"executor: {executor!r} is not an executor{_nearest(executor, EXECUTORS)}")
    if scheduler is not None and executor != "dask":
        raise MentorsimError(f"scheduler: only used by the dask executor (executor is {executor!r})")
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise MentorsimError(f"workers: must be an integer >= 1 (got {workers!r})")
    if executor == "serial" and workers not in (None, 1):
        raise MentorsimError(f"workers: the serial executor runs on 1 worker (got {workers}); use processes or dask")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise MentorsimError(f"chunk_size: must be an integer >= 1 (got {chunk_size!r})")
    if resume and store is None:
        raise MentorsimError("resume: needs a store directory to resume from")
    n_workers = workers or (1 if executor == "serial" else (os.cpu_count() or 1))

    st = Store(store) if store is not None else None
    done = st.open(sw.manifest(), resume) if st is not None else set()
    todo = [i for i in range(sw.n_points) if i not in done]
    size = chunk_size or (max(1, min(64, math.ceil(len(todo) / (n_workers * 16)))) if todo else 1)
    sink = _Sink(sw, st, {}, flush_seconds=0.0 if chunk_size else _Sink.FLUSH_SECONDS)
    bar = _Progress(sw.n_points, len(done), sw.name, progress and bool(todo))
    args = (sw.spec.seed, sw.spec.replications, sw.metrics)
    t0 = time.perf_counter()
    try:
        if not todo:
            pass
        elif executor == "serial" or (executor == "processes" and n_workers == 1):
            for items in _chunks(sw, todo, size, sink):
                bar.update(sink.add(run_chunk(items, *args)) if items else 1)
        elif executor == "processes":
            from .experiment import spawn_pool

            # the calling process works too: workers=n is n-1 pool processes plus this one
            with (contextlib.nullcontext(pool) if pool is not None else spawn_pool(n_workers - 1)) as px:
                _drive(lambda items: px.submit(run_chunk, items, *args), _wait_cf, sw, todo, size, sink, bar,
                       n_workers - 1, local=lambda items: run_chunk(items, *args))
        else:
            _run_dask(sw, todo, size, sink, bar, n_workers, scheduler, args)
    finally:
        sink.flush()  # finished rows are kept even when the run stops early
        bar.close()
    seconds = time.perf_counter() - t0
    info = {"executor": executor, "workers": 1 if executor == "serial" else (n_workers if scheduler is None else None),
            "scheduler": scheduler, "chunk_size": size, "points_run": len(todo), "resumed_from": len(done),
            "seconds": round(seconds, 3), "points_per_second": round(len(todo) / seconds, 3) if seconds > 0 else None,
            "host": socket.gethostname(), "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    if st is not None:
        st.log_run(info)
    return SweepResult(sw, st, frame=None if st is not None else _concat(sink.frames, sw), run_info=info)


def _wait_cf(pending):
    from concurrent.futures import FIRST_COMPLETED, wait

    done, _ = wait(pending, return_when=FIRST_COMPLETED)
    return done


def _drive(submit, wait, sw: Sweep, todo: list[int], size: int, sink: _Sink, bar: _Progress, n_remote: int,
           local=None) -> None:
    """Keep a bounded window of chunks in flight; write each chunk as soon as it finishes.

    With ``local``, the calling process runs chunks too, between collecting the others'.
    """
    window = max(2, n_remote * 3) if local is None else n_remote + 1
    chunks = _chunks(sw, todo, size, sink, workers=n_remote + (local is not None))
    pending: set = set()

    def collect(done) -> None:
        for f in done:
            pending.discard(f)
            try:
                rows = f.result()
            except Exception as e:  # the task itself failed (a worker died, or cannot import mentorsim)
                msg = f"{type(e).__name__}: {e}".splitlines()[0]
                raise MentorsimError(f"a worker could not run its chunk of points ({msg}); the finished chunks "
                                     "are kept: fix the workers and run again with --resume") from None
            bar.update(sink.add(rows))

    try:
        _drive_loop(chunks, pending, submit, wait, collect, sink, bar, window, local)
    except BaseException:
        for f in pending:
            f.cancel()
        raise


def _drive_loop(chunks, pending: set, submit, wait, collect, sink: _Sink, bar: _Progress, window: int,
                local) -> None:
    exhausted = False
    while True:
        while not exhausted and len(pending) < window:
            items = next(chunks, None)
            if items is None:
                exhausted = True
            elif not items:
                bar.update(1)  # an invalid point, already recorded
            else:
                pending.add(submit(items))
        if local is not None and not exhausted:
            items = next(chunks, None)
            if items is None:
                exhausted = True
            elif not items:
                bar.update(1)
            else:
                bar.update(sink.add(local(items)))
            collect([f for f in pending if f.done()])
            continue
        if not pending:
            break
        collect(wait(pending))


@contextlib.contextmanager
def _main_importable():
    """Spawned workers re-import ``__main__`` from its file; when it has none (stdin, some notebooks), skip that."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    hide = path is not None and not os.path.exists(path)
    if hide:
        del main.__file__
    try:
        yield
    finally:
        if hide:
            main.__file__ = path


def _run_dask(sw: Sweep, todo: list[int], size: int, sink: _Sink, bar: _Progress, n_workers: int,
              scheduler: str | None, args: tuple) -> None:
    import logging

    try:
        from dask.distributed import Client, LocalCluster
        from dask.distributed import wait as dwait
    except ImportError:  # pragma: no cover - dask is a dependency
        raise MentorsimError("executor: dask needs the 'dask[distributed]' package") from None

    def wait(pending):
        return dwait(list(pending), return_when="FIRST_COMPLETED").done

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as e:
            raise MentorsimError(f"scheduler: cannot connect to {scheduler!r}: {e}".splitlines()[0]) from None
        cluster = None
    else:
        with _main_importable():
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        n = len(client.scheduler_info().get("workers", {})) or n_workers
        _drive(lambda items: client.submit(run_chunk, items, *args, pure=False), wait, sw, todo, size, sink, bar, n)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _concat(frames: list[pd.DataFrame], sw: Sweep) -> pd.DataFrame:
    if not frames:
        return _typed(pd.DataFrame({c: pd.Series(dtype="object") for c in sw.columns()}), sw)
    df = pd.concat(frames, ignore_index=True)
    return df.sort_values(["point", "replication"], kind="stable").reset_index(drop=True)


# ---- results ----------------------------------------------------------------------------------

_NO_PROGRAM = {"program.format": "none", "program.sponsorship": False}
# costs that only price the program (a baseline without one never reads them)
PROGRAM_COSTS = ("costs.hourly_cost_by_level", "costs.admin_per_participant_per_year",
                 "costs.learning_credit_per_mentor_per_year", "costs.celebration_per_mentor_per_year",
                 "costs.prep_hours_per_session")


def pareto_mask(x: np.ndarray, y: np.ndarray, minimize_x: bool = True, maximize_y: bool = True) -> np.ndarray:
    """True for the points no other point beats on both: at least as good on each and better on one."""
    x = np.asarray(x, dtype=float) * (1 if minimize_x else -1)
    y = np.asarray(y, dtype=float) * (1 if maximize_y else -1)
    ok = ~(np.isnan(x) | np.isnan(y))
    mask = np.zeros(len(x), dtype=bool)
    for i in np.flatnonzero(ok):
        dominated = ok & (x <= x[i]) & (y >= y[i]) & ((x < x[i]) | (y > y[i]))
        mask[i] = not dominated.any()
    return mask


class SweepResult:
    """The data of a sweep: a tidy frame (one row per point x replication) and per-point summaries."""

    def __init__(self, sweep: Sweep, store: Store | None = None, frame: pd.DataFrame | None = None,
                 run_info: dict | None = None):
        self.sweep = sweep
        self.store = store
        self._frame = frame
        self.run_info = run_info or {}
        self._baselines: dict[tuple, Any] | None = None

    def __repr__(self) -> str:
        where = f", store={str(self.store.path)!r}" if self.store is not None else ""
        return (f"<SweepResult {self.sweep.name!r}: {_count(self.sweep.n_points, 'point')} x "
                f"{self.sweep.spec.replications} replications{where}>")

    @classmethod
    def load(cls, path: str | Path) -> "SweepResult":
        st = Store(path)
        m = st.manifest()
        return cls(Sweep.from_manifest(m), st, run_info=(m.get("runs") or [{}])[-1])

    @property
    def parameters(self) -> list[str]:
        return self.sweep.keys

    @property
    def metrics(self) -> list[str]:
        return list(self.sweep.metrics)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """Tidy: point, replication, seed, the varied parameters, the metrics, status, error,
        elapsed_seconds, worker."""
        if self._frame is not None:
            return self._frame
        df = self.store.read()
        return _typed(df, self.sweep) if len(df) else _concat([], self.sweep)

    @property
    def complete(self) -> bool:
        return self.frame["point"].nunique() == self.sweep.n_points

    @property
    def failed(self) -> pd.DataFrame:
        """One row per failed or invalid point: point, parameters, status, error."""
        cols = ["point", *self.parameters, "status", "error"]
        if self._frame is None and "frame" not in self.__dict__ and self.store is not None:
            f = self.store.read(columns=cols)  # only the columns needed
            f = _typed(f, self.sweep) if len(f) else pd.DataFrame(columns=cols)
        else:
            f = self.frame
        bad = f[f.status != STATUS_OK].drop_duplicates("point")
        return bad[["point", *self.parameters, "status", "error"]].reset_index(drop=True)

    def ok_frame(self) -> pd.DataFrame:
        f = self.frame
        return f[f.status == STATUS_OK]

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Long: point, parameters, metric, mean, ci_low, ci_high, n (a t-interval over replications).

        The same interval as ``results.interval``: NaN bounds with fewer than two values.
        A store is summarised a group of chunks at a time (each chunk holds whole points), so
        memory stays small.
        """
        if self._frame is None and "frame" not in self.__dict__ and self.store is not None:
            parts = [_summarize(_typed(c, self.sweep), self.parameters, self.metrics, level)
                     for c in _grouped(self.store.iter_chunks(), SUMMARY_ROWS)]
            parts = [p for p in parts if len(p)]
            if not parts:
                return _summarize(self.frame, self.parameters, self.metrics, level)
            return pd.concat(parts, ignore_index=True).sort_values(["point", "_order"], kind="stable") \
                .drop(columns="_order").reset_index(drop=True)
        return _summarize(self.frame, self.parameters, self.metrics, level).drop(columns="_order")

    def means(self) -> pd.DataFrame:
        """Wide: one row per point (ok points only), the parameters and each metric's mean over replications."""
        f = self.ok_frame()
        g = f.groupby("point", sort=True)
        out = g[self.parameters].first().join(g[self.metrics].mean())
        return out.reset_index()

    @property
    def world_parameters(self) -> list[str]:
        """Varied parameters that change the company itself, not just the program (anything outside
        ``program.*``, ``effects.*`` and the program's own prices): with no program they still
        change the outcomes."""
        return [k for k in self.parameters if not k.startswith(("program.", "effects.")) and k not in PROGRAM_COSTS]

    def baseline(self, overrides: dict[str, Any] | None = None, workers: int = 1):
        """Simulate the no-program baseline paired with the sweep (same seed, same replications).

        overrides default to ``{"program.format": "none"}`` on the sweep's base scenario. When the
        sweep varies the company itself (``world_parameters``), one baseline cannot pair with every
        point: use ``baselines()`` or ``gains(..., baseline="paired")``.
        """
        from .experiment import simulate

        if self.world_parameters and overrides is None:
            raise MentorsimError(
                f"baseline: the sweep varies {', '.join(self.world_parameters)} (the company itself, not just the "
                "program), so each point needs its own no-program twin: use res.baselines() or "
                "res.gains(\"paired\", metric)")
        sc = self.sweep.base.with_overrides(overrides or _NO_PROGRAM, source="baseline")
        sc = sc.model_copy(update={"name": "baseline"})
        return simulate(sc, replications=self.sweep.spec.replications, seed=self.sweep.spec.seed, workers=workers)

    def baselines(self, workers: int = 1) -> dict[tuple, Any]:
        """The no-program twin of every point: one ``Results`` per combination of the varied world
        parameters (same seed and replications, so each is paired with its points), keyed by the
        tuple of those parameters' values (the empty tuple when only the program varies). Only
        combinations of points that ran are simulated; ``workers`` processes share them (the
        results do not depend on it). Computed once, then kept."""
        if self._baselines is None:
            from .experiment import run_many
            from .results import Results

            keys = self.world_parameters
            ran = set(self.ok_frame()["point"].unique().tolist())  # a point that failed has no twin to pair with
            twins: dict[tuple, Scenario] = {}
            for i, ov in self.sweep.points():
                if i not in ran:
                    continue
                combo = tuple(ov[k] for k in keys)
                key = tuple(self._param_column(k, v) for k, v in zip(keys, combo))
                if key in twins:
                    continue
                sc = self.sweep.base.with_overrides({**dict(zip(keys, combo)), **_NO_PROGRAM}, source="baseline")
                name = "baseline" + ("" if not keys else " (" + ", ".join(f"{k}={v}" for k, v in zip(keys, combo)) + ")")
                twins[key] = sc.model_copy(update={"name": name[:80]})
            seed, reps = self.sweep.spec.seed, self.sweep.spec.replications
            done = run_many([(sc, seed, r) for sc in twins.values() for r in range(reps)], workers)
            ex = "serial" if workers == 1 else "processes"
            self._baselines = {key: Results(sc, seed, done[i * reps:(i + 1) * reps], ex, workers)
                               for i, (key, sc) in enumerate(twins.items())}
        return self._baselines

    def _param_column(self, key: str, v: Any) -> Any:
        p = next(p for p in self.sweep.params if p.key == key)
        return p.column(v)

    def gains(self, baseline, metric: str = "retention_36m", level: float = 0.95) -> pd.DataFrame:
        """Paired gain of each point over a baseline: a ``Results`` (``baseline()``), a number, or
        ``"paired"`` (each point against its own no-program twin, see ``baselines()``).

        Columns: point, parameters, mean, ci_low, ci_high.
        """
        if metric not in self.metrics:
            raise MentorsimError(f"metric: {metric!r} was not kept by this sweep{_nearest(metric, self.metrics)}")
        if isinstance(baseline, str):
            if baseline != "paired":
                raise MentorsimError(f"baseline: {baseline!r} is not 'paired', a Results or a number")
            twins = self.baselines()
        elif not isinstance(baseline, numbers.Real) and self.world_parameters:
            raise MentorsimError(f"baseline: the sweep varies {', '.join(self.world_parameters)}; one baseline "
                                 "cannot pair with every point, use baseline=\"paired\"")
        f = self.ok_frame()
        const = float(baseline) if isinstance(baseline, numbers.Real) else None
        keys = self.world_parameters
        rows = []
        for point, g in f.groupby("point", sort=True):
            v = g[metric].to_numpy(dtype=float)
            if const is not None:
                b = np.full(len(v), const)
            else:
                res = twins[tuple(g.iloc[0][k] for k in keys)] if isinstance(baseline, str) else baseline
                b = res.metrics[metric].reindex(g.replication).to_numpy(dtype=float)
            rows.append((point, *(g.iloc[0][p] for p in self.parameters), *interval(v - b, level)))
        return pd.DataFrame(rows, columns=["point", *self.parameters, "mean", "ci_low", "ci_high"])

    def pareto(self, gain: str = "retention_36m", cost: str = "program_cost", baseline=None) -> pd.DataFrame:
        """Points with ``gain`` (higher is better) and ``cost`` (lower is better) means and an ``on_front`` flag."""
        m = self.means()
        y = m[gain].to_numpy(dtype=float)
        if baseline is not None:
            y = self.gains(baseline, gain)["mean"].to_numpy(dtype=float)
        out = m[["point", *self.parameters]].copy()
        out[gain if baseline is None else f"{gain}_gain"] = y
        out[cost] = m[cost].to_numpy(dtype=float)
        out["on_front"] = pareto_mask(out[cost].to_numpy(), y,
                                      minimize_x=not METRICS[cost].higher_is_better,
                                      maximize_y=METRICS[gain].higher_is_better)
        return out


SUMMARY_ROWS = 200_000  # rows summarised at once


def _grouped(frames, rows: int):
    """Concatenate consecutive frames into groups of about ``rows`` rows."""
    group: list[pd.DataFrame] = []
    n = 0
    for f in frames:
        group.append(f)
        n += len(f)
        if n >= rows:
            yield pd.concat(group, ignore_index=True)
            group, n = [], 0
    if group:
        yield pd.concat(group, ignore_index=True) if len(group) > 1 else group[0]


def _summarize(f: pd.DataFrame, params: list[str], metrics: list[str], level: float) -> pd.DataFrame:
    from scipy.special import stdtrit

    cols = ["point", *params, "metric", "mean", "ci_low", "ci_high", "n", "_order"]
    f = f[f.status == STATUS_OK]
    if f.empty:
        return pd.DataFrame(columns=cols)
    long = f.melt(id_vars=["point", "replication"], value_vars=metrics, var_name="metric")
    g = long.groupby(["point", "metric"], sort=False)["value"]
    st = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=1), "n": g.count()}).reset_index()
    n = st["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(n >= 2, stdtrit(np.maximum(n - 1, 1), 0.5 + level / 2), np.nan)
        half = q * st["sd"].to_numpy(dtype=float) / np.sqrt(n)
    st["ci_low"], st["ci_high"] = st["mean"] - half, st["mean"] + half
    st["n"] = st["n"].astype("int64")
    st = st.join(f.drop_duplicates("point").set_index("point")[params], on="point")
    st["_order"] = st["metric"].map({m: i for i, m in enumerate(metrics)})
    st = st.sort_values(["point", "_order"], kind="stable")
    return st[cols].reset_index(drop=True)


def load_sweep(path: str | Path) -> SweepResult:
    """Open a sweep store directory (written by ``sweep(..., store=DIR)`` or ``mentorsim sweep --out DIR``)."""
    return SweepResult.load(path)
