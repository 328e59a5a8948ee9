"""Semantic HTML -> PDF through WeasyPrint, fetching only files we allow.

The url_fetcher serves files inside the allowed folders (templates/ and the
plan's own folder) and refuses everything else, so a template or content
cannot make a build read /etc/passwd or call the network. WeasyPrint turns
fetcher failures into log warnings; we collect those and fail the build.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import posixpath
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..errors import BuildError
from ..files import atomic_output
from ..fonts import foreign_fonts
from ..render import RenderedDocument
from ..searchpath import TemplateFolders
from . import WriteJob, WriteResult, layout_gate
from .cjk_justify import justified_cjk
from .text_wrap import balanced_lines

PDF_VARIANTS = ("pdf/a-3b", "pdf/ua-1")
# WeasyPrint warns with this when HarfBuzz-Subset is missing and it falls back
# to fontTools: every PDF then takes seconds longer (measured: about 10 s instead of 0.25 s per CJK PDF).
_SLOW_SUBSET_WARNING = "fonttools"
_MOUNT = "/briefkit"
_PUBLISHED_METADATA = {"status", "embargo", "conversion"}


@dataclass
class PdfResult:
    pages: int
    layout_seconds: float
    write_seconds: float
    warnings: list[str] = field(default_factory=list)


class ConfinedFetcher(URLFetcher):
    """Serves files inside named folders; records and refuses everything else.

    Each folder is mounted at a fixed address (file:///briefkit/<name>/), never
    at its real path: WeasyPrint names images by their URL, so real paths would
    make the same sources give different PDF bytes in two checkouts.
    """

    def __init__(self, roots: dict[str, Path]) -> None:
        super().__init__(allowed_protocols=["file"])
        self.roots = {name: root.resolve() for name, root in roots.items()}
        self.refused: list[str] = []

    def _shown(self, url: str) -> str:
        """A mounted address as the author wrote it: relative to the plan folder."""
        parts = urlsplit(url)
        path = unquote(parts.path)
        if parts.scheme != "file" or not path.startswith(_MOUNT + "/"):
            return url
        return f"{posixpath.relpath(path, f'{_MOUNT}/plan')} (relative to the plan folder)"

    def url_of(self, name: str) -> str:
        return f"file://{_MOUNT}/{name}/"

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file":
            return self._refuse(url, f"'{parts.scheme}:' URLs are never fetched")
        mounted = re.match(rf"^{_MOUNT}/([^/]+)/(.*)$", unquote(parts.path))
        root = self.roots.get(mounted.group(1)) if mounted else None
        if mounted is None or root is None:
            return self._refuse(url, "it is outside templates/ and the plan folder")
        path = (root / mounted.group(2)).resolve()
        if not path.is_relative_to(root):
            return self._refuse(url, "it is outside templates/ and the plan folder")
        if not path.is_file():
            return self._refuse(url, "no such file")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    def _refuse(self, url: str, why: str) -> URLFetcherResponse:
        shown = self._shown(url)
        shown = shown if len(shown) <= 120 else shown[:117] + "..."
        self.refused.append(f"refused to fetch {shown}: {why}")
        raise PermissionError(why)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_warnings() -> Iterator[list[str]]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    previous, logger.propagate = logger.propagate, False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


_FONT_CONFIG: FontConfiguration | None = None


def layout_tree(page: Any) -> boxes.PageBox:
    """A laid-out page's box tree. WeasyPrint keeps it in a private attribute (no public API has it), so a
    release that renames it must fail loudly here, and in tests/writers/test_pdf.py, not check nothing."""
    tree = getattr(page, "_page_box", None)
    if not isinstance(tree, boxes.PageBox):
        import weasyprint

        raise BuildError(f"WeasyPrint {weasyprint.__version__} no longer keeps a page's layout in Page._page_box: "
                         "briefkit's layout checks (writers/pdf.py layout_tree) need updating for it")
    return tree


def check_layout(document: Document) -> list[str]:
    """The layout gate (writers/layout_gate.py) on every page: findings name the page and the text."""
    return [str(finding) for finding in layout_gate.check_document([layout_tree(page) for page in document.pages])]


def warm_up(families: tuple[str, ...]) -> None:
    """Lay out a line in each face, so the first real document does not pay for loading fonts."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    spans = "".join(f'<span style="font-family: {family!r}">Aa1 中文，</span><b style="font-family: {family!r}">'
                    f"Aa1 中文</b>" for family in families)
    with _weasyprint_warnings():
        HTML(string=f'<p lang="zh-CN">{spans}</p>').render(font_config=_FONT_CONFIG)


def write(rendered: RenderedDocument, job: WriteJob) -> WriteResult:
    """The writer interface (writers/__init__.py): the plan folder's files and the templates' are fetchable."""
    templates = job.templates.first if isinstance(job.templates, TemplateFolders) else job.templates
    result = write_pdf(rendered.html, roots={"plan": job.plan_folder, "templates": templates}, target=job.target,
                       where=job.where, variant=job.options.pdf_variant, strict=job.options.strict)
    warnings = list(result.warnings)
    foreign = foreign_fonts(job.target, job.families) if job.families else []
    if foreign:  # after writing: what the PDF really embeds, against what the theme names
        warnings.append(f"warning: embeds {', '.join(foreign)}, not a face of the theme's fonts "
                        "(a fallback for characters they lack)")
    return WriteResult(job.target, result.pages, warnings, result.layout_seconds, result.write_seconds)


def write_pdf(
    html: str,
    *,
    roots: dict[str, Path],
    base: str = "plan",
    target: Path,
    where: str,
    variant: str | None = None,
    strict: bool = False,
) -> PdfResult:
    """Lay out `html` and write `target` atomically; relative URLs resolve in the folder `roots[base]`."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()  # reused: loading the CJK faces is the slow part
    fetcher = ConfinedFetcher(roots)
    with _weasyprint_warnings() as warnings:
        started = time.perf_counter()
        # Chinese lines justified between characters, headlines balanced: extensions active during this render only.
        with justified_cjk() as unjustified, balanced_lines() as unbalanced:
            document = HTML(string=html, base_url=fetcher.url_of(base), url_fetcher=fetcher).render(
                font_config=_FONT_CONFIG,
                presentational_hints=True,  # honours <ol start>, which numbered bilingual rows need
            )
        warnings.extend(reason for reason in (unjustified, unbalanced) if reason)
        laid_out = time.perf_counter()
        # Only these <meta> names are for readers of the PDF's properties; the
        # rest (the page label) are instructions to the writers.
        document.metadata.custom = {
            key: value for key, value in document.metadata.custom.items() if key in _PUBLISHED_METADATA
        }
        if fetcher.refused:
            raise BuildError("\n".join(f"{where}: {message}" for message in fetcher.refused))
        warnings.extend(check_layout(document))
        with atomic_output(target) as stream:
            document.write_pdf(
                stream,
                pdf_variant=variant,
                pdf_tags=True,
                custom_metadata=True,
                pdf_identifier=hashlib.sha256(html.encode()).hexdigest()[:32].encode(),
            )
            slow_subset = [w for w in warnings if _SLOW_SUBSET_WARNING in w.lower()]
            if slow_subset:
                raise BuildError(
                    f"{where}: WeasyPrint fell back to fontTools to subset fonts (HarfBuzz-Subset is "
                    "missing); install libharfbuzz-subset0 (make build does this)"
                )
            if strict and warnings:
                raise BuildError("\n".join(f"{where}: WeasyPrint: {message}" for message in warnings))
        written = time.perf_counter()
    return PdfResult(len(document.pages), laid_out - started, written - laid_out, list(warnings))
