"""simulate and compare: replications of scenarios, serially or on a local process pool.

Replication r of a scenario with seed s is ``engine.run(scenario, s, r)``: a pure
function, so results never depend on the executor or the number of workers. Replications
of one scenario run together as a batch (``engine.run_batch``), which gives each
replication exactly the result it would have alone. A
pool is created inside the call (spawn context, safe in Jupyter, see ``executors``),
never at import; one worker is a plain loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .engine import RepResult, run_batch
from .errors import MentorsimError
from .executors import process_pool, spawn_pool, start_pool, stop_pool
from .limits import memory_problem, replications_problem, workers_problem
from .programs import added
from .results import Comparison, Results
from .scenario import Scenario, load_scenario
from .validation import given_or_loaded
from .worker import run_reps

__all__ = ["compare", "executor_name", "run_many", "simulate", "spawn_pool", "start_pool", "stop_pool"]


def _as_scenario(s: Scenario | str | Path) -> Scenario:
    return given_or_loaded(s, Scenario, load_scenario, "a Scenario or a path to a scenario file")


def _check_counts(replications: int, workers: int, seed: int, scenarios: Sequence[Scenario] = ()) -> None:
    for name, v, lo in (("replications", replications, 1), ("workers", workers, 1)):
        if not isinstance(v, int) or isinstance(v, bool) or v < lo:
            raise MentorsimError(f"{name}: must be an integer >= {lo} (got {v!r})")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise MentorsimError(f"seed: must be a non-negative integer (got {seed!r})")
    for name, why in (("replications", replications_problem(replications)), ("workers", workers_problem(workers))):
        if why:
            raise MentorsimError(f"{name}: {why}")
    why = memory_problem(scenarios, replications) if scenarios else None
    if why:
        raise MentorsimError(f"replications: {why}")


def run_many(jobs: Sequence[tuple[Scenario, int, int]], workers: int = 1, trace=None,
             pool: ProcessPoolExecutor | None = None) -> list[RepResult]:
    """Run (scenario, seed, replication) jobs; results in the order of ``jobs``.

    pool: an existing executor (see ``start_pool``) to run on instead of making one.
    """
    if pool is None and (workers <= 1 or len(jobs) <= 1):
        return _serial(jobs, trace)
    n = getattr(pool, "_max_workers", workers) if pool is not None else workers
    # a chunk runs as one batch (see engine.run_batch): each scenario's replications are split
    # into one chunk per worker, so the batches stay long and every worker gets a share of each
    plugins = added()
    chunks = [(sc, seed, part, trace, plugins) for sc, seed, reps in _runs(jobs) for part in _split(reps, n)]
    with process_pool(min(workers, len(chunks)), pool) as px:
        return [rr for part in px.map(run_reps, chunks) for rr in part]


def executor_name(workers: int, pool: ProcessPoolExecutor | None = None) -> str:
    """How ``Results`` name where replications ran: ``serial`` or ``processes``."""
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


def simulate(scenario: Scenario | str | Path, replications: int = 20, seed: int = 0, workers: int = 1,
             trace=None, pool: ProcessPoolExecutor | None = None) -> Results:
    """Run ``replications`` replications of a scenario.

    trace: None (no event log), True (one starting person per persona), an int k
    (k per persona), "all", or an iterable of person_ids; the events are in
    ``Results.events``. pool: an existing executor (``start_pool``) to run on.

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
    _check_counts(replications, workers, seed, [sc])
    reps = run_many([(sc, seed, r) for r in range(replications)], workers, trace, pool)
    return Results(sc, seed, reps, executor=executor_name(workers, pool), workers=workers)


def compare(scenarios: Iterable[Scenario | str | Path], replications: int = 20, seed: int = 0,
            workers: int = 1, trace=None) -> Comparison:
    """Run scenarios paired (same seed, so the same starting people); the first is the baseline.

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
        for field, a, b in (("workforce.size", s.workforce.size, base.workforce.size),
                            ("horizon_weeks", s.horizon_weeks, base.horizon_weeks)):
            if a != b:
                raise MentorsimError(
                    f"compare: {s.name}: {field} is {a} but the baseline {base.name!r} has {b}; paired comparisons "
                    f"need the same workforce and horizon (set {field}: {b} in {s.name}, or use a matching baseline)")
    names = [s.name for s in scs]
    if len(set(names)) < len(names):  # keep scenario names unique in tables
        seen: dict[str, int] = {}
        fixed = []
        for s in scs:
            k = seen.get(s.name, 0)
            seen[s.name] = k + 1
            fixed.append(s if k == 0 else s.model_copy(update={"name": f"{s.name} ({k + 1})"}))
        scs = fixed
    _check_counts(replications, workers, seed, scs)
    jobs = [(s, seed, r) for s in scs for r in range(replications)]
    reps = run_many(jobs, workers, trace)
    ex = executor_name(workers)
    results = [Results(s, seed, reps[i * replications:(i + 1) * replications], ex, workers) for i, s in enumerate(scs)]
    return Comparison(results)
