"""The scorecard's decision section: the designs ranked by expected net benefit, the chance the top
one is best, a warning when the intervals are too wide to rank them, the acceptability curve, and
(under parameter uncertainty) what finding out would be worth."""

from __future__ import annotations

import math

from mentorsim.outputs import fmt
from mentorsim.outputs.comparison import Comparison
from mentorsim.outputs.decision import acceptability, net_benefit, too_wide_to_rank, value_of_information, voi_sentence
from mentorsim.reports.figures import _png
from mentorsim.reports.text import E
from mentorsim.schema.metrics import retention_metric
from mentorsim.viz.decision import acceptability_plot

#: the kinds of interval, as the scorecard names them
KINDS = {"noise": "luck only", "parameters": "luck and what we don't know"}

#: the fewest paired runs the value of information is regressed on
MIN_VOI_RUNS = 5

#: below this chance of being best, the top design is not "clearly best"
CLEAR = 0.8


def ranking(cmp: Comparison) -> list[dict]:
    """Every design (no program included) by expected net benefit (turnover cost avoided minus program
    cost, dollars over the horizon), with the chance it is the best design in a paired run."""
    nb = net_benefit(cmp)
    mean = nb.groupby("scenario").net_benefit.mean()
    p = acceptability(cmp, "retained", [0.0]).set_index("scenario").p_best
    rows = [{"name": n, "expected": float(mean[n]), "p_best": float(p[n])} for n in cmp.names]
    return sorted(rows, key=lambda r: -r["expected"])


def sentence(rows: list[dict], uncertainty: str) -> str:
    """The ranking in words, saying plainly when no design is clearly best."""
    top = rows[0]
    kind = "luck and what we don't know" if uncertainty == "parameters" else "luck only"
    head = (
        f"Ranked by expected net benefit (turnover cost avoided minus program cost), {top['name']} comes first "
        f"({fmt.value('program_cost', top['expected'], True)}) and is the best design in {top['p_best']:.0%} of the "
        f"paired runs (intervals over {kind})."
    )
    if top["p_best"] < CLEAR:
        return head + f" No design is clearly best: none is best in {CLEAR:.0%} of the runs or more."
    return head


def section(cmp: Comparison, also: Comparison | None = None) -> str:
    """The decision section's HTML: the ranking under ``cmp``'s kind of interval and, when ``also`` (the
    same designs under the other kind) is given, the chance each is best under that kind beside it; what
    finding out would be worth comes from whichever of the two drew the uncertain parameters."""
    rows = ranking(cmp)
    other = {r["name"]: r for r in ranking(also)} if also is not None else {}
    m = retention_metric(cmp.baseline.scenario.horizon_weeks)
    warn = too_wide_to_rank(cmp, m) if m else None
    kind = KINDS[cmp.uncertainty]
    extra = f'<th>best in<div class="sub">over {KINDS[also.uncertainty]}</div></th>' if also is not None else ""
    body = "".join(
        f'<tr data-scenario="{E(r["name"])}" data-expected="{r["expected"]!r}" '
        f'data-p-best="{r["p_best"]!r}"><td>{E(r["name"])}</td>'
        f"<td>{fmt.value('program_cost', r['expected'], True)}</td><td>{r['p_best']:.0%}</td>"
        + (
            f'<td data-p-best-other="{other[r["name"]]["p_best"]!r}">{other[r["name"]]["p_best"]:.0%}</td>'
            if other
            else ""
        )
        + "</tr>"
        for r in rows
    )
    out = [f'<p class="decision">{E(sentence(rows, cmp.uncertainty))}</p>']
    if warn:
        out.append(f'<p class="note warn">{E(warn)}</p>')
    out.append(
        '<table class="plain" id="ranking"><thead><tr><th>design</th><th>expected net benefit<div class="sub">'
        f'turnover cost avoided minus program cost, over {kind}</div></th><th>best in<div class="sub">over '
        f"{kind}</div></th>{extra}</tr></thead><tbody>{body}</tbody></table>"
    )
    fig = acceptability_plot(cmp)
    out.append(
        f'<img alt="Chance each design is best by what keeping one more person is worth" '
        f'src="data:image/png;base64,{_png(fig)}">'
    )
    unc = (
        cmp
        if cmp.uncertainty == "parameters"
        else also
        if also is not None and also.uncertainty == "parameters"
        else None
    )
    if unc is not None and len(unc.baseline.reps) < MIN_VOI_RUNS:
        out.append(
            f'<p class="note">With {len(unc.baseline.reps)} paired runs there are too few to say what finding '
            f"out would be worth (it needs {MIN_VOI_RUNS} or more; 100 or more for a stable figure).</p>"
        )
    elif unc is not None:
        voi = value_of_information(unc)
        total = float(voi.loc[voi.parameter == "all", "evppi"].iloc[0])
        if not math.isnan(total):
            out.append(f'<p class="note" id="value-of-information">{E(voi_sentence(voi))}</p>')
    else:
        out.append(
            '<p class="note">These intervals show luck only. Run the scorecard with '
            "<code>--uncertainty parameters</code> to add what we don't know (the uncertain parameters) and "
            "to see what finding out would be worth.</p>"
        )
    return "\n".join(out)
