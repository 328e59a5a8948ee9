"""Atomic output files: written under a temporary name, renamed into place; failures as clear messages.

A crash or Ctrl-C while writing leaves the previous good file untouched and at
worst a stray temporary file, never a truncated PDF, DOCX or zip. A full disk,
a read-only folder or a file where the output folder should be is a BuildError
that names the output (exit 1), never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import BuildError

PART_SUFFIX = ".part"
_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "a folder has the output's name; move it away",
    errno.EFBIG: "the file is larger than this system allows",
}


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working directory when it can be."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def output_error(target: Path, error: OSError) -> BuildError:
    """A clear message for an output that could not be written; the previous file, if any, is kept."""
    reason = _REASONS.get(error.errno or 0, error.strerror or str(error))
    return BuildError(f"cannot write {shown(target)}: {reason} (the previous file, if any, is kept)")


def ensure_folder(folder: Path) -> None:
    """Make `folder` (and its parents), or say which file stands in the way."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        raise BuildError(f"cannot write outputs into {shown(folder)}: {shown(blocker)} is a file, not a folder; "
                         "move it away") from None
    except OSError as exc:
        raise output_error(folder, exc) from None


def _file_mode() -> int:
    """The mode an ordinary new file gets: mkstemp makes 0600, but outputs are for sharing."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    """Yield a file to write; on success it replaces `target` in one rename."""
    ensure_folder(target.parent)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=PART_SUFFIX, dir=target.parent)
    except OSError as exc:
        raise output_error(target, exc) from None
    try:
        os.fchmod(handle, _file_mode())
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(exc, OSError) and exc.errno in _REASONS:
            raise output_error(target, exc) from None
        raise


def remove_stale_parts(folder: Path, older_than: float = 600.0) -> int:
    """Remove temporary files a killed build left behind (not those a running build may still write)."""
    removed = 0
    now = time.time()
    for part in folder.glob(f".*{PART_SUFFIX}") if folder.is_dir() else []:
        with contextlib.suppress(FileNotFoundError):
            if now - part.stat().st_mtime > older_than:
                part.unlink()
                removed += 1
    return removed


def write_atomic(target: Path, data: bytes) -> None:
    with atomic_output(target) as stream:
        stream.write(data)
