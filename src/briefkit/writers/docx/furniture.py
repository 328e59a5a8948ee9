"""nav.toc, div.running-header, div.watermark and the page label -> the TOC field, page header and footer.

The TOC is Word's own field at the levels the nav lists, saved with its
entries and, when the PDF layout of the same document is known, its page
numbers: Word and LibreOffice show it as saved, without asking to update
fields. The running header and the page label become the page header and a
footer with PAGE and NUMPAGES fields, unless a reference document brings its
own (then those are left exactly as the reference has them).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import oxml
from .runs import CJK, Element, Inline, Sink, bookmark_name, class_of

if TYPE_CHECKING:
    from .build import BodyWriter, Container

HEADINGS = {"h1": 1, "h2": 2, "h3": 3}


def write_toc(writer: BodyWriter, container: Container, element: Element, lang: str) -> None:
    """The nav's title as a heading, then one paragraph per entry inside a TOC field."""
    for child in writer.children(element, writer.allowed("nav.toc")):
        if child.tag != "ol":
            writer.on_heading(container, child, child.get("lang", lang))
            continue
        items = list(writer.children(child, writer.allowed("ol")))
        targets = [_target(item) for item in items]
        levels = [_level(element, target) for target in targets]
        low, high = min(levels, default=1), max(levels, default=3)
        entries = [writer.paragraph(container, f"toc {level}") for level in levels or [low]]
        # Word puts the TOC's right tab on each entry paragraph; so do we, at the text width.
        for paragraph in entries:
            oxml.add_tab_stop(oxml.ppr_of(paragraph._p), writer.width(container) // 635)
        oxml.begin_field(entries[0]._p, rf'TOC \o "{low}-{high}" \h \z \u')
        for paragraph, item, target in zip(entries, items, targets, strict=False):
            writer.fill(Sink(paragraph, "serif"), item, Inline(item.get("lang", lang)))
            _page_reference(writer, paragraph._p, target)
        oxml.end_field(entries[-1]._p)


def _target(item: Element) -> str:
    links = item.xpath(".//a[starts-with(@href, '#')]/@href")
    return str(links[0])[1:] if links else ""


def _level(nav: Element, target: str) -> int:
    """The heading level of the element an entry points at (3 when it is not a heading)."""
    found = nav.getroottree().xpath("//*[@id=$id]", id=target) if target else []
    return HEADINGS.get(found[0].tag, 3) if found else 3


def _page_reference(writer: BodyWriter, paragraph: Element, target: str) -> None:
    """Tab, then a PAGEREF field whose saved result is the entry's page in the PDF (empty when unknown)."""
    if not target:
        return
    links = paragraph.findall(oxml.HYPERLINK)
    parent = links[-1] if links else paragraph
    oxml.add_run(parent).append(oxml.make("w:tab"))
    oxml.begin_field(parent, rf"PAGEREF {bookmark_name(target)} \h")
    page = writer.layout.anchors.get(target) if writer.layout else None
    if page:
        oxml.add_run(parent).append(oxml.make_text(str(page)))
    oxml.end_field(parent)


def running_header(writer: BodyWriter, element: Element, lang: str) -> None:
    """Title spans on the first header line; draft and embargo marks (span.status) on a line of their own."""
    header = writer.section.header
    main, marks = Sink(header.paragraphs[0], "sans"), None
    oxml.set_style(main.paragraph._p, writer.style_ids["Header"])
    writer.text(main, element.text, Inline(lang))
    for child in element:
        sink = main
        if child.tag == "span" and class_of(child) == "status":
            if marks is None:
                marks = Sink(header.add_paragraph(), "sans")
                oxml.set_style(marks.paragraph._p, writer.style_ids["Header"])
            sink = marks
        writer.inline(sink, child, Inline(lang))
        writer.text(sink, child.tail, Inline(lang))
    for finished in (main, marks):
        if finished is not None:
            writer.finish(finished)


def blank_first_page(writer: BodyWriter) -> None:
    """The cover page has an empty header and footer (no rule either), as in the PDF."""
    section = writer.section
    section.different_first_page_header_footer = True
    header, footer = section.first_page_header, section.first_page_footer
    header.is_linked_to_previous = footer.is_linked_to_previous = False
    oxml.set_style(header.paragraphs[0]._p, writer.style_ids["Normal"])
    if writer.watermark:
        add_watermark(writer, header)


def add_watermark(writer: BodyWriter, header: Any) -> None:
    """Word's diagonal text watermark, in the header's last paragraph (a reference header's too: it adds no line)."""
    writer.watermarks += 1
    oxml.add_watermark(header.paragraphs[-1]._p, writer.watermark, writer.colour("accent"), writer.faces.sans[1],
                       writer.watermarks)


def footer(writer: BodyWriter, label: str, lang: str) -> None:
    """'Page {page} of {pages}' -> "Page " PAGE " of " NUMPAGES, as live fields."""
    paragraph = writer.section.footer.paragraphs[0]
    oxml.set_style(paragraph._p, writer.style_ids["Footer"])
    sink = Sink(paragraph, "sans")
    for part in re.split(r"(\{page\}|\{pages\})", label):
        if part in ("{page}", "{pages}"):
            oxml.begin_field(paragraph._p, "PAGE" if part == "{page}" else "NUMPAGES")
            writer.run(sink, Inline(lang)).text = "1"
            oxml.end_field(paragraph._p)
        elif part:  # the spaces around the numbers belong to the label
            writer.run(sink, Inline("zh-CN" if CJK.search(part) else lang)).text = part
