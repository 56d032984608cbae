"""The documentation's examples run: README.md's Python example and the public API's docstring examples.

They run with the repository root as the working directory (the examples load scenarios/*.yaml),
under doctest's ELLIPSIS and NORMALIZE_WHITESPACE, so any `pytest tests` (and `make test`) checks them.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

#: Modules whose docstrings hold examples (keep them small: a few seconds in all).
MODULES = [
    "mentorsim.schema.scenario",
    "mentorsim.schema.io",
    "mentorsim.schema.validation",
    "mentorsim.dashboard.words",
    "mentorsim.run.experiment",
]


def _run(tests: list[doctest.DocTest]) -> tuple[int, int, str]:
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    out = io.StringIO()
    for t in tests:
        runner.run(t, out=out.write, clear_globs=False)
    r = runner.summarize(verbose=False)
    return r.attempted, r.failed, out.getvalue()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    module = importlib.import_module(name)
    tests = [t for t in doctest.DocTestFinder().find(module) if t.examples]
    attempted, failed, report = _run(tests)
    assert attempted > 0, f"{name} has no examples any more: drop it from MODULES"
    assert failed == 0, report


def test_readme_python_example(monkeypatch):
    monkeypatch.chdir(ROOT)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"^```python\n(.*?)^```", text, flags=re.M | re.S) if ">>> " in b]
    assert blocks, "README.md's Python example should be written as >>> lines"
    parser, globs = doctest.DocTestParser(), {}
    tests = [
        parser.get_doctest(b, globs, f"README.md, example {i + 1}", str(ROOT / "README.md"), 0)
        for i, b in enumerate(blocks)
    ]
    attempted, failed, report = _run(tests)
    assert failed == 0, report


def test_architecture_layout_is_generated_from_the_folders():
    """docs/architecture.md's layout section is what tools/gen_architecture.py makes of the package today."""
    spec = importlib.util.spec_from_file_location("gen_architecture", ROOT / "tools" / "gen_architecture.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    text = gen.DOC.read_text(encoding="utf-8")
    assert gen.updated(text) == text, (
        "docs/architecture.md drifted from the folders: run python tools/gen_architecture.py"
    )
    for folder in (p for p in gen.PKG.iterdir() if (p / "__init__.py").exists()):
        assert f"### {folder.name}/" in text
