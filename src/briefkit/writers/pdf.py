"""Semantic HTML -> PDF through WeasyPrint, fetching only files we allow.

The url_fetcher serves files inside the allowed folders (templates/ and the
plan's own folder) and refuses everything else, so a template or content
cannot make a build read /etc/passwd or call the network. WeasyPrint turns
fetcher failures into log warnings; we collect those and fail the build.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import mimetypes
import posixpath
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes
from weasyprint.text.ffi import ffi, pangoft2
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .. import media
from ..errors import BuildError
from ..files import atomic_output
from ..fonts import foreign_fonts
from ..render import RenderedDocument
from ..searchpath import TemplateFolders
from . import WriteJob, WriteResult, layout_gate, page_layout
from .cjk_justify import justified_cjk
from .compact_glyphs import compact_glyph_ids
from .image_reuse import reused_images
from .style_reuse import reused_style_sheets
from .subset import covers, cut_for_document, needs_large_faces, read_manifest
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
    fonts: list[str] = field(default_factory=list)  # the font names it embeds, without their subset tags


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
        if mounted.group(1) == "plan":
            # Content's files: the very rules and checks validation applied (media.py), and the
            # bytes that were checked, so the PDF shows what was validated and the DOCX shows.
            try:
                path = media.resolve_inside(root, mounted.group(2))
                data = media.checked_bytes(path)
            except ValueError as exc:
                return self._refuse(url, str(exc))
        else:
            path = (root / mounted.group(2)).resolve()
            if not path.is_relative_to(root):
                return self._refuse(url, "it is outside templates/ and the plan folder")
            if not path.is_file():
                return self._refuse(url, "no such file")
            data = path.read_bytes()
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, data, {"Content-Type": mime})

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


_FONT_CONFIG: FontConfiguration | None = None  # the installed faces; reused: loading fonts is slow
_BUILD_FACES: Path | None = None  # the build's copy of the large faces (writers/subset.py), if it made one
_REPERTOIRE: Path | None = None  # the large faces cut to their scripts' standard character sets, if made
_SHARED: dict[Path, FontConfiguration] = {}  # the font configuration of those faces: one, kept warm


def use_fonts(folder: Path | None, repertoire: Path | None = None) -> None:
    """From the next PDF on, lay a Chinese PDF out from the faces in `repertoire` when they hold its characters,
    else cut its CJK faces from the build's copy in `folder` (None, None: the installed faces)."""
    global _BUILD_FACES, _REPERTOIRE
    _BUILD_FACES, _REPERTOIRE = folder, repertoire


def _installed_faces() -> FontConfiguration:
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


@contextmanager
def _document_fonts(html: str) -> Iterator[FontConfiguration]:
    """The fonts for one PDF: the faces cut once per machine when they hold its characters (an English PDF too:
    a worker then keeps one font configuration warm, not two); else, when it shows CJK, small faces cut to its
    own characters; else the installed faces."""
    if _REPERTOIRE is not None and covers(_REPERTOIRE, html):
        yield _shared_faces(_REPERTOIRE)
        return
    if _BUILD_FACES is None or not needs_large_faces(html):
        yield _installed_faces()
        return
    with tempfile.TemporaryDirectory(prefix="briefkit-fonts-") as small:
        entries = cut_for_document(_BUILD_FACES, html, Path(small))
        yield _font_configuration(Path(small), entries) if entries else _installed_faces()


def _shared_faces(folder: Path) -> FontConfiguration:
    """The configuration of the repertoire faces in `folder`, made once per process: its fonts stay loaded."""
    if folder not in _SHARED:
        _SHARED.clear()  # another machine cut (fonts changed): the old one is not used again
        entries = read_manifest(folder)
        _SHARED[folder] = _font_configuration(folder, entries) if entries else _installed_faces()
    return _SHARED[folder]


def _font_configuration(folder: Path, entries: list[dict[str, Any]]) -> FontConfiguration:
    """WeasyPrint's font configuration, with each large face swapped for its subset in `folder`.

    The subsets keep their faces' names, so the installed originals are hidden (fontconfig
    <rejectfont>, by file and face index) and the subsets added as application fonts: Pango
    then finds the same families, and WeasyPrint names the fonts in the PDF as before.
    """
    font_config = FontConfiguration()
    try:
        library = ctypes.CDLL("libfontconfig.so.1")
    except OSError:
        return font_config
    pointer = ctypes.c_void_p
    library.FcInitLoadConfig.restype = pointer
    library.FcConfigParseAndLoadFromMemory.argtypes = [pointer, ctypes.c_char_p, ctypes.c_int]
    library.FcConfigBuildFonts.argtypes = [pointer]
    library.FcConfigAppFontAddFile.argtypes = [pointer, ctypes.c_char_p]
    library.FcConfigDestroy.argtypes = [pointer]
    rejected = "".join(
        f'<pattern><patelt name="file"><string>{escape(str(entry["file"]))}</string></patelt>'
        f'<patelt name="index"><int>{int(entry["index"])}</int></patelt></pattern>'
        for entry in entries
    )
    xml = f"<?xml version='1.0'?><fontconfig><selectfont><rejectfont>{rejected}</rejectfont></selectfont></fontconfig>"
    config = library.FcInitLoadConfig()  # the system's configuration files, fonts not yet loaded
    if not config:
        return font_config
    if not (library.FcConfigParseAndLoadFromMemory(config, xml.encode(), 1) and library.FcConfigBuildFonts(config)
            and all(library.FcConfigAppFontAddFile(config, str(folder / entry["subset"]).encode())
                    for entry in entries)):
        library.FcConfigDestroy(config)
        return font_config
    # The font map takes its own reference to the configuration (as in FontConfiguration itself).
    pangoft2.pango_fc_font_map_set_config(ffi.cast("PangoFcFontMap *", font_config.font_map),
                                          ffi.cast("FcConfig *", config))
    font_config._config = ffi.cast("FcConfig *", config)  # @font-face rules are added to this one
    library.FcConfigDestroy(config)
    return font_config


# Punctuation that must never begin a line of Chinese (GB/T 15834 and the usual kinsoku set).
CLOSING_PUNCTUATION = set("，。、；：？！）》」』】〕〉”’…·")


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
    """Lay out a line in each installed face, so the first real document does not pay for loading fonts."""
    spans = "".join(f'<span style="font-family: {family!r}">Aa1 中文，</span><b style="font-family: {family!r}">'
                    f"Aa1 中文</b>" for family in families)
    with _weasyprint_warnings():
        HTML(string=f'<p lang="zh-CN">{spans}</p>').render(font_config=_installed_faces())


def write(rendered: RenderedDocument, job: WriteJob) -> WriteResult:
    """The writer interface (writers/__init__.py): the plan folder's files and the templates' are fetchable."""
    templates = job.templates.first if isinstance(job.templates, TemplateFolders) else job.templates
    use_fonts(job.fonts, job.repertoire)
    result = write_pdf(rendered.html, roots={"plan": job.plan_folder, "templates": templates}, target=job.target,
                       where=job.where, variant=job.options.pdf_variant, strict=job.options.strict, layout=job.layout)
    warnings = list(result.warnings)
    foreign = foreign_fonts(result.fonts, job.families) if job.families else []
    if foreign:  # after writing: what the PDF really embeds, against what the theme names
        warnings.append(f"warning: embeds {', '.join(foreign)}, not a face of the theme's fonts "
                        "(a fallback for characters they lack)")
    return WriteResult(job.target, result.pages, warnings, result.layout_seconds, result.write_seconds)


def _lay_out(html: str, fetcher: ConfinedFetcher, base: str,
             font_config: FontConfiguration) -> tuple[Document, list[str]]:
    """WeasyPrint's layout of `html` with briefkit's extensions; and why an extension could not run."""
    # Chinese lines justified between characters, headlines balanced: extensions active during this render only.
    with justified_cjk() as unjustified, balanced_lines() as unbalanced:
        document = HTML(string=html, base_url=fetcher.url_of(base), url_fetcher=fetcher).render(
            font_config=font_config,
            presentational_hints=True,  # honours <ol start>, which numbered bilingual rows need
        )
    return document, [reason for reason in (unjustified, unbalanced) if reason]


def lay_out_installed(html: str, roots: dict[str, Path], base: str = "plan") -> Document:
    """The layout write_pdf makes of `html` (from the installed faces: the same metrics), without a PDF."""
    fetcher = ConfinedFetcher(roots)
    # The PDF writer reports the warnings; here they would repeat.
    with _weasyprint_warnings(), reused_images(), reused_style_sheets():
        document, _ = _lay_out(html, fetcher, base, _installed_faces())
    return document


def write_pdf(
    html: str,
    *,
    roots: dict[str, Path],
    base: str = "plan",
    target: Path,
    where: str,
    variant: str | None = None,
    strict: bool = False,
    layout: Path | None = None,
) -> PdfResult:
    """Lay out `html` and write `target` atomically; relative URLs resolve in the folder `roots[base]`.

    `layout`: a file to save the page count and the page of each id in (writers/page_layout.py)."""
    begun = time.perf_counter()
    fetcher = ConfinedFetcher(roots)
    with (_weasyprint_warnings() as warnings, _document_fonts(html) as font_config, reused_images(),
          reused_style_sheets()):
        started = time.perf_counter()  # after cutting the fonts: that replaces work of the write step
        cutting = started - begun
        document, unsupported = _lay_out(html, fetcher, base, font_config)
        warnings.extend(unsupported)
        laid_out = time.perf_counter()
        if layout is not None:  # for the DOCX writer of the same document: its TOC's page numbers
            page_layout.save(layout, page_layout.of_pages(document.pages))
        # Only these <meta> names are for readers of the PDF's properties; the
        # rest (the page label) are instructions to the writers.
        document.metadata.custom = {
            key: value for key, value in document.metadata.custom.items() if key in _PUBLISHED_METADATA
        }
        if fetcher.refused:
            raise BuildError("\n".join(f"{where}: {message}" for message in fetcher.refused))
        warnings.extend(check_layout(document))
        with atomic_output(target) as stream, compact_glyph_ids():
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
    # Cutting the fonts counts as writing: it replaces the subsetting WeasyPrint's write step does.
    return PdfResult(len(document.pages), laid_out - started, written - laid_out + cutting, list(warnings),
                     embedded_fonts(document))


def embedded_fonts(document: Document) -> list[str]:
    """The names of the fonts a written PDF embeds, as its font dictionaries give them (BaseFont, without the
    subset tag): read from the document WeasyPrint wrote, not from the file, which would mean parsing it again."""
    names = (font.name.decode("latin-1").lstrip("/") for font in document.fonts.values())
    return list(dict.fromkeys(name.split("+", 1)[1] if "+" in name[:7] else name for name in names))
