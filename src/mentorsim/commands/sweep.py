"""``mentorsim sweep SPEC --out DIR``: run a parameter sweep into a resumable Parquet store."""

from __future__ import annotations

import argparse
import sys

DESCRIPTION = """\
Run a parameter sweep: every point of the sweep file (a base scenario with the varied
parameters set) for the file's replications, on one process, a local pool of processes
or a Dask cluster. Results stream to DIR as Parquet chunks (DIR/chunks/*.parquet) with a
manifest (DIR/manifest.json); a summary with 95% intervals goes to DIR/summary.csv.

Replication r of every point uses the sweep's seed and r, so results do not depend on
the executor, the number of workers or a resumption. A sweep that was stopped (even
killed) finishes with --resume: only the missing points run. One run writes DIR at a time;
a damaged chunk is named when the store is read, and --resume (or --repair) moves it to
DIR/damaged/ and recomputes its points (see docs/reliability.md). A point whose scenario is
invalid, or whose run fails, is recorded with its error (status, error columns) and the
sweep goes on."""

EPILOG = """\
examples:
  mentorsim sweep scenarios/sweeps/example.yaml --out out/example
  mentorsim sweep scenarios/sweeps/example.yaml --out out/example --executor processes --workers 2
  mentorsim sweep scenarios/sweeps/example.yaml --out out/example --executor processes --resume
  mentorsim sweep scenarios/sweeps/example.yaml --out out/example --repair
  mentorsim sweep scenarios/sweeps/sobol.yaml --out out/sobol --executor dask --workers 4
  mentorsim sweep scenarios/sweeps/sobol.yaml --out out/sobol --scheduler tcp://10.0.0.5:8786

Read the results with:  python -c "import mentorsim as ms; print(ms.load_sweep('out/example').summary())"
"""


def register(sub) -> None:
    """Add the ``sweep`` command."""
    from mentorsim.commands.cli import _positive, scheduler_type, workers_type
    from mentorsim.run.executors import EXECUTORS

    p = sub.add_parser(
        "sweep",
        help="run a parameter sweep (serial, local processes or Dask) into a resumable store",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", help="sweep YAML file (see scenarios/sweeps/ and docs/sweeps.md)")
    p.add_argument(
        "--out", "-o", required=True, metavar="DIR", help="store directory (created; must be new unless --resume)"
    )
    p.add_argument(
        "--executor",
        "-e",
        choices=tuple(EXECUTORS),
        default=None,
        help="where points run (default serial; dask when --scheduler is given)",
    )
    p.add_argument(
        "--workers",
        "-w",
        type=workers_type(),
        default=None,
        help="processes (this one included) or Dask LocalCluster workers (default: the number of CPUs)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        type=scheduler_type,
        default=None,
        help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --executor dask)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="finish the points missing from DIR (same spec and model only); damaged chunks are moved "
        "to DIR/damaged/ and their points run again",
    )
    p.add_argument(
        "--repair",
        action="store_true",
        help="move damaged or unknown chunks to DIR/damaged/ and recompute their points (implies --resume)",
    )
    p.add_argument(
        "--chunk-size",
        type=_positive("chunk-size"),
        default=None,
        metavar="N",
        help="points per task and per Parquet chunk (default: chosen from points and workers)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(a) -> int:
    """Run ``mentorsim sweep`` with the parsed arguments."""
    import contextlib
    import os
    from pathlib import Path
    from typing import Any

    from mentorsim.commands.cli import _warned
    from mentorsim.errors import MentorsimError
    from mentorsim.run.paths import output_dir, write_or_fallback

    output_dir(a.out, "--out", "the sweep store")
    executor = a.executor or ("dask" if a.scheduler else "serial")
    if a.scheduler and executor != "dask":
        raise MentorsimError(f"--scheduler: only used with --executor dask (got --executor {executor})")
    n = a.workers or (os.cpu_count() or 1)
    warm: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()
    if executor == "processes" and n > 1:  # start the workers now: they load while this process reads the spec
        from mentorsim.run.executors import spawn_pool

        warm = spawn_pool(n - 1, warm=True)
    from mentorsim.sweeps.integrity import StoreLock

    with warm as pool:
        from mentorsim.sweeps import load_sweep_spec, sweep
        from mentorsim.sweeps.running import check_sweep

        sw = load_sweep_spec(a.spec)
        check_sweep(sw, executor, n, a.scheduler)  # its scheduler and memory, before the store directory exists
        with StoreLock(Path(a.out)):  # one writer, from the first chunk to summary.csv
            res = sweep(
                sw,
                executor=executor,
                workers=a.workers,
                store=a.out,
                resume=a.resume or a.repair,
                scheduler=a.scheduler,
                progress=not a.no_progress,
                chunk_size=a.chunk_size,
                pool=pool,
            )
            failed = res.failed
            summary = res.summary()
            written, warning = write_or_fallback(
                lambda p: summary.to_csv(p, index=False), Path(a.out) / "summary.csv", "--out"
            )
    info = res.run_info
    n, reps = sw.n_points, sw.spec.replications
    for c in info.get("set_aside", []):
        print(
            f"mentorsim: warning: {a.out}: moved damaged chunk chunks/{c['chunk']} ({c['why']}) to "
            f"{Path(a.out) / 'damaged'}/ and recomputed its points",
            file=sys.stderr,
        )
    rate = info.get("points_per_second")
    where = info["executor"]
    if info.get("workers") and info["executor"] != "serial":
        where += f" on {info['workers']} workers"
    if info.get("scheduler"):
        where = f"dask at {info['scheduler']}"
    print(
        f"{sw.name}: {n:,} points x {reps} replications ({sw.spec.sampler} sampler, seed {sw.spec.seed}); "
        f"ran {info['points_run']:,} points in {info['seconds']:.1f}s on {where}"
        + (f" ({rate:.2f} points/s)" if rate else "")
        + (f"; {info['resumed_from']:,} were already done" if info.get("resumed_from") else "")
    )
    print(
        f"{n - len(failed):,} points ok, {len(failed):,} failed; wrote {Path(a.out)}/ "
        "(manifest.json, chunks/*.parquet" + (", summary.csv)" if warning is None else f"), {written}")
    )
    if len(failed):
        first = failed.iloc[0]
        print(
            f"mentorsim: warning: {len(failed)} point(s) failed; first, point {first.point}: {first.error}",
            file=sys.stderr,
        )
    return _warned(warning)
