"""A laid-out document's page count and the page of each id, shared between writers of the same HTML.

Word's table of contents is saved with the PDF's page numbers. Laying a long
document out a second time only for those numbers cost the DOCX writer more
than writing the DOCX itself (a second WeasyPrint layout: 1-2 s for an
eleven-page bilingual report). So the PDF writer saves what its layout found
in a small file named by the build (`WriteJob.layout`: a digest of the HTML,
its images, the fonts and the tool's code), and the DOCX writer of the same
document reads it. When the file is not there (the PDF was not asked for, or
is still being written by the other worker), the DOCX writer lays the document
out itself, through the PDF writer's own layout (same extensions, same fonts'
metrics), so the numbers, and the DOCX bytes, do not depend on which came first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..files import write_atomic

_KEEP = 64  # layout files kept in the cache folder: enough for several plans' documents and editions


@dataclass(frozen=True)
class PageLayout:
    """Where the PDF of the same document put things: its page count and the page of each id."""

    pages: int
    anchors: dict[str, int] = field(default_factory=dict)


def of_pages(pages: list[Any]) -> PageLayout:
    """The layout of WeasyPrint's laid-out pages: each id at the first page that holds it."""
    anchors: dict[str, int] = {}
    for number, page in enumerate(pages, start=1):
        for name in page.anchors:
            anchors.setdefault(name, number)
    return PageLayout(len(pages), anchors)


def save(path: Path, layout: PageLayout) -> None:
    """Write `layout` to `path` atomically (a reader never sees half a file); older files are pruned."""
    write_atomic(path, json.dumps({"pages": layout.pages, "anchors": layout.anchors}, sort_keys=True).encode())
    _prune(path.parent, keep=path)


def load(path: Path | None) -> PageLayout | None:
    """The layout saved at `path`, or None when there is none or it is not one (then lay out again)."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    pages, anchors = data.get("pages"), data.get("anchors")
    if not (isinstance(pages, int) and pages > 0 and isinstance(anchors, dict)
            and all(isinstance(k, str) and isinstance(v, int) and 1 <= v <= pages for k, v in anchors.items())):
        return None
    return PageLayout(pages, dict(anchors))


def _prune(folder: Path, keep: Path) -> None:
    try:
        files = sorted((path for path in folder.glob("*.json") if path != keep),
                       key=lambda path: path.stat().st_mtime, reverse=True)
        for old in files[_KEEP - 1:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # another build pruned it first: the cache is only an optimisation
