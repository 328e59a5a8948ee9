"""Semantic HTML -> where the PDF puts things (page count, the page of each id), for the DOCX's TOC and properties.

The PDF writer lays out the same HTML with the same CSS; when its layout is
not handed in, this lays the document out once more with WeasyPrint, without
writing a PDF, so the Word TOC is saved with the PDF's page numbers.
"""

from __future__ import annotations

from pathlib import Path

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from ...searchpath import TemplateFolders
from ..pdf import ConfinedFetcher, _weasyprint_warnings
from .build import PageLayout

_FONT_CONFIG: FontConfiguration | None = None


def pdf_layout(html: str, base: Path, templates: Path | TemplateFolders) -> PageLayout:
    """The page count and the (1-based) page of every element id, as WeasyPrint lays `html` out."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()  # reused: loading the CJK faces is the slow part
    folder = templates.first if isinstance(templates, TemplateFolders) else templates
    fetcher = ConfinedFetcher({"plan": base, "templates": folder})
    with _weasyprint_warnings():  # the PDF writer reports them; here they would only repeat
        document = HTML(string=html, base_url=fetcher.url_of("plan"), url_fetcher=fetcher).render(
            font_config=_FONT_CONFIG, presentational_hints=True)
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for name in page.anchors:
            anchors.setdefault(name, number)
    return PageLayout(len(document.pages), anchors)
