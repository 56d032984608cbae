"""What keeps a sweep store honest: the writer's lock, the model fingerprint, chunk checksums.

- ``StoreLock``: an exclusive ``fcntl.flock`` on ``DIR/.lock``, held by the one run that
  writes the store, for the whole run. The file records the holder (pid, host, start
  time) so a second writer is refused with one line naming it. The kernel releases the
  lock when its holder exits or dies, so a lock left by a killed run never blocks.
- ``model_fingerprint()``: a sha256 over the source files that decide a simulation's
  results, so a store knows which model wrote it, beyond the version string.
- ``check_chunk``: a chunk's bytes against the checksum the manifest recorded when it
  was written, its Parquet footer and its schema; what is wrong, in a few words.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
from functools import cache
from pathlib import Path
from typing import Any

from mentorsim.errors import MentorsimError

LOCK = ".lock"
DAMAGED = "damaged"

# the folders of the package that decide what a simulation gives, taken whole, with the package's root modules
# (rng, uncertainty, errors...): adding a module to one of them adds it to the fingerprint, nothing to keep by hand
MODEL_FOLDERS = ("schema", "engine", "programs", "run")


class StoreError(MentorsimError):
    """A store cannot be created, resumed or read."""


def model_files(root: Path | None = None) -> list[Path]:
    """The source files the model fingerprint covers: every ``*.py`` of ``MODEL_FOLDERS`` and of the package root.

    A model folder that is missing is an error (a broken install must not fingerprint as a smaller model).
    """
    root = root or Path(__file__).resolve().parents[1]
    files = sorted(root.glob("*.py"))
    for name in MODEL_FOLDERS:
        folder = root / name
        if not folder.is_dir():
            raise StoreError(f"cannot fingerprint the model: {folder} is missing (reinstall mentorsim)")
        files += sorted(folder.rglob("*.py"))
    return files


@cache
def model_fingerprint() -> str:
    """sha256 over the model's source files (``model_files()``), computed once per process."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for f in model_files(root):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def sha256(data: bytes) -> str:
    """The hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (best effort: not every platform can open a directory)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- one writer --------------------------------------------------------------------------------

_HELD: dict[str, list[int]] = {}  # real path of a lock file -> [fd, depth] (re-entrant within a process)


class StoreLock:
    """The exclusive, re-entrant (within one process) writer's lock of a store directory."""

    def __init__(self, store: Path):
        self.store = store
        self.path = store / LOCK
        self._key: str | None = None

    def acquire(self) -> None:
        if self._key is not None:
            return
        if self.store.exists() and not self.store.is_dir():
            raise StoreError(f"{self.store}: exists and is not a directory")
        self.store.mkdir(parents=True, exist_ok=True)
        key = os.path.realpath(self.path)
        if key in _HELD:
            _HELD[key][1] += 1
            self._key = key
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock(fd)
        except OSError:
            holder = _describe(self.path)
            os.close(fd)
            raise StoreError(
                f"{self.store}: the sweep store is locked by another run ({holder}); only one run may write a "
                "store: wait for it to finish (or stop it), or use another output directory"
            ) from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(info).encode())
        _HELD[key] = [fd, 1]
        self._key = key

    def release(self) -> None:
        key, self._key = self._key, None
        if key is None or key not in _HELD:
            return
        _HELD[key][1] -= 1
        if _HELD[key][1] == 0:
            fd = _HELD.pop(key)[0]
            os.close(fd)  # closing the descriptor releases the flock

    def __enter__(self) -> StoreLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _lock(fd: int) -> None:
    """Lock ``fd`` exclusively without waiting (OSError when held); the OS releases it when the holder dies."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: lock the first byte
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _describe(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return "holder unknown"
    return f"pid {info.get('pid', '?')} on {info.get('host', '?')}, started {info.get('started', '?')}"


# ---- chunks ------------------------------------------------------------------------------------


def check_chunk(data: bytes, entry: dict[str, Any] | None, schema: Any) -> tuple[str | None, Any]:
    """What is wrong with a chunk's bytes (None when nothing), and its Parquet file when readable.

    entry: what the manifest recorded for it (None for a store that records no checksums).
    schema: the expected ``pyarrow.Schema`` (None: not checked).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not data:
        return "empty (0 bytes)", None
    if entry is not None:
        if entry.get("bytes") is not None and int(entry["bytes"]) != len(data):
            return f"{len(data):,} bytes where {int(entry['bytes']):,} were written", None
        if entry.get("sha256") != sha256(data):
            return "checksum mismatch (its bytes changed after it was written)", None
    try:
        pf = pq.ParquetFile(pa.BufferReader(data))
        got = pf.schema_arrow
    except Exception as e:  # pyarrow raises several types for a bad file
        return f"unreadable ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})", None
    if schema is not None:
        want = [(f.name, f.type) for f in schema]
        have = [(f.name, f.type) for f in got]
        if have != want:
            missing = [n for n, _ in want if n not in dict(have)]
            extra = [n for n, _ in have if n not in dict(want)]
            what = (
                "; ".join(
                    x
                    for x in (
                        missing and f"missing {', '.join(missing[:3])}",
                        extra and f"unexpected {', '.join(extra[:3])}",
                    )
                    if x
                )
                or "other types"
            )
            return f"wrong schema ({what})", None
    if entry is not None and entry.get("rows") is not None and pf.metadata.num_rows != int(entry["rows"]):
        return f"{pf.metadata.num_rows} rows where {entry['rows']} were written", None
    return None, pf
