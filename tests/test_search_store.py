"""Attacks on the design search's store (``DIR/search.db``), each ending in one line or a recovery.

A store made by another model, re-reported or resumed; two searches on one storage; a planted lock; flipped
bytes, a truncated or foreign SQLite file, another Optuna application's storage; a full disk mid-search;
and a finished search extended with more trials (the first trials unchanged, only the new ones run).
Tiny searches (200 people, 60 weeks, two replications, batches of four) keep the file fast.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

import mentorsim as ms
import mentorsim.design.storage as storage_module
from mentorsim.commands.cli import main
from mentorsim.design.spec import load_spec
from mentorsim.design.storage import STUDY, search_lock
from mentorsim.errors import MentorsimError
from mentorsim.sweeps.integrity import model_fingerprint

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "mentorsim"
BIN = str(Path(sys.executable).with_name("mentorsim"))
SPEC = {
    "base": str(ROOT / "scenarios" / "one_on_one.yaml"),
    "overrides": {"workforce.size": 200, "horizon_weeks": 60},
    "levers": {
        "program.format": ["one_on_one", "peer", "circle"],
        "program.cadence": ["weekly", "monthly"],
        "program.participation_target": {"low": 0.05, "high": 0.5},
    },
    "objectives": {"retention_12m": "max", "program_cost": "min"},
    "budget": {"program_cost": 60_000},
    "trials": 8,
    "replications": 2,
    "batch": 4,
    "seed": 5,
}


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "search.yaml"
    path.write_text(yaml.safe_dump(SPEC, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def kw(spec_file) -> dict:
    return {**load_spec(spec_file), "progress": False}


def search(kw: dict, db: Path | None = None, **more):
    return ms.optimize(**{**kw, **more}, storage=None if db is None else str(db))


@pytest.fixture(scope="module")
def reference(kw) -> pd.DataFrame:
    """The trials of an uninterrupted search without a storage."""
    return search(kw).trials()


@pytest.fixture(scope="module")
def finished(kw, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("finished") / "search.db"
    search(kw, db)
    return db


@pytest.fixture
def db(finished, tmp_path) -> Path:
    out = tmp_path / "out" / "search.db"
    out.parent.mkdir()
    shutil.copy(finished, out)
    return out


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def cli_line(capsys, *argv: str) -> str:
    capsys.readouterr()
    code = main([*argv])
    err = capsys.readouterr().err
    assert code == 2, err
    return one_line(err)


def refused(kw: dict, db: Path, **more) -> str:
    with pytest.raises(MentorsimError) as e:
        search(kw, db, **more)
    return one_line(str(e.value))


# ---- the model that made it ------------------------------------------------------------------------


def test_the_store_records_the_model_and_another_model_is_refused_on_resume_and_on_report(kw, db, monkeypatch):
    with sqlite3.connect(db) as c:
        attrs = dict(c.execute("select key, value_json from study_user_attributes").fetchall())
    assert attrs["model_fingerprint"] == f'"{model_fingerprint()}"'
    monkeypatch.setattr(storage_module, "model_fingerprint", lambda: "0123456789ab" + "0" * 52)
    for trials in (8, 12):  # the finished search re-reported; extended with more trials
        line = refused(kw, db, trials=trials)
        assert f"{db}: made by a different model (fingerprint {model_fingerprint()[:12]}" in line
        assert "this code is 0123456789ab" in line and "another output directory" in line


def test_a_store_that_recorded_no_model_is_refused(kw, db):
    with sqlite3.connect(db) as c:
        c.execute("delete from study_user_attributes where key in ('model_fingerprint', 'format', 'sha256')")
    assert "recorded no model fingerprint" in refused(kw, db)


def test_the_cli_on_a_copy_of_the_package_with_an_edited_model_refuses_the_store(spec_file, db, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(PKG, src / "mentorsim", ignore=shutil.ignore_patterns("__pycache__"))
    f = src / "mentorsim" / "schema" / "world.py"
    f.write_text(f.read_text() + "\n# an edit\n")
    r = subprocess.run(
        [BIN, "optimize", str(spec_file), "--out", str(db.parent), "--no-progress"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(src)},
    )
    assert r.returncode == 2, r.stdout
    assert f"{db}: made by a different model" in one_line(r.stderr)


# ---- one writer ------------------------------------------------------------------------------------


def test_a_second_search_on_the_same_storage_is_refused_naming_the_holder(spec_file, kw, db, capsys):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from mentorsim.design.storage import search_lock; "
            "search_lock(Path(sys.argv[1])).acquire(); print('held', flush=True); sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        line = cli_line(capsys, "optimize", str(spec_file), "--out", str(db.parent), "--no-progress")
        assert f"{db}: the design search is locked by another search (pid {holder.pid}" in line
        assert "wait for it to finish" in line
        assert "locked by another search" in refused(kw, db)
    finally:
        holder.kill()
        holder.wait()
    assert search(kw, db).resumed == 8  # a dead holder does not block


def test_a_planted_lock_symlink_is_refused_and_its_target_kept(kw, db, tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    os.symlink(target, search_lock(db).path)
    assert "is a symbolic link, not the store's lock file" in refused(kw, db)
    assert target.read_text() == "keep me"


# ---- damage and foreign files -------------------------------------------------------------------


def test_flipped_bytes_anywhere_are_named_as_damage_or_change_nothing(kw, db, reference):
    """A byte flipped at 40 places over the file: each search either refuses in one line that the database
    is damaged (and what to do), or gives exactly the trials of the intact store."""
    good = db.read_bytes()
    outcomes = {"refused": 0, "same": 0}
    for off in range(0, len(good), max(1, len(good) // 40)):
        b = bytearray(good)
        b[off] ^= 0x10
        db.write_bytes(bytes(b))
        try:
            got = search(kw, db).trials()
        except MentorsimError as e:
            line = one_line(str(e))
            assert f"{db}: the design-search database is damaged" in line and "move it aside" in line, (off, line)
            outcomes["refused"] += 1
        else:
            pd.testing.assert_frame_equal(got, reference, obj=f"trials after a flip at byte {off}")
            outcomes["same"] += 1
    assert outcomes["refused"] >= 3, outcomes


def test_a_trial_edited_in_the_database_is_named(kw, db):
    with sqlite3.connect(db) as c:
        (tid,) = c.execute("select trial_id from trials where number = 2").fetchone()
        c.execute(
            "update trial_user_attributes set value_json = replace(value_json, '0.', '0.9') "
            "where trial_id = ? and key = 'metrics'",
            (tid,),
        )
    line = refused(kw, db)
    assert "trial 2's record does not match its checksum" in line and "move it aside" in line


@pytest.mark.parametrize("how", ["header", "truncated", "text"])
def test_a_file_that_is_not_a_sound_sqlite_database_is_damage(spec_file, db, capsys, how):
    data = db.read_bytes()
    if how == "header":
        db.write_bytes(b"\0" * 16 + data[16:])
    elif how == "truncated":
        db.write_bytes(data[: len(data) // 2])
    else:
        db.write_text("these are my notes, not a database\n" * 100)
    line = cli_line(capsys, "optimize", str(spec_file), "--out", str(db.parent), "--no-progress")
    assert f"{db}: the design-search database is damaged" in line and f"{db}.damaged" in line


def test_a_foreign_sqlite_database_is_refused_and_left_untouched(spec_file, tmp_path, capsys):
    db = tmp_path / "out" / "search.db"
    db.parent.mkdir()
    with sqlite3.connect(db) as c:
        c.execute("create table customers (id integer primary key, name text)")
        c.execute("insert into customers (name) values ('Ada')")
    before = db.read_bytes()
    line = cli_line(capsys, "optimize", str(spec_file), "--out", str(db.parent), "--no-progress")
    assert f"{db}: an SQLite database of another application (tables customers)" in line
    assert db.read_bytes() == before


def test_an_optuna_storage_of_other_studies_is_refused_and_left_untouched(kw, tmp_path):
    import optuna

    db = tmp_path / "theirs.db"
    optuna.create_study(storage=f"sqlite:///{db}", study_name="their-study")
    before = db.read_bytes()
    line = refused(kw, db)
    assert "an Optuna storage of other studies (their-study)" in line and STUDY not in line
    assert db.read_bytes() == before


@pytest.mark.parametrize("kind", ["symlink", "fifo", "directory"])
def test_a_database_that_is_a_link_a_pipe_or_a_folder_is_refused(kw, db, tmp_path, kind):
    shutil.move(db, tmp_path / "real.db")
    if kind == "symlink":
        os.symlink(tmp_path / "real.db", db)
    elif kind == "fifo":
        os.mkfifo(db)
    else:
        db.mkdir()
    assert "not the store's design-search database" in refused(kw, db)


# ---- a full disk ---------------------------------------------------------------------------------


def full_disk_on(call: int, monkeypatch, plain_oserror: bool = False) -> None:
    """The storage's third (say) trial write fails as SQLite fails on a full disk (through SQLAlchemy and Optuna)."""
    import optuna
    import sqlalchemy.exc

    real = optuna.storages.RDBStorage._create_new_trial  # what Optuna's cache in front of it calls
    calls = {"n": 0}

    def create_new_trial(self, study_id, template_trial=None):
        calls["n"] += 1
        if calls["n"] == call:
            if plain_oserror:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            try:
                raise sqlalchemy.exc.OperationalError(
                    "INSERT INTO trials", {}, sqlite3.OperationalError("database or disk is full")
                )
            except sqlalchemy.exc.OperationalError as e:
                raise optuna.exceptions.StorageInternalError("An exception is raised during the commit.") from e
        return real(self, study_id, template_trial)

    monkeypatch.setattr(optuna.storages.RDBStorage, "_create_new_trial", create_new_trial)


def test_a_full_disk_mid_search_says_where_the_finished_trials_are_and_resume_finishes(
    kw, tmp_path, reference, monkeypatch
):
    db = tmp_path / "search.db"
    full_disk_on(3, monkeypatch)
    line = refused(kw, db)
    assert f"{db}: the disk is full while writing trial" in line
    assert f"the 2 finished trials are kept in {db}" in line and "run the same search again" in line
    monkeypatch.undo()
    res = search(kw, db)
    assert res.resumed == 2
    pd.testing.assert_frame_equal(res.trials(), reference)


def test_a_full_disk_on_the_command_line_is_one_line(spec_file, tmp_path, monkeypatch, capsys):
    full_disk_on(2, monkeypatch, plain_oserror=True)
    out = tmp_path / "out"
    line = cli_line(capsys, "optimize", str(spec_file), "--out", str(out), "--no-progress")
    assert (
        "the disk is full while writing trial" in line
        and f"the 1 finished trial is kept in {out / 'search.db'}" in line
    )


# ---- more trials for a finished search -------------------------------------------------------------


def test_a_finished_search_extended_with_more_trials_runs_only_the_new_ones(kw, tmp_path, reference):
    db = tmp_path / "search.db"
    six = search(kw, db, trials=6).trials()
    pd.testing.assert_frame_equal(six, reference.head(6))  # a batch cut short gives its first trials
    more = search(kw, db, trials=12)
    assert more.resumed == 6
    t = more.trials()
    pd.testing.assert_frame_equal(t.head(6), six)
    pd.testing.assert_frame_equal(t, search(kw, trials=12).trials())  # as if it had asked for 12 at once
    with sqlite3.connect(db) as c:
        assert c.execute("select count(*) from trials").fetchone()[0] == 12  # nothing ran twice
    assert search(kw, db, trials=4).resumed == 4  # fewer: the first four, nothing run
    assert "another spec" in refused(kw, db, seed=6)


def test_a_full_disk_while_writing_the_results_is_one_line_and_keeps_the_trials(spec_file, db, monkeypatch, capsys):
    def full(self, path, *a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    line = cli_line(capsys, "optimize", str(spec_file), "--out", str(db.parent), "--no-progress")
    assert f"{db.parent}: cannot write the results (the disk is full); the search's trials are kept in {db}" in line
