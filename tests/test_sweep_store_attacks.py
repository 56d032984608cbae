# ruff: noqa: F811 - the fixtures imported from sweep_store_helpers are parameters of the tests
"""Attacks on a sweep store, each ending in one line (exit code 2 on the command line, no traceback) or a recovery.

A model edited in a folder the fingerprint walks; a recorded chunk deleted; a planted ``DIR/.lock``
(a symbolic link to a file, to /dev/null or dangling, a FIFO, a directory, a hard link); store folders
that are links or files; a full disk while writing a chunk or the manifest (manifest edits:
tests/test_sweep_manifest.py). Tiny sweeps (tests/sweep_store_helpers.py) keep the file fast.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mentorsim as ms
import mentorsim.sweeps.store as store_module
from mentorsim.sweeps.integrity import MODEL_FOLDERS, StoreError, model_files, model_fingerprint
from sweep_store_helpers import chunks, cli_line, copy, one_line, ref, spec, summary_csv  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "mentorsim"
BIN = str(Path(sys.executable).with_name("mentorsim"))


# ---- the model fingerprint walks the folders ------------------------------------------------------


def test_the_fingerprint_covers_every_module_of_the_model_folders_and_a_missing_folder_is_an_error(tmp_path):
    files = set(model_files())
    for name in MODEL_FOLDERS:
        for f in (PKG / name).rglob("*.py"):
            assert f.resolve() in {g.resolve() for g in files}, f
    assert PKG / "schema" / "mechanics" / "careers.py" in files and PKG / "schema" / "world.py" in files
    (tmp_path / "schema").mkdir()
    with pytest.raises(StoreError, match="engine is missing"):
        model_files(tmp_path)


def test_resume_on_a_copy_of_the_package_with_an_edited_model_file_is_refused(spec, copy, tmp_path):
    """The package copied to a temporary folder and run from there (PYTHONPATH): unchanged it resumes, and
    after an edit of schema/world.py or of schema/mechanics/ it refuses in one line."""
    src = tmp_path / "src"
    shutil.copytree(PKG, src / "mentorsim", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(src)}

    def resume() -> subprocess.CompletedProcess:
        args = [BIN, "sweep", str(spec), "--out", str(copy), "--resume", "--no-progress"]
        return subprocess.run(args, capture_output=True, text=True, timeout=120, env=env)

    r = resume()
    assert r.returncode == 0, r.stderr
    assert "ran 0 points" in r.stdout
    for name in ("schema/world.py", "schema/mechanics/careers.py"):
        f = src / "mentorsim" / name
        good = f.read_text()
        f.write_text(good + "\n# an edit that changes no behaviour still changes the model's fingerprint\n")
        r = resume()
        assert r.returncode == 2, r.stdout
        line = one_line(r.stderr)
        assert f"{copy}: made by a different model" in line and model_fingerprint()[:12] in line, line
        assert "another output directory" in line
        f.write_text(good)


# ---- a recorded chunk whose file is missing ---------------------------------------------------------


def test_a_recorded_chunk_that_is_missing_is_refused_on_load_and_resume_recomputes_it(spec, ref, copy, capsys):
    gone = chunks(copy)[1]
    gone.unlink()
    with pytest.raises(StoreError) as e:
        ms.load_sweep(copy).summary()
    line = one_line(str(e.value))
    assert f"chunk chunks/{gone.name} is recorded in the manifest but its file is missing" in line
    assert "1 points would be silently left out" in line and "--resume" in line and str(copy) in line
    line = cli_line(capsys, "sensitivity", str(copy), "--metric", "retention_12m")
    assert "missing" in line
    res = ms.sweep(spec, store=copy, resume=True, progress=False)
    assert res.run_info["points_run"] == 1
    assert summary_csv(copy) == summary_csv(ref)


def test_a_chunk_killed_between_its_record_and_its_rename_is_not_done_yet(spec, ref, copy):
    """The writer records a chunk, then renames its temporary file into place: in between (or killed
    there), the chunk is on its way, not missing; resume removes the temporary file and runs its points."""
    f = chunks(copy)[2]
    f.rename(f.with_name(f".{f.name}.0123abcd.tmp"))
    res = ms.load_sweep(copy)
    assert res.frame["point"].nunique() == 3 and not res.complete
    res = ms.sweep(spec, store=copy, resume=True, progress=False)
    assert res.run_info["points_run"] == 1 and not list((copy / "chunks").glob(".*.tmp"))
    assert summary_csv(copy) == summary_csv(ref)


# ---- a planted lock, folders that are not folders ----------------------------------------------------


def plant(kind: str, lock: Path, outside: Path) -> None:
    if kind == "symlink to a file":
        os.symlink(outside, lock)
    elif kind == "symlink to /dev/null":
        os.symlink("/dev/null", lock)
    elif kind == "dangling symlink":
        os.symlink(outside.with_name("not-there.txt"), lock)
    elif kind == "fifo":
        os.mkfifo(lock)
    elif kind == "directory":
        lock.mkdir()
    elif kind == "hard link":
        os.link(outside, lock)


KINDS = ["symlink to a file", "symlink to /dev/null", "dangling symlink", "fifo", "directory", "hard link"]
WORDS = {
    "symlink to a file": "a symbolic link",
    "symlink to /dev/null": "a symbolic link",
    "dangling symlink": "a symbolic link",
    "fifo": "a named pipe (FIFO)",
    "directory": "a directory",
    "hard link": "a file with 2 hard links",
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_planted_lock_is_refused_in_one_line_before_anything_is_written(spec, tmp_path, capsys, kind):
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    plant(kind, out / ".lock", outside)
    line = cli_line(capsys, "sweep", str(spec), "--out", str(out), "--no-progress")
    assert f"{out / '.lock'}: is {WORDS[kind]}" in line and "remove it or move it away" in line, line
    assert sorted(p.name for p in out.iterdir()) == [".lock"]  # nothing written
    assert outside.read_text() == "keep me" and not outside.with_name("not-there.txt").exists()


def test_the_cli_never_writes_through_a_planted_lock_symlink(spec, tmp_path):
    """From outside, as the acceptance check probes it: the target of a planted DIR/.lock keeps its bytes."""
    out = tmp_path / "planted"
    out.mkdir()
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    os.symlink(target, out / ".lock")
    r = subprocess.run(
        [BIN, "sweep", str(spec), "--out", str(out), "--no-progress"], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 2 and "a symbolic link" in one_line(r.stderr)
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("kind", ["symlink to a file", "fifo"])
def test_a_planted_lock_on_an_existing_store_is_refused_and_the_store_is_untouched(spec, copy, tmp_path, kind):
    (copy / ".lock").unlink()
    before = (copy / "manifest.json").read_bytes()
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    plant(kind, copy / ".lock", outside)
    with pytest.raises(StoreError, match="not the store's lock file"):
        ms.sweep(spec, store=copy, resume=True, progress=False)
    assert (copy / "manifest.json").read_bytes() == before and outside.read_text() == "keep me"


@pytest.mark.parametrize(
    "name, make",
    [
        ("chunks", "symlink"),
        ("chunks", "file"),
        ("damaged", "symlink"),
        ("damaged", "file"),
        ("summary.csv", "symlink"),
    ],
)
def test_store_folders_and_files_that_are_not_what_they_claim_are_refused(spec, copy, tmp_path, capsys, name, make):
    path = copy / name
    elsewhere = tmp_path / "elsewhere"
    if name == "chunks":
        shutil.move(path, elsewhere)
    else:
        shutil.rmtree(path, ignore_errors=True)
        path.unlink(missing_ok=True)
        elsewhere.mkdir() if name == "damaged" else elsewhere.write_text("precious")
    if make == "symlink":
        os.symlink(elsewhere, path)
    else:
        path.write_text("not a folder")
    before = (copy / "manifest.json").read_bytes()
    line = cli_line(capsys, "sweep", str(spec), "--out", str(copy), "--repair", "--no-progress")
    assert f"{path}: is a" in line and ("not the store's" in line), line
    assert (copy / "manifest.json").read_bytes() == before
    if name == "chunks":
        with pytest.raises(StoreError, match=f"{path}: is a"):
            ms.load_sweep(copy)
    if name == "summary.csv":
        assert elsewhere.read_text() == "precious"


@pytest.mark.parametrize("kind", ["symlink", "fifo", "directory"])
def test_a_recorded_chunk_that_is_a_link_a_pipe_or_a_folder_is_damaged_never_read(spec, ref, copy, kind):
    f = chunks(copy)[0]
    f.unlink()
    if kind == "symlink":
        os.symlink(chunks(ref)[0], f)  # even to the very same bytes
    elif kind == "fifo":
        os.mkfifo(f)
    else:
        f.mkdir()
    with pytest.raises(StoreError) as e:
        ms.load_sweep(copy)
    line = one_line(str(e.value))
    assert f"damaged chunk chunks/{f.name} ({WORDS.get(kind, 'a ' + kind)}" in line or "not a chunk file" in line
    res = ms.sweep(spec, store=copy, resume=True, progress=False)
    assert res.run_info["points_run"] == 1 and os.path.lexists(copy / "damaged" / f.name)
    assert summary_csv(copy) == summary_csv(ref)


# ---- a full disk ---------------------------------------------------------------------------------


def enospc(path: object) -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def test_a_full_disk_while_writing_a_chunk_keeps_the_finished_ones_and_says_how_to_resume(
    spec, ref, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "out"
    calls = {"n": 0}
    real_open = open

    def full_on_third_chunk(path, mode="r", *a, **k):
        if str(path).endswith(".tmp") and "part-" in str(path):
            calls["n"] += 1
            if calls["n"] == 3:
                raise enospc(path)
        return real_open(path, mode, *a, **k)

    monkeypatch.setattr(store_module, "open", full_on_third_chunk, raising=False)
    line = cli_line(capsys, "sweep", str(spec), "--out", str(out), "--chunk-size", "1", "--no-progress")
    assert f"{out}: the disk is full while writing chunks/part-" in line
    assert "the 2 finished chunks (2 points) are kept" in line
    assert f"run 'mentorsim sweep SPEC --out {out} --resume'" in line
    monkeypatch.undo()
    assert len(chunks(out)) == 2 and not list((out / "chunks").glob(".*"))  # no half-written chunk left
    assert ms.load_sweep(out).frame["point"].nunique() == 2  # what is kept reads cleanly
    assert ms.sweep(spec, store=out, resume=True, progress=False).run_info["points_run"] == 2
    assert summary_csv(out) == summary_csv(ref)


def test_a_full_disk_while_writing_the_manifest_keeps_the_finished_chunks(spec, ref, tmp_path, monkeypatch):
    out = tmp_path / "out"
    calls = {"n": 0}
    real = store_module._atomic_write

    def full_on_fourth_manifest(path, write):
        calls["n"] += 1  # the first write creates the store, then one a chunk
        if calls["n"] == 4:
            raise enospc(path)
        return real(path, write)

    monkeypatch.setattr(store_module, "_atomic_write", full_on_fourth_manifest)
    with pytest.raises(StoreError) as e:
        ms.sweep(spec, store=out, chunk_size=1, progress=False)
    line = one_line(str(e.value))
    assert "the disk is full while writing manifest.json; the 2 finished chunks (2 points) are kept" in line
    assert "--resume" in line
    monkeypatch.undo()
    assert len(chunks(out)) == 2 and not list((out / "chunks").glob(".*"))
    ms.load_sweep(out).summary()
    assert ms.sweep(spec, store=out, resume=True, progress=False).run_info["points_run"] == 2
    assert summary_csv(out) == summary_csv(ref)
