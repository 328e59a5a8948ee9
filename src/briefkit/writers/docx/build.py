"""The <body> of the semantic HTML (docs/html-vocabulary.md) -> the content of a python-docx Document.

One walk maps each element of the vocabulary to Word: headings to Heading 1-3,
lists to List Bullet and List Number paragraphs, pictures at the CSS sizes.
Tables and key figures are in tables.py, the TOC and the page furniture
(running header, watermark, footer) in furniture.py, the runs inside every
paragraph in runs.py. An element, class or stray text outside the vocabulary
raises BuildError naming the template: nothing is dropped silently.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
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
from ..page_layout import PageLayout
from . import furniture, oxml
from .runs import Element, Inline, RunWriter, Sink, bookmark_name, class_of, is_chinese
from .styles import FAMILIES, TWIPS_PER_MM, Faces, StyleSheet, text_width
from .tables import write_key_figures, write_list_columns, write_table

Container = Document | _Cell
PARAGRAPH_STYLES = {
    "": "Normal", "lead": "Lead", "standfirst": "Standfirst", "meta": "Meta", "issuer": "Issuer",
    "dateline": "Dateline", "embargo": "Embargo", "kicker": "Kicker", "contact": "Contact", "action": "Action",
    "end-mark": "Meta", "callout": "Standfirst",  # schema 2's ENDS line and call-out blocks reuse existing styles
}
# The block part of the vocabulary (vocabulary.py): tag -> the class attributes it may carry ("" for none).
BLOCKS = vocabulary.members(vocabulary.BLOCK)
FIGURE_MARGIN = 4  # mm above and below a figure, as the CSS figure box
HANDLERS = {"h1": "heading", "h2": "heading", "h3": "heading", "ul": "list", "ol": "list"}


class BodyWriter(RunWriter):
    """Walks one HTML body into one document."""

    def __init__(self, document: Document, theme: Theme, sheet: StyleSheet, faces: Faces, base: Path, where: str,
                 lists: Lists, layout: PageLayout | None = None,
                 keep_page_furniture: tuple[bool, bool] = (False, False)) -> None:
        """`keep_page_furniture`: a reference document's (header, footer) has content of its own: leave it."""
        super().__init__(document, theme, where, sheet.ids)
        self.document, self.base, self.sheet, self.faces = document, base, sheet, faces
        self.tokens, self.layout, self.keep_page_furniture = sheet.tokens, layout, keep_page_furniture
        self.section = document.sections[0]
        self.text_width = text_width(document)  # python-docx finds the section by scanning the whole body
        self.numbering = document.part.numbering_part.element
        self.lists, self.bullets = lists.abstract, lists.bullets
        self.tables: dict[Any, str] = {}  # w:tbl -> kind, so tables.add_table can tell touching tables apart
        self.page_break = self.has_toc = False
        self.bookmarks = self.watermarks = 0
        self.watermark = ""

    # -- plumbing -----------------------------------------------------------------------------------

    def colour(self, name: str) -> str:
        return str(getattr(self.theme.colours, name)).lstrip("#").upper()

    def width(self, container: Container) -> int:
        return self.text_width if isinstance(container, Document) else int(container.width)

    def paragraph(self, container: Container, style: str, lang: str = "") -> Paragraph:
        """A paragraph in `style`, or its Chinese variant for Chinese text in a bilingual document."""
        paragraph = container.add_paragraph()
        style_id = self.sheet.chinese_variant(style) if is_chinese(lang) else self.style_ids[style]
        oxml.set_style(paragraph._p, style_id)
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
        """A paragraph of inline content; Chinese justification and leading come from its style."""
        paragraph = self.paragraph(container, style, lang)
        self.fill(Sink(paragraph, FAMILIES.get(style) or "serif"), element, Inline(lang))
        return paragraph

    def on_heading(self, container: Container, element: Element, lang: str) -> None:
        style = "TOC Heading" if class_of(element) else f"Heading {element.tag[1]}"
        if element.tag == "h1" and class_of(element.getparent()) == "cover":
            style = "Bilingual Title" if bilingual_edition(element) else "Title"
        if element.tag == "h1" and element.find("span[@class='sep']") is not None:
            element = stacked(element)
        if self.table_before(container) is not None:
            # LibreOffice ignores keep-with-next on a paragraph right after a table; and a table has no space
            # after to add to the heading's, so the spacer stands for the body's (styles.py, HEADINGS).
            self.spacer(container, Mm(self.tokens.type.body.after or 0).pt)
        paragraph = self.text_block(container, element, style, lang)
        if element.get("id"):
            self.bookmarks += 1
            oxml.add_bookmark(paragraph._p, self.bookmarks, bookmark_name(element.get("id")))

    def on_list(self, container: Container, element: Element, lang: str, level: int = 0) -> None:
        """List Bullet / List Number paragraphs on the two shared definitions; each <ol> restarts at its start."""
        columns = self.tokens.layout.list_columns or 1
        if level == 0 and columns > 1 and isinstance(container, Document):
            write_list_columns(self, container, element, lang, columns)
            return
        self.list_items(container, element, lang, level)

    def list_items(self, container: Container, element: Element, lang: str, level: int = 0,
                   items: list[Element] | None = None, number: int | None = None) -> int:
        """Write `items` (default: all of `element`'s) as list paragraphs; returns the numbering instance used."""
        ordered = element.tag == "ol"
        try:
            start = int(element.get("start", "1"))
        except ValueError:
            raise BuildError(f"{self.where}: <ol start={element.get('start')!r}> is not a number") from None
        if number is None:
            number = oxml.add_list_instance(self.numbering, self.lists[ordered], level, start) if ordered or level \
                else self.bullets
        paragraph = None
        for item in items if items is not None else self.children(element, self.allowed("ol")):
            paragraph = self.paragraph(container, "List Number" if ordered else "List Bullet", lang)
            if number != self.bullets:
                oxml.set_numbering(paragraph._p, number, level)
            sink, state = Sink(paragraph, "serif"), Inline(item.get("lang", lang))
            self.text(sink, item.text, state)
            for child in item:
                if child.tag in ("ul", "ol") and child.getnext() is None and not (child.tail or "").strip():
                    self.finish(sink)  # a nested list may end an item
                    self.list_items(container, child, child.get("lang", state.lang), level + 1)
                else:
                    self.inline(sink, child, state)
                    self.text(sink, child.tail, state)
            self.finish(sink)
        if level == 0 and items is None and paragraph is not None:
            # CSS collapses the last item's margin into the list's larger one (the body's space after)
            paragraph.paragraph_format.space_after = Mm(self.tokens.type.body.after or 0)
        return number

    def on_nav(self, container: Container, element: Element, lang: str) -> None:
        self.has_toc = True
        furniture.write_toc(self, container, element, lang)

    def on_blockquote(self, container: Container, element: Element, lang: str) -> None:
        for child in self.children(element, self.allowed("blockquote.quote")):
            style = "Quote Attribution" if class_of(child) else "Quote"
            self.text_block(container, child, style, child.get("lang", lang))

    def on_div(self, container: Container, element: Element, lang: str) -> None:
        kind = class_of(element)
        if kind == "running-header":
            if not self.keep_page_furniture[0]:
                furniture.running_header(self, element, lang)
        elif kind == "watermark":
            self.watermark = " ".join(element.text_content().split())
            furniture.add_watermark(self, self.section.header)
        elif kind == "cover":
            if not any(self.keep_page_furniture):  # an empty header and footer on the cover, as in the PDF
                furniture.blank_first_page(self)
            self.blocks(container, element, lang)
        elif kind == "key-figures":
            write_key_figures(self, container, element, lang)
        else:
            self.blank(element.text_content(), element)
            self.page_break = True

    def on_table(self, container: Container, element: Element, lang: str) -> None:
        write_table(self, container, element, lang)

    # -- pictures -----------------------------------------------------------------------------------

    def picture(self, paragraph: Paragraph, element: Element, width: int = 0, height: int = 0,
                max_height: int = 0) -> None:
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
        try:
            with Image.open(path) as image:
                ratio = image.height / image.width
        except (OSError, ValueError, ZeroDivisionError) as exc:
            raise BuildError(f"{self.where}: <img src={source!r}>: not a readable image: {exc}") from None
        section = self.section
        tallest = (int(section.page_height or 0) - int(section.top_margin or 0) - int(section.bottom_margin or 0)) // 2
        tallest = min(tallest, max_height or tallest)  # no photo taller than the CSS cap or half a page
        width = min(width or int(height / ratio), int(tallest / ratio))
        shape = paragraph.add_run().add_picture(str(path), width=Emu(width), height=Emu(int(width * ratio)))
        oxml.set_picture_description(shape._inline, element.get("alt", ""))

    def on_img(self, container: Container, element: Element, lang: str) -> None:
        paragraph = self.paragraph(container, "Logo")
        layout = self.tokens.layout
        if class_of(element.getparent()) == "cover":
            paragraph.paragraph_format.space_before, paragraph.paragraph_format.space_after = Mm(30), Mm(20)
            self.picture(paragraph, element, height=Mm(layout.cover_logo_height or 16))
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            self.picture(paragraph, element, height=Mm(layout.logo_height or 12))

    def on_figure(self, container: Container, element: Element, lang: str) -> None:
        """The picture at the CSS figure width and height cap, then captions and credits kept on its page."""
        layout = self.tokens.layout
        for child in self.children(element, self.allowed("figure")):
            if child.tag == "img":
                width = int(self.width(container) * (layout.figure_width or 100) / 100)
                self.picture(self.paragraph(container, "Figure"), child, width=width,
                             max_height=int(Mm(layout.figure_max_height or 1000)))
                continue
            lines = [self.text_block(container, span, class_of(span).title(), span.get("lang", lang))
                     for span in self.children(child, self.allowed("figcaption"))]
            for line in lines[:-1]:
                line.paragraph_format.keep_with_next = True
            if lines:  # the figure's bottom margin
                lines[-1].paragraph_format.space_after = Mm(FIGURE_MARGIN)


@dataclass(frozen=True)
class Lists:
    """The two shared list definitions (abstractNum ids) and their plain instances, List Bullet's and List Number's."""

    abstract: dict[bool, int]
    bullets: int
    numbers: int


def start_lists(numbering: Any, indent_mm: float, font: str) -> Lists:
    """The document's only list definitions: bullets and numbers, nine levels each."""
    indent = round(indent_mm * TWIPS_PER_MM)
    abstract = {ordered: oxml.add_abstract_list(numbering, ordered, indent, font) for ordered in (False, True)}
    return Lists(abstract, int(numbering.add_num(abstract[False]).numId), int(numbering.add_num(abstract[True]).numId))


def stacked(heading: Element) -> Element:
    """A copy of a bilingual headline with each separator span a line break: the languages stacked, as in the PDF."""
    copied = copy.deepcopy(heading)
    for separator in copied.findall("span[@class='sep']"):
        line_break = copied.makeelement("br", {})
        line_break.tail = separator.tail
        separator.getparent().replace(separator, line_break)
    return copied


def bilingual_edition(element: Element) -> bool:
    """`element` is in the bilingual edition: its <body> has the class edition-bilingual (_base.html.j2)."""
    return any("edition-bilingual" in (body.get("class") or "").split() for body in element.iterancestors("body"))
