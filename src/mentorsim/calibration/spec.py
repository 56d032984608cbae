"""Loading a targets file: one-line validation errors, and the targets resolved against their scenarios.

:func:`load_targets` validates a file (path, mapping or :class:`~.targets.TargetsFile`),
loads the base scenario and every target's own, and gives each fitted target its free
parameter and search range: a :class:`Spec` of :class:`Item` objects.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ScenarioError
from ..scenario import Scenario, load_scenario, read_yaml, scenario_from_dict
from .targets import FREE_PARAMETERS, PROGRAM_TARGETS, WORKFORCE_TARGETS, Target, TargetsFile


def _field_model(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for a in getattr(ann, "__args__", ()) or ():
        m = _field_model(a)
        if m is not None:
            return m
    return None


def _model_at(keys: list[str]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = TargetsFile
    for k in keys:
        if model is None or k not in model.model_fields:
            return None
        model = _field_model(model.model_fields[k].annotation)
    return model


def _where(loc: tuple, doc: Any) -> tuple[list[str], str]:
    """Field names along an error's location, and the dotted path to show (``targets.x[1].group`` in a list)."""
    keys, shown, node = [], "", doc
    for k in loc:
        if isinstance(k, int):
            if isinstance(node, list):
                shown += f"[{k}]"
                node = node[k] if k < len(node) else None
            continue  # a single mapping given for a list of targets
        k = str(k)
        # pydantic names the union branch tried (e.g. 'RateTarget', 'str', 'dict[str,any]'); drop it
        if k[:1].isupper() or k in ("str", "dict[str,any]") or "[" in k or k.startswith("function-"):
            continue
        keys.append(k)
        shown += ("." if shown else "") + k
        node = node.get(k) if isinstance(node, dict) else None
    return keys, shown


def _describe(err: dict, doc: Any = None) -> str:
    keys, where = _where(err["loc"], doc)
    where = where or "(top level)"
    kind = keys[1] if keys[:1] == ["targets"] and len(keys) > 1 else None
    if err["type"] == "extra_forbidden":
        model = _model_at(keys[:-1])
        allowed = list(model.model_fields) if model else []
        close = difflib.get_close_matches(keys[-1], allowed, n=1, cutoff=0.5)
        head = where[: len(where) - len(keys[-1])]
        hint = f"; did you mean '{head}{close[0]}'?" if close else (
            f"; allowed: {', '.join(allowed)}" if allowed else "")
        return f"{where}: unknown field{hint}"
    if err["type"] == "missing":
        return f"{where}: required field missing"
    msg = err["msg"].removeprefix("Value error, ")
    got = err.get("input")
    if keys[-1:] == ["value"] and err["type"] in ("less_than_equal", "greater_than_equal") and \
            kind in WORKFORCE_TARGETS:
        msg = "must be a share between 0 and 1 (e.g. 2.2% a month is 0.022)"
    elif keys == ["scenario"]:
        msg = "expected a scenario YAML path (relative to the targets file) or a scenario mapping"
    elif keys[-1:] == ["value"] and err["type"] in ("less_than_equal", "greater_than_equal") and \
            kind == "cadence_quality_correlation":
        msg = "must be a correlation between -1 and 1"
    elif keys[:1] == ["targets"] and keys[-1:] == ["scenario"]:
        msg = "expected a scenario YAML path (relative to the targets file)"
    elif keys[:1] == ["targets"] and len(keys) <= 2 and err["type"] in (
            "model_type", "dict_type", "model_attributes_type", "list_type"):
        msg = ("expected a mapping of the targets below" if len(keys) == 1 else
               "expected a mapping such as {value: 0.022, tolerance: 0.003, evidence: C1}" +
               ("" if isinstance(err["loc"][-1], int) else ", or a list of them"))
    elif keys[:1] == ["targets"] and len(keys) == 2 and err["type"] == "too_short":
        msg = "expected a mapping such as {value: 0.022, tolerance: 0.003, evidence: C1}, or a list of them"
    shown = "" if isinstance(got, (dict, list)) else f" (got {got!r})"
    if err["type"] == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        msg = "allowed: " + ", ".join(allowed) if allowed else msg.replace("Input should be", "allowed:")
        close = difflib.get_close_matches(str(got), allowed, n=1, cutoff=0.5)
        return f"{where}: {msg}{shown}" + (f"; did you mean '{close[0]}'?" if close else "")
    return f"{where}: {msg}{shown}"


@dataclass(frozen=True)
class Item:
    """One target, resolved: its scenario (an id into Spec.scenarios) and, if fitted, its free parameter."""

    label: str
    kind: str
    target: Target
    scenario: str
    parameter: str | None = None
    search: tuple[float, float] | None = None


@dataclass(frozen=True)
class Spec:
    """A validated targets file, resolved: the scenarios and each target's free parameter."""

    source: str
    file: TargetsFile
    base: Scenario
    scenarios: dict[str, Scenario] = field(default_factory=dict)  # "" is the base
    items: list[Item] = field(default_factory=list)

    @property
    def fits(self) -> list[tuple[str, Target, str, tuple[float, float]]]:
        """(label, target, parameter, search) of the fitted targets."""
        return [(i.label, i.target, i.parameter, i.search) for i in self.items if i.parameter is not None]


def _numeric_params() -> dict[str, tuple[float, float]]:
    from ..params import parameter_register

    reg = parameter_register()
    out = {}
    for _, r in reg.iterrows():
        if isinstance(r["default"], float) and not math.isnan(r["min"]) and not math.isnan(r["max"]):
            out[r["name"]] = (float(r["min"]), float(r["max"]))
    return out


def is_shared(param: str) -> bool:
    """Parameters outside ``program.`` describe the organisation: set in every scenario of a calibration."""
    return not param.startswith("program.")


def load_targets(targets: str | Path | dict | TargetsFile, base_dir: str | Path | None = None) -> Spec:
    """Validate a targets file (path, mapping or TargetsFile); errors are one-line ScenarioErrors."""
    doc: Any = None
    if isinstance(targets, TargetsFile):
        tf, source, base_dir = targets, "targets", Path(base_dir or ".")
    else:
        if isinstance(targets, (str, Path)):
            source = str(targets)
            doc = read_yaml(targets)
            base_dir = Path(targets).parent if base_dir is None else Path(base_dir)
        elif isinstance(targets, dict):
            source, doc, base_dir = "targets", targets, Path(base_dir or ".")
        else:
            raise TypeError(f"expected a targets file path or mapping, got {type(targets).__name__}")
        if not isinstance(doc, dict):
            raise ScenarioError(f"{source}: a targets file must be a mapping with 'scenario' and 'targets', "
                                f"got {type(doc).__name__}")
        try:
            tf = TargetsFile.model_validate(doc)
        except ValidationError as e:
            errs = e.errors()
            first = _describe(errs[0], doc)
            others = {_describe(x, doc).split(":")[0] for x in errs[1:]} - {first.split(":")[0]}
            more = f" (and {len(others)} more problem(s))" if others else ""
            raise ScenarioError(f"{source}: {first}{more}") from None
    base_dir = Path(base_dir)

    def resolve(path: str, where: str) -> Path:
        p = Path(path)
        p = p if p.is_absolute() else base_dir / p
        if not p.exists():
            raise ScenarioError(f"{source}: {where}: no such file {str(p)!r} (paths are relative to the targets file)")
        return p

    def with_file_overrides(sc: Scenario) -> Scenario:
        return sc.with_overrides(tf.overrides, source=f"{source}: overrides") if tf.overrides else sc

    if isinstance(tf.scenario, str):
        base = load_scenario(resolve(tf.scenario, "scenario"))
    else:
        base = scenario_from_dict(tf.scenario, f"{source}: scenario")
    base = with_file_overrides(base)
    scenarios: dict[str, Scenario] = {"": base}

    numeric = _numeric_params()
    items, used = [], {}
    for label, kind, t in tf.targets.items():
        where = f"{source}: targets.{label}"
        sid = ""
        if t.scenario is not None:
            p = resolve(t.scenario, f"targets.{label}.scenario")
            sid = str(p.resolve())
            if sid not in scenarios:
                scenarios[sid] = with_file_overrides(load_scenario(p))
        sc = scenarios[sid]
        on = "the base scenario's" if sid == "" else f"{t.scenario}'s"
        if kind in PROGRAM_TARGETS and sc.program.format == "none":
            raise ScenarioError(f"{where}: needs a scenario with a program ({on} program.format is none); use "
                                f"your program's scenario as the base or name it with 'scenario'")
        if kind == "sponsorship_promotion_ratio" and not sc.program.sponsorship:
            raise ScenarioError(f"{where}: needs a scenario with the sponsorship overlay ({on} program.sponsorship "
                                f"is false); name one with 'scenario'")
        if not t.fit:
            for f in ("parameter", "search"):
                if getattr(t, f) is not None:
                    raise ScenarioError(f"{where}.{f}: only a fitted target takes a {f} (this one has fit: false); "
                                        f"drop it or set fit: true")
            items.append(Item(label, kind, t, sid))
            continue
        param, default_search = FREE_PARAMETERS[kind]
        if t.parameter is not None:
            if t.parameter not in numeric:
                close = difflib.get_close_matches(t.parameter, list(numeric), n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else \
                    "; allowed: a numeric (non-whole-number) scenario parameter, see 'mentorsim params'"
                raise ScenarioError(f"{where}.parameter: {t.parameter!r} is not a parameter that can be fitted{hint}")
            param = t.parameter
            default_search = numeric[param]
        lo_ok, hi_ok = numeric[param]
        search = t.search or default_search
        if search[0] < lo_ok or search[1] > hi_ok:
            raise ScenarioError(f"{where}.search: {list(search)} leaves {param}'s allowed range "
                                f"{_g(lo_ok)} to {_g(hi_ok)}")
        key = param if is_shared(param) else (param, sid)
        if key in used:
            raise ScenarioError(f"{where}.parameter: {param} already fits {used[key]}; each fitted target needs its "
                                f"own parameter (set 'parameter' on one of them, or 'fit: false')")
        used[key] = label
        items.append(Item(label, kind, t, sid, param, (float(search[0]), float(search[1]))))
    return Spec(source, tf, base, scenarios, items)

def _g(v: float) -> str:
    return f"{v:g}"
