"""Output formats -> their writers: one registry, one signature (rendered document + job -> result).

Every format is one module with a `write(rendered, job) -> WriteResult`
function, registered here with what the build graph must know of it. The
pipeline and the command line read this table and never branch on a format's
name; a writer module is imported only when an output of its format is written,
so a process that writes no PDF never loads WeasyPrint.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import file_digest
from ..searchpath import TemplateFolders

if TYPE_CHECKING:
    from ..render import RenderedDocument


@dataclass(frozen=True)
class WriteOptions:
    """Settings from the command line that some writers honour."""

    pdf_variant: str | None = None  # pdf/a-3b or pdf/ua-1, passed to WeasyPrint
    strict: bool = False  # writer warnings (WeasyPrint's) fail the output
    reference_doc: Path | None = None  # the Word file DOCX outputs take page, headers and styles from


@dataclass(frozen=True)
class WriteJob:
    """Where one rendered document goes and what its writer may read."""

    target: Path
    plan_folder: Path  # relative image paths resolve here
    templates: Path | TemplateFolders  # the template search path (style sheets, reference.docx)
    where: str  # how messages name the output: template and document
    options: WriteOptions = field(default_factory=WriteOptions)
    families: tuple[str, ...] = ()  # the font families the theme names: a writer embedding others says so
    fonts: Path | None = None  # the build's subset faces (writers/subset.py) to lay out from; None: the installed
    repertoire: Path | None = None  # the large faces cut to their scripts' standard sets (writers/subset.py)
    layout: Path | None = None  # where writers of the same HTML share its page layout (writers/page_layout.py)


@dataclass
class WriteResult:
    path: Path
    pages: int | None = None  # None where the format has no fixed pages or the writer cannot know them
    warnings: list[str] = field(default_factory=list)
    layout_seconds: float = 0.0
    write_seconds: float = 0.0
    companions: tuple[str, ...] = ()  # files written beside the output (image copies), relative to its folder


Write = Callable[["RenderedDocument", WriteJob], WriteResult]


@dataclass(frozen=True)
class Format:
    """One output format, as the build graph sees it."""

    name: str  # also the file extension
    module: str  # the writer module, imported on first use
    description: str
    default: bool  # built by `build` when no --format is given
    heavy: bool  # slow to load and run: worth warm worker processes
    uses_fonts: bool  # its bytes depend on the installed font files
    embeds_fonts: bool = False  # it embeds font subsets: the build cuts the large faces once for all of them
    saves_layout: bool = False  # it saves the page layout of its HTML (WriteJob.layout) for the other writers
    settings: Callable[[WriteOptions, Path | TemplateFolders], str] = lambda options, templates: ""  # bytes depend on

    def writer(self) -> Write:
        write: Write = importlib.import_module(self.module).write
        return write


def _pdf_settings(options: WriteOptions, templates: Path | TemplateFolders) -> str:
    return f"variant={options.pdf_variant};strict={options.strict}"


def _docx_settings(options: WriteOptions, templates: Path | TemplateFolders) -> str:
    reference = options.reference_doc  # the pipeline resolves it (--reference-doc, theme.yaml, reference.docx)
    return f"reference={file_digest(reference)}" if reference and reference.is_file() else ""  # shapes every DOCX


FORMATS: dict[str, Format] = {
    spec.name: spec
    for spec in (
        Format("pdf", "briefkit.writers.pdf", "print-ready PDF (WeasyPrint)", default=True, heavy=True,
               uses_fonts=True, embeds_fonts=True, saves_layout=True, settings=_pdf_settings),
        Format("docx", "briefkit.writers.docx", "Word document (python-docx)", default=True, heavy=True,
               uses_fonts=True, settings=_docx_settings),
        Format("html", "briefkit.writers.html", "the semantic HTML beside its images, for a browser",
               default=False, heavy=False, uses_fonts=False),
        Format("md", "briefkit.writers.markdown", "CommonMark, for a newsroom CMS or an e-mail",
               default=False, heavy=False, uses_fonts=False),
    )
}
DEFAULT_FORMATS: tuple[str, ...] = tuple(name for name, spec in FORMATS.items() if spec.default)
