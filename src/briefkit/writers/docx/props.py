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

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.styles import styleId_from_name
from docx.shared import Length, RGBColor
from lxml import etree

Element = Any  # an lxml element of python-docx's oxml classes

P, R, T = qn("w:p"), qn("w:r"), qn("w:t")
PPR, RPR, PSTYLE, RSTYLE = qn("w:pPr"), qn("w:rPr"), qn("w:pStyle"), qn("w:rStyle")
BOLD, ITALIC, VAL = qn("w:b"), qn("w:i"), qn("w:val")
XML_SPACE = qn("xml:space")
STYLE, NAME = qn("w:style"), qn("w:name")

# Schema order (ECMA-376 transitional) of the children this module inserts.
PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
    "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
)
RPR_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike",
    "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden",
    "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)
TCPR_ORDER = ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap",
              "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
TBLPR_ORDER = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
               "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
               "w:tblLayout", "w:tblCellMar", "w:tblLook")
STYLE_ORDER = ("w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine", "w:hidden", "w:uiPriority",
               "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:locked", "w:personal", "w:personalCompose",
               "w:personalReply", "w:rsid", "w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr")


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


def add_style(styles: Element, name: str, kind: WD_STYLE_TYPE) -> Element:
    """A new custom w:style named `name` (python-docx's internal name) at the end of styles.xml, as
    python-docx's add_style_of_type makes it, without its search for later siblings of w:name."""
    style: Any = etree.SubElement(styles, STYLE)  # python-docx's CT_Style: its attribute setters convert
    style.type = kind
    style.customStyle = True
    style.styleId = styleId_from_name(name)
    etree.SubElement(style, NAME).set(VAL, name)
    return style


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


def set_child(parent: Element, tag: str, order: tuple[str, ...], **attributes: str) -> Element:
    """Replace or insert `parent`'s child `tag` at its schema position, with w: attributes."""
    existing = parent.find(qn(tag))
    if existing is not None:
        parent.remove(existing)
    child = OxmlElement(tag)
    for name, value in attributes.items():
        child.set(qn(f"w:{name}"), value)
    later = later_tags(tag, order)
    for index, sibling in enumerate(parent):
        if sibling.tag in later:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def get_or_add(parent: Element, tag: str, order: tuple[str, ...]) -> Element:
    found = parent.find(qn(tag))
    return found if found is not None else set_child(parent, tag, order)


def remove_children(parent: Element, tag: str) -> None:
    for found in parent.findall(qn(tag)):
        parent.remove(found)


def set_font(rpr: Element, size: Length | None, bold: bool | None, colour: RGBColor | None, caps: bool,
             underline: bool) -> None:
    """A style's font in its w:rPr, as python-docx's `font.italic = None; font.size = size; font.bold = bold;
    font.color.rgb = colour; font.all_caps = True; font.underline = True` write it (None: left alone)."""
    remove_children(rpr, "w:i")
    if size is not None:
        get_or_add(rpr, "w:sz", RPR_ORDER).val = size
    if bold is not None:
        get_or_add(rpr, "w:b", RPR_ORDER).val = bold
    if colour is not None:
        remove_children(rpr, "w:color")  # python-docx drops a theme colour with the old value
        get_or_add(rpr, "w:color", RPR_ORDER).val = colour
    if caps:
        get_or_add(rpr, "w:caps", RPR_ORDER).val = True
    if underline:
        set_child(rpr, "w:u", RPR_ORDER, val="single")


def set_spacing(ppr: Element, before: Length, after: Length, line: Length, rule: WD_LINE_SPACING) -> None:
    """w:spacing as python-docx's `space_before`, `space_after`, `line_spacing` and `line_spacing_rule` write it
    (attributes in that order; a Length line with AT_LEAST, or Twips(240) with MULTIPLE for single spacing)."""
    spacing = get_or_add(ppr, "w:spacing", PPR_ORDER)
    spacing.before, spacing.after = before, after
    spacing.line, spacing.lineRule = line, rule
