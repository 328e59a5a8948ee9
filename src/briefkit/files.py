"""Output files: atomic writes, reproducible zips, paths as messages show them; failures as clear messages.

A crash or Ctrl-C while writing leaves the previous good file untouched and at
worst a stray temporary file, never a truncated PDF, DOCX or zip. A full disk,
a read-only folder or a file where the output folder should be is a BuildError
that names the output (exit 1), never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
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


def output_error(target: Path, error: OSError) -> BuildError:
    """A clear message for an output that could not be written; the previous file, if any, is kept."""
    reason = _REASONS.get(error.errno or 0, error.strerror or str(error))
    return BuildError(f"cannot write {display_path(target)}: {reason} (the previous file, if any, is kept)")


def ensure_folder(folder: Path) -> None:
    """Make `folder` (and its parents), or say which file stands in the way."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        raise BuildError(f"cannot write outputs into {display_path(folder)}: {display_path(blocker)} is a file, "
                         "not a folder; move it away") from None
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


def prune_folders(parent: Path, keep: Path, count: int) -> None:
    """Delete all but the `count` most recently used folders in `parent` (`keep` among those kept): caches
    whose folders are named by what made them, and would otherwise grow with every change."""
    others = sorted((path for path in parent.iterdir() if path.is_dir() and path != keep),
                    key=lambda path: path.stat().st_mtime, reverse=True)
    for old in others[count - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def write_atomic(target: Path, data: bytes) -> None:
    with atomic_output(target) as stream:
        stream.write(data)


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working folder when inside it, else as given."""
    try:  # the folder resolved, not the file: a symlinked file is named as written, not where it leads
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
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
