"""Atomic output files: written under a temporary name, renamed into place.

A crash or Ctrl-C while writing leaves the previous good file untouched and at
worst a stray temporary file, never a truncated PDF, DOCX or zip.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

PART_SUFFIX = ".part"


def _file_mode() -> int:
    """The mode an ordinary new file gets: mkstemp makes 0600, but outputs are for sharing."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    """Yield a file to write; on success it replaces `target` in one rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=PART_SUFFIX, dir=target.parent)
    try:
        os.fchmod(handle, _file_mode())
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
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
