"""A plan folder -> the build date (SOURCE_DATE_EPOCH) and source commit that make builds reproducible.

Two builds of the same sources must give the same bytes, so nothing may read
the clock. The date comes from SOURCE_DATE_EPOCH when it is set, else from the
last commit that touched the plan's files, else from the plan's own date.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path


def source_date(plan_folder: Path, plan_date: dt.date) -> dt.datetime:
    """The build date every output carries, in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    committed = _git(plan_folder, "log", "-1", "--format=%ct", "--", ".")
    if committed and committed.isdigit():
        return dt.datetime.fromtimestamp(int(committed), dt.UTC)
    return dt.datetime(plan_date.year, plan_date.month, plan_date.day, tzinfo=dt.UTC)


def source_commit(folder: Path) -> str | None:
    """The commit the sources come from, with '-dirty' when the plan folder has uncommitted edits."""
    commit = _git(folder, "rev-parse", "HEAD")
    if not commit:
        return None
    dirty = _git(folder, "status", "--porcelain", "--", ".")
    return f"{commit}-dirty" if dirty else commit


def _git(folder: Path, *args: str) -> str | None:
    if shutil.which("git") is None or not folder.is_dir():
        return None
    try:
        result = subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, text=True, check=False, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None
