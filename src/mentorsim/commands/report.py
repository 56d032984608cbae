"""``mentorsim report``: write the program scorecard, one self-contained HTML file."""

from __future__ import annotations

import argparse

DESCRIPTION = """\
Write the program scorecard: one self-contained HTML file (figures embedded, no
network needed to open it) to take to leadership. It runs the scenarios paired
against the baseline (same seed, same people) and shows a headline with its
uncertainty, the scorecard (participation, goals, retention at 12/24/36 months,
promotions, internal moves, sessions, mentor load and burnout), the naive
participant gap beside the causal effect, program cost, turnover cost avoided
and ROI as a distribution, one story per persona from the event log, and the
evidence (C1..C7) and assumptions behind the parameters."""

EPILOG = """\
example:
  mentorsim report scenarios/baseline.yaml scenarios/one_on_one.yaml scenarios/circle.yaml \\
      -o report.html --replications 20 --seed 7"""


def _run(a: argparse.Namespace) -> int:
    import mentorsim as ms
    from mentorsim.commands.cli import _warned, where
    from mentorsim.run.paths import HTML, output_file, write_or_fallback

    output_file(a.out, "--out", HTML)
    scs = [ms.load_scenario(f) for f in [a.baseline, *a.scenarios]]
    cmp = ms.compare(scs, replications=a.replications, seed=a.seed, uncertainty=a.uncertainty, **where(a))
    out, warning = write_or_fallback(lambda p: ms.report(cmp, path=p), a.out, "--out")
    print(out)
    return _warned(warning)


def register(subparsers) -> None:
    """Add the ``report`` command."""
    from mentorsim.commands.cli import add_executor_options, add_run_options, add_uncertainty_option

    p = subparsers.add_parser(
        "report",
        help="write the program scorecard (one self-contained HTML file)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=DESCRIPTION,
        epilog=EPILOG,
    )
    p.add_argument("baseline", help="baseline scenario YAML (usually no program)")
    p.add_argument("scenarios", nargs="+", help="scenario YAML files to report against the baseline")
    p.add_argument("--out", "-o", default="report.html", help="HTML file to write (default report.html)")
    add_run_options(p)
    add_uncertainty_option(p)
    add_executor_options(p)
    p.set_defaults(func=_run)
