"""What keeps a sweep store honest: the writer's lock, the model fingerprint, chunk checksums, files that are files.

- ``StoreLock``: an exclusive ``fcntl.flock`` on ``DIR/.lock``, held by the one run that
  writes the store, for the whole run. The file records the holder (pid, host, start
  time) so a second writer is refused with one line naming it. The kernel releases the
  lock when its holder exits or dies, so a lock left by a killed run never blocks. The
  design search locks its storage the same way.
- ``open_regular``/``read_regular``: a store's files are opened without following links
  (``O_NOFOLLOW``, ``O_NONBLOCK``) and must be regular files (``fstat``), so a planted
  link is never written through and a FIFO never blocks; ``check_folder`` refuses a
  store folder that is a link or a file.
- ``model_fingerprint()``: a sha256 over the source files that decide a simulation's
  results, so a store knows which model wrote it, beyond the version string.
- ``check_chunk``: a chunk's bytes against the checksum the manifest recorded when it
  was written, its Parquet footer and its schema; what is wrong, in a few words.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import socket
import stat
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


class NotRegular(StoreError):
    """A store's file is not a regular file of its own (a symbolic link, a pipe, a folder...): ``got`` says what."""

    def __init__(self, message: str, got: str):
        super().__init__(message)
        self.got = got


class TooLarge(StoreError):
    """A store's file is larger than it may be (``size`` bytes)."""

    def __init__(self, message: str, size: int):
        super().__init__(message)
        self.size = size


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


# ---- files that are what they claim to be -------------------------------------------------------


def kind(mode: int) -> str:
    """What a file is, in words, from its ``st_mode``."""
    for test, words in (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    ):
        if test(mode):
            return words
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def open_regular(path: Path, flags: int = os.O_RDONLY, what: str = "file") -> int:
    """A descriptor of ``path``, opened without following a symbolic link and without waiting on a pipe.

    Anything but a regular file with one name (a symbolic link, even dangling or to ``/dev/null``, a FIFO,
    a directory, a device, a second hard link) is refused with a ``StoreError`` naming it and what to do,
    so nothing outside the store is ever read or written through it. Other errors are ``OSError``.
    """
    nofollow = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags | nofollow, 0o644)
    except OSError as e:
        if e.errno not in (errno.ELOOP, errno.EMLINK, errno.EISDIR, errno.ENXIO, errno.EOPNOTSUPP):
            raise
        try:
            got = kind(os.lstat(path).st_mode)
        except OSError:
            raise e from None
        raise _not_regular(path, got, what) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(path, kind(st.st_mode), what)
        if flags & (os.O_WRONLY | os.O_RDWR) and st.st_nlink > 1:
            raise _not_regular(path, f"a file with {st.st_nlink} hard links", what)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _not_regular(path: Path, got: str, what: str) -> NotRegular:
    return NotRegular(
        f"{path}: is {got}, not the store's {what}; refusing to use it (nothing outside the store is read or "
        "written through it): remove it or move it away, then run again",
        got,
    )


def read_regular(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file (see ``open_regular``); a file larger than ``limit`` bytes is refused."""
    fd = open_regular(path, os.O_RDONLY, what)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise TooLarge(f"{path}: is {size:,} bytes, more than the {limit:,} a store's {what} may have", size)
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(size + 1)
    finally:
        os.close(fd)


def check_folder(path: Path, what: str) -> None:
    """Refuse a store folder that exists but is not a real directory (a symbolic link, a file)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(mode):
        raise StoreError(
            f"{path}: is {kind(mode)}, not the store's {what} folder; a store's folders must be real directories "
            "inside it: remove it or move it away, then run again"
        )


def write_failed(e: OSError) -> str:
    """Why a write failed, in a few words (the disk is full, a quota, or the system's reason)."""
    if e.errno == errno.ENOSPC:
        return "the disk is full"
    if e.errno == getattr(errno, "EDQUOT", -1):
        return "the disk quota is used up"
    return f"cannot write ({e.strerror or e})"


# ---- one writer --------------------------------------------------------------------------------

_HELD: dict[str, list[int]] = {}  # real path of a lock file -> [fd, depth] (re-entrant within a process)


class StoreLock:
    """The exclusive, re-entrant (within one process) writer's lock of a store directory.

    ``name``: the lock file in ``store``; ``subject``, ``what`` and ``by`` word the refusal (the design
    search locks ``DIR/.search.db.lock`` for ``DIR/search.db``). The lock file is opened without following
    links and must be a regular file (``open_regular``): a planted symbolic link is refused, never written
    through.
    """

    def __init__(
        self, store: Path, name: str = LOCK, subject: Path | None = None, what: str = "sweep store", by: str = "run"
    ):
        self.store = store
        self.path = store / name
        self.subject = subject if subject is not None else store
        self.what, self.by = what, by
        self._key: str | None = None

    def acquire(self) -> None:
        if self._key is not None:
            return
        if self.store.exists() and not self.store.is_dir():
            raise StoreError(f"{self.store}: exists and is not a directory")
        try:
            self.store.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{self.store}: cannot create the directory ({e.strerror or e})") from None
        key = os.path.realpath(self.path)
        if key in _HELD:
            _HELD[key][1] += 1
            self._key = key
            return
        try:
            fd = open_regular(self.path, os.O_RDWR | os.O_CREAT, "lock file")
        except OSError as e:
            raise StoreError(
                f"{self.path}: cannot open the {self.what}'s lock file ({e.strerror or e}); check the directory's "
                "permissions, or use another output directory"
            ) from None
        try:
            _lock(fd)
        except OSError:
            holder = _describe(fd)
            os.close(fd)
            raise StoreError(
                f"{self.subject}: the {self.what} is locked by another {self.by} ({holder}); only one {self.by} may "
                f"write it at a time: wait for it to finish (or stop it), or use another output directory"
            ) from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(info).encode(), 0)
        except OSError as e:  # the lock is held; only the note of who holds it is missing
            if e.errno not in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
                os.close(fd)
                raise StoreError(f"{self.path}: cannot write the lock file: {write_failed(e)}") from None
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


def _describe(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode("utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict) or not info:
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
