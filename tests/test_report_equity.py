"""The scorecard's equity section: its numbers are Comparison.equity's, its sentences say which group a
program helps more and hedge when the interval includes 0, it shows the management-share plot, and it is
left out when the workforce has one group."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import mentorsim as ms
from mentorsim.outputs.equity import group_metrics
from mentorsim.reports import equity_section
from mentorsim.schema.metrics import interval

ROOT = Path(__file__).resolve().parents[1]
SEED, REPS, SIZE = 3, 4, 400
ONE_GROUP = {"workforce.groups": [{"name": "everyone", "share_by_level": [1.0] * 5}]}


def _load(name: str, **ov) -> ms.Scenario:
    return ms.load_scenario(ROOT / "scenarios" / f"{name}.yaml").with_overrides({"workforce.size": SIZE, **ov})


@pytest.fixture(scope="module")
def cmp() -> ms.Comparison:
    return ms.compare([_load("baseline"), _load("targeted_under_represented")], replications=REPS, seed=SEED)


@pytest.fixture(scope="module")
def written(cmp, tmp_path_factory) -> tuple[str, dict]:
    path = ms.report(cmp, path=tmp_path_factory.mktemp("eq") / "report.html", both=False)
    text = Path(path).read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="mentorsim-data">(.*?)</script>', text, re.S)
    assert m
    return text, json.loads(m.group(1).replace("<\\/", "</"))


def _headings(text: str) -> list[str]:
    return re.findall(r"<h2>(.*?)</h2>", text)


def test_numbers_are_comparison_equity(cmp):
    data = equity_section.collect(cmp)
    assert data["groups"] == ["majority", "under_represented"] and data["thinnest"] == "under_represented"
    eq = cmp.equity().set_index(["scenario", "group", "metric"])
    (s,) = data["scenarios"]
    assert len(s["rows"]) == 2 * 4
    for r in s["rows"]:
        e = eq.loc[(s["name"], r["group"], r["metric"])]
        for k in ("value", "diff_mean", "ci_low", "ci_high"):
            assert np.isclose(r[k], e[k]), (r, k)
        assert np.isclose(r["baseline"], eq.loc[("baseline", r["group"], r["metric"]), "value"])
    # the contrast between the groups is their paired changes' difference, replication by replication
    d = {x.name: group_metrics(x).set_index(["replication", "group", "metric"]).value for x in cmp.results}
    ch = (d[s["name"]] - d["baseline"]).xs("retention_36m", level="metric").unstack("group")
    want = interval((ch.under_represented - ch.majority).to_numpy())
    got = s["contrast"]["retention_36m"]
    assert np.allclose([got["diff_mean"], got["ci_low"], got["ci_high"]], want)


def test_the_page_shows_the_section_its_cells_and_the_plot(written, cmp):
    text, data = written
    assert data["equity"]["scenarios"][0]["name"] == "targeted_under_represented"
    heads = _headings(text)
    assert heads[3].startswith("4. Each group")
    assert [int(h.split(".")[0]) for h in heads] == list(range(1, len(heads) + 1))
    section = text[text.index('<div id="equity"') :]
    section = section[: section.index("<h2>")]
    eq = cmp.equity().set_index(["scenario", "group", "metric"])
    cells = re.findall(
        r'data-scenario="([^"]+)" data-group="([^"]+)" data-equity-metric="([^"]+)" data-value="([^"]*)" '
        r'data-diff="([^"]*)"',
        section,
    )
    assert len(cells) == 8
    for name, g, m, v, d in cells:
        assert np.isclose(float(v), eq.loc[(name, g, m), "value"])
        assert np.isclose(float(d), eq.loc[(name, g, m), "diff_mean"])
    for sentence in data["equity"]["scenarios"][0]["sentences"]:
        assert sentence.replace("'", "&#x27;") in section
    assert "Under-represented group" in section and "Share of levels 4-5" in section
    assert re.search(r'<img alt="Each group&#x27;s share of management[^"]*" src="data:image/png;base64,', section)
    assert "assumptions" in section


def test_one_group_says_nothing_about_groups(tmp_path):
    cmp = ms.compare([_load("baseline", **ONE_GROUP), _load("one_on_one", **ONE_GROUP)], replications=2, seed=SEED)
    assert equity_section.collect(cmp) is None
    assert equity_section.section(cmp, None) == ""
    text = Path(ms.report(cmp, path=tmp_path / "r.html", both=False)).read_text(encoding="utf-8")
    assert 'id="equity"' not in text
    heads = _headings(text)
    assert [int(h.split(".")[0]) for h in heads] == list(range(1, len(heads) + 1))
    assert heads[3].startswith("4. The stories")


def _data(ret_thin, ret_top, contrast, ms_thin) -> dict:
    def row(g, m, d, base=0.2):
        mean, lo, hi = d
        return {
            "group": g,
            "metric": m,
            "value": base + mean,
            "baseline": base,
            "diff_mean": mean,
            "ci_low": lo,
            "ci_high": hi,
        }

    s = {
        "name": "p",
        "rows": [
            row("b", "retention_36m", ret_thin),
            row("a", "retention_36m", ret_top),
            row("b", "management_share", ms_thin),
        ],
        "contrast": {"retention_36m": dict(zip(("diff_mean", "ci_low", "ci_high"), contrast))},
    }
    return s, {"thinnest": "b", "top": "a", "horizon_weeks": 156}


def test_sentences_name_the_group_helped_more_and_hedge_when_the_interval_includes_zero():
    s, d = _data((0.03, 0.02, 0.04), (0.01, 0.0, 0.02), (0.02, 0.01, 0.03), (0.02, 0.01, 0.03))
    first, second = equity_section.sentences(s, d)
    assert "keeps 3.0 more of every 100 starting staff in the b group (+2.0 to +4.0)" in first
    assert "It helps the b group more: 2.0 more of every 100 stay than in the a group (+1.0 to +3.0)" in first
    assert "20.0% of levels 4-5" in second and "22.0% with it" in second and "narrows the gap" in second
    s, d = _data((0.01, -0.01, 0.03), (0.02, 0.0, 0.04), (-0.01, -0.03, 0.01), (-0.01, -0.03, 0.01))
    first, second = equity_section.sentences(s, d)
    assert "we cannot tell" in first and "includes no difference" in first
    assert "may not change the gap" in second and "includes 0" in second
    s, d = _data((0.0, -0.01, 0.01), (0.03, 0.02, 0.04), (-0.03, -0.04, -0.02), (-0.02, -0.03, -0.01))
    first, second = equity_section.sentences(s, d)
    assert "It helps the a group more: 3.0 more of every 100 stay than in the b group (+2.0 to +4.0)" in first
    assert "widens the gap" in second
