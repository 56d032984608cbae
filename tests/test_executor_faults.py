"""Executors that fail in words (docs/reliability.md): worker processes killed mid-run on real process pools and
a real dask LocalCluster; their work runs again on fresh workers with the same results, or the run stops in one
line naming what is missing and how to resume."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

import mentorsim as ms
from conftest import ROOT
from faulty import ALWAYS, NAME, DyingOneOnOne
from mentorsim.programs import FORMATS, register_format
from mentorsim.run.driver import TRIES, spans

N, WEEKS = 300, 52


@pytest.fixture
def dying(tmp_path):
    """``dying(kills)``: register the format whose workers die ``kills`` times; unregistered after the test."""
    made: list[DyingOneOnOne] = []

    def make(kills: int) -> DyingOneOnOne:
        fmt = DyingOneOnOne(tmp_path / f"marks-{len(made)}", kills)
        made.append(fmt)
        return register_format(fmt)

    yield make
    FORMATS.pop(NAME, None)


def scenario():
    return ms.load_scenario(ROOT / "scenarios" / "one_on_one.yaml").with_overrides(
        {"workforce.size": N, "horizon_weeks": WEEKS, "program.format": NAME}
    )


def test_a_killed_pool_worker_is_replaced_and_the_results_are_those_of_an_uninterrupted_run(dying):
    fmt = dying(2)
    sc = scenario()
    ref = ms.simulate(sc, replications=4, seed=3)  # this process never dies
    assert fmt.deaths() == 0
    got = ms.simulate(sc, replications=4, seed=3, workers=2)
    assert fmt.deaths() == 2  # two workers were killed, and the run went on
    pd.testing.assert_frame_equal(got.people, ref.people)
    pd.testing.assert_frame_equal(got.summary(), ref.summary())


def test_a_compare_whose_workers_keep_dying_stops_in_one_line_naming_the_missing_replications(dying):
    dying(ALWAYS)
    base = scenario().without_program(name="no program")
    t = time.monotonic()
    with pytest.raises(ms.MentorsimError) as e:
        ms.compare([base, scenario()], replications=4, seed=3, workers=2)
    msg = str(e.value)
    assert "\n" not in msg and "a worker process died" in msg and "run the command again" in msg
    assert f"{scenario().name!r}: replications 0-3" in msg  # the program's runs died; the baseline's did not
    assert time.monotonic() - t < 120


def test_a_sweep_whose_workers_die_keeps_its_finished_points_and_resumes_to_the_uninterrupted_result(dying, tmp_path):
    fmt = dying(ALWAYS)
    spec = {
        "name": "dying",
        "base": {"workforce": {"size": N}, "horizon_weeks": WEEKS, "program": {"format": NAME}},
        "sampler": "grid",
        "parameters": {"program.cadence": ["weekly", "biweekly", "monthly", 6]},
        "replications": 2,
        "seed": 4,
    }
    ref = ms.sweep(spec, progress=False).summary()
    store = tmp_path / "store"
    with pytest.raises(ms.MentorsimError) as e:  # this process runs chunks too: those finish
        ms.sweep(spec, executor="processes", workers=2, store=store, progress=False, chunk_size=1)
    msg = str(e.value)
    assert "\n" not in msg and "could not be run" in msg and "--resume" in msg and fmt.deaths() >= TRIES
    kept = ms.load_sweep(store).frame
    assert 0 < kept.point.nunique() < 4  # what finished is in the store
    FORMATS.pop(NAME)
    dying(0)  # the same format, whose workers no longer die
    res = ms.sweep(spec, executor="processes", workers=2, store=store, resume=True, progress=False)
    assert res.run_info["resumed_from"] == kept.point.nunique()
    pd.testing.assert_frame_equal(res.summary(), ref)


def _dask():
    """dask, with distributed's defaults loaded (a config.set made before they are would drop them on exit)."""
    import dask
    import distributed  # noqa: F401

    return dask


def test_killed_dask_workers_tasks_run_again_with_the_same_results(dying):
    dask = _dask()

    fmt = dying(2)
    sc = scenario()
    ref = ms.simulate(sc, replications=4, seed=3)
    # a task whose worker dies comes back at once as KilledWorker (dask's own retries off): mentorsim runs it again
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        got = ms.simulate(sc, replications=4, seed=3, workers=2, executor="dask")
    assert fmt.deaths() == 2
    pd.testing.assert_frame_equal(got.people, ref.people)
    assert got.run_info["executor"] == "dask"


def test_dask_workers_that_keep_dying_stop_the_run_in_one_line(dying):
    dask = _dask()

    dying(ALWAYS)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with pytest.raises(ms.MentorsimError) as e:
            ms.simulate(scenario(), replications=2, seed=3, workers=2, executor="dask")
    msg = str(e.value)
    assert "\n" not in msg and "dask workers running it died" in msg and "replications 0-1" in msg


def test_the_command_line_says_it_in_one_line_with_exit_code_2(tmp_path):
    """mentorsim run -w 2, every worker killed: one line on stderr, exit 2, no traceback."""
    f = tmp_path / "s.yaml"
    f.write_text(f"name: dying\nworkforce:\n  size: {N}\nhorizon_weeks: {WEEKS}\nprogram:\n  format: {NAME}\n")
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT / "tests")!r})
        from faulty import ALWAYS, DyingOneOnOne
        from mentorsim.programs import register_format
        from mentorsim.commands.cli import main
        register_format(DyingOneOnOne({str(tmp_path / "marks")!r}, ALWAYS))
        if __name__ == "__main__":
            sys.exit(main(["run", {str(f)!r}, "-r", "4", "-w", "2"]))
    """)
    (tmp_path / "cli.py").write_text(script)
    p = subprocess.run([sys.executable, str(tmp_path / "cli.py")], capture_output=True, text=True, timeout=300)
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "could not be run" in lines[0], lines


def test_spans():
    assert spans([5, 1, 2, 3, 9, 10]) == "1-3, 5, 9-10"
    assert spans(range(0, 40, 2), most=3) == "0, 2, 4 and 17 more ranges"


def test_a_local_cluster_that_cannot_start_is_one_line(monkeypatch):
    from mentorsim.run import cluster

    def broken(self):
        raise RuntimeError("Nanny failed to start.")

    monkeypatch.setattr(cluster.DaskWorkers, "_local", broken)
    with pytest.raises(ms.MentorsimError, match=r"could not start a local cluster .*Nanny failed to start"):
        ms.simulate(ROOT / "scenarios" / "one_on_one.yaml", replications=2, executor="dask")
