"""ms.plots: every figure builds from small results, says what it shows, and draws into given axes."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

import mentorsim as ms
from mentorsim.viz import plots
from mentorsim.viz.plots import acceptability_plot


def _texts(fig: Figure) -> str:
    parts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        parts += [ax.get_title(), ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()]
        parts += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        if ax.get_legend():
            parts += [t.get_text() for t in ax.get_legend().get_texts()]
    return " ".join(parts)


def test_plots_is_public_and_import_is_lazy():
    import subprocess
    import sys

    code = (
        "import sys, mentorsim as ms; ms.plots; ms.Dashboard; "
        "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"], "import mentorsim must not import matplotlib or ipywidgets"


def test_retention_curves_with_bands(small_comparison):
    fig = plots.retention(small_comparison)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    text = _texts(fig)
    assert "No program" in text and "One on one" in text and "Peer" in text
    assert "still" in ax.get_title().lower() and ax.get_ylabel()
    assert len(ax.collections) == 3, "one interval band per scenario"
    assert len(ax.get_lines()) == 3
    for line in ax.get_lines():
        y = line.get_ydata()
        assert y[0] == 1.0 and (y >= 0).all() and (y <= 1).all()


def test_retention_of_results_and_into_given_axes(small_results, small_comparison):
    fig = plots.retention(small_results)
    assert len(fig.axes[0].get_lines()) == 1
    outer = Figure()
    ax = outer.subplots()
    got = plots.retention(small_comparison, ax=ax, scenarios="peer")
    assert got is outer and len(ax.get_lines()) == 2
    with pytest.raises(KeyError, match="no scenario named"):
        plots.retention(small_comparison, scenarios="nope")


def test_differences_one_panel_per_metric_with_units(small_comparison):
    metrics = ["retention_12m", "program_cost", "annual_promotion_rate"]
    fig = plots.differences(small_comparison, metrics=metrics)
    visible = [a for a in fig.axes if a.get_visible()]
    assert len(visible) == len(metrics)
    text = _texts(fig)
    assert "percentage points" in text and "USD" in text
    assert "Retention after 1 year" in text and "Program cost" in text
    assert "One on one" in text and "Peer" in text
    with pytest.raises(TypeError):
        plots.differences(small_comparison.baseline)


def test_mentor_load_and_burnout(small_comparison):
    fig = plots.mentor_load(small_comparison)
    load, burn = fig.axes
    assert "hours" in load.get_ylabel().lower() and "burn" in burn.get_title().lower()
    assert any("can give" in t.get_text() for t in load.texts), "the mentor's limit is marked"
    assert len(load.get_lines()) >= 2
    only = plots.mentor_load(small_comparison, burnout=False)
    assert len(only.axes) == 1


def test_cost_benefit_and_outcome_bars(small_comparison):
    fig = plots.cost_benefit(small_comparison)
    text = _texts(fig)
    assert "Program cost" in text and "avoided" in text and "$" in text
    bars = plots.outcome_bars(small_comparison, scenario="peer")
    t = _texts(bars)
    assert "Promot" in t and "Program\ncost" in t and "avoided" in t
    png = plots.to_png(bars, dpi=40)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_program_only_comparison_draws(small_baseline):
    cmp = ms.compare([small_baseline, small_baseline.with_overrides({"name": "same"})], replications=2, seed=1)
    for f in (plots.retention, plots.mentor_load, plots.outcome_bars):
        assert isinstance(f(cmp), Figure)


def test_figures_say_which_kind_of_interval_they_show():
    base = ms.load_scenario("scenarios/baseline.yaml").with_overrides({"workforce.size": 150, "horizon_weeks": 52})
    one = ms.load_scenario("scenarios/one_on_one.yaml").with_overrides({"workforce.size": 150, "horizon_weeks": 52})
    for kind, words in (("noise", "luck only"), ("parameters", "what we don't know")):
        cmp = ms.compare([base, one], replications=3, seed=1, uncertainty=kind)
        for fig in (
            ms.plots.retention(cmp),
            ms.plots.differences(cmp),
            ms.plots.mentor_load(cmp),
            ms.plots.cost_benefit(cmp),
            ms.plots.outcome_bars(cmp),
            acceptability_plot(cmp),
        ):
            notes = [t.get_text() for t in fig.texts if t.get_text().startswith("95% intervals:")]
            assert len(notes) == 1 and words in notes[0], (kind, notes)


def test_a_figure_drawn_into_a_subfigure_returns_the_root_figure(small_comparison):
    """An Axes inside a matplotlib SubFigure: the figure returned can be saved (a SubFigure cannot)."""
    from matplotlib.figure import Figure

    root = Figure()
    ax = root.subfigures(1, 2)[0].subplots()
    fig = ms.plots.retention(small_comparison, ax=ax)
    assert fig is root
    assert ms.plots.to_png(fig)[:4] == b"\x89PNG"
