"""Scenario documents in: reading YAML safely, dotted overrides and one-line validation errors.

The schema itself is :mod:`mentorsim.schema.scenario`; its names ``load_scenario``,
``scenario_from_dict`` and ``read_yaml`` are importable from there too.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from mentorsim.errors import ScenarioError
from mentorsim.schema.validation import field_names, model_at, nearest, summarize

if TYPE_CHECKING:
    from mentorsim.schema.scenario import Scenario


def _schema() -> type[Scenario]:
    from mentorsim.schema.scenario import Scenario  # the schema module imports this one

    return Scenario


def _suggest(keys: list[str]) -> str:
    model = model_at(_schema(), keys[:-1])
    return "" if model is None else nearest(keys[-1], field_names(model), ".".join([*keys[:-1], ""]))


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


# limits of what a YAML file may ask of the reader (scenarios, sweep specs and targets files are small)
MAX_YAML_BYTES = 10 * 1024 * 1024
MAX_YAML_DEPTH = 50
MAX_ALIAS_NODES = 10_000

# YAML 1.1 reads yes/no/on/off as booleans; only true/false are booleans here ('sponsorship: yes' is refused
# as "must be true or false" instead of meaning something the user may not have meant)
_BOOL = "tag:yaml.org,2002:bool"


class StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader (no ``!!python`` tags) that also refuses duplicate keys, nesting deeper than
    ``MAX_YAML_DEPTH`` levels, more than ``MAX_ALIAS_NODES`` nodes expanded from aliases (an alias bomb), a
    recursive alias, and booleans other than true/false."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0
        self._alias_nodes = 0
        self._sizes: dict[int, int] = {}
        self._open: list[str | None] = []  # anchors of the nodes being composed

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            node = self.anchors.get(event.anchor)
            if event.anchor in self._open:
                raise yaml.composer.ComposerError(
                    None, None, f"alias *{event.anchor} is inside its own anchor (a recursive alias)", event.start_mark
                )
            if node is not None:
                self._alias_nodes += self._expanded(node)
                if self._alias_nodes > MAX_ALIAS_NODES:
                    raise yaml.composer.ComposerError(
                        None,
                        None,
                        f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes (an alias bomb?)",
                        event.start_mark,
                    )
            return super().compose_node(parent, index)
        event = self.peek_event()
        self._depth += 1
        self._open.append(getattr(event, "anchor", None))
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_YAML_DEPTH} levels", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._open.pop()

    def _expanded(self, node: Any) -> int:
        """How many nodes ``node`` stands for once its aliases are expanded (memoized)."""
        key = id(node)
        if key in self._sizes:
            return self._sizes[key]
        n = 1
        if isinstance(node, yaml.SequenceNode):
            n += sum(self._expanded(x) for x in node.value)
        elif isinstance(node, yaml.MappingNode):
            n += sum(self._expanded(k) + self._expanded(v) for k, v in node.value)
        if n > MAX_ALIAS_NODES:  # no need to count further
            n = MAX_ALIAS_NODES + 1
        self._sizes[key] = n
        return n

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"duplicate key {key!r} (first at line {seen[key]}); each key once per mapping",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


StrictLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _yaml_error(p: Path, e: yaml.YAMLError) -> ScenarioError:
    mark = getattr(e, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    return ScenarioError(f"{p}: invalid YAML{where}: {problem}")


def parse_yaml(text: str, source: str = "YAML") -> Any:
    """Parse YAML text with :class:`StrictLoader`; errors name ``source`` in one line."""
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        raise _yaml_error(Path(source), e) from None
    except RecursionError:  # pragma: no cover - the depth limit comes first
        raise ScenarioError(f"{source}: invalid YAML: nested too deeply") from None


#: the longest path and file name shown in a message (a longer one is cut, with its length said)
SHOWN_PATH = 120


def shown_path(path: str | Path) -> str:
    """A path as messages show it: control characters escaped, a very long one cut."""
    s = str(path)
    s = s if s.isprintable() else ascii(s)[1:-1]
    return s if len(s) <= SHOWN_PATH else f"{s[: SHOWN_PATH // 2]}...{s[-SHOWN_PATH // 4 :]} ({len(s):,} characters)"


def possible_path(path: str | Path, what: str = "") -> Path:
    """``path`` as a Path, or a one-line ScenarioError when no file system could hold it: empty, a NUL byte,
    a name longer than 255 bytes or a path longer than 4,096 (the OS would raise ValueError or OSError)."""
    if not isinstance(path, (str, Path)):
        raise ScenarioError(f"{what or 'path'}: expected a file path, got {type(path).__name__}")
    s = str(path)
    head = f"{what}: " if what else ""
    why = None
    if not s:
        why = "an empty path"
    elif "\0" in s:
        why = "a path cannot hold a NUL byte"
    elif len(os.fsencode(s)) > 4096:
        why = "a path can be at most 4,096 bytes long"
    elif any(len(os.fsencode(part)) > 255 for part in Path(s).parts):
        why = "a file or directory name can be at most 255 bytes long"
    if why:
        raise ScenarioError(f"{head}{shown_path(s)}: not a possible path ({why})")
    return Path(path)


def read_yaml(path: str | Path) -> Any:
    """Safely read a YAML file; errors name the file and say what is wrong in one line.

    Only a regular file of at most ``MAX_YAML_BYTES`` is opened (a FIFO, a device or a directory is
    refused before opening); its YAML is read with :class:`StrictLoader`.
    """
    p = possible_path(path)
    shown = shown_path(p)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise ScenarioError(f"{shown}: no such file") from None
    except OSError as e:
        raise ScenarioError(f"{shown}: cannot read: {e.strerror or e}") from None
    if stat.S_ISDIR(st.st_mode):
        raise ScenarioError(f"{shown}: is a directory, expected a YAML file")
    if not stat.S_ISREG(st.st_mode):
        raise ScenarioError(f"{shown}: is not a regular file (a pipe, socket or device), expected a YAML file")
    if st.st_size > MAX_YAML_BYTES:
        raise ScenarioError(
            f"{shown}: is {st.st_size / 1e6:,.1f} MB; a YAML file here may be at most "
            f"{MAX_YAML_BYTES // (1024 * 1024)} MB"
        )
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ScenarioError(f"{shown}: cannot read: {e}") from None
    return parse_yaml(text, str(p))


#: how many ``base:`` files a scenario may stand on, one on another
MAX_BASE_DEPTH = 8


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``over`` laid on it: mappings merge key by key, at any depth; any other value (a number, a
    list such as ``level_shares`` or ``groups``) replaces the base's."""
    out = dict(base)
    for k, v in over.items():
        out[k] = _merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _resolve_base(doc: Any, p: Path, seen: tuple[Path, ...] = ()) -> Any:
    """A scenario document with its ``base:`` chain laid under it (``base`` is a path relative to the file)."""
    if not isinstance(doc, dict) or "base" not in doc:
        return doc
    ref = doc["base"]
    if not isinstance(ref, str) or not ref.strip():
        raise ScenarioError(f"{p}: base: must be the path of a scenario file, relative to this one (got {ref!r})")
    bp = Path(ref) if Path(ref).is_absolute() else p.parent / ref
    real = bp.resolve()
    if real in seen or real == p.resolve():
        raise ScenarioError(f"{p}: base: {ref} leads back to a file already in the chain (a circle of base: files)")
    if len(seen) >= MAX_BASE_DEPTH:
        raise ScenarioError(f"{p}: base: more than {MAX_BASE_DEPTH} files stand on one another; flatten the chain")
    parent = _resolve_base(read_yaml(bp), bp, (*seen, p.resolve()))
    if not isinstance(parent, dict):
        raise ScenarioError(f"{bp}: a scenario file must be a mapping of fields (it is the base: of {p})")
    return _merged(parent, {k: v for k, v in doc.items() if k != "base"})


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario YAML file.

    A file may start from another with ``base: PATH`` (relative to the file) and say only what differs:
    mappings merge at any depth, any other value replaces the base's.

    >>> sc = load_scenario("scenarios/one_on_one.yaml")
    >>> sc.program.format, sc.program.cadence_weeks
    ('one_on_one', 2.0)
    >>> load_scenario("scenarios/no_such.yaml")
    Traceback (most recent call last):
    mentorsim.errors.ScenarioError: scenarios/no_such.yaml: no such file
    """
    p = Path(path)
    return scenario_from_dict(_resolve_base(read_yaml(p), p), str(path))
