"""The program scorecard: its numbers match Results, it is self-contained, its stories come
from the event log, and it renders in headless Chromium."""

from __future__ import annotations

import importlib
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import mentorsim as ms
from mentorsim.commands.cli import main
from mentorsim.outputs import fmt

rp = importlib.import_module("mentorsim.reports.text")  # how the report writes numbers

ROOT = Path(__file__).resolve().parents[1]
SEED, REPS, SIZE = 3, 4, 300


def _load(name: str) -> ms.Scenario:
    return ms.load_scenario(ROOT / "scenarios" / f"{name}.yaml").with_overrides({"workforce.size": SIZE})


@pytest.fixture(scope="module")
def scenarios() -> list[ms.Scenario]:
    return [_load("baseline"), _load("one_on_one"), _load("circle")]


@pytest.fixture(scope="module")
def cmp(scenarios) -> ms.Comparison:
    """Computed here, independently of the report (which runs its own comparison)."""
    return ms.compare(scenarios, replications=REPS, seed=SEED)


@pytest.fixture(scope="module")
def written(scenarios, tmp_path_factory) -> tuple[Path, str, dict]:
    path = tmp_path_factory.mktemp("report") / "report.html"
    out = ms.report(*scenarios, replications=REPS, seed=SEED, path=path)
    assert Path(out) == path
    text = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="mentorsim-data">(.*?)</script>', text, re.S)
    assert m, "the report has no data block"
    return path, text, json.loads(m.group(1).replace("<\\/", "</"))


def _close(a, b) -> bool:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return (a is None or (isinstance(a, float) and math.isnan(a))) and (
            b is None or (isinstance(b, float) and math.isnan(b))
        )
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


# ---- numbers ---------------------------------------------------------------------------------
def test_summary_and_differences_match_results(written, cmp):
    _, _, data = written
    assert data["baseline"]["name"] == cmp.baseline.name
    for m, row in cmp.baseline.summary().iterrows():
        assert _close(data["baseline"]["summary"][m]["mean"], row["mean"]), m
    table = cmp.table()
    assert [s["name"] for s in data["scenarios"]] == cmp.names[1:]
    for s in data["scenarios"]:
        res = cmp[s["name"]]
        for m, row in res.summary().iterrows():
            for k in ("mean", "ci_low", "ci_high"):
                assert _close(s["summary"][m][k], row[k]), (s["name"], m, k)
        t = table[table.scenario == s["name"]].set_index("metric")
        assert set(s["diff"]) == set(t.index) - {"roi"}
        for m, d in s["diff"].items():
            for k in ("diff_mean", "ci_low", "ci_high", "p_better"):
                assert _close(d[k], t.loc[m, k]), (s["name"], m, k)
        # money: turnover cost avoided and net saving are the negated paired differences
        assert _close(s["money"]["turnover_cost_avoided"]["mean"], -t.loc["turnover_cost", "diff_mean"])
        assert _close(s["money"]["net_saving"]["mean"], -t.loc["total_cost", "diff_mean"])
        assert _close(s["money"]["program_cost"]["mean"], res.summary().loc["program_cost", "mean"])


def test_roi_distribution_matches_comparison(written, cmp):
    _, _, data = written
    table = cmp.table()
    for s in data["scenarios"]:
        roi = cmp.roi(cmp[s["name"]]).dropna()
        assert s["roi"]["values"] == pytest.approx(roi.to_list(), rel=1e-12)
        assert s["roi"]["replications"] == [int(i) for i in roi.index]
        v = roi.to_numpy()
        assert _close(s["roi"]["median"], np.median(v))
        lo, hi = np.percentile(v, [2.5, 97.5])
        assert _close(s["roi"]["low"], lo) and _close(s["roi"]["high"], hi)
        row = table[(table.scenario == s["name"]) & (table.metric == "roi")].iloc[0]
        assert _close(s["roi"]["p_positive"], row.p_better)
        assert _close(s["roi"]["mean"], row.diff_mean)


def test_participant_effects_match_comparison(written, cmp):
    _, _, data = written
    pe = cmp.participant_effects()
    for s in data["scenarios"]:
        for _, row in pe[pe.scenario == s["name"]].iterrows():
            e = s["effects"][row.outcome]
            for k in ("naive_gap", "causal_effect", "causal_ci_low", "causal_ci_high", "selection"):
                assert _close(e[k], row[k]), (s["name"], row.outcome, k)


class _Cells(HTMLParser):
    """Collects elements carrying data-value with the text inside them."""

    def __init__(self):
        super().__init__()
        self.cells: list[tuple[dict, str]] = []
        self._stack: list[tuple[str, dict, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-value" in a:
            self._stack.append((tag, a, []))
        elif self._stack:
            self._stack.append((tag, None, []))

    def handle_endtag(self, tag):
        if self._stack:
            t, a, txt = self._stack.pop()
            if a is not None:
                self.cells.append((a, "".join(txt)))
            elif self._stack:
                self._stack[-1][2].extend(txt)

    def handle_data(self, d):
        if self._stack:
            self._stack[-1][2].append(d)


def test_displayed_cells_show_the_data(written, cmp):
    _, text, data = written
    p = _Cells()
    p.feed(text)
    by_name = {s["name"]: s for s in data["scenarios"]}
    seen = 0
    for a, txt in p.cells:
        if "data-metric" not in a or a["data-metric"] == "roi":
            continue
        name, m = a["data-scenario"], a["data-metric"]
        src = data["baseline"] if name == data["baseline"]["name"] else by_name[name]
        want = src["summary"].get(m, {}).get("mean")
        got = float(a["data-value"]) if a["data-value"] else None
        assert _close(got, want), (name, m)
        assert rp.num(want, m) in txt, (name, m, txt)
        if "data-diff" in a:
            d = src["diff"][m]["diff_mean"]
            assert _close(float(a["data-diff"]), d)
            assert rp.num(d, m, True) in txt
        seen += 1
    assert seen >= 3 * 15
    # the ROI cells show the median and the probability that ROI is positive
    roi_cells = [(a, t) for a, t in p.cells if a.get("data-metric") == "roi"]
    assert len(roi_cells) == len(data["scenarios"])
    for a, t in roi_cells:
        r = by_name[a["data-scenario"]]["roi"]
        assert _close(float(a["data-value"]), r["median"])
        assert fmt.value("roi", r["median"]) in t and f"{r['p_positive']:.0%}" in t


def test_headline_names_the_best_design_with_uncertainty(written, cmp):
    """The headline ranks the designs by expected net benefit (no program included), states the chance the top one is
    best, says plainly when none is clearly best, and gives the strongest program's ROI with its spread."""
    _, text, data = written
    nb = ms.decision.net_benefit(cmp).groupby("scenario").net_benefit.mean()
    p_best = ms.decision.acceptability(cmp, "retained", [0.0]).set_index("scenario").p_best
    top = nb.idxmax()
    h = data["headline"]
    assert h["lead"].startswith(f"Ranked by expected net benefit (turnover cost avoided minus program cost), {top} ")
    assert f"best design in {p_best[top]:.0%} of the paired runs" in h["lead"]
    assert ("No design is clearly best" in h["lead"]) == (p_best[top] < 0.8)
    best = next(s for s in data["scenarios"] if s["name"] == nb.drop("baseline").idxmax())
    assert h["scenario"] == best["name"]
    assert fmt.value("roi", best["roi"]["median"]) in h["lead"]
    assert f"{best['roi']['p_positive']:.0%}" in h["lead"]
    assert fmt.value("roi", best["roi"]["low"]) in h["lead"]
    assert re.search(r'class="headline"', text)


def test_contents_and_words(written):
    _, text, data = written
    for w in (
        "ROI",
        "early-career",
        "first-time manager",
        "career pivoter",
        "naive gap",
        "causal effect",
        "Retention after 1 year",
        "Retention after 2 years",
        "Retention after 3 years",
        "Internal moves",
        "Time to first promotion",
        "Sessions held",
        "Mentor load",
        "Mentor burnout",
        "Participation",
        "Goal attainment",
        "Program cost",
        "turnover cost avoided",
        "Scenario settings",
    ):
        assert w in text, w
    for cid in ("C1", "C2", "C3", "C4", "C5", "C6", "C7"):
        assert f'data-evidence="{cid}"' in text
    # every documented parameter is listed under its source
    reg = {r["parameter"]: r["source"] for r in data["evidence"]}
    assert reg["workforce.base_weekly_quit_hazard"] == "C1"
    assert reg["program.sponsor_odds_ratio"] == "C7"
    for param, src in reg.items():
        assert f'data-parameter="{param}" data-source="{src}"' in text, param
    assert any(r["kind"] == "assumption" for r in data["evidence"])


def test_self_contained(written):
    _, text, _ = written
    assert not re.findall(r'(?:src|href)\s*=\s*["\']?\s*(?:https?:)?//', text, re.I)
    assert not re.search(r"<link\b", text, re.I)
    assert not re.search(r"<script[^>]+src=", text, re.I)
    assert not re.search(r"@import|url\(", text, re.I)
    imgs = re.findall(r'<img[^>]+src="([^"]+)"', text)
    assert len(imgs) >= 4 and all(s.startswith("data:image/png;base64,") for s in imgs)


# ---- stories -----------------------------------------------------------------------------------
def _events(sc: ms.Scenario, pid: int):
    ev = ms.simulate(sc, replications=1, seed=SEED, trace=[pid]).events
    return ev[ev.person_id == pid]


def test_stories_come_from_the_event_log(written, cmp, scenarios):
    _, text, data = written
    by_name = {s.name: s for s in scenarios}
    assert len(data["stories"]) == 3 * (len(scenarios) - 1)
    told = 0
    for st in data["stories"]:
        assert st["persona"] in ("early_career", "first_time_manager", "career_pivoter")
        if st["person_id"] is None:
            continue
        told += 1
        pid = st["person_id"]
        people = cmp[st["scenario"]].people
        row = people[(people.replication == 0) & (people.person_id == pid)].iloc[0]
        assert row.role in ("mentee", "both") and row.persona == st["persona"] and row.initial
        worlds = {"program": _events(by_name[st["scenario"]], pid), "baseline": _events(by_name[st["baseline"]], pid)}
        # every fact the story rests on is an event of that person in that world
        for f in st["facts"]:
            ev = worlds[f["world"]]
            assert ((ev.week == f["week"]) & (ev.event == f["event"])).any(), (pid, f)
        # and every claim in the sentences is backed by the events
        for world, sentences in (("program", st["program_sentences"]), ("baseline", st["baseline_sentences"])):
            ev = worlds[world]
            _check_sentences(" ".join(sentences), ev)
        assert f'data-person="{pid}"' in text
    assert told >= 3


def _has(ev, event: str, week: int | None = None) -> bool:
    hit = ev.event == event
    if week is not None:
        hit &= ev.week == week
    return bool(hit.any())


def _check_sentences(s: str, ev) -> None:
    """Each kind of claim in a story, matched against the person's events."""
    for w in re.findall(r"reached their career goal in week (\d+)", s):
        assert _has(ev, "goal_reached", int(w))
    if "did not reach their career goal" in s:
        assert not _has(ev, "goal_reached")
    for lvl, w in re.findall(r"promoted to level (\d+) in week (\d+)", s):
        hit = ev[(ev.event == "promoted") & (ev.week == int(w))]
        assert len(hit) and f"level {lvl}" in hit.details.iloc[0]
    if "were not promoted" in s:
        assert not _has(ev, "promoted")
    for w in re.findall(r"left the organisation in week (\d+)", s):
        assert _has(ev, "quit", int(w))
    if "still with the organisation" in s:
        assert not _has(ev, "quit")
    for w in re.findall(r"new role inside the organisation in week (\d+)", s):
        assert _has(ev, "moved_internally", int(w))
    for w in re.findall(r"In week (\d+) they (?:joined|enrolled again in) the", s):
        assert _has(ev, "enrolled", int(w))
    for lvl, m in re.findall(r"level-(\d+) (?:mentor|facilitator) \(#(\d+)\)", s):
        assert ev[ev.event == "matched"].details.str.contains(f"#{m} (level {lvl})", regex=False).any()
    for held, missed in re.findall(r"held (\d+) sessions? .*?and missed (\d+)", s):
        assert int(held) == int((ev.event == "meeting_held").sum())
        assert int(missed) == int((ev.event == "meeting_missed").sum())
    for w in re.findall(r"In week (\d+) they completed the program term", s):
        assert _has(ev, "graduated", int(w))
    for w in re.findall(r"In week (\d+) they gained a sponsor", s):
        assert _has(ev, "sponsored", int(w))
    for w in re.findall(r"In week (\d+) they and their mentor agreed to end", s):
        assert _has(ev, "sunset", int(w))


# ---- rendering -----------------------------------------------------------------------------------
def test_renders_in_headless_chromium(written, tmp_path):
    path, _, _ = written
    assert Path("/usr/bin/chromium").exists(), "no /usr/bin/chromium: run `make browser` (make setup does)"
    from playwright.sync_api import sync_playwright

    shot = tmp_path / "report.png"
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            pg = b.new_page(viewport={"width": 1200, "height": 900})
            failed: list[str] = []
            pg.on("requestfailed", lambda r: failed.append(r.url))
            pg.goto(path.as_uri())
            pg.screenshot(path=str(shot), full_page=True)
            shown = pg.eval_on_selector_all(
                "img",
                "els => els.filter(e => e.complete && e.naturalWidth > 100 && "
                "e.getBoundingClientRect().width > 100).length",
            )
            headline = pg.inner_text(".headline")
        finally:
            b.close()
    assert shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shown >= 4
    assert "ROI" in headline
    assert not failed


# ---- API and command line --------------------------------------------------------------------
def test_report_needs_a_scenario(scenarios, tmp_path):
    with pytest.raises(ms.MentorsimError):
        ms.report(scenarios[0], path=tmp_path / "r.html")


def test_report_accepts_a_comparison(cmp, tmp_path):
    out = ms.report(cmp, path=tmp_path / "r.html")
    assert out.exists() and "ROI" in out.read_text(encoding="utf-8")


def test_cli_writes_and_prints_the_path(tmp_path, capsys):
    b, s = tmp_path / "b.yaml", tmp_path / "s.yaml"
    _load("baseline").with_overrides({"workforce.size": 150}).dump(b)
    _load("one_on_one").with_overrides({"workforce.size": 150}).dump(s)
    out = tmp_path / "r.html"
    assert main(["report", str(b), str(s), "-o", str(out), "--replications", "2", "--seed", "1"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert out.exists()


def test_cli_bad_input_is_one_line(tmp_path, capsys):
    assert (
        main(["report", str(tmp_path / "missing.yaml"), str(tmp_path / "x.yaml"), "-o", str(tmp_path / "r.html")]) == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no such file" in err[0]


def test_cli_help_has_an_example(capsys):
    assert main(["report", "--help"]) == 0
    out = capsys.readouterr().out
    assert "example:" in out and "mentorsim report scenarios/baseline.yaml" in out and "-o" in out


def test_a_scenario_without_program_has_no_roi(tmp_path):
    b = _load("baseline").with_overrides({"workforce.size": 150, "horizon_weeks": 60})
    out = ms.report(b, b.with_overrides({"name": "also_none"}), replications=2, seed=1, path=tmp_path / "r.html")
    text = out.read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="mentorsim-data">(.*?)</script>', text, re.S).group(1).replace("<\\/", "</"))
    assert data["scenarios"][0]["roi"]["values"] == []
    assert "no ROI" in data["headline"]["lead"]


def test_both_kinds_of_interval_side_by_side(written, scenarios):
    """The scorecard shows each decision change under luck only and under luck and what we don't know:
    the same numbers as a noise and a parameter-uncertainty comparison of the same seed. (Which interval is
    wider is not a property: with few replications, or where the unknowns barely move a paired difference, the
    parameter interval can come out narrower by chance; at 24 replications of 300 people one seed in three
    gives that for one-on-one's 36-month retention.)"""
    _, text, data = written
    assert 'id="both-intervals"' in text and "luck and what we don" in text
    unc = ms.compare(scenarios, replications=REPS, seed=SEED, uncertainty="parameters").table()
    unc = unc.set_index(["scenario", "metric"])
    noise = ms.compare(scenarios, replications=REPS, seed=SEED).table().set_index(["scenario", "metric"])
    rows = {(r["scenario"], r["metric"]): r for r in data["intervals"]}
    assert {m for _, m in rows} == {"retention_36m", "annual_promotion_rate", "turnover_cost", "roi"}
    for (name, metric), r in rows.items():
        assert set(r) >= {"noise", "parameters"}
        assert _close(r["parameters"]["ci_low"], unc.loc[(name, metric), "ci_low"])
        assert _close(r["noise"]["ci_high"], noise.loc[(name, metric), "ci_high"])
    ret = rows[("one_on_one", "retention_36m")]
    assert ret["parameters"]["ci_low"] != ret["noise"]["ci_low"]  # two kinds, not one shown twice
    # the ranking gives the chance each design is best under both kinds (the headline ranks as asked: luck only)
    rank = re.search(r'<table class="plain" id="ranking">(.*?)</table>', text, re.S).group(1)
    assert "luck and what we don" in rank and len(re.findall(r"data-p-best-other=", rank)) == len(scenarios)
    assert data["ranking_kind"] == "noise" and data["headline"]["lead"].startswith("Ranked by expected net benefit")


def test_one_kind_when_asked(scenarios, tmp_path):
    out = ms.report(*scenarios[:2], replications=2, seed=SEED, path=tmp_path / "one.html", both=False)
    text = Path(out).read_text(encoding="utf-8")
    assert (
        'id="both-intervals"' in text
        and "luck and what we don"
        not in re.search(r'<table class="plain" id="both-intervals">(.*?)</table>', text, re.S)
        .group(1)
        .split("</thead>")[1]
    )
