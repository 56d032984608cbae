"""The facilitator dashboard: ipywidgets controls that re-run and redraw; no model logic.

    import mentorsim as ms
    dash = ms.Dashboard(ms.load_scenario("scenarios/one_on_one.yaml"))
    dash                      # in JupyterLab, or served with `mentorsim dashboard`

The controls are declared as data in :data:`CONTROLS` (a list of specs, kept with
the page's layout, style and charts in :mod:`mentorsim.dashboard.view`), apart from
the model: each names the scenario field it sets (a dotted path for
``Scenario.with_overrides``) or the run option it changes. The program and its
"no program" baseline run paired: the same seed, so the same starting people
(identical to ``ms.compare([baseline, program], seed=...)``, because a
replication is a pure function of scenario, seed and replication; the baseline
is cached, since no lever but workforce size, horizon and replications changes it).

The "Each group" view (``dash.view.value = "equity"``) shows each group's outcomes with and without
the program, and its own controls (who the program is for, volunteer or assigned mentees).

Changing a control re-runs and redraws on a worker thread. Rapid changes are
debounced (``debounce`` seconds of quiet before a run starts); a run that
finishes after a newer change was made is discarded (superseded), and only the
newest settings run next, so changes are never queued up.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from mentorsim.dashboard import html as page_html
from mentorsim.dashboard import view
from mentorsim.dashboard.view import CONTROLS
from mentorsim.dashboard.words import CADENCE_WORDS, describe, equity, facts, headline  # noqa: F401 (re-exported)
from mentorsim.outputs.comparison import Comparison
from mentorsim.run.experiment import simulate
from mentorsim.schema.scenario import Scenario, scenario_from_dict

__all__ = ["CADENCE_WORDS", "CONTROLS", "Dashboard", "describe", "facts", "headline"]


class Dashboard:
    """A presenter dashboard: a program against no program, re-run whenever a control changes.

    Parameters
    ----------
    scenario: the starting design (a Scenario or a path); None uses a default one-on-one program.
    workforce_size: people simulated (default 500, so it feels instant); None keeps the scenario's.
    replications, seed: paired replications of the program and the baseline.
    uncertainty: what the intervals show at first, "noise" (luck only) or "parameters" (luck and what we
        don't know: each replication draws the uncertain parameters, the same draw for program and
        baseline); the "Intervals show" control changes it.
    debounce: seconds of quiet after a change before a run starts.
    threaded: run on a worker thread (the default); False runs inline on every change (for scripts).
    controls: the control specs (default :data:`CONTROLS`).
    workers: processes to run replications on (2 roughly halves the wait on a 2-core laptop); the
        pool is started with the dashboard and stopped by ``close()``. Results do not depend on it.
    """

    def __init__(
        self,
        scenario: Scenario | str | None = None,
        *,
        workforce_size: int | None = 500,
        replications: int = 20,
        seed: int = 7,
        debounce: float = 0.2,
        threaded: bool = True,
        controls: list[dict[str, Any]] | None = None,
        dpi: int = 90,
        cache_size: int = 64,
        workers: int = 1,
        uncertainty: str = "noise",
    ):
        import ipywidgets as W

        from mentorsim.run.experiment import _as_scenario

        if scenario is None:
            scenario = scenario_from_dict(
                {
                    "name": "one_on_one",
                    "description": "A default one-on-one program.",
                    "program": {"format": "one_on_one"},
                }
            )
        sc = _as_scenario(scenario)
        if workforce_size is not None:
            sc = sc.with_overrides({"workforce.size": workforce_size})
        self.scenario = sc
        self.seed = seed
        self.debounce = debounce
        self.threaded = threaded
        self.dpi = dpi
        self.specs = [dict(s) for s in (controls if controls is not None else CONTROLS)]
        from mentorsim.uncertainty import check_kind

        self._run_defaults = {"replications": replications, "uncertainty": check_kind(uncertainty)}
        self._cache: OrderedDict[tuple, Any] = OrderedDict()  # simulation results by scenario
        self._drawn_cache: OrderedDict[tuple, dict] = OrderedDict()  # rendered charts by control values
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        self.workers = workers
        self._pool = None
        if workers > 1:
            from mentorsim.run.experiment import start_pool

            self._pool = start_pool(workers, warm=True)
            atexit.register(self._stop_pool)  # the workers end with this process (a served page's kernel)

        # state shared with the worker, guarded by _cond
        self._cond = threading.Condition()
        self._requested = 0  # generation of the newest request
        self._started = 0  # generation of the newest run started
        self._done = 0  # generation whose outcome is on screen
        self._due = 0.0  # monotonic time before which no run starts (debounce)
        self._closed = False
        self._thread: threading.Thread | None = None
        self.runs_started = 0
        self.runs_superseded = 0
        self.last_seconds: float | None = None
        self.comparison: Comparison | None = None
        self.error: str | None = None
        self.headline = ""
        self.facts: list[tuple[str, str, str]] = []
        self.values_shown: dict[str, Any] | None = None
        self.on_update: list[Callable[[Dashboard], None]] = []

        self.controls: dict[str, Any] = {}
        groups = [g.name for g in sc.workforce.groups]
        for spec in self.specs:
            w = view.make_control(W, view.for_groups(spec, groups), self._initial(spec))
            self.controls[spec["name"]] = w
            w.observe(self._on_change, names="value")
        page = view.page(
            W,
            *(
                [(s["label"], self.controls[s["name"]]) for s in self.specs if s.get("view") == v]
                for v in (None, "equity")
            ),
        )
        self._page = page
        self._headline, self._cards, self._status = page.headline, page.cards, page.status
        self._img_retention, self._img_bars, self._img_load = page.retention, page.bars, page.load
        #: which view is on screen: "overview" or "equity" (each group); switching redraws that view's charts
        self.view = page.view
        self.view.observe(self._on_view, names="value")
        self.equity_rows: list[dict[str, Any]] = []
        self.ui = page.ui
        self.refresh()

    # ---- controls ----------------------------------------------------------------------------
    def _initial(self, spec: dict[str, Any]) -> Any:
        if "path" in spec:
            return self.scenario.get(spec["path"])
        return self._run_defaults.get(spec["run"], spec.get("default"))

    def values(self) -> dict[str, Any]:
        """The current control values by control name."""
        return {name: w.value for name, w in self.controls.items()}

    def set(self, **values: Any) -> Dashboard:
        """Set controls by name, e.g. ``dash.set(format="peer", cadence="weekly")``; triggers a run."""
        for k, v in values.items():
            if k not in self.controls:
                raise KeyError(f"no control {k!r}; have {list(self.controls)}")
            self.controls[k].value = v
        return self

    # ---- running -----------------------------------------------------------------------------
    def program_scenario(self, values: dict[str, Any] | None = None) -> Scenario:
        """The scenario the controls describe."""
        values = values or self.values()
        over = {s["path"]: values[s["name"]] for s in self.specs if "path" in s}
        sc = self.scenario.with_overrides(over)
        return sc.model_copy(update={"name": describe(sc.program)[:80]})

    def baseline_scenario(self, values: dict[str, Any] | None = None) -> Scenario:
        """No program, on the same workforce and horizon as the controls describe."""
        sc = self.program_scenario(values)
        return sc.without_program("No program")

    def _cached_simulate(self, sc: Scenario, reps: int, uncertainty: str = "noise") -> Any:
        key = (sc.model_dump_json(), reps, self.seed, uncertainty)
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        res = simulate(sc, replications=reps, seed=self.seed, pool=self._pool, uncertainty=uncertainty)
        with self._cache_lock:
            self._cache[key] = res
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return res

    def compute(self, values: dict[str, Any] | None = None) -> Comparison:
        """Run the program and its baseline paired (same seed) for the given control values."""
        values = values or self.values()
        run = {s["run"]: values[s["name"]] for s in self.specs if "run" in s}
        reps = int(run.get("replications", self._run_defaults["replications"]))
        kind = run.get("uncertainty", self._run_defaults["uncertainty"])
        # the draws depend on the seed and replication only, so program and baseline share them (paired)
        base = self._cached_simulate(self.baseline_scenario(values), reps, kind)
        prog = self._cached_simulate(self.program_scenario(values), reps, kind)
        return Comparison([base, prog])

    def render(self, cmp: Comparison, which: str = "overview") -> dict[str, bytes]:
        """A view's charts as PNG bytes: the overview's retention, bars (promotion and cost) and mentor load, or
        the equity view's share of management by group."""
        return view.render_charts(cmp, self.dpi, which)

    def _on_change(self, change: dict[str, Any]) -> None:
        self.request(self.debounce)

    def _on_view(self, change: dict[str, Any]) -> None:
        view.show_view(self._page, change["new"])
        self.request(0.0)

    def request(self, delay: float = 0.0) -> int:
        """Ask for a run with the current controls after ``delay`` seconds of quiet; returns its generation."""
        if not self.threaded:
            with self._cond:
                self._requested += 1
                gen = self._requested
            self._run_once(gen)
            return gen
        with self._cond:
            self._requested += 1
            self._due = time.monotonic() + delay
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._worker, name="mentorsim-dashboard", daemon=True)
                self._thread.start()
            self._cond.notify_all()
            return self._requested

    def refresh(self) -> int:
        """Re-run now with the current controls."""
        return self.request(0.0)

    def _worker(self) -> None:
        while True:
            with self._cond:
                while not self._closed:
                    now = time.monotonic()
                    if self._requested > self._started and now >= self._due:
                        break
                    self._cond.wait(None if self._requested <= self._started else self._due - now)
                if self._closed:
                    return
                gen = self._started = self._requested
            self._run_once(gen)

    def _superseded(self, gen: int) -> bool:
        with self._cond:
            return gen != self._requested

    def _run_once(self, gen: int) -> None:
        t0 = time.perf_counter()
        values = self.values()
        with self._cond:
            self.runs_started += 1
        self._headline.value = self._headline.value.replace("class='ms-headline'", "class='ms-headline ms-busy'")
        self._status.value = "<div class='ms-status'>Updating…</div>"
        try:
            cmp = self.compute(values)
            if self._superseded(gen):
                return self._discard()
            text, cards, err = headline(cmp), facts(cmp), None
            which = self.view.value
            eq = equity(cmp) if which == "equity" else None
            key = (which, *sorted(values.items(), key=lambda kv: kv[0]))
            with self._cache_lock:
                images = self._drawn_cache.get(key)
            if images is None:  # words and charts change together, so the screen never contradicts itself
                images = self.render(cmp, which)
                with self._cache_lock:
                    self._drawn_cache[key] = images
                    while len(self._drawn_cache) > self._cache_size:
                        self._drawn_cache.popitem(last=False)
        except Exception as e:  # show the problem on screen; the dashboard stays usable
            cmp, images, text, cards, err, eq = None, {}, f"Could not run this design: {e}", [], str(e), None
        if self._superseded(gen):
            return self._discard()
        if eq is not None and cmp is not None:
            self.equity_rows = eq[0]
            self._page.equity_text.value = page_html.equity_html(*eq, cmp.baseline.scenario.horizon_weeks)
        dt = time.perf_counter() - t0
        self._publish(gen, values, cmp, images, text, cards, err, dt)

    def _discard(self) -> None:
        with self._cond:
            self.runs_superseded += 1
            self._cond.notify_all()

    def _publish(
        self,
        gen: int,
        values: dict[str, Any],
        cmp: Comparison | None,
        images: dict[str, bytes],
        text: str,
        cards: list[tuple[str, str, str]],
        err: str | None,
        dt: float,
    ) -> None:
        self._headline.value, self._cards.value = page_html.headline_html(text), page_html.cards_html(cards)
        for k, img in (
            ("retention", self._img_retention),
            ("bars", self._img_bars),
            ("load", self._img_load),
            ("equity", self._page.equity_chart),
        ):
            if k in images:
                img.value = images[k]
        reps = values.get("replications", self._run_defaults["replications"])
        size = values.get("size", self.scenario.workforce.size)
        kind = view.INTERVAL_WORDS[values.get("uncertainty", self._run_defaults["uncertainty"])]
        self._status.value = (
            f"<div class='ms-status'>{size:,} people, {reps} paired replications, seed {self.seed}; "
            f"{kind}; updated in {dt:.1f} s</div>"
        )
        with self._cond:
            if gen == self._requested:
                self.comparison, self.headline, self.facts, self.error = cmp, text, cards, err
                self.values_shown, self.last_seconds = values, dt
                self._done = gen
            self._cond.notify_all()
        for cb in list(self.on_update):
            cb(self)

    def wait(self, timeout: float = 60.0) -> Dashboard:
        """Block until the newest request is on screen (raises TimeoutError after ``timeout`` seconds)."""
        end = time.monotonic() + timeout
        with self._cond:
            while self._done != self._requested:
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"dashboard did not update within {timeout} s")
                self._cond.wait(min(left, 0.5))
        return self

    @property
    def busy(self) -> bool:
        with self._cond:
            return self._done != self._requested

    def close(self) -> None:
        """Stop the worker thread and close the widgets."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._stop_pool()
        atexit.unregister(self._stop_pool)
        self.ui.close()

    def _stop_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            from mentorsim.run.experiment import stop_pool

            stop_pool(pool)

    # ---- display -----------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        data = self.ui._repr_mimebundle_(**kwargs)
        if isinstance(data, dict):
            data["text/plain"] = repr(self)
        return data

    def __repr__(self) -> str:
        return f"<Dashboard {self.scenario.name!r}: {self.headline or 'not run yet'}>"
