"""File changes (watchfiles) under the plan's parent folder and the template folders -> Session.refresh.

A burst of saves arrives as one batch (watchfiles waits until the files are
quiet for a few milliseconds), and rebuilds run one at a time, so the last
save always wins. A watched folder that disappears (a plan folder deleted or
renamed) is waited for, and the page says what is missing meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import watchfiles

from .session import Session

_IGNORED_PARTS = {".git", "__pycache__", ".briefkit-cache", "output", ".mypy_cache", ".ruff_cache"}
_IGNORED_SUFFIXES = (".part", ".swp", ".swx", "~", ".tmp")
QUIET_MS = 30  # a save is taken as finished when nothing changed for this long


def keep(change: watchfiles.Change, path: str) -> bool:
    """Changes worth a rebuild: not outputs, caches, VCS data or editors' temporary files."""
    where = Path(path)
    if _IGNORED_PARTS & set(where.parts):
        return False
    return not (where.name.endswith(_IGNORED_SUFFIXES) or where.name.startswith((".#", ".~")))


def watched_folders(session: Session) -> list[Path]:
    """The plan folder's parent (so deleting the plan folder is seen) and every template folder that exists."""
    folders = [session.plan_file.parent.parent, *session.project.templates.folders]
    chosen: list[Path] = []
    for folder in folders:
        if folder.is_dir() and not any(folder.resolve().is_relative_to(seen.resolve()) for seen in chosen):
            chosen.append(folder)
    return chosen


async def watch(session: Session, stop: asyncio.Event, say: Callable[[str], None]) -> None:
    """Rebuild on every batch of changes until `stop` is set.

    Every second without changes the folders are looked at again: a templates/ folder created or removed
    (a first override, say) changes what is watched and what the templates are.
    """
    while not stop.is_set():
        folders = watched_folders(session)
        if not folders:
            await asyncio.sleep(0.5)
            continue
        try:
            async for changes in watchfiles.awatch(*folders, watch_filter=keep, stop_event=stop, step=QUIET_MS,
                                                   debounce=1600, recursive=True, rust_timeout=1000,
                                                   yield_on_timeout=True):
                if watched_folders(session) != folders:
                    await session.refresh(True)
                    break
                if changes:
                    await session.refresh(_touches_templates(session, changes))
                    if not session.plan_file.parent.is_dir():
                        say(f"{session.plan_file.parent}: the plan folder is gone; waiting for it to come back")
        except (OSError, RuntimeError) as error:  # a watched folder vanished under the watcher
            say(f"watching stopped ({error}); watching again")
            await session.refresh(True)
            await asyncio.sleep(0.5)


def _touches_templates(session: Session, changes: set[tuple[watchfiles.Change, str]]) -> bool:
    folders = [folder.resolve() for folder in session.template_folders()]
    for _, path in changes:
        resolved = Path(path).resolve()
        if any(resolved.is_relative_to(folder) for folder in folders):
            return True
    return False
