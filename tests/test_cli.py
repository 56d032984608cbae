"""The `mentorsim` command line, run through the venv's console script."""

from __future__ import annotations

import json
import subprocess

import pandas as pd
import pytest
import yaml

import mentorsim as ms
from conftest import REQUIRED_SUMMARY, SCENARIOS, mentorsim_bin
from mentorsim.commands.cli import build_parser

CORE = ("run", "compare", "validate", "schema", "order")


def cli(*args: str, cwd=None, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([mentorsim_bin(), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout)


def lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip()]


@pytest.fixture(scope="module")
def small_files(tmp_path_factory):
    """Small copies of the shipped baseline and one-on-one scenarios (fast CLI runs)."""
    d = tmp_path_factory.mktemp("sc")
    out = {}
    for name in ("baseline", "one_on_one", "peer"):
        sc = ms.load_scenario(SCENARIOS / f"{name}.yaml").with_overrides({"workforce.size": 150, "horizon_weeks": 30})
        sc.dump(d / f"{name}.yaml")
        out[name] = d / f"{name}.yaml"
    return out


@pytest.fixture(scope="module")
def bad_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("bad") / "typo.yaml"
    doc = yaml.safe_load((SCENARIOS / "one_on_one.yaml").read_text())
    doc["program"]["cadance"] = "weekly"
    p.write_text(yaml.safe_dump(doc))
    return p


def test_console_script_exists():
    r = cli("--version")
    assert r.returncode == 0 and ms.__version__ in r.stdout


def test_no_command_prints_help():
    r = cli()
    assert r.returncode == 0
    for c in CORE:
        assert c in r.stdout


@pytest.mark.parametrize("command", CORE)
def test_help_of_core_commands_has_an_example(command):
    r = cli(command, "--help")
    assert r.returncode == 0 and r.stderr == ""
    assert "example" in r.stdout.lower()
    assert "mentorsim " + command in r.stdout


def test_help_of_every_registered_command_has_an_example():
    """Commands added as plugins (mentorsim.commands) must explain themselves with an example too."""
    ap = build_parser()
    sub = next(a for a in ap._actions if a.__class__.__name__ == "_SubParsersAction")
    assert set(CORE) <= set(sub.choices)
    missing = [name for name, p in sub.choices.items() if "example" not in p.format_help().lower()]
    assert not missing, f"--help without an example: {missing}"


def test_run_prints_a_summary_table(small_files):
    r = cli("run", small_files["one_on_one"], "-r", 2, "--seed", 3)
    assert r.returncode == 0, r.stderr
    for m in ("retention_12m", "participation_rate", "program_cost"):
        assert m in r.stdout
    assert "95%" in r.stdout
    assert "Traceback" not in r.stderr


def test_run_out_writes_the_files(small_files, tmp_path):
    out = tmp_path / "out"
    r = cli("run", small_files["one_on_one"], "--replications", 2, "--seed", 7, "--out", out)
    assert r.returncode == 0, r.stderr
    for f in ("people.parquet", "timeseries.parquet", "summary.csv", "scenario.yaml", "meta.json"):
        assert (out / f).is_file(), f
    meta = json.loads((out / "meta.json").read_text())
    assert meta["seed"] == 7 and meta["replications"] == 2 and meta["version"] == ms.__version__
    assert meta["scenario"] == "one_on_one"
    assert ms.load_scenario(out / "scenario.yaml") == ms.load_scenario(small_files["one_on_one"])
    summary = pd.read_csv(out / "summary.csv", index_col=0)
    assert set(REQUIRED_SUMMARY) <= set(summary.index)
    people = pd.read_parquet(out / "people.parquet")
    assert sorted(people.replication.unique()) == [0, 1]


def test_run_output_matches_the_api(small_files, tmp_path):
    cli("run", small_files["one_on_one"], "-r", 2, "-s", 4, "-o", tmp_path)
    api = ms.simulate(ms.load_scenario(small_files["one_on_one"]), replications=2, seed=4)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "people.parquet"), api.people, check_dtype=False)


def test_compare_prints_the_paired_table_and_csv(small_files, tmp_path):
    csv = tmp_path / "t.csv"
    r = cli("compare", small_files["baseline"], small_files["one_on_one"], small_files["peer"], "-r", 2, "--csv", csv)
    assert r.returncode == 0, r.stderr
    assert "one_on_one" in r.stdout and "peer" in r.stdout
    t = pd.read_csv(csv)
    assert list(t.columns) == ["scenario", "metric", "diff_mean", "ci_low", "ci_high", "p_better"]
    assert t.p_better.between(0, 1).all()


def test_validate_good_files():
    r = cli("validate", *sorted(SCENARIOS.glob("*.yaml")))
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert len(lines(r.stdout)) == len(list(SCENARIOS.glob("*.yaml")))


def test_schema_is_json_schema():
    r = cli("schema")
    assert r.returncode == 0
    schema = json.loads(r.stdout)
    assert "properties" in schema and "program" in schema["properties"]
    assert schema == json.loads(json.dumps(ms.Scenario.model_json_schema()))


def test_order_prints_the_engine_docstring():
    from mentorsim import engine

    r = cli("order")
    assert r.returncode == 0
    for step in ("intake", "matching", "meetings", "seasons", "promotions", "record"):
        assert step in r.stdout
    out = r.stdout
    assert out.startswith("Order of operations")
    for step in ("intake", "matching", "meetings", "seasons", "recognition", "promotions", "quit/hire", "record"):
        assert step in out and step in engine.__doc__
    assert "``" not in out  # printed for people, without reStructuredText marks


# ---- bad input: exit 2, one line on stderr, no traceback ---------------------------------------


def _bad(tmp_path, name, text):
    p = tmp_path / f"{name}.yaml"
    p.write_text(text)
    return p


BAD_FILES = {
    "typo": ("program:\n  cadance: weekly\n", "cadence"),
    "negsize": ("workforce:\n  size: -5\n", "workforce.size"),
    "huge": ("workforce:\n  size: 1000000000000\n", "workforce.size"),
    "nan": ("workforce:\n  size: .nan\n", "workforce.size"),
    "probability": ("program:\n  participation_target: 1.5\n", "program.participation_target"),
    "zerohorizon": ("horizon_weeks: 0\n", "horizon_weeks"),
    "wrongtype": ("horizon_weeks: three years\n", "horizon_weeks"),
    "badformat": ("program:\n  format: telepathy\n", "program.format"),
    "badcadence": ("program:\n  cadence: hourly\n", "program.cadence"),
    "broken": ("name: [unclosed\n  program: {format: one_on_one\n", "YAML"),
    "list": ("- 1\n- 2\n", "mapping"),
}


def test_validate_gives_one_line_per_bad_file(tmp_path):
    """Every kind of bad scenario file: exit 2, one stderr line naming the file and the field, no traceback."""
    files = {case: _bad(tmp_path, case, text) for case, (text, _) in BAD_FILES.items()}
    r = cli("validate", *files.values())
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    err = lines(r.stderr)
    assert len(err) == len(files), r.stderr
    for (case, p), line in zip(files.items(), err):
        assert str(p) in line and BAD_FILES[case][1] in line, (case, line)
    assert r.stdout == ""


@pytest.mark.parametrize("case", ["typo", "nan", "broken"])
def test_run_on_a_bad_file_is_one_line(tmp_path, case):
    text, needle = BAD_FILES[case]
    p = _bad(tmp_path, case, text)
    r = cli("run", p, "-r", "1")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    err = lines(r.stderr)
    assert len(err) == 1, r.stderr
    assert str(p) in err[0] and needle in err[0]


def test_missing_file_is_one_line(tmp_path):
    for args in (
        ("validate", tmp_path / "nope.yaml"),
        ("run", tmp_path / "nope.yaml"),
        ("compare", SCENARIOS / "baseline.yaml", tmp_path / "nope.yaml"),
    ):
        r = cli(*args)
        assert r.returncode == 2 and "Traceback" not in r.stderr
        assert len(lines(r.stderr)) == 1 and "nope.yaml" in r.stderr


def test_unsafe_yaml_is_not_executed(tmp_path):
    pwned = tmp_path / "pwned"
    p = _bad(tmp_path, "evil", f"!!python/object/apply:os.system ['touch {pwned}']\n")
    r = cli("validate", p)
    assert r.returncode == 2 and len(lines(r.stderr)) == 1 and "Traceback" not in r.stderr
    assert not pwned.exists()


def test_validate_reports_each_bad_file_and_passes_good_ones(tmp_path):
    bad1 = _bad(tmp_path, "a", "horizon_weeks: 0\n")
    bad2 = _bad(tmp_path, "b", "workforce:\n  size: -1\n")
    r = cli("validate", bad1, SCENARIOS / "baseline.yaml", bad2)
    assert r.returncode == 2
    err = lines(r.stderr)
    assert len(err) == 2 and "a.yaml" in err[0] and "b.yaml" in err[1]
    assert "baseline" in r.stdout


def test_compare_with_a_bad_file(small_files, bad_file):
    r = cli("compare", small_files["baseline"], bad_file, "-r", 1)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert len(lines(r.stderr)) == 1 and "program.cadance" in r.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("run", SCENARIOS / "baseline.yaml", "--replications", "0"),
        ("run", SCENARIOS / "baseline.yaml", "--seed", "-1"),
        ("compare", SCENARIOS / "baseline.yaml"),
        ("telepathy",),
    ],
    ids=lambda a: " ".join(map(str, a[:1] + a[2:])),
)
def test_bad_arguments_exit_2_without_traceback(args):
    r = cli(*args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    err = lines(r.stderr)
    assert err and "error" in err[-1], r.stderr
    assert r.stdout == ""
