"""Limits that hold everywhere (docs/reliability.md): the memory plan is measured (within 20% of measured peaks),
honours the address-space limit (RLIMIT_AS) and the container's (cgroup), covers every command and spec, and
the figures the docs show are what the code plans."""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import time

import pytest

import mentorsim as ms
from conftest import ROOT, SCENARIOS, mentorsim_bin
from mentorsim.run import limits
from test_limits import cli, one_error_line

DOC = (ROOT / "docs" / "reliability.md").read_text()


def measured(size: int, weeks: int, reps: int, mode: str, workers: int = 1) -> dict:
    """One run's peak in a fresh interpreter (tools/measure_memory.py), with what the code plans for it."""
    p = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "measure_memory.py"), "--one", size, weeks, reps, mode, workers],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "size, weeks, reps, mode, workers",
    [
        ("60000", "156", "5", "simulate", "1"),  # three batches, five replications' results kept
        ("20000", "156", "10", "out", "1"),  # run --out: the results written as tables too
        ("20000", "520", "6", "processes", "2"),  # each worker process: one batch and its results
    ],
)
def test_the_plan_is_within_20_percent_of_the_measured_peak(size, weeks, reps, mode, workers):
    r = measured(size, weeks, reps, mode, workers)
    plan, peak = (r["plan_worker"], r["worker_peak"]) if mode == "processes" else (r["plan_main"], r["peak"])
    assert 0.8 <= plan / peak <= 1.2, (plan / 1e6, peak / 1e6)


def test_a_big_run_under_an_address_space_limit_is_refused_in_one_line_before_work(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("name: big\nworkforce:\n  size: 1000000\nprogram:\n  format: one_on_one\n")
    cap = 3 * 1024**3

    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    t = time.monotonic()
    p = subprocess.run(
        [mentorsim_bin(), "run", str(big), "-r", "20"], capture_output=True, text=True, timeout=120, preexec_fn=limited
    )
    line = one_error_line(p)  # was: a MemoryError traceback after minutes (or an allocator retrying for ever)
    assert "address-space limit of 3.2 GB" in line and "RLIMIT_AS" in line and time.monotonic() - t < 30
    small = subprocess.run(
        [mentorsim_bin(), "run", str(SCENARIOS / "one_on_one.yaml"), "-r", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limited,
    )
    assert small.returncode == 0, small.stderr  # a run that fits runs


def test_container_limits_are_read_from_cgroup_v2_and_v1(tmp_path):
    root, proc = tmp_path / "cg", tmp_path / "cgroup"
    (root / "user.slice" / "job").mkdir(parents=True)
    (root / "memory.max").write_text("max\n")
    (root / "user.slice" / "memory.max").write_text(f"{4 * 1024**3}\n")
    (root / "user.slice" / "job" / "memory.max").write_text("max\n")
    proc.write_text("0::/user.slice/job\n")
    assert limits.cgroup_bytes(root, proc) == 4 * 1024**3  # a parent's limit holds for its children
    v1 = tmp_path / "v1"
    (v1 / "memory" / "docker").mkdir(parents=True)
    (v1 / "memory" / "docker" / "memory.limit_in_bytes").write_text(f"{2 * 1024**3}\n")
    (v1 / "memory" / "memory.limit_in_bytes").write_text("9223372036854771712\n")  # v1's "no limit"
    proc.write_text("5:memory:/docker\n3:cpu,cpuacct:/docker\n")
    assert limits.cgroup_bytes(v1, proc) == 2 * 1024**3
    proc.write_text("0::/\n")
    assert limits.cgroup_bytes(tmp_path / "none", proc) == 0


def test_a_container_limit_refuses_before_work(monkeypatch):
    monkeypatch.setattr(limits, "cgroup_bytes", lambda: 1024**3)
    sc = ms.load_scenario(SCENARIOS / "one_on_one.yaml").with_overrides({"workforce.size": 200_000})
    for kw in ({}, {"uncertainty": "parameters"}):
        with pytest.raises(ms.MentorsimError, match=r"container's memory limit of 1\.1 GB \(cgroup\)"):
            ms.simulate(sc, replications=20, **kw)
    with pytest.raises(ms.MentorsimError, match="max_replications"):
        ms.compare([sc, sc], replications="auto", half_width=0.01, max_replications=200)


def test_sweeps_and_design_searches_are_planned_and_capped_like_the_command_line(tmp_path, monkeypatch):
    from mentorsim.sweeps.spec import Sweep

    doc = {
        "name": "big",
        "base": {"workforce": {"size": 1000}},
        "sampler": "grid",
        "parameters": {"workforce.size": [1000, 1_000_000]},
        "replications": limits.MAX_REPLICATIONS,
    }
    Sweep.from_dict(doc, root=".")  # the cap of the command line, as the docs say
    with pytest.raises(ms.ScenarioError, match="replications"):
        Sweep.from_dict({**doc, "replications": limits.MAX_REPLICATIONS + 1}, root=".")
    monkeypatch.setattr(limits, "memory_bytes", lambda: 4 * 1024**3)
    with pytest.raises(ms.MentorsimError, match="1,000,000 people on 4 processes"):  # its largest point, planned
        ms.sweep(doc, executor="processes", workers=4, store=tmp_path / "s", progress=False)
    assert not (tmp_path / "s").exists()
    spec = (ROOT / "scenarios" / "optimize" / "budget.yaml").read_text()
    for key, value in (("trials", "1000000000"), ("replications", "100000000")):
        f = tmp_path / f"{key}.yaml"
        f.write_text(re.sub(rf"(?m)^{key}: .*$", f"{key}: {value}", spec).replace("../", f"{SCENARIOS}/"))
        t = time.monotonic()
        line = one_error_line(cli("optimize", f, "--out", tmp_path / key))
        assert f"{key}: {int(value):,} is more than 10,000" in line and time.monotonic() - t < 20
        assert not (tmp_path / key).exists()


def test_run_out_plans_the_tables_it_writes(monkeypatch, tmp_path, capsys):
    from mentorsim.commands.cli import main

    sc = ms.load_scenario(SCENARIOS / "one_on_one.yaml").with_overrides({"workforce.size": 100_000})
    f = tmp_path / "s.yaml"
    sc.dump(f)
    need = limits.plan([sc], 8).total
    monkeypatch.setattr(limits, "memory_bytes", lambda: int(need / 0.75 * 1.5))  # the run fits; writing it does not
    assert limits.memory_problem([sc], 8) is None
    assert main(["run", str(f), "-r", "8", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert "results kept and written" in err and "\n" not in err and not (tmp_path / "out").exists()


def test_the_docs_example_is_what_the_code_plans(monkeypatch):
    monkeypatch.setattr(limits, "memory_bytes", lambda: 16 * 1000**3)
    monkeypatch.setattr(limits, "cgroup_bytes", lambda: 0)
    monkeypatch.setattr(limits, "address_space_bytes", lambda: 0)
    big = ms.scenario_from_dict({"workforce": {"size": 1_000_000}})
    said = limits.memory_problem([big], 100)
    assert said is not None and said in " ".join(DOC.split())
    # the table of measured peaks shows what the code plans for each run
    rows = re.findall(r"\| ([\d,]+) \| ([\d,]+) \| (\d+) \| ([^|]+) \| ([\d,]+) MB \| ([\d,]+) MB \|", DOC)
    assert len(rows) >= 10
    for people, weeks, reps, run, _, planned in rows:
        n = lambda s: int(s.replace(",", ""))  # noqa: E731
        shapes = [(n(people), n(weeks))] * (2 if run.strip() == "compare" else 1)
        workers = int(m.group(1)) if (m := re.search(r"each of (\d+) worker", run)) else 1
        p = limits.plan(shapes, n(reps), workers, writes=run.strip() == "run --out")
        got = p.worker if workers > 1 else p.main
        assert round(got / 1e6) == n(planned), (people, weeks, reps, run)
