"""The build's writer processes: when they are forked and what they run (the pool itself is workers.py).

The command line forks the workers of a first build once it has imported the pipeline (the
plan model, Jinja, pydantic: what both sides need, imported once) and before it loads any
plan: the first worker then imports WeasyPrint and python-docx while this process loads,
checks and renders the plans. This module imports nothing heavy itself.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import struct
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .workers import Pool, collector_paused
from .writers import FORMATS

if TYPE_CHECKING:
    from .errors import BriefkitError
    from .pipeline import Output, WriteTask


class BuildWorkers:
    """The build's worker processes, started only when there is work.

    Started early when the build is known to be cold: the first worker imports
    the writers, and forks the others, while this process checks, renders and cuts the font
    subsets; otherwise the pipeline starts them when it finds more than one slow output to write.
    """

    def __init__(self, jobs: int | None, formats: tuple[str, ...], start_now: bool = False) -> None:
        self.count = jobs or os.cpu_count() or 1
        self.pool: Pool[WriteTask, Output | BriefkitError] | None = None
        self._useful = self.count > 1 and any(FORMATS[name].heavy for name in formats)
        if start_now:
            self.start_early()

    def start_early(self) -> None:
        """Fork them now, before the outputs to write are known, if a build of these formats can use them."""
        if self._useful:
            self.start()

    def start(self) -> Pool[WriteTask, Output | BriefkitError] | None:
        """The pool, forked now if it is not yet; None where this system cannot fork."""
        if self.pool is None:
            pool: Pool[WriteTask, Output | BriefkitError] = Pool(self.count, import_writers, _write)
            self.pool = pool if pool.start() else None
        return self.pool

    def close(self) -> None:
        """Let the workers finish what they are writing and exit (at once, if they never got a task)."""
        if self.pool is not None:
            # On an error or Ctrl-C, queued outputs are dropped; running ones finish atomically or vanish.
            self.pool.close()
            self.pool = None

    def __enter__(self) -> BuildWorkers:
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        self.close()


def first_build(output: Path, force: bool) -> bool:
    """Whether a build surely writes its slow outputs: --force, or no output folder yet (nothing is built).

    Known before the plans load, so the workers can start then; any other build finds out
    from its build records, and starts them after the plans load (pipeline._build)."""
    return force or not output.exists()


def import_writers() -> None:
    """Import WeasyPrint, python-docx and the pipeline (if the parent has not) once, in the first worker,
    before it forks the others."""
    with collector_paused(), _libraries_looked_up_once():  # the collector: 13% of these imports' CPU
        from .writers import docx, pdf  # noqa: F401
    from . import pipeline  # noqa: F401  what a task is made of, and what writes it


@contextmanager
def _libraries_looked_up_once() -> Iterator[None]:
    """While WeasyPrint is imported, ctypes.util.find_library answers from one `ldconfig -p` listing.

    WeasyPrint asks cffi for each system library it uses (GObject, Pango, HarfBuzz, fontconfig...)
    under several names, Windows' first; on Linux every name that is not a file goes through
    find_library, which runs ldconfig and, for a name ldconfig does not list, gcc and ld: 86
    processes (strace) and 0.3-0.4 s before the first worker could start. Here a name is looked up in
    one listing, the way find_library reads it; a name the listing lacks is not found, and WeasyPrint
    tries its next one, down to the library's file name (libpango-1.0.so.0), which the dynamic
    loader finds itself. Elsewhere than Linux, or without ldconfig, find_library is left alone.
    """
    listing = None
    if sys.platform.startswith("linux"):
        try:
            listing = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, check=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            pass
    if listing is None:
        yield
        return
    # The ABI tag find_library looks for (ctypes/util.py, _findSoname_ldconfig), e.g. "libc6,x86-64".
    machine = f"{os.uname().machine}-{8 * struct.calcsize('l')}"
    abi = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
           "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}.get(machine, "libc6")

    def find_library(name: str) -> str | None:
        found = re.search(os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}"), listing)
        return os.fsdecode(found.group(1)) if found else None

    original = ctypes.util.find_library
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _write(task: Any) -> Any:
    """A worker's work: one output (through the pipeline's name, looked up now, as tests may replace it)."""
    from . import pipeline

    return pipeline.write_output(task)
