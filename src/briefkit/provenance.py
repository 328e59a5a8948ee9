"""A plan folder -> the build date (SOURCE_DATE_EPOCH) and source commit that make builds reproducible.

Two builds of the same sources must give the same bytes, so nothing may read
the clock. The date comes from SOURCE_DATE_EPOCH when it is set, else from the
last commit that touched the plan's files, else from the plan's own date.

git runs programs named in a repository's configuration (core.fsmonitor on
`status`, gpg.program when log.showSignature is set, clean filters from
.gitattributes, hooks). A plan folder is content, and may arrive with a `.git`
of its own: for such a folder git is not called at all. Otherwise git is called
only for plumbing that starts no program (`log` without signatures,
`rev-parse`, `ls-tree`, `ls-files`), with those settings overridden on the
command line and the system configuration ignored; whether the plan has
uncommitted edits is decided here, by hashing the files as git would, rather
than by `git status` (which may run filters and fsmonitor).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

# Settings that would make git start a program, switched off whatever the repository says.
# Command-line -c settings take precedence over every configuration file.
_SAFE = (
    "-c", "core.fsmonitor=false",
    "-c", "core.untrackedCache=false",
    "-c", "log.showSignature=false",
    "-c", "gpg.program=false",
    "-c", "gpg.ssh.program=false",
    "-c", "gpg.x509.program=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.pager=cat",
    "-c", "diff.external=",
    "--no-pager",
    "--no-optional-locks",
)
_ENVIRONMENT = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0",
                "GIT_PAGER": "cat", "PAGER": "cat"}


def source_date(plan_folder: Path, plan_date: dt.date) -> dt.datetime:
    """The build date every output carries, in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    committed = _git(plan_folder, "log", "-1", "--no-show-signature", "--format=%ct", "--", ".")
    if committed and committed.isdigit():
        return dt.datetime.fromtimestamp(int(committed), dt.UTC)
    return dt.datetime(plan_date.year, plan_date.month, plan_date.day, tzinfo=dt.UTC)


def source_commit(folder: Path) -> str | None:
    """The commit the sources come from, with '-dirty' when the plan folder has uncommitted edits."""
    commit = _git(folder, "rev-parse", "--verify", "HEAD")
    if not commit:
        return None
    return f"{commit}-dirty" if _dirty(folder) else commit


def own_repository(folder: Path) -> bool:
    """True when the plan folder is (or sits inside) a repository that starts inside the folder itself."""
    resolved = folder.resolve()
    for candidate in (resolved, *resolved.parents):
        if (candidate / ".git").exists():
            return candidate == resolved
    return False


def _dirty(folder: Path) -> bool:
    """Do the files under `folder` differ from HEAD? Compared by git's own blob hash, no filter run."""
    tree = _git(folder, "ls-tree", "-r", "-z", "HEAD", "--", ".", raw=True)  # names relative to `folder`
    untracked = _git(folder, "ls-files", "-z", "--others", "--exclude-standard", "--", ".", raw=True)
    if tree is None or untracked is None:
        return True  # cannot tell: say so rather than claim a clean build
    if untracked.strip("\0"):
        return True
    for line in filter(None, tree.split("\0")):
        meta, _, name = line.partition("\t")
        mode, _, blob = meta.split(" ")
        if mode == "160000":
            continue  # a submodule: its own commit, not this folder's files
        path = folder / name
        try:
            data = os.readlink(path).encode() if mode == "120000" else path.read_bytes()
        except (OSError, UnicodeError):
            return True  # deleted, or not what it was
        if hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() != blob:  # git's own hash, not for security
            return True
    return False


def _git(folder: Path, *args: str, raw: bool = False) -> str | None:
    if shutil.which("git") is None or not folder.is_dir() or own_repository(folder):
        return None
    try:
        result = subprocess.run(
            ["git", *_SAFE, *args], cwd=folder, capture_output=True, check=False, timeout=10,
            encoding="utf-8", errors="surrogateescape",
            env={**os.environ, **_ENVIRONMENT}, stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return result.stdout if raw else result.stdout.strip()
