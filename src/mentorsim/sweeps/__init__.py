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
seed (a point's replications run together as one ``engine.run_batch``): the seed
depends only on (spec seed, r), never on the point, the executor, the worker count,
the chunking or a resumption. Points therefore share common random numbers (the same
starting people), so their differences are paired.

``sweep(spec, executor="serial"|"processes"|"dask", ...)`` validates each point
(``Scenario.with_overrides``) before it runs; an invalid point, or one whose run
raises, is recorded as failed with its error and the sweep goes on. Work is sent
in chunks of points; each finished chunk is written to the store at once, so memory
does not grow with the sweep.

The package, a module a concept:

    space      Range, Param: a varied parameter's values and its sampling coordinates
    samplers   SAMPLERS: grid, random, latin_hypercube, sobol, morris (one class each)
    spec       SweepSpec (the file's schema), its validation, Sweep (the points), load_sweep_spec
    running    sweep(): chunks of points on an executor (mentorsim.run.executors), the sink, progress
    store      the resumable store on disk (Parquet chunks and a manifest), one writer at a time
    reading    reading a store: the manifest and every chunk checked, each row once
    manifest   the manifest's keys, types and ranges, checked before it is trusted
    integrity  the writer's lock, the model fingerprint, chunk checksums, files that are files (docs/reliability.md)
    summary    per-point intervals and the Pareto front, as functions of frames
    results    SweepResult (summaries, gains, pareto) and load_sweep
"""

from mentorsim.run.executors import EXECUTORS
from mentorsim.run.worker import STATUS_FAILED, STATUS_OK
from mentorsim.sweeps.results import PROGRAM_COSTS, SweepResult, load_sweep
from mentorsim.sweeps.running import STATUS_INVALID, sweep
from mentorsim.sweeps.samplers import SAMPLERS, Sampler
from mentorsim.sweeps.space import Param, Range
from mentorsim.sweeps.spec import MAX_POINTS, Sweep, SweepSpec, load_sweep_spec
from mentorsim.sweeps.summary import pareto_mask

__all__ = [
    "EXECUTORS",
    "MAX_POINTS",
    "PROGRAM_COSTS",
    "SAMPLERS",
    "STATUS_FAILED",
    "STATUS_INVALID",
    "STATUS_OK",
    "Param",
    "Range",
    "Sampler",
    "Sweep",
    "SweepResult",
    "SweepSpec",
    "load_sweep",
    "load_sweep_spec",
    "pareto_mask",
    "sweep",
]
