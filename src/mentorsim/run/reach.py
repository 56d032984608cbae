"""A Dask scheduler's address, checked before any work: refused in one line within seconds.

``check_scheduler(address)`` refuses, each in one line naming the address and what to do: an unsupported
scheme (``ucx://`` without its package, ``tls://``/``wss://`` without certificates in the Dask
configuration), a host that does not resolve, a port nothing listens on or that does not answer (a firewall),
a server that is not Dask (an HTTP server, a silent one: no Dask handshake within ``CONNECT_SECONDS``), a Dask
worker or nanny given instead of the scheduler, and a scheduler that has had no workers for
``WORKER_WAIT_SECONDS``. It runs before a sweep's store is created, so a refused run leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import struct
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from mentorsim.errors import MentorsimError

__all__ = ["CONNECT_SECONDS", "WORKER_WAIT_SECONDS", "check_scheduler", "connection_args", "start_workers_hint"]

# how long a connection and a Dask handshake may take before the address is refused
CONNECT_SECONDS = 5.0
# how long a scheduler may have no workers (before a run, or during one) before the run stops
WORKER_WAIT_SECONDS = 30.0
# a Dask message starts with its length (8 bytes, little-endian); a handshake is a few hundred bytes
_MAX_HANDSHAKE = 16 * 1024**2


def start_workers_hint(address: str) -> str:
    """How to give a scheduler workers, for messages."""
    return f"start workers with 'dask worker {address}' on the machines that should run them"


def _fail(address: str, why: str) -> MentorsimError:
    shown = address if address.isprintable() else ascii(address)
    return MentorsimError(f"scheduler: {shown}: {why}")


def connection_args(scheme: str) -> dict[str, Any]:
    """distributed's client connection arguments for ``scheme`` (TLS from the Dask configuration)."""
    from distributed.security import Security

    args: dict[str, Any] = Security().get_connection_args("client")
    if scheme in ("tls", "wss") and args.get("ssl_context") is None:
        raise MentorsimError(
            f"{scheme}:// needs TLS certificates, and the Dask configuration names none: set "
            "distributed.comm.tls.ca-file, distributed.comm.tls.client.cert and distributed.comm.tls.client.key "
            "(https://distributed.dask.org/en/stable/tls.html), or use tcp://"
        )
    return args


def _parts(address: str) -> tuple[str, str, int]:
    full = address if "://" in address else f"tcp://{address}"
    parts = urlsplit(full)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("tcp", "tls", "ws", "wss", "ucx") or not parts.hostname or port is None:
        raise MentorsimError("not an address like tcp://10.0.0.5:8786 ([tcp|tls|ws|wss|ucx://]HOST:PORT)")
    return parts.scheme, parts.hostname, port


def _tcp(host: str, port: int, scheme: str, timeout: float) -> None:
    """Open a plain TCP connection; for tcp://, also see that the server speaks first as Dask does."""
    try:
        s = socket.create_connection((host, port), timeout=timeout)
    except socket.gaierror:
        raise MentorsimError(f"unknown host {host!r}") from None
    except ConnectionRefusedError:
        raise MentorsimError("nothing listens there (connection refused); is the scheduler running?") from None
    except TimeoutError:
        raise MentorsimError(f"no answer within {timeout:g} s (a wrong host, or a firewall?)") from None
    except OSError as e:
        raise MentorsimError(f"cannot connect ({e.strerror or e})") from None
    with s:
        if scheme != "tcp":
            return
        try:
            first = s.recv(8, socket.MSG_WAITALL)
        except TimeoutError:
            first = None
        except OSError as e:
            raise MentorsimError(f"the connection failed ({e.strerror or e})") from None
        if first is None:
            raise MentorsimError(
                f"it accepted the connection but sent no Dask handshake within {timeout:g} s: it is not a Dask "
                "scheduler (an HTTP server, or another service?); give the address 'dask scheduler' prints"
            )
        if len(first) < 8 or struct.unpack("<Q", first)[0] > _MAX_HANDSHAKE:
            raise MentorsimError(
                f"it answered {first[:16]!r}, not a Dask handshake: it is not a Dask scheduler; "
                "give the address 'dask scheduler' prints"
            )


async def _identity(address: str, timeout: float, args: dict[str, Any]) -> dict[str, Any]:
    from distributed.core import rpc

    async with rpc(address, timeout=timeout, connection_args=args) as r:
        return dict(await asyncio.wait_for(r.identity(), timeout))


def identity(address: str, timeout: float) -> dict[str, Any]:
    """The Dask server's identity (``type``, ``n_workers``, ...), asked in a thread of its own (this thread may
    be running an event loop, as Jupyter's does) and given up after ``timeout`` seconds and a margin."""
    scheme = address.split("://")[0] if "://" in address else "tcp"
    args = connection_args(scheme)
    out: dict[str, Any] = {}

    def ask() -> None:
        try:
            out["info"] = asyncio.run(_identity(address, timeout, args))
        except BaseException as e:  # reported by the caller, in one line
            out["error"] = e

    t = threading.Thread(target=ask, name="mentorsim-scheduler-probe", daemon=True)
    t.start()
    t.join(timeout + 2)
    if "info" in out:
        return out["info"]
    e = out.get("error")
    if e is None:
        raise MentorsimError(f"no Dask answer within {timeout:g} s")
    why = f"{type(e).__name__}: {e}".splitlines()[0][:200] if str(e) else type(e).__name__
    raise MentorsimError(f"the Dask handshake failed ({why}); is it a Dask scheduler?")


def check_scheduler(address: str, timeout: float | None = None, worker_wait: float | None = None) -> int:
    """Refuse ``address`` in one line unless a Dask scheduler with workers answers there; returns its worker
    count. A scheduler with no workers is asked again every second for ``worker_wait`` seconds (default
    ``WORKER_WAIT_SECONDS``); ``timeout`` bounds the connection and the handshake (``CONNECT_SECONDS``)."""
    timeout = CONNECT_SECONDS if timeout is None else timeout
    worker_wait = WORKER_WAIT_SECONDS if worker_wait is None else worker_wait
    try:
        scheme, host, port = _parts(address)
        if scheme == "ucx" and importlib.util.find_spec("distributed_ucxx") is None:
            raise MentorsimError(
                "ucx:// needs the distributed-ucxx package (and UCX-capable hardware), which is not installed; "
                "use tcp://"
            )
        connection_args(scheme)
        _tcp(host, port, scheme, timeout)
        full = address if "://" in address else f"tcp://{address}"
        info = identity(full, timeout)
        kind = info.get("type")
        if kind != "Scheduler":
            raise MentorsimError(
                f"it is a Dask {kind or 'server'}, not a scheduler; give the scheduler's address "
                "(the one 'dask worker' connects to)"
            )
        deadline = time.monotonic() + worker_wait
        while int(info.get("n_workers") or 0) == 0:
            if time.monotonic() >= deadline:
                raise MentorsimError(
                    f"the scheduler has no workers (waited {worker_wait:g} s); {start_workers_hint(full)}, "
                    "then run again"
                )
            time.sleep(1.0)
            info = identity(full, timeout)
        return int(info["n_workers"])
    except MentorsimError as e:
        raise _fail(address, str(e)) from None
