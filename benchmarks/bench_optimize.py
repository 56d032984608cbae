"""Benchmark: the design search the optimize issue sets (not a timed test).

200 designs over format, cadence, participation and recognition (scenarios/optimize/budget.yaml),
1,000 people, 10 paired replications each, on ``--workers`` (2) local processes, into a fresh
SQLite storage; then the front re-run with 20 fresh replications. Prints wall seconds.

    .venv/bin/python benchmarks/bench_optimize.py [--trials 200] [--workers 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time

import mentorsim as ms
from mentorsim.design.spec import load_spec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    kw = load_spec("scenarios/optimize/budget.yaml")
    kw["trials"] = a.trials
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        res = ms.optimize(storage=f"sqlite:///{d}/search.db", workers=a.workers, executor="processes",
                          progress=False, **kw)
        dt = time.perf_counter() - t0
    f = res.front()
    print(f"{a.trials} designs x {res.replications} paired replications x {res.base.workforce.size:,} people "
          f"({', '.join(res.keys)}), front of {len(f)} re-run with {res.front_replications} fresh replications, "
          f"{a.workers} workers: {dt:.1f} s")
    b = res.best()
    print(f"best within ${kw['budget']['program_cost']:,.0f}: trial {int(b['trial'])} "
          f"({', '.join(f'{k}={b[k]}' for k in res.keys)}), retention_36m {b['retention_36m'] * 100:+.2f} pts "
          f"[{b['retention_36m_ci_low'] * 100:+.2f}, {b['retention_36m_ci_high'] * 100:+.2f}], "
          f"program_cost ${b['program_cost']:,.0f}")


if __name__ == "__main__":
    main()
