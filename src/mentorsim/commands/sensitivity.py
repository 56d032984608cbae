"""``mentorsim sensitivity DIR --metric M``: sensitivity indices of a finished sweep, whatever its sample."""

from __future__ import annotations

import argparse

DESCRIPTION = """\
Global sensitivity analysis of a sweep store (made by 'mentorsim sweep') with SALib:
which varied parameters drive a metric. The method follows the sweep's sample: Sobol indices
for 'sampler: sobol' (S1: share of the metric's variance a parameter explains alone; ST: alone
and through interactions), Morris screening for 'sampler: morris' (mu_star: mean absolute
effect, in the metric's unit), and for any other sample (latin_hypercube, random, a grid) the
moment-independent delta measure (delta: how much knowing the parameter shifts the whole
distribution of the metric, 0 to 1; and S1). --method rbd_fast or pawn also take any sample.
The table says which method it used. Each index has a confidence interval (bootstrap).
--gain analyses each point's paired gain over no program instead of the metric's level
(each point against its own no-program twin, simulated here; this matters when the sweep
varies the company itself, e.g. workforce.* parameters).
Prints a table; --csv writes it, --plot draws the indices with their intervals."""

EPILOG = """\
examples:
  mentorsim sweep scenarios/sweeps/sobol.yaml --out out/sobol --executor processes
  mentorsim sensitivity out/sobol --metric retention_36m
  mentorsim sensitivity out/sobol --metric program_cost --csv sobol_cost.csv --plot sobol_cost.png
  mentorsim sensitivity out/morris --metric retention_36m --method morris
  mentorsim sensitivity out/lhs --metric retention_36m                 (a Latin hypercube: delta)
  mentorsim sensitivity out/lhs --metric retention_36m --method pawn
  mentorsim sensitivity out/sobol --metric retention_36m --gain --workers 2
"""


def register(sub) -> None:
    """Add the ``sensitivity`` command."""
    from mentorsim.commands.cli import workers_type

    p = sub.add_parser(
        "sensitivity",
        help="Sobol or Morris sensitivity indices of a sweep",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("store", metavar="DIR", help="sweep store directory (from 'mentorsim sweep --out DIR')")
    p.add_argument(
        "--metric",
        "-m",
        action="append",
        required=True,
        help="metric to analyse, e.g. retention_36m (repeat for several)",
    )
    p.add_argument(
        "--method",
        choices=("sobol", "morris", "delta", "rbd_fast", "pawn"),
        default=None,
        help="analysis method (default: sobol or morris for those samplers, else delta)",
    )
    p.add_argument("--level", type=float, default=0.95, help="confidence level of the intervals (default 0.95)")
    p.add_argument(
        "--gain",
        action="store_true",
        help="analyse the paired gain over no program (each point against its no-program twin)",
    )
    p.add_argument(
        "--workers",
        "-w",
        type=workers_type(),
        default=1,
        help="with --gain: processes to simulate the no-program twins on (default 1)",
    )
    p.add_argument("--csv", help="write the indices to this CSV file")
    p.add_argument("--plot", help="draw the indices to this image file (.png, .svg, .pdf); one per metric if several")
    p.set_defaults(func=run)


def run(a) -> int:
    """Run ``mentorsim sensitivity`` with the parsed arguments."""
    from functools import partial
    from pathlib import Path

    import pandas as pd

    from mentorsim.commands.cli import _warned
    from mentorsim.outputs.sensitivity import default_method, describe, sensitivity
    from mentorsim.run.paths import CSV, PLOT, output_file, write_or_fallback
    from mentorsim.sweeps import load_sweep

    if a.csv:
        output_file(a.csv, "--csv", CSV)
    if a.plot:
        output_file(a.plot, "--plot", PLOT)
    warnings: list[str] = []
    res = load_sweep(a.store)
    method = a.method or default_method(res.sweep.spec.sampler)
    print(
        f"{method} analysis of sweep {res.sweep.name!r} ({res.sweep.spec.sampler} sample, {res.sweep.n_points} points)"
    )
    if a.gain:
        res.baselines(workers=a.workers)  # simulated once for every metric
    frames = []
    for metric in a.metric:
        idx = sensitivity(res, metric, method=method, level=a.level, baseline="paired" if a.gain else None)
        frames.append(idx)
        print(describe(idx))
        shown = idx.pivot(index="parameter", columns="index", values="value")
        print(shown.round(4).to_string())
        print()
        if a.plot:
            from mentorsim.viz.sweep import indices

            out = Path(a.plot)
            if len(a.metric) > 1:
                out = out.with_name(f"{out.stem}_{metric}{out.suffix}")
            fig = indices(idx)
            out, warning = write_or_fallback(partial(fig.savefig, dpi=110), out, "--plot")
            warnings += [warning] if warning else []
            print(f"wrote {out}")
    if a.csv:
        table = pd.concat(frames, ignore_index=True)
        out, warning = write_or_fallback(lambda p: table.to_csv(p, index=False), a.csv, "--csv")
        warnings += [warning] if warning else []
        print(f"wrote {out}")
    for warning in warnings[:-1]:
        _warned(warning)
    return _warned(warnings[-1] if warnings else None)
