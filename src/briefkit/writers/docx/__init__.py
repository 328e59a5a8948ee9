"""Rendered semantic HTML -> a DOCX file that behaves like a native Word file, byte-for-byte reproducible.

The document starts from a reference document when there is one (`--reference-doc`,
theme.yaml `docx.reference`, or templates/reference.docx), as pandoc's reference doc:
its page size, margins, headers, footers and styles win, and the styles it lacks are
made from the theme, in its fonts. Otherwise it starts from python-docx's default
template with briefkit's theme part, fonts and styles made from templates/theme.yaml.
build.py maps the HTML body; this module adds the page, properties and package parts
and writes the package with fixed zip entry order and times.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import docx
import lxml.html
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem  # what save() writes as [Content_Types].xml

from ...catalogue import THEME_FILE, FaceSet, Theme, load_theme
from ...editions import EDITIONS
from ...errors import BuildError
from ...files import ZIP_EPOCH, atomic_output, deterministic_zip
from ...render import RenderedDocument
from ...searchpath import TemplateFolders
from .. import WriteJob, WriteResult
from . import furniture, oxml, parts
from .build import BodyWriter, PageLayout, start_lists
from .runs import is_chinese
from .styles import THEME_COLOURS, apply_page, apply_styles, word_faces

__all__ = ["PageLayout", "default_reference", "render_docx", "write", "write_docx"]

# Above this much HTML a second layout (for the TOC's page numbers) would cost as much as the PDF itself:
# the TOC is then saved without numbers (Word fills them with F9) unless the caller passes the PDF's layout.
LAYOUT_LIMIT = 1_000_000
LATIN_LANGUAGE = "en-GB"  # the plans write British English; Chinese text is tagged zh-CN on its own
PROPERTY_LIMIT = 255  # python-docx (and Word) refuse longer core properties
ThemeFaces = tuple[FaceSet, FaceSet, dict[str, str], bool]  # serif, sans, palette, Traditional Chinese
THEMES_KEPT = 8  # theme.yaml contents remembered per worker (a preview session edits it)
_THEMES: dict[tuple[str, bytes], Theme] = {}
_DEFAULT: list[Document] = []  # python-docx's default template as parsed, the original of every copy
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def write(rendered: RenderedDocument, job: WriteJob) -> WriteResult:
    """The writer interface (writers/__init__.py)."""
    pages = write_docx(rendered, base=job.plan_folder, templates=job.templates, target=job.target, where=job.where,
                       reference=job.options.reference_doc, shared_layout=job.layout)
    return WriteResult(job.target, pages)


def write_docx(rendered: RenderedDocument, *, base: Path, templates: Path | TemplateFolders, target: Path,
               where: str, reference: Path | None = None, layout: PageLayout | None = None,
               shared_layout: Path | None = None) -> int | None:
    """Write `rendered` as DOCX to `target` atomically; returns its page count when a layout gave one.

    `reference`: a Word file whose page, headers, footers and styles the output takes (default: theme.yaml's
    `docx.reference`, else templates/reference.docx when present). `layout`: the PDF layout of the same
    document (page count, page of each id); without it, a document with a TOC is laid out here for its
    page numbers, or read from `shared_layout` where the PDF writer saved it (writers/page_layout.py)."""
    data, pages = render_docx(rendered, base=base, templates=templates, where=where, reference=reference,
                              layout=layout, shared_layout=shared_layout)
    with atomic_output(target) as stream:
        stream.write(data)
    return pages


def render_docx(rendered: RenderedDocument, *, base: Path, templates: Path | TemplateFolders, where: str,
                reference: Path | None = None, layout: PageLayout | None = None,
                shared_layout: Path | None = None) -> tuple[bytes, int | None]:
    """The DOCX bytes of `rendered` and its page count when known (see write_docx)."""
    theme = theme_of(templates)
    root = parse_html(rendered.html, where)
    body = root.find("body")
    if body is None:
        raise BuildError(f"{where}: the HTML has no <body>")
    meta = {m.get("name"): m.get("content", "") for m in root.iter("meta") if m.get("name")}
    language = root.get("lang", "en")
    edition = EDITIONS.get(rendered.edition, EDITIONS["en"])
    east_asian, traditional = edition.word_east_asian, edition.fonts == "traditional"
    faces = word_faces(theme, traditional)
    tokens = theme.tokens(rendered.document)

    reference = reference_path(theme, templates, reference)
    document = open_reference(reference) if reference else default_document()
    numbering = document.part.numbering_part.element
    if reference is None:
        parts.clear_numbering(numbering)
        apply_page(document, theme, tokens)
    lists = start_lists(numbering, tokens.layout.list_indent or 0, faces.sans[0])
    sheet = apply_styles(document, theme, tokens, faces, (LATIN_LANGUAGE, east_asian), is_chinese(language),
                         reference is not None, {False: lists.bullets, True: lists.numbers})
    if layout is None and body.find(".//nav") is not None and len(rendered.html) <= LAYOUT_LIMIT:
        from .layout import pdf_layout  # only for a document with a TOC

        layout = pdf_layout(rendered.html, base, templates, shared_layout)
    keep = furniture_of(document) if reference else (False, False)
    writer = BodyWriter(document, theme, sheet, faces, base, where, lists, layout, keep)
    writer.blocks(document, body, language)
    if meta.get("page-label") and not keep[1]:
        furniture.footer(writer, meta["page-label"], language)
    doc_id = hashlib.sha256(f"{rendered.html}\n{reference and reference.read_bytes()!r}".encode()).hexdigest()[:8]
    parts.fix_settings(document.settings.element, east_asian, doc_id.upper())

    created = parse_date(meta.get("dcterms.created"), where)
    title = " ".join((root.findtext("head/title") or "").split())
    languages = ", ".join(edition.tag(name) for name in edition.languages)  # dc:language: what the edition shows
    set_properties(document, meta, title, languages, created, where)
    faces_of_theme = theme_faces(theme, traditional) if reference is None else None
    data = package(document, faces_of_theme, layout.pages if layout else None)
    return data, layout.pages if layout else None


def default_reference(templates: Path | TemplateFolders) -> bytes:
    """The default reference document (`briefkit reference-doc`): every style briefkit uses, with sample
    text, its page and fonts from the theme. Edit it in Word and pass it back with --reference-doc."""
    rendered = RenderedDocument("reference", "en", "reference", REFERENCE_SAMPLE, "briefkit reference document")
    data, _ = render_docx(rendered, base=templates.first if isinstance(templates, TemplateFolders) else templates,
                          templates=templates, where="briefkit reference-doc")
    return data


def theme_of(templates: Path | TemplateFolders) -> Theme:
    """The theme, read and validated once per content of theme.yaml in a worker: loading it was a tenth of
    the DOCX writer's time. Keyed by the file's bytes and where its path leads, so an edit or a new link
    (load_yaml refuses one leading outside its folder) is read again."""
    path = templates / THEME_FILE
    try:
        key = (str(path.resolve()), path.read_bytes())
    except OSError:
        return load_theme(templates)  # its located message
    theme = _THEMES.get(key)
    if theme is None:
        theme = load_theme(templates)
        if len(_THEMES) >= THEMES_KEPT:
            _THEMES.clear()
        _THEMES[key] = theme
    return theme


def default_document() -> Document:
    """A fresh copy of python-docx's default template: unzipped and parsed once per worker, then copied,
    which takes half the time of opening it again. The parsed original is never written to."""
    if not _DEFAULT:
        _DEFAULT.append(docx.Document())
    return copy.deepcopy(_DEFAULT[0])


def reference_path(theme: Theme, templates: Path | TemplateFolders, given: Path | None) -> Path | None:
    if given is not None:
        return given
    if theme.docx.reference:
        return templates / theme.docx.reference
    implicit = templates / "reference.docx"
    return implicit if implicit.is_file() else None


def open_reference(path: Path) -> Document:
    """The reference document with its body emptied (its section properties: page, headers, footers stay)."""
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001  python-docx raises many kinds for a missing or broken package
        raise BuildError(f"{path}: not a readable Word document: {type(exc).__name__}: {exc}") from None
    oxml.clear_body(document.element.body)
    return document


def furniture_of(document: Document) -> tuple[bool, bool]:
    """Whether the reference's default header and footer hold anything (text, a picture, a field)."""
    section = document.sections[0]

    def filled(part: Any) -> bool:
        if part.is_linked_to_previous:
            return False
        element = part._element
        return bool("".join(element.itertext()).strip()) or bool(
            element.xpath(".//w:drawing | .//w:pict | .//w:fldSimple | .//w:instrText"))

    return filled(section.header), filled(section.footer)


def theme_faces(theme: Theme, traditional: bool) -> ThemeFaces:
    """The theme part's fonts (serif minor, sans major; SC and TC), palette and edition."""
    simplified, hant = word_faces(theme, False), word_faces(theme, True)
    serif = FaceSet(latin=simplified.serif[0], sc=simplified.serif[1], tc=hant.serif[1])
    sans = FaceSet(latin=simplified.sans[0], sc=simplified.sans[1], tc=hant.sans[1])
    colours = {name: getattr(theme.colours, name).lstrip("#").upper() for name in THEME_COLOURS}
    return serif, sans, colours, traditional


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


def fit(value: str) -> str:
    """A core property within Word's 255 characters; the full text is in the body (the headline)."""
    return value if len(value) <= PROPERTY_LIMIT else value[:PROPERTY_LIMIT - 1].rstrip() + "…"


def set_properties(document: Document, meta: dict[str, str], title: str, language: str,
                   created: dt.datetime, where: str) -> None:
    """Core properties from the HTML head; dates from the plan, never the clock."""
    properties = document.core_properties
    properties.title = fit(title)
    properties.author = fit(meta.get("author", ""))
    properties.subject = fit(meta.get("description", ""))
    properties.keywords = fit(meta.get("keywords", ""))
    properties.language = language
    properties.comments = fit(" · ".join(filter(None, (meta.get("embargo"), meta.get("conversion")))))
    properties.content_status = fit(meta.get("status", ""))
    properties.category = properties.identifier = properties.version = ""
    properties.last_modified_by = "briefkit"
    properties.revision = 1
    properties.created = created
    modified = meta.get("dcterms.modified")
    properties.modified = parse_date(modified, where) if modified else created


def package(document: Document, faces: ThemeFaces | None, pages: int | None) -> bytes:
    """The saved package with briefkit's theme, app properties and font table, re-zipped with sorted
    entries and fixed times, so equal input gives equal bytes."""
    package_rels = document.part.package.rels
    for key in [key for key, rel in package_rels.items() if rel.reltype == RT.THUMBNAIL]:
        package_rels.pop(key)  # the default template's thumbnail shows an empty page
    for key in [key for key, rel in document.part.rels.items() if rel.reltype == STYLES_WITH_EFFECTS]:
        document.part.rels.pop(key)  # Word 2010's copy of the template's styles, not ours
    entries = package_entries(document)
    theme_name = "word/theme/theme1.xml"
    if faces is not None and theme_name in entries:
        serif, sans, colours, traditional = faces
        entries[theme_name] = parts.theme_part(entries[theme_name], colours, serif, sans, traditional)
    entries["docProps/app.xml"] = parts.app_properties(pages)
    if "word/fontTable.xml" in entries:
        fonts = parts.used_fonts(entries, entries.get(theme_name))
        entries["word/fontTable.xml"] = parts.font_table(fonts, entries["word/fontTable.xml"])
    names = sorted(entries, key=lambda name: (name != "[Content_Types].xml", name))
    return deterministic_zip((name, entries[name]) for name in names)


def package_entries(document: Document) -> dict[str, bytes]:
    """Each entry of the package as python-docx's `save` writes it (PackageWriter), without the zip it
    deflates and this module would inflate again before zipping for good (a tenth of the writer's time).
    tests/writers/test_docx_props.py checks that the entries are those `save` writes."""
    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    entries = {CONTENT_TYPES_URI.membername: _ContentTypesItem.from_parts(parts).blob,
               PACKAGE_URI.rels_uri.membername: package.rels.xml}
    for part in parts:
        entries[part.partname.membername] = part.blob
        if len(part.rels):
            entries[part.partname.rels_uri.membername] = part.rels.xml
    return entries


# The default reference document's text: one paragraph in each style briefkit uses.
REFERENCE_SAMPLE = """<!DOCTYPE html><html lang="en"><head><title>briefkit reference document</title>
<meta name="page-label" content="Page {page} of {pages}"></head><body>
<div class="running-header"><span lang="en">Running header · Document title</span></div>
<header class="masthead"><p class="issuer">Issuer (style Issuer)</p><p class="dateline">Dateline (style Dateline)</p>
<p class="embargo">Embargo (style Embargo)</p></header>
<h1>Heading 1: the headline</h1>
<p class="standfirst">Standfirst: the subtitle under a headline.</p>
<p class="meta">Meta: kind, place and date of an event.</p>
<p class="lead">Lead: the summary paragraph that opens a document.</p>
<p>Normal: body text. Restyle these paragraphs and save the file; <a href="https://example.org">Hyperlink</a>,
<strong>strong</strong>, <em>emphasis</em> and an <span class="illustrative">Illustrative</span> badge.</p>
<h2>Heading 2</h2><h3>Heading 3</h3>
<p class="action"><strong>Action:</strong> one action with its summary.</p>
<ul><li>List Bullet</li><li>List Bullet</li></ul><ol><li>List Number</li><li>List Number</li></ol>
<blockquote class="quote"><p>Quote: the words of a speaker.</p><p class="attribution">Quote Attribution</p>
</blockquote>
<div class="key-figures"><div class="key-figure"><span class="value">100</span>
<span class="label" lang="en">Key Figure Label</span></div></div>
<table class="data"><thead><tr><th>Table Heading</th><th>Table Heading</th></tr></thead>
<tbody><tr><td>Table Text</td><td>Table Text</td></tr></tbody></table>
<table class="parallel"><tr><td lang="en"><p>Parallel Text, English</p></td>
<td lang="zh-CN"><p>平行文本，中文</p></td></tr></table>
<p class="contact"><strong>Contact</strong>, press officer</p>
</body></html>"""
