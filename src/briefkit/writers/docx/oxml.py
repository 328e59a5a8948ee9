"""python-docx elements -> the raw WordprocessingML python-docx has no API for.

East Asian fonts and languages, settings fixes, fields, list numbering,
hyperlinks, bookmarks, borders, shading and the draft watermark. Every raw
element the DOCX writer makes is made here, in the order the schema demands:
a child out of place is enough for Word to call the file corrupt.
"""

from __future__ import annotations

from html import escape
from typing import Any

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from .props import PPR_ORDER, RPR_ORDER, TBLPR_ORDER, TCPR_ORDER, get_or_add, set_child
from .props import set_style as set_style  # re-exported: the one way a paragraph or run gets its style

Element = Any  # an lxml element of python-docx's oxml classes

SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")
Border = tuple[float, str] | None  # (width in points, RRGGBB); None draws no line


def rpr_of(owner: Element) -> Element:
    """The w:rPr of a style or run, made if missing."""
    return owner.get_or_add_rPr()


def ppr_of(owner: Element) -> Element:
    """The w:pPr of a style or paragraph, made if missing."""
    return owner.get_or_add_pPr()


# -- fonts and languages ---------------------------------------------------------------------------

FONT_SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")


def set_theme_fonts(rpr: Element, faces: tuple[str, str], slot: str) -> None:
    """The theme's major or minor fonts, with the faces named too (what Word shows when it ignores the theme).

    Word and LibreOffice take the theme attribute: Word's Design > Fonts then restyles every style at once."""
    fonts = set_child(rpr, "w:rFonts", RPR_ORDER)
    latin, east_asian = faces
    for name, value in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asian), ("cs", latin)):
        fonts.set(qn(f"w:{name}"), value)
    for name, theme in (("asciiTheme", "HAnsi"), ("hAnsiTheme", "HAnsi"), ("eastAsiaTheme", "EastAsia"),
                        ("cstheme", "Bidi")):
        fonts.set(qn(f"w:{name}"), f"{slot}{theme}")


def copy_fonts(rpr: Element, source: Element) -> None:
    """A copy of another style's w:rFonts (a reference document's heading fonts)."""
    fonts = set_child(rpr, "w:rFonts", RPR_ORDER)
    fonts.attrib.update({key: value for key, value in source.attrib.items() if "hint" not in key})


def resolved_fonts(styles: Element, style_id: str) -> Element | None:
    """The w:rFonts a paragraph style takes, up its basedOn chain; None when only the defaults give fonts."""
    by_id = {style.get(qn("w:styleId")): style for style in styles.findall(qn("w:style"))}
    seen: set[str] = set()
    current = by_id.get(style_id)
    while current is not None and current.get(qn("w:styleId")) not in seen:
        seen.add(current.get(qn("w:styleId")))
        fonts = current.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        if fonts is not None and any(k.rsplit("}", 1)[-1] in FONT_SLOTS or "heme" in k for k in fonts.attrib):
            return fonts
        based = current.find(qn("w:basedOn"))
        current = by_id.get(based.get(qn("w:val"))) if based is not None else None
    return None


def set_hint(rpr: Element) -> None:
    """“” … — are shared by both scripts: draw them in the East Asian face of the run's style."""
    get_or_add(rpr, "w:rFonts", RPR_ORDER).set(qn("w:hint"), "eastAsia")


def set_theme_colour(rpr: Element, slot: str) -> None:
    """The colour as a theme colour too, so it follows the theme's palette (Word's colour picker shows it)."""
    colour = rpr.find(qn("w:color"))
    if colour is not None:
        colour.set(qn("w:themeColor"), slot)


def set_language(rpr: Element, latin: str | None = None, east_asian: str | None = None) -> None:
    lang = get_or_add(rpr, "w:lang", RPR_ORDER)
    if latin:
        lang.set(qn("w:val"), latin)
    if east_asian:
        lang.set(qn("w:eastAsia"), east_asian)


def set_doc_defaults(styles: Element, faces: tuple[str, str] | None, languages: tuple[str, str], slot: str) -> None:
    """Default fonts (the theme's `slot` fonts, unless a reference document gives its own), languages
    (Latin, East Asian: zh-CN or zh-TW); Chinese line breaking and Latin/CJK spacing on."""
    defaults = get_or_add(styles, "w:docDefaults", ("w:docDefaults", "w:latentStyles", "w:style"))
    rpr = get_or_add(get_or_add(defaults, "w:rPrDefault", ("w:rPrDefault", "w:pPrDefault")), "w:rPr", ("w:rPr",))
    if faces:
        set_theme_fonts(rpr, faces, slot)
    set_language(rpr, *languages)
    ppr = get_or_add(get_or_add(defaults, "w:pPrDefault", ("w:rPrDefault", "w:pPrDefault")), "w:pPr", ("w:pPr",))
    for tag in ("w:kinsoku", "w:autoSpaceDE", "w:autoSpaceDN"):
        set_child(ppr, tag, PPR_ORDER, val="1")


def reset_style(style: Element) -> None:
    """Drop a template style's formatting, keeping what makes a heading a heading (outline level)."""
    for tag in ("w:rPr", "w:pPr"):
        found = style.find(qn(tag))
        if found is None:
            continue
        for child in list(found):
            if child.tag not in (qn("w:outlineLvl"), qn("w:numPr")):
                found.remove(child)


def add_tab_stop(ppr: Element, position: int, leader: str = "dot") -> None:
    """A right tab stop at `position` twips with a leader: where a TOC entry's page number goes."""
    tabs = get_or_add(ppr, "w:tabs", PPR_ORDER)
    tab = OxmlElement("w:tab")
    for name, value in (("val", "right"), ("leader", leader), ("pos", str(position))):
        tab.set(qn(f"w:{name}"), value)
    tabs.append(tab)


# -- runs, fields, links, bookmarks ----------------------------------------------------------------

HYPERLINK = qn("w:hyperlink")


def make(tag: str) -> Element:
    return OxmlElement(tag)


def make_text(text: str) -> Element:
    element = OxmlElement("w:t")
    element.set(qn("xml:space"), "preserve")
    element.text = text
    return element



def add_run(parent: Element) -> Element:
    """A new empty w:r at the end of a paragraph or hyperlink."""
    run = OxmlElement("w:r")
    parent.append(run)
    return run


def begin_field(paragraph: Element, instruction: str) -> None:
    """fldChar begin + instrText + fldChar separate: the result runs follow, then end_field."""
    _field_char(paragraph, "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    add_run(paragraph).append(text)
    _field_char(paragraph, "separate")


def end_field(paragraph: Element) -> None:
    _field_char(paragraph, "end")


def _field_char(paragraph: Element, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    add_run(paragraph).append(char)


def add_hyperlink(paragraph: Element, relationship: str | None = None, anchor: str | None = None) -> Element:
    link = OxmlElement("w:hyperlink")
    if relationship:
        link.set(qn("r:id"), relationship)
    if anchor:
        link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    paragraph.append(link)
    return link


def add_bookmark(paragraph: Element, number: int, name: str) -> None:
    """A bookmark around the whole paragraph, for the TOC entries and internal links."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    ppr = paragraph.find(qn("w:pPr"))
    paragraph.insert(0 if ppr is None else 1, start)
    paragraph.append(end)


def set_picture_description(inline: Element, text: str) -> None:
    """Alt text, and zero wrap distances: without them LibreOffice pads the picture by 1/8 inch."""
    inline.docPr.set("descr", text)
    for side in ("distT", "distB", "distL", "distR"):
        inline.set(side, "0")


# -- numbering -------------------------------------------------------------------------------------

BULLETS = ("•", "◦", "▪")


def add_abstract_list(numbering: Element, ordered: bool, indent: int, font: str) -> int:
    """A nine-level list definition (decimal or bullets); returns its abstractNumId."""
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    number = max(ids, default=-1) + 1
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(number))
    set_child(abstract, "w:multiLevelType", ("w:nsid", "w:multiLevelType", "w:lvl"), val="multilevel")
    for level in range(9):
        fmt, text = ("decimal", f"%{level + 1}.") if ordered else ("bullet", BULLETS[level % 3])
        lvl = parse_xml(
            f'<w:lvl {nsdecls("w")} w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{indent * (level + 1)}" w:hanging="{indent}"/></w:pPr>'
            f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:hint="default"/></w:rPr>'
            "</w:lvl>"
        )
        abstract.append(lvl)
    later = numbering.find(qn("w:num"))
    if later is not None:
        later.addprevious(abstract)
    else:
        numbering.append(abstract)
    return number


def add_list_instance(numbering: Element, abstract: int, level: int, start: int) -> int:
    """A w:num of its own, so this list counts from `start` whatever came before it."""
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=level).add_startOverride(start)
    return int(num.numId)


def set_numbering(paragraph: Element, number: int, level: int) -> None:
    num_pr = paragraph.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = number


# -- tables, borders, shading ----------------------------------------------------------------------


TABLE = qn("w:tbl")


def last_block(parent: Element) -> Element | None:
    """The last paragraph or table of a body or cell (a body ends with its w:sectPr)."""
    return next((child for child in reversed(parent) if child.tag in (qn("w:p"), TABLE)), None)


def clear_body(body: Element) -> None:
    """Empty a reference document's body, keeping its section properties (page, header links)."""
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _border_elements(parent: Element, sides: dict[str, Border]) -> None:
    for side in SIDES:
        if side not in sides:
            continue
        border = OxmlElement(f"w:{side}")
        spec = sides[side]
        if spec is None:
            border.set(qn("w:val"), "nil")
        else:
            width, colour = spec
            for name, value in (("val", "single"), ("sz", str(round(width * 8))), ("space", "0"), ("color", colour)):
                border.set(qn(f"w:{name}"), value)
        parent.append(border)


def set_table_width(table: Element, width: int) -> None:
    """A fixed width in twips from EMU; the default "auto" lets LibreOffice shrink the table."""
    set_child(table.tblPr, "w:tblW", TBLPR_ORDER, w=str(width // 635), type="dxa")


def set_table_style(table: Element, style_id: str, header: bool) -> None:
    """The table's style, and which of its conditional parts apply: the header row's rule only with a header."""
    set_child(table.tblPr, "w:tblStyle", TBLPR_ORDER, val=style_id)
    set_child(table.tblPr, "w:tblLook", TBLPR_ORDER, val="0620" if header else "0600", firstRow="1" if header else "0",
              lastRow="0", firstColumn="0", lastColumn="0", noHBand="1", noVBand="1")


def set_cell_borders(cell: Element, **sides: Border) -> None:
    _border_elements(set_child(cell.get_or_add_tcPr(), "w:tcBorders", TCPR_ORDER), sides)


def set_cell_shading(cell: Element, fill: str) -> None:
    set_child(cell.get_or_add_tcPr(), "w:shd", TCPR_ORDER, val="clear", color="auto", fill=fill)


def keep_row_together(row: Element) -> None:
    row.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def repeat_row(row: Element) -> None:
    """A header row: Word repeats it at the top of each page the table reaches."""
    row.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def clear_cell(cell: Element) -> None:
    """Drop the empty paragraph a new cell starts with; the writer closes the cell with one if needed."""
    for paragraph in cell.findall(qn("w:p")):
        cell.remove(paragraph)


def ends_without_paragraph(cell: Element) -> bool:
    return len(cell) == 0 or cell[-1].tag != qn("w:p")


def set_paragraph_border(ppr: Element, side: str, width: float, colour: str, space: int = 1) -> None:
    borders = get_or_add(ppr, "w:pBdr", PPR_ORDER)
    order = ("top", "left", "bottom", "right", "between", "bar")
    set_child(borders, f"w:{side}", tuple(f"w:{name}" for name in order),
              val="single", sz=str(round(width * 8)), space=str(space), color=colour)


def set_paragraph_shading(ppr: Element, fill: str) -> None:
    set_child(ppr, "w:shd", PPR_ORDER, val="clear", color="auto", fill=fill)


def set_outline_level(ppr: Element, level: int) -> None:
    """Level 9 means body text: keeps a heading-like style out of the navigation pane and the TOC."""
    set_child(ppr, "w:outlineLvl", PPR_ORDER, val=str(level))


# -- watermark -------------------------------------------------------------------------------------

_TEXT_SHAPE_TYPE = """<v:shapetype {ns} id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
 path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/>
<v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>
<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>
<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
 o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/>
<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>"""

_TEXT_SHAPE = """<v:shape {ns} id="PowerPlusWaterMarkObject{number}" o:spid="_x0000_s{spid}" type="#_x0000_t136"
 style="position:absolute;margin-left:0;margin-top:0;width:460pt;height:115pt;rotation:325;z-index:-251654144;
mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;
mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#{colour}" stroked="f">
<v:fill opacity=".2"/><v:textpath style="font-family:&quot;{font}&quot;;font-size:1pt" string="{text}"/>
</v:shape>"""


def add_watermark(paragraph: Element, text: str, colour: str, font: str, number: int) -> None:
    """Word's own diagonal text watermark (a VML text path behind the page), as Word writes it."""
    ns = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
    picture = OxmlElement("w:pict")
    picture.append(parse_xml(_TEXT_SHAPE_TYPE.format(ns=ns)))  # every header part needs its own copy
    picture.append(parse_xml(_TEXT_SHAPE.format(
        ns=ns, number=number, spid=2048 + number, colour=colour, font=font, text=escape(text, quote=True))))
    add_run(paragraph).append(picture)
