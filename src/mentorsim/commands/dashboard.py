"""`mentorsim dashboard`: serve the facilitator dashboard as a web page with Voila on localhost."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from mentorsim.dashboard.server import BUSY, CONNECT_DEADLINE, CULL_IDLE, MAX_PAGES, TOKEN_ENV, busy_message, new_token
from mentorsim.errors import MentorsimError

__all__ = ["BUSY", "CELL_ERROR", "busy_message", "notebook", "register", "run", "voila_options"]

CELL_ERROR = "The reason is in the terminal where `mentorsim dashboard` runs; reload the page to try again."

EPILOG = """examples:
  mentorsim dashboard                                   a default one-on-one program, 500 people
  mentorsim dashboard scenarios/circle.yaml --port 8866
  mentorsim dashboard scenarios/one_on_one.yaml --size 1000 --replications 10

Open the printed address (http://127.0.0.1:PORT/?token=...) in a browser on this
machine and press F11 for full screen. Only that address works: another host name,
another site or a missing token is refused. Nothing is fetched from the internet.
Ctrl+C stops it. Each open page has its own Python kernel: a page closed is stopped
after --cull-idle seconds, one whose browser never connected after 20 seconds, and
at most --max-pages pages are served at once.
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``mentorsim dashboard`` to the command line."""
    from mentorsim.commands.cli import _positive, port_type, replications_type, workers_type

    p = sub.add_parser(
        "dashboard",
        help="serve the facilitator dashboard in a browser (Voila, localhost only)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
        description="Serve the presenter dashboard as a web page on 127.0.0.1 with Voila and print its address.\n"
        "Dropdowns and sliders set format, cadence, recognition, sponsorship, participation,\n"
        "workforce size, horizon and replications; each change re-runs the program against no\n"
        "program (paired: the same people) and redraws. See docs/dashboard.md.",
    )
    p.add_argument("scenario", nargs="?", help="scenario YAML to start from (default: a one-on-one program)")
    p.add_argument("--port", "-p", type=port_type, default=None, help="port to serve on (default: a free port)")
    p.add_argument(
        "--size",
        type=_positive("size"),
        default=500,
        help="people simulated at the start (default 500, so changes feel instant)",
    )
    p.add_argument(
        "--replications", "-r", type=replications_type(), default=20, help="paired replications per run (default 20)"
    )
    p.add_argument("--seed", "-s", type=_positive("seed"), default=7, help="random seed (default 7)")
    p.add_argument(
        "--workers",
        "-w",
        type=workers_type(),
        default=min(2, os.cpu_count() or 1),
        help="processes that run the replications (default: 2 where there are 2 cores)",
    )
    p.add_argument(
        "--cull-idle",
        type=_positive("cull-idle"),
        default=CULL_IDLE,
        metavar="SECONDS",
        help=f"stop a page's kernel once no page has been connected to it and it has been idle "
        f"this long (default {CULL_IDLE}; checked every {_cull_interval(CULL_IDLE)} s)",
    )
    p.add_argument(
        "--max-pages",
        type=_positive("max-pages"),
        default=MAX_PAGES,
        metavar="N",
        help=f"pages served at once; one more is told the dashboard is busy (default {MAX_PAGES})",
    )
    p.set_defaults(func=run)


def _cull_interval(cull_idle: int) -> int:
    """How often idle kernels are looked for: a tenth of the idle time, between 1 and 10 seconds."""
    return max(1, min(10, cull_idle // 10))


def __getattr__(name: str) -> Any:
    # the kernel manager Voila imports by name (kept here too for configurations that name it so)
    if name == "CappedKernelManager":
        from mentorsim.dashboard import server

        return server.CappedKernelManager
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def notebook(scenario: str | None, size: int, replications: int, seed: int, workers: int = 1) -> dict:
    """The generated one-cell notebook Voila serves (its code is hidden by Voila).

    ``mentorsim.dashboard.served.page`` shows the dashboard after its first run, or one plain sentence if it failed.
    """
    src = (
        "from mentorsim.dashboard.served import page\n"
        f"page({scenario!r}, workforce_size={size}, replications={replications}, seed={seed}, "
        f"workers={workers})"
    )
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "mentorsim", "display_name": "mentorsim", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": [
            {
                "cell_type": "code",
                "id": "dashboard",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": src,
            }
        ],
    }


def voila_options(port: int, cull_idle: int = CULL_IDLE, max_pages: int = MAX_PAGES) -> list[str]:
    """Voila's command-line settings: localhost, no code, no tracebacks, idle kernels culled, at most max_pages.

    A kernel with a page connected (an open browser tab holds a websocket) is never culled, however long
    the presenter pauses; one with none (the tab was closed) is stopped after ``cull_idle`` seconds of quiet,
    and one no browser ever connected to (a script, a link preview) after ``CONNECT_DEADLINE`` seconds (or
    ``cull_idle``, if shorter). Busy kernels (a run in progress) are left to finish. Preheated kernels stay
    off: they would keep spare kernels running. Kernel websocket frames are checked (see
    :mod:`mentorsim.dashboard.server`, which also refuses other hosts and sites, and asks for the token).
    """
    return [
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        "--Voila.open_browser=False",
        "--theme=light",
        "--strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--VoilaExecutor.cell_error_instruction={CELL_ERROR}",
        "--VoilaConfiguration.preheat_kernel=False",
        "--VoilaConfiguration.multi_kernel_manager_class=mentorsim.dashboard.server.CappedKernelManager",
        "--Voila.kernel_websocket_connection_class=mentorsim.dashboard.server.CheckedConnection",
        f"--CappedKernelManager.max_kernels={max_pages}",
        f"--CappedKernelManager.connect_deadline={min(CONNECT_DEADLINE, cull_idle)}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
        f"--MappingKernelManager.cull_interval={_cull_interval(cull_idle)}",
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
    ]


def run(a: argparse.Namespace) -> int:
    """Serve the dashboard with Voila until Ctrl+C; returns the exit code."""
    import mentorsim as ms

    scenario = None
    if a.scenario:
        sc = ms.load_scenario(a.scenario)  # fails early, in one line, on a bad file
        sc.with_overrides({"workforce.size": a.size})
        scenario = str(Path(a.scenario).resolve())
    else:
        ms.scenario_from_dict({"program": {"format": "one_on_one"}}).with_overrides({"workforce.size": a.size})
    try:
        import voila  # noqa: F401
    except ImportError:
        raise MentorsimError("dashboard: Voila is not installed; install it with: pip install voila") from None
    port = a.port or _free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            raise MentorsimError(
                f"--port: {port} is already in use on 127.0.0.1; pick another or leave it out"
            ) from None

    tmp = Path(tempfile.mkdtemp(prefix="mentorsim-dashboard-"))
    try:
        # a kernelspec that runs this very interpreter, whatever else is installed on the machine
        kdir = tmp / "share" / "jupyter" / "kernels" / "mentorsim"
        kdir.mkdir(parents=True)
        (kdir / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": "mentorsim",
                    "language": "python",
                    "env": {"MPLBACKEND": "Agg"},
                }
            )
        )
        nb = tmp / "mentorsim-dashboard.ipynb"
        nb.write_text(json.dumps(notebook(scenario, a.size, a.replications, a.seed, a.workers), indent=1))
        env = dict(os.environ)
        env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(tmp / "share" / "jupyter"), env.get("JUPYTER_PATH")]))
        env.setdefault("MPLBACKEND", "Agg")
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        token = new_token()
        env[TOKEN_ENV] = token  # in the environment, which only this user can read, not on the command line
        server = [sys.executable, "-m", "mentorsim.dashboard.server"]
        cmd = [*server, str(nb), *voila_options(port, a.cull_idle, a.max_pages)]
        url = f"http://127.0.0.1:{port}/?token={token}"
        what = Path(a.scenario).name if a.scenario else "a default one-on-one program"
        print(f"mentorsim dashboard: {what}, {a.size:,} people, {a.replications} replications", flush=True)
        print(f"Serving on {url}  (open it in a browser on this machine; Ctrl+C stops)", flush=True)
        proc = subprocess.Popen(cmd, env=env, cwd=tmp)

        def _stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        old = signal.signal(signal.SIGTERM, _stop)  # stopped like Ctrl+C, so the kernels are shut down
        try:
            return proc.wait()
        except KeyboardInterrupt:
            # SIGTERM has Voila stop its loop and shut every kernel down (which stops their worker processes);
            # a second SIGINT would interrupt that shutdown
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            print("mentorsim dashboard: stopped", file=sys.stderr)
            return 0
        finally:
            signal.signal(signal.SIGTERM, old)
            if proc.poll() is None:
                proc.terminate()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
