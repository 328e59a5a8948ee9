"""Output files: atomic writes, reproducible zips, paths as messages show them.

A crash or Ctrl-C while writing leaves the previous good file untouched and at
worst a stray temporary file, never a truncated PDF, DOCX or zip.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
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


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the current folder when inside it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry: no clock in the output


def deterministic_zip(
    entries: Iterable[tuple[str, bytes]], date_time: tuple[int, ...] = ZIP_EPOCH, compresslevel: int | None = None
) -> bytes:
    """A zip of `entries` in the order given, with one fixed time, Unix 0644 permissions and deflate.

    The same entries give the same bytes on any machine and at any time: the press pack and every DOCX
    (python-docx stamps the clock into each entry) go through here.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=date_time[:6])  # type: ignore[arg-type]
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever machine builds it
            archive.writestr(info, data, compresslevel=compresslevel)
    return buffer.getvalue()
