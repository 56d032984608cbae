"""The dashboard without a browser: controls as data, re-runs on change, headline, debounce, supersede."""

from __future__ import annotations

import threading
import time

import ipywidgets as W
import pandas as pd
import pytest

import mentorsim as ms
from mentorsim.dashboard import widgets
from mentorsim.programs import FORMATS, POLICIES

SIZE, REPS = 200, 3


@pytest.fixture(scope="module")
def start(one_on_one):
    return one_on_one.with_overrides({"horizon_weeks": 104})


@pytest.fixture()
def dash(start):
    d = ms.Dashboard(start, workforce_size=SIZE, replications=REPS, seed=3, threaded=False)
    yield d
    d.close()


def test_controls_are_declared_as_data():
    names = [c["name"] for c in widgets.CONTROLS]
    for want in ("format", "cadence", "recognition", "sponsorship", "participation", "size", "horizon", "replications"):
        assert want in names
    kinds = {c["name"]: c["kind"] for c in widgets.CONTROLS}
    assert kinds["format"] == kinds["cadence"] == kinds["recognition"] == "dropdown"
    assert kinds["sponsorship"] == "toggle"
    # the dropdowns offer the registries' plug-ins, by their labels, no program last
    spec = {c["name"]: c for c in widgets.CONTROLS}
    assert list(spec["format"]["options"]) == [
        *((f.label, n) for n, f in FORMATS.items() if f.holds_sessions),
        ("No program", "none"),
    ]
    assert [v for _, v in spec["recognition"]["options"]] == list(POLICIES)


def test_controls_start_from_the_scenario(dash, start):
    c = dash.controls
    assert isinstance(c["format"], W.Dropdown) and isinstance(c["cadence"], W.Dropdown)
    assert isinstance(c["recognition"], W.Dropdown)
    assert c["format"].value == start.program.format
    assert c["cadence"].value == start.program.cadence
    assert c["size"].value == SIZE and c["replications"].value == REPS
    assert c["horizon"].value == 104


def test_first_run_shows_a_headline_cards_and_charts(dash):
    assert dash.comparison is not None and dash.error is None
    assert dash.comparison.baseline.scenario.program.format == "none"
    assert dash.comparison.results[1].scenario.program.format == "one_on_one"
    assert "per 100 after two years" in dash.headline or "about as many" in dash.headline
    assert dash.headline.startswith("Biweekly one-on-one mentoring")
    assert dash.headline in dash._headline.value
    titles = [t for t, _, _ in dash.facts]
    assert "Promoted per year" in titles and "Program cost" in titles and "Mentor load" in titles
    for img in (dash._img_retention, dash._img_bars, dash._img_load):
        assert bytes(img.value[:4]) == b"\x89PNG"


def test_changing_controls_reruns_with_new_settings(dash):
    before = dash.headline
    images = bytes(dash._img_retention.value)
    dash.set(format="peer", cadence="weekly")
    prog = dash.comparison.results[1].scenario
    assert (prog.program.format, prog.program.cadence) == ("peer", "weekly")
    assert dash.headline.startswith("Weekly peer mentoring") and dash.headline != before
    assert bytes(dash._img_retention.value) != images
    dash.set(sponsorship=True, recognition="review_credit", participation=0.4)
    p = dash.comparison.results[1].scenario.program
    assert p.sponsorship and p.recognition == "review_credit" and p.participation_target == pytest.approx(0.4)
    assert "with sponsors" in dash.headline
    dash.set(size=500, horizon=52, replications=5)
    res = dash.comparison.results[1]
    assert res.scenario.workforce.size == 500 and res.scenario.horizon_weeks == 52 and len(res.reps) == 5
    assert "after one year" in dash.headline


def test_no_program_says_so(dash):
    dash.set(format="none")
    assert dash.headline.startswith("Without a program")
    assert {t: v for t, v, _ in dash.facts}["Mentor load"] == "-"


def test_runs_are_paired_like_compare(dash):
    dash.set(format="circle")
    sc = dash.program_scenario()
    ref = ms.compare([dash.baseline_scenario(), sc], replications=REPS, seed=dash.seed)
    got = dash.comparison.table().set_index("metric")["diff_mean"]
    want = ref.table().set_index("metric")["diff_mean"]
    assert got.to_dict() == pytest.approx(want.to_dict(), nan_ok=True)


def test_parameter_uncertainty_is_paired_like_compare_and_said(dash):
    """ "Intervals show: luck + what we don't know" draws the uncertain parameters, the same draw for program and
    baseline, exactly as ms.compare(uncertainty="parameters") does; the status line and the charts say so."""
    dash.set(format="one_on_one", uncertainty="parameters")
    cmp = dash.comparison
    assert cmp.uncertainty == "parameters"
    ref = ms.compare(
        [dash.baseline_scenario(), dash.program_scenario()], replications=REPS, seed=dash.seed, uncertainty="parameters"
    )
    got = cmp.table().set_index("metric")["diff_mean"]
    assert got.to_dict() == pytest.approx(ref.table().set_index("metric")["diff_mean"].to_dict(), nan_ok=True)
    d0, d1 = (r.parameter_draws.drop(columns="replication") for r in cmp.results)
    common = [c for c in d0.columns if c in d1.columns]
    assert len(common) > 10 and d0[common].equals(d1[common])
    assert "what we don't know" in dash._status.value
    dash.set(uncertainty="noise")
    assert dash.comparison.uncertainty == "noise" and "luck only" in dash._status.value


def test_headline_reads_as_a_sentence_with_an_interval(dash):
    dash.set(format="one_on_one", cadence="biweekly")
    h = widgets.headline(dash.comparison)
    assert h.endswith(".") and ("people per 100" in h or "about as many" in h)
    assert "(" in h and ")" in h


def test_errors_show_on_screen_and_the_dashboard_recovers(dash, monkeypatch):
    real = dash.compute

    def broken(values=None):
        raise ms.MentorsimError("workforce.size: too small")

    monkeypatch.setattr(dash, "compute", broken)
    dash.set(format="peer")
    assert dash.error and "Could not run" in dash.headline
    monkeypatch.setattr(dash, "compute", real)
    dash.set(format="circle")
    assert dash.error is None and "circles" in dash.headline


def test_rapid_changes_are_debounced(start):
    d = ms.Dashboard(start, workforce_size=SIZE, replications=2, seed=3, debounce=0.4)
    try:
        d.wait(120)
        first = d.runs_started
        for fmt in ("peer", "circle", "reverse", "micro_board", "peer"):
            d.set(format=fmt)
            time.sleep(0.02)
        d.wait(120)
        assert d.runs_started == first + 1, "five quick changes must make one run"
        assert d.values_shown["format"] == "peer"
        assert d.comparison.results[1].scenario.program.format == "peer"
    finally:
        d.close()


def test_a_run_in_flight_is_superseded_not_queued(start):
    d = ms.Dashboard(start, workforce_size=SIZE, replications=2, seed=3, debounce=0.0)
    try:
        d.wait(120)
        gate, entered = threading.Event(), threading.Event()
        seen = []
        real = d.compute

        def slow(values=None):
            seen.append(values["format"])
            if len(seen) == 1:
                entered.set()
                assert gate.wait(60)
            return real(values)

        d.compute = slow
        d.set(format="peer")
        assert entered.wait(60), "the first change started a run"
        d.set(format="circle")  # while 'peer' runs
        d.set(format="reverse")
        time.sleep(0.2)
        gate.set()
        d.wait(120)
        assert seen == ["peer", "reverse"], "only the newest settings run after the one in flight"
        assert d.runs_superseded >= 1
        assert d.values_shown["format"] == "reverse"
        assert d.comparison.results[1].scenario.program.format == "reverse"
        assert d.headline.startswith("Biweekly reverse mentoring")
    finally:
        d.close()


def test_displays_as_a_widget(dash):
    bundle = dash._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def _cli(*args):
    import subprocess
    import sys
    from pathlib import Path

    exe = str(Path(sys.executable).with_name("mentorsim"))
    return subprocess.run([exe, "dashboard", *args], capture_output=True, text=True, timeout=60)


def test_cli_help_explains_with_an_example():
    r = _cli("--help")
    assert r.returncode == 0
    assert "--port" in r.stdout and "example" in r.stdout and "mentorsim dashboard scenarios/" in r.stdout
    assert "127.0.0.1" in r.stdout


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path):
    import socket

    r = _cli(str(tmp_path / "missing.yaml"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "no such file" in r.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        r = _cli("--port", str(port))
    assert r.returncode == 2 and "already in use" in r.stderr and "Traceback" not in r.stderr


def test_worker_processes_give_the_same_numbers():
    """A dashboard running replications on 2 processes shows exactly what one process shows."""
    one = ms.Dashboard("scenarios/one_on_one.yaml", workforce_size=200, replications=4, threaded=False)
    two = ms.Dashboard("scenarios/one_on_one.yaml", workforce_size=200, replications=4, threaded=False, workers=2)
    try:
        assert two._pool is not None
        vals = one.values()
        pd.testing.assert_frame_equal(one.compute(vals).table(), two.compute(vals).table())
    finally:
        one.close()
        two.close()
    assert two._pool is None


def test_served_with_limits_and_without_tracebacks():
    from mentorsim.commands.dashboard import busy_message, voila_options

    opts = voila_options(8866, cull_idle=120, max_pages=3)
    assert "--VoilaConfiguration.show_tracebacks=False" in opts
    assert "--VoilaConfiguration.preheat_kernel=False" in opts
    assert "--MappingKernelManager.cull_idle_timeout=120" in opts
    assert "--MappingKernelManager.cull_interval=10" in opts  # culled within 130 s
    assert "--MappingKernelManager.cull_connected=False" in opts  # an open page is never culled
    assert "--CappedKernelManager.max_kernels=3" in opts
    assert not any("show_tracebacks=True" in o for o in opts)
    assert busy_message(4) == "the dashboard is busy: 4 people are using it, try again in a minute"
    assert busy_message(1).startswith("the dashboard is busy: 1 person is using it")
    r = _cli("--cull-idle", "0")
    assert r.returncode == 2 and "cull-idle" in r.stderr and "Traceback" not in r.stderr


def test_capped_kernel_manager_is_importable_by_name():
    import voila  # noqa: F401 (installed by make setup)
    from traitlets.utils.importstring import import_item

    cls = import_item("mentorsim.commands.dashboard.CappedKernelManager")
    assert cls.max_kernels.default_value >= 1


def test_equity_view_shows_each_group_and_targets_a_program(dash):
    assert dash.controls["program_for"].options[0] == ("Everyone", "all")
    assert ("Under-represented only", ("under_represented",)) in dash.controls["program_for"].options
    dash.view.value = "equity"  # switching views redraws that view, inline when not threaded
    assert [r["group"] for r in dash.equity_rows] == ["majority", "under_represented"]
    eq = dash.comparison.equity().set_index(["scenario", "group", "metric"])
    name = dash.comparison.results[1].name
    for r in dash.equity_rows:
        for m in ("retention_36m", "management_share", "informal_mentor_share"):
            assert r[m] == pytest.approx(eq.loc[(name, r["group"], m), "value"])
            assert r[f"{m}_diff"] == pytest.approx(eq.loc[(name, r["group"], m), "diff_mean"])
    html = dash._page.equity_text.value
    assert "under-represented group" in html and "ms-eqtab" in html
    assert bytes(dash._page.equity_chart.value[:4]) == b"\x89PNG"
    assert dash._page.overview.layout.display == "none" and dash._page.equity.layout.display == "flex"
    dash.set(program_for=("under_represented",), enrolment="assigned")
    prog = dash.comparison.results[1].scenario.program
    assert prog.eligibility.groups == ("under_represented",) and prog.enrolment == "assigned"
    assert "for the under-represented group (mentees assigned)" in dash.headline
    reached = {r["group"]: r["reached"] for r in dash.equity_rows}
    assert reached["majority"] == 0 and reached["under_represented"] > 0
    dash.view.value = "overview"
    assert dash._page.overview.layout.display == "flex" and dash._page.equity.layout.display == "none"


def test_equity_view_of_one_group_says_so(start):
    one = start.with_overrides({"workforce.groups": [{"name": "everyone", "share_by_level": [1.0] * 5}]})
    d = ms.Dashboard(one, workforce_size=SIZE, replications=2, seed=3, threaded=False)
    try:
        assert [v for _, v in d.controls["program_for"].options] == ["all"]
        d.view.value = "equity"
        assert d.equity_rows == [] and "one group" in d._page.equity_text.value and d.error is None
    finally:
        d.close()
