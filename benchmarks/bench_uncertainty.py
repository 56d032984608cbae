"""Benchmark: a decision under parameter uncertainty, as the uncertainty issue sets it.

Three designs (no program, one-on-one, circles) x ``--replications`` (200) x 1,000 people, each
replication drawing every uncertain parameter, on ``--workers`` (2) local processes; then the
acceptability curve and the value of information. Prints wall seconds for each part.

    .venv/bin/python benchmarks/bench_uncertainty.py [--replications 200] [--workers 2]
"""

from __future__ import annotations

import argparse
import time

import mentorsim as ms
from mentorsim.outputs import decision


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    scs = [ms.load_scenario(f"scenarios/{n}.yaml") for n in ("baseline", "one_on_one", "circle")]
    t0 = time.perf_counter()
    cmp = ms.compare(scs, replications=a.replications, seed=a.seed, workers=a.workers, uncertainty="parameters")
    t1 = time.perf_counter()
    acc = cmp.acceptability()
    t2 = time.perf_counter()
    voi = cmp.value_of_information({"retained": 50_000})
    t3 = time.perf_counter()
    print(f"3 designs x {a.replications} replications x 1,000 people, parameter uncertainty, {a.workers} workers: "
          f"{t1 - t0:.1f} s")
    print(f"acceptability ({acc.value.nunique()} values): {t2 - t1:.2f} s; value of information "
          f"({len(voi) - 1} parameters): {t3 - t2:.1f} s; total {t3 - t0:.1f} s")
    print(decision.voi_sentence(voi))


if __name__ == "__main__":
    main()
