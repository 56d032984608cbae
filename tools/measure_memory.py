"""Measure peak memory of runs and fit the memory plan of ``mentorsim.run.limits``.

    python tools/measure_memory.py            # measure the reference runs, fit, print the tables
    python tools/measure_memory.py --quick    # the runs under 200,000 people only (a minute or two)
    python tools/measure_memory.py --save rows.json   # ... and keep the measurements
    python tools/measure_memory.py --table rows.json  # the table again, with the plan as it is now
    python tools/measure_memory.py --one SIZE WEEKS REPS MODE [WORKERS]   # one run, as JSON

Every run is a fresh interpreter (``scenarios/one_on_one.yaml`` with the size and horizon set), so its peak
resident memory (``VmHWM``) is the whole process's: interpreter, libraries, results and the running batch.
MODE is ``simulate`` (``ms.simulate`` and its summary), ``compare`` (no program against the program,
``ms.compare`` and its table), ``out`` (``mentorsim run --out``: the summary and the files written) or
``processes`` (``ms.simulate`` on WORKERS local processes: the largest worker's peak is reported too).

The fit: peak = base + results kept (per starting person and replication, ``k0 + k1 x weeks``) + one
running batch (per starting person it holds, ``r0 + r1 x weeks``), by least squares over the measured
runs. ``limits.MEMORY_MODEL`` holds the figures this printed; the table compares the plan with each peak.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUNS = [  # size, weeks, replications, mode, workers
    (10, 4, 1, "simulate", 1),
    (10_000, 156, 1, "simulate", 1),
    (10_000, 156, 20, "simulate", 1),
    (50_000, 52, 2, "simulate", 1),
    (50_000, 156, 4, "simulate", 1),
    (100_000, 156, 10, "simulate", 1),
    (20_000, 520, 2, "simulate", 1),
    (100_000, 520, 1, "simulate", 1),
    (20_000, 1040, 3, "simulate", 1),
    (1_000, 156, 200, "simulate", 1),
    (20_000, 156, 20, "compare", 1),
    (100_000, 156, 4, "compare", 1),
    (50_000, 156, 8, "processes", 2),
    (10_000, 156, 20, "processes", 2),
    (50_000, 156, 6, "out", 1),
    (10_000, 156, 20, "out", 1),
    (100_000, 156, 4, "out", 1),
]
BIG = [(200_000, 156, 4, "simulate", 1), (50_000, 1040, 2, "simulate", 1), (1_000_000, 156, 2, "simulate", 1)]


def _nbytes(reps: list) -> int:
    """The bytes of the arrays of replications' results (what a run keeps)."""
    return sum(
        sum(a.nbytes for a in r.people.values())
        + r.timeseries.nbytes
        + sum(a.nbytes for a in r.relationships.values())
        + (r.senior_by_group.nbytes if r.senior_by_group is not None else 0)
        for r in reps
    )


def _status() -> dict[str, float]:
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            k, _, v = line.partition(":")
            if k in ("VmHWM", "VmPeak"):
                out[k] = int(v.split()[0]) * 1024
    return out


def one(size: int, weeks: int, reps: int, mode: str, workers: int = 1) -> dict:
    """Run one measurement in this process (call it in a fresh interpreter)."""
    import resource
    import tempfile

    import mentorsim as ms
    from mentorsim.run import limits

    sc = ms.load_scenario(ROOT / "scenarios" / "one_on_one.yaml").with_overrides(
        {"workforce.size": size, "horizon_weeks": weeks}
    )
    scs = [sc]
    kept = 0
    if mode == "compare":
        scs = [sc.without_program(), sc]
        cmp = ms.compare(scs, replications=reps, seed=1)
        cmp.table()
        kept = sum(_nbytes(r.reps) for r in cmp.results)
    elif mode == "out":
        from mentorsim.commands.cli import main

        with tempfile.TemporaryDirectory() as d:
            f = Path(d) / "s.yaml"
            f.write_text(sc.to_yaml() if hasattr(sc, "to_yaml") else "")
            with open(os.devnull, "w") as null:
                stdout, sys.stdout = sys.stdout, null
                try:
                    main(["run", str(f), "-r", str(reps), "-s", "1", "--out", str(Path(d) / "out")])
                finally:
                    sys.stdout = stdout
    else:
        res = ms.simulate(sc, replications=reps, seed=1, workers=workers)
        res.summary()
        kept = _nbytes(res.reps)
    st = _status()
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    plan = limits.plan(scs, reps, workers, writes=mode == "out")
    return {
        "size": size,
        "weeks": weeks,
        "replications": reps,
        "mode": mode,
        "workers": workers,
        "peak": st["VmHWM"],
        "vm_peak": st["VmPeak"],
        "worker_peak": child,
        "kept": kept,
        "plan_main": plan.main,
        "plan_worker": plan.worker,
    }


def measure(runs: list[tuple]) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), MPLBACKEND="Agg")
    out = []
    for r in runs:
        p = subprocess.run(
            [sys.executable, __file__, "--one", *map(str, r)], capture_output=True, text=True, env=env, cwd=ROOT
        )
        if p.returncode != 0:
            sys.exit(f"{r}: {p.stderr.strip().splitlines()[-1] if p.stderr.strip() else p.returncode}")
        out.append(json.loads(p.stdout.strip().splitlines()[-1]))
        print(json.dumps(out[-1]), file=sys.stderr, flush=True)
    return out


def fit(rows: list[dict]) -> dict[str, float]:
    """The figures of ``limits.MEMORY_MODEL``: least squares of the peaks of serial simulate and compare runs
    on base, k0, k1, r0, r1; then the worker's base and the cost of writing (median over their runs)."""
    import numpy as np

    from mentorsim.engine import batches
    from mentorsim.run import limits

    # what a replication keeps is the size of its arrays: k0 + k1 x weeks per starting person
    kr = [r for r in rows if r["mode"] in ("simulate", "compare") and r["kept"] and r["size"] >= 1000]
    K = np.array([[1.0, r["weeks"]] for r in kr])
    per = np.array([r["kept"] / ((2 if r["mode"] == "compare" else 1) * r["replications"] * r["size"]) for r in kr])
    (k0, k1), *_ = np.linalg.lstsq(K, per, rcond=None)
    # the rest of a serial run's peak: base + one running batch, r0 + r1 x weeks per person it holds
    X, y = [], []
    for r in rows:
        if r["mode"] not in ("simulate", "compare"):
            continue
        n = 2 if r["mode"] == "compare" else 1
        kept = n * r["replications"] * r["size"] * (k0 + k1 * r["weeks"])
        run = len(batches(_scenario((r["size"], r["weeks"])), list(range(r["replications"])))[0]) * r["size"]
        X.append([1.0, run, run * r["weeks"]])
        y.append(r["peak"] - kept)
    (base, r0, r1), *_ = np.linalg.lstsq(np.array(X), np.array(y), rcond=None)
    m = {"base": float(base), "k0": float(k0), "k1": float(k1), "r0": float(r0), "r1": float(r1)}
    m.update(worker_base=0.0, out=0.0)
    workers = [
        r["worker_peak"] - limits.plan([(r["size"], r["weeks"])], r["replications"], r["workers"], model=m).worker
        for r in rows
        if r["mode"] == "processes"
    ]
    m["worker_base"] = float(np.median(workers)) if workers else 0.0
    outs = []
    for r in rows:
        if r["mode"] == "out":
            shape = [(r["size"], r["weeks"])]
            plain = limits.plan(shape, r["replications"], model=m).main
            kept = r["replications"] * r["size"] * (m["k0"] + m["k1"] * r["weeks"])
            outs.append((r["peak"] - plain) / kept)
    m["out"] = float(np.median(outs)) if outs else 0.0
    return m


def _scenario(shape: tuple[int, int]):
    import mentorsim as ms

    return ms.scenario_from_dict({"workforce": {"size": shape[0]}, "horizon_weeks": shape[1]})


def table(rows: list[dict]) -> str:
    """Measured peaks against the plan of ``limits`` as it is now (Markdown)."""
    from mentorsim.run import limits

    lines = [
        "| people | weeks | replications | run | measured peak | planned | plan / peak |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        shapes = [(r["size"], r["weeks"])] * (2 if r["mode"] == "compare" else 1)
        p = limits.plan(shapes, r["replications"], r["workers"], writes=r["mode"] == "out")
        plan, peak, run = p.main, r["peak"], {"out": "run --out"}.get(r["mode"], r["mode"])
        if r["mode"] == "processes":
            plan, peak, run = p.worker, r["worker_peak"], f"each of {r['workers']} worker processes"
        lines.append(
            f"| {r['size']:,} | {r['weeks']:,} | {r['replications']} | {run} | {peak / 1e6:,.0f} MB | "
            f"{plan / 1e6:,.0f} MB | {plan / peak:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        size, weeks, reps, mode, *w = argv[1:]
        print(json.dumps(one(int(size), int(weeks), int(reps), mode, int(w[0]) if w else 1)))
        return 0
    if argv[:1] == ["--table"]:  # the table again from saved measurements (--save), with the plan as it is now
        print(table(json.loads(Path(argv[1]).read_text())))
        return 0
    rows = measure(RUNS if "--quick" in argv else RUNS + BIG)
    m = fit(rows)
    print("fit:", {k: round(v, 2) for k, v in m.items()})
    print("\nthe plan with limits.MEMORY_MODEL as it is:")
    print(table(rows))
    if "--save" in argv:
        Path(argv[argv.index("--save") + 1]).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
