"""Output paths checked before any work, and writes that keep what was computed when they fail.

Every command that writes checks its output paths first (:func:`output_file`, :func:`output_dir`):
a directory where a file goes (or the reverse), a wrong extension, a missing or read-only directory
is one line and exit code 2 before anything is simulated. A write that still fails (a full disk,
a quota) goes to a fallback under the system's temporary directory instead (:func:`write_or_fallback`),
and the command says where in one line.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from mentorsim.errors import MentorsimError
from mentorsim.schema.io import possible_path, shown_path

__all__ = ["CSV", "HTML", "PLOT", "YAML", "output_dir", "output_file", "write_or_fallback"]

CSV = (".csv",)
HTML = (".html", ".htm")
PLOT = (".png", ".svg", ".pdf")
YAML = (".yaml", ".yml")


def _shown(path: str | Path) -> str:
    return shown_path(path)


def _reason(e: OSError) -> str:
    return e.strerror or str(e) or type(e).__name__


def _writable_dir(d: Path, what: str, path: str | Path) -> None:
    """``d`` is an existing directory a file can be created in (tried: permissions, read-only mounts)."""
    try:
        fd, probe = tempfile.mkstemp(dir=d, prefix=".mentorsim-probe-")
    except OSError as e:
        raise MentorsimError(f"{what}: {_shown(path)}: cannot write in {_shown(d)}: {_reason(e)}") from None
    os.close(fd)
    os.unlink(probe)


def _existing_ancestor(p: Path, what: str, path: str | Path) -> Path:
    """The nearest existing ancestor of ``p``; it must be a directory."""
    cur = p.absolute().parent
    while not cur.exists():
        cur = cur.parent
    if not cur.is_dir():
        raise MentorsimError(f"{what}: {_shown(path)}: {_shown(cur)} is a file, not a directory")
    return cur


def output_file(
    path: str | Path, what: str, suffixes: Sequence[str] | None = None, *, create_dirs: bool = False
) -> Path:
    """Check, before any work, that a file can be written at ``path``; returns it as a Path.

    what: how the option is named in errors (e.g. ``--csv``). suffixes: the allowed extensions.
    create_dirs: its missing directories will be created (else its directory must exist).
    """
    if not str(path) or str(path).endswith(("/", os.sep)):
        raise MentorsimError(f"{what}: {_shown(path)}: give a file name, not a directory")
    p = possible_path(path, what)
    if p.is_dir():
        raise MentorsimError(f"{what}: {_shown(path)} is a directory; give a file name")
    if suffixes is not None and p.suffix.lower() not in suffixes:
        raise MentorsimError(
            f"{what}: {_shown(path)}: the file name must end in {' or '.join(suffixes)}"
            f" (got {p.suffix or 'no extension'})"
        )
    if p.exists():
        if not p.is_file():
            raise MentorsimError(f"{what}: {_shown(path)} exists and is not a regular file")
        if not os.access(p, os.W_OK):
            raise MentorsimError(f"{what}: {_shown(path)} exists and is not writable")
    parent = p.absolute().parent
    if not parent.exists():
        if not create_dirs:
            raise MentorsimError(f"{what}: {_shown(path)}: its directory {_shown(p.parent)} does not exist")
        parent = _existing_ancestor(p, what, path)
    elif not parent.is_dir():
        raise MentorsimError(f"{what}: {_shown(path)}: {_shown(p.parent)} is a file, not a directory")
    _writable_dir(parent, what, path)
    return p


def output_dir(path: str | Path, what: str, contents: str = "") -> Path:
    """Check, before any work, that ``path`` is (or can be created as) a writable directory.

    contents: what goes in it, for the message when ``path`` is a file.
    """
    p = possible_path(path, what)
    if p.exists() and not p.is_dir():
        raise MentorsimError(
            f"{what}: {_shown(path)} is a file; {what} takes a directory" + (f" (for {contents})" if contents else "")
        )
    _writable_dir(p if p.is_dir() else _existing_ancestor(p, what, path), what, path)
    return p


def write_or_fallback(
    write: Callable[[Path], object], path: str | Path, what: str, is_dir: bool = False
) -> tuple[Path, str | None]:
    """``write(path)``; if that raises OSError, ``write`` to a new directory under the system's temporary
    directory instead (the same file name, or a directory of its own).

    Returns the path written and, after a fallback, a one-line warning that says what failed and where the
    results are. If the fallback fails too, a MentorsimError says both.
    """
    p = Path(path)
    try:
        write(p)
        return p, None
    except OSError as e:
        first = _reason(e)
        where = getattr(e, "filename", None) or p
    tmp = Path(tempfile.mkdtemp(prefix="mentorsim-"))
    fallback = tmp if is_dir else tmp / p.name
    try:
        write(fallback)
    except OSError as e:
        raise MentorsimError(
            f"{what}: cannot write {_shown(where)} ({first}), nor a copy in {_shown(tmp)} ({_reason(e)})"
        ) from None
    return fallback, f"{what}: cannot write {_shown(where)} ({first}); wrote {_shown(fallback)} instead"
