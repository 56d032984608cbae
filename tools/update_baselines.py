"""Golden results: regenerate ``tests/baselines/`` from the engine as it is now.

    python tools/update_baselines.py          # rewrite every case's file
    python tools/update_baselines.py --check  # compare only; exit 1 naming what changed

Each case is a small workforce run as one batch of two replications (so the per-site
logic is covered). A case's file holds, per replication, a hash of every column of the
people, relationship, time-series and event tables and the summary metrics written
exactly (``repr`` of the float), so a difference names the table, the column or metric
and the replication. ``tests/test_baselines.py`` fails on any difference.

Regenerate only for an intended change of results, in its own commit whose message
says why the results changed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BASELINES = ROOT / "tests" / "baselines"
SEED = 11
REPLICATIONS = (0, 1)
SIZE = 300
#: the world before issue 14: nobody has an informal mentor, everyone is in one group, and the workforce is
#: calibrated as it was then (informal mentoring's effect moved the fit to C1-C3); the goldens pin that
#: these give the engine's results from before groups and informal mentoring existed
WORLD_OFF = {"workforce.informal_mentoring.share_by_level": [0.0] * 5,
             "workforce.groups": [{"name": "everyone", "share_by_level": [1.0] * 5}],
             "workforce.base_weekly_quit_hazard": 0.0040, "workforce.first_year_hazard_multiplier": 4.2,
             "workforce.promotion_base_logit": -3.75}
#: the world as it is (issue 14): the defaults, with groups and informal mentoring, and the programs for it
WORLD = {"world-none": ("baseline.yaml", {}), "world-one_on_one": ("one_on_one.yaml", {}),
         "world-one_on_one-assigned": ("one_on_one.yaml", {"program.enrolment": "assigned"}),
         "world-circle-prioritise": ("circle.yaml", {"program.prioritise_without_informal": True}),
         "world-new_hire_buddies": ("new_hire_buddies.yaml", {}),
         "world-targeted_under_represented": ("targeted_under_represented.yaml", {"trace": 2})}


def cases() -> dict[str, tuple[str, dict]]:
    """Case name -> (scenario file, overrides).

    From the registries (``mentorsim.programs``): every format that holds sessions (its scenario is
    ``scenarios/<format>.yaml``) with no recognition and with the first recognising policy, each with
    and without sponsorship; every other recognising policy with the reference format (the one with
    evidence); then cases named by hand."""
    from mentorsim.programs import FORMATS, POLICIES

    formats = [n for n, f in FORMATS.items() if f.holds_sessions]
    reference = next(n for n, f in FORMATS.items() if f.holds_sessions and f.evidenced)
    crossed, *others = [n for n, c in POLICIES.items() if c.has_cycle()]
    out: dict[str, tuple[str, dict]] = {"none": ("baseline.yaml", {})}
    for fmt in formats:
        for rec in ("none", crossed):
            for sponsor in (False, True):
                name = f"{fmt}-{rec}-{'sponsor' if sponsor else 'nosponsor'}"
                out[name] = (f"{fmt}.yaml", {"program.recognition": rec, "program.sponsorship": sponsor})
    for rec in others:
        out[f"{reference}-{rec}"] = (f"{reference}.yaml", {"program.recognition": rec})
    out["one_on_one-evergreen"] = ("one_on_one.yaml", {"program.intake": "evergreen"})
    out["circle-evergreen"] = ("circle.yaml", {"program.intake": "evergreen"})
    out["one_on_one-random_matching"] = ("one_on_one.yaml", {"program.matching": "random"})
    out["micro_board-random_matching"] = ("micro_board.yaml", {"program.matching": "random"})
    out["one_on_one-traced"] = ("one_on_one.yaml", {"trace": "all"})
    out["peer-traced"] = ("peer.yaml", {"trace": "all"})
    out["sponsorship-traced"] = ("sponsorship.yaml", {"trace": 2})
    return {**{name: (file, {**WORLD_OFF, **ov}) for name, (file, ov) in out.items()}, **WORLD}


def _hash(a) -> str:
    arr = np.asarray(a)
    if arr.dtype == object or arr.dtype.kind in "UO":
        data = json.dumps([str(x) for x in arr.tolist()]).encode()
    else:
        data = np.ascontiguousarray(arr).tobytes()
    return hashlib.sha256(str(arr.dtype).encode() + b"|" + data).hexdigest()[:16]


def compute(name: str) -> dict:
    """The golden record of one case, as JSON-ready data."""
    import mentorsim as ms
    from mentorsim import engine

    path, overrides = cases()[name]
    overrides = dict(overrides)
    trace = overrides.pop("trace", None)
    sc = ms.load_scenario(ROOT / "scenarios" / path).with_overrides({"workforce.size": SIZE, **overrides})
    reps = engine.run_batch(sc, SEED, list(REPLICATIONS), trace=trace)
    record: dict = {"scenario": path, "overrides": cases()[name][1], "seed": SEED, "replications": []}
    for r in reps:
        ts = np.asarray(r.timeseries)
        record["replications"].append({
            "replication": r.replication,
            "people": {c: _hash(v) for c, v in r.people.items()},
            "relationships": {c: _hash(v) for c, v in r.relationships.items()},
            "timeseries": {f"col{j}": _hash(ts[:, j]) for j in range(ts.shape[1])},
            "events": {c: _hash(v) for c, v in sorted(r.events.items())},
            "metrics": {m: repr(float(v)) for m, v in r.metrics.items()},
        })
    return record


def differences(old: dict, new: dict) -> list[str]:
    """What changed between two records of a case, one line per table column or metric."""
    out = []
    for ro, rn in zip(old["replications"], new["replications"]):
        rep = ro["replication"]
        for table in ("people", "relationships", "timeseries", "events", "metrics"):
            a, b = ro.get(table, {}), rn.get(table, {})
            for key in sorted(set(a) | set(b)):
                if a.get(key) != b.get(key):
                    what = f"{a.get(key)} -> {b.get(key)}" if table == "metrics" else "hash differs"
                    out.append(f"replication {rep}: {table}.{key}: {what}")
    if len(old["replications"]) != len(new["replications"]):
        out.append("number of replications differs")
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    BASELINES.mkdir(parents=True, exist_ok=True)
    changed = 0
    for name in cases():
        f = BASELINES / f"{name}.json"
        new = compute(name)
        if check:
            old = json.loads(f.read_text()) if f.exists() else None
            diff = ["no stored baseline"] if old is None else differences(old, new)
            for line in diff:
                print(f"{name}: {line}")
            changed += bool(diff)
        else:
            f.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n")
    if check:
        print(f"{changed} of {len(cases())} cases differ" if changed else f"all {len(cases())} cases identical")
    else:
        print(f"wrote {len(cases())} baselines to {BASELINES.relative_to(ROOT)}")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
