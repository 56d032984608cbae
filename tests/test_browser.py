"""The served dashboard in a real browser: `mentorsim dashboard` under Voila, headless Chromium via Playwright.

Chromium and Playwright are installed by `make setup` (`make browser`); a missing
browser is a failure, not a skip. With a short --cull-idle: an open page (its
websocket connected) outlives the idle limit, and once it is closed its kernel and worker
processes end.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import isolated_env, processes

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _need_browser():
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} (run `make browser`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if missing:  # `make test` installs both (make setup): a missing one is a failure, never a skip
        pytest.fail("browser test needs " + " and ".join(missing))


def _kernel_sessions(root: int) -> set[int]:
    """Session ids of the kernels under root (each kernel starts its own; its workers share it)."""
    ps, todo, found = processes(), [root], set()
    while todo:
        r = todo.pop()
        for pid, (ppid, sid, cmd) in ps.items():
            if ppid == r:
                todo.append(pid)
                if "ipykernel_launcher" in cmd:
                    found.add(sid)
    return found


def _in_sessions(sids: set[int]) -> list[str]:
    return [cmd for _, sid, cmd in processes().values() if sid in sids]


def _body(page) -> str:
    return page.inner_text("body")


def _retention_png(page) -> str:
    imgs = page.query_selector_all("img")
    srcs = [i.get_attribute("src") or "" for i in imgs]
    return max(srcs, key=len) if srcs else ""


def test_dashboard_in_headless_chromium(tmp_path):
    _need_browser()
    from playwright.sync_api import sync_playwright

    proc, url = _serve(tmp_path, tmp_path / "dashboard.log", "--cull-idle", "3")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                blocked = []

                def block(route):
                    blocked.append(route.request.url)
                    route.abort()

                page.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), block)
                page.goto(url, wait_until="domcontentloaded", timeout=120_000)
                page.wait_for_selector("text=/people per 100|Without a program|as many people/", timeout=180_000)
                page.wait_for_selector("select", timeout=60_000)
                selects = page.query_selector_all("select")
                assert len(selects) >= 3, "format, cadence and recognition dropdowns"
                fmt = selects[0]
                assert fmt.input_value() == "One-on-one"
                headline_before = page.inner_text(".ms-headline")
                chart_before = _retention_png(page)
                assert chart_before.startswith("blob:") or chart_before.startswith("data:image/png")
                page.screenshot(path=str(tmp_path / "dashboard_before.png"), full_page=True)

                time.sleep(6)  # past --cull-idle: a connected page is not culled
                assert _kernel_sessions(proc.pid), "the open page's kernel is still running"
                fmt.select_option("Circle")
                page.wait_for_function(
                    "() => { const h = document.querySelector('.ms-headline');"
                    " return h && !h.classList.contains('ms-busy') && h.innerText.includes('circles'); }",
                    timeout=120_000,
                )
                headline_after = page.inner_text(".ms-headline")
                assert headline_after != headline_before
                assert "circles" in headline_after.lower()
                for _ in range(50):
                    if _retention_png(page) != chart_before:
                        break
                    time.sleep(0.2)
                assert _retention_png(page) != chart_before, "the retention chart was redrawn"
                shot = tmp_path / "dashboard.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 10_000
                assert all(not u.startswith(("http://127.0.0.1", "http://localhost")) for u in blocked)
                sessions = _kernel_sessions(proc.pid)
            finally:
                browser.close()
        # closed: its kernel is shut down (or culled) and its worker processes go with it
        for _ in range(60):
            if not _in_sessions(sessions):
                break
            time.sleep(0.5)
        assert not _in_sessions(sessions), _in_sessions(sessions)
    finally:
        _stop(proc)


def _stop(proc) -> None:
    """Stop the dashboard and everything it started (its process group)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def _serve(tmp_path, log, *extra):
    """Start ``mentorsim dashboard`` (300 people, 6 replications, ``extra`` options); wait until it answers."""
    exe = str(Path(sys.executable).with_name("mentorsim"))
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [exe, "dashboard", "--size", "300", "--replications", "6", *extra],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=isolated_env(tmp_path),
            cwd=tmp_path,
            start_new_session=True,
        )
    for _ in range(120):
        m = re.search(r"http://127\.0\.0\.1:\d+/\S*", log.read_text())
        if m:
            break
        assert proc.poll() is None, f"mentorsim dashboard exited: {log.read_text()[-500:]}"
        time.sleep(0.5)
    assert m, f"no address printed: {log.read_text()[-500:]}"
    for _ in range(120):
        try:
            urllib.request.urlopen(m.group(0), timeout=2)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.5)
    return proc, m.group(0)


BOX = """s => { const e = document.querySelector(s); if (!e) return null; const b = e.getBoundingClientRect();
               return {top: b.top, bottom: b.bottom, right: b.right, shown: b.height > 0}; }"""


def test_equity_view_renders_updates_and_fits_a_1280x800_screen(tmp_path):
    """The "Each group" view shows a row per group, the equity sentences and the management-share chart; its
    "Program is for" control re-runs a targeted program; it is no taller or wider than the overview."""
    _need_browser()
    from playwright.sync_api import sync_playwright

    proc, url = _serve(tmp_path, tmp_path / "dashboard.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(url, wait_until="domcontentloaded", timeout=120_000)
                page.wait_for_selector("text=/people per 100|Without a program|as many people/", timeout=180_000)
                overview = page.evaluate(BOX, ".ms-dash")
                assert not page.evaluate(BOX, ".ms-equity")["shown"]
                page.click("text=Each group")
                page.wait_for_selector("table.ms-eqtab", timeout=120_000)
                page.wait_for_function(
                    "() => { const i = document.querySelector('img.ms-eq');"
                    " return i && i.getBoundingClientRect().height > 100; }",
                    timeout=60_000,
                )
                groups = page.eval_on_selector_all(
                    "table.ms-eqtab tr[data-group]", "rs => rs.map(r => r.dataset.group)"
                )
                assert groups == ["majority", "under_represented"]
                text = page.inner_text(".ms-eqtext")
                assert "under-represented group" in text and "levels 4-5" in text
                assert not page.evaluate(BOX, "img.ms-ret")["shown"], "the overview's charts are hidden"
                equity = page.evaluate(BOX, ".ms-dash")
                assert equity["bottom"] <= overview["bottom"] + 2, (equity, overview)
                assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
                assert page.evaluate(BOX, ".ms-controls")["bottom"] <= 800, "every control is on screen"
                page.screenshot(path=str(tmp_path / "equity.png"), full_page=True)

                reached = "table.ms-eqtab tr[data-group='majority'] td[data-metric='reached']"
                assert float(page.get_attribute(reached, "data-value")) > 0
                page.click("text=Under-represented only")
                page.wait_for_function(
                    "() => { const h = document.querySelector('.ms-headline');"
                    " return h && !h.classList.contains('ms-busy') && h.innerText.includes('under-represented'); }",
                    timeout=120_000,
                )
                page.wait_for_function(
                    f'() => {{ const c = document.querySelector("{reached}");'
                    " return c && Number(c.dataset.value) === 0; }",
                    timeout=60_000,
                )
                assert page.inner_text(".ms-eqtext") != text
                page.click("text=Overview")
                page.wait_for_function(
                    "() => document.querySelector('img.ms-ret').getBoundingClientRect().height > 100", timeout=60_000
                )
                assert not page.evaluate(BOX, ".ms-equity")["shown"]
            finally:
                browser.close()
    finally:
        _stop(proc)


def _load(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=180) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_twenty_scripted_page_loads_then_a_browser_still_gets_the_dashboard(tmp_path):
    """Twenty page loads from a script (which never connect a websocket) fill the cap of 4 pages; a browser
    opening the address right after is told the dashboard is busy, its page reloads itself, and it gets the
    dashboard once the scripted pages pass the connect deadline (20 s): within a minute or so, not minutes."""
    _need_browser()
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    log = tmp_path / "dashboard.log"
    proc, url = _serve(tmp_path, log, "--workers", "1")
    try:
        with ThreadPoolExecutor(20) as ex:
            codes = list(ex.map(_load, [url] * 20))
        # (the probe in _serve may have loaded one page already)
        assert 3 <= codes.count(200) <= 4 and codes.count(200) + codes.count(503) == 20, codes
        t0 = time.monotonic()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                statuses = []
                page.on("response", lambda r: statuses.append(r.status) if r.url == url else None)
                page.goto(url, wait_until="domcontentloaded", timeout=120_000)
                page.wait_for_selector("text=/people per 100|Without a program|as many people/", timeout=150_000)
            finally:
                browser.close()
        waited = time.monotonic() - t0
        assert waited < 100, waited
        assert statuses[-1] == 200 and set(statuses) <= {200, 503}, statuses
        assert "no browser connected to its page within 20 s" in log.read_text()
        assert len(_kernel_sessions(proc.pid)) <= 4
    finally:
        _stop(proc)
