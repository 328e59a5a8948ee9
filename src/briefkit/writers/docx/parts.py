"""Theme, font table, settings, app properties and table styles -> the raw XML of whole DOCX parts.

The default template python-docx starts from claims to be Word 2010 on a Mac
(Office 2007 theme, compatibility mode 14, MS Mincho in the font table, the
same document id in every file, spelling "clean"). These functions make the
parts say what the file is: briefkit's theme and fonts, Word 2013+ layout,
an id of its own, the fonts it uses and nothing else.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

Element = Any
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TEXT_PATH = "{urn:schemas-microsoft-com:vml}textpath"  # the watermark's text, in its own face
FONT_SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")
# Word's names and character sets for the faces the theme offers (the font table's hints to a reader
# missing a face); a face not listed gets a plain entry.
FONT_INFO = {
    "SimSun": ("宋体", "86", "auto"), "Microsoft YaHei": ("微软雅黑", "86", "swiss"),
    "PMingLiU": ("新細明體", "88", "roman"), "Microsoft JhengHei": ("微軟正黑體", "88", "swiss"),
    "Georgia": ("", "00", "roman"), "Arial": ("", "00", "swiss"),
}


def theme_part(template: bytes, colours: dict[str, str], serif: Any, sans: Any, traditional: bool) -> bytes:
    """The template's theme with briefkit's palette and fonts: the brand colours in Word's colour
    picker; minor (body) fonts serif, major (heading) fonts sans, Latin and East Asian. Word takes the
    East Asian theme font from a:ea before the per-script list: a:ea is the edition's (TC for zh-Hant)."""
    root = etree.fromstring(template)
    root.set("name", "briefkit")
    elements = root.find(f"{{{A}}}themeElements")
    palette = {"dk1": colours["ink"], "lt1": "FFFFFF", "dk2": colours["muted"], "lt2": colours["panel"],
               "accent1": colours["accent"], "accent2": colours["muted"], "accent3": colours["rule"],
               "accent4": colours["panel"], "accent5": colours["ink"], "accent6": colours["accent"],
               "hlink": colours["accent"], "folHlink": colours["muted"]}
    scheme = "".join(f'<a:{slot}><a:srgbClr val="{value}"/></a:{slot}>' for slot, value in palette.items())
    fonts = "".join(
        f'<a:{kind}><a:latin typeface="{escape(face.latin)}"/>'
        f'<a:ea typeface="{escape(face.tc if traditional else face.sc)}"/><a:cs typeface=""/>'
        f'<a:font script="Hans" typeface="{escape(face.sc)}"/><a:font script="Hant" typeface="{escape(face.tc)}"/>'
        f"</a:{kind}>" for kind, face in (("majorFont", sans), ("minorFont", serif)))
    ns = f'xmlns:a="{A}"'
    new_colours = etree.fromstring(f'<a:clrScheme {ns} name="briefkit">{scheme}</a:clrScheme>')
    new_fonts = etree.fromstring(f'<a:fontScheme {ns} name="briefkit">{fonts}</a:fontScheme>')
    if elements is None:
        return template
    for tag, new in (("clrScheme", new_colours), ("fontScheme", new_fonts)):
        old = elements.find(f"{{{A}}}{tag}")
        if old is not None:
            elements.replace(old, new)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def used_fonts(parts: dict[str, bytes], theme: bytes | None) -> list[str]:
    """The faces the document uses: those its runs, numbering and the styles it applies (with the styles
    they are based on, and the defaults) name, the watermark's, and the theme fonts styles refer to.

    One walk of each content part collects its style references, fonts and watermark faces at once."""
    w = f"{{{W}}}"
    references = {f"{w}pStyle", f"{w}rStyle", f"{w}tblStyle"}
    found: dict[str, None] = {}
    wanted: list[str] = []
    themed = False

    def add_fonts(fonts: Element) -> None:
        nonlocal themed
        for slot in FONT_SLOTS:
            if fonts.get(f"{w}{slot}"):
                found[str(fonts.get(f"{w}{slot}"))] = None
        themed = themed or any("heme" in key for key in fonts.attrib)

    for name, data in parts.items():
        if not re.match(r"word/(document|numbering|header\d*|footer\d*)\.xml$", name):
            continue
        for element in etree.fromstring(data).iter(*references, f"{w}rFonts", TEXT_PATH):
            if element.tag in references:
                wanted.append(str(element.get(f"{w}val")))
            elif element.tag == TEXT_PATH:
                face = re.search(r'font-family:"([^"]+)"', element.get("style", ""))
                if face:
                    found[face.group(1)] = None
            else:
                add_fonts(element)
    styles = etree.fromstring(parts["word/styles.xml"]) if "word/styles.xml" in parts else None
    if styles is not None:
        by_id = {style.get(f"{w}styleId"): style for style in styles.iter(f"{w}style")}
        wanted += [str(s.get(f"{w}styleId")) for s in by_id.values() if s.get(f"{w}default") == "1"]
        seen: set[str] = set()
        carriers = styles.findall(f"{w}docDefaults")
        while wanted:
            style_id = str(wanted.pop())
            if style_id in seen or style_id not in by_id:
                continue
            seen.add(style_id)
            carriers.append(by_id[style_id])
            wanted += [str(link.get(f"{w}val")) for tag in ("basedOn", "link")
                       for link in by_id[style_id].findall(f"{w}{tag}")]
        for carrier in carriers:
            for fonts in carrier.iter(f"{w}rFonts"):
                add_fonts(fonts)
    if theme is not None and themed:
        root = etree.fromstring(theme)
        for kind in ("majorFont", "minorFont"):
            for slot in ("latin", "ea"):
                typeface = root.find(f".//{{{A}}}{kind}/{{{A}}}{slot}")
                if typeface is not None and typeface.get("typeface"):
                    found[str(typeface.get("typeface"))] = None
    return sorted(found)


def font_table(fonts: list[str], template: bytes) -> bytes:
    """The font table listing `fonts` only: entries the template has are kept, others get Word's hints."""
    root = etree.fromstring(template)
    known = {font.get(f"{{{W}}}name"): font for font in root.findall(f"{{{W}}}font")}
    for font in list(root):
        root.remove(font)
    for name in fonts:
        if name in known and name not in FONT_INFO:
            root.append(known[name])
            continue
        alt, charset, family = FONT_INFO.get(name, ("", "00", "auto"))
        alt_name = f'<w:altName w:val="{escape(alt)}"/>' if alt else ""
        root.append(etree.fromstring(
            f'<w:font xmlns:w="{W}" w:name="{escape(name)}">{alt_name}<w:charset w:val="{charset}"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def app_properties(pages: int | None) -> bytes:
    """Extended properties that tell the truth: made by briefkit; pages only when a layout counted them."""
    counted = f"<Pages>{pages}</Pages>" if pages else ""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Template></Template>{counted}<Application>briefkit</Application>"
        "<DocSecurity>0</DocSecurity><LinksUpToDate>false</LinksUpToDate></Properties>"
    ).encode()


# -- settings --------------------------------------------------------------------------------------

SETTINGS_ORDER_AFTER_COMPAT = ("w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang")


def fix_settings(settings: Element, east_asian: str, doc_id: str) -> None:
    """Word 2013+ layout (compatibility mode 15: no "[Compatibility Mode]"), no claim that spelling was
    checked, no prompt to update fields, this document's own id, and the edition's East Asian language.

    Lines ending in a manual break are not stretched in justified Chinese text (doNotExpandShiftReturn)."""
    zoom = settings.find(qn("w:zoom"))
    if zoom is not None:
        zoom.set(qn("w:percent"), "100")  # the template's zoom lacks it: schema-invalid
    for tag in ("w:proofState", "w:updateFields", "w:rsids", "w:attachedTemplate"):
        for found in settings.findall(qn(tag)):
            settings.remove(found)
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        later = next((child for child in settings if child.tag in {_q(n) for n in SETTINGS_ORDER_AFTER_COMPAT}),
                     None)
        later.addprevious(compat) if later is not None else settings.append(compat)
    if compat.find(qn("w:doNotExpandShiftReturn")) is None:
        compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))  # first in CT_Compat's sequence of these
    mode = next((s for s in compat.findall(qn("w:compatSetting")) if s.get(qn("w:name")) == "compatibilityMode"),
                None)
    if mode is None:
        mode = parse_xml(f'<w:compatSetting {nsdecls("w")} w:name="compatibilityMode" '
                         'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>')
        compat.append(mode)
    mode.set(qn("w:val"), "15")
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), east_asian)
    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    for found in settings.findall(f"{{{w14}}}docId"):
        found.set(f"{{{w14}}}val", doc_id)


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return qn(name) if prefix == "w" else f"{{http://schemas.openxmlformats.org/officeDocument/2006/math}}{local}"


# -- numbering and table styles in styles.xml ------------------------------------------------------


def set_style_numbering(style: Element, number: int) -> None:
    """List Bullet / List Number number their paragraphs through the shared definition themselves."""
    ppr = style.get_or_add_pPr()
    num_pr = ppr.get_or_add_numPr()
    num_pr.get_or_add_numId().val = number


def drop_dangling_numbering(styles: Element, numbering: Element) -> None:
    """Styles of the template whose numbering definitions were cleared lose their w:numPr."""
    numbers = {num.get(qn("w:numId")) for num in numbering.findall(qn("w:num"))}
    for num_pr in styles.iter(qn("w:numPr")):
        number = num_pr.find(qn("w:numId"))
        if number is None or number.get(qn("w:val")) not in numbers:
            num_pr.getparent().remove(num_pr)


def clear_numbering(numbering: Element) -> None:
    """The default template's nine list definitions go: the document holds only the ones it uses."""
    for child in list(numbering):
        if child.tag in (qn("w:abstractNum"), qn("w:num")):
            numbering.remove(child)


def add_table_style(styles: Element, style_id: str, name: str, kind: str, colours: dict[str, str]) -> None:
    """A table style per kind of table, so the tables carry no direct borders: data tables ruled under
    each row, heavier under the header row; parallel text with a hairline between the languages."""
    rule, ink = f'w:val="single" w:sz="4" w:space="0" w:color="{colours["rule"]}"', \
        f'w:val="single" w:sz="8" w:space="0" w:color="{colours["ink"]}"'
    nil = 'w:val="nil"'
    if kind == "data":
        borders = (f"<w:top {nil}/><w:left {nil}/><w:bottom {rule}/><w:right {nil}/><w:insideH {rule}/>"
                   f"<w:insideV {nil}/>")
        margins, extra = (85, 113, 85, 113), (f'<w:tblStylePr w:type="firstRow"><w:tcPr><w:tcBorders>'
                                              f"<w:bottom {ink}/></w:tcBorders></w:tcPr></w:tblStylePr>")
    elif kind == "parallel":
        borders = (f"<w:top {nil}/><w:left {nil}/><w:bottom {nil}/><w:right {nil}/><w:insideH {nil}/>"
                   f"<w:insideV {rule}/>")
        margins, extra = (0, 113, 0, 113), ""
    else:  # key figures and list columns: the cells draw what they need themselves
        borders = (f"<w:top {nil}/><w:left {nil}/><w:bottom {nil}/><w:right {nil}/><w:insideH {nil}/>"
                   f"<w:insideV {nil}/>")
        margins, extra = ((57, 142, 85, 142) if kind == "key-figures" else (0, 0, 0, 227)), ""
    top, left, bottom, right = margins
    style = parse_xml(
        f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="40"/><w:qFormat/>'
        f"<w:tblPr><w:tblBorders>{borders}</w:tblBorders><w:tblCellMar>"
        f'<w:top w:w="{top}" w:type="dxa"/><w:left w:w="{left}" w:type="dxa"/>'
        f'<w:bottom w:w="{bottom}" w:type="dxa"/><w:right w:w="{right}" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        f"{extra}</w:style>"
    )
    styles.append(style)
