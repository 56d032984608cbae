"""simulate and compare: replications of scenarios, serially or on a local process pool.

Replication r of a scenario with seed s is ``engine.run(scenario, s, r)``: a pure
function, so results never depend on the executor or the number of workers. Replications
of one scenario run together as a batch (``engine.run_batch``), which gives each
replication exactly the result it would have alone. A
pool is created inside the call (spawn context, safe in Jupyter, see ``executors``),
never at import; one worker is a plain loop.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from mentorsim.engine import RepResult, batches, run_batch
from mentorsim.errors import MentorsimError
from mentorsim.outputs.comparison import Comparison
from mentorsim.outputs.results import Results
from mentorsim.programs import added
from mentorsim.run.driver import LostWork, TaskFailed, drive, spans
from mentorsim.run.executors import EXECUTORS, pool_workers, spawn_pool, start_pool, stop_pool
from mentorsim.run.limits import memory_problem, replications_problem, workers_problem
from mentorsim.run.worker import run_reps
from mentorsim.schema.metrics import METRICS
from mentorsim.schema.scenario import Scenario, load_scenario
from mentorsim.schema.validation import given_or_loaded
from mentorsim.uncertainty import apply, check_kind, draws

__all__ = ["compare", "executor_name", "run_many", "simulate", "spawn_pool", "start_pool", "stop_pool"]


def _as_scenario(s: Scenario | str | Path) -> Scenario:
    return given_or_loaded(s, Scenario, load_scenario, "a Scenario or a path to a scenario file")


def _check_counts(
    replications: int,
    workers: int,
    seed: int,
    scenarios: Sequence[Scenario] = (),
    name: str = "replications",
    scheduler: str | None = None,
) -> None:
    """Counts, caps and the memory plan, before any work (workers run elsewhere when a scheduler is given)."""
    for what, v, lo in ((name, replications, 1), ("workers", workers, 1)):
        if not isinstance(v, int) or isinstance(v, bool) or v < lo:
            raise MentorsimError(f"{what}: must be an integer >= {lo} (got {v!r})")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise MentorsimError(f"seed: must be a non-negative integer (got {seed!r})")
    for what, why in ((name, replications_problem(replications)), ("workers", workers_problem(workers))):
        if why:
            raise MentorsimError(f"{what}: {why}")
    local = 1 if scheduler is not None else workers
    why = memory_problem(scenarios, replications, local) if scenarios else None
    if why:
        raise MentorsimError(f"{name}: {why}")


def run_many(
    jobs: Sequence[tuple[Scenario, int, int]],
    workers: int = 1,
    trace=None,
    pool: ProcessPoolExecutor | None = None,
    executor: str | None = None,
    scheduler: str | None = None,
) -> list[RepResult]:
    """Run (scenario, seed, replication) jobs; results in the order of ``jobs``.

    pool: an existing executor (see ``start_pool``) to run on instead of making one.
    executor: None (serial on one worker, local processes on more), or a name from
    ``executors.EXECUTORS`` (``serial``, ``processes``, ``dask``); ``scheduler`` is the address
    of a running Dask scheduler (else dask starts a local cluster of ``workers`` processes).
    A task whose worker dies (killed, out of memory) runs again on fresh workers (``run.driver``); if it
    cannot, a one-line MentorsimError names the replications that are missing.
    """
    name = _executor(executor, workers, scheduler, pool)
    if name == "serial" or (name == "processes" and pool is None and (workers <= 1 or len(jobs) <= 1)):
        return _serial(jobs, trace)
    # each scenario's replications are split into one part per worker, and a part into batches (see
    # engine.run_batch), so every worker gets a share of each scenario and holds one batch's results at a time
    plugins = added()
    n = getattr(pool, "_max_workers", workers) if pool is not None else workers
    tasks = [
        (k, ((sc, seed, part, trace, plugins),))
        for k, (sc, seed, part) in enumerate(
            (sc, seed, b) for sc, seed, reps in _runs(jobs) for part in _split(reps, n) for b in batches(sc, part)
        )
    ]
    opened = (
        pool_workers(min(workers, len(tasks)), pool)
        if name == "processes"
        else EXECUTORS[name].open(workers, scheduler)
    )
    out: dict[Hashable, list[RepResult]] = {}
    with opened as w:
        try:
            drive(w, run_reps, tasks, out.__setitem__)
        except LostWork as e:
            raise MentorsimError(_missing(tasks, out, e.why)) from None
        except TaskFailed as e:  # the replication's own error, as if it had run here
            raise e.error from None
    return [rr for k in range(len(tasks)) for rr in out[k]]


def _missing(tasks: list[tuple[int, tuple]], out: dict[Hashable, list[RepResult]], why: str) -> str:
    """The one line that says which replications could not be run, and what to do."""
    lost: dict[str, list[int]] = {}
    for k, ((sc, _, part, _, _),) in tasks:
        if k not in out:
            lost.setdefault(sc.name, []).extend(part)
    said = "; ".join(f"{name!r}: replications {spans(reps)}" for name, reps in lost.items())
    ran = sum(len(v) for v in out.values())
    total = ran + sum(len(v) for v in lost.values())
    return (
        f"replications could not be run ({why}); missing {said} ({ran} of {total} finished, but a run returns "
        "all its replications or none): run the command again (results do not depend on the executor or the "
        "worker count; fewer --workers if they ran out of memory)"
    )


def _executor(executor: str | None, workers: int, scheduler: str | None, pool: ProcessPoolExecutor | None) -> str:
    """The executor's name (checked): dask when only a scheduler is given."""
    name = executor if executor is not None else ("dask" if scheduler else executor_name(workers, pool))
    if name not in EXECUTORS:
        raise MentorsimError(f"executor: {name!r} is not allowed; use one of {', '.join(EXECUTORS)}")
    if scheduler is not None and name != "dask":
        raise MentorsimError(f"scheduler: only used with executor 'dask' (got executor {name!r})")
    if pool is not None and name != "processes":
        raise MentorsimError(f"pool: only used with executor 'processes' (got executor {name!r})")
    EXECUTORS[name].check(workers)
    return name


def executor_name(workers: int, pool: ProcessPoolExecutor | None = None) -> str:
    """How ``Results`` name where replications ran by default: ``serial`` or ``processes``."""
    return "processes" if workers > 1 or pool is not None else "serial"


def _runs(jobs: Sequence[tuple[Scenario, int, int]]) -> list[tuple[Scenario, int, list[int]]]:
    """Consecutive jobs of the same scenario and seed, grouped: (scenario, seed, replications)."""
    runs: list[tuple[Scenario, int, list[int]]] = []
    for sc, seed, r in jobs:
        if runs and runs[-1][0] is sc and runs[-1][1] == seed:
            runs[-1][2].append(r)
        else:
            runs.append((sc, seed, [r]))
    return runs


def _split(reps: list[int], n: int) -> list[list[int]]:
    """reps in at most n consecutive parts of near-equal length."""
    k = min(n, len(reps))
    cuts = [round(i * len(reps) / k) for i in range(k + 1)]
    return [reps[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


def _serial(jobs: Sequence[tuple[Scenario, int, int]], trace) -> list[RepResult]:
    """Run jobs in this process, consecutive replications of one scenario and seed as one batch."""
    return [rr for sc, seed, reps in _runs(jobs) for rr in run_batch(sc, seed, reps, trace)]


def _with_draws(
    scs: Sequence[Scenario], seed: int, replications: int, uncertainty: str, batch: int = 0, first: int = 0
) -> tuple[list[tuple[Scenario, int, int]], list[pd.DataFrame]]:
    """The jobs of every scenario's replications ``first .. first + replications - 1`` and, per
    scenario, the parameter values each replication used (one row a replication; only the
    replication column under noise only). Under parameter uncertainty every scenario of a
    replication gets the same draw (paired), except what a scenario sets itself."""
    reps = list(range(first, first + replications))
    if check_kind(uncertainty) == "noise":
        return ([(s, seed, r) for s in scs for r in reps], [pd.DataFrame({"replication": reps}) for _ in scs])
    from mentorsim.schema.params import parameter_register

    reg = parameter_register()
    d = draws(reps, seed, batch, reg)
    defaults = dict(reg.set_index("name").default.items())
    jobs, used = [], []
    for s in scs:
        rows = []
        for r, (_, row) in zip(reps, d.iterrows()):
            sc_r, vals = apply(s, row, defaults)
            jobs.append((sc_r, seed, r))
            rows.append({"replication": r, **vals})
        used.append(pd.DataFrame(rows, columns=list(d.columns)))
    return jobs, used


def simulate(
    scenario: Scenario | str | Path,
    replications: int = 20,
    seed: int = 0,
    workers: int = 1,
    trace=None,
    pool: ProcessPoolExecutor | None = None,
    uncertainty: str = "noise",
    executor: str | None = None,
    scheduler: str | None = None,
) -> Results:
    """Run ``replications`` replications of a scenario.

    trace: None (no event log), True (one starting person per persona), an int k
    (k per persona), "all", or an iterable of person_ids; the events are in
    ``Results.events``. pool: an existing executor (``start_pool``) to run on.
    uncertainty: "noise" (luck only: every parameter at its value) or "parameters" (each
    replication also draws every uncertain parameter the scenario does not set itself, see
    :mod:`mentorsim.uncertainty`; the draws are in ``Results.parameter_draws``).
    executor: ``serial``, ``processes`` or ``dask`` (the executors sweeps use; default serial on
    one worker, processes on more); scheduler: a running Dask scheduler's address (implies dask).
    Results are the same on every executor and worker count.

    >>> import mentorsim as ms
    >>> sc = ms.load_scenario("scenarios/one_on_one.yaml").with_overrides({"workforce.size": 200})
    >>> res = ms.simulate(sc, replications=2, seed=7)
    >>> res
    <Results 'one_on_one': 2 replications, seed 7>
    >>> list(res.summary().columns)
    ['mean', 'ci_low', 'ci_high']
    >>> bool(res.summary().loc["participation_rate", "mean"] > 0)
    True
    """
    sc = _as_scenario(scenario)
    _check_counts(replications, workers, seed, [sc], scheduler=scheduler)
    name = _executor(executor, workers, scheduler, pool)
    EXECUTORS[name].reach(scheduler)  # an address that is not a usable scheduler: refused in seconds
    jobs, used = _with_draws([sc], seed, replications, uncertainty)
    reps = run_many(jobs, workers, trace, pool, name, scheduler)
    res = Results(sc, seed, reps, executor=name, workers=workers)
    res.uncertainty, res.parameter_draws = uncertainty, used[0]
    return res


def compare(
    scenarios: Iterable[Scenario | str | Path],
    replications: int | str = 20,
    seed: int = 0,
    workers: int = 1,
    trace=None,
    uncertainty: str = "noise",
    half_width: float | None = None,
    metric: str = "retention_36m",
    max_replications: int = 200,
    batch: int = 10,
    executor: str | None = None,
    scheduler: str | None = None,
) -> Comparison:
    """Run scenarios paired (same seed, so the same starting people); the first is the baseline.

    uncertainty: "noise" (luck only) or "parameters" (each replication draws every uncertain
    parameter, the same draw for every scenario of that replication; see :func:`simulate`).
    replications="auto": add ``batch`` replications at a time until the paired 95% interval of
    ``metric`` of every scenario against the baseline is at most ``half_width`` wide on each side
    (or ``max_replications`` is reached; ``Comparison.precision_note`` then says so).
    executor, scheduler: where replications run, as in :func:`simulate` (same results everywhere).

    >>> import mentorsim as ms
    >>> base = ms.load_scenario("scenarios/baseline.yaml").with_overrides({"workforce.size": 200})
    >>> program = ms.load_scenario("scenarios/one_on_one.yaml").with_overrides({"workforce.size": 200})
    >>> cmp = ms.compare([base, program], replications=2, seed=7)
    >>> list(cmp.table().columns)
    ['scenario', 'metric', 'diff_mean', 'ci_low', 'ci_high', 'p_better']
    """
    scs = [_as_scenario(s) for s in scenarios]
    if len(scs) < 2:
        raise MentorsimError("compare: give a baseline and at least one scenario")
    base = scs[0]
    for s in scs[1:]:  # pairing needs the same starting people over the same weeks
        for field, a, b in (
            ("workforce.size", s.workforce.size, base.workforce.size),
            ("horizon_weeks", s.horizon_weeks, base.horizon_weeks),
        ):
            if a != b:
                raise MentorsimError(
                    f"compare: {s.name}: {field} is {a} but the baseline {base.name!r} has {b}; paired comparisons "
                    f"need the same workforce and horizon (set {field}: {b} in {s.name}, or use a matching baseline)"
                )
    names = [s.name for s in scs]
    if len(set(names)) < len(names):  # keep scenario names unique in tables
        seen: dict[str, int] = {}
        fixed = []
        for s in scs:
            k = seen.get(s.name, 0)
            seen[s.name] = k + 1
            fixed.append(s if k == 0 else s.model_copy(update={"name": f"{s.name} ({k + 1})"}))
        scs = fixed
    where = (_executor(executor, workers, scheduler, None), scheduler)
    if replications == "auto":  # planned for the most replications it may run, so it never stops half way
        _check_counts(max_replications, workers, seed, scs, "max_replications", scheduler)
        EXECUTORS[where[0]].reach(scheduler)  # an address that is not a usable scheduler: refused in seconds
        return _compare_auto(scs, seed, workers, trace, uncertainty, half_width, metric, max_replications, batch, where)
    if not isinstance(replications, int):
        raise MentorsimError(f"compare: replications {replications!r} is not allowed; use a whole number or 'auto'")
    _check_counts(replications, workers, seed, scs, scheduler=scheduler)
    EXECUTORS[where[0]].reach(scheduler)
    return _run_compare(scs, seed, replications, workers, trace, uncertainty, where=where)


def _run_compare(
    scs: list[Scenario],
    seed: int,
    replications: int,
    workers: int,
    trace,
    uncertainty: str,
    first: int = 0,
    batch: int = 0,
    where: tuple[str, str | None] = ("serial", None),
) -> Comparison:
    """Run replications ``first .. first + replications - 1`` of every scenario, paired, on executor
    ``where`` (name, scheduler); parameters (if drawn) come from draw batch ``batch``."""
    jobs, used = _with_draws(scs, seed, replications, uncertainty, batch=batch, first=first)
    ex = where[0]
    reps = run_many(jobs, workers, trace, None, *where)
    results = []
    for k, s in enumerate(scs):
        res = Results(s, seed, reps[k * replications : (k + 1) * replications], ex, workers)
        res.uncertainty, res.parameter_draws = uncertainty, used[k]
        results.append(res)
    return Comparison(results)


def _compare_auto(
    scs: list[Scenario],
    seed: int,
    workers: int,
    trace,
    uncertainty: str,
    half_width: float | None,
    metric: str,
    cap: int,
    batch: int,
    where: tuple[str, str | None],
) -> Comparison:
    """Replications in batches until every paired interval of ``metric`` is narrow enough (or the cap)."""
    if not isinstance(half_width, (int, float)) or isinstance(half_width, bool) or not 0 < half_width < math.inf:
        raise MentorsimError(f"compare: replications='auto' needs half_width > 0 (got {half_width!r})")
    for name, v, lo in (("max_replications", cap, 2), ("batch", batch, 1)):
        if not isinstance(v, int) or isinstance(v, bool) or v < lo:
            raise MentorsimError(f"compare: {name} must be a whole number >= {lo} (got {v!r})")
    why = replications_problem(cap)
    if why:
        raise MentorsimError(f"compare: max_replications: {why}")
    if not isinstance(metric, str) or metric not in METRICS:
        raise MentorsimError(f"compare: metric {metric!r} is not a summary metric")
    n, b = 0, 0
    cmp: Comparison | None = None
    while True:
        k = min(max(batch, 2) if n == 0 else batch, cap - n)
        _check_counts(n + k, workers, seed, scs, scheduler=where[1])
        new = _run_compare(scs, seed, k, workers, trace, uncertainty, first=n, batch=b, where=where)  # the new batch
        if cmp is not None:
            for old, add in zip(cmp.results, new.results, strict=True):
                add.reps = old.reps + add.reps
                add.parameter_draws = pd.concat([old.parameter_draws, add.parameter_draws], ignore_index=True)
                add.provenance["replications"] = len(add.reps)
        cmp = new
        n, b = n + k, b + 1
        t = cmp.table()
        t = t[t.metric == metric]
        widest = float(((t.ci_high - t.ci_low) / 2).max()) if len(t) else 0.0
        if widest <= half_width:
            cmp.precision_note = (
                f"{n} replications: the paired 95% interval of {metric} is at most "
                f"+-{widest:.4g} (asked: +-{half_width:g})"
            )
            return cmp
        if n >= cap:
            cmp.precision_note = (
                f"stopped at the cap of {cap} replications: the paired 95% interval of {metric} "
                f"is still +-{widest:.4g}, wider than the +-{half_width:g} asked"
            )
            return cmp
