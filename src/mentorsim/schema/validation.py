"""What every input schema shares: the frozen pydantic base, documented fields and one-line errors.

Scenarios, sweep files and targets files are validated by frozen pydantic models
(:class:`Frozen`; :class:`StrictFrozen` also refuses YAML's silent coercions) and
their problems reported in one line that names the field, what is wrong and what
was given, with the nearest allowed name for a typo::

    try:
        Model.model_validate(doc)
    except ValidationError as e:
        raise ScenarioError(f"{source}: {summarize(e.errors(), root=Model)}") from None

:func:`describe` words one pydantic error; its options cover the differences between
the schemas (how a location is shown, what a missing field is called, extra wording
for one schema's fields).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationInfo,
    create_model,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

__all__ = [
    "Frozen",
    "OneOf",
    "StrictFrozen",
    "describe",
    "field_bounds",
    "field_names",
    "location",
    "model_at",
    "nearest",
    "param",
    "refuse_coercion",
    "summarize",
    "variant",
]

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class Frozen(BaseModel):
    """Base of the input schemas: immutable, no unknown fields, no inf or nan.

    Other settings go in the class statement, e.g. ``class Base(Frozen, validate_default=True)``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def refuse_coercion(ann: Any, v: Any) -> Any:
    """Refuse what YAML users mean as something else: 'yes' for a switch, true or "12" for a number."""
    if ann is bool and not isinstance(v, bool):
        raise ValueError("must be true or false")
    if ann in (int, float, int | None, float | None) and isinstance(v, (bool, str)):
        raise ValueError("must be a number")
    if ann in (int, int | None) and isinstance(v, float) and math.isfinite(v) and not v.is_integer():
        raise ValueError("must be a whole number")
    return v


class StrictFrozen(Frozen):
    """A :class:`Frozen` base whose fields refuse silent coercion (see :func:`refuse_coercion`)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_silent_coercion(cls, v: Any, info: ValidationInfo) -> Any:
        assert info.field_name is not None
        return refuse_coercion(cls.model_fields[info.field_name].annotation, v)


class SchemaModel(StrictFrozen, validate_default=True):
    """Base of the scenario's models: frozen, closed, no silent coercion, defaults validated too."""


def param(
    default: Any,
    *,
    unit: str,
    source: str,
    desc: str,
    ge: float | None = None,
    le: float | None = None,
    sensitivity: tuple[float, float] | None = None,
    role: Literal["lever", "input"] | None = None,
) -> Any:
    """A documented parameter: default, unit, source (evidence ID or 'assumption'), range, and its role when it
    is declared: ``lever`` (a program choice: what a design search varies, never drawn) or ``input`` (a fact of
    your organisation: set it to your case). Any other parameter is uncertain (drawn under parameter
    uncertainty, from its sensitivity range) or fixed (no range); see :func:`mentorsim.schema.params.role`."""
    extra: dict[str, Any] = {"unit": unit, "source": source}
    if sensitivity is not None:
        extra["sensitivity_range"] = list(sensitivity)
    if role is not None:
        extra["role"] = role
    return Field(default, ge=ge, le=le, description=desc, json_schema_extra=extra)


class OneOf:
    """A field whose value is one of the names ``names()`` gives when it is validated (a registry that can
    grow at run time): ``Annotated[str, OneOf(lambda: list(REGISTRY))]``. A wrong value is refused as a
    ``Literal`` of those names would be (``Input should be 'a', 'b' or 'c'``), and the JSON schema lists
    them as its ``enum``."""

    def __init__(self, names: Callable[[], Sequence[str]]):
        self.names = names

    def check(self, v: Any) -> Any:
        names = list(self.names())
        if isinstance(v, str) and v in names:
            return v
        quoted = [repr(n) for n in names]
        expected = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
        raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": expected})

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        out = dict(handler(schema))
        out["enum"] = list(self.names())
        return out


def choices(field: FieldInfo) -> list[str] | None:
    """The names a :class:`OneOf` field allows now (None for another field)."""
    return next((list(m.names()) for m in field.metadata if isinstance(m, OneOf)), None)


def field_bounds(field: FieldInfo) -> tuple[float | None, float | None]:
    """A field's ``ge`` and ``le`` bounds (None where it has none)."""
    lo = hi = None
    for m in field.metadata:
        lo = getattr(m, "ge", None) if lo is None else lo
        hi = getattr(m, "le", None) if hi is None else hi
    return lo, hi


def variant(base: type[M], name: str, doc: str, **defaults: float) -> type[M]:
    """A subclass of ``base`` (in its module) with other defaults of its :func:`param` fields, e.g. one
    format's effect sizes; each changed default gets a sensitivity range of +-50% (at least +-0.05)
    within the field's bounds."""
    fields: dict[str, Any] = {}
    for key, value in defaults.items():
        f = base.model_fields[key]
        ge, le = field_bounds(f)
        lo, hi = -1e9 if ge is None else ge, 1e9 if le is None else le
        span = max(abs(value) * 0.5, 0.05)
        extra: Any = f.json_schema_extra
        fields[key] = (
            float,
            param(
                value,
                unit=extra["unit"],
                source=extra["source"],
                desc=f.description or "",
                ge=ge,
                le=le,
                sensitivity=(round(max(value - span, lo), 3), round(min(value + span, hi), 3)),
            ),
        )
    return create_model(name, __base__=base, __doc__=doc, __module__=base.__module__, **fields)


# ---- one-line errors ------------------------------------------------------------------------


def _field_model(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for a in getattr(ann, "__args__", ()) or ():
        m = _field_model(a)
        if m is not None:
            return m
    return None


def field_names(model: type[BaseModel]) -> list[str]:
    """The keys a model takes: its fields, and the plug-ins registered in it (``schema.effects.Plugins``)."""
    plugins = getattr(model, "plugin_names", None)
    return [*model.model_fields, *(plugins() if plugins is not None else ())]


def model_at(root: type[BaseModel] | None, keys: Sequence[str]) -> type[BaseModel] | None:
    """The model reached from ``root`` along field names (through optional and union fields, and the
    plug-ins of a ``schema.effects.Plugins`` section), or None."""
    model = root
    for k in keys:
        if model is None:
            return None
        if k not in model.model_fields:
            plugins = getattr(model, "plugin_names", None)
            if plugins is None or k not in plugins():
                return None
            model = getattr(model, "plugin_model", None)
            continue
        model = _field_model(model.model_fields[k].annotation)
    return model


def nearest(word: Any, options: Sequence[str], prefix: str = "", *, fallback: bool = True) -> str:
    """``"; did you mean '<prefix><option>'?"`` for the option closest to ``word``; else, with
    ``fallback``, ``"; allowed: a, b"`` (nothing when there are no options)."""
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.5)
    if close:
        return f"; did you mean '{prefix}{close[0]}'?"
    return f"; allowed: {', '.join(options)}" if fallback and options else ""


def _branch(k: str) -> bool:
    """A union branch pydantic names in a location (e.g. 'RateTarget', 'str', 'dict[str,any]')."""
    return k[:1].isupper() or k in ("str", "dict[str,any]") or "[" in k or k.startswith("function-")


def location(
    loc: Sequence[Any], doc: Any = None, *, style: Literal["dotted", "document"] = "dotted"
) -> tuple[list[str], str]:
    """The field names along an error's location, and the path to show.

    ``dotted``: every part joined with dots (``workforce.level_shares.0``). ``document``: as in the
    document ``doc``: ``[i]`` where it holds a list (other positions and union branches left out),
    e.g. ``targets.participant_retention_gap[1].group``.
    """
    if style == "dotted":
        return [str(k) for k in loc if not isinstance(k, int)], ".".join(str(k) for k in loc)
    keys: list[str] = []
    shown, node = "", doc
    for k in loc:
        if isinstance(k, int):
            if isinstance(node, list):
                shown += f"[{k}]"
                node = node[k] if k < len(node) else None
            continue  # e.g. a single mapping given for a list
        k = str(k)
        if _branch(k):
            continue
        keys.append(k)
        shown += ("." if shown else "") + k
        node = node.get(k) if isinstance(node, dict) else None
    return keys, shown


def _literal_choices(err: Mapping[str, Any]) -> list[str]:
    return re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))


def describe(
    err: Mapping[str, Any],
    root: type[BaseModel] | None = None,
    *,
    doc: Any = None,
    style: Literal["dotted", "document"] = "dotted",
    top: str | None = "(top level)",
    missing: str | None = None,
    literals: bool = False,
    rewrite: Callable[[Mapping[str, Any], list[str], str], str] | None = None,
    hint: Callable[[Mapping[str, Any], list[str]], str] | None = None,
) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) in one line: ``where: what (got x)``.

    root: the validated model; an unknown field gets the nearest field of its model (or the allowed ones).
    doc, style: how the location is shown (see :func:`location`).
    top: the location shown for an error of the whole document; None: the bare message.
    missing: the message for a missing required field (None: pydantic's).
    literals: a wrong choice reads ``allowed: a, b (got x); did you mean 'a'?``.
    rewrite(err, keys, msg): a schema's own wording of the message; hint(err, keys): text appended.

    >>> from mentorsim.schema.scenario import Scenario
    >>> describe({"loc": ("program", "cadense"), "type": "extra_forbidden", "msg": "Extra inputs are not permitted",
    ...           "input": "weekly"}, Scenario)
    "program.cadense: unknown field; did you mean 'program.cadence'?"
    """
    keys, where = location(err["loc"], doc, style=style)
    msg = err["msg"].removeprefix("Value error, ")
    if not where:
        if top is None:  # a model-level check: its message names the field itself
            return msg
        where = top
    if err["type"] == "extra_forbidden":
        model = model_at(root, keys[:-1])
        if model is None:
            return f"{where}: unknown field"
        return f"{where}: unknown field{nearest(keys[-1], field_names(model), where[: len(where) - len(keys[-1])])}"
    if err["type"] == "missing" and missing is not None:
        return f"{where}: {missing}"
    if rewrite is not None:
        msg = rewrite(err, keys, msg)
    got = err.get("input")
    shown = "" if isinstance(got, (dict, list)) else f" (got {got!r})"
    extra = hint(err, keys) if hint is not None else ""
    if literals and err["type"] == "literal_error":
        allowed = _literal_choices(err)
        msg = "allowed: " + ", ".join(allowed) if allowed else msg.replace("Input should be", "allowed:")
        extra += nearest(got, allowed, fallback=False)
    return f"{where}: {msg}{shown}{extra}"


def summarize(
    errors: Sequence[Mapping[str, Any]], *, typos_first: bool = False, distinct: bool = False, **options: Any
) -> str:
    """The first error described (see :func:`describe`, which gets ``options``) and how many more there are.

    typos_first: an unknown field comes first (a typo explains a missing field).
    distinct: count the other problems by location, leaving out more errors at the first one's place.
    """
    if typos_first:
        errors = sorted(errors, key=lambda x: x["type"] != "extra_forbidden")
    first = describe(errors[0], **options)
    if distinct:
        more = len({describe(x, **options).split(":")[0] for x in errors[1:]} - {first.split(":")[0]})
    else:
        more = len(errors) - 1
    return first + (f" (and {more} more problem(s))" if more else "")


def given_or_loaded(obj: Any, cls: type[T], load: Callable[[Any], T], what: str) -> T:
    """``obj`` if it already is a ``cls``, else what ``load`` makes of a path; a clear TypeError otherwise."""
    if isinstance(obj, cls):
        return obj
    if isinstance(obj, (str, Path)):
        return load(obj)
    raise TypeError(f"expected {what}, got {type(obj).__name__}")


def printable(v: str) -> str:
    """``v`` if it holds no control characters (names reach terminals and HTML); else a ValueError."""
    bad = [c for c in v if not c.isprintable()]
    if bad:
        raise ValueError(f"must be printable text: no control characters (found {ascii(bad[0])})")
    return v
