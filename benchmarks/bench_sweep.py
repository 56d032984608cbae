"""Benchmark: the reference sweep (scenarios/sweeps/example.yaml) serial, on 2 processes and on a
2-worker Dask LocalCluster.

    .venv/bin/python benchmarks/bench_sweep.py [--spec scenarios/sweeps/example.yaml] [--workers 2] [--repeat 1]

Prints wall seconds (each call starts and stops its own pool or cluster, as a user's
call would), speedups against serial, points per second, and checks that every
executor produced the same data. Also times the command line as a user runs it
(interpreter start-up included), the way the acceptance check does.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _stable(df):
    import pandas as pd

    df = df.drop(columns=["elapsed_seconds", "worker"])
    for c in df.columns:
        if isinstance(df[c].dtype, pd.StringDtype):
            df[c] = df[c].astype(object)
    return df.sort_values(["point", "replication"]).reset_index(drop=True)


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", default=str(ROOT / "scenarios" / "sweeps" / "example.yaml"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1, help="take the best of this many runs of each")
    ap.add_argument("--no-cli", action="store_true", help="skip the command-line timings")
    a = ap.parse_args()

    import mentorsim as ms

    sw = ms.load_sweep_spec(a.spec)
    n = sw.n_points
    print(f"reference sweep {sw.name!r}: {n} points x {sw.spec.replications} replications, "
          f"{sw.base.workforce.size:,} people, {sw.base.horizon_weeks} weeks; {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.2f}")
    runs = {"serial": ("serial", None), f"processes x{a.workers}": ("processes", a.workers),
            f"dask LocalCluster x{a.workers}": ("dask", a.workers)}
    secs, cpus, frames = {}, {}, {}
    for label, (ex, w) in runs.items():
        best = float("inf")
        for _ in range(a.repeat):
            c0, t0 = _cpu(), time.perf_counter()
            res = ms.sweep(sw, executor=ex, workers=w, progress=False)
            t = time.perf_counter() - t0
            if t < best:
                best, cpus[label] = t, _cpu() - c0
        secs[label], frames[label] = best, _stable(res.frame)
        if ex == "serial":
            per_run = float(res.frame.elapsed_seconds.mean())
    ref = frames["serial"]
    print(f"\n{'executor':<26}{'seconds':>9}{'speedup':>9}{'points/s':>10}{'CPU s':>8}  same data")
    for label, s in secs.items():
        same = "yes" if frames[label].equals(ref) else "NO"
        print(f"{label:<26}{s:>9.2f}{secs['serial'] / s:>8.2f}x{n / s:>10.2f}{cpus[label]:>8.2f}  {same}")
    print("(CPU s: user + system seconds of this process and its reaped children: the work done, "
          "whatever the machine's load)")
    print(f"\nmean seconds per replication (serial): {per_run:.3f}; load average now {os.getloadavg()[0]:.2f}")

    if not a.no_cli:
        exe = str(Path(sys.executable).with_name("mentorsim"))
        print(f"\ncommand line, wall seconds including start-up ({exe} sweep ...):")
        cli = {}
        with tempfile.TemporaryDirectory() as d:
            for label, extra in (("serial", ["--executor", "serial"]),
                                 (f"processes x{a.workers}", ["--executor", "processes", "--workers", str(a.workers)]),
                                 (f"dask x{a.workers}", ["--executor", "dask", "--workers", str(a.workers)])):
                t0 = time.perf_counter()
                subprocess.run([exe, "sweep", a.spec, "--out", f"{d}/{len(cli)}", "--no-progress", *extra],
                               check=True, capture_output=True)
                cli[label] = time.perf_counter() - t0
        for label, s in cli.items():
            print(f"{label:<26}{s:>9.2f}{cli['serial'] / s:>8.2f}x{n / s:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
