"""Limits before work: caps on replications and workers, planned memory, bounded batches, strict YAML,
bounded costs and printable names (docs/reliability.md)."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

import mentorsim as ms
from conftest import SCENARIOS, mentorsim_bin
from mentorsim.run import limits
from mentorsim.schema.io import MAX_ALIAS_NODES, MAX_YAML_DEPTH, parse_yaml, read_yaml
from mentorsim.schema.scenario import MAX_WORKFORCE


def cli(*args, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run([mentorsim_bin(), *map(str, args)], capture_output=True, text=True, timeout=timeout)


def one_error_line(p: subprocess.CompletedProcess) -> str:
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr + p.stdout
    shown = [ln for ln in (p.stdout + p.stderr).splitlines() if ln.strip()]
    assert len(shown) == 1, shown
    return shown[0]


# ---- caps on the command line and in the API -------------------------------------------------


def test_too_many_replications_and_workers_are_refused_before_work(tmp_path):
    sc = SCENARIOS / "one_on_one.yaml"
    t = time.monotonic()
    assert "10,000" in one_error_line(cli("run", sc, "--replications", 100_000_000))
    line = one_error_line(cli("run", sc, "--workers", 512))
    assert "512" in line and "CPUs" in line and "memory" in line
    assert time.monotonic() - t < 30
    for cmd in (("compare", sc, sc), ("report", sc, sc)):
        one_error_line(cli(*cmd, "-r", limits.MAX_REPLICATIONS + 1))
    one_error_line(cli("sweep", SCENARIOS / "sweeps" / "example.yaml", "--out", tmp_path / "s", "--workers", 512))
    one_error_line(cli("calibrate", "calibration/evidence.yaml", "--workers", 512))


def test_the_api_applies_the_same_caps():
    sc = ms.scenario_from_dict({"workforce": {"size": 100}})
    with pytest.raises(ms.MentorsimError, match="10,000"):
        ms.simulate(sc, replications=limits.MAX_REPLICATIONS + 1)
    with pytest.raises(ms.MentorsimError, match="more processes than cores"):
        ms.simulate(sc, replications=1, workers=limits.max_workers() + 1)
    with pytest.raises(ms.MentorsimError, match="workers"):
        ms.compare([sc, sc], replications=1, workers=10_000)


def test_memory_is_planned_before_work(monkeypatch):
    big = ms.scenario_from_dict({"workforce": {"size": MAX_WORKFORCE}})
    assert limits.planned_bytes([big], 20) > 20 * MAX_WORKFORCE * 200
    monkeypatch.setattr(limits, "memory_bytes", lambda: 8 * 1024**3)
    t = time.monotonic()
    with pytest.raises(ms.MentorsimError, match="GB"):
        ms.simulate(big, replications=100)
    assert time.monotonic() - t < 5  # refused, not discovered
    assert limits.memory_problem([big], 1) is None  # one replication of the largest workforce fits in 8 GB


def test_port_and_scheduler_are_checked_in_one_line(tmp_path):
    assert "65535" in one_error_line(cli("dashboard", "--port", 70000))
    one_error_line(cli("dashboard", "--port", 0))
    for bad in ("notaurl", "tcp://host:notaport", "tcp://host:70000", "http://host:8786", "tcp://:8786"):
        line = one_error_line(
            cli("sweep", SCENARIOS / "sweeps" / "example.yaml", "--out", tmp_path / "s", "--scheduler", bad)
        )
        assert "scheduler" in line
    from mentorsim.commands.cli import scheduler_type

    assert scheduler_type("tcp://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    assert scheduler_type("10.0.0.5:8786") == "10.0.0.5:8786"


# ---- batches bounded by people x weeks ----------------------------------------------------------


def test_batches_are_bounded_in_people_times_weeks():
    from mentorsim.engine import BATCH_PEOPLE, BATCH_PERSON_WEEKS, batches

    sc = ms.load_scenario(SCENARIOS / "one_on_one.yaml")
    for size, weeks in ((500, 156), (500, 1040), (5_000, 30), (BATCH_PEOPLE, 4), (MAX_WORKFORCE, 156)):
        s = sc.with_overrides({"workforce.size": size, "horizon_weeks": weeks})
        parts = batches(s, list(range(200)))
        assert sum(parts, []) == list(range(200))
        assert all(len(p) == 1 or len(p) * size * max(weeks, 156) <= BATCH_PERSON_WEEKS for p in parts)
        assert all(len(p) * size <= BATCH_PEOPLE or len(p) == 1 for p in parts)  # a short horizon: no bigger batch
    long = sc.with_overrides({"workforce.size": 1_000, "horizon_weeks": 1040})
    assert len(batches(long, list(range(50)))[0]) == BATCH_PERSON_WEEKS // (1_000 * 1040)


# ---- strict YAML ------------------------------------------------------------------------------------


def test_duplicate_keys_are_refused_naming_the_key_and_line(tmp_path):
    f = tmp_path / "dup.yaml"
    f.write_text("name: a\nworkforce:\n  size: 100\nworkforce:\n  size: 200\n")
    line = one_error_line(cli("validate", f))
    assert "duplicate key 'workforce'" in line and "line 4" in line and str(f) in line
    with pytest.raises(ms.MentorsimError, match="duplicate key 'x'"):
        parse_yaml("a: {x: 1, x: 2}")
    assert parse_yaml("b: &b {x: 1}\nc:\n  <<: *b\n  x: 2\n")["c"] == {"x": 2}  # a merge key may be overridden


def test_deep_yaml_is_refused_in_one_line(tmp_path):
    f = tmp_path / "deep.yaml"
    f.write_text("name: t\nx: " + "[" * 500 + "]" * 500 + "\n")
    assert f"deeper than {MAX_YAML_DEPTH}" in one_error_line(cli("validate", f))
    f.write_text("name: t\nx:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(200)))
    assert "deeper" in one_error_line(cli("validate", f))
    parse_yaml("x: " + "[" * (MAX_YAML_DEPTH - 1) + "]" * (MAX_YAML_DEPTH - 1))


def _bomb(levels: int = 7) -> str:
    out = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcefghijk"[: levels - 1]:
        out.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    return "\n".join(out) + "\n"


def test_alias_bombs_and_recursive_aliases_are_refused(tmp_path):
    with pytest.raises(ms.MentorsimError, match=f"more than {MAX_ALIAS_NODES:,} nodes"):
        parse_yaml(_bomb())
    with pytest.raises(ms.MentorsimError, match="recursive alias"):
        parse_yaml("a: &a [1, *a]")
    assert parse_yaml("a: &a [1, 2]\nb: *a\n") == {"a": [1, 2], "b": [1, 2]}  # ordinary aliases stay fine
    spec = tmp_path / "bomb.yaml"
    spec.write_text(
        f"name: bomb\nbase: {SCENARIOS / 'one_on_one.yaml'}\nsampler: grid\nparameters:\n"
        "  program.cadence: [weekly]\nreplications: 1\n" + _bomb()
    )
    t = time.monotonic()
    p = subprocess.run(
        f"ulimit -v 2000000; exec {mentorsim_bin()} sweep {spec} --out {tmp_path / 'o'} --no-progress",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "alias" in one_error_line(p) and time.monotonic() - t < 15


def test_python_tags_stay_refused(tmp_path):
    with pytest.raises(ms.MentorsimError, match="invalid YAML"):
        parse_yaml(f"!!python/object/apply:os.system ['touch {tmp_path}/pwned']")
    assert not (tmp_path / "pwned").exists()


def test_yes_no_on_off_are_not_booleans(tmp_path):
    f = tmp_path / "yes.yaml"
    for word in ("yes", "no", "on", "off", "Yes"):
        f.write_text(f"name: s\nprogram:\n  sponsorship: {word}\n")
        assert "program.sponsorship: must be true or false" in one_error_line(cli("validate", f))
    f.write_text("name: s\nprogram:\n  format: one_on_one\n  sponsorship: true\n")
    assert cli("validate", f).returncode == 0
    assert parse_yaml("a: yes\nb: False") == {"a": "yes", "b": False}


def test_a_fifo_a_directory_and_a_huge_file_are_refused_before_opening(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    t = time.monotonic()
    assert "not a regular file" in one_error_line(cli("validate", fifo, timeout=20))
    assert time.monotonic() - t < 15
    with pytest.raises(ms.MentorsimError, match="is a directory"):
        read_yaml(tmp_path)
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as fh:
        fh.truncate(11 * 1024 * 1024)
    with pytest.raises(ms.MentorsimError, match="at most 10 MB"):
        read_yaml(huge)


def test_sweep_specs_and_targets_go_through_the_strict_reader(tmp_path):
    from mentorsim.calibration.spec import load_targets

    spec = tmp_path / "s.yaml"
    spec.write_text(
        f"name: s\nbase: {SCENARIOS / 'one_on_one.yaml'}\nsampler: grid\nparameters:\n"
        "  program.cadence: [weekly]\nparameters:\n  program.cadence: [monthly]\n"
    )
    with pytest.raises(ms.MentorsimError, match="duplicate key 'parameters'"):
        ms.load_sweep_spec(spec)
    targets = tmp_path / "t.yaml"
    targets.write_text(
        f"scenario: {SCENARIOS / 'baseline.yaml'}\ntargets:\n  monthly_quit_rate: "
        "{value: 0.02, tolerance: 0.01}\n  monthly_quit_rate: {value: 0.03, tolerance: 0.01}\n"
    )
    with pytest.raises(ms.MentorsimError, match="duplicate key 'monthly_quit_rate'"):
        load_targets(targets)


# ---- bounded costs, printable names ------------------------------------------------------------------


def test_costs_are_bounded_and_finite():
    for field, value in (
        ("annual_salary_by_level", 1e308),
        ("hourly_cost_by_level", 2e9),
        ("replacement_cost_share_by_level", 1e3),
    ):
        with pytest.raises(ms.MentorsimError, match=f"costs.{field}: must be at most"):
            ms.scenario_from_dict({"costs": {field: [value] * 5}})
    ms.scenario_from_dict({"costs": {"annual_salary_by_level": [1e9] * 5}})


def test_control_characters_in_names_are_refused(tmp_path):
    f = tmp_path / "n.yaml"
    f.write_text('name: "evil\\e[2J\\rname"\n')
    line = one_error_line(cli("validate", f))
    assert "name: must be printable" in line and "\x1b" not in line
    assert ms.scenario_from_dict({"name": "Café – équipe 2"}).name == "Café – équipe 2"


def test_a_sweep_name_with_control_characters_is_refused():
    from mentorsim.sweeps.spec import Sweep

    doc = {
        "name": "bad\x1b[31mname",
        "base": "scenarios/one_on_one.yaml",
        "sampler": "grid",
        "parameters": {"program.preparation": [0.5]},
        "replications": 1,
    }
    with pytest.raises(ms.ScenarioError, match="name: must be printable text"):
        Sweep.from_dict(doc, root=".")


def test_report_refuses_a_bad_path_before_simulating(tmp_path, monkeypatch):
    import mentorsim.run.experiment as experiment

    def never(*a, **k):
        raise AssertionError("simulated before checking the path")

    monkeypatch.setattr(experiment, "compare", never)
    with pytest.raises(ms.MentorsimError, match="must end in .html"):
        ms.report("scenarios/baseline.yaml", "scenarios/one_on_one.yaml", path=tmp_path / "report.txt")
    with pytest.raises(ms.MentorsimError, match="is a directory"):
        ms.report("scenarios/baseline.yaml", "scenarios/one_on_one.yaml", path=tmp_path)
