"""Golden results: every case in tools/update_baselines.py gives exactly its stored record.

A failure names the case, the replication, the table and the column (or the metric with
both values). Regenerate with ``python tools/update_baselines.py`` only for an intended
change of results, in its own commit that says why.
"""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("update_baselines", ROOT / "tools" / "update_baselines.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


def test_every_case_has_a_baseline_and_no_stale_files():
    stored = {f.stem for f in golden.BASELINES.glob("*.json")}
    assert stored == set(golden.cases())


@pytest.mark.parametrize("name", list(golden.cases()))
def test_results_match_the_golden_baseline(name):
    old = json.loads((golden.BASELINES / f"{name}.json").read_text())
    diff = golden.differences(old, golden.compute(name))
    assert not diff, f"{name} differs from tests/baselines/{name}.json:\n" + "\n".join(diff[:40])


def test_differences_names_the_column_that_changed():
    old = json.loads((golden.BASELINES / "none.json").read_text())
    new = json.loads(json.dumps(old))
    new["replications"][1]["people"]["end_level"] = "0" * 16
    new["replications"][0]["metrics"]["retention_36m"] = "0.5"
    diff = golden.differences(old, new)
    assert any(d.startswith("replication 1: people.end_level") for d in diff)
    assert any("metrics.retention_36m" in d and "-> 0.5" in d for d in diff)
    assert len(diff) == 2
