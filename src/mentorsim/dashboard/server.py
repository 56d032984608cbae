"""The server behind ``mentorsim dashboard``: Voila kept to its presenter, and never frozen by a client.

``python -m mentorsim.dashboard.server NOTEBOOK [Voila options]`` runs Voila (:class:`LocalVoila`) with:

- **its own address only**: a request whose ``Host`` is not ``127.0.0.1:PORT`` or ``localhost:PORT``, or whose
  ``Origin`` is not ``http://`` one of those, is refused with HTTP 403 before any handler sees it (a page on
  another site that rebinds its DNS name to 127.0.0.1 gets nothing, and cannot open a kernel's websocket);
- **a token**: pages and kernels need the token of the printed address (``?token=...``, then a cookie),
  which the command passes in the environment (:data:`TOKEN_ENV`, never on the command line, which every
  local user can read);
- **at most ``max_kernels`` pages** (:class:`CappedKernelManager`); a page past the cap gets HTTP 503 with
  :func:`busy_message` and reloads itself a few seconds later; a page whose browser never connected within
  ``connect_deadline`` seconds of its last activity (a script, ``curl``, a link preview) is stopped, and
  makes room at once for a page that needs it;
- **checked websocket frames** (:class:`CheckedConnection`): a frame that is not what the negotiated kernel
  protocol allows (e.g. an older, v0, frame on a v1 connection, which made jupyter_server loop over a
  billions-long offset table, freezing the server and growing it by 25 MB/s) closes that connection.

Jupyter is imported only when one of those classes is first used (the command line does not need it).
"""

from __future__ import annotations

import json
import os
import secrets
import struct
import sys
from typing import Any

CULL_IDLE = 90  # seconds a page's kernel may sit with no page connected before it is stopped
CONNECT_DEADLINE = 20  # seconds a served page's browser has to connect before its kernel is stopped
MAX_PAGES = 4  # pages (kernels) served at once; one more is refused with BUSY
BUSY = "the dashboard is busy: {who} using it, try again in a minute"
RETRY_SECONDS = 5  # a busy page reloads itself after this long
TOKEN_ENV = "MENTORSIM_DASHBOARD_TOKEN"
V1 = "v1.kernel.websocket.jupyter.org"
MAX_PARTS = 64  # message parts (header, parent, metadata, content, buffers) a kernel frame may have


def busy_message(n: int) -> str:
    """What a page past the cap says: 'the dashboard is busy: 4 people are using it, try again in a minute'."""
    return BUSY.format(who="1 person is" if n == 1 else f"{n} people are")


def new_token() -> str:
    """A token for one run of the dashboard: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def served_hosts(port: int) -> frozenset[str]:
    """The ``Host`` headers of the served address: ``127.0.0.1:PORT`` and ``localhost:PORT``."""
    hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
    if port == 80:  # a browser leaves the default port out
        hosts |= {"127.0.0.1", "localhost"}
    return frozenset(hosts)


def refusal(host: str | None, origin: str | None, port: int) -> str | None:
    """Why a request with these ``Host`` and ``Origin`` headers is refused (None: it is not).

    >>> refusal("127.0.0.1:8866", None, 8866), refusal("localhost:8866", "http://localhost:8866", 8866)
    (None, None)
    >>> refusal("evil.example", None, 8866)
    'its Host is not this dashboard'
    >>> refusal("127.0.0.1:8866", "http://evil.example", 8866)
    'its Origin is another site'
    """
    hosts = served_hosts(port)
    if (host or "").strip().lower() not in hosts:
        return "its Host is not this dashboard"
    if origin is not None and origin.strip().lower() not in {f"http://{h}" for h in hosts}:
        return "its Origin is another site"
    return None


def frame_problem(frame: bytes | str, subprotocol: str | None) -> str | None:
    """What is wrong with a kernel websocket frame for its protocol (None: nothing; the rest is Jupyter's).

    v1 frames are binary: a count of offsets, the offsets (8 bytes each, little-endian), then the channel and
    the message parts. Legacy (v0) frames are JSON text, or binary with a 4-byte big-endian buffer count.
    """
    if subprotocol == V1:
        if not isinstance(frame, bytes):
            return "a text frame on a v1 (binary) kernel connection"
        if len(frame) < 8:
            return "a v1 frame shorter than its header"
        n = int.from_bytes(frame[:8], "little")
        if not 6 <= n <= MAX_PARTS + 2 or 8 * (n + 1) > len(frame):
            return f"a v1 frame that claims {n:,} offsets in {len(frame):,} bytes (an older, v0, frame?)"
        offsets = [int.from_bytes(frame[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(n)]
        if offsets[0] < 8 * (n + 1) or offsets[-1] > len(frame) or offsets != sorted(offsets):
            return "a v1 frame whose offsets do not fit it"
        return None
    if isinstance(frame, bytes):
        if len(frame) < 4:
            return "a binary frame shorter than its header"
        (n,) = struct.unpack("!i", frame[:4])
        if not 1 <= n <= MAX_PARTS or 4 * (n + 1) > len(frame):
            return f"a binary frame that claims {n:,} buffers in {len(frame):,} bytes"
        return None
    try:
        msg = json.loads(frame)
    except ValueError:
        return "a text frame that is not JSON"
    if not isinstance(msg, dict) or not isinstance(msg.get("header"), dict):
        return "a message without a header"
    return None


def _build() -> dict[str, type]:
    """The Jupyter-side classes (imports Jupyter, Voila and Tornado)."""
    from jupyter_server import DEFAULT_STATIC_FILES_PATH
    from jupyter_server._tz import utcnow
    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from tornado.routing import Matcher, Rule
    from tornado.web import HTTPError, RequestHandler
    from traitlets import Integer
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    class CappedKernelManager(AsyncMappingKernelManager):
        """Starts a kernel only while fewer than ``max_kernels`` are running or starting; stops a kernel no
        page ever connected to once it has been idle ``connect_deadline`` seconds."""

        max_kernels = Integer(MAX_PAGES, config=True, help="kernels (pages) at once; more are refused")
        connect_deadline = Integer(
            CONNECT_DEADLINE, config=True, help="seconds a served page has to connect before its kernel is stopped"
        )

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._starting = 0
            self._connected: set[str] = set()  # kernels a page has connected to at least once
            self._stopping: set[str] = set()  # kernels being stopped here, not to be stopped twice

        def notify_connect(self, kernel_id: str) -> None:
            self._connected.add(kernel_id)
            super().notify_connect(kernel_id)

        def _overdue(self) -> list[str]:
            """Kernels no page connected to, idle for ``connect_deadline`` seconds: the longest idle first."""
            now, late = utcnow(), []
            for kid, k in list(self._kernels.items()):
                if kid in self._connected or kid in self._stopping or getattr(k, "execution_state", "") != "idle":
                    continue  # connected once, already stopping, or still starting or rendering its page
                idle = (now - getattr(k, "last_activity", now)).total_seconds()
                if idle >= self.connect_deadline:
                    late.append((idle, kid))
            return [kid for _, kid in sorted(late, reverse=True)]

        async def _stop_unconnected(self, kernel_id: str) -> None:
            self.log.warning(
                "mentorsim dashboard: stopping kernel %s: no browser connected to its page within %d s",
                kernel_id,
                self.connect_deadline,
            )
            self._stopping.add(kernel_id)
            try:
                await self.shutdown_kernel(kernel_id)
            finally:
                self._stopping.discard(kernel_id)
                self._connected.discard(kernel_id)

        async def cull_kernel_if_idle(self, kernel_id: str) -> None:
            if kernel_id in self._overdue():
                await self._stop_unconnected(kernel_id)
            else:
                await super().cull_kernel_if_idle(kernel_id)
            if kernel_id not in self._kernels:
                self._connected.discard(kernel_id)

        # jupyter_client types MultiKernelManager.start_kernel as sync; the async managers make it a
        # coroutine (jupyter_server's MappingKernelManager ignores the same mismatch)
        async def start_kernel(  # type: ignore[override]
            self, *args: Any, kernel_id: str | None = None, **kwargs: Any
        ) -> str:
            if kernel_id is None or kernel_id not in self:
                # counted and claimed before any await, so concurrent requests cannot all slip past the cap
                n = len(self._kernels) + self._starting
                overdue = self._overdue() if n >= self.max_kernels else []
                if n >= self.max_kernels and not overdue:
                    self.log.warning("mentorsim dashboard: refused a page, %d kernels running", n)
                    raise HTTPError(503, reason=busy_message(n))
                self._starting += 1
                try:
                    if overdue:  # room made by a page that never connected
                        await self._stop_unconnected(overdue[0])
                    return str(await super().start_kernel(*args, kernel_id=kernel_id, **kwargs))
                finally:
                    self._starting -= 1
            return str(await super().start_kernel(*args, kernel_id=kernel_id, **kwargs))

    class CheckedConnection(ZMQChannelsWebsocketConnection):
        """A kernel websocket that closes on a frame its protocol does not allow, instead of choking on it."""

        def handle_incoming_message(self, incoming_msg: Any) -> None:
            why = frame_problem(incoming_msg, self.subprotocol)
            if why is None:
                try:
                    super().handle_incoming_message(incoming_msg)
                    return
                except Exception as e:  # a malformed message: this connection ends, the server goes on
                    why = f"a message Jupyter could not read ({type(e).__name__})"
            self.log.warning("mentorsim dashboard: closed a kernel websocket of %s: %s", self.kernel_id, why)
            self.websocket_handler.close(1002, "not a kernel message of this protocol")

    class Refused(RequestHandler):
        """HTTP 403 for a request meant for another host or sent from another site (DNS rebinding)."""

        def prepare(self) -> None:
            port = self.application.settings["mentorsim_port"]
            why = refusal(self.request.headers.get("Host"), self.request.headers.get("Origin"), port)
            self.application.settings["mentorsim_log"].warning(
                "mentorsim dashboard: refused %s %s: %s", self.request.method, ascii(self.request.path), why
            )
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(f"Forbidden: {why}; this dashboard answers only http://127.0.0.1:{port}/\n")

    class Foreign(Matcher):
        """Matches requests that :func:`refusal` refuses."""

        def __init__(self, port: int) -> None:
            self.port = port

        def match(self, request: Any) -> dict[str, Any] | None:
            h = request.headers
            return {} if refusal(h.get("Host"), h.get("Origin"), self.port) else None

    class PageHandler(TornadoVoilaHandler):
        """Voila's page, which, when the dashboard is busy (HTTP 503), reloads itself a few seconds later."""

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            if status_code == 503:
                self.set_header("Retry-After", str(RETRY_SECONDS))
                self.set_header("Refresh", str(RETRY_SECONDS))
            super().write_error(status_code, **kwargs)

    class LocalVoila(Voila):
        """Voila that answers its own address only, with a token, and a busy page that retries."""

        def init_handlers(self) -> list:
            return [(h[0], PageHandler, *h[2:]) if h[1] is TornadoVoilaHandler else h for h in super().init_handlers()]

        def listen(self) -> None:
            # before every route: a request for another host or from another site goes no further
            self.app.settings.update(mentorsim_port=self.port, mentorsim_log=self.log, allow_remote_access=False)
            # Jupyter's error page (a websocket without the token is a 403) needs a static path, else it fails
            # with a traceback in the terminal
            self.app.settings.setdefault("static_path", DEFAULT_STATIC_FILES_PATH)
            rule = self.app.default_router.process_rule(Rule(Foreign(self.port), Refused))
            self.app.default_router.rules.insert(0, rule)
            super().listen()

    return {
        "CappedKernelManager": CappedKernelManager,
        "CheckedConnection": CheckedConnection,
        "LocalVoila": LocalVoila,
    }


_CLASSES: dict[str, type] = {}


def __getattr__(name: str) -> Any:
    # Voila imports its kernel manager and connection classes by name: built on first use
    if name in ("CappedKernelManager", "CheckedConnection", "LocalVoila"):
        if not _CLASSES:
            _CLASSES.update(_build())
        return _CLASSES[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> None:
    """Run the dashboard's Voila server; the token comes from :data:`TOKEN_ENV` (kept from the kernels)."""
    token = os.environ.pop(TOKEN_ENV, "") or new_token()
    __getattr__("LocalVoila").launch_instance(argv if argv is not None else sys.argv[1:], token=token)


if __name__ == "__main__":  # the classes Voila imports by name are the importable module's
    from mentorsim.dashboard.server import main as _main

    _main()
