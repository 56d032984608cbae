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

from ..errors import MentorsimError

EPILOG = """examples:
  mentorsim dashboard                                   a default one-on-one program, 500 people
  mentorsim dashboard scenarios/circle.yaml --port 8866
  mentorsim dashboard scenarios/one_on_one.yaml --size 1000 --replications 10

Open the printed address (http://127.0.0.1:PORT/) in a browser on this machine and
press F11 for full screen. Nothing is fetched from the internet. Ctrl+C stops it.
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``mentorsim dashboard`` to the command line."""
    from ..cli import _positive, port_type

    p = sub.add_parser(
        "dashboard", help="serve the facilitator dashboard in a browser (Voila, localhost only)",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG,
        description="Serve the presenter dashboard as a web page on 127.0.0.1 with Voila and print its address.\n"
                    "Dropdowns and sliders set format, cadence, recognition, sponsorship, participation,\n"
                    "workforce size, horizon and replications; each change re-runs the program against no\n"
                    "program (paired: the same people) and redraws. See docs/dashboard.md.")
    p.add_argument("scenario", nargs="?", help="scenario YAML to start from (default: a one-on-one program)")
    p.add_argument("--port", "-p", type=port_type, default=None,
                   help="port to serve on (default: a free port)")
    p.add_argument("--size", type=_positive("size"), default=500,
                   help="people simulated at the start (default 500, so changes feel instant)")
    p.add_argument("--replications", "-r", type=_positive("replications"), default=20,
                   help="paired replications per run (default 20)")
    p.add_argument("--seed", "-s", type=_positive("seed"), default=7, help="random seed (default 7)")
    p.add_argument("--workers", "-w", type=_positive("workers"), default=min(2, os.cpu_count() or 1),
                   help="processes that run the replications (default: 2 where there are 2 cores)")
    p.set_defaults(func=run)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def notebook(scenario: str | None, size: int, replications: int, seed: int, workers: int = 1) -> dict:
    """The generated one-cell notebook Voila serves (its code is hidden by Voila)."""
    src = ("import mentorsim as ms\n"
           f"dash = ms.Dashboard({scenario!r}, workforce_size={size}, replications={replications}, seed={seed}, "
           f"workers={workers})\n"
           "dash.wait(300)\n"
           "dash")
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "mentorsim", "display_name": "mentorsim", "language": "python"},
                         "language_info": {"name": "python"}},
            "cells": [{"cell_type": "code", "id": "dashboard", "metadata": {}, "execution_count": None,
                       "outputs": [], "source": src}]}


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
            raise MentorsimError(f"--port: {port} is already in use on 127.0.0.1; "
                                 "pick another or leave it out") from None

    tmp = Path(tempfile.mkdtemp(prefix="mentorsim-dashboard-"))
    try:
        # a kernelspec that runs this very interpreter, whatever else is installed on the machine
        kdir = tmp / "share" / "jupyter" / "kernels" / "mentorsim"
        kdir.mkdir(parents=True)
        (kdir / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "mentorsim", "language": "python", "env": {"MPLBACKEND": "Agg"}}))
        nb = tmp / "mentorsim-dashboard.ipynb"
        nb.write_text(json.dumps(notebook(scenario, a.size, a.replications, a.seed, a.workers), indent=1))
        env = dict(os.environ)
        env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(tmp / "share" / "jupyter"), env.get("JUPYTER_PATH")]))
        env.setdefault("MPLBACKEND", "Agg")
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        cmd = [sys.executable, "-m", "voila", str(nb), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
               "--Voila.port_retries=0", "--theme=light", "--strip_sources=True", "--show_tracebacks=True",
               "--Voila.open_browser=False"]
        url = f"http://127.0.0.1:{port}/"
        what = Path(a.scenario).name if a.scenario else "a default one-on-one program"
        print(f"mentorsim dashboard: {what}, {a.size:,} people, {a.replications} replications", flush=True)
        print(f"Serving on {url}  (open it in a browser on this machine; Ctrl+C stops)", flush=True)
        proc = subprocess.Popen(cmd, env=env, cwd=tmp)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            print("mentorsim dashboard: stopped", file=sys.stderr)
            return 0
        finally:
            if proc.poll() is None:
                proc.terminate()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
