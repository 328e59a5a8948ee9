"""Runs, run text and style references -> w:r, w:t, w:pStyle/w:rStyle and on/off properties, built with lxml directly.

python-docx inserts each child through `get_or_add_*`, which looks for every later
sibling the schema allows (thirty-odd `find` calls for a w:rPr child) before it
inserts: that search was most of the DOCX writer's time. Here the elements a
paragraph or run starts with are made in schema order, so no search is needed,
and the XML is the same as python-docx's (tests/writers/test_docx_props.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from docx.oxml.ns import qn
from lxml import etree

Element = Any  # an lxml element of python-docx's oxml classes

P, R, T = qn("w:p"), qn("w:r"), qn("w:t")
PPR, RPR, PSTYLE, RSTYLE = qn("w:pPr"), qn("w:rPr"), qn("w:pStyle"), qn("w:rStyle")
BOLD, ITALIC, VAL = qn("w:b"), qn("w:i"), qn("w:val")
XML_SPACE = qn("xml:space")


def set_style(owner: Element, style_id: str) -> None:
    """w:pStyle of a paragraph or w:rStyle of a run, by style id.

    The properties element is its owner's first child and the style its first child (CT_P, CT_R,
    CT_PPr, CT_RPr), so both go in at index 0; python-docx's lookup by style name scanned every
    style of the template each time."""
    props_tag, style_tag = (PPR, PSTYLE) if owner.tag == P else (RPR, RSTYLE)
    props = owner[0] if len(owner) and owner[0].tag == props_tag else None
    if props is None:
        props = etree.SubElement(owner, props_tag)  # made inside the tree: it takes the w: prefix in scope
        owner.insert(0, props)
    style = props[0] if len(props) and props[0].tag == style_tag else None
    if style is None:
        style = etree.SubElement(props, style_tag)
        props.insert(0, style)
    style.set(VAL, style_id)


def add_run(parent: Element, style_id: str | None = None, bold: bool = False, italic: bool = False) -> Element:
    """A new w:r at the end of a paragraph or hyperlink, with its character style, bold and italic.

    The same XML as `run.style = ...; run.bold = True; run.italic = True` on an empty run: w:rStyle,
    w:b and w:i, in that (the schema's) order, on-values without w:val."""
    run = etree.SubElement(parent, R)
    if style_id or bold or italic:
        props = etree.SubElement(run, RPR)
        if style_id:
            etree.SubElement(props, RSTYLE).set(VAL, style_id)
        if bold:
            etree.SubElement(props, BOLD)
        if italic:
            etree.SubElement(props, ITALIC)
    return run


def set_text(run: Element, text: str) -> None:
    """`text` (without tabs or line breaks) as the run's only w:t, as python-docx's `run.text = text` writes it:
    xml:space="preserve" only when the text starts or ends with white space; nothing for empty text.

    Raises ValueError, as lxml does, for characters XML cannot hold."""
    for old in run.findall(T):
        run.remove(old)
    if not text:
        return
    element = etree.SubElement(run, T)
    try:
        element.text = text
    except ValueError:
        run.remove(element)
        raise
    if len(text.strip()) < len(text):
        element.set(XML_SPACE, "preserve")


def text_of(run: Element) -> str:
    """The run's text, where it holds only w:t elements (what set_text writes)."""
    return "".join(element.text or "" for element in run.iter(T))


@cache
def later_tags(tag: str, order: tuple[str, ...]) -> frozenset[str]:
    """The Clark names of the children the schema puts after `tag` in `order` (set_child's search, made once)."""
    return frozenset(qn(name) for name in order[order.index(tag) + 1:])
