"""The sweep store's manifest, checked before it is trusted: every key known, of its type, within range.

A manifest is JSON: one object whose keys are those ``Sweep.manifest()`` writes plus ``format``,
``chunks`` (file name -> sha256, bytes, rows, points) and ``runs`` (the run log). Anything else (invalid
JSON, a key repeated, missing or unknown, a value of the wrong type, a number out of range, a chunk
name that is not a plain ``part-*.parquet`` file name, a checksum that is not 64 hex digits) is a
``StoreError`` in one line naming the manifest and what is wrong, never a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mentorsim.sweeps.integrity import StoreError

FORMAT = "mentorsim-sweep-store/2"
LEGACY = ("mentorsim-sweep-store/1",)  # no fingerprint, no checksums: readable, never resumed
MAX_INT = 2**63 - 1
CHUNK_NAME = re.compile(r"part-[A-Za-z0-9_.-]{1,200}\.parquet")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class _Bad(Exception):
    """What is wrong with one value (turned into the manifest's one line)."""


def _shown(v: Any) -> str:
    r = repr(v)
    return r if len(r) <= 60 else r[:57] + "..."


def _text(v: Any) -> None:
    if not isinstance(v, str):
        raise _Bad(f"must be text (got {_shown(v)})")


def _hex(v: Any) -> None:
    if not isinstance(v, str) or not _HEX64.fullmatch(v):
        raise _Bad(f"must be 64 hexadecimal digits (a sha256) (got {_shown(v)})")


def _whole(low: int, high: int = MAX_INT) -> Callable[[Any], None]:
    def check(v: Any) -> None:
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            raise _Bad(f"must be a whole number from {low:,} to {high:,} (got {_shown(v)})")

    return check


def _mapping(v: Any) -> None:
    if not isinstance(v, dict):
        raise _Bad(f"must be an object (got {_shown(v)})")


def _words(v: Any) -> None:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise _Bad(f"must be a list of names (got {_shown(v)})")


def _runs(v: Any) -> None:
    if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
        raise _Bad(f"must be a list of objects (got {_shown(v)})")


CHUNK_FIELDS: dict[str, Callable[[Any], None]] = {
    "sha256": _hex,
    "bytes": _whole(1),
    "rows": _whole(0),
    "points": _whole(0),
}


def _chunks(v: Any) -> None:
    _mapping(v)
    for name, entry in v.items():
        if not CHUNK_NAME.fullmatch(name):
            raise _Bad(f"{_shown(name)} is not a chunk file name (part-*.parquet, no folders)")
        if not isinstance(entry, dict):
            raise _Bad(f"{name}: must be an object (got {_shown(entry)})")
        _keys(entry, CHUNK_FIELDS, set(CHUNK_FIELDS), f"{name}.")
        for k, check in CHUNK_FIELDS.items():
            try:
                check(entry[k])
            except _Bad as e:
                raise _Bad(f"{name}.{k} {e}") from None


def _fields() -> dict[str, Callable[[Any], None]]:
    from mentorsim.run.limits import MAX_REPLICATIONS
    from mentorsim.sweeps.spec import MAX_POINTS

    return {
        "format": _text,
        "spec_hash": _hex,
        "spec_name": _text,
        "spec_source": _text,
        "spec_text": _text,
        "spec": _mapping,
        "base_scenario": _text,
        "mentorsim_version": _text,
        "model_fingerprint": _hex,
        "n_points": _whole(1, MAX_POINTS),
        "replications": _whole(1, MAX_REPLICATIONS),
        "seed": _whole(0),
        "parameters": _words,
        "metrics": _words,
        "created": _text,
        "chunks": _chunks,
        "runs": _runs,
    }


def _keys(doc: dict[str, Any], known: dict[str, Any], required: set[str], at: str = "") -> None:
    for k in doc:
        if k not in known:
            raise _Bad(f"unknown key {_shown(at + str(k))} (known: {', '.join(known)})")
    for k in known:
        if k in required and k not in doc:
            raise _Bad(f"missing key {at + k!r}")


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _Bad(f"key {_shown(k)} appears twice")
        out[k] = v
    return out


def parse_manifest(path: Path, data: bytes) -> dict[str, Any]:
    """The checked manifest in ``data`` (read from ``path``); a one-line ``StoreError`` when anything is off."""
    try:
        try:
            doc = json.loads(data.decode("utf-8"), object_pairs_hook=_no_repeats)
        except UnicodeDecodeError:
            raise _Bad("not UTF-8 text") from None
        except json.JSONDecodeError as e:
            raise _Bad(f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
        except (ValueError, RecursionError) as e:  # an integer of thousands of digits; nesting too deep
            raise _Bad(f"invalid JSON: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
        if not isinstance(doc, dict):
            raise _Bad(f"not a JSON object (got {type(doc).__name__})")
        fmt = doc.get("format")
        if fmt not in (FORMAT, *LEGACY):
            raise _Bad(f"format {_shown(fmt)} is not {FORMAT!r}")
        fields = _fields()
        required = set(fields) - ({"model_fingerprint", "chunks"} if fmt in LEGACY else set())
        _keys(doc, fields, required)
        for k, v in doc.items():
            try:
                fields[k](v)
            except _Bad as e:
                raise _Bad(f"{k}: {e}") from None
    except _Bad as e:
        raise StoreError(
            f"{path}: not a valid sweep manifest: {e}; it was edited or damaged: restore it from a copy, "
            "or run the sweep again into a new directory"
        ) from None
    return doc


def check_recorded(path: Path, m: dict[str, Any]) -> Any:
    """The ``Sweep`` a checked manifest records, refused in one line when it is invalid or disagrees with
    the manifest's other facts (``check_consistent``)."""
    from mentorsim.errors import MentorsimError
    from mentorsim.sweeps.integrity import model_fingerprint
    from mentorsim.sweeps.spec import Sweep

    try:
        sw = Sweep.from_manifest(m)
    except MentorsimError as e:
        raise StoreError(
            f"{path}: its recorded spec is not valid ({e}); it was edited or damaged, or made by a mentorsim "
            "whose scenarios differ: restore it from a copy, or run the sweep again into a new directory"
        ) from None
    check_consistent(path, m, sw, same_model=m.get("model_fingerprint") == model_fingerprint())
    return sw


def check_consistent(path: Path, m: dict[str, Any], sw: Any, same_model: bool) -> None:
    """Refuse a manifest whose recorded facts disagree with the spec it records (an edit that parsed).

    ``sw``: the ``Sweep`` rebuilt from the manifest. The spec's hash is compared only when this code is
    the model that wrote the store (``same_model``): another model may hash the same spec otherwise.
    """
    facts = {
        "n_points": sw.n_points,
        "replications": sw.spec.replications,
        "seed": sw.spec.seed,
        "parameters": sw.keys,
        "metrics": list(sw.metrics),
    }
    if same_model:
        facts["spec_hash"] = sw.spec_hash
    for k, want in facts.items():
        if m.get(k) != want:
            raise StoreError(
                f"{path}: not a valid sweep manifest: {k} is {_shown(m.get(k))} but its recorded spec gives "
                f"{_shown(want)}; it was edited or damaged: restore it from a copy, or run the sweep again "
                "into a new directory"
            )
