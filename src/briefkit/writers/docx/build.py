"""The <body> of the semantic HTML (docs/html-vocabulary.md) -> the content of a python-docx Document.

One walk maps each element of the vocabulary to Word: headings to Heading 1-3,
lists to numbered paragraphs, tables to tables, the nav to a TOC field, the
running header and watermark to the page header. An element, class or stray
text outside the vocabulary raises BuildError naming the template: nothing is
dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Emu, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from PIL import Image

from ...catalogue import Theme
from ...errors import BuildError
from ...media import resolve_inside, svg_twin
from . import oxml
from .styles import FAMILIES, LIST_INDENT, faces, text_width

Element = Any  # an lxml.html element
Container = Document | _Cell
PARAGRAPH_STYLES = {
    "": "Normal", "lead": "Lead", "standfirst": "Standfirst", "meta": "Meta", "issuer": "Issuer",
    "dateline": "Dateline", "embargo": "Embargo", "kicker": "Kicker", "contact": "Contact", "action": "Action",
}
# Spans marking where Han meets Latin (gap-*) or dashes that must not break (nobr) are plain runs in Word:
# its own East Asian autospacing and line-breaking rules (set in styles.py) do that work.
SPAN_STYLES = {"": None, "sep": "Separator", "illustrative": "Illustrative", "status": "Status", "nobr": None,
               "gap-before": None, "gap-after": None, "gap-before gap-after": None}
# The vocabulary: tag -> the class attributes it may carry ("" for none).
BLOCKS = {
    "p": set(PARAGRAPH_STYLES), "h1": {"", "toc-title"}, "h2": {"", "toc-title"}, "h3": {"", "toc-title"},
    "ul": {""}, "ol": {""}, "figure": {""}, "blockquote": {"quote"}, "img": {"logo"}, "section": {""},
    "header": {"masthead"}, "nav": {"toc"}, "table": {"data", "data targets", "data timeline", "data glossary",
                                                      "parallel"},
    "div": {"running-header", "watermark", "cover", "key-figures", "page-break"},
}
INLINE = {"strong": {""}, "em": {""}, "a": {""}, "br": {""}, "span": set(SPAN_STYLES)}
HANDLERS = {"h1": "heading", "h2": "heading", "h3": "heading", "ul": "list", "ol": "list"}
TOC_INSTRUCTION = r'TOC \o "1-3" \h \z \u'
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


@dataclass(frozen=True)
class Inline:
    """How the runs of an inline element look, inherited down the tree as CSS does."""

    lang: str
    bold: bool = False
    italic: bool = False
    style: str | None = None
    link: Any = None  # the w:hyperlink the runs go into


@dataclass
class Sink:
    """A paragraph being filled with runs; at_space means a leading space would collapse."""

    paragraph: Paragraph
    family: str
    last: Run | None = None
    at_space: bool = True


def is_chinese(lang: str) -> bool:
    return lang.lower().startswith("zh")


def class_of(element: Element) -> str:
    return " ".join(element.get("class", "").split())


def describe(element: Element) -> str:
    classes = element.get("class")
    return f'<{element.tag} class="{classes}">' if classes else f"<{element.tag}>"


def bookmark_name(identifier: str) -> str:
    """Word bookmark names: a letter first, then letters, digits and _; at most 40 characters."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", identifier)
    return (name if name[:1].isalpha() else f"b{name}")[:40]


class BodyWriter:
    """Walks one HTML body into one document."""

    def __init__(self, document: Document, theme: Theme, base: Path, where: str, east_asian: str = "zh-CN") -> None:
        self.document, self.theme, self.base, self.where = document, theme, base, where
        self.east_asian = east_asian  # Word's language id for Chinese runs: zh-CN, or zh-TW for zh-Hant
        self.section = document.sections[0]
        self.numbering = document.part.numbering_part.element
        font = faces(theme, "sans")[0]
        self.lists = {ordered: oxml.add_abstract_list(self.numbering, ordered, LIST_INDENT, font)
                      for ordered in (False, True)}
        self.tables: dict[Any, str] = {}  # w:tbl -> kind, to tell touching tables apart
        self.page_break = self.has_toc = False
        self.bookmarks = self.watermarks = 0
        self.watermark = ""
        self.style_ids = {style.name: style.style_id for style in document.styles}

    # -- checking and plumbing ----------------------------------------------------------------------

    def unknown(self, element: Element) -> BuildError:
        return BuildError(f"{self.where}: {describe(element)} is not in the HTML vocabulary (docs/html-vocabulary.md)")

    def children(self, parent: Element, allowed: dict[str, set[str]]) -> Iterator[Element]:
        """`parent`'s elements, each checked against `allowed`; text between them must be blank."""
        self.blank(parent.text, parent)
        for child in parent:
            if isinstance(child.tag, str):  # comments are not content
                if class_of(child) not in allowed.get(child.tag, ()):
                    raise self.unknown(child)
                yield child
            self.blank(child.tail, parent)

    def blank(self, text: str | None, parent: Element) -> None:
        if text and text.strip():
            raise BuildError(f"{self.where}: text {text.strip()[:40]!r} directly inside {describe(parent)} "
                             "is not in the HTML vocabulary (docs/html-vocabulary.md)")

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

    def table(self, container: Container, rows: int, widths: list[int], kind: str) -> Table:
        previous = self.table_before(container)
        if previous is not None and (kind, self.tables.get(previous)) != ("parallel", "parallel"):
            self.spacer(container, 6)  # touching tables are drawn as one; only parallel rows should join up
        table = container.add_table(rows, len(widths))
        self.tables[table._tbl] = kind
        table.autofit = False
        oxml.set_table_width(table._tbl, sum(widths))
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Emu(width)
            for cell in column.cells:
                cell.width = Emu(width)
                oxml.clear_cell(cell._tc)
        for row in table.rows:
            oxml.keep_row_together(row._tr)
        return table

    def close_cell(self, cell: _Cell) -> None:
        if oxml.ends_without_paragraph(cell._tc):  # Word requires a cell to end with a paragraph
            cell.add_paragraph()

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
        for item in self.children(element, {"li": {""}}):
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
        for child in self.children(element, {"h1": {"toc-title"}, "h2": {"toc-title"}, "h3": {"toc-title"},
                                             "ol": {""}}):
            if child.tag != "ol":
                self.on_heading(container, child, child.get("lang", lang))
                continue
            items = list(self.children(child, {"li": {""}}))
            entries = [self.paragraph(container, "toc 1") for _ in items or [None]]
            oxml.begin_field(entries[0]._p, TOC_INSTRUCTION)
            for paragraph, item in zip(entries, items, strict=False):
                self.fill(Sink(paragraph, "serif"), item, Inline(item.get("lang", lang)))
            oxml.end_field(entries[-1]._p)

    def on_blockquote(self, container: Container, element: Element, lang: str) -> None:
        for child in self.children(element, {"p": {"", "attribution"}}):
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
            self.key_figures(container, element, lang)
        else:
            self.blank(element.text_content(), element)
            self.page_break = True

    # -- tables -------------------------------------------------------------------------------------

    def rows(self, table: Element, cells: set[str]) -> list[tuple[bool, list[Element]]]:
        """(is a header row, its cells) for each tr, inside optional thead/tbody."""
        rows = []
        for child in self.children(table, {"tr": {""}, "thead": {""}, "tbody": {""}}):
            for row in [child] if child.tag == "tr" else self.children(child, {"tr": {""}}):
                rows.append((child.tag == "thead", list(self.children(row, {name: {""} for name in cells}))))
        return rows

    def on_table(self, container: Container, element: Element, lang: str) -> None:
        if class_of(element) == "parallel":
            self.parallel(container, element, lang)
            return
        rows = self.rows(element, {"th", "td"})
        columns = max((len(cells) for _, cells in rows), default=0)
        if not columns:
            return
        table = self.table(container, len(rows), column_widths(rows, columns, self.width(container)), "data")
        rule = (0.5, self.colour("rule"))
        oxml.set_table_borders(table._tbl, top=None, left=None, right=None, insideV=None, bottom=rule, insideH=rule)
        oxml.set_cell_margins(table._tbl, left=113, right=113, top=57, bottom=57)
        for index, (header, cells) in enumerate(rows):
            if header:
                oxml.repeat_row(table.rows[index]._tr)
            for column in range(columns):
                cell = table.cell(index, column)
                if column < len(cells):
                    style = "Table Heading" if cells[column].tag == "th" else "Table Text"
                    self.text_block(cell, cells[column], style, cells[column].get("lang", lang))
                if header:
                    oxml.set_cell_borders(cell._tc, bottom=(1, self.colour("ink")))
                self.close_cell(cell)

    def parallel(self, container: Container, element: Element, lang: str) -> None:
        """Aligned bilingual rows: English left, Chinese right, a hairline between."""
        rows = self.rows(element, {"td"})
        half = self.width(container) // 2
        table = self.table(container, len(rows), [half, half], "parallel")
        oxml.set_table_borders(table._tbl, top=None, left=None, bottom=None, right=None, insideH=None, insideV=None)
        oxml.set_cell_margins(table._tbl, left=113, right=113)
        for index, (_, cells) in enumerate(rows):
            if len(cells) != 2:
                raise BuildError(f'{self.where}: a <table class="parallel"> row needs two <td>, English and Chinese')
            for column, source in enumerate(cells):
                cell = table.cell(index, column)
                self.blocks(cell, source, source.get("lang", lang))
                self.close_cell(cell)
            oxml.set_cell_borders(table.cell(index, 1)._tc, left=(0.5, self.colour("rule")))

    def key_figures(self, container: Container, element: Element, lang: str) -> None:
        """Call-outs as a shaded grid, three to a row, each with the accent rule on top."""
        figures = list(self.children(element, {"div": {"key-figure"}}))
        if not figures:
            return
        per_row = min(3, len(figures))
        rows = -(-len(figures) // per_row)
        table = self.table(container, rows, [self.width(container) // per_row] * per_row, "key-figures")
        oxml.set_cell_margins(table._tbl, left=142, right=142, top=57, bottom=85)
        gap = (6, "FFFFFF")  # white borders stand in for the gaps between call-outs
        for index in range(rows * per_row):
            cell = table.cell(index // per_row, index % per_row)
            if index < len(figures):
                oxml.set_cell_shading(cell._tc, self.colour("panel"))
                oxml.set_cell_borders(cell._tc, top=(2, self.colour("accent")), left=gap, right=gap, bottom=gap)
                for span in self.children(figures[index], {"span": {"value", "label"}}):
                    style = "Key Figure Value" if class_of(span) == "value" else "Key Figure Label"
                    self.text_block(cell, span, style, span.get("lang", lang))
            self.close_cell(cell)

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
        for child in self.children(element, {"img": {""}, "figcaption": {""}}):
            if child.tag == "img":
                self.picture(self.paragraph(container, "Figure"), child, width=self.width(container))
                continue
            lines = [self.text_block(container, span, class_of(span).title(), span.get("lang", lang))
                     for span in self.children(child, {"span": {"caption", "credit"}})]
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

    # -- inline -------------------------------------------------------------------------------------

    def fill(self, sink: Sink, element: Element, state: Inline) -> None:
        self.text(sink, element.text, state)
        for child in element:
            self.inline(sink, child, state)
            self.text(sink, child.tail, state)
        self.finish(sink)

    def inline(self, sink: Sink, element: Element, state: Inline) -> None:
        if not isinstance(element.tag, str):
            return  # a comment
        if class_of(element) not in INLINE.get(element.tag, ()):
            raise self.unknown(element)
        state = replace(state, lang=element.get("lang", state.lang))
        if element.tag == "br":
            self.run(sink, state).add_break()
            sink.at_space = True
            return
        if element.tag == "strong":
            state = replace(state, bold=True)
        elif element.tag == "em":
            state = replace(state, italic=True)
        elif element.tag == "a":
            state = replace(state, link=self.link(sink, element), style="Hyperlink")
        else:
            state = replace(state, style=SPAN_STYLES[class_of(element)] or state.style)
        self.text(sink, element.text, state)
        for child in element:
            self.inline(sink, child, state)
            self.text(sink, child.tail, state)

    def link(self, sink: Sink, element: Element) -> Any:
        href = element.get("href", "")
        if re.match(r"#[A-Za-z]", href):
            return oxml.add_hyperlink(sink.paragraph._p, anchor=bookmark_name(href[1:]))
        if re.match(r"(https?://|mailto:)", href):
            relationship = sink.paragraph.part.relate_to(href, RT.HYPERLINK, is_external=True)
            return oxml.add_hyperlink(sink.paragraph._p, relationship=relationship)
        raise BuildError(f"{self.where}: <a href={href!r}> is not in the HTML vocabulary (http(s), mailto or #id)")

    def text(self, sink: Sink, text: str | None, state: Inline) -> None:
        """Whitespace collapses as in HTML, across element boundaries."""
        text = re.sub(r"\s+", " ", text or "")
        if sink.at_space:
            text = text.lstrip(" ")
        if not text:
            return
        run = self.run(sink, state)
        try:
            run.text = text
        except ValueError:
            raise BuildError(f"{self.where}: text {text[:40]!r} holds a control character Word cannot store") from None
        sink.last, sink.at_space = run, text.endswith(" ")

    def finish(self, sink: Sink) -> None:
        if sink.last is not None and sink.last.text.endswith(" "):
            sink.last.text = sink.last.text.rstrip(" ")

    def run(self, sink: Sink, state: Inline) -> Run:
        run = Run(oxml.add_run(sink.paragraph._p if state.link is None else state.link), sink.paragraph)
        chinese = is_chinese(state.lang)
        if state.style:
            oxml.set_style(run.element, self.style_ids[state.style])
        if state.bold or (state.italic and chinese):  # Chinese has no italics: emphasis is bold
            run.bold = True
        if state.italic and not chinese:
            run.italic = True
        if chinese:
            rpr = oxml.rpr_of(run.element)
            oxml.set_fonts(rpr, None, faces(self.theme, FAMILIES.get(state.style or "") or sink.family)[1], True)
            oxml.set_language(rpr, east_asian=self.east_asian)
        return run


def column_widths(rows: list[tuple[bool, list[Element]]], columns: int, total: int) -> list[int]:
    """Widths by the longest line each column holds (CJK counts double), none under 12% of the table."""
    need = [4.0] * columns
    for _, cells in rows:
        for index, cell in enumerate(cells):
            for line in cell.itertext():
                length = sum(2 if CJK.match(char) else 1 for char in " ".join(line.split()))
                need[index] = max(need[index], min(length, 60))
    shares = [max(value / sum(need), 0.12) for value in need]
    return [int(total * share / sum(shares)) for share in shares]
