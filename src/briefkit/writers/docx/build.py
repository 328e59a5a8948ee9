"""The <body> of the semantic HTML (docs/html-vocabulary.md) -> the content of a python-docx Document.

One walk maps each element of the vocabulary to Word: headings to Heading 1-3,
lists to numbered paragraphs, the nav to a TOC field, the running header and
watermark to the page header. Tables and key figures are in tables.py, the
runs inside every paragraph in runs.py. An element, class or stray text
outside the vocabulary raises BuildError naming the template: nothing is
dropped silently.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Emu, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from PIL import Image

from ... import vocabulary
from ...catalogue import Theme
from ...errors import BuildError
from ...media import resolve_inside, svg_twin
from . import oxml
from .runs import CJK, Element, Inline, RunWriter, Sink, bookmark_name, class_of, is_chinese
from .styles import FAMILIES, LIST_INDENT, faces, text_width
from .tables import write_key_figures, write_table

Container = Document | _Cell
PARAGRAPH_STYLES = {
    "": "Normal", "lead": "Lead", "standfirst": "Standfirst", "meta": "Meta", "issuer": "Issuer",
    "dateline": "Dateline", "embargo": "Embargo", "kicker": "Kicker", "contact": "Contact", "action": "Action",
    "end-mark": "Meta", "callout": "Standfirst",  # schema 2's ENDS line and call-out blocks reuse existing styles
}
# The block part of the vocabulary (vocabulary.py): tag -> the class attributes it may carry ("" for none).
BLOCKS = vocabulary.members(vocabulary.BLOCK)
HANDLERS = {"h1": "heading", "h2": "heading", "h3": "heading", "ul": "list", "ol": "list"}
TOC_INSTRUCTION = r'TOC \o "1-3" \h \z \u'


class BodyWriter(RunWriter):
    """Walks one HTML body into one document."""

    def __init__(self, document: Document, theme: Theme, base: Path, where: str, east_asian: str = "zh-CN") -> None:
        super().__init__(document, theme, where, east_asian)
        self.document, self.base = document, base
        self.section = document.sections[0]
        self.numbering = document.part.numbering_part.element
        font = faces(theme, "sans")[0]
        self.lists = {ordered: oxml.add_abstract_list(self.numbering, ordered, LIST_INDENT, font)
                      for ordered in (False, True)}
        self.tables: dict[Any, str] = {}  # w:tbl -> kind, so tables.add_table can tell touching tables apart
        self.page_break = self.has_toc = False
        self.bookmarks = self.watermarks = 0
        self.watermark = ""

    # -- plumbing -----------------------------------------------------------------------------------

    def colour(self, name: str) -> str:
        return str(getattr(self.theme.colours, name)).lstrip("#").upper()

    def width(self, container: Container) -> int:
        return text_width(self.document) if isinstance(container, Document) else int(container.width)

    def paragraph(self, container: Container, style: str) -> Paragraph:
        paragraph = container.add_paragraph()
        oxml.set_style(paragraph._p, self.style_ids[style])
        if self.page_break:
            paragraph.paragraph_format.page_break_before = True
            self.page_break = False
        return paragraph

    def table_before(self, container: Container) -> Any:
        """The w:tbl that `container` ends with so far, if any."""
        last = oxml.last_block(container.element.body if isinstance(container, Document) else container._tc)
        return last if last is not None and last.tag == oxml.TABLE else None

    def spacer(self, container: Container, points: float) -> None:
        spacer = container.add_paragraph()
        spacer.paragraph_format.space_after = 0
        spacer.paragraph_format.line_spacing = Pt(points)

    # -- blocks -------------------------------------------------------------------------------------

    def blocks(self, container: Container, parent: Element, lang: str) -> None:
        for child in self.children(parent, BLOCKS):
            handler = getattr(self, "on_" + HANDLERS.get(child.tag, child.tag))
            handler(container, child, child.get("lang", lang))

    def on_section(self, container: Container, element: Element, lang: str) -> None:
        self.blocks(container, element, lang)

    def on_header(self, container: Container, element: Element, lang: str) -> None:
        self.blocks(container, element, lang)
        if container.paragraphs:  # the masthead's rule under its last line
            ppr = oxml.ppr_of(container.paragraphs[-1]._p)
            oxml.set_paragraph_border(ppr, "bottom", 2, self.colour("accent"), space=6)

    def on_p(self, container: Container, element: Element, lang: str) -> Paragraph:
        return self.text_block(container, element, PARAGRAPH_STYLES[class_of(element)], lang)

    def text_block(self, container: Container, element: Element, style: str, lang: str) -> Paragraph:
        paragraph = self.paragraph(container, style)
        family = FAMILIES.get(style) or "serif"
        if is_chinese(lang) and family == "serif" and element.find(".//br") is None:
            # Chinese body text is justified with extra leading, as in the PDF; not across a <br>,
            # which Word and LibreOffice would stretch over the whole line.
            paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.line_spacing = 1.3
        self.fill(Sink(paragraph, family), element, Inline(lang))
        return paragraph

    def on_heading(self, container: Container, element: Element, lang: str) -> None:
        style = "TOC Heading" if class_of(element) else f"Heading {element.tag[1]}"
        if self.table_before(container) is not None:
            self.spacer(container, 1)  # LibreOffice ignores keep-with-next on a paragraph right after a table
        paragraph = self.text_block(container, element, style, lang)
        if element.get("id"):
            self.bookmarks += 1
            oxml.add_bookmark(paragraph._p, self.bookmarks, bookmark_name(element.get("id")))

    def on_list(self, container: Container, element: Element, lang: str, level: int = 0) -> None:
        try:
            start = int(element.get("start", "1"))
        except ValueError:
            raise BuildError(f"{self.where}: <ol start={element.get('start')!r}> is not a number") from None
        number = oxml.add_list_instance(self.numbering, self.lists[element.tag == "ol"], level, start)
        for item in self.children(element, self.allowed("ol")):
            paragraph = self.paragraph(container, "List Paragraph")
            oxml.set_numbering(paragraph._p, number, level)
            sink, state = Sink(paragraph, "serif"), Inline(item.get("lang", lang))
            self.text(sink, item.text, state)
            for child in item:
                if child.tag in ("ul", "ol") and child.getnext() is None and not (child.tail or "").strip():
                    self.finish(sink)  # a nested list may end an item
                    self.on_list(container, child, child.get("lang", state.lang), level + 1)
                else:
                    self.inline(sink, child, state)
                    self.text(sink, child.tail, state)
            self.finish(sink)

    def on_nav(self, container: Container, element: Element, lang: str) -> None:
        """A TOC field Word fills in on opening; until then its result lists the nav's entries."""
        self.has_toc = True
        for child in self.children(element, self.allowed("nav.toc")):
            if child.tag != "ol":
                self.on_heading(container, child, child.get("lang", lang))
                continue
            items = list(self.children(child, self.allowed("ol")))
            entries = [self.paragraph(container, "toc 1") for _ in items or [None]]
            oxml.begin_field(entries[0]._p, TOC_INSTRUCTION)
            for paragraph, item in zip(entries, items, strict=False):
                self.fill(Sink(paragraph, "serif"), item, Inline(item.get("lang", lang)))
            oxml.end_field(entries[-1]._p)

    def on_blockquote(self, container: Container, element: Element, lang: str) -> None:
        for child in self.children(element, self.allowed("blockquote.quote")):
            style = "Quote Attribution" if class_of(child) else "Quote"
            self.text_block(container, child, style, child.get("lang", lang))

    def on_div(self, container: Container, element: Element, lang: str) -> None:
        kind = class_of(element)
        if kind == "running-header":
            self.running_header(element, lang)
        elif kind == "watermark":
            self.watermark = " ".join(element.text_content().split())
            self.add_watermark(self.section.header)
        elif kind == "cover":  # the cover page has an empty header and footer, as in the PDF
            self.section.different_first_page_header_footer = True
            header, footer = self.section.first_page_header, self.section.first_page_footer
            header.is_linked_to_previous = footer.is_linked_to_previous = False
            oxml.set_style(header.paragraphs[0]._p, self.style_ids["Normal"])  # no header rule either
            if self.watermark:
                self.add_watermark(header)
            self.blocks(container, element, lang)
        elif kind == "key-figures":
            write_key_figures(self, container, element, lang)
        else:
            self.blank(element.text_content(), element)
            self.page_break = True

    def on_table(self, container: Container, element: Element, lang: str) -> None:
        write_table(self, container, element, lang)

    # -- pictures -----------------------------------------------------------------------------------

    def picture(self, paragraph: Paragraph, element: Element, width: int = 0, height: int = 0) -> None:
        """The image at `width` or `height` (the other follows); an SVG is placed as its PNG twin."""
        source = element.get("src") or ""
        try:
            path = resolve_inside(self.base, source)
        except ValueError as exc:
            raise BuildError(f"{self.where}: <img src={source!r}>: {exc}") from None
        if path.suffix.lower() == ".svg":
            path = svg_twin(path)
            if not path.is_file():
                raise BuildError(f"{self.where}: <img src={source!r}>: Word needs its PNG twin {path.name}")
        with Image.open(path) as image:
            ratio = image.height / image.width
        section = self.section
        tallest = (int(section.page_height or 0) - int(section.top_margin or 0) - int(section.bottom_margin or 0)) // 2
        width = min(width or int(height / ratio), int(tallest / ratio))  # no photo taller than half a page
        shape = paragraph.add_run().add_picture(str(path), width=Emu(width), height=Emu(int(width * ratio)))
        oxml.set_picture_description(shape._inline, element.get("alt", ""))

    def on_img(self, container: Container, element: Element, lang: str) -> None:
        paragraph = self.paragraph(container, "Logo")
        if class_of(element.getparent()) == "cover":
            paragraph.paragraph_format.space_before, paragraph.paragraph_format.space_after = Mm(30), Mm(20)
            self.picture(paragraph, element, height=Mm(16))
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            self.picture(paragraph, element, height=Mm(12))

    def on_figure(self, container: Container, element: Element, lang: str) -> None:
        """The picture at the text width, then captions and credits kept on its page."""
        for child in self.children(element, self.allowed("figure")):
            if child.tag == "img":
                self.picture(self.paragraph(container, "Figure"), child, width=self.width(container))
                continue
            lines = [self.text_block(container, span, class_of(span).title(), span.get("lang", lang))
                     for span in self.children(child, self.allowed("figcaption"))]
            for line in lines[:-1]:
                line.paragraph_format.keep_with_next = True

    # -- page header and footer ---------------------------------------------------------------------

    def running_header(self, element: Element, lang: str) -> None:
        """Title spans on the first header line; draft and embargo marks (span.status) on a line of their own."""
        header = self.section.header
        main, marks = Sink(header.paragraphs[0], "sans"), None
        oxml.set_style(main.paragraph._p, self.style_ids["Header"])
        self.text(main, element.text, Inline(lang))
        for child in element:
            sink = main
            if child.tag == "span" and class_of(child) == "status":
                if marks is None:
                    marks = Sink(header.add_paragraph(), "sans")
                    oxml.set_style(marks.paragraph._p, self.style_ids["Header"])
                sink = marks
            self.inline(sink, child, Inline(lang))
            self.text(sink, child.tail, Inline(lang))
        for finished in (main, marks):
            if finished is not None:
                self.finish(finished)

    def add_watermark(self, header: Any) -> None:
        self.watermarks += 1
        oxml.add_watermark(header.paragraphs[-1]._p, self.watermark, self.colour("accent"),
                           faces(self.theme, "sans")[1], self.watermarks)

    def footer(self, label: str, lang: str) -> None:
        """'Page {page} of {pages}' -> "Page " PAGE " of " NUMPAGES, as live fields."""
        paragraph = self.section.footer.paragraphs[0]
        oxml.set_style(paragraph._p, self.style_ids["Footer"])
        sink = Sink(paragraph, "sans")
        for part in re.split(r"(\{page\}|\{pages\})", label):
            if part in ("{page}", "{pages}"):
                oxml.begin_field(paragraph._p, "PAGE" if part == "{page}" else "NUMPAGES")
                self.run(sink, Inline(lang)).text = "1"
                oxml.end_field(paragraph._p)
            elif part:  # the spaces around the numbers belong to the label
                self.run(sink, Inline(self.east_asian if CJK.search(part) else lang)).text = part

