"""A scheduler address is refused in one line within seconds, before any work and before a sweep's store exists
(docs/reliability.md): nothing listening, a silent server, an HTTP server, a Dask worker instead of the
scheduler, tls:// without certificates, ucx:// without its package, and a scheduler with no workers."""

from __future__ import annotations

import http.server
import logging
import socket
import threading
import time

import pytest

import mentorsim as ms
from conftest import ROOT, SCENARIOS
from mentorsim.run import reach
from test_limits import cli, one_error_line

SPEC = {
    "name": "reach",
    "base": {"workforce": {"size": 100}, "horizon_weeks": 26},
    "sampler": "grid",
    "parameters": {"program.cadence": ["weekly", "monthly"]},
    "replications": 1,
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


@pytest.fixture
def http_server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"tcp://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


@pytest.fixture
def silent():
    """A server that accepts connections and never says a word."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    yield f"tcp://127.0.0.1:{s.getsockname()[1]}"
    s.close()


def test_an_http_server_as_scheduler_is_refused_in_one_line_within_seconds_and_leaves_no_store(http_server, tmp_path):
    t = time.monotonic()
    line = one_error_line(
        cli("run", SCENARIOS / "one_on_one.yaml", "-r", 2, "--executor", "dask", "--scheduler", http_server)
    )
    assert time.monotonic() - t < 30  # was: MemoryError (Unable to allocate 3.07 EiB), or no answer at all
    assert "not a Dask scheduler" in line and http_server in line
    out = tmp_path / "sweep"
    one_error_line(cli("sweep", SCENARIOS / "sweeps" / "example.yaml", "--out", out, "--scheduler", http_server))
    assert not out.exists()  # refused before the store: a plain re-run is not refused for an old store
    with pytest.raises(ms.MentorsimError, match="not a Dask scheduler"):
        ms.sweep(SPEC, "dask", store=tmp_path / "api", scheduler=http_server, progress=False)
    assert not (tmp_path / "api").exists()


def test_unreachable_silent_and_unsupported_addresses_are_one_line_each(silent):
    sc = ms.load_scenario(SCENARIOS / "one_on_one.yaml").with_overrides({"workforce.size": 100})
    for address, words in (
        ("tcp://127.0.0.1:1", "nothing listens there"),
        (silent, f"no Dask handshake within {reach.CONNECT_SECONDS:g} s"),
        ("tcp://no-such-host.invalid:8786", "unknown host"),
        ("tls://127.0.0.1:8786", "needs TLS certificates"),
        ("wss://127.0.0.1:8786", "needs TLS certificates"),
        ("ucx://127.0.0.1:8786", "needs the distributed-ucxx package"),
    ):
        t = time.monotonic()
        with pytest.raises(ms.MentorsimError, match=words) as e:
            ms.simulate(sc, replications=1, scheduler=address)
        assert "\n" not in str(e.value) and str(e.value).startswith(f"scheduler: {address}: ")
        assert time.monotonic() - t < reach.CONNECT_SECONDS + 5, address


def test_a_workers_address_and_a_scheduler_with_no_workers(monkeypatch, tmp_path):
    from dask.distributed import LocalCluster

    kw = dict(threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR)
    with LocalCluster(n_workers=1, **kw) as c:
        worker = next(iter(c.scheduler_info["workers"]))
        with pytest.raises(ms.MentorsimError, match="it is a Dask Worker, not a scheduler"):
            reach.check_scheduler(worker)
        assert reach.check_scheduler(c.scheduler_address) == 1
    monkeypatch.setattr(reach, "WORKER_WAIT_SECONDS", 2.0)
    with LocalCluster(n_workers=0, **kw) as c:
        t = time.monotonic()
        with pytest.raises(ms.MentorsimError) as e:
            ms.compare([SCENARIOS / "baseline.yaml", SCENARIOS / "one_on_one.yaml"], 2, scheduler=c.scheduler_address)
        msg = str(e.value)
        assert "the scheduler has no workers (waited 2 s)" in msg and f"dask worker {c.scheduler_address}" in msg
        assert "\n" not in msg and time.monotonic() - t < 15
        with pytest.raises(ms.MentorsimError, match="no workers"):
            ms.sweep(SPEC, "dask", store=tmp_path / "s", scheduler=c.scheduler_address, progress=False)
        assert not (tmp_path / "s").exists()


def test_the_shipped_optimize_spec_checks_its_scheduler_before_its_storage(tmp_path):
    out = tmp_path / "best"
    line = one_error_line(
        cli(
            "optimize",
            ROOT / "scenarios" / "optimize" / "budget.yaml",
            "--out",
            out,
            "--scheduler",
            "tcp://127.0.0.1:1",
        )
    )
    assert "nothing listens there" in line and not (out / "search.db").exists()
