"""Nothing a user names is injected: hostile scenario and group names are escaped in every HTML output.

The scorecard (its text, its attributes and its inline JSON data block), the SVG figures and the dashboard's
HTML fragments each get names such as ``<script>alert(1)</script>``, ``<!--<script>`` and ``"'&``; none comes
out raw, the data block still reads back, and in Chromium the scorecard opens no dialog.
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import pytest

import mentorsim as ms
from mentorsim.dashboard import html as page_html
from mentorsim.reports.text import script_json

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<!--<script>", "\"'&"]
#: what must never appear raw: every hostile name but the last (its characters are ordinary in prose)
RAW = HOSTILE[:4]
GROUPS = [
    {"name": HOSTILE[0], "share_by_level": [0.6, 0.65, 0.7, 0.78, 0.82]},
    {"name": HOSTILE[1], "share_by_level": [0.4, 0.35, 0.3, 0.22, 0.18]},
]
DATA = re.compile(r'<script type="application/json" id="mentorsim-data">(.*?)</script>', re.S)


def _scenarios() -> list[ms.Scenario]:
    common = {"workforce.size": 200, "workforce.groups": GROUPS}
    base = ms.load_scenario(ROOT / "scenarios" / "baseline.yaml").with_overrides(
        {**common, "name": HOSTILE[3], "description": HOSTILE[2]}
    )
    prog = ms.load_scenario(ROOT / "scenarios" / "one_on_one.yaml").with_overrides(
        {**common, "name": HOSTILE[4], "description": HOSTILE[0], "program.eligibility.groups": [HOSTILE[1]]}
    )
    return [base, prog, prog.with_overrides({"name": HOSTILE[2], "program.cadence": "weekly"})]


@pytest.fixture(scope="module")
def cmp() -> ms.Comparison:
    return ms.compare(_scenarios(), replications=3, seed=1)


@pytest.fixture(scope="module")
def written(cmp, tmp_path_factory) -> tuple[Path, str]:
    path = ms.report(cmp, path=tmp_path_factory.mktemp("hostile") / "report.html", both=False)
    return Path(path), Path(path).read_text(encoding="utf-8")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.comments.append(data)


def _raw(text: str) -> list[str]:
    return [h for h in RAW if h in text]


def test_script_json_cannot_end_or_reopen_its_element():
    for name in [*HOSTILE, "</script>", "</SCRIPT >", "a\u2028b\u2029c"]:
        s = script_json({"name": name, "n": [1.5, None]})
        assert not set("<>&\u2028\u2029") & set(s), s
        assert json.loads(s) == {"name": name, "n": [1.5, None]}


def test_no_hostile_name_is_raw_in_the_scorecard(written):
    _, text = written
    assert _raw(text) == []
    m = DATA.search(text)
    assert m, "the data block ends where it should"
    data = json.loads(m.group(1))
    assert data["meta"]["baseline"] == HOSTILE[3] and data["meta"]["scenarios"] == [HOSTILE[4], HOSTILE[2]]
    assert data["equity"]["groups"] == [GROUPS[0]["name"], GROUPS[1]["name"]]
    tags = _Tags()
    tags.feed(text)
    assert [t for t, _ in tags.tags if t in ("script", "svg", "iframe", "object")] == ["script"]
    assert all(not k.startswith("on") for _, a in tags.tags for k in a), "no event-handler attribute"
    assert all(t != "img" or (a.get("src") or "").startswith("data:image/png;base64,") for t, a in tags.tags)
    assert tags.comments == []
    # the names are shown, escaped, where they belong: titles, cells, the equity section, the settings
    for h in HOSTILE:
        assert h.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in text or h == HOSTILE[4]
    assert "&quot;&#x27;&amp;" in text


def test_no_hostile_name_opens_a_dialog_in_chromium(written):
    path, _ = written
    assert Path("/usr/bin/chromium").exists(), "no /usr/bin/chromium: run `make browser` (make setup does)"
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            pg = b.new_page()
            pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            pg.goto(path.as_uri())
            pg.wait_for_timeout(500)
            scripts = pg.evaluate("() => document.querySelectorAll('script').length")
            data = pg.evaluate("() => JSON.parse(document.getElementById('mentorsim-data').textContent)")
            heading = pg.inner_text("#equity h3")
        finally:
            b.close()
    assert dialogs == []
    assert scripts == 1
    assert data["meta"]["baseline"] == HOSTILE[3]
    assert heading in (HOSTILE[4], HOSTILE[2])


@pytest.mark.parametrize("fonttype", ["path", "none"])
def test_no_hostile_name_is_raw_in_svg_figures(cmp, fonttype):
    from mentorsim.viz import plots
    from mentorsim.viz.equity import plot_management_share

    for fig in (plot_management_share(cmp), plots.retention(cmp, title=HOSTILE[0])):
        buf = io.StringIO()
        with matplotlib.rc_context({"svg.fonttype": fonttype}):
            fig.savefig(buf, format="svg")
        svg = buf.getvalue()
        assert _raw(svg) == [], fonttype
        tags = _Tags()
        tags.feed(svg)
        assert not any(t in ("script", "img") for t, _ in tags.tags)


def test_dashboard_fragments_escape_hostile_names():
    rows = [
        {
            "group": h,
            "label": h,
            "reached": 0.5,
            **{
                f"{m}{s}": 0.5
                for m in ("retention_36m", "management_share", "informal_mentor_share")
                for s in ("", "_base", "_diff")
            },
        }
        for h in HOSTILE
    ]
    out = [
        page_html.equity_html(rows, HOSTILE, 156),
        *(page_html.headline_html(h) for h in HOSTILE),
        page_html.cards_html([(h, h, h) for h in HOSTILE]),
    ]
    for frag in out:
        assert _raw(frag) == [], frag
        assert HOSTILE[4] not in frag  # quotes and ampersands are escaped too
    assert all("&quot;&#x27;&amp;" in frag for frag in (out[0], out[-2], out[-1]))


def test_the_dashboard_shows_hostile_group_names_escaped():
    """A Dashboard of a scenario with hostile group names: every HTML widget (headline, cards, equity
    table and sentences) escapes them; buttons and dropdowns are text, which ipywidgets escapes itself."""
    import ipywidgets as W

    sc = _scenarios()[1]
    dash = ms.Dashboard(sc, workforce_size=200, replications=2, seed=3, threaded=False)
    try:
        dash.view.value = "equity"
        dash.set(program_for=(HOSTILE[1],))
        assert dash.error is None, dash.error
        assert [r["group"] for r in dash.equity_rows] == [GROUPS[0]["name"], GROUPS[1]["name"]]
        html_values, todo = [], [dash.ui]
        while todo:
            w = todo.pop()
            if isinstance(w, W.HTML):
                html_values.append(w.value)
            todo.extend(getattr(w, "children", ()))
        assert len(html_values) > 5
        shown = "".join(html_values)
        assert _raw(shown) == []
        assert "&lt;img src=x onerror=alert(1)&gt;" in shown  # the group is named, escaped
    finally:
        dash.close()
