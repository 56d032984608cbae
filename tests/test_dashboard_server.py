"""The served dashboard cannot be used up: a real `mentorsim dashboard` (Voila) and real HTTP requests.

Idle kernels are culled (a short --cull-idle here), pages past --max-pages are refused in plain words,
a failing page shows no traceback, and a page's worker processes end with its kernel (culled, or the
server stopped), leaving no orphans.
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import isolated_env, processes
from mentorsim.commands.dashboard import CELL_ERROR, busy_message
from mentorsim.dashboard.served import FAULT_ENV, PAGE_FAILED


def _tree(root: int) -> dict[int, tuple[int, int, str]]:
    ps, todo, found = processes(), [root], {}
    while todo:
        r = todo.pop()
        for pid, info in ps.items():
            if info[0] == r and pid not in found:
                found[pid] = info
                todo.append(pid)
    return found


def _kernels(root: int) -> dict[int, int]:
    """Kernel pid -> its session id (a kernel starts its own session; its worker processes share it)."""
    return {pid: sid for pid, (_, sid, cmd) in _tree(root).items() if "ipykernel_launcher" in cmd}


def _in_sessions(sids) -> list[str]:
    return [cmd for _, sid, cmd in processes().values() if sid in set(sids)]


class Server:
    def __init__(self, tmp: Path, *args: str, env: dict[str, str] | None = None):
        e = isolated_env(tmp, env)
        self.log = tmp / "dashboard.log"
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "mentorsim", "dashboard", "--size", "200", "--replications", "4", *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=e,
                cwd=tmp,
                start_new_session=True,
            )
        self.url = ""  # the printed address, with its token
        for _ in range(120):
            m = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]+)", self.log.read_text())
            if m:
                self.url, self.port, self.token = m.group(0), int(m.group(1)), m.group(2)
                break
            assert self.proc.poll() is None, self.log.read_text()[-800:]
            time.sleep(0.5)
        assert self.url, self.log.read_text()[-800:]
        self.base = f"http://127.0.0.1:{self.port}/"
        for _ in range(120):  # until Voila listens (a HEAD-less probe of a static file starts no kernel)
            try:
                urllib.request.urlopen(self.base + "voila/static/", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.5)

    def get(self, url: str | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
        return self.request(url, headers)[:2]

    def request(self, url: str | None = None, headers: dict[str, str] | None = None) -> tuple[int, str, dict]:
        """(status, body, headers) of a GET of ``url`` (default: the printed address); redirects not followed."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **k):
                return None

        req = urllib.request.Request(url or self.url, headers=headers or {})
        try:
            with urllib.request.build_opener(NoRedirect).open(req, timeout=180) as r:
                return r.status, r.read().decode(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), dict(e.headers)

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)


def _wait_until(cond, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.5)
    return cond()


@pytest.fixture
def tmp(tmp_path):
    return tmp_path


def test_pages_are_capped_culled_and_stopped_with_their_workers(tmp):
    srv = Server(tmp, "--cull-idle", "4", "--max-pages", "2", "--workers", "2")
    try:
        with ThreadPoolExecutor(2) as ex:
            pages = list(ex.map(lambda _: srv.get(), range(2)))
        assert [code for code, _ in pages] == [200, 200], srv.log.read_text()[-800:]
        kernels = _kernels(srv.proc.pid)
        assert len(kernels) == 2
        workers = [c for c in _in_sessions(kernels.values()) if "multiprocessing.spawn" in c]
        assert len(workers) == 4, "each page's dashboard runs on 2 worker processes"

        # the cap: a third page while two are open is refused in plain words
        code, body = srv.get()
        assert code == 503
        assert busy_message(2) in body and "Traceback" not in body
        assert len(_kernels(srv.proc.pid)) == 2, "a refused page starts no kernel"

        # no page connected (plain HTTP, no websocket): culled after 4 s idle, their workers with them
        assert _wait_until(lambda: not _kernels(srv.proc.pid), 40), srv.log.read_text()[-800:]
        assert _wait_until(lambda: not _in_sessions(kernels.values()), 10), _in_sessions(kernels.values())
        assert "no browser connected to its page within 4 s" in srv.log.read_text()

        # after culling there is room again; stopping the server (SIGTERM to the command alone)
        # shuts the kernel and its workers down too
        code, _ = srv.get()
        assert code == 200
        kernels = _kernels(srv.proc.pid)
        assert len(kernels) == 1 and len(_in_sessions(kernels.values())) >= 3
        srv.proc.send_signal(signal.SIGTERM)
        assert srv.proc.wait(timeout=40) == 0
        assert _wait_until(lambda: not _in_sessions(kernels.values()), 10), _in_sessions(kernels.values())
    finally:
        srv.stop()


@pytest.mark.parametrize("fault", ["start", "uncaught"])
def test_a_failing_page_shows_a_plain_message_not_a_traceback(tmp, fault):
    srv = Server(tmp, "--workers", "1", env={FAULT_ENV: fault})
    try:
        code, body = srv.get()
        assert code == 200
        text = re.sub(r"<[^>]+>", " ", body)
        assert "injected dashboard fault" not in body
        for leak in ("Traceback", "RuntimeError", "widgets.py", "site-packages", 'File "'):
            assert leak not in text, leak
        assert (PAGE_FAILED if fault == "start" else CELL_ERROR) in body.replace("&#96;", "`")
        if fault == "start":  # the reason goes to the terminal instead
            assert _wait_until(lambda: "injected dashboard fault" in srv.log.read_text(), 10)
    finally:
        srv.stop()
