"""The report's tables as HTML: the scorecard, money, naive gap against causal effect, the evidence
register and the scenario settings. Every cell that shows a number carries it in ``data-*`` attributes."""

from __future__ import annotations

from mentorsim.outputs import fmt
from mentorsim.outputs.comparison import Comparison
from mentorsim.reports.text import E, attr, num, pts, show, span, unit
from mentorsim.schema.evidence import DEFAULTS, EVIDENCE, TOPIC_ALIASES
from mentorsim.schema.metrics import METRICS, PAIRED
from mentorsim.schema.params import parameter_register, source_kind
from mentorsim.schema.scenario import Scenario

#: The scorecard rows, in groups a reader scans top to bottom.
SCORECARD = (
    ("Reach", ("participation_rate", "mentor_share", "goal_attainment_rate", "mentee_goal_attainment_rate")),
    ("Retention", ("retention_12m", "retention_24m", "retention_36m", "quits_per_year", "monthly_quit_rate")),
    ("Careers", ("annual_promotion_rate", "time_to_promotion_weeks", "internal_mobility_rate")),
    (
        "Program health",
        ("meetings_held", "meetings_held_share", "mentor_load_hours", "mentor_burnout_rate", "mean_engagement"),
    ),
    ("Money", ("program_cost", "turnover_cost", "total_cost")),
)

KEY_LEVERS = (
    "program.format",
    "program.sponsorship",
    "program.cadence",
    "program.session_minutes",
    "program.participation_target",
    "program.matching",
    "program.intake",
    "program.term_weeks",
    "program.recognition",
    "program.mentor_capacity",
    "workforce.size",
    "horizon_weeks",
)


def _cell(s: dict, m: str) -> str:
    summ = s["summary"].get(m, {})
    d = s["diff"].get(m)
    v = summ.get("mean")
    attrs = f'data-scenario="{E(s["name"])}" data-metric="{m}" data-value="{attr(v)}"'
    main = num(v, m)
    if m == "meetings_held" and s.get("meetings_scheduled"):
        main += f' <span class="sub">of {num(s["meetings_scheduled"], m)} scheduled</span>'
    if not d or d.get("diff_mean") is None:
        rng = span(summ, m)
        sub = f'<div class="sub">95% interval {rng}</div>' if rng else ""
        return f'<td {attrs}><div class="v">{main}</div>{sub}</td>'
    good = METRICS[m].higher_is_better
    p = d["p_better"]
    cls = "up" if p >= 0.9 else "down" if p <= 0.1 else "flat"
    attrs += f' data-diff="{attr(d["diff_mean"])}" data-p-better="{attr(p)}"'
    arrow = "" if d["diff_mean"] == 0 else ("▲" if d["diff_mean"] > 0 else "▼")
    tip = f"better than the baseline in {p:.0%} of paired runs ({'higher' if good else 'lower'} is better)"
    return (
        f'<td {attrs}><div class="v">{main}</div><div class="d {cls}" title="{tip}">{arrow} '
        f'{num(d["diff_mean"], m, True)} <span class="sub">({span(d, m, True)})</span></div>'
        f'<div class="sub">better in {p:.0%} of runs</div></td>'
    )


def scorecard(data: dict) -> str:
    """The scorecard table: one column per design, against no program."""
    scs = data["scenarios"]
    base = data["baseline"]
    head = "".join(f'<th>{E(s["name"])}{assumed_mark(s)}<div class="sub">vs {E(base["name"])}</div></th>' for s in scs)
    rows = []
    for group, metrics in SCORECARD:
        rows.append(f'<tr class="grp"><th colspan="{2 + len(scs)}">{group}</th></tr>')
        for m in metrics:
            if m not in base["summary"] and not any(m in s["summary"] for s in scs):
                continue
            info = METRICS[m]
            bv = base["summary"].get(m, {}).get("mean")
            bcell = (
                f'<td data-scenario="{E(base["name"])}" data-metric="{m}" data-value="{attr(bv)}">'
                f'<div class="v">{num(bv, m)}</div></td>'
            )
            better = "higher" if info.higher_is_better else "lower"
            rows.append(
                f'<tr><th class="m" title="{E(info.description)}">{E(info.label)}'
                f'<div class="sub">{E(info.unit)}; {better} is better</div></th>{bcell}'
                + "".join(_cell(s, m) for s in scs)
                + "</tr>"
            )
    for m, pm in PAIRED.items():  # a design against the baseline, per paired run: no baseline value
        rows.append(
            f'<tr><th class="m" title="{E(pm.description)}">{E(pm.label)} (median)'
            f'<div class="sub">{E(pm.unit)}</div></th><td>–</td>' + "".join(_paired_cell(s, m) for s in scs) + "</tr>"
        )
    return (
        f'<table class="score"><thead><tr><th></th><th>{E(base["name"])}<div class="sub">no program</div></th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _paired_cell(s: dict, m: str) -> str:
    r = s["paired"][m]
    if r.get("median") is None:
        return "<td>–</td>"
    side = "positive" if PAIRED[m].higher_is_better else "negative"
    return (
        f'<td data-scenario="{E(s["name"])}" data-metric="{m}" data-value="{attr(r["median"])}" '
        f'data-p-positive="{attr(r["p_positive"])}"><div class="v">{fmt.value(m, r["median"])}</div>'
        f'<div class="sub">95% of runs {fmt.value(m, r["low"])} to {fmt.value(m, r["high"])}</div>'
        f'<div class="sub">{side} in {r["p_positive"]:.0%} of runs</div></td>'
    )


def assumed_mark(s: dict) -> str:
    """A dagger on a design whose results rest mainly on assumptions, with the reason as its title."""
    b = s.get("basis") or {}
    if b.get("basis") != "assumptions":
        return ""
    return f' <span class="assumed" title="rests mainly on assumptions: {E(b["why"])}">&dagger;</span>'


def assumptions_note(data: dict) -> str:
    """The footnote naming each design that rests mainly on assumptions, and why ('' if none)."""
    items = [
        f"<li><b>{E(s['name'])}</b>: {E(s['basis']['why'])}</li>"
        for s in data["scenarios"]
        if (s.get("basis") or {}).get("basis") == "assumptions"
    ]
    if not items:
        return ""
    return (
        '<p class="note" id="assumptions-note">&dagger; Rests mainly on assumptions (no published evidence '
        f"measures it; vary them with a sensitivity analysis):</p><ul>{''.join(items)}</ul>"
    )


def gap_sentence(s: dict) -> str:
    """One sentence: the naive participant gap beside the causal effect, and where the rest comes from."""
    e = s["effects"].get("retention")
    if not e or e["naive_gap"] is None or e["causal_effect"] is None:
        return ""
    naive, causal = e["naive_gap"], e["causal_effect"]
    share = causal / naive if naive else float("nan")
    if naive > 0 and 0 <= share < 1 and e.get("timing") is not None and e.get("selection") is not None:
        how = (
            f"so about {share:.0%} of the gap is the program; {pts(e['timing'])} is timing (people who left "
            f"before they could enrol count as non-participants) and {pts(e['selection'])} is who volunteers"
        )
    else:
        how = "so the gap between participants and others is not a fair measure of the program here"
    return (
        f"In {E(s['name'])}, {pts(naive)} more mentees than non-participants stayed to the end, but "
        f"the same people would mostly have stayed without the program too: the program itself kept "
        f"{pts(causal)} more of them (95% interval {pts(e['causal_ci_low'], False)} to "
        f"{pts(e['causal_ci_high'], False)}), {how}."
    )


def effects_table(data: dict) -> str:
    """The table of naive gaps and causal effects per design."""
    rows = []
    for s in data["scenarios"]:
        for outcome, label in (("retention", "stayed to the end"), ("promotion", "promoted at least once")):
            e = s["effects"].get(outcome)
            if not e:
                continue
            ratio = e.get("naive_ratio")
            rtxt = (
                "–"
                if ratio is None
                else (f"hazard ratio {ratio:.2f}" if outcome == "retention" else f"{ratio:.1f}x as often")
            )
            rows.append(
                f'<tr data-scenario="{E(s["name"])}" data-outcome="{outcome}" data-naive="{attr(e["naive_gap"])}" '
                f'data-causal="{attr(e["causal_effect"])}"><td>{E(s["name"])}{assumed_mark(s)}</td><td>{label}</td>'
                f'<td>{num(e["naive_gap"], "retention_36m", True)}<div class="sub">{rtxt}</div></td>'
                f'<td><b>{num(e["causal_effect"], "retention_36m", True)}</b><div class="sub">'
                f"{span(e, 'retention_36m', True, 'causal_ci_low', 'causal_ci_high')}</div></td>"
                f"<td>{num(e['timing'], 'retention_36m', True)}</td>"
                f"<td>{num(e['selection'], 'retention_36m', True)}</td></tr>"
            )
    return (
        '<table class="plain"><thead><tr><th>scenario</th><th>outcome</th><th>naive gap<div class="sub">'
        'mentees minus non-participants</div></th><th>causal effect<div class="sub">mentees with minus '
        'without the program (95% interval)</div></th><th>timing<div class="sub">who was still there to '
        'enrol</div></th><th>selection<div class="sub">who volunteers, among those who could</div>'
        f"</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def money_table(data: dict) -> str:
    """The table of program cost, turnover cost avoided and ROI per design."""
    rows = []
    for s in data["scenarios"]:
        m, r = s["money"], s["roi"]
        cells = []
        for key, metric in (
            ("program_cost", "program_cost"),
            ("turnover_cost_avoided", "turnover_cost"),
            ("net_saving", "total_cost"),
        ):
            d = m[key]
            cells.append(
                f'<td data-scenario="{E(s["name"])}" data-money="{key}" data-value="{attr(d["mean"])}">'
                f'{num(d["mean"], metric)}<div class="sub">{span(d, metric)}</div></td>'
            )
        if r.get("median") is not None:
            cells.append(
                f'<td><b>{fmt.value("roi", r["median"])}</b><div class="sub">95% of runs '
                f"{fmt.value('roi', r['low'])} to {fmt.value('roi', r['high'])}; mean "
                f"{fmt.value('roi', r['mean'])}</div></td><td><b>{r['p_positive']:.0%}</b></td>"
            )
        else:
            cells.append("<td>–</td><td>–</td>")
        rows.append(f"<tr><td>{E(s['name'])}</td>{''.join(cells)}</tr>")
    return (
        '<table class="plain"><thead><tr><th>scenario</th><th>program cost</th><th>turnover cost avoided'
        "</th><th>net saving</th><th>ROI (median)</th><th>P(ROI &gt; 0)</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def evidence_table(data: dict) -> str:
    """The evidence register: each source, what it says and the parameters resting on it."""
    reg = data["evidence"]
    out = [
        '<table class="plain ev"><thead><tr><th>evidence</th><th>what it says</th><th>parameters resting on it'
        "</th></tr></thead><tbody>"
    ]
    by: dict[str, list[dict]] = {}
    for r in reg:
        by.setdefault(r["source"], []).append(r)
    for cid, ev in EVIDENCE.items():
        ps = by.get(cid, [])
        out.append(
            f'<tr data-evidence="{E(cid)}"><td><b>{E(cid)}</b><div class="sub">confidence {ev.confidence}</div>'
            f'</td><td>{E(ev.says)}<div class="sub">{E(ev.source)}</div></td><td>{_param_list(ps)}</td></tr>'
        )
    for topic, ev in DEFAULTS.items():
        for row in (topic, *(a for a, t in TOPIC_ALIASES.items() if t == topic)):  # as the parameters cite it
            ps = by.get(row, [])
            if ps:
                out.append(
                    f'<tr data-evidence="{E(row)}"><td>{E(row)}<div class="sub">defaults table</div></td>'
                    f"<td>{E(ev.says)}</td><td>{_param_list(ps)}</td></tr>"
                )
    for src, ps in by.items():
        if source_kind(src) == "unknown":
            out.append(f"<tr><td>{E(src)}</td><td></td><td>{_param_list(ps)}</td></tr>")
    out.append("</tbody></table>")
    assum = by.get("assumption", [])
    out.append(
        f"<h3>Assumptions ({len(assum)} parameters rest on no published evidence)</h3>"
        "<p>These are the model's own judgement. Those with a sensitivity range are the first to test: "
        "re-run the scorecard with the low and high values before relying on a close call.</p>"
    )
    out.append(
        '<table class="plain"><thead><tr><th>parameter</th><th>default</th><th>sensitivity range</th>'
        "<th>meaning</th></tr></thead><tbody>"
    )
    srt = sorted(assum, key=lambda r: (r["sensitivity_range"] is None, r["parameter"]))
    n_sens = sum(r["sensitivity_range"] is not None for r in assum)
    for i, r in enumerate(srt):
        if i == n_sens:
            out.append(
                "</tbody></table><details><summary>The other "
                f"{len(assum) - n_sens} assumptions (no sensitivity range given)</summary>"
                '<table class="plain"><tbody>'
            )
        rng = "–" if not r["sensitivity_range"] else " to ".join(show(x) for x in r["sensitivity_range"])
        used = "".join(f'<div class="sub">{E(k)}: {E(v)}</div>' for k, v in r["scenario_values"].items())
        out.append(
            f'<tr data-parameter="{E(r["parameter"])}" data-source="assumption"><td><code>{E(r["parameter"])}'
            f"</code></td><td>{E(r['default'])} {unit(r['unit'])}{used}</td>"
            f'<td>{E(rng)}</td><td class="desc">{E(r["description"])}</td></tr>'
        )
    out.append("</tbody></table>" + ("</details>" if len(assum) > n_sens else ""))
    return "".join(out)


def _param_list(ps: list[dict]) -> str:
    items = []
    for r in ps:
        used = "; ".join(f"{k}: {v}" for k, v in r["scenario_values"].items())
        extra = f' <span class="sub">(set to {E(used)})</span>' if used else ""
        items.append(
            f'<li data-parameter="{E(r["parameter"])}" data-source="{E(r["source"])}" title="{E(r["description"])}">'
            f"<code>{E(r['parameter'])}</code> = {E(r['default'])}{unit(r['unit'])}"
            f"{extra}</li>"
        )
    return "<ul>" + "".join(items) + "</ul>" if items else '<span class="sub">none</span>'


def settings_table(cmp: Comparison) -> str:
    """Every setting of the compared scenarios, side by side."""
    scs = [r.scenario for r in cmp.results]
    head = "".join(f"<th>{E(s.name)}</th>" for s in scs)
    rows = []
    default = Scenario()
    keys = list(KEY_LEVERS)
    for dotted in parameter_register().name:
        if dotted not in keys and any(s.get(dotted) != default.get(dotted) for s in scs):
            keys.append(dotted)
    for k in keys:
        vals = []
        for s in scs:
            v = s.get(k)
            changed = v != default.get(k)
            cls = ' class="chg"' if changed else ""
            vals.append(f"<td{cls}>{E(show(v))}</td>")
        rows.append(f"<tr><td><code>{E(k)}</code></td>{''.join(vals)}</tr>")
    desc = "".join(f"<p><b>{E(s.name)}</b>: {E(s.description) or 'no description'}</p>" for s in scs)
    yamls = "".join(
        f"<details><summary>{E(s.name)}: full scenario (YAML)</summary><pre>{E(s.to_yaml())}</pre></details>"
        for s in scs
    )
    return (
        f'{desc}<table class="plain"><thead><tr><th>setting</th>{head}</tr></thead><tbody>{"".join(rows)}'
        '</tbody></table><p class="sub">Highlighted: differs from the package default.</p>' + yamls
    )
