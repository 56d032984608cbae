"""How the facilitator dashboard looks: its controls as data, its style sheet, its widgets and charts.

:class:`mentorsim.dashboard.widgets.Dashboard` runs the model and puts what it finds on this page;
nothing here runs a simulation.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast, overload

from mentorsim import programs
from mentorsim.dashboard.html import CSS

if TYPE_CHECKING:
    from mentorsim.outputs.comparison import Comparison


class Registered(Sequence[tuple[str, str]]):
    """The options of a dropdown of plug-ins, ``(label, name)``, read from their registry whenever they are
    listed (a format or policy registered at run time is a choice at once): the ones that run a program
    first, then the ones that do not ("No program")."""

    def __init__(self, registry: str):
        self.registry = registry  # a registry of mentorsim.programs: "FORMATS" or "POLICIES"

    def _options(self) -> list[tuple[str, str]]:
        plugins: Mapping[str, Any] = getattr(programs, self.registry)
        last = [p for p in plugins.values() if not getattr(p, "holds_sessions", True)]
        return [(p.label, p.name) for p in [p for p in plugins.values() if p not in last] + last]

    @overload
    def __getitem__(self, i: int) -> tuple[str, str]: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[tuple[str, str]]: ...
    def __getitem__(self, i: int | slice) -> tuple[str, str] | Sequence[tuple[str, str]]:
        return self._options()[i]

    def __len__(self) -> int:
        return len(self._options())

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._options())

    def __repr__(self) -> str:
        return f"Registered({self.registry!r}: {self._options()!r})"


#: path: the scenario field set through ``with_overrides``; ``run`` instead names a run option.
CONTROLS: list[dict[str, Any]] = [
    {
        "name": "format",
        "kind": "dropdown",
        "label": "Mentoring format",
        "path": "program.format",
        "options": Registered("FORMATS"),
    },
    {
        "name": "cadence",
        "kind": "dropdown",
        "label": "Meetings",
        "path": "program.cadence",
        "options": [("Weekly", "weekly"), ("Every two weeks", "biweekly"), ("Monthly", "monthly")],
    },
    {
        "name": "recognition",
        "kind": "dropdown",
        "label": "Mentor recognition",
        "path": "program.recognition",
        "options": Registered("POLICIES"),
    },
    {
        "name": "sponsorship",
        "kind": "toggle",
        "label": "Sponsors",
        "path": "program.sponsorship",
        "text": ("Sponsors advocate", "No sponsors"),
    },
    {
        "name": "participation",
        "kind": "slider",
        "label": "Participation target",
        "path": "program.participation_target",
        "min": 0.05,
        "max": 0.6,
        "step": 0.05,
        "readout": "{:.0%}",
    },
    {
        "name": "size",
        "kind": "choice",
        "label": "Workforce (people)",
        "path": "workforce.size",
        "options": [("200", 200), ("500", 500), ("1,000", 1000), ("2,000", 2000), ("5,000", 5000)],
    },
    {
        "name": "horizon",
        "kind": "choice",
        "label": "Horizon",
        "path": "horizon_weeks",
        "options": [("1 year", 52), ("2 years", 104), ("3 years", 156), ("5 years", 260)],
    },
    {
        "name": "replications",
        "kind": "choice",
        "label": "Replications",
        "run": "replications",
        "options": [("5", 5), ("10", 10), ("20", 20), ("50", 50)],
    },
    {
        "name": "uncertainty",
        "kind": "dropdown",
        "label": "Intervals show",
        "run": "uncertainty",
        "options": [("Luck only", "noise"), ("Luck + what we don't know", "parameters")],
    },
    # shown in the equity view ("view": "equity"); "Program is for" gains a button per group of the scenario
    {
        "name": "program_for",
        "kind": "buttons",
        "label": "Program is for",
        "path": "program.eligibility.groups",
        "view": "equity",
        "options": [("Everyone", "all")],
        "per_group": True,
    },
    {
        "name": "enrolment",
        "kind": "buttons",
        "label": "Mentees",
        "path": "program.enrolment",
        "view": "equity",
        "options": [("Volunteer", "voluntary"), ("Are assigned", "assigned")],
    },
]

#: the dashboard's views: the overview (retention, promotions and cost, mentor load) and each group
VIEWS = [("Overview", "overview"), ("Each group", "equity")]

#: what the dashboard's intervals show, by kind of uncertainty (the status line says it)
INTERVAL_WORDS = {"noise": "intervals show luck only", "parameters": "intervals show luck and what we don't know"}


def for_groups(spec: dict[str, Any], groups: list[str]) -> dict[str, Any]:
    """A control spec with "per_group" gains an option "<group> only" for each group of the scenario."""
    if spec.get("per_group") and len(groups) > 1:
        spec["options"] = list(spec["options"]) + [(f"{g.replace('_', '-').capitalize()} only", (g,)) for g in groups]
    return spec


def options_for(spec: dict[str, Any], value: Any) -> list[tuple[str, Any]]:
    """The spec's options, with ``value`` added when the spec does not list it."""
    options = list(spec["options"])
    if value not in [v for _, v in options]:
        options.append((", ".join(value) if isinstance(value, tuple) else str(value), value))
        spec["options"] = options
    return options


def make_control(W: Any, spec: dict[str, Any], value: Any) -> Any:
    """The widget of one control spec (see :data:`CONTROLS`), set to ``value``.

    A value the spec does not list (e.g. a custom cadence in the scenario) is added to ``spec["options"]``.
    A slider comes in a box with its readout, kept as ``widget._ms_box`` for the layout.
    """
    kind = spec["kind"]
    layout = W.Layout(width="100%")
    if kind in ("dropdown", "choice"):
        options = list(spec["options"])
        if value not in [v for _, v in options]:  # e.g. a custom cadence in the scenario
            options.append(
                (
                    f"every {value:g} weeks"
                    if isinstance(value, float)
                    else f"{value:,}"
                    if isinstance(value, int)
                    else str(value),
                    value,
                )
            )
            if kind == "choice" and all(isinstance(v, (int, float)) for _, v in options):
                options.sort(key=lambda o: o[1])
            spec["options"] = options
        if kind == "dropdown":
            return W.Dropdown(options=options, value=value, layout=layout)
        return W.SelectionSlider(options=options, value=value, layout=layout, continuous_update=False)
    if kind == "buttons":
        return W.ToggleButtons(options=options_for(spec, value), value=value, style={"button_width": "auto"})
    if kind == "toggle":
        on, off = spec.get("text", ("On", "Off"))
        w = W.ToggleButton(
            value=bool(value), description=on if value else off, layout=layout, button_style="info" if value else ""
        )

        def flip(ch: dict[str, Any]) -> None:
            ch["owner"].description = on if ch["new"] else off
            ch["owner"].button_style = "info" if ch["new"] else ""

        w.observe(flip, names="value")
        return w
    if kind == "slider":
        w = W.FloatSlider(
            value=value,
            min=spec["min"],
            max=spec["max"],
            step=spec["step"],
            layout=W.Layout(width="75%"),
            continuous_update=False,
            readout=False,
        )
        fmt_ = spec.get("readout", "{}")
        box = W.HBox([w, W.Label(fmt_.format(value))], layout=layout)
        w.observe(lambda ch: setattr(box.children[1], "value", fmt_.format(ch["new"])), names="value")
        # the slider itself is the control; keep the box for layout
        w._ms_box = box
        return w
    raise ValueError(f"control {spec['name']!r}: unknown kind {kind!r}")


@dataclass
class Page:
    """The dashboard's page (``ui``) and the widgets a run updates."""

    ui: Any
    headline: Any
    cards: Any
    status: Any
    retention: Any
    bars: Any
    load: Any
    view: Any  # Overview | Each group
    overview: Any  # the overview's charts
    equity: Any  # the equity view: its controls, table, sentences and chart
    equity_text: Any
    equity_chart: Any


def page(W: Any, controls: list[tuple[str, Any]], equity_controls: Sequence[tuple[str, Any]] = ()) -> Page:
    """The page: a panel of (label, control widget) beside the headline, cards, charts and status line; a switch
    between the overview's charts and the equity view (its own controls, a table and sentences per group and
    each group's share of management over time)."""
    rows = []
    for label, w in controls:
        rows.append(W.HTML(f"<div class='ms-label'>{html.escape(label)}</div>"))
        rows.append(getattr(w, "_ms_box", w))
    panel = W.VBox(rows, layout=W.Layout(width="300px", min_width="300px"))
    panel.add_class("ms-controls")

    headline = W.HTML("<div class='ms-headline ms-busy'>Running the simulation…</div>")
    cards = W.HTML("")
    status = W.HTML("<div class='ms-status'>&nbsp;</div>")
    retention = W.Image(format="png", layout=W.Layout(width="100%"))
    bars = W.Image(format="png", layout=W.Layout(width="100%"))
    load = W.Image(format="png", layout=W.Layout(width="100%"))
    for img, size in ((retention, "ms-ret"), (bars, "ms-small"), (load, "ms-small")):
        img.add_class("ms-chart")
        img.add_class(size)
    title = W.HTML(
        "<div class='ms-title'>What would a mentoring program change here?</div>"
        "<div class='ms-sub'>Simulated workforce, program against no program, "
        "same people in both (95% ranges over replications)</div>"
    )
    switch = W.ToggleButtons(options=VIEWS, value="overview", style={"button_width": "auto"})
    switch.add_class("ms-view")
    top = W.HBox(
        [title, switch], layout=W.Layout(width="100%", justify_content="space-between", align_items="flex-end")
    )
    eq_text = W.HTML("")
    eq_chart = W.Image(format="png", layout=W.Layout(width="100%"))
    eq_chart.add_class("ms-chart")
    eq_chart.add_class("ms-eq")
    row = W.HBox(
        [
            W.HBox(
                [W.HTML(f"<div class='ms-label'>{html.escape(label)}</div>"), w],
                layout=W.Layout(align_items="center", grid_gap="8px"),
            )
            for label, w in equity_controls
        ]
    )
    row.add_class("ms-eqrow")
    equity = W.VBox([row, eq_text, eq_chart], layout=W.Layout(width="100%", display="none"))
    equity.add_class("ms-equity")
    charts = W.VBox(
        [
            W.Box([retention], layout=W.Layout(width="100%")),
            W.HBox(
                [W.Box([bars], layout=W.Layout(width="44%")), W.Box([load], layout=W.Layout(width="56%"))],
                layout=W.Layout(width="100%"),
            ),
        ],
        layout=W.Layout(width="100%"),
    )
    main = W.VBox(
        [headline, cards, charts, equity, status], layout=W.Layout(flex="1 1 auto", padding="0 0 0 18px", min_width="0")
    )
    ui = W.VBox(
        [W.HTML(CSS), top, W.HBox([panel, main], layout=W.Layout(width="100%", align_items="flex-start"))],
        layout=W.Layout(width="100%", max_width="1700px"),
    )
    ui.add_class("ms-dash")
    return Page(ui, headline, cards, status, retention, bars, load, switch, charts, equity, eq_text, eq_chart)


def show_view(pg: Page, which: str) -> None:
    """Show the overview's charts or the equity view."""
    pg.overview.layout.display = "none" if which == "equity" else "flex"
    pg.equity.layout.display = "flex" if which == "equity" else "none"


def render_charts(cmp: Comparison, dpi: int, view: str = "overview") -> dict[str, bytes]:
    """The charts of a view as PNG bytes: the overview's retention, bars (promotion and cost) and mentor load;
    the equity view's each group's share of levels 4-5 over time ("equity")."""
    import matplotlib

    from mentorsim.viz import plots, style

    with matplotlib.rc_context(cast(Any, style.PRESENTER_RC)):  # matplotlib types rc keys as a Literal of names
        out = {}
        if view == "equity":
            from mentorsim.viz.equity import plot_management_share
            from mentorsim.viz.style import _figure

            groups = [g.name for g in cmp.baseline.scenario.workforce.groups]
            fig, axs = _figure(None, (12, 3.6), 1, len(groups), squeeze=False)
            plot_management_share(cmp, axes=list(axs.ravel()))
            for ax in axs.ravel():
                ax.set_xlabel("")  # the years on the axis say it; the note on intervals goes beneath
            fig.suptitle("Each group's share of levels 4-5 (management): program vs no program", fontweight="bold")
            out["equity"] = plots.to_png(fig, dpi)
            return out
        fig = plots.retention(cmp, title="Starting staff still here: program vs no program")
        fig.set_size_inches(12, 3.9)
        out["retention"] = plots.to_png(fig, dpi)
        fig = plots.outcome_bars(cmp)
        fig.set_size_inches(6.2, 3.7)
        out["bars"] = plots.to_png(fig, dpi)
        fig = plots.mentor_load(cmp, burnout=False, title="Mentor hours a month")
        fig.set_size_inches(7.6, 3.7)
        out["load"] = plots.to_png(fig, dpi)
    return out
