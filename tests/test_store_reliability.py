"""The sweep store loses nothing and duplicates nothing: one writer, a model fingerprint, checksummed chunks.

Each test reproduces a defect an adversarial review found and asserts the refusal or the
recovery: two writers on one store, a copied chunk, a store made by another model, a
truncated, empty, bit-flipped or wrong-schema chunk, and workers outliving a killed sweep.
Tiny sweeps (100 people, a year, four points) keep the file fast.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

import mentorsim as ms
from mentorsim.sweeps.integrity import StoreError, StoreLock, model_fingerprint
from mentorsim.sweeps.store import Store

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "one_on_one.yaml"
BIN = str(Path(sys.executable).with_name("mentorsim"))


def write_spec(path: Path, **fields) -> Path:
    doc = {
        "name": "rel",
        "base": str(BASE),
        "overrides": {"workforce.size": 100, "horizon_weeks": 52},
        "sampler": "grid",
        "parameters": {"program.format": ["one_on_one", "peer"], "program.cadence": ["weekly", "biweekly"]},
        "replications": 2,
        "seed": 5,
        "metrics": ["retention_12m", "program_cost"],
    }
    doc.update(fields)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)


def summary_csv(path: Path) -> str:
    return ms.load_sweep(path).summary().to_csv(index=False)


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def manifest(path: Path) -> dict:
    return json.loads((path / "manifest.json").read_text())


def save_manifest(path: Path, m: dict) -> None:
    (path / "manifest.json").write_text(json.dumps(m))


@pytest.fixture(scope="module")
def spec(tmp_path_factory) -> Path:
    return write_spec(tmp_path_factory.mktemp("spec") / "rel.yaml")


@pytest.fixture(scope="module")
def ref(spec, tmp_path_factory) -> Path:
    """An uninterrupted run, one point per chunk."""
    out = tmp_path_factory.mktemp("ref") / "store"
    ms.sweep(spec, store=out, chunk_size=1, progress=False)
    return out


@pytest.fixture
def copy(ref, tmp_path) -> Path:
    out = tmp_path / "store"
    shutil.copytree(ref, out)
    return out


def first_chunk(path: Path) -> Path:
    return sorted((path / "chunks").glob("*.parquet"))[0]


# ---- 1. one writer -----------------------------------------------------------------------------


def test_a_second_writer_is_refused_naming_the_holder_and_a_dead_holder_does_not_block(spec, copy):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; "
            "from mentorsim.sweeps.integrity import StoreLock; "
            "StoreLock(Path(sys.argv[1])).acquire(); print('held', flush=True); sys.stdin.read()",
            str(copy),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        r = cli("sweep", str(spec), "--out", str(copy), "--resume", "--no-progress")
        assert r.returncode == 2
        line = one_line(r.stderr)
        assert "locked by another run" in line and f"pid {holder.pid}" in line and str(copy) in line
        with pytest.raises(StoreError, match="locked by another run"):
            ms.sweep(spec, store=copy, resume=True, progress=False)
    finally:
        holder.kill()  # SIGKILL: the kernel releases its flock
        holder.wait()
    res = ms.sweep(spec, store=copy, resume=True, progress=False)
    assert res.run_info["points_run"] == 0


def test_the_lock_is_released_when_a_run_fails(spec, copy):
    other = write_spec(copy.parent / "other.yaml", seed=6)
    with pytest.raises(StoreError, match="different spec"):
        ms.sweep(other, store=copy, resume=True, progress=False)
    with StoreLock(copy):  # free again (and re-entrant within this process)
        assert ms.sweep(spec, store=copy, resume=True, progress=False).run_info["points_run"] == 0


def test_a_copied_chunk_is_refused_by_load_set_aside_by_resume_and_never_counted_twice(spec, ref, copy):
    src = first_chunk(copy)
    dup = copy / "chunks" / "part-000000000-copy.parquet"
    shutil.copy(src, dup)
    with pytest.raises(StoreError) as e:
        ms.load_sweep(copy)
    line = one_line(str(e.value))
    assert "unknown chunk chunks/part-000000000-copy.parquet" in line and "--resume" in line and "--repair" in line
    # even when the manifest vouches for the copy, rows are kept once per (point, replication)
    m = manifest(copy)
    m["chunks"][dup.name] = m["chunks"][src.name]
    save_manifest(copy, m)
    res = ms.load_sweep(copy)
    assert len(res.frame) == 4 * 2 and res.summary()["n"].max() == 2
    assert summary_csv(copy) == summary_csv(ref)
    del m["chunks"][dup.name]
    save_manifest(copy, m)
    res = ms.sweep(spec, store=copy, resume=True, progress=False)
    assert res.run_info["points_run"] == 0 and (copy / "damaged" / dup.name).exists()
    assert summary_csv(copy) == summary_csv(ref)


# ---- 2. a store knows what wrote it -----------------------------------------------------------


def test_resume_refuses_a_store_made_by_a_different_model(spec, copy):
    m = manifest(copy)
    assert m["model_fingerprint"] == model_fingerprint() and len(model_fingerprint()) == 64
    m["model_fingerprint"] = "0123456789ab" + "0" * 52
    save_manifest(copy, m)
    r = cli("sweep", str(spec), "--out", str(copy), "--resume", "--no-progress")
    assert r.returncode == 2
    line = one_line(r.stderr)
    assert "made by a different model" in line and "0123456789ab" in line and model_fingerprint()[:12] in line
    assert str(copy) in line
    assert len(ms.load_sweep(copy).frame) == 8  # still readable


def test_resume_refuses_an_old_store_without_a_fingerprint_but_reads_it(spec, ref, copy):
    m = manifest(copy)
    m["format"] = "mentorsim-sweep-store/1"
    for k in ("model_fingerprint", "chunks"):
        del m[k]
    save_manifest(copy, m)
    with pytest.raises(StoreError, match="recorded no model fingerprint"):
        ms.sweep(spec, store=copy, resume=True, progress=False)
    assert summary_csv(copy) == summary_csv(ref)


# ---- 3. a store survives damage ----------------------------------------------------------------


def truncate(f: Path) -> None:
    with open(f, "r+b") as fh:
        fh.truncate(100)


def empty(f: Path) -> None:
    f.write_bytes(b"")


def flip(f: Path) -> None:
    b = bytearray(f.read_bytes())
    b[len(b) // 2] ^= 0x10
    f.write_bytes(bytes(b))


def wrong_schema(f: Path) -> None:
    """A readable Parquet file with other columns, and a manifest that records its checksum."""
    import hashlib

    pd.DataFrame({"point": [0], "replication": [0], "other": [1.0]}).to_parquet(f, index=False)
    store = f.parents[1]
    m = manifest(store)
    data = f.read_bytes()
    m["chunks"][f.name].update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data), rows=1)
    save_manifest(store, m)


@pytest.mark.parametrize("damage", [truncate, empty, flip, wrong_schema])
def test_a_damaged_chunk_is_named_and_resume_recomputes_exactly_its_points(spec, ref, copy, damage):
    f = first_chunk(copy)
    damage(f)
    with pytest.raises(StoreError) as e:
        ms.load_sweep(copy)
    line = one_line(str(e.value))
    assert f"damaged chunk chunks/{f.name}" in line and str(copy) in line and "--resume" in line
    res = ms.sweep(spec, store=copy, resume=True, progress=False)
    assert res.run_info["points_run"] == 1  # the damaged chunk held one point
    assert [c["chunk"] for c in res.run_info["set_aside"]] == [f.name]
    assert (copy / "damaged" / f.name).exists() and not f.exists()
    assert summary_csv(copy) == summary_csv(ref)


def test_single_bit_flips_anywhere_are_detected(copy):
    f = first_chunk(copy)
    good = f.read_bytes()
    for i in range(0, len(good), max(1, len(good) // 40)):
        b = bytearray(good)
        b[i] ^= 1 << (i % 8)
        f.write_bytes(bytes(b))
        with pytest.raises(StoreError, match="damaged chunk"):
            Store(copy).check()
    f.write_bytes(good)
    Store(copy).check()


def test_cli_repair_and_sensitivity_on_a_damaged_store(spec, ref, copy):
    truncate(first_chunk(copy))
    r = cli("sensitivity", str(copy), "--metric", "retention_12m")
    assert r.returncode == 2 and "damaged chunk" in one_line(r.stderr) and "--repair" in r.stderr
    r = cli("sweep", str(spec), "--out", str(copy), "--repair", "--no-progress")
    assert r.returncode == 0, r.stderr
    assert "moved damaged chunk" in one_line(r.stderr)
    assert (copy / "summary.csv").read_text() == summary_csv(ref)
    assert summary_csv(copy) == summary_csv(ref)


# ---- 4. no worker outlives a killed sweep -------------------------------------------------------


def descendants(pid: int) -> set[int]:
    kids: dict[int, list[int]] = {}
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            ppid = int(Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(p))
    out, todo = set(), [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.add(k)
            todo.append(k)
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigkill_of_a_processes_sweep_leaves_no_worker(tmp_path):
    spec = write_spec(
        tmp_path / "s.yaml",
        overrides={"workforce.size": 200, "horizon_weeks": 104},
        parameters={
            "program.format": ["one_on_one", "peer", "circle"],
            "program.cadence": ["weekly", "biweekly", "monthly", 3],
            "program.participation_target": {"low": 0.1, "high": 0.4, "levels": 4},
        },
    )
    out = tmp_path / "out"
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
    )
    try:
        deadline = time.time() + 120
        while time.time() < deadline and p.poll() is None and not list((out / "chunks").glob("*.parquet")):
            time.sleep(0.05)
        workers = descendants(p.pid)
        assert p.poll() is None and workers, "the sweep should be running on a worker"
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
    deadline = time.time() + 8
    while time.time() < deadline and any(alive(w) for w in workers):
        time.sleep(0.1)
    left = [w for w in workers if alive(w)]
    for w in left:  # do not leave them behind even when the test fails
        os.kill(w, signal.SIGKILL)
    assert not left, f"workers {left} outlived their killed parent"
