"""Sweeps: executors agree, kill-and-resume equals uninterrupted, stores refuse other specs, failures are recorded.

Small and short on purpose (a couple of hundred people, a year), so the whole file
runs in seconds on two cores. Tests compare runs with each other, never against
calibrated values.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import mentorsim as ms
from mentorsim.errors import MentorsimError, ScenarioError
from mentorsim.sweeps import SweepResult, load_sweep_spec, pareto_mask
from mentorsim.sweeps.store import Store, StoreError

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "one_on_one.yaml"
BIN = str(Path(sys.executable).with_name("mentorsim"))
VOLATILE = ("elapsed_seconds", "worker")


def write_spec(path: Path, **fields) -> Path:
    doc = {
        "name": "tiny",
        "base": str(BASE),
        "overrides": {"workforce.size": 120, "horizon_weeks": 52},
        "sampler": "grid",
        "parameters": {
            "program.format": ["one_on_one", "peer", "circle"],
            "program.participation_target": {"low": 0.1, "high": 0.4, "levels": 3},
            "program.cadence": ["weekly", 3],
        },
        "replications": 2,
        "seed": 5,
        "metrics": ["retention_12m", "annual_promotion_rate", "program_cost"],
    }
    doc.update(fields)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def stable(df: pd.DataFrame) -> pd.DataFrame:
    """The data without per-run columns (timings, worker names), in point/replication order."""
    df = df.drop(columns=[c for c in VOLATILE if c in df.columns])
    for c in df.columns:  # importing dask may switch pandas to its string dtype; compare values, not that
        if isinstance(df[c].dtype, pd.StringDtype):
            df[c] = df[c].astype(object)
    return df.sort_values(["point", "replication"]).reset_index(drop=True)


def store_frame(path: Path) -> pd.DataFrame:
    files = sorted((path / "chunks").glob("*.parquet"))
    return stable(pd.concat([pd.read_parquet(f) for f in files], ignore_index=True))


def cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory) -> Path:
    return write_spec(tmp_path_factory.mktemp("spec") / "tiny.yaml")


@pytest.fixture(scope="module")
def serial(spec_path) -> SweepResult:
    return ms.sweep(spec_path, progress=False)


# ---- spec and points ------------------------------------------------------------------------


def test_spec_points_grid_and_columns(spec_path, serial):
    sw = load_sweep_spec(spec_path)
    assert sw.n_points == 3 * 3 * 2
    assert sw.point(0) == {
        "program.format": "one_on_one",
        "program.participation_target": 0.1,
        "program.cadence": "weekly",
    }
    assert sw.point(1)["program.cadence"] == 3  # the last parameter varies fastest
    f = serial.frame
    assert len(f) == sw.n_points * 2
    assert list(f.columns[:6]) == [
        "point",
        "replication",
        "seed",
        "program.format",
        "program.participation_target",
        "program.cadence",
    ]
    assert {"retention_12m", "annual_promotion_rate", "program_cost", "status", "error"} <= set(f.columns)
    assert (f.status == "ok").all()
    assert f["program.cadence"].tolist()[:4] == ["weekly", "weekly", "3", "3"]  # mixed values: one string column
    assert f.seed.eq(5).all()


def test_replications_use_the_spec_seed_whatever_the_point(spec_path, serial):
    """Replication r of a point equals engine.run(point scenario, spec seed, r): points share random numbers."""
    from mentorsim.engine import run

    sw = load_sweep_spec(spec_path)
    f = serial.frame.set_index(["point", "replication"])
    for i in (0, 7):
        for r in (0, 1):
            m = run(sw.scenario(i), 5, r).metrics
            assert f.loc[(i, r), "program_cost"] == m["program_cost"]
            assert f.loc[(i, r), "retention_12m"] == m["retention_12m"]


@pytest.mark.parametrize(
    "sampler,samples,expected",
    [("random", 7, 7), ("latin_hypercube", 9, 9), ("sobol", 4, 4 * (2 + 2)), ("morris", 3, 3 * (2 + 1))],
)
def test_samplers_are_deterministic_and_in_range(tmp_path, sampler, samples, expected):
    params = (
        {"program.participation_target": {"low": 0.1, "high": 0.4}, "program.term_weeks": {"low": 26, "high": 78}}
        if sampler in ("sobol", "morris")
        else {
            "program.participation_target": {"low": 0.1, "high": 0.4},
            "program.term_weeks": {"low": 26, "high": 78},
            "program.recognition": ["none", "review_credit", "celebrate_impact"],
        }
    )
    p = write_spec(tmp_path / "s.yaml", sampler=sampler, samples=samples, parameters=params)
    a, b = load_sweep_spec(p), load_sweep_spec(p)
    assert a.n_points == expected
    pa, pb = a.points_frame(), b.points_frame()
    pd.testing.assert_frame_equal(pa, pb)
    assert pa["program.participation_target"].between(0.1, 0.4).all()
    assert pa["program.term_weeks"].dtype == np.int64  # an integer field gives whole numbers
    assert pa["program.term_weeks"].between(26, 78).all()
    if "program.recognition" in pa:
        assert set(pa["program.recognition"]) <= {"none", "review_credit", "celebrate_impact"}


def test_a_sampler_is_one_registered_class(tmp_path):
    """Adding a sampler is one class: the spec accepts its name, checks its samples and runs its design."""
    from mentorsim.sweeps import SAMPLERS, SweepSpec
    from mentorsim.sweeps.samplers import DesignSampler, register

    @register
    class Corners(DesignSampler):  # every point in a corner of the box, by a seeded coin per coordinate
        name = label = "corners"

        def unit(self, n, d, seed):
            return np.random.default_rng(seed).integers(0, 2, (n, d)).astype(float)

    try:
        params = {
            "program.participation_target": {"low": 0.1, "high": 0.4},
            "program.term_weeks": {"low": 26, "high": 78},
        }
        sw = load_sweep_spec(write_spec(tmp_path / "s.yaml", sampler="corners", samples=6, parameters=params))
        assert sw.n_points == 6 and isinstance(sw.sampler, Corners)
        pts = sw.points_frame()
        assert set(pts["program.participation_target"]) <= {0.1, 0.4} and set(pts["program.term_weeks"]) <= {26, 78}
        with pytest.raises(ScenarioError, match="required by the corners sampler"):
            load_sweep_spec(write_spec(tmp_path / "t.yaml", sampler="corners", parameters=params))
    finally:
        del SAMPLERS["corners"]
    with pytest.raises(ScenarioError, match="Input should be 'grid', 'random', 'latin_hypercube', 'sobol' or 'morris'"):
        load_sweep_spec(write_spec(tmp_path / "u.yaml", sampler="corners", samples=6, parameters=params))
    assert SweepSpec.model_json_schema()["properties"]["sampler"]["enum"] == list(SAMPLERS)


# ---- executors ------------------------------------------------------------------------------


def test_processes_agree_with_serial(spec_path, serial):
    proc = ms.sweep(spec_path, executor="processes", workers=2, chunk_size=2, progress=False)
    pd.testing.assert_frame_equal(stable(proc.frame), stable(serial.frame))
    assert proc.frame.worker.nunique() >= 1


def test_executors_are_a_registry_and_hide_a_missing_main_file(monkeypatch):
    """The CLI offers every registered executor; spawned workers never try to import a main file that is gone."""
    import types

    from mentorsim.commands.cli import build_parser
    from mentorsim.run.executors import EXECUTORS, main_importable

    assert list(EXECUTORS) == ["serial", "processes", "dask"]
    choices = next(
        a.choices
        for a in build_parser()._subparsers._group_actions[0].choices["sweep"]._actions
        if a.dest == "executor"
    )
    assert list(choices) == list(EXECUTORS)
    fake = types.ModuleType("__main__")
    fake.__file__ = "/nowhere/<stdin>"
    monkeypatch.setitem(sys.modules, "__main__", fake)
    with main_importable():
        assert not hasattr(fake, "__file__")
    assert fake.__file__ == "/nowhere/<stdin>"


def test_dask_local_cluster_agrees_with_serial(spec_path, serial, tmp_path):
    """A real dask.distributed LocalCluster of 2 single-threaded workers, started and stopped by the call."""
    res = ms.sweep(spec_path, executor="dask", workers=2, chunk_size=3, store=tmp_path / "dask", progress=False)
    pd.testing.assert_frame_equal(store_frame(tmp_path / "dask"), stable(serial.frame))
    assert res.run_info["executor"] == "dask"


def test_store_equals_memory_and_is_atomic(spec_path, serial, tmp_path):
    out = tmp_path / "store"
    res = ms.sweep(spec_path, store=out, chunk_size=4, progress=False)
    m = Store(out).manifest()
    sw = load_sweep_spec(spec_path)
    assert m["spec_hash"] == sw.spec_hash and m["mentorsim_version"] == ms.__version__
    assert "parameters:" in m["spec_text"] and m["n_points"] == sw.n_points
    files = [p.name for p in (out / "chunks").iterdir()]
    assert files and all(f.startswith("part-") and f.endswith(".parquet") for f in files)  # no temp files left
    assert len(files) == -(-sw.n_points // 4)
    pd.testing.assert_frame_equal(store_frame(out), stable(serial.frame))
    again = ms.load_sweep(out)
    pd.testing.assert_frame_equal(stable(again.frame), stable(res.frame))
    assert again.sweep.spec_hash == sw.spec_hash


def test_resume_runs_only_missing_points(spec_path, serial, tmp_path):
    out = tmp_path / "partial"
    ms.sweep(spec_path, store=out, chunk_size=3, progress=False)
    chunks = sorted((out / "chunks").glob("*.parquet"))
    for f in chunks[1::2]:  # lose every other chunk, as if the run had been stopped
        f.unlink()
    (out / "chunks" / ".part-x.parquet.tmp").write_bytes(b"half a chunk")  # a write interrupted mid-way
    with pytest.raises(StoreError, match="recorded in the manifest but its file is missing"):
        Store(out).done_points()  # a reader refuses a store with recorded chunks missing
    before = {int(p) for f in (out / "chunks").glob("*.parquet") for p in pd.read_parquet(f, columns=["point"]).point}
    res = ms.sweep(spec_path, store=out, resume=True, executor="processes", workers=2, progress=False)
    assert res.run_info["points_run"] == load_sweep_spec(spec_path).n_points - len(before)
    pd.testing.assert_frame_equal(store_frame(out), stable(serial.frame))
    assert not list((out / "chunks").glob("*.tmp"))
    # nothing left to do: a second resume runs no point and changes nothing
    assert ms.sweep(spec_path, store=out, resume=True, progress=False).run_info["points_run"] == 0


def test_sigkill_then_resume_equals_uninterrupted(tmp_path):
    """Kill a running sweep (and its workers) with SIGKILL, resume it, compare with an uninterrupted run."""
    spec = write_spec(
        tmp_path / "kill.yaml",
        overrides={"workforce.size": 200, "horizon_weeks": 78},
        parameters={
            "program.format": ["one_on_one", "peer", "circle", "micro_board"],
            "program.participation_target": {"low": 0.1, "high": 0.4, "levels": 3},
            "program.cadence": ["weekly", 3],
        },
    )
    out = tmp_path / "killed"
    p = subprocess.Popen(
        [
            BIN,
            "sweep",
            str(spec),
            "--out",
            str(out),
            "--executor",
            "processes",
            "--workers",
            "2",
            "--chunk-size",
            "1",
            "--no-progress",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline and len(list((out / "chunks").glob("*.parquet"))) < 2 and p.poll() is None:
        time.sleep(0.02)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    n = load_sweep_spec(spec).n_points
    done = Store(out).done_points()
    assert 0 < len(done) < n, "the sweep should have been killed part way"
    r = cli("sweep", str(spec), "--out", str(out), "--resume", "--no-progress")
    assert r.returncode == 0, r.stderr
    assert f"{len(done):,} were already done" in r.stdout
    ref = ms.sweep(spec, progress=False)
    pd.testing.assert_frame_equal(store_frame(out), stable(ref.frame))


def test_resume_refuses_a_different_spec(spec_path, tmp_path):
    out = tmp_path / "s"
    ms.sweep(spec_path, store=out, progress=False)
    other = write_spec(tmp_path / "other.yaml", seed=6)
    r = cli("sweep", str(other), "--out", str(out), "--resume", "--no-progress")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "different spec" in lines[0] and str(out) in lines[0]
    with pytest.raises(MentorsimError, match="different spec"):
        ms.sweep(other, store=out, resume=True, progress=False)


def test_existing_store_needs_resume(spec_path, tmp_path):
    out = tmp_path / "s"
    ms.sweep(spec_path, store=out, progress=False)
    r = cli("sweep", str(spec_path), "--out", str(out), "--no-progress")
    assert r.returncode == 2 and "--resume" in r.stderr and len(r.stderr.strip().splitlines()) == 1


# ---- failures -------------------------------------------------------------------------------


def test_invalid_point_is_recorded_and_the_sweep_goes_on(tmp_path):
    spec = write_spec(tmp_path / "s.yaml", parameters={"program.participation_target": [0.2, 1.5, 0.3]})
    res = ms.sweep(spec, store=tmp_path / "out", progress=False)
    f = res.frame
    assert len(f) == 3 * 2
    bad = res.failed
    assert bad.point.tolist() == [1] and bad.status.tolist() == ["invalid"]
    assert "program.participation_target" in bad.error.iloc[0] and "1.5" in bad.error.iloc[0]
    assert f[f.point != 1].status.eq("ok").all() and f[f.point == 1].retention_12m.isna().all()
    assert set(res.summary().point) == {0, 2}


def test_point_that_raises_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    from mentorsim import engine

    real = engine.run_batch

    def flaky(sc, seed, reps, trace=None):
        if sc.program.format == "peer":
            raise RuntimeError("engine broke on peer\nsecond line")
        return real(sc, seed, reps, trace)

    monkeypatch.setattr(engine, "run_batch", flaky)
    spec = write_spec(tmp_path / "s.yaml", parameters={"program.format": ["one_on_one", "peer", "circle"]})
    res = ms.sweep(spec, progress=False)
    assert res.failed.point.tolist() == [1]
    assert res.failed.error.iloc[0] == "RuntimeError: engine broke on peer"
    assert res.frame[res.frame.point != 1].status.eq("ok").all()


def test_cli_warns_about_failed_points(tmp_path):
    spec = write_spec(tmp_path / "s.yaml", parameters={"program.cadence": ["weekly", "weekley"]})
    r = cli("sweep", str(spec), "--out", str(tmp_path / "o"), "--no-progress")
    assert r.returncode == 0
    assert "1 failed" in r.stdout and "weekley" in r.stderr
    assert (tmp_path / "o" / "summary.csv").exists()


# ---- validation -----------------------------------------------------------------------------

BAD_SPECS = [
    ({"sampeler": "grid"}, "sampeler", "did you mean 'sampler'"),
    ({"sampler": "latin_hypercub", "samples": 5}, "sampler", "did you mean 'latin_hypercube'"),
    ({"parameters": {"program.cadense": ["weekly"]}}, "program.cadense", "did you mean 'program.cadence'"),
    (
        {"parameters": {"program.participation_target": {"low": 0.4, "high": 0.1, "levels": 3}}},
        "program.participation_target",
        "low must be below high",
    ),
    (
        {"parameters": {"program.participation_target": {"low": 0.1, "high": 0.4}}},
        "program.participation_target",
        "needs levels",
    ),
    (
        {"parameters": {"program.participation_target": {"low": 0.1, "high": 1.4, "levels": 3}}},
        "program.participation_target",
        "1.4",
    ),
    (
        {"parameters": {"program.participation_target": {"low": 0.1, "hi": 0.4, "levels": 3}}},
        "parameters.program.participation_target.hi",
        "did you mean 'high'",
    ),
    ({"parameters": {"program": ["x"]}}, "parameters.program", "is a section"),
    ({"parameters": {"program.cadence": "weekly"}}, "parameters.program.cadence", "list of values or a range"),
    ({"sampler": "sobol", "samples": 10}, "samples", "power of 2"),
    ({"sampler": "random"}, "samples", "required"),
    ({"metrics": ["retention_36"]}, "metrics[0]", "did you mean 'retention_36m'"),
    ({"replications": 0}, "replications", "greater than or equal to 1"),
    ({"base": "nowhere.yaml"}, "base", "no such scenario file"),
    ({"overrides": {"workforce.sise": 100}}, "workforce.sise", "did you mean 'workforce.size'"),
]


@pytest.mark.parametrize("fields,field,hint", BAD_SPECS, ids=[b[1] + ":" + b[2][:12] for b in BAD_SPECS])
def test_bad_spec_is_one_clear_line(tmp_path, fields, field, hint):
    doc = yaml.safe_load(write_spec(tmp_path / "s.yaml").read_text())
    doc.update(fields)
    spec = tmp_path / "bad.yaml"
    spec.write_text(yaml.safe_dump(doc))
    with pytest.raises(ScenarioError) as e:
        load_sweep_spec(spec)
    msg = str(e.value)
    assert "\n" not in msg and str(spec) in msg and field in msg and hint in msg, msg


def test_bad_spec_on_the_command_line_exits_2(tmp_path):
    doc = yaml.safe_load(write_spec(tmp_path / "s.yaml").read_text())
    doc["parameters"] = {"program.cadense": ["weekly"]}
    spec = tmp_path / "bad.yaml"
    spec.write_text(yaml.safe_dump(doc))
    r = cli("sweep", str(spec), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "program.cadense" in lines[0] and "program.cadence" in lines[0]
    assert not (tmp_path / "o").exists()


def test_bad_arguments(spec_path):
    with pytest.raises(MentorsimError, match="did you mean 'processes'"):
        ms.sweep(spec_path, executor="process")
    with pytest.raises(MentorsimError, match="scheduler"):
        ms.sweep(spec_path, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(MentorsimError, match="resume"):
        ms.sweep(spec_path, resume=True)
    with pytest.raises(MentorsimError, match="workers"):
        ms.sweep(spec_path, executor="processes", workers=0)


def test_shipped_specs_are_valid():
    specs = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))
    assert any(p.name == "example.yaml" for p in specs)
    for p in specs:
        sw = load_sweep_spec(p)
        assert sw.n_points >= 1 and sw.scenario(0).workforce.size >= 10
    ex = load_sweep_spec(ROOT / "scenarios" / "sweeps" / "example.yaml")  # the reference sweep of the issue
    assert ex.n_points == 40 and ex.spec.replications == 2 and ex.base.name == "one_on_one"
    assert ex.scenario(0).workforce.size == 1000


def test_help_has_examples():
    for cmd in ("sweep", "sensitivity"):
        r = cli(cmd, "--help")
        assert r.returncode == 0 and "example" in r.stdout and "mentorsim " + cmd in r.stdout


# ---- results --------------------------------------------------------------------------------


def test_summary_and_means(serial):
    s = serial.summary()
    sw = serial.sweep
    assert len(s) == sw.n_points * len(sw.metrics)
    assert (s.ci_low <= s["mean"]).all() and (s["mean"] <= s.ci_high).all() and s.n.eq(2).all()
    m = serial.means()
    assert len(m) == sw.n_points and list(m.columns[:4]) == ["point", *sw.keys]
    row = serial.frame[serial.frame.point == 3].program_cost.mean()
    assert m.set_index("point").loc[3, "program_cost"] == pytest.approx(row)


def test_pareto_mask():
    cost = np.array([1.0, 2.0, 3.0, 2.0, 1.0, np.nan])
    gain = np.array([0.1, 0.3, 0.2, 0.3, 0.05, 0.9])
    assert pareto_mask(cost, gain).tolist() == [True, True, False, True, False, False]


def test_gains_are_paired_with_the_baseline(serial):
    base = serial.baseline()
    assert base.scenario.program.format == "none" and base.seed == serial.sweep.spec.seed
    g = serial.gains(base, "retention_12m")
    f = serial.frame[serial.frame.point == 0].set_index("replication").retention_12m
    expect = (f - base.metrics["retention_12m"]).mean()
    assert g.set_index("point").loc[0, "mean"] == pytest.approx(expect)
    p = serial.pareto("retention_12m", "program_cost", baseline=base)
    assert p.on_front.any() and "retention_12m_gain" in p.columns


def test_sweep_plots(serial):
    from matplotlib.figure import Figure

    fig = ms.sweep_plots.heatmap(serial, "retention_12m", "program.format", "program.participation_target")
    assert isinstance(fig, Figure) and fig.axes[0].get_xlabel() == "program.format"
    # values in their units: shares as percentages (cells, colour bar, share-valued parameter ticks)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "program.participation_target (share of eligible)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["10%", "25%", "40%"]
    assert ax.texts and all(t.get_text().endswith("%") for t in ax.texts)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()
    bar = [t.get_text() for t in fig.axes[1].get_yticklabels() if t.get_text()]
    assert bar and all(t.endswith("%") for t in bar)
    cost = ms.sweep_plots.heatmap(serial, "program_cost", "program.format", "program.participation_target")
    assert all(t.get_text().startswith("$") for t in cost.axes[0].texts)
    fig = ms.sweep_plots.tradeoff(serial, gain="retention_12m", baseline=serial.baseline())
    assert isinstance(fig, Figure)
    fig = ms.sweep_plots.tradeoff(serial, gain="retention_12m")
    assert isinstance(fig, Figure)


def test_store_killed_before_its_manifest_starts_fresh(spec_path, serial, tmp_path):
    out = tmp_path / "s"
    (out / "chunks").mkdir(parents=True)  # killed after making the directory, before the manifest
    ms.sweep(spec_path, store=out, resume=True, progress=False)
    pd.testing.assert_frame_equal(store_frame(out), stable(serial.frame))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(MentorsimError, match="not a sweep store"):
        ms.sweep(spec_path, store=tmp_path / "other", progress=False)


def test_heatmap_share_ticks_keep_close_levels_apart():
    from mentorsim.viz.sweep import _ticks

    assert _ticks("program.participation_target", [0.1, 0.105, 0.11, 0.115]) == ["10.0%", "10.5%", "11.0%", "11.5%"]
    assert _ticks("program.participation_target", [0.1, 0.3]) == ["10%", "30%"]
    assert _ticks("program.format", ["peer", "circle"]) == ["peer", "circle"]
    assert _ticks("program.mentor_capacity", [1, 3]) == ["1", "3"]


def test_one_pareto_front_serves_sweeps_and_design_search():
    """Sweeps' pareto_mask is the same front as design search's (outputs.pareto.non_dominated), NaN kept off it."""
    from mentorsim.outputs.pareto import non_dominated

    rng = np.random.default_rng(3)
    cost, gain = rng.random(40), rng.random(40)
    cost[5] = np.nan
    mask = pareto_mask(cost, gain)
    assert mask.tolist() == non_dominated(np.column_stack([cost, gain]), np.array([-1, 1])).tolist()
    assert not mask[5] and mask.any()
    for i in np.flatnonzero(mask):  # nobody on the front is beaten on both
        ok = ~np.isnan(cost)
        assert not (ok & (cost <= cost[i]) & (gain >= gain[i]) & ((cost < cost[i]) | (gain > gain[i]))).any()
