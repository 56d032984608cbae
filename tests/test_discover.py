"""Scenario discovery: PRIM recovers a known box; discover on a DataFrame, a sweep directory and a comparison."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import mentorsim as ms
from conftest import SCENARIOS
from mentorsim.errors import MentorsimError

BIN = str(Path(sys.executable).with_name("mentorsim"))


def synthetic(n: int = 2000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n), "c": rng.uniform(0, 1, n)})
    x["roi"] = np.where((x.a < 0.3) & (x.b > 0.6), -1.0, 1.0) + rng.normal(0, 0.05, n)
    return x


def test_prim_recovers_a_known_box():
    box = ms.discover(synthetic(), condition="roi < 0")
    lim = box.limits.set_index("input")
    assert set(lim.index) == {"a", "b"}  # c plays no part
    assert lim.loc["a", "high"] == pytest.approx(0.3, abs=0.02)
    assert lim.loc["a", "low"] == pytest.approx(lim.loc["a", "min"])
    assert lim.loc["b", "low"] == pytest.approx(0.6, abs=0.02)
    assert lim.loc["b", "high"] == pytest.approx(lim.loc["b", "max"])
    assert box.coverage > 0.95 and box.density > 0.95
    assert 0.1 < box.share < 0.14  # the true box holds 0.3 x 0.4 of the cases


def test_prim_recovers_a_box_on_a_categorical_input():
    rng = np.random.default_rng(1)
    x = pd.DataFrame({"format": rng.choice(["peer", "circle", "one_on_one"], 1500), "d": rng.uniform(0, 1, 1500)})
    x["roi"] = np.where((x.format == "peer") & (x.d < 0.5), -1.0, 1.0)
    box = ms.discover(x, condition="roi < 0")
    lim = box.limits.set_index("input")
    assert lim.loc["format", "values"] == ("peer",)
    assert lim.loc["d", "high"] == pytest.approx(0.5, abs=0.03)


def test_the_sentence_names_the_condition_the_inputs_and_the_bounds():
    box = ms.discover(synthetic(), condition="roi < 0")
    s = box.sentence()
    assert s.startswith("roi < 0 holds in 9") and "a is below 0.3" in s and "b is above 0.6" in s
    assert "of all the cases where it holds" in s


def test_the_trajectory_and_plots():
    import matplotlib

    matplotlib.use("Agg")
    box = ms.discover(synthetic(), condition="roi < 0")
    t = box.trajectory
    assert {"coverage", "density", "mass", "res_dim"} <= set(t.columns)
    assert t.coverage.iloc[0] == 1.0 and t.mass.iloc[0] == 1.0 and t.mass.iloc[-1] < 1.0  # peeled from all cases
    assert box.chosen in t.index
    assert box.plot_tradeoff().axes and box.plot_box().axes


def test_an_unknown_column_in_the_condition_is_a_clear_error():
    with pytest.raises(MentorsimError, match="'rio'.*roi"):
        ms.discover(synthetic(), condition="rio < 0")
    with pytest.raises(MentorsimError, match="holds in none"):
        ms.discover(synthetic(), condition="roi < -100")


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("sw")
    spec = {
        "name": "disc",
        "base": str(SCENARIOS / "one_on_one.yaml"),
        "overrides": {"workforce.size": 200, "horizon_weeks": 60},
        "sampler": "latin_hypercube",
        "samples": 40,
        "parameters": {
            "program.participation_target": {"low": 0.05, "high": 0.5},
            "program.format": ["one_on_one", "peer", "circle"],
        },
        "replications": 2,
        "seed": 3,
        "metrics": ["retention_12m", "program_cost", "turnover_cost"],
    }
    p = d / "spec.yaml"
    p.write_text(yaml.safe_dump(spec, sort_keys=False))
    ms.sweep(p, store=d / "out", progress=False)
    return d / "out"


def test_discover_on_a_sweep_directory_with_roi_against_each_points_twin(sweep_dir):
    box = ms.discover(sweep_dir, condition="roi < 0")
    assert set(box.limits.input) <= {"program.participation_target", "program.format"}
    assert box.n == 80 and 0 < box.share <= 1


def test_cli_discover_on_a_sweep_directory(sweep_dir, tmp_path):
    cut = int(ms.load_sweep(sweep_dir).frame.program_cost.median())
    r = subprocess.run(
        [BIN, "discover", str(sweep_dir), "--condition", f"program_cost > {cut}", "--csv", str(tmp_path / "box.csv")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"program_cost > {cut} holds in")
    assert "program.participation_target" in pd.read_csv(tmp_path / "box.csv").input.tolist()
    bad = subprocess.run([BIN, "discover", str(sweep_dir), "--condition", "cost > 1"], capture_output=True, text=True)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "cost" in bad.stderr


def test_discover_on_a_parameter_uncertainty_comparison():
    small = {"workforce.size": 200, "horizon_weeks": 60}
    base = ms.load_scenario(SCENARIOS / "baseline.yaml").with_overrides(small)
    prog = ms.load_scenario(SCENARIOS / "one_on_one.yaml").with_overrides(small)
    cmp = ms.compare([base, prog], replications=40, seed=4, uncertainty="parameters")
    drawn = set(cmp["one_on_one"].parameter_draws.columns) - {"replication"}
    box = ms.discover(cmp, condition="retention_12m < 0")
    assert set(box.limits.input) <= drawn
    assert box.n == 40
    with pytest.raises(MentorsimError, match="uncertainty='parameters'"):
        ms.discover(ms.compare([base, prog], replications=2, seed=4), condition="roi < 0")


def test_a_condition_true_everywhere_is_a_box_of_everything():
    """PRIM asserts that the condition fails somewhere (an AssertionError traceback before): here, one sentence."""
    box = ms.discover(synthetic(), condition="roi > -100")
    assert box.limits.empty and box.coverage == box.density == box.share == 1.0
    assert box.sentence() == "roi > -100 holds in all 2,000 cases, whatever the inputs: there is no box to find"
    x = synthetic().rename(columns={"a": "program.a"})  # a dotted column and a decimal number in one condition
    assert ms.discover(x, condition="roi > -100.5 and program.a >= 0.0").share == 1.0


def test_a_failure_inside_prim_is_one_line(monkeypatch):
    from ema_workbench.analysis import prim

    def broken(*a, **k):
        raise AssertionError

    monkeypatch.setattr(prim.Prim, "find_box", broken)
    with pytest.raises(
        MentorsimError, match=r"PRIM found no box for 'roi < 0' in these 2,000 cases \(AssertionError\)"
    ):
        ms.discover(synthetic(), condition="roi < 0")


def test_duplicate_column_names_are_one_line():
    x = synthetic()
    x.columns = ["a", "b", "a", "roi"]
    with pytest.raises(MentorsimError, match="more than one column named 'a'") as e:
        ms.discover(x, condition="roi < 0")
    assert "\n" not in str(e.value)


def test_cli_discover_everywhere_and_a_bad_csv_before_the_work(sweep_dir, tmp_path):
    r = subprocess.run(
        [BIN, "discover", str(sweep_dir), "--condition", "retention_12m > -1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert r.stdout.startswith("retention_12m > -1 holds in all 80 cases") and "(no input restricted)" in r.stdout
    (tmp_path / "adir.csv").mkdir()
    for csv, says in (
        (tmp_path / "missing" / "box.csv", "does not exist"),
        (tmp_path / "adir.csv", "is a directory"),
        (tmp_path / "box.txt", "must end in .csv"),
    ):
        # checked first: the unknown column of the condition would be the error otherwise
        bad = subprocess.run(
            [BIN, "discover", str(sweep_dir), "--condition", "nothing > 1", "--csv", str(csv)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--csv" in bad.stderr and says in bad.stderr, (
            bad.stderr
        )
