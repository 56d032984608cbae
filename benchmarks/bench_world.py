"""What the world as it is costs: prints figures (not a test). Run: .venv/bin/python benchmarks/bench_world.py

One replication of 100,000 people over 156 weeks with a biweekly one-on-one program, with the default
world (two groups, informal mentoring starting, ending and acting every week) and with the world off
(informal share_by_level all zero, one group: the engine as before informal mentoring existed), run
alternately so drift on a shared machine hits both. The issue's limit is +10%. To compare against an
older commit, time this script's "off" figure there too (or use a side-by-side timer).
"""

import statistics
import time

import mentorsim as ms
from mentorsim.engine.simulation import Simulation

OFF = {"workforce.informal_mentoring.share_by_level": [0.0] * 5,
       "workforce.groups": [{"name": "everyone", "share_by_level": [1.0] * 5}]}


def once(sc) -> float:
    t = time.perf_counter()
    Simulation(sc, 1, 0).run()
    return time.perf_counter() - t


def main(rounds: int = 5) -> None:
    sc = ms.load_scenario("scenarios/one_on_one.yaml").with_overrides({"workforce.size": 100_000})
    off = sc.with_overrides(OFF)
    once(off)  # warm-up
    on_t, off_t = [], []
    for _ in range(rounds):
        on_t.append(once(sc))
        off_t.append(once(off))
    a, b = statistics.median(on_t), statistics.median(off_t)
    print(f"mentorsim {ms.__version__}: one_on_one, 100,000 people, 156 weeks, median of {rounds} alternating runs")
    print(f"  world on  (groups + informal mentoring): {a:5.2f} s")
    print(f"  world off (as before issue 14)         : {b:5.2f} s")
    print(f"  cost of the world: {100 * (a / b - 1):+.1f}%  (limit +10%)")


if __name__ == "__main__":
    main()
