"""The served dashboard is its presenter's alone, and no client can freeze it: a real `mentorsim dashboard`.

Requests for another host or from another site are refused (DNS rebinding); pages and kernels need the token
of the printed address; a websocket client speaking the older (v0) kernel protocol is served, or disconnected
when it speaks it on a v1 connection, without stalling the server or growing it; pages no browser connects to
give up their place within the connect deadline; --replications and --workers are capped as everywhere.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import websocket

from mentorsim.dashboard.server import TOKEN_ENV, V1, frame_problem, refusal
from test_dashboard_server import Server, _kernels, _tree, _wait_until

MB = 1024 * 1024


@pytest.fixture
def tmp(tmp_path):
    return tmp_path


def _server_pid(srv: Server) -> int:
    return next(p for p, (_, _, cmd) in _tree(srv.proc.pid).items() if "mentorsim.dashboard.server" in cmd)


def _rss(pid: int) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def _message(kind: str = "kernel_info_request") -> dict:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": kind,
        "username": "",
        "session": "s",
        "version": "5.3",
        "date": "",
    }
    return {"header": header, "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell"}


def _closed(ws: websocket.WebSocket, within: float = 15) -> int | None:
    """The close code the server sent within ``within`` seconds (0: closed without one; None: still open)."""
    end = time.monotonic() + within
    ws.settimeout(within)
    while time.monotonic() < end:
        try:
            op, data = ws.recv_data(control_frame=True)
        except websocket.WebSocketConnectionClosedException:
            return 0
        except websocket.WebSocketTimeoutException:
            return None
        if op == websocket.ABNF.OPCODE_CLOSE:
            return int.from_bytes(data[:2], "big") if len(data) >= 2 else 0
    return None


def test_refusal_and_frame_checks_without_a_server():
    assert refusal("127.0.0.1:8866", "http://127.0.0.1:8866", 8866) is None
    assert refusal("LOCALHOST:8866", None, 8866) is None
    for host in ("evil.example", "evil.example:8866", "127.0.0.1:8867", "127.0.0.2:8866", "", None):
        assert refusal(host, None, 8866) == "its Host is not this dashboard"
    for origin in ("http://evil.example", "null", "https://127.0.0.1:8866", "http://127.0.0.1:9999"):
        assert refusal("127.0.0.1:8866", origin, 8866) == "its Origin is another site"
    body = json.dumps(_message()).encode()
    assert "offsets" in frame_problem(body, V1)  # a v0 (JSON) frame on a v1 connection
    assert "text frame" in frame_problem(json.dumps(_message()), V1)
    assert frame_problem(json.dumps(_message()), None) is None  # a v0 frame on a v0 connection is served
    assert "buffers" in frame_problem(b"\x7f\xff\xff\xff" + body, None)
    assert "not JSON" in frame_problem("{", None) and "header" in frame_problem("[1]", None)
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    good = serialize_msg_to_ws_v1([json.dumps(p).encode() for p in ({"msg_type": "x"}, {}, {}, {})], "shell")
    assert frame_problem(good, V1) is None
    assert "do not fit" in frame_problem(good[:-3], V1)


def test_other_hosts_other_sites_and_no_token_are_refused(tmp):
    """The faults check's attack (Host: evil.example) and its relatives; no refused request starts a kernel."""
    srv = Server(tmp, "--workers", "1")
    try:
        for headers in (
            {"Host": "evil.example"},
            {"Host": f"evil.example:{srv.port}"},
            {"Host": f"127.0.0.1:{srv.port + 1}"},
            {"Origin": "http://evil.example"},
            {"Origin": "null"},
        ):
            code, body = srv.get(headers=headers)
            assert code == 403 and "Forbidden" in body and "Traceback" not in body, (headers, code, body)
        code, _ = srv.get(srv.base)  # no token: sent to the login page
        assert code == 302
        code, _ = srv.get(f"http://localhost:{srv.port}/login")  # its other name is its own
        assert code == 200
        assert not _kernels(srv.proc.pid), "no kernel for a refused request or one without the token"
        assert "refused GET '/': its Host is not this dashboard" in srv.log.read_text()
        # the token is in no command line (which every local user can read), and the kernels never see it
        assert len(srv.token) >= 40
        assert all(srv.token not in cmd for _, _, cmd in _tree(srv.proc.pid).values())
    finally:
        srv.stop()


def test_a_v0_client_is_served_or_disconnected_and_the_server_stays_quick(tmp):
    srv = Server(tmp, "--workers", "1")
    try:
        code, page = srv.get()
        assert code == 200
        kid = re.search(r'"kernelId": "([0-9a-f-]{36})"', page).group(1)
        (kernel,) = _kernels(srv.proc.pid)
        # the server takes the token out of its environment, so kernels do not inherit it (Voila itself gives a
        # kernel its page's address, token included, readable by this user only, like the terminal)
        assert TOKEN_ENV.encode() not in open(f"/proc/{kernel}/environ", "rb").read()
        ws_url = f"ws://127.0.0.1:{srv.port}/api/kernels/{kid}/channels?session_id={uuid.uuid4().hex}"
        for url, headers in ((ws_url, []), (f"{ws_url}&token={srv.token}", ["Origin: http://evil.example"])):
            with pytest.raises(websocket.WebSocketBadStatusException) as e:
                websocket.create_connection(url, timeout=10, header=headers)
            assert e.value.status_code == 403  # no token; another site
        url = f"{ws_url}&token={srv.token}"

        # the legacy (v0) protocol, negotiated: served
        ws = websocket.create_connection(url, timeout=20)
        ws.send(json.dumps(_message()))
        replies = []
        while "kernel_info_reply" not in replies:
            replies.append(json.loads(ws.recv())["header"]["msg_type"])
        ws.close()

        # v0 frames on a v1 connection: that connection is closed; the server neither stalls nor grows
        pid = _server_pid(srv)
        before = _rss(pid)
        body = json.dumps(_message()).encode()
        for frame in (body, b"\x00\x00\x00\x01\x00\x00\x00\x08" + body, json.dumps(_message())):
            ws = websocket.create_connection(url, timeout=20, subprotocols=[V1])
            assert ws.subprotocol == V1
            ws.send(frame, websocket.ABNF.OPCODE_TEXT if isinstance(frame, str) else websocket.ABNF.OPCODE_BINARY)
            assert _closed(ws) == 1002
            ws.close()
        t0 = time.monotonic()
        code, _ = srv.get(f"http://127.0.0.1:{srv.port}/login")
        assert code == 200 and time.monotonic() - t0 < 2, "the server answers at once"
        time.sleep(3)
        assert _rss(pid) - before < 30 * MB, (before, _rss(pid))
        t0 = time.monotonic()
        code, _ = srv.get()  # and serves a new page as usual
        assert code == 200 and time.monotonic() - t0 < 120
        assert srv.log.read_text().count("closed a kernel websocket") == 3
        assert "Traceback" not in srv.log.read_text()
    finally:
        srv.stop()


def test_pages_no_browser_connects_to_give_up_their_place(tmp):
    """With --cull-idle 90, two pages loaded by a script hold the cap of 2 for the connect deadline (20 s), not
    for minutes; a page past the cap is told to come back, and reloads itself."""
    srv = Server(tmp, "--workers", "1", "--max-pages", "2", "--cull-idle", "90")
    try:
        with ThreadPoolExecutor(6) as ex:
            codes = sorted(c for c, _ in ex.map(lambda _: srv.get(), range(6)))
        assert codes == [200, 200, 503, 503, 503, 503], srv.log.read_text()[-800:]
        code, body, headers = srv.request()
        assert code == 503 and "the dashboard is busy" in body
        assert headers.get("Refresh") == "5" and headers.get("Retry-After") == "5"
        t0 = time.monotonic()
        assert _wait_until(lambda: srv.get()[0] == 200, 60), srv.log.read_text()[-800:]
        assert time.monotonic() - t0 < 45, "a place within the connect deadline, long before the idle cull (90 s)"
        assert "no browser connected to its page within 20 s" in srv.log.read_text()
        assert len(_kernels(srv.proc.pid)) <= 2
    finally:
        srv.stop()


@pytest.mark.parametrize(("option", "value"), [("--replications", "100000"), ("--workers", "100000")])
def test_replications_and_workers_are_capped(option, value):
    r = subprocess.run(
        [sys.executable, "-m", "mentorsim", "dashboard", option, value], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert option.strip("-") in r.stderr and "100,000" in r.stderr or "100000" in r.stderr
