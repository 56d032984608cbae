"""Design search: the same trials and front on every executor, resume after a kill, the budget, honest fronts."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import mentorsim as ms
from conftest import SCENARIOS
from mentorsim.errors import MentorsimError

BIN = str(Path(sys.executable).with_name("mentorsim"))
SMALL = {"workforce.size": 200, "horizon_weeks": 60}
LEVERS = {
    "program.format": ["one_on_one", "peer", "circle"],
    "program.cadence": ["weekly", "monthly"],
    "program.participation_target": (0.05, 0.5),
}
OBJ = {"retention_12m": "max", "program_cost": "min"}


@pytest.fixture(scope="module")
def base():
    return ms.load_scenario(SCENARIOS / "one_on_one.yaml").with_overrides(SMALL)


def search(base, **kw):
    args = dict(
        levers=LEVERS,
        objectives=OBJ,
        budget={"program_cost": 60_000},
        trials=8,
        replications=2,
        batch=4,
        seed=5,
        progress=False,
    )
    args.update(kw)
    return ms.optimize(base, **args)


def test_serial_and_two_processes_give_the_same_trials_and_front(base, tmp_path):
    a = search(base)
    b = search(base, workers=2, storage=f"sqlite:///{tmp_path}/b.db")
    pd.testing.assert_frame_equal(a.trials(), b.trials())
    pd.testing.assert_frame_equal(a.front(), b.front())
    assert len(a.trials()) == 8 and len(a.front()) >= 1
    assert a.trials().trial.tolist() == list(range(8))


def test_front_columns_budget_and_fresh_rerun(base):
    res = search(base)
    f = res.front()
    for c in (
        "program.format",
        "program.cadence",
        "program.participation_target",
        "retention_12m",
        "retention_12m_ci_low",
        "retention_12m_ci_high",
        "program_cost",
        "p_better",
    ):
        assert c in f.columns
    assert (f.program_cost <= 60_000).all()
    assert f.p_better.between(0, 1).all()
    assert (f.retention_12m_ci_low <= f.retention_12m).all() and (f.retention_12m <= f.retention_12m_ci_high).all()
    assert res.front_seed != res.seed and res.front_replications == 10
    # the front is the search's, re-run: its figures come from the fresh seed, not the search's draws
    t = res.trials().set_index("trial")
    fresh = np.concatenate([f.retention_12m.to_numpy(), f.program_cost.to_numpy()])
    assert not np.allclose(
        fresh, np.concatenate([t.loc[f.trial, "retention_12m"].to_numpy(), t.loc[f.trial, "program_cost"].to_numpy()])
    )
    assert list(f.retention_12m) == sorted(f.retention_12m, reverse=True)


def test_a_tight_budget_reports_only_designs_within_it(base):
    res = search(base, budget={"program_cost": 15_000})
    assert (res.front().program_cost <= 15_000).all()
    assert (res.trials().query("feasible").program_cost <= 15_000).all()


def test_write_scenario_gives_a_runnable_scenario_of_the_best_design(base, tmp_path):
    res = search(base)
    best = res.best()
    p = res.write_scenario(tmp_path / "best.yaml")
    sc = ms.load_scenario(p)
    assert sc.program.format == best["program.format"]
    assert sc.program.participation_target == pytest.approx(best["program.participation_target"])
    assert sc.workforce.size == 200
    assert ms.simulate(sc, replications=1, seed=1).summary().loc["participation_rate", "mean"] > 0


def test_best_design_is_not_beaten_by_a_shipped_scenario_within_the_budget():
    """The best design for a budget against every shipped program scenario that fits the same budget, all run
    on the front's fresh seed and replications: none is better than the best design's interval."""
    size = {"workforce.size": 300, "horizon_weeks": 156}
    base = ms.load_scenario(SCENARIOS / "one_on_one.yaml").with_overrides(size)
    levers = {
        "program.format": ["one_on_one", "peer", "circle", "reverse", "micro_board"],
        "program.cadence": ["weekly", "biweekly", "monthly"],
        "program.participation_target": (0.05, 0.5),
        "program.recognition": ["none", "review_credit", "learning_credits", "celebrate_impact"],
        "program.sponsorship": [False, True],
    }
    cap = 300_000
    res = ms.optimize(
        base,
        levers=levers,
        objectives={"retention_36m": "max", "program_cost": "min"},
        budget={"program_cost": cap},
        trials=80,
        replications=6,
        batch=10,
        seed=2,
        progress=False,
        workers=2,
    )
    best = res.best()
    assert best["program_cost"] <= cap
    shipped = [
        ms.load_scenario(p).with_overrides(size)
        for p in sorted(SCENARIOS.glob("*.yaml"))
        if ms.load_scenario(p).program.format != "none"
    ]
    cmp = ms.compare([res.twin, *shipped], replications=res.front_replications, seed=res.front_seed, workers=2)
    t = cmp.table().set_index(["scenario", "metric"])
    compared = 0
    for s in shipped:
        if t.loc[(s.name, "program_cost"), "diff_mean"] <= cap:
            compared += 1
            assert t.loc[(s.name, "retention_36m"), "diff_mean"] <= best["retention_36m_ci_high"], s.name
    assert compared >= 2, "too few shipped scenarios fit the budget: the test compared (almost) nothing"


def _done(db: Path) -> int:
    try:
        with sqlite3.connect(db) as c:
            return c.execute("select count(*) from trials where state = 'COMPLETE'").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_sigkill_then_resume_runs_only_missing_trials_and_gives_the_same_front(base, tmp_path):
    spec = {
        "base": str(SCENARIOS / "one_on_one.yaml"),
        "overrides": SMALL,
        "levers": {**LEVERS, "program.participation_target": {"low": 0.05, "high": 0.5}},
        "objectives": OBJ,
        "budget": {"program_cost": 60_000},
        "trials": 24,
        "replications": 2,
        "batch": 4,
        "seed": 5,
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))  # the levers in the order of LEVERS
    out = tmp_path / "out"
    p = subprocess.Popen(
        [BIN, "optimize", str(path), "--out", str(out), "--executor", "processes", "--workers", "2", "--no-progress"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline and _done(out / "search.db") < 6 and p.poll() is None:
        time.sleep(0.02)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    done = _done(out / "search.db")
    assert 0 < done < 24, "the search should have been killed part way"
    r = subprocess.run(
        [BIN, "optimize", str(path), "--out", str(out), "--no-progress"], capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr
    assert f"{done} were already in the storage" in r.stdout
    with sqlite3.connect(out / "search.db") as c:
        assert c.execute("select count(*) from trials").fetchone()[0] == 24  # nothing ran twice
    ref = ms.optimize(
        base,
        levers=LEVERS,
        objectives=OBJ,
        budget={"program_cost": 60_000},
        trials=24,
        replications=2,
        batch=4,
        seed=5,
        progress=False,
    )
    got = pd.read_csv(out / "front.csv")
    want = ref.front()
    assert got.trial.tolist() == want.trial.tolist()
    np.testing.assert_allclose(got.retention_12m, want.retention_12m)


def test_a_storage_of_another_search_is_refused(base, tmp_path):
    url = f"sqlite:///{tmp_path}/s.db"
    search(base, storage=url, trials=4)
    with pytest.raises(MentorsimError, match="another spec"):
        search(base, storage=url, trials=4, seed=6)


@pytest.mark.parametrize(
    "kw, words",
    [
        ({"levers": {"program.cadense": ["weekly"]}}, ["program.cadence"]),
        ({"levers": {"workforce.base_weekly_quit_hazard": (0.003, 0.005)}}, ["uncertain", "not a lever"]),
        ({"levers": {"program.participation_target": (0.5, 0.1)}}, ["low must be below high"]),
        ({"levers": {"program.format": ["one_on_one", "zoom"]}}, ["zoom"]),
        ({"objectives": {"retention_36m": "up"}}, ["'max' or 'min'"]),
        ({"objectives": {"retention_99m": "max"}}, ["unknown metric"]),
        ({"budget": {"retention_36m": 5}}, ["not a cost metric"]),
        ({"trials": 0}, ["trials"]),
    ],
)
def test_bad_input_is_one_clear_line(base, kw, words):
    with pytest.raises(MentorsimError) as e:
        search(base, **kw)
    msg = str(e.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg


def test_cli_bad_spec_exits_2_with_one_line_naming_the_file_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "base": str(SCENARIOS / "one_on_one.yaml"),
                "levers": {"program.format": ["peer"]},
                "objectives": {"retention_36m": "most"},
            }
        )
    )
    r = subprocess.run([BIN, "optimize", str(path), "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "objectives.retention_36m" in lines[0]
    assert "Traceback" not in r.stderr


def test_import_mentorsim_does_not_import_optuna_or_the_ema_workbench():
    code = "import sys, mentorsim; print(any(m.startswith(('optuna', 'ema_workbench')) for m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "False"


def test_the_dask_executor_gives_the_same_trials_and_front(base):
    """On a Dask LocalCluster of 2 worker processes, as sweeps use it: the same designs and front as serially."""
    a = search(base)
    b = search(base, executor="dask", workers=2)
    pd.testing.assert_frame_equal(a.trials(), b.trials())
    pd.testing.assert_frame_equal(a.front(), b.front())
