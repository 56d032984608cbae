"""Packaging: environment.yml (conda) lists the same dependencies as pyproject.toml (pip)."""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from conftest import ROOT

# conda-forge names that differ from the PyPI name after normalisation (SALib == salib already matches)
CONDA_TO_PYPI: dict[str, str] = {}
NOT_DEPENDENCIES = {"python", "pip"}


def normalise(name: str) -> str:
    """PEP 503 name: lower case, runs of -_. as one dash."""
    return re.sub(r"[-_.]+", "-", name).lower()


def split(spec: str) -> tuple[str, frozenset[str], str]:
    """'dask[distributed]>=2024.1' -> ('dask', {'distributed'}, '>=2024.1')."""
    m = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(.*?)\s*(?:;.*)?$", spec)
    assert m, f"cannot parse requirement {spec!r}"
    extras = frozenset(normalise(e) for e in (m.group(2) or "").split(",") if e.strip())
    return normalise(m.group(1)), extras, m.group(3).replace(" ", "")


def pip_requirements() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(meta["dependencies"]) + list(meta.get("optional-dependencies", {}).get("dev", []))
    out: dict[str, str] = {}
    for spec in specs:
        name, extras, version = split(spec)
        out[name] = version
        for extra in extras:  # dask[distributed] is dask + distributed on conda-forge
            out[extra] = version
    return out


def conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip: section installs the project itself
            continue
        m = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$", dep)
        name = normalise(m.group(1))
        out[CONDA_TO_PYPI.get(name, name)] = m.group(2).replace(" ", "")
    return {k: v for k, v in out.items() if k not in NOT_DEPENDENCIES}


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    pip, conda = pip_requirements(), conda_requirements()
    assert set(conda) - set(pip) == set(), "in environment.yml but not pyproject.toml"
    assert set(pip) - set(conda) == set(), "in pyproject.toml but not environment.yml"


def test_environment_yml_pins_the_same_lower_bounds():
    pip, conda = pip_requirements(), conda_requirements()
    differ = {k: (pip[k], conda[k]) for k in pip.keys() & conda.keys() if pip[k] != conda[k]}
    assert not differ, f"version bounds differ (pip, conda): {differ}"


def test_environment_yml_uses_conda_forge_and_installs_the_project():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_section and any(x.replace(" ", "") in ("-e.", ".") for x in pip_section[0]["pip"])
    py = [d for d in env["dependencies"] if isinstance(d, str) and normalise(d).startswith("python")]
    assert py and "3.11" in py[0]


def test_pyproject_metadata():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["name"] == "mentorsim"
    assert meta["scripts"]["mentorsim"] == "mentorsim.commands.cli:main"
    assert "dev" in meta["optional-dependencies"]
    dev = {split(s)[0] for s in meta["optional-dependencies"]["dev"]}
    assert {"pytest", "hypothesis"} <= dev
    assert meta["requires-python"].startswith(">=3.11")


def test_version_agrees_with_the_package():
    import mentorsim

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert mentorsim.__version__ == meta["version"]


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("dask[distributed]>=2024.1", ("dask", frozenset({"distributed"}), ">=2024.1")),
        ("SALib>=1.4.8", ("salib", frozenset(), ">=1.4.8")),
        ("PyYAML >= 6.0", ("pyyaml", frozenset(), ">=6.0")),
        ("typing_extensions", ("typing-extensions", frozenset(), "")),
    ],
)
def test_requirement_parsing(spec, expected):
    assert split(spec) == expected
