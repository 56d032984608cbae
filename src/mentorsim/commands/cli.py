"""The ``mentorsim`` command line.

Core commands live here; further commands are modules in ``mentorsim.commands``
that define ``register(subparsers)``: they are discovered automatically.
Bad input prints one line on stderr and exits with code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from collections.abc import Callable

from mentorsim.errors import MentorsimError
from mentorsim.run.paths import CSV, output_dir, output_file, write_or_fallback

EPILOG = "Run 'mentorsim COMMAND --help' for a command's options and an example."


def _positive(
    name: str,
    minimum: int | None = None,
    maximum: int | None = None,
    too_many: Callable[[int], str | None] | None = None,
):
    """An argparse type: a whole number of at least ``minimum`` (0 for a seed, else 1) and at most
    ``maximum``, named in errors; ``too_many(v)`` says why v is too large (None: it is not)."""
    low = minimum if minimum is not None else (0 if name == "seed" else 1)

    def conv(s: str) -> int:
        try:
            v = int(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a whole number, got {s!r}") from None
        if v < low:
            raise argparse.ArgumentTypeError(f"{name} must be >= {low}, got {v}")
        if maximum is not None and v > maximum:
            raise argparse.ArgumentTypeError(f"{name} must be <= {maximum}, got {v}")
        why = too_many(v) if too_many is not None else None
        if why:
            raise argparse.ArgumentTypeError(f"{name}: {why}")
        return v

    return conv


def replications_type(name: str = "replications"):
    """The argparse type of a replication count: 1 to ``limits.MAX_REPLICATIONS``."""
    from mentorsim.run.limits import replications_problem

    return _positive(name, too_many=replications_problem)


def workers_type(name: str = "workers"):
    """The argparse type of a number of local processes: 1 to ``limits.max_workers()``."""
    from mentorsim.run.limits import workers_problem

    return _positive(name, too_many=workers_problem)


def port_type(s: str) -> int:
    """The argparse type of a TCP port: 1 to 65535."""
    return _positive("port", 1, 65535)(s)


SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")


def scheduler_type(s: str) -> str:
    """The argparse type of a Dask scheduler address: ``[SCHEME://]HOST:PORT`` (scheme tcp, tls, ws, wss
    or ucx; port 1 to 65535)."""
    from urllib.parse import urlsplit

    want = f"an address like tcp://10.0.0.5:8786 ([{'|'.join(SCHEDULER_SCHEMES)}://]HOST:PORT)"
    shown = repr(s) if s.isprintable() else ascii(s)
    parts = urlsplit(s if "://" in s else f"tcp://{s}")
    if parts.scheme not in SCHEDULER_SCHEMES:
        raise argparse.ArgumentTypeError(f"scheduler: unknown scheme {parts.scheme!r} in {shown}; want {want}")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.hostname or port is None or port < 1 or parts.path not in ("", "/") or parts.query:
        raise argparse.ArgumentTypeError(f"scheduler: {shown} is not {want}")
    return s


def add_run_options(p: argparse.ArgumentParser, reps: int = 20) -> None:
    """Add --replications, --seed and --workers (and their checks) to a command's parser."""
    p.add_argument(
        "--replications",
        "-r",
        type=replications_type(),
        default=reps,
        help=f"replications per scenario (default {reps})",
    )
    p.add_argument("--seed", "-s", type=_positive("seed"), default=0, help="random seed (default 0)")
    p.add_argument(
        "--workers",
        "-w",
        type=workers_type(),
        default=1,
        help="local processes to run replications on (default 1; results do not depend on it)",
    )


def add_uncertainty_option(p: argparse.ArgumentParser) -> None:
    """Add --uncertainty (noise or parameters) to a command's parser."""
    p.add_argument(
        "--uncertainty",
        choices=("noise", "parameters"),
        default="noise",
        help="what the intervals show: noise (luck only, the default) or parameters (luck and what we "
        "don't know: each replication draws every uncertain parameter the scenario does not set)",
    )


def add_executor_options(p: argparse.ArgumentParser) -> None:
    """Add --executor and --scheduler (where replications run; results do not depend on it)."""
    from mentorsim.run.executors import EXECUTORS

    p.add_argument(
        "--executor",
        "-e",
        choices=tuple(EXECUTORS),
        default=None,
        help="where replications run (default serial on 1 worker, processes on more; dask when "
        "--scheduler is given); results do not depend on it",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        type=scheduler_type,
        default=None,
        help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --executor dask)",
    )


def where(a) -> dict:
    """The executor keywords of ms.simulate / ms.compare from parsed --executor, --scheduler and --workers."""
    return {"executor": a.executor, "scheduler": a.scheduler, "workers": a.workers}


INTERVALS = {
    "noise": "95% intervals show luck only (every parameter at its value)",
    "parameters": "95% intervals show luck and what we don't know (uncertain parameters drawn per replication)",
}


def _cmd_run(a) -> int:
    import mentorsim as ms
    from mentorsim.outputs.fmt import summary_table

    sc = ms.load_scenario(a.scenario)
    if a.out:
        output_dir(a.out, "--out", RUN_FILES)
        _plan_writes(sc, a)
    res = ms.simulate(sc, replications=a.replications, seed=a.seed, uncertainty=a.uncertainty, **where(a))
    print(
        f"{sc.name}: {a.replications} replications, seed {a.seed}, {sc.workforce.size:,} people, "
        f"{sc.horizon_weeks} weeks; {INTERVALS[a.uncertainty]}"
    )
    print(summary_table(res.summary()))
    if a.out:
        out, warning = write_or_fallback(res.to_dir, a.out, "--out", is_dir=True)
        print(f"\nwrote {out}/ ({RUN_FILES})")
        return _warned(warning)
    return 0


def _plan_writes(sc, a) -> None:
    """Refuse a run whose results would fit in memory but not their tables being written (``--out``)."""
    from mentorsim.run.limits import memory_problem, replications_problem

    if replications_problem(a.replications):
        return  # said by ms.simulate
    local = 1 if a.scheduler else a.workers
    why = memory_problem([sc], a.replications, local, writes=True)
    if why:
        raise MentorsimError(f"replications: {why.replace(' (results kept', ' (results kept and written')}")


RUN_FILES = (
    "people.parquet, timeseries.parquet, relationships.parquet, group_series.parquet, summary.csv, "
    "scenario.yaml, meta.json"
)


def _warned(warning: str | None) -> int:
    """Print a failed write's one-line warning (what failed, where the results went instead); exit code 1."""
    if warning is None:
        return 0
    print(f"mentorsim: error: {warning}", file=sys.stderr)
    return 1


def _cmd_compare(a) -> int:
    import mentorsim as ms
    from mentorsim.outputs.decision import too_wide_to_rank
    from mentorsim.outputs.fmt import compare_table
    from mentorsim.schema.metrics import retention_metric

    scs = [ms.load_scenario(f) for f in [a.baseline, *a.scenarios]]
    if a.csv:
        output_file(a.csv, "--csv", CSV)
    cmp = ms.compare(scs, replications=a.replications, seed=a.seed, uncertainty=a.uncertainty, **where(a))
    t = cmp.table()
    print(f"Paired against {scs[0].name}: {a.replications} replications, seed {a.seed}; {INTERVALS[a.uncertainty]}\n")
    print(compare_table(t))
    horizon = scs[0].horizon_weeks
    metric = retention_metric(horizon)
    warn = too_wide_to_rank(cmp, metric) if metric and len(scs) > 2 else None
    if warn:
        print(f"\nnote: {warn}")
    rest = cmp.basis()
    rest = rest[rest.basis == "assumptions"]
    if len(rest):
        print("\nResting mainly on assumptions (see 'mentorsim params'):")
        for _, r in rest.iterrows():
            print(f"  {r.scenario}: {r.why}")
    if a.csv:
        out, warning = write_or_fallback(lambda p: t.to_csv(p, index=False), a.csv, "--csv")
        print(f"\nwrote {out}")
        return _warned(warning)
    return 0


def _cmd_validate(a) -> int:
    import mentorsim as ms

    bad = 0
    for f in a.files:
        try:
            sc = ms.load_scenario(f)
            print(f"{f}: ok ({sc.name}, format {sc.program.format}, {sc.workforce.size:,} people)")
        except MentorsimError as e:
            print(f"mentorsim: error: {e}", file=sys.stderr)
            bad += 1
    return 2 if bad else 0


def _cmd_schema(a) -> int:
    from mentorsim.schema.scenario import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2))
    return 0


def _cmd_order(a) -> int:
    from mentorsim.engine.schedule import order_text

    print(order_text().replace("``", "").replace("::", ":"))
    return 0


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line (no usage block), exit code 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``mentorsim`` parser: the core commands and those of ``mentorsim.commands``."""
    ap = _Parser(
        prog="mentorsim",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Simulate mentorship programs on a workforce and compare them against no program.",
        epilog=EPILOG,
    )
    from mentorsim import __version__

    ap.add_argument("--version", action="version", version=f"mentorsim {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    raw = argparse.RawDescriptionHelpFormatter

    p = sub.add_parser(
        "run",
        help="simulate one scenario and print its summary",
        formatter_class=raw,
        description="Simulate one scenario and print each outcome with its 95% interval.",
        epilog="example:\n  mentorsim run scenarios/one_on_one.yaml --replications 20 --seed 7 --out out/one",
    )
    p.add_argument("scenario", help="scenario YAML file")
    add_run_options(p)
    add_uncertainty_option(p)
    add_executor_options(p)
    p.add_argument("--out", "-o", help=f"directory for {RUN_FILES}")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser(
        "compare",
        help="paired differences of scenarios against a baseline",
        formatter_class=raw,
        description="Run scenarios paired with a baseline (same seed, same people) and print the "
        "differences with 95% intervals and the chance each beats the baseline.",
        epilog="example:\n  mentorsim compare scenarios/baseline.yaml scenarios/one_on_one.yaml scenarios/circle.yaml",
    )
    p.add_argument("baseline", help="baseline scenario YAML (usually no program)")
    p.add_argument("scenarios", nargs="+", help="scenario YAML files to compare against it")
    add_run_options(p)
    add_uncertainty_option(p)
    add_executor_options(p)
    p.add_argument("--csv", help="also write the table to this CSV file")
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser(
        "validate",
        help="check scenario files",
        formatter_class=raw,
        description="Check scenario files against the schema; exit 2 if any is invalid.",
        epilog="example:\n  mentorsim validate scenarios/*.yaml",
    )
    p.add_argument("files", nargs="+", help="scenario YAML files")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "schema",
        help="print the scenario JSON Schema (for editor completion)",
        formatter_class=raw,
        description="Print the JSON Schema of scenario files.",
        epilog="example:\n  mentorsim schema > scenario.schema.json",
    )
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser(
        "order",
        help="print the order of operations within a simulated week",
        formatter_class=raw,
        description="Print the engine's order of operations in a week.",
        epilog="example:\n  mentorsim order",
    )
    p.set_defaults(func=_cmd_order)

    from mentorsim import commands

    for mod in sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if m.name != "cli"):
        importlib.import_module(f"{commands.__name__}.{mod}").register(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: sys.argv); returns the exit code (2 for bad input)."""
    ap = build_parser()
    try:
        a = ap.parse_args(argv)
    except SystemExit as e:  # argparse already printed a one-line usage error
        return int(e.code or 0)
    if not getattr(a, "func", None):
        ap.print_help()
        return 0
    try:
        return int(a.func(a) or 0)
    except MentorsimError as e:
        print(f"mentorsim: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mentorsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
