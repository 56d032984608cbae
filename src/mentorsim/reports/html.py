"""The report's page: its template and styles, the headline, the cards and the stories; :func:`render`."""

from __future__ import annotations

import json

from mentorsim.outputs import fmt
from mentorsim.outputs.comparison import Comparison
from mentorsim.reports import decision_section, equity_section, figures, intervals_section
from mentorsim.reports.headline import headline
from mentorsim.reports.stories import PERSONA_LABELS
from mentorsim.reports.tables import (
    assumptions_note,
    effects_table,
    evidence_table,
    gap_sentence,
    money_table,
    scorecard,
    settings_table,
)
from mentorsim.reports.text import RETENTION_YEARS, E, num, retention_key, script_json, years
from mentorsim.viz.style import COLORS

_INTERVAL = {
    "noise": " over luck only (every parameter at its value; run with --uncertainty parameters to add what "
    "we don't know)",
    "parameters": " over luck and what we don't know (each run draws every uncertain parameter)",
}

CSS = """
*{box-sizing:border-box}
body{font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d2433;margin:0;
background:#f4f5f7;line-height:1.45;font-size:15px}
main{max-width:1120px;margin:0 auto;padding:28px 32px 60px;background:#fff}
h1{font-size:28px;margin:0 0 4px}h2{font-size:21px;margin:40px 0 10px;padding-top:14px;border-top:2px solid #e3e6eb}
h3{font-size:17px;margin:24px 0 8px}h4{margin:0 0 8px;font-size:15.5px}
.meta{color:#5b6473;font-size:13.5px}
.headline{background:#eef4fb;border-left:6px solid #1f77b4;padding:18px 22px;margin:20px 0;border-radius:4px}
.headline .lead{font-size:20px;font-weight:600;margin:0 0 8px}
.headline .detail{font-size:16px;margin:0 0 10px}
.headline .action{font-size:16px;font-weight:600;color:#0f4c81;margin:0}
.cards{display:flex;gap:14px;flex-wrap:wrap;margin:14px 0}
.card{flex:1 1 250px;border:1px solid #dde1e7;border-radius:6px;padding:12px 14px}
.card h3{margin:0 0 8px;font-size:16px}
.kpi{display:flex;justify-content:space-between;border-bottom:1px dotted #e3e6eb;padding:3px 0}
.kpi b{font-size:16px}
table{border-collapse:collapse;width:100%;margin:8px 0 12px}
th,td{text-align:left;vertical-align:top;padding:6px 10px;border-bottom:1px solid #e8eaee}
thead th{background:#f7f8fa;font-size:13.5px}
table.score td{text-align:right;min-width:150px}table.score thead th{text-align:right}
table.score thead th:first-child{text-align:left}
tr.grp th{background:#1d2433;color:#fff;font-size:13px;letter-spacing:.04em;text-transform:uppercase}
th.m{font-weight:600;width:260px}
.v{font-size:16px;font-weight:600}.sub{color:#6b7383;font-size:12.5px;font-weight:400}
.d{font-size:13.5px}.up{color:#1a7f37}.down{color:#b42318}.flat{color:#6b7383}
td.chg{background:#fff6df;font-weight:600}
.fig{margin:10px 0;text-align:center}.fig img{max-width:100%}
.note{color:#4a5262;font-size:14px}
.assumed{color:#b45309;cursor:help}
.warn{color:#b45309}
.decision{font-size:16px}
.gap{font-size:16px;background:#f7f8fa;padding:12px 16px;border-radius:4px}
.story{border:1px solid #dde1e7;border-radius:6px;padding:14px 16px;margin:12px 0}
.two{display:grid;grid-template-columns:1fr 1fr;gap:18px}.two p{margin:4px 0}
.lbl{font-size:12.5px;text-transform:uppercase;letter-spacing:.05em;color:#6b7383;font-weight:600}
.verdict{font-weight:600;margin:10px 0 0;color:#0f4c81}
table.ev ul{margin:0;padding-left:18px}td.desc{font-size:13px;color:#4a5262}
code{font-size:12.5px;background:#f3f4f6;padding:1px 4px;border-radius:3px}
pre{background:#f7f8fa;padding:10px;font-size:12px;overflow:auto}
details{margin:6px 0}
@media print{body{background:#fff}main{padding:0}.story,.card{break-inside:avoid}}
"""


def _cards(data: dict) -> str:
    rk = retention_key(data)
    out = []
    for k, s in enumerate(data["scenarios"]):
        r, ret, m = s["roi"], s["diff"].get(rk, {}), s["money"]
        c = COLORS[k % len(COLORS)]
        kp = [
            ("Retention after " + RETENTION_YEARS[rk], num(ret.get("diff_mean"), rk, True)),
            (
                "Promotion rate",
                num(s["diff"].get("annual_promotion_rate", {}).get("diff_mean"), "annual_promotion_rate", True),
            ),
            ("Median ROI", "–" if r.get("median") is None else fmt.value("roi", r["median"])),
            ("Chance ROI is positive", "–" if r.get("median") is None else f"{r['p_positive']:.0%}"),
            ("Net saving", num(m["net_saving"]["mean"], "total_cost")),
        ]
        rows = "".join(f'<div class="kpi"><span>{E(a)}</span><b>{E(b)}</b></div>' for a, b in kp)
        out.append(f'<div class="card" style="border-top:4px solid {c}"><h3>{E(s["name"])}</h3>{rows}</div>')
    return '<div class="cards">' + "".join(out) + "</div>"


def _img(b64: str, alt: str) -> str:
    return f'<div class="fig"><img alt="{E(alt)}" src="data:image/png;base64,{b64}"></div>' if b64 else ""


def _story_html(st: dict, data: dict) -> str:
    facts = E(json.dumps(st["facts"]))
    if st["person_id"] is None:
        return f'<div class="story" data-persona="{E(st["persona"])}"><h4>{E(st["title"])}</h4></div>'
    prog = " ".join(E(x) for x in st["program_sentences"])
    base = " ".join(E(x) for x in st["baseline_sentences"])
    return (
        f'<div class="story" data-persona="{E(st["persona"])}" data-person="{E(str(st["person_id"]))}" '
        f'data-scenario="{E(st["scenario"])}" data-facts="{facts}"><h4>{E(st["title"])}</h4>'
        f'<div class="two"><div><div class="lbl">With {E(st["scenario"])}</div><p>{prog}</p></div>'
        f'<div><div class="lbl">Same person, no program ({E(st["baseline"])})</div><p>{base}</p></div></div>'
        f'<p class="verdict">{E(st["verdict"])}</p></div>'
    )


def render(
    cmp: Comparison, data: dict, title: str = "Mentorship program scorecard", also: Comparison | None = None
) -> str:
    """The HTML document of the report (figures embedded; no external resources); ``also``: the same
    designs under the other kind of uncertainty, shown beside ``cmp``'s."""
    meta = data["meta"]
    h = headline(data)
    data["headline"] = h
    n = meta["replications"]
    by_scenario: dict[str, list[dict]] = {}
    for st in data.get("stories", []):
        by_scenario.setdefault(st["scenario"], []).append(st)
    stories_html = "".join(
        f"<h3>{E(name)}</h3>" + "".join(_story_html(st, data) for st in sts) for name, sts in by_scenario.items()
    )
    personas = ", ".join(PERSONA_LABELS[p] for p in ("early_career", "first_time_manager", "career_pivoter"))
    gaps = "".join(f'<p class="gap">{gap_sentence(s)}</p>' for s in data["scenarios"] if gap_sentence(s))
    equity = equity_section.section(cmp, data.get("equity"))
    k = 4 + bool(equity)  # the sections after the equity one move down when it is there
    equity = f"<h2>4. Each group: who the program reaches and what changes</h2>\n{equity}" if equity else ""
    payload = script_json(data)
    body = f"""
<main>
<h1>{E(title)}</h1>
<div class="meta">{E(", ".join(meta["scenarios"]))} against {E(meta["baseline"])} · {meta["workforce_size"]:,} people ·
{years(meta["horizon_weeks"])} · {n} paired simulated runs (seed {meta["seed"]}) · mentorsim {E(meta["version"])} ·
written {meta["written"]}</div>

<section class="headline" data-headline-scenario="{E(h["scenario"])}">
<p class="lead">{E(h["lead"])}</p>
<p class="detail">{E(h["detail"])}</p>
<p class="action">{E(h["action"])}</p>
</section>
{_cards(data)}
<p class="note">Each run simulates the same {meta["workforce_size"]:,} starting employees with and without the
program (common random numbers), so differences come from the program, not from luck in who was hired.
Changes are shown as mean difference with a 95% interval{_INTERVAL[meta.get("uncertainty", "noise")]};
"better in X% of runs" counts the paired runs in which
the program beat no program. ROI = (turnover cost avoided − program cost) ÷ program cost; it counts replacement
costs only, not the value of promotions, goals reached or engagement.</p>

<h2>1. Return on investment</h2>
{_img(figures.roi(data), "Histogram of ROI across simulated runs per scenario")}
{money_table(data)}
{_img(figures.money(data), "Program cost against turnover cost avoided")}
<h3>Which design is best, and how sure</h3>
{decision_section.section(cmp, also)}
{intervals_section.section(data["intervals"]) if data.get("intervals") else ""}

<h2>2. Scorecard: what changes for the workforce</h2>
<p class="note">Values are means over {n} runs. Under each program value: the change against
{E(meta["baseline"])} with its 95% interval, and how often the program did better.</p>
{scorecard(data)}
{assumptions_note(data)}
{_img(figures.retention(cmp), "Retention curves of the starting workforce")}

<h2>3. Volunteers versus the program: naive gap and causal effect</h2>
<p class="note">Comparing mentees with non-participants (the "naive gap", how most programs report results, as
in evidence C4 and C5) mixes three things. <b>Timing</b>: people can only enrol while they are still employed, so
"non-participants" include everyone who left before a cohort could take them. <b>Selection</b>: among people
equally able to enrol in the same week, those who volunteer are more ambitious and engaged and would stay and get
promoted more often anyway. <b>The causal effect</b>: the same mentees with and without the program, which is
what the program did. The three add up to the naive gap.</p>
{gaps}
{effects_table(data)}
{_img(figures.gap(data), "Naive participant gap beside the causal effect")}

{equity}
<h2>{k}. The stories behind the numbers</h2>
<p class="note">For each persona ({personas}) we follow the lowest-numbered starting employee who was a mentee in
run 1 (chosen by ID, not by outcome), and the same person in the world without the program. Every sentence is
generated from the simulation's event log. Weeks count from the start (week 52 is the end of year one).</p>
{stories_html}

<h2>{k + 1}. Assumptions and the evidence behind them</h2>
<p class="note">Every parameter cites an evidence ID (C1..C7), a row of the evidence defaults table, or says it is
an assumption. C4 and C5 are used as relative effects only: the model separates when people could enrol and who volunteers from what the
program does, as section 3 shows.</p>
{evidence_table(data)}

<h2>{k + 2}. Scenario settings</h2>
{settings_table(cmp)}
</main>
<script type="application/json" id="mentorsim-data">{payload}</script>
"""
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{E(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n"
    )
