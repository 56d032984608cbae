"""The program scorecard: one self-contained HTML file to take to leadership.

    import mentorsim as ms
    ms.report("scenarios/baseline.yaml", "scenarios/one_on_one.yaml", "scenarios/circle.yaml",
              replications=20, seed=0, path="report.html")

The file embeds its figures (base64 PNG) and its styles; it loads nothing from
the network, so it can be emailed and opened anywhere. Every number shown is
also in a JSON block (``<script type="application/json" id="mentorsim-data">``)
and in ``data-*`` attributes of the cells that show it, so tests and other tools
can read the numbers back and check them against ``Results``.

Contents: a headline with its uncertainty; per scenario against the baseline the
scorecard (participation, goals, retention at 12/24/36 months, internal
mobility, promotions, sessions held vs scheduled, mentor load and burnout);
the naive participant gap beside the causal effect; program cost, turnover
cost avoided and ROI as a distribution; when the workforce has more than one
group, each group's outcomes with and without each program and its share of
management over time (:mod:`.equity_section`); three persona stories from the event
log; the evidence (C1..C7) and assumptions behind the parameters; the settings.

The package holds one concept a module: :mod:`.collect` gathers the numbers,
:mod:`.headline` says them in words, :mod:`.figures` draws them (reusing
:mod:`mentorsim.viz.plots`), :mod:`.tables` and :mod:`.html` write the page.
"""

from __future__ import annotations

from pathlib import Path

from mentorsim.errors import MentorsimError
from mentorsim.outputs.comparison import Comparison
from mentorsim.reports import decision_section, equity_section, intervals_section
from mentorsim.reports.collect import collect, evidence_register, story_dicts
from mentorsim.reports.headline import headline
from mentorsim.reports.html import render
from mentorsim.schema.scenario import Scenario

__all__ = ["collect", "evidence_register", "headline", "render", "report"]


def report(
    baseline: Scenario | str | Path | Comparison,
    *scenarios: Scenario | str | Path,
    replications: int = 20,
    seed: int = 0,
    path: str | Path = "report.html",
    workers: int = 1,
    title: str = "Mentorship program scorecard",
    both: bool = True,
) -> Path:
    """Write the scorecard of ``scenarios`` against ``baseline`` to one self-contained HTML file.

    baseline, scenarios: Scenario objects or YAML paths; the first is the baseline
    (usually no program). Or pass an existing :class:`Comparison` as the only
    argument to report on it without re-running (its seed is used for the stories).
    both: also run the designs under the other kind of uncertainty (luck only, or luck and what we
    don't know) and show both intervals side by side, and the chance each design is best under both;
    what finding out would be worth comes from the run with parameter uncertainty. Returns the path
    written.
    """
    from mentorsim.run.experiment import compare
    from mentorsim.run.paths import output_file

    out = output_file(path, "report: path", (".html", ".htm"))  # before any work
    if isinstance(baseline, Comparison):
        if scenarios:
            raise MentorsimError("report: pass either a Comparison or scenarios, not both")
        cmp = baseline
    else:
        if not scenarios:
            raise MentorsimError("report: give a baseline and at least one scenario to compare with it")
        cmp = compare([baseline, *scenarios], replications=replications, seed=seed, workers=workers)
    data = collect(cmp)
    kinds = {cmp.uncertainty: cmp}
    other = None
    if both:
        other = intervals_section.other_kind(cmp, workers)
        kinds[other.uncertainty] = other
    data["intervals"] = intervals_section.collect(kinds)
    data["ranking"], data["ranking_kind"] = decision_section.ranking(cmp), cmp.uncertainty
    data["stories"] = story_dicts(cmp)
    data["equity"] = equity_section.collect(cmp)
    out.write_text(render(cmp, data, title, also=other), encoding="utf-8")
    return out
