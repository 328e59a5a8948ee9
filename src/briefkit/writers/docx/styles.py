"""The print theme's design tokens (templates/theme.yaml) -> Word styles, page setup and East Asian defaults.

Each class of the HTML vocabulary has a named style, so a user restyling the
DOCX changes one style, not a hundred runs. Sizes, leading and spacing come
from the same type scale templates/style.css.j2 reads, with the document's
overrides applied (tests/test_tokens.py checks that every CSS size reaches a style).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Length, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle

from ...catalogue import Theme, Tokens, TypeToken
from . import oxml

PAPER = {"A4": (Mm(210), Mm(297)), "Letter": (Mm(215.9), Mm(279.4))}
TWIPS_PER_MM = 1440 / 25.4


@dataclass(frozen=True)
class StyleSpec:
    """One style; None leaves a property to the style it is based on."""

    name: str
    token: str | None  # the element of the type scale (theme.yaml `type`) it is set in; None: inherit all
    family: str | None = "serif"  # or "sans" (the theme's Latin and CJK faces); None: inherit
    bold: bool | None = None
    colour: str | None = None  # a theme colour name
    keep_next: bool = False
    caps: bool = False
    character: bool = False
    base: str | None = None
    after: float | None = None  # mm, where Word's paragraph differs from the CSS box (see STYLES)
    before: float = 0  # mm, for the picture paragraphs, which have no token


# Word adds a paragraph's space after to the next one's space before, where CSS margins collapse to the
# larger: headings, which mostly follow body paragraphs, ask for their CSS space less the body's space after.
# Table cells and key figures have no paragraph margins in the CSS (after=0).
STYLES = (
    StyleSpec("Normal", "body", colour="ink"),
    StyleSpec("Heading 1", "h1", "sans", True, "accent", True),
    StyleSpec("Heading 2", "h2", "sans", True, "accent", True),
    StyleSpec("Heading 3", "h3", "sans", True, "ink", True),
    StyleSpec("Title", "cover_title", "sans", True, "accent", True, base="Heading 1"),
    StyleSpec("TOC Heading", "h2", "sans", True, "accent", True, base="Heading 2"),
    StyleSpec("toc 1", "toc_entry"),
    StyleSpec("Lead", "lead"),
    StyleSpec("Standfirst", "standfirst", colour="muted"),
    StyleSpec("Meta", "meta", "sans", colour="muted"),
    StyleSpec("Issuer", "issuer", "sans", True),
    StyleSpec("Dateline", "dateline", "sans", colour="muted"),
    StyleSpec("Embargo", "dateline", "sans", True, "accent"),
    StyleSpec("Kicker", "kicker", "sans", colour="muted", caps=True),
    StyleSpec("Contact", "contact"),
    StyleSpec("Action", "body"),
    StyleSpec("Quote", "quote"),
    StyleSpec("Quote Attribution", "attribution", "sans", colour="muted", base="Quote"),
    StyleSpec("Figure", None, keep_next=True, after=0, before=4),
    StyleSpec("Logo", None, after=0),
    StyleSpec("Caption", "caption", "sans", False, "muted"),
    StyleSpec("Credit", "credit", "sans", colour="muted"),
    StyleSpec("List Paragraph", "list_item"),
    StyleSpec("Table Text", "table", after=0),
    StyleSpec("Table Heading", "table", "sans", True, after=0),
    StyleSpec("Key Figure Value", "key_value", "sans", True, "accent", after=0.5),
    StyleSpec("Key Figure Label", "key_label", "sans", after=0),
    StyleSpec("Header", "running", "sans", colour="muted", after=0),
    StyleSpec("Footer", "running", "sans", colour="muted", after=0),
    StyleSpec("Hyperlink", None, None, colour="accent", character=True),
    StyleSpec("Illustrative", "illustrative", "sans", False, "accent", caps=True, character=True),
    StyleSpec("Separator", None, None, bold=False, colour="muted", character=True),
    StyleSpec("Status", None, "sans", bold=True, colour="accent", character=True),
)
FAMILIES = {spec.name: spec.family for spec in STYLES}
HEADINGS = {"h1", "h2", "h3"}


def faces(theme: Theme, family: str) -> tuple[str, str]:
    """(Latin face, CJK face) of a theme font stack: Latin first, the CJK face named so."""
    stack = theme.fonts.serif if family == "serif" else theme.fonts.sans
    cjk = next((face for face in stack if "CJK" in face), stack[-1])
    return stack[0], cjk


def apply_styles(document: Document, theme: Theme, tokens: Tokens, language: str, east_asian: str,
                 from_theme: bool, chinese: bool = False) -> None:
    """Theme styles on a fresh document; with a reference.docx only the styles it lacks.

    `chinese`: the document's text is Chinese, so styles take the Chinese leading."""
    latin, cjk = faces(theme, "serif")
    oxml.set_doc_defaults(document.styles.element, latin if from_theme else None,
                          cjk if from_theme else None, language, east_asian)
    existing = {style.name: style for style in document.styles}  # looking up by name scans them all
    for spec in STYLES:
        if spec.name in existing and not from_theme:
            continue
        existing[spec.name] = _define(document, theme, tokens, spec, existing, chinese)


def apply_page(document: Document, theme: Theme, tokens: Tokens) -> None:
    section = document.sections[0]
    margins = tokens.layout.margins
    assert margins is not None  # the theme requires them
    section.page_width, section.page_height = PAPER[theme.paper]
    section.top_margin, section.right_margin = Mm(margins.top), Mm(margins.right)
    section.bottom_margin, section.left_margin = Mm(margins.bottom), Mm(margins.left)
    section.header_distance = section.footer_distance = Mm(10)


def line_spacing(token: TypeToken, chinese: bool) -> tuple[Length, WD_LINE_SPACING]:
    """CSS line-height as Word's "at least" spacing: the same baseline grid, whatever the face's own gaps."""
    leading = (token.leading_zh if chinese else None) or token.leading or 1.0
    return Pt((token.size or 10) * leading), WD_LINE_SPACING.AT_LEAST


def text_width(document: Document) -> int:
    section = document.sections[0]
    return int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)


def _define(document: Document, theme: Theme, tokens: Tokens, spec: StyleSpec, existing: dict[str, Any],
            chinese: bool) -> Any:
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
    token = tokens.type.resolved(spec.token) if spec.token else None
    if token is not None and token.size is not None:
        font.size = Pt(token.size)
    if spec.bold is not None:
        font.bold = spec.bold
    if spec.colour:
        font.color.rgb = RGBColor.from_string(getattr(theme.colours, spec.colour).lstrip("#").upper())
    if spec.caps:
        font.all_caps = True
    if spec.character:
        return style
    fmt = style.paragraph_format
    if token is not None:
        before, after = token.before or 0, token.after if spec.after is None else spec.after
        if spec.token in HEADINGS:
            before = max(before - (tokens.type.body.after or 0), 0)
        fmt.space_before, fmt.space_after = Mm(before), Mm(after or 0)
        fmt.line_spacing, fmt.line_spacing_rule = line_spacing(token, chinese)
    else:  # a picture's paragraph: single spacing, the figure's CSS margin above
        fmt.space_before, fmt.space_after = Mm(spec.before), Mm(spec.after or 0)
        fmt.line_spacing = 1.0
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

