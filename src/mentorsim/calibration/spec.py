"""Loading a targets file: one-line validation errors, and the targets resolved against their scenarios.

:func:`load_targets` validates a file (path, mapping or :class:`~.targets.TargetsFile`),
loads the base scenario and every target's own, and gives each fitted target its free
parameter and search range: a :class:`Spec` of :class:`Item` objects.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mentorsim.calibration.targets import FREE_PARAMETERS, PROGRAM_TARGETS, WORKFORCE_TARGETS, Target, TargetsFile
from mentorsim.errors import ScenarioError
from mentorsim.schema.scenario import Scenario, load_scenario, read_yaml, scenario_from_dict
from mentorsim.schema.validation import summarize


def _wording(err: Any, keys: list[str], msg: str) -> str:
    """A targets file's own wording of a validation message (shares, correlations, scenarios, mappings)."""
    kind = keys[1] if keys[:1] == ["targets"] and len(keys) > 1 else None
    if (
        keys[-1:] == ["value"]
        and err["type"] in ("less_than_equal", "greater_than_equal")
        and kind in WORKFORCE_TARGETS
    ):
        return "must be a share between 0 and 1 (e.g. 2.2% a month is 0.022)"
    if keys == ["scenario"]:
        return "expected a scenario YAML path (relative to the targets file) or a scenario mapping"
    if (
        keys[-1:] == ["value"]
        and err["type"] in ("less_than_equal", "greater_than_equal")
        and kind == "cadence_quality_correlation"
    ):
        return "must be a correlation between -1 and 1"
    if keys[:1] == ["targets"] and keys[-1:] == ["scenario"]:
        return "expected a scenario YAML path (relative to the targets file)"
    if (
        keys[:1] == ["targets"]
        and len(keys) <= 2
        and err["type"] in ("model_type", "dict_type", "model_attributes_type", "list_type")
    ):
        return (
            "expected a mapping of the targets below"
            if len(keys) == 1
            else "expected a mapping such as {value: 0.022, tolerance: 0.003, evidence: C1}"
            + ("" if isinstance(err["loc"][-1], int) else ", or a list of them")
        )
    if keys[:1] == ["targets"] and len(keys) == 2 and err["type"] == "too_short":
        return "expected a mapping such as {value: 0.022, tolerance: 0.003, evidence: C1}, or a list of them"
    return msg


def _errors(errs: list[Any], doc: Any) -> str:
    """A targets file's validation errors in one line."""
    return summarize(
        errs,
        distinct=True,
        root=TargetsFile,
        doc=doc,
        style="document",
        missing="required field missing",
        literals=True,
        rewrite=_wording,
    )


@dataclass(frozen=True)
class Item:
    """One target, resolved: its scenario (an id into Spec.scenarios) and, if fitted, its free parameter."""

    label: str
    kind: str
    target: Target
    scenario: str
    parameter: str | None = None
    search: tuple[float, float] | None = None

    def fitting(self) -> tuple[str, tuple[float, float]]:
        """A fitted target's parameter and search range (load_targets sets both, or neither)."""
        assert self.parameter is not None and self.search is not None, f"{self.label} is not fitted"
        return self.parameter, self.search


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
        return [(i.label, i.target, *i.fitting()) for i in self.items if i.parameter is not None]


def _numeric_params() -> dict[str, tuple[float, float]]:
    from mentorsim.schema.params import parameter_register

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
            raise ScenarioError(
                f"{source}: a targets file must be a mapping with 'scenario' and 'targets', got {type(doc).__name__}"
            )
        try:
            tf = TargetsFile.model_validate(doc)
        except ValidationError as e:
            raise ScenarioError(f"{source}: {_errors(e.errors(), doc)}") from None
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
    items: list[Item] = []
    used: dict[str | tuple[str, str], str] = {}
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
            raise ScenarioError(
                f"{where}: needs a scenario with a program ({on} program.format is none); use "
                f"your program's scenario as the base or name it with 'scenario'"
            )
        if kind == "sponsorship_promotion_ratio" and not sc.program.sponsorship:
            raise ScenarioError(
                f"{where}: needs a scenario with the sponsorship overlay ({on} program.sponsorship "
                f"is false); name one with 'scenario'"
            )
        if not t.fit:
            for f in ("parameter", "search"):
                if getattr(t, f) is not None:
                    raise ScenarioError(
                        f"{where}.{f}: only a fitted target takes a {f} (this one has fit: false); "
                        f"drop it or set fit: true"
                    )
            items.append(Item(label, kind, t, sid))
            continue
        param, default_search = FREE_PARAMETERS[kind]
        if t.parameter is not None:
            if t.parameter not in numeric:
                close = difflib.get_close_matches(t.parameter, list(numeric), n=1, cutoff=0.6)
                hint = (
                    f"; did you mean '{close[0]}'?"
                    if close
                    else "; allowed: a numeric (non-whole-number) scenario parameter, see 'mentorsim params'"
                )
                raise ScenarioError(f"{where}.parameter: {t.parameter!r} is not a parameter that can be fitted{hint}")
            param = t.parameter
            default_search = numeric[param]
        lo_ok, hi_ok = numeric[param]
        search = t.search or default_search
        if search[0] < lo_ok or search[1] > hi_ok:
            raise ScenarioError(
                f"{where}.search: {list(search)} leaves {param}'s allowed range {_g(lo_ok)} to {_g(hi_ok)}"
            )
        key = param if is_shared(param) else (param, sid)
        if key in used:
            raise ScenarioError(
                f"{where}.parameter: {param} already fits {used[key]}; each fitted target needs its "
                f"own parameter (set 'parameter' on one of them, or 'fit: false')"
            )
        used[key] = label
        items.append(Item(label, kind, t, sid, param, (float(search[0]), float(search[1]))))
    return Spec(source, tf, base, scenarios, items)


def _g(v: float) -> str:
    return f"{v:g}"
