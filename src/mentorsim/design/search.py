"""The design search: Optuna's NSGA-II asked and told in fixed batches, every design paired with no program.

Trial ``n`` belongs to batch ``n // batch``; a batch's designs are asked from a sampler seeded
from (seed, batch) on a study holding the earlier batches only, so the designs depend on the
seed and the earlier results alone, never on the executor, the worker count or a resumption.
Every design runs replications 0..R-1 with the search's seed, as its no-program twin does (run
once): common random numbers, so the designs differ from no program (and from each other) only
through what they do. Each finished trial is written to the storage (an Optuna RDB storage,
e.g. ``sqlite:///search.db``, see ``storage.SearchStore``) at once; a search started again on the
same storage replays the stored trials through the sampler and runs only those missing, so a
finished search given a larger trial count runs only the new trials (the first ones unchanged).
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import numpy as np

from mentorsim.design.spec import Lever, check_budget, check_count, check_levers, check_objectives, is_cost, spec_hash
from mentorsim.design.storage import SearchStore
from mentorsim.errors import MentorsimError, ScenarioError
from mentorsim.run.executors import EXECUTORS, Workers, spawn_pool
from mentorsim.schema.metrics import METRICS, PAIRED
from mentorsim.schema.scenario import Scenario, load_scenario
from mentorsim.schema.validation import given_or_loaded

KEPT = tuple(METRICS)  # every summary metric of every replication is kept


def derived_seed(seed: int, *tags: int) -> int:
    """A seed for a part of the search (a batch's sampler, the front's re-run), from the search's seed."""
    return int(np.random.SeedSequence([seed, *tags]).generate_state(1, dtype=np.uint32)[0])


@contextlib.contextmanager
def open_workers(executor: str, workers: int, scheduler: str | None) -> Iterator[Workers]:
    """Workers for the whole search: this process, a spawn pool of ``workers`` processes, or Dask."""
    from concurrent.futures import FIRST_COMPLETED, wait

    if executor == "processes" and workers > 1:
        with spawn_pool(workers, warm=True) as px:
            yield Workers(submit=px.submit, wait=lambda p: wait(p, return_when=FIRST_COMPLETED).done, size=workers)
    else:
        with EXECUTORS[executor].open(workers, scheduler) as w:
            yield w


def run_designs(
    w: Workers, designs: list[tuple[int, Scenario]], seed: int, reps: int, done: Any = None
) -> dict[int, dict[str, np.ndarray] | str]:
    """Run ``reps`` replications of each (number, scenario); per number its metrics (one value a
    replication) or its error. ``done(number, result)`` is called as each finishes."""
    from mentorsim.programs import added
    from mentorsim.run.worker import STATUS_OK, run_chunk

    plugins = added()
    out: dict[int, dict[str, np.ndarray] | str] = {}

    def take(rows: list[tuple[Any, ...]]) -> None:
        n = int(rows[0][0])
        if rows[0][2] != STATUS_OK:
            out[n] = str(rows[0][3])
        else:
            arr = np.array([r[6:] for r in rows], dtype=float)
            out[n] = {m: arr[:, j] for j, m in enumerate(KEPT)}
        if done is not None:
            done(n, out[n])

    pending = {w.submit(run_chunk, [d], seed, reps, KEPT, plugins): d[0] for d in designs}
    while pending:
        for f in w.wait(list(pending)):
            pending.pop(f)
            take(f.result())
    return out


def paired(design: dict[str, np.ndarray], base: dict[str, np.ndarray], metric: str) -> np.ndarray:
    """Per replication: the design's cost, a paired metric (ROI: ``schema.metrics.PAIRED``), or its gain
    over no program on ``metric``."""
    if metric in PAIRED:
        return np.asarray(PAIRED[metric].compute(base, design), dtype=float)
    if is_cost(metric):
        return design[metric]
    return design[metric] - base[metric]


def _quiet_optuna() -> None:
    import optuna

    optuna.logging.set_verbosity(logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


_Direction = Literal["minimize", "maximize"]


def optimize(
    base: Scenario | str | Path,
    levers: dict[str, Any],
    objectives: dict[str, str],
    budget: dict[str, float] | None = None,
    trials: int = 50,
    replications: int = 10,
    seed: int = 0,
    workers: int = 1,
    storage: str | None = None,
    executor: str | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    batch: int = 10,
    front_replications: int | None = None,
) -> Any:
    """Search the levers for the best designs under a budget; returns an ``OptimizeResult``.

    levers: dotted key of a register lever (``mentorsim params``) -> a list of choices or a
    ``(low, high)`` range. objectives: metric (or ``"roi"``) -> ``"max"`` or ``"min"``; a gain over no
    program for every metric but costs (USD), which are the design's own. budget: cost metric ->
    ceiling in USD over the horizon (an Optuna constraint; the front keeps only designs within it on
    the re-run). trials designs, each with ``replications`` paired replications, asked in batches of
    ``batch`` (NSGA-II's population). storage: an Optuna storage URL (``sqlite:///file.db``) or a file
    path: an interrupted search resumes from it, and a finished one given a larger ``trials`` runs only
    the new trials; one search writes it at a time, and a storage made by another model, damaged or of
    another application is refused (``storage.SearchStore``). executor/scheduler/workers: where designs run
    (``serial``, ``processes``, ``dask``); results do not depend on it. The non-dominated designs are
    re-run with fresh seeds and ``front_replications`` (default twice ``replications``, at least 10).

    >>> import mentorsim as ms
    >>> base = ms.load_scenario("scenarios/one_on_one.yaml").with_overrides({"workforce.size": 200})
    >>> res = ms.optimize(base, levers={"program.cadence": ["weekly", "monthly"]},
    ...                   objectives={"retention_36m": "max", "program_cost": "min"},
    ...                   trials=2, replications=2, batch=2, progress=False)
    >>> "p_better" in res.front().columns
    True
    """
    base = given_or_loaded(base, Scenario, load_scenario, "a Scenario or a path to a scenario file")
    lv = levers if isinstance(levers, tuple) else check_levers(levers, base)
    objectives = check_objectives(objectives)
    budget = check_budget(budget)
    for name, v, low in (
        ("trials", trials, 1),
        ("replications", replications, 2),
        ("batch", batch, 2),
        ("workers", workers, 1),
        ("seed", seed, 0),
    ):
        check_count(name, v, low)
    front_reps = (
        check_count("front_replications", front_replications, 2)
        if front_replications is not None
        else max(2 * replications, 10)
    )
    name = executor or ("dask" if scheduler else ("processes" if workers > 1 else "serial"))
    if name not in EXECUTORS:
        raise MentorsimError(f"executor: {name!r} is not allowed; use one of {', '.join(EXECUTORS)}")
    EXECUTORS[name].check(workers)
    _quiet_optuna()
    # the trial count is not part of the spec: a finished search may be extended with more trials
    digest = spec_hash(base, lv, objectives, budget, replications=replications, batch=batch, seed=seed)
    directions: list[_Direction] = ["maximize" if d == "max" else "minimize" for d in objectives.values()]
    from mentorsim.design.front import OptimizeResult

    # the lock, the file's checks, the model and the spec it was made by; released when the search ends
    rdb = SearchStore(storage).open(directions, digest) if storage is not None else None
    with rdb if rdb is not None else contextlib.nullcontext(), open_workers(name, workers, scheduler) as w:
        twin = base.without_program(name="no program")
        base_m = run_designs(w, [(-1, twin)], seed, replications)[-1]
        if isinstance(base_m, str):
            raise MentorsimError(f"the no-program twin of {base.name!r} failed: {base_m}")
        found, resumed = _search(
            w, base, lv, objectives, budget, trials, replications, seed, batch, rdb, base_m, progress
        )
        res = OptimizeResult(
            base,
            twin,
            lv,
            objectives,
            budget,
            found,
            base_m,
            seed=seed,
            replications=replications,
            front_replications=front_reps,
            resumed=resumed,
        )
        res.rerun_front(w)
    return res


def _scenario(base: Scenario, params: dict[str, Any], n: int) -> Scenario:
    sc = base.with_overrides(params, source=f"trial {n}")
    return sc.model_copy(update={"name": f"trial {n}"})


def _search(
    w: Workers,
    base: Scenario,
    lv: tuple[Lever, ...],
    objectives: dict[str, str],
    budget: dict[str, float],
    trials: int,
    reps: int,
    seed: int,
    batch: int,
    rdb: SearchStore | None,
    base_m: dict[str, np.ndarray],
    progress: bool,
) -> tuple[list[dict[str, Any]], int]:
    """Run the batches; returns one record per trial (number, params, values, metrics or error)."""
    import optuna
    from optuna.trial import TrialState, create_trial

    dists = {x.key: x.distribution() for x in lv}
    stored: dict[int, Any] = rdb.stored() if rdb is not None else {}
    study = optuna.create_study(directions=["maximize" if d == "max" else "minimize" for d in objectives.values()])
    records: list[dict[str, Any]] = []
    bar = None
    if progress:
        import sys

        from tqdm.auto import tqdm

        bar = tqdm(
            total=trials,
            initial=min(len(stored), trials),
            desc="design search",
            unit="design",
            file=sys.stderr,
            dynamic_ncols=True,
            mininterval=0.5,
        )

    def constraint(t: Any) -> list[float]:
        return list(t.user_attrs.get("constraint", [0.0]))

    def values_of(m: dict[str, np.ndarray] | str) -> tuple[list[float] | None, list[float]]:
        if isinstance(m, str):
            return None, [1.0] * max(len(budget), 1)
        vals = [float(np.nanmean(paired(m, base_m, k))) for k in objectives]
        cons = [float(np.mean(m[c]) - cap) for c, cap in budget.items()] or [0.0]
        return vals, cons

    try:
        for b0 in range(0, trials, batch):
            numbers = list(range(b0, min(b0 + batch, trials)))
            # Optuna 5 takes constraints from the trial (set_constraint); earlier ones from constraints_func
            new_api = hasattr(optuna.trial.Trial, "set_constraint")
            old_api: dict[str, Any] = {} if new_api else {"constraints_func": constraint}
            study.sampler = optuna.samplers.NSGAIISampler(
                population_size=batch, seed=derived_seed(seed, b0 // batch), **old_api
            )
            asked = [study.ask(dists) for _ in numbers]
            todo, invalid = [], {}
            for n, t in zip(numbers, asked, strict=True):
                if n in stored:
                    if stored[n].params != t.params:
                        raise MentorsimError(
                            f"storage: trial {n} was {stored[n].params} but the search asks "
                            f"{t.params}: the storage holds another search; give a new storage"
                        )
                    continue
                try:
                    todo.append((n, _scenario(base, t.params, n)))
                except ScenarioError as e:  # a combination of levers the schema refuses
                    invalid[n] = str(e)

            def finished(n: int, m: dict[str, np.ndarray] | str, asked=asked, b0=b0) -> None:
                t = asked[n - b0]
                vals, cons = values_of(m)
                if rdb is not None:
                    attrs = {
                        "n": n,
                        "constraint": cons,
                        "error": m if isinstance(m, str) else "",
                        "metrics": {} if isinstance(m, str) else {k: v.tolist() for k, v in m.items()},
                    }
                    rdb.add(
                        n,
                        create_trial(
                            params=t.params,
                            distributions=dists,
                            values=vals,
                            state=TrialState.FAIL if vals is None else TrialState.COMPLETE,
                            user_attrs=attrs,
                        ),
                    )
                if bar is not None:
                    bar.update(1)

            for n, msg in invalid.items():
                finished(n, msg)
            ran = run_designs(w, todo, seed, reps, finished) if todo else {}
            for n, t in zip(numbers, asked, strict=True):
                if n in ran:
                    m: dict[str, np.ndarray] | str = ran[n]
                elif n in invalid:
                    m = invalid[n]
                else:
                    s = stored[n]
                    m = s.user_attrs["error"] or {
                        k: np.asarray(v, dtype=float) for k, v in s.user_attrs["metrics"].items()
                    }
                vals, cons = values_of(m)
                t.set_user_attr("constraint", cons)
                if new_api:
                    for j, c in enumerate(cons):
                        t.set_constraint(f"budget_{j}", c)
                study.tell(t, vals, state=TrialState.FAIL if vals is None else TrialState.COMPLETE)
                records.append({"trial": n, "params": dict(t.params), "values": vals, "constraint": cons, "metrics": m})
    finally:
        if bar is not None:
            bar.close()
    return records, sum(1 for n in stored if n < trials)
