"""Scenario documents in: reading YAML safely, dotted overrides and one-line validation errors.

The schema itself is :mod:`mentorsim.scenario`; its names ``load_scenario``,
``scenario_from_dict`` and ``read_yaml`` are importable from there too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from .errors import ScenarioError
from .validation import model_at, nearest, summarize

if TYPE_CHECKING:
    from .scenario import Scenario


def _schema() -> type[Scenario]:
    from .scenario import Scenario  # the schema module imports this one

    return Scenario


def _suggest(keys: list[str]) -> str:
    model = model_at(_schema(), keys[:-1])
    return "" if model is None else nearest(keys[-1], list(model.model_fields), ".".join([*keys[:-1], ""]))


def _set_dotted(doc: dict[str, Any], key: str, value: Any, source: str) -> None:
    """Set ``doc[a][b] = value`` for key "a.b"; an unknown key is a ScenarioError naming the nearest field."""
    keys = str(key).split(".")
    cur = doc
    for i, k in enumerate(keys):
        if not isinstance(cur, dict) or k not in cur:
            raise ScenarioError(f"{source}: {key}: unknown field{_suggest(keys[: i + 1])}")
        if i == len(keys) - 1:
            cur[k] = value
        else:
            cur = cur[k]


def scenario_from_dict(doc: Any, source: str = "scenario") -> Scenario:
    """Validate a plain dict into a Scenario; a ScenarioError names the source and the field.

    >>> scenario_from_dict({"name": "weekly", "program": {"format": "peer", "cadence": "weekly"}}).program.format
    'peer'
    >>> scenario_from_dict({"program": {"cadense": "weekly"}}, "my.yaml")
    Traceback (most recent call last):
    mentorsim.errors.ScenarioError: my.yaml: program.cadense: unknown field; did you mean 'program.cadence'?
    """
    if doc is None:
        raise ScenarioError(f"{source}: the file is empty; a scenario needs at least a name (see scenarios/*.yaml)")
    if not isinstance(doc, dict):
        raise ScenarioError(f"{source}: a scenario must be a mapping of fields, got {type(doc).__name__}")
    schema = _schema()
    try:
        return schema.model_validate(doc)
    except ValidationError as e:
        raise ScenarioError(f"{source}: {summarize(e.errors(), root=schema, top=None)}") from None


def read_yaml(path: str | Path) -> Any:
    """Safely read a YAML file; errors name the file and say what is wrong in one line."""
    p = Path(path)
    if not p.exists():
        raise ScenarioError(f"{p}: no such file")
    if p.is_dir():
        raise ScenarioError(f"{p}: is a directory, expected a YAML file")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ScenarioError(f"{p}: cannot read: {e}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ScenarioError(f"{p}: invalid YAML{where}: {problem}") from None


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario YAML file.

    >>> sc = load_scenario("scenarios/one_on_one.yaml")
    >>> sc.program.format, sc.program.cadence_weeks
    ('one_on_one', 2.0)
    >>> load_scenario("scenarios/no_such.yaml")
    Traceback (most recent call last):
    mentorsim.errors.ScenarioError: scenarios/no_such.yaml: no such file
    """
    return scenario_from_dict(read_yaml(path), str(path))
