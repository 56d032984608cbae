"""Output paths are checked before any work; a write that still fails keeps what was computed."""

from __future__ import annotations

import errno
import subprocess
import time

import pytest

import mentorsim as ms
from conftest import SCENARIOS, mentorsim_bin
from mentorsim.commands import cli as cli_module
from mentorsim.run.paths import CSV, HTML, PLOT, output_dir, output_file, write_or_fallback


def cli(*args, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run([mentorsim_bin(), *map(str, args)], capture_output=True, text=True, timeout=timeout)


def refused(*args) -> str:
    t = time.monotonic()
    p = cli(*args)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and not p.stdout.strip()  # nothing was simulated or printed
    shown = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(shown) == 1, shown
    assert time.monotonic() - t < 20
    return shown[0]


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    f = tmp_path_factory.mktemp("big") / "big.yaml"
    f.write_text("name: big\nworkforce:\n  size: 20000\nprogram:\n  format: one_on_one\n")
    return f


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    d = tmp_path_factory.mktemp("small")
    for name in ("baseline", "one_on_one"):
        ms.load_scenario(SCENARIOS / f"{name}.yaml").with_overrides({"workforce.size": 100, "horizon_weeks": 20}).dump(
            d / f"{name}.yaml"
        )
    return d


def test_run_out_an_existing_file_is_refused_before_simulating(big, tmp_path):
    afile = tmp_path / "afile"
    afile.touch()
    t = time.monotonic()
    assert "is a file; --out takes a directory" in refused("run", big, "-r", 20, "--out", afile)
    assert time.monotonic() - t < 4
    assert "is a file" in refused("run", big, "--out", afile / "below")


def test_every_output_option_is_checked_before_work(big, tmp_path):
    afile = tmp_path / "afile"
    afile.touch()
    sc = str(big)
    assert "is a directory" in refused("report", sc, sc, "-o", tmp_path)
    assert ".html" in refused("report", sc, sc, "-o", tmp_path / "r.txt")
    assert "does not exist" in refused("report", sc, sc, "-o", tmp_path / "no" / "r.html")
    assert ".csv" in refused("compare", sc, sc, "--csv", tmp_path / "t.txt")
    assert "is a file, not a directory" in refused("compare", sc, sc, "--csv", afile / "t.csv")
    assert "is a directory" in refused("compare", sc, sc, "--csv", tmp_path)
    assert ".png or .svg or .pdf" in refused(
        "sensitivity", tmp_path, "-m", "retention_36m", "--plot", tmp_path / "p.gif"
    )
    assert ".csv" in refused("sensitivity", tmp_path, "-m", "retention_36m", "--csv", tmp_path / "p.xlsx")
    assert "takes a directory" in refused("sweep", SCENARIOS / "sweeps" / "example.yaml", "--out", afile)
    assert ".yaml" in refused("calibrate", "calibration/evidence.yaml", "--out", tmp_path / "cal.txt")
    assert "is a directory" in refused("calibrate", "calibration/evidence.yaml", "--out", tmp_path)


def test_the_shared_checks(tmp_path):
    (tmp_path / "f.csv").touch()
    assert output_file(tmp_path / "f.csv", "--csv", CSV) == tmp_path / "f.csv"  # an existing file is overwritten
    assert output_file(tmp_path / "F.PNG", "--plot", PLOT)
    output_file(tmp_path / "a" / "b" / "r.html", "--out", HTML, create_dirs=True)
    with pytest.raises(ms.MentorsimError, match="give a file name"):
        output_file(f"{tmp_path}/", "--out", HTML)
    assert output_dir(tmp_path / "new" / "dir", "--out") == tmp_path / "new" / "dir"
    assert not (tmp_path / "new").exists()  # checking creates nothing
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".mentorsim-probe")]


def test_a_read_only_directory_is_refused_even_as_root(tmp_path, monkeypatch):
    import tempfile

    def no_space(*a, **k):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", no_space)
    with pytest.raises(ms.MentorsimError, match="cannot write in .*Read-only file system"):
        output_dir(tmp_path / "out", "--out")


def _full_disk_once(monkeypatch, cls, name):
    real = getattr(cls, name)
    calls = []

    def fails_first(self, path, *a, **k):
        calls.append(path)
        if len(calls) == 1:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(self, path, *a, **k)

    monkeypatch.setattr(cls, name, fails_first)
    return calls


def test_a_full_disk_keeps_the_results_of_run(small, tmp_path, monkeypatch, capsys):
    calls = _full_disk_once(monkeypatch, ms.Results, "to_dir")
    code = cli_module.main(["run", str(small / "one_on_one.yaml"), "-r", "2", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "No space left on device" in err[0] and "instead" in err[0]
    fallback = calls[1]
    assert (fallback / "people.parquet").exists() and str(fallback) in err[0]


def test_a_full_disk_keeps_the_table_of_compare(small, tmp_path, monkeypatch, capsys):
    import pandas as pd

    calls = _full_disk_once(monkeypatch, pd.DataFrame, "to_csv")
    code = cli_module.main(
        [
            "compare",
            str(small / "baseline.yaml"),
            str(small / "one_on_one.yaml"),
            "-r",
            "2",
            "--csv",
            str(tmp_path / "t.csv"),
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "No space left" in err[0]
    assert pd.read_csv(calls[1]).shape[0] > 0


def test_when_the_fallback_fails_too_both_are_said(tmp_path):
    def never(p):
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(ms.MentorsimError, match="No space left on device.*nor a copy"):
        write_or_fallback(never, tmp_path / "x.csv", "--csv")
