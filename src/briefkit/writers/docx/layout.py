"""Semantic HTML -> where the PDF puts things (page count, the page of each id), for the DOCX's TOC and properties.

The PDF writer of the same document saves its layout (writers/page_layout.py);
when that file is not there, this lays the document out once more through the
PDF writer's own layout, without writing a PDF, so the Word TOC is saved with
the PDF's page numbers either way.
"""

from __future__ import annotations

from pathlib import Path

from ...searchpath import TemplateFolders
from .. import page_layout
from ..page_layout import PageLayout


def pdf_layout(html: str, base: Path, templates: Path | TemplateFolders, shared: Path | None = None) -> PageLayout:
    """The page count and the (1-based) page of every element id, as the PDF writer lays `html` out.

    `shared`: where the PDF writer of the same HTML saves its layout (read when there, else written)."""
    saved = page_layout.load(shared)
    if saved is not None:
        return saved
    from ..pdf import lay_out_installed  # WeasyPrint: only when no saved layout serves

    folder = templates.first if isinstance(templates, TemplateFolders) else templates
    layout = page_layout.of_pages(lay_out_installed(html, {"plan": base, "templates": folder}).pages)
    if shared is not None:
        page_layout.save(shared, layout)
    return layout
