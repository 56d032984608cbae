"""Fixtures and helpers of the sweep store's attack tests (tests/test_sweep_store_attacks.py, test_sweep_manifest.py).

A tiny sweep (100 people, a year, four points, one point a chunk), run once per test module, copied per test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

import mentorsim as ms
from mentorsim.commands.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def spec(tmp_path_factory) -> Path:
    doc = {
        "name": "attacks",
        "base": str(ROOT / "scenarios" / "one_on_one.yaml"),
        "overrides": {"workforce.size": 100, "horizon_weeks": 52},
        "sampler": "grid",
        "parameters": {"program.format": ["one_on_one", "peer"], "program.cadence": ["weekly", "biweekly"]},
        "replications": 2,
        "seed": 5,
        "metrics": ["retention_12m", "program_cost"],
    }
    path = tmp_path_factory.mktemp("spec") / "attacks.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def ref(spec, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "store"
    ms.sweep(spec, store=out, chunk_size=1, progress=False)
    return out


@pytest.fixture
def copy(ref, tmp_path) -> Path:
    out = tmp_path / "store"
    shutil.copytree(ref, out)
    return out


def summary_csv(path: Path) -> str:
    return ms.load_sweep(path).summary().to_csv(index=False)


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def cli_line(capsys, *argv: str) -> str:
    """Run the command line in this process: exit code 2 and one line on stderr."""
    capsys.readouterr()
    code = main([*argv])
    err = capsys.readouterr().err
    assert code == 2, err
    return one_line(err)


def chunks(path: Path) -> list[Path]:
    return sorted((path / "chunks").glob("*.parquet"))
