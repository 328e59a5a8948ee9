"""The print theme (templates/theme.yaml) -> Word styles, page setup and East Asian defaults.

Each class of the HTML vocabulary has a named style, so a user restyling the
DOCX changes one style, not a hundred runs. Sizes and colours follow
templates/style.css.j2, which the PDF uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle

from ...catalogue import Theme
from . import oxml

PAPER = {"A4": (Mm(210), Mm(297)), "Letter": (Mm(215.9), Mm(279.4))}
MARGINS = {"top": Mm(24), "right": Mm(20), "bottom": Mm(22), "left": Mm(20)}  # as the PDF's @page
LIST_INDENT = 397  # twips, 7 mm per list level


@dataclass(frozen=True)
class StyleSpec:
    """One style; None leaves a property to the style it is based on."""

    name: str
    family: str | None = "serif"  # or "sans" (the theme's Latin and CJK faces); None: inherit
    size: float | None = None
    bold: bool | None = None
    colour: str | None = None  # a theme colour name
    before: float | None = None  # mm
    after: float | None = None  # mm
    keep_next: bool = False
    caps: bool = False
    character: bool = False
    base: str | None = None
    line: float | None = None  # line spacing, multiple of single


STYLES = (
    StyleSpec("Normal", size=10.5, colour="ink", before=0, after=2.5, line=1.15),
    StyleSpec("Heading 1", "sans", 22, True, "accent", 4, 3, True),
    StyleSpec("Heading 2", "sans", 14, True, "accent", 7, 2.5, True),
    StyleSpec("Heading 3", "sans", 11.5, True, "ink", 5, 1.5, True),
    StyleSpec("TOC Heading", "sans", 14, True, "accent", 4, 4, True, base="Heading 2"),
    StyleSpec("toc 1", after=2),
    StyleSpec("Lead", size=12),
    StyleSpec("Standfirst", size=12.5, colour="muted"),
    StyleSpec("Meta", "sans", 8.5, colour="muted"),
    StyleSpec("Issuer", "sans", 11, True, after=0),
    StyleSpec("Dateline", "sans", 8.5, colour="muted", before=1, after=0),
    StyleSpec("Embargo", "sans", 8.5, True, "accent", 1, 0),
    StyleSpec("Kicker", "sans", 10.5, colour="muted", caps=True),
    StyleSpec("Contact", size=9.5),
    StyleSpec("Action"),
    StyleSpec("Quote", size=11, before=0, after=1.5),
    StyleSpec("Quote Attribution", "sans", 8.5, colour="muted", after=0, base="Quote"),
    StyleSpec("Figure", before=4, after=0, keep_next=True, line=1.0),
    StyleSpec("Logo", after=0, line=1.0),
    StyleSpec("Caption", "sans", 8.5, False, "muted", 1.5, 0),
    StyleSpec("Credit", "sans", 7.5, colour="muted", after=0),
    StyleSpec("List Paragraph", after=1),
    StyleSpec("Table Text", size=9, after=0),
    StyleSpec("Table Heading", "sans", 9, True, after=0),
    StyleSpec("Key Figure Value", "sans", 20, True, "accent", after=0.5, line=1.0),
    StyleSpec("Key Figure Label", "sans", 8, after=0, line=1.0),
    StyleSpec("Header", "sans", 7.5, colour="muted", after=0, line=1.0),
    StyleSpec("Footer", "sans", 7.5, colour="muted", after=0, line=1.0),
    StyleSpec("Hyperlink", None, colour="accent", character=True),
    StyleSpec("Illustrative", "sans", 7, False, "accent", caps=True, character=True),
    StyleSpec("Separator", None, bold=False, colour="muted", character=True),
    StyleSpec("Status", "sans", bold=True, colour="accent", character=True),
)
FAMILIES = {spec.name: spec.family for spec in STYLES}


def faces(theme: Theme, family: str) -> tuple[str, str]:
    """(Latin face, CJK face) of a theme font stack: Latin first, the CJK face named so."""
    stack = theme.fonts.serif if family == "serif" else theme.fonts.sans
    cjk = next((face for face in stack if "CJK" in face), stack[-1])
    return stack[0], cjk


def apply_styles(document: Document, theme: Theme, language: str, east_asian: str, from_theme: bool) -> None:
    """Theme styles on a fresh document; with a reference.docx only the styles it lacks."""
    latin, cjk = faces(theme, "serif")
    oxml.set_doc_defaults(document.styles.element, latin if from_theme else None,
                          cjk if from_theme else None, language, east_asian)
    existing = {style.name: style for style in document.styles}  # looking up by name scans them all
    for spec in STYLES:
        if spec.name in existing and not from_theme:
            continue
        existing[spec.name] = _define(document, theme, spec, existing)


def apply_page(document: Document, theme: Theme) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAPER[theme.paper]
    section.top_margin, section.right_margin = MARGINS["top"], MARGINS["right"]
    section.bottom_margin, section.left_margin = MARGINS["bottom"], MARGINS["left"]
    section.header_distance = section.footer_distance = Mm(10)


def text_width(document: Document) -> int:
    section = document.sections[0]
    return int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)


def _define(document: Document, theme: Theme, spec: StyleSpec, existing: dict[str, Any]) -> Any:
    kind = WD_STYLE_TYPE.CHARACTER if spec.character else WD_STYLE_TYPE.PARAGRAPH
    style = existing.get(spec.name)
    if style is None:
        style = document.styles.add_style(spec.name, kind)
        if not spec.character:
            style.base_style = existing["Normal"]
    if spec.base:
        style.base_style = existing[spec.base]
    style.hidden = False
    style.unhide_when_used = False
    style.quick_style = True
    font = style.font
    if spec.family:
        oxml.set_fonts(oxml.rpr_of(style.element), *faces(theme, spec.family))
    font.italic = None
    if spec.size is not None:
        font.size = Pt(spec.size)
    if spec.bold is not None:
        font.bold = spec.bold
    if spec.colour:
        font.color.rgb = RGBColor.from_string(getattr(theme.colours, spec.colour).lstrip("#").upper())
    if spec.caps:
        font.all_caps = True
    if spec.character:
        return style
    fmt = style.paragraph_format
    if spec.before is not None:
        fmt.space_before = Mm(spec.before)
    if spec.after is not None:
        fmt.space_after = Mm(spec.after)
    if spec.line is not None:
        fmt.line_spacing = spec.line
    if spec.keep_next:
        fmt.keep_with_next = True
    _decorate(style, spec.name, theme)
    return style


def _decorate(style: ParagraphStyle, name: str, theme: Theme) -> None:
    """Rules, panels and indents the CSS draws with borders and backgrounds."""
    colours = theme.colours
    ppr = oxml.ppr_of(style.element)
    fmt = style.paragraph_format
    if name == "Heading 2":
        oxml.set_paragraph_border(ppr, "bottom", 1, _hex(colours.accent), space=2)
    elif name == "TOC Heading":
        oxml.set_outline_level(ppr, 9)
    elif name in ("Quote", "Quote Attribution"):
        # Same border and shading on both: Word draws the quote and its attribution as one panel.
        oxml.set_paragraph_border(ppr, "left", 3, _hex(colours.accent), space=8)
        oxml.set_paragraph_shading(ppr, _hex(colours.panel))
        fmt.left_indent, fmt.right_indent = Mm(3), Mm(2)
    elif name == "Header":
        oxml.set_paragraph_border(ppr, "bottom", 0.5, _hex(colours.rule), space=4)
    elif name == "Footer":
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif name == "List Paragraph":
        fmt.left_indent = None


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()
