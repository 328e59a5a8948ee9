"""Rendered semantic HTML -> a DOCX file, byte-for-byte reproducible.

The document starts from templates/reference.docx when there is one (its
styles win, as with pandoc's reference.docx), otherwise from python-docx's
default template with styles made from templates/theme.yaml. build.py maps
the HTML body; this module adds the page, header, footer and properties and
writes the package with fixed zip entry order and times.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import lxml.html
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from ...catalogue import load_theme
from ...editions import EDITIONS
from ...errors import BuildError
from ...files import ZIP_EPOCH, atomic_output, deterministic_zip
from ...render import RenderedDocument
from ...searchpath import TemplateFolders
from .. import WriteJob, WriteResult
from . import oxml
from .build import BodyWriter
from .styles import apply_page, apply_styles

__all__ = ["write", "write_docx"]

LATIN_LANGUAGE = "en-GB"  # the plans write British English; Chinese text is tagged zh-CN on its own


def write(rendered: RenderedDocument, job: WriteJob) -> WriteResult:
    """The writer interface (writers/__init__.py)."""
    pages = write_docx(rendered, base=job.plan_folder, templates=job.templates, target=job.target, where=job.where)
    return WriteResult(job.target, pages)


def write_docx(rendered: RenderedDocument, *, base: Path, templates: Path | TemplateFolders, target: Path,
               where: str) -> int | None:
    """Write `rendered` as DOCX to `target` atomically; the page count is unknown, so None."""
    theme = load_theme(templates)
    root = parse_html(rendered.html, where)
    body = root.find("body")
    if body is None:
        raise BuildError(f"{where}: the HTML has no <body>")
    meta = {m.get("name"): m.get("content", "") for m in root.iter("meta") if m.get("name")}
    language = root.get("lang", "en")
    edition = EDITIONS[rendered.edition]
    east_asian = edition.word_east_asian
    if edition.fonts == "traditional":  # the Traditional edition is set in the TC faces
        fonts = theme.fonts.model_copy(update={"serif": theme.fonts.serif_hant, "sans": theme.fonts.sans_hant})
        theme = theme.model_copy(update={"fonts": fonts})

    reference = templates / "reference.docx"
    if reference.is_file():
        try:
            document = docx.Document(str(reference))
        except Exception as exc:  # noqa: BLE001  python-docx raises many kinds for a broken package
            raise BuildError(f"templates/reference.docx: not a readable Word document: {exc}") from None
        oxml.clear_body(document.element.body)
    else:
        document = docx.Document()
    apply_styles(document, theme, LATIN_LANGUAGE, east_asian, from_theme=not reference.is_file())
    apply_page(document, theme)
    writer = BodyWriter(document, theme, base, where, east_asian)
    writer.blocks(document, body, language)
    if meta.get("page-label"):
        writer.footer(meta["page-label"], language)
    oxml.fix_settings(document.settings.element, update_fields=writer.has_toc, east_asian=east_asian)

    created = parse_date(meta.get("dcterms.created"), where)
    title = root.findtext("head/title") or ""
    set_properties(document, meta, " ".join(title.split()), language, created, where)
    data = package(document)
    with atomic_output(target) as stream:
        stream.write(data)
    return None


def parse_html(html: str, where: str) -> Any:
    try:
        return lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise BuildError(f"{where}: the HTML cannot be read: {exc}") from None


def parse_date(value: str | None, where: str) -> dt.datetime:
    """An ISO date or date-time as a UTC time; a bare date means midnight UTC."""
    if not value:
        return dt.datetime(*ZIP_EPOCH, tzinfo=dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BuildError(f"{where}: <meta name=\"dcterms.created\"> {value!r} is not an ISO date") from None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def set_properties(document: Document, meta: dict[str, str], title: str, language: str,
                   created: dt.datetime, where: str) -> None:
    """Core properties from the HTML head; dates from the plan, never the clock."""
    properties = document.core_properties
    properties.title = title
    properties.author = meta.get("author", "")
    properties.subject = meta.get("description", "")
    properties.keywords = meta.get("keywords", "")
    properties.language = language
    properties.comments = " · ".join(filter(None, (meta.get("embargo"), meta.get("conversion"))))
    properties.content_status = meta.get("status", "")
    properties.category = properties.identifier = properties.version = ""
    properties.last_modified_by = "briefkit"
    properties.revision = 1
    properties.created = created
    modified = meta.get("dcterms.modified")
    properties.modified = parse_date(modified, where) if modified else created


def package(document: Document) -> bytes:
    """The saved package re-zipped with sorted entries and fixed times, so equal input gives equal bytes."""
    package_rels = document.part.package.rels
    for key in [key for key, rel in package_rels.items() if rel.reltype == RT.THUMBNAIL]:
        package_rels.pop(key)  # the default template's thumbnail shows an empty page
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as source:
        names = sorted(source.namelist(), key=lambda name: (name != "[Content_Types].xml", name))
        return deterministic_zip((name, source.read(name)) for name in names)
