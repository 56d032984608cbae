"""Names and paths refused in one line everywhere, and a sweep whose disk fills mid-run (docs/reliability.md)."""

from __future__ import annotations

import errno

import pandas as pd
import pytest

import mentorsim as ms
from conftest import SCENARIOS
from mentorsim.run.paths import output_dir, output_file
from mentorsim.sweeps.store import Store


def test_group_names_are_validated_like_scenario_names():
    def group(name):
        return {"workforce": {"groups": [{"name": name, "share_by_level": [1.0] * 5}]}}

    for bad, words in (
        ("", "must not be empty"),
        ("  ", "must not be empty"),
        ("a\x1b[2Jb", "must be printable"),
        ("x" * 101, "must be at most 100 characters"),
        ("a\0b", "must be printable"),
    ):
        with pytest.raises(ms.ScenarioError, match=f"workforce.groups.0.name: {words}") as e:
            ms.scenario_from_dict(group(bad))
        assert "\n" not in str(e.value) and "\x1b" not in str(e.value)
    assert ms.scenario_from_dict(group("Équipe – 2")).workforce.groups[0].name == "Équipe – 2"


def test_impossible_paths_are_one_line_everywhere(tmp_path):
    res = ms.simulate(ms.scenario_from_dict({"workforce": {"size": 50}, "horizon_weeks": 4}), replications=1)
    for call in (
        lambda p: ms.load_scenario(p),
        lambda p: ms.load_sweep_spec(p),
        lambda p: ms.simulate(p),
        lambda p: ms.compare([p, p]),
        lambda p: ms.sweep(SCENARIOS / "sweeps" / "example.yaml", store=p, progress=False),
        lambda p: res.to_dir(p),
        lambda p: output_dir(p, "--out"),
        lambda p: output_file(f"{p}.csv", "--csv", (".csv",)),
        lambda p: ms.report(SCENARIOS / "baseline.yaml", SCENARIOS / "one_on_one.yaml", path=f"{p}.html"),
    ):
        for bad, words in (("a\0b", "NUL byte"), ("x" * 300, "at most 255 bytes"), ("/x" * 2100, "4,096")):
            with pytest.raises(ms.MentorsimError, match=words) as e:  # not ValueError: embedded null byte
                call(bad)
            assert "\n" not in str(e.value) and "\0" not in str(e.value) and len(str(e.value)) < 300


def test_a_sweep_whose_disk_fills_keeps_its_chunks_and_resumes(tmp_path, monkeypatch):
    spec = {
        "name": "full",
        "base": {"workforce": {"size": 100}, "horizon_weeks": 26},
        "sampler": "grid",
        "parameters": {"program.cadence": ["weekly", "biweekly", "monthly", 6]},
        "replications": 2,
    }
    ref = ms.sweep(spec, progress=False).summary()
    write = Store.write_chunk
    written = []

    def fills(self, df, schema=None):
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(1)
        return write(self, df, schema)

    monkeypatch.setattr(Store, "write_chunk", fills)
    store = tmp_path / "s"
    with pytest.raises(ms.MentorsimError) as e:
        ms.sweep(spec, store=store, progress=False, chunk_size=1)
    msg = str(e.value)
    assert "cannot write a chunk (No space left on device)" in msg and "--resume" in msg and "\n" not in msg
    assert ms.load_sweep(store).frame.point.nunique() == 2  # what was written is whole and kept
    monkeypatch.setattr(Store, "write_chunk", write)
    res = ms.sweep(spec, store=store, resume=True, progress=False)
    pd.testing.assert_frame_equal(res.summary(), ref)
