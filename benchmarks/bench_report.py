"""Time the program scorecard: baseline, one_on_one and circle, 20 replications, 1,000 people.

The report (paired runs, figures, persona stories, HTML) must be written in 30 s or less.

    .venv/bin/python benchmarks/bench_report.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import mentorsim as ms

LIMIT_S = 30.0
ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    scs = [ms.load_scenario(ROOT / "scenarios" / f"{n}.yaml").with_overrides({"workforce.size": 1000})
           for n in ("baseline", "one_on_one", "circle")]
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        out = ms.report(*scs, replications=20, seed=0, path=Path(d) / "report.html")
        dt = time.perf_counter() - t0
        kib = out.stat().st_size / 1024
    ok = dt <= LIMIT_S
    print(f"report: 3 scenarios x 20 replications x 1,000 people in {dt:.1f} s "
          f"(limit {LIMIT_S:.0f} s), {kib:.0f} KiB: {'ok' if ok else 'TOO SLOW'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
