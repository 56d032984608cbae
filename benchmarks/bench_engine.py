"""Engine throughput: prints figures (not a test). Run: .venv/bin/python benchmarks/bench_engine.py

Reports one replication of a 100,000-person workforce over 156 weeks with a
biweekly one-on-one program, 20 replications of 500 people (run as one batch, and
one at a time for comparison), and the scaling of run time with workforce size (it
should be close to linear).
"""

import time

import mentorsim as ms
from mentorsim import engine


def best(f, n=3):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        out.append(time.perf_counter() - t)
    return min(out)


def main() -> None:
    sc = ms.load_scenario("scenarios/one_on_one.yaml").with_overrides({"horizon_weeks": 156, "program.cadence": "biweekly"})
    ms.simulate(sc.with_overrides({"workforce.size": 500}), replications=1, seed=1)  # warm-up
    print(f"mentorsim {ms.__version__}: one_on_one, biweekly, 156 weeks, best of 3")
    sizes = (1_000, 10_000, 100_000)
    times = {}
    for n in sizes:
        times[n] = best(lambda: ms.simulate(sc.with_overrides({"workforce.size": n}), replications=1, seed=1), 2 if n >= 100_000 else 3)
        print(f"  {n:>7,} people x 1 replication : {times[n]:6.2f} s  ({n * 156 / times[n] / 1e6:5.1f} M employee-weeks/s)")
    small = sc.with_overrides({"workforce.size": 500})
    t = best(lambda: ms.simulate(small, replications=20, seed=1))
    print(f"      500 people x 20 replications: {t:6.2f} s  (one batch; see engine.run_batch)")
    t1 = best(lambda: [engine.run(small, 1, r) for r in range(20)])
    print(f"        the same, one replication at a time: {t1:6.2f} s  (identical results; x{t1 / t:.1f} slower)")
    print(f"  scaling 10k -> 100k: x{times[100_000] / times[10_000]:.1f} time for x10 people")


if __name__ == "__main__":
    main()
