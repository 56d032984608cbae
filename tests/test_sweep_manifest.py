# ruff: noqa: F811 - the fixtures imported from sweep_store_helpers are parameters of the tests
"""Every kind of edit to a sweep store's manifest is refused in one line naming it, never a traceback.

Invalid JSON, not UTF-8, a non-object, a key twice, missing or unknown keys, wrong types, huge or
non-finite numbers, chunk entries with a bad checksum or a name escaping ``chunks/``, and edits that
parse but contradict the recorded spec; each through ``ms.load_sweep``, ``mentorsim sweep --resume``
and ``mentorsim sensitivity``. A manifest that is a link, a pipe or a folder is refused without waiting.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import mentorsim as ms
from mentorsim.sweeps.integrity import StoreError
from sweep_store_helpers import cli_line, copy, one_line, ref, spec  # noqa: F401 - fixtures


def _m(edit):
    def apply(path: Path) -> None:
        m = json.loads(path.read_text())
        edit(m)
        path.write_text(json.dumps(m))

    return apply


def _text(text: str | bytes):
    def apply(path: Path) -> None:
        path.write_bytes(text if isinstance(text, bytes) else text.encode())

    return apply


def _first_chunk(edit):
    return _m(lambda m: edit(m["chunks"], sorted(m["chunks"])[0]))


def _rename_entry(new: str):
    return _first_chunk(lambda c, k: c.__setitem__(new, c.pop(k)))


EDITS = {
    "invalid JSON": (lambda p: p.write_text(p.read_text()[:-40]), "invalid JSON at line"),
    "not UTF-8": (_text(b"\xff\xfe{}"), "not UTF-8"),
    "empty": (_text(""), "invalid JSON"),
    "a list": (_text("[1, 2]"), "not a JSON object (got list)"),
    "null": (_text("null"), "not a JSON object (got NoneType)"),
    "a string": (_text('"manifest"'), "not a JSON object (got str)"),
    "nested too deep": (_text("[" * 100_000 + "]" * 100_000), "invalid JSON"),
    "a key twice": (lambda p: p.write_text(p.read_text()[:-1] + ', "seed": 5}'), "key 'seed' appears twice"),
    "missing spec": (_m(lambda m: m.pop("spec")), "missing key 'spec'"),
    "missing chunks": (_m(lambda m: m.pop("chunks")), "missing key 'chunks'"),
    "missing fingerprint": (_m(lambda m: m.pop("model_fingerprint")), "missing key 'model_fingerprint'"),
    "an extra key": (_m(lambda m: m.update(extra=1)), "unknown key 'extra'"),
    "another format": (_m(lambda m: m.update(format="mentorsim-sweep-store/9")), "format 'mentorsim-sweep-store/9'"),
    "n_points as text": (_m(lambda m: m.update(n_points="4")), "n_points: must be a whole number"),
    "replications a float": (_m(lambda m: m.update(replications=2.0)), "replications: must be a whole number"),
    "seed true": (_m(lambda m: m.update(seed=True)), "seed: must be a whole number"),
    "negative seed": (_m(lambda m: m.update(seed=-1)), "seed: must be a whole number"),
    "spec a string": (_m(lambda m: m.update(spec="grid")), "spec: must be an object"),
    "parameters a string": (_m(lambda m: m.update(parameters="a")), "parameters: must be a list of names"),
    "chunks a list": (_m(lambda m: m.update(chunks=[])), "chunks: must be an object"),
    "runs an object": (_m(lambda m: m.update(runs={})), "runs: must be a list of objects"),
    "fingerprint a number": (_m(lambda m: m.update(model_fingerprint=5)), "model_fingerprint: must be 64 hex"),
    "base scenario a path": (_m(lambda m: m.update(base_scenario="/etc/passwd")), "base scenario: must be a mapping"),
    "huge n_points": (_m(lambda m: m.update(n_points=10**30)), "n_points: must be a whole number from 1 to"),
    "infinite replications": (_m(lambda m: m.update(replications=float("inf"))), "replications: must be"),
    "NaN seed": (_m(lambda m: m.update(seed=float("nan"))), "seed: must be a whole number"),
    "5000-digit number": (lambda p: p.write_text(p.read_text()[:-1] + ', "x": ' + "9" * 5000 + "}"), "invalid JSON"),
    "huge chunk size": (_first_chunk(lambda c, k: c[k].update(bytes=10**40)), ".bytes must be a whole number"),
    "bad checksum": (_first_chunk(lambda c, k: c[k].update(sha256="abc")), ".sha256 must be 64 hexadecimal"),
    "entry not an object": (_first_chunk(lambda c, k: c.__setitem__(k, 7)), "must be an object (got 7)"),
    "entry without rows": (_first_chunk(lambda c, k: c[k].pop("rows")), "missing key 'part-"),
    "entry with an extra key": (_first_chunk(lambda c, k: c[k].update(path="/etc")), "unknown key 'part-"),
    "path escaping the store": (_rename_entry("../../etc/passwd"), "'../../etc/passwd' is not a chunk file name"),
    "path into a folder": (_rename_entry("sub/part-1.parquet"), "is not a chunk file name"),
    "absolute path": (_rename_entry("/tmp/part-1.parquet"), "is not a chunk file name"),
    "replications contradict the spec": (_m(lambda m: m.update(replications=3)), "replications is 3 but its recorded"),
    "spec edited": (_m(lambda m: m["spec"].update(seed=6)), "seed is 5 but its recorded spec gives 6"),
    "spec invalid": (_m(lambda m: m["spec"].update(sampler="nope")), "its recorded spec is not valid"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_every_kind_of_manifest_edit_is_refused_in_one_line(spec, copy, capsys, name):
    edit, words = EDITS[name]
    path = copy / "manifest.json"
    edit(path)
    with pytest.raises(StoreError) as e:
        ms.load_sweep(copy).summary()
    line = one_line(str(e.value))
    assert str(path) in line and words in line, line
    line = cli_line(capsys, "sweep", str(spec), "--out", str(copy), "--resume", "--no-progress")
    assert str(path) in line
    line = cli_line(capsys, "sensitivity", str(copy), "--metric", "retention_12m")
    assert str(path) in line


@pytest.mark.parametrize("kind", ["symlink", "fifo", "directory"])
def test_a_manifest_that_is_a_link_a_pipe_or_a_folder_is_refused_without_waiting(copy, tmp_path, kind):
    path = copy / "manifest.json"
    shutil.move(path, tmp_path / "m.json")
    if kind == "symlink":
        os.symlink(tmp_path / "m.json", path)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    with pytest.raises(StoreError, match="not the store's manifest"):
        ms.load_sweep(copy)
