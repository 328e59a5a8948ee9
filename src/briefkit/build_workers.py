"""The build's writer processes: when they are forked and what they run (the pool itself is workers.py).

This module imports nothing heavy, so that the command line can fork the workers of a first
build before it loads the plan model: the first worker then imports WeasyPrint, python-docx
and the pipeline while this process loads, checks and renders the plans.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .workers import Pool
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
    """Import WeasyPrint, python-docx and the pipeline once, in the first worker, before it forks the others."""
    from . import pipeline  # noqa: F401  what a task is made of, and what writes it
    from .writers import docx, pdf  # noqa: F401


def _write(task: Any) -> Any:
    """A worker's work: one output (through the pipeline's name, looked up now, as tests may replace it)."""
    from . import pipeline

    return pipeline.write_output(task)
