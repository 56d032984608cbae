"""``mentorsim optimize SPEC --out DIR`` and ``mentorsim discover DIR --condition ...``."""

from __future__ import annotations

import argparse
import sys

DESCRIPTION = """\
Search the program's levers for the best designs under a budget. The spec file names a base
scenario, the levers (choices, or {low, high} ranges), the objectives (metric: max or min; a
gain over no program for every metric but costs) and a budget (cost metric: ceiling in USD over
the horizon). Every design is run paired with its no-program twin (common random numbers); the
designs on the front are re-run with fresh seeds and more replications before they are reported.

DIR gets search.db (the Optuna storage: run the same command again to resume a stopped search,
without repeating finished designs), trials.csv, front.csv, front.png and best_design.yaml (a
scenario 'mentorsim run' accepts). Results do not depend on the executor or the worker count."""

EPILOG = """\
examples:
  mentorsim optimize scenarios/optimize/budget.yaml --out out/best
  mentorsim optimize scenarios/optimize/budget.yaml --out out/best --executor processes --workers 2
  mentorsim run out/best/best_design.yaml
"""

DISCOVER = """\
Find the inputs under which a condition holds, by PRIM (the EMA Workbench's): the box of
parameter ranges (and levers) where, e.g., a design's ROI is below 0, with its coverage (the
share of all cases where the condition holds that the box holds) and density (the share of the
box's cases where it holds). DIR is a sweep directory ('mentorsim sweep'); roi is computed
against each point's no-program twin."""


def register(sub) -> None:
    """Add ``optimize`` and ``discover``."""
    from mentorsim.commands.cli import add_executor_options, workers_type

    p = sub.add_parser(
        "optimize",
        help="search the levers for the best designs under a budget",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", help="optimize spec YAML (see scenarios/optimize/)")
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="directory for the storage and the results")
    add_executor_options(p)
    p.add_argument(
        "--workers",
        "-w",
        type=workers_type(),
        default=1,
        help="processes or Dask workers (default 1; results do not depend on it)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run_optimize)

    p = sub.add_parser(
        "discover",
        help="the conditions under which an outcome holds (PRIM on a sweep)",
        description=DISCOVER,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='example:\n  mentorsim discover out/example --condition "roi < 0"',
    )
    p.add_argument("sweep", help="sweep directory (from 'mentorsim sweep')")
    p.add_argument("--condition", "-c", default="roi < 0", help="a comparison on an outcome (default 'roi < 0')")
    p.add_argument("--inputs", default=None, help="comma-separated input columns to explain with (default: all)")
    p.add_argument("--csv", default=None, help="also write the box's limits to this CSV file")
    p.set_defaults(func=run_discover)


def run_optimize(a) -> int:
    """Run ``mentorsim optimize``."""
    from mentorsim.design import optimize
    from mentorsim.design.spec import load_spec
    from mentorsim.design.storage import search_lock
    from mentorsim.errors import MentorsimError
    from mentorsim.run.paths import output_dir
    from mentorsim.sweeps.integrity import write_failed

    kw = load_spec(a.spec)
    out = output_dir(a.out, "--out", "search.db, trials.csv, front.csv, front.png, best_design.yaml")
    check_search(a.spec, kw, a.workers, a.executor, a.scheduler)  # before the storage is made
    out.mkdir(parents=True, exist_ok=True)
    db = out / "search.db"
    with search_lock(db):  # one writer of DIR, from the first trial to the last output file
        res = optimize(
            storage=f"sqlite:///{db.resolve()}",
            workers=a.workers,
            executor=a.executor,
            scheduler=a.scheduler,
            progress=not a.no_progress,
            **kw,
        )
        try:
            return _report(res, out)
        except OSError as e:  # a full disk: the trials are in search.db, and running again runs none of them
            raise MentorsimError(
                f"{out}: cannot write the results ({write_failed(e)}); the search's trials are kept in {db}: free "
                "some space and run the same command again (it runs no trial again)"
            ) from None


def _report(res, out) -> int:
    """Write and print the results of a finished search (trials.csv, front.csv, the front, best_design.yaml)."""
    from pathlib import Path

    from mentorsim.commands.cli import _warned

    res.trials().to_csv(out / "trials.csv", index=False)
    front = res.front()
    front.to_csv(out / "front.csv", index=False)
    print(
        f"{res.base.name}: {len(res.records)} designs x {res.replications} paired replications (seed {res.seed})"
        + (f"; {res.resumed} were already in the storage" if res.resumed else "")
        + f"; the front re-run with {res.front_replications} fresh replications"
    )
    if front.empty:
        print("no design is within the budget on its re-run; raise the budget or widen the levers")
        return _warned(None)
    print(res.front_text())
    res.write_scenario(out / "best_design.yaml")
    import matplotlib

    matplotlib.use("Agg")
    res.plot_front().savefig(out / "front.png", dpi=110)
    b = res.best()
    print(
        f"\nbest: trial {int(b['trial'])} ({', '.join(f'{k}={b[k]}' for k in res.keys)}); "
        f"wrote {Path(out)}/ (search.db, trials.csv, front.csv, front.png, best_design.yaml)"
    )
    return 0


def check_search(src: str, kw: dict, workers: int, executor: str | None, scheduler: str | None) -> None:
    """Refuse, before any work, a search spec asking for too many trials or replications, one whose planned
    memory does not fit (each worker runs one design at a time, keeping only its metrics), or a scheduler
    that cannot be used."""
    from mentorsim.errors import MentorsimError
    from mentorsim.run.executors import EXECUTORS
    from mentorsim.run.limits import memory_problem, replications_problem, trials_problem

    reps = kw.get("replications", 10)
    front = kw.get("front_replications") or max(2 * reps, 10)
    for key, v, problem in (
        ("trials", kw.get("trials", 50), trials_problem),
        ("replications", reps, replications_problem),
        ("front_replications", front, replications_problem),
    ):
        why = problem(v)
        if why:
            raise MentorsimError(f"{src}: {key}: {why}")
    local = 1 if scheduler is not None else workers
    why = memory_problem([kw["base"]], max(reps, front), local, streamed=True)
    if why:
        raise MentorsimError(f"{src}: {why}")
    name = executor or ("dask" if scheduler else "serial")
    if name in EXECUTORS:
        EXECUTORS[name].reach(scheduler)


def run_discover(a) -> int:
    """Run ``mentorsim discover``."""
    from mentorsim.commands.cli import _warned
    from mentorsim.design import discover
    from mentorsim.run.paths import CSV, output_file, write_or_fallback

    if a.csv:
        output_file(a.csv, "--csv", CSV)  # before the work: a missing directory, a directory, a wrong extension
    inputs = [s.strip() for s in a.inputs.split(",") if s.strip()] if a.inputs else None
    box = discover(a.sweep, condition=a.condition, inputs=inputs)
    print(box.sentence())
    print()
    print(box.limits.to_string(index=False) if len(box.limits) else "(no input restricted)")
    if a.csv:
        out, warning = write_or_fallback(lambda p: box.limits.to_csv(p, index=False), a.csv, "--csv")
        print(f"\nwrote {out}", file=sys.stdout)
        return _warned(warning)
    return 0
