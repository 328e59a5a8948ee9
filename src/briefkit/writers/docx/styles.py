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
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor, Twips
from docx.styles import BabelFish
from docx.styles.style import ParagraphStyle, StyleFactory

from ...catalogue import FaceSet, Theme, Tokens, TypeToken
from . import oxml, parts, props

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
    # The bilingual edition's cover headline (CSS `.edition-bilingual .cover h1`): both languages stacked.
    StyleSpec("Bilingual Title", "cover_title_bilingual", "sans", True, "accent", True, base="Title"),
    StyleSpec("TOC Heading", "h2", "sans", True, "accent", True, base="Heading 2"),
    StyleSpec("toc 1", "toc_entry"),
    StyleSpec("toc 2", "toc_entry"),
    StyleSpec("toc 3", "toc_entry"),
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
    StyleSpec("List Bullet", "list_item"),
    StyleSpec("List Number", "list_item"),
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
SPECS = {spec.name: spec for spec in STYLES}
HEADINGS = {"h1", "h2", "h3"}
# The theme's font slots: serif text is set in the minor (body) fonts, sans in the major (heading) fonts.
THEME_SLOTS = {"serif": "minor", "sans": "major"}
# Theme colour slots (word/theme/theme1.xml, made by parts.py) of the palette's colours.
THEME_COLOURS = {"ink": "text1", "muted": "text2", "accent": "accent1", "rule": "accent3", "panel": "background2"}
TABLE_STYLES = {"data": "Data Table", "parallel": "Parallel Text", "key-figures": "Key Figures",
                "columns": "List Columns"}
CHINESE = " (Chinese)"  # the variant of a style for Chinese paragraphs of the bilingual edition


@dataclass(frozen=True)
class Faces:
    """A document's Word faces: (Latin, East Asian) for the serif and the sans family."""

    serif: tuple[str, str]
    sans: tuple[str, str]

    def of(self, family: str) -> tuple[str, str]:
        return self.serif if family == "serif" else self.sans

    def names(self) -> list[str]:
        return list(dict.fromkeys((*self.serif, *self.sans)))


def word_faces(theme: Theme, traditional: bool) -> Faces:
    """The theme's DOCX faces (theme.yaml `docx.fonts`), or its PDF faces for `noto`; TC faces for zh-Hant."""
    fonts = theme.docx.fonts
    if fonts == "noto":
        stacks = (theme.fonts.serif_hant, theme.fonts.sans_hant) if traditional else (theme.fonts.serif,
                                                                                      theme.fonts.sans)
        serif, sans = (FaceSet(latin=stack[0], sc=_cjk(stack), tc=_cjk(stack)) for stack in stacks)
    else:
        serif, sans = fonts.serif, fonts.sans
    pick = (lambda face: face.tc) if traditional else (lambda face: face.sc)
    return Faces((serif.latin, pick(serif)), (sans.latin, pick(sans)))


def _cjk(stack: list[str]) -> str:
    return next((face for face in stack if "CJK" in face), stack[-1])


@dataclass
class StyleSheet:
    """What the body walk needs of the styles: their ids, the lists' numbering, Chinese variants."""

    document: Document
    tokens: Tokens
    ids: dict[str, str]
    chinese: bool  # the whole document is Chinese: its styles already set Chinese text
    reference: bool

    def chinese_variant(self, name: str) -> str:
        """The id of `name`'s variant for a Chinese paragraph in a bilingual document (justified, looser)."""
        spec = SPECS.get(name)
        if self.chinese or spec is None or spec.token is None or self.reference:
            return self.ids[name]
        variant = name + CHINESE
        if variant not in self.ids:
            # Not styles.add_style and styles[name]: each scans every style's name (see _define)
            element = props.add_style(self.document.styles.element, BabelFish.ui2internal(variant),
                                      WD_STYLE_TYPE.PARAGRAPH)
            style: Any = StyleFactory(element)
            props.set_child(element, "w:basedOn", props.STYLE_ORDER, val=self.ids[name])
            fmt = style.paragraph_format
            fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt.line_spacing, fmt.line_spacing_rule = line_spacing(self.tokens.type.resolved(spec.token), True)
            self.ids[variant] = style.style_id
        return self.ids[variant]


def apply_styles(document: Document, theme: Theme, tokens: Tokens, faces: Faces, languages: tuple[str, str],
                 chinese: bool, reference: bool, lists: dict[bool, int]) -> StyleSheet:
    """The theme's styles on a fresh document; on a reference document only the styles it lacks.

    Fonts: on a fresh document the serif styles take the theme's minor fonts (from the document
    defaults) and the sans styles its major fonts, so Word's Design > Fonts restyles them all. On a
    reference document our serif styles inherit its Normal and our sans styles take its Heading 1's
    fonts. `chinese`: the text is Chinese, so Normal is justified and every style takes the Chinese leading.
    `lists`: the numbering instances of the bullet and number lists, for List Bullet and List Number.
    """
    styles = document.styles.element
    oxml.set_doc_defaults(styles, None if reference else faces.serif, languages, THEME_SLOTS["serif"])
    existing = {name: StyleFactory(style) for name, style in _named(styles).items()}  # by name: python-docx scans
    heading_fonts = oxml.resolved_fonts(styles, existing["Heading 1"].style_id) if reference and \
        "Heading 1" in existing else None
    defined = set()
    for spec in STYLES:
        if spec.name in existing and reference:
            continue
        existing[spec.name] = _define(document, theme, tokens, spec, existing, chinese, faces,
                                      None if not reference else False if heading_fonts is None else heading_fonts)
        defined.add(spec.name)
    for ordered, name in ((False, "List Bullet"), (True, "List Number")):
        if name in defined:
            parts.set_style_numbering(existing[name].element, lists[ordered])
    if not reference:
        parts.drop_dangling_numbering(styles, document.part.numbering_part.element)
    colours = {name: _hex(getattr(theme.colours, name)) for name in THEME_COLOURS}
    for kind, name in TABLE_STYLES.items():
        if name not in existing:
            parts.add_table_style(styles, name.replace(" ", ""), name, kind, colours)
    ids = {name: style.get(qn("w:styleId")) for name, style in _named(styles).items()}
    return StyleSheet(document, tokens, ids, chinese, reference)


def _named(styles: Any) -> dict[str, Any]:
    """Each named w:style by the name python-docx's Style.name gives it; read directly, as python-docx's
    proxies per style and name were a tenth of the DOCX writer's time."""
    named, tag, val = {}, qn("w:name"), qn("w:val")
    for style in styles.iterchildren(qn("w:style")):
        name = style.find(tag)
        if name is not None and name.get(val) is not None:
            named[BabelFish.internal2ui(name.get(val))] = style
    return named


def apply_page(document: Document, theme: Theme, tokens: Tokens) -> None:
    section = document.sections[0]
    margins = tokens.layout.margins
    assert margins is not None  # the theme requires them
    section.page_width, section.page_height = PAPER[theme.paper]
    section.top_margin, section.right_margin = Mm(margins.top), Mm(margins.right)
    section.bottom_margin, section.left_margin = Mm(margins.bottom), Mm(margins.left)
    section.header_distance = section.footer_distance = Mm(10)


def text_width(document: Document) -> int:
    section = document.sections[0]
    return int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)


def _define(document: Document, theme: Theme, tokens: Tokens, spec: StyleSpec, existing: dict[str, Any],
            chinese: bool, faces: Faces, reference_sans: Any) -> Any:
    """One style. `reference_sans`: None on a fresh document, else the reference's Heading 1 fonts (or False)."""
    kind = WD_STYLE_TYPE.CHARACTER if spec.character else WD_STYLE_TYPE.PARAGRAPH
    style: Any = existing.get(spec.name)
    if style is None:
        # Not styles.add_style: it first scans every style's name (python-docx's template has 160), per call.
        style = StyleFactory(props.add_style(document.styles.element, BabelFish.ui2internal(spec.name), kind))
        if not spec.character:
            props.set_child(style.element, "w:basedOn", props.STYLE_ORDER, val=existing["Normal"].style_id)
    elif reference_sans is None:  # python-docx's template style: its borders, spacing and fonts are not ours
        oxml.reset_style(style.element)
    # python-docx's setters (font.size, fmt.space_before ...) search every later sibling before they insert,
    # a dozen times per style: props.py puts each child at its schema place directly.
    if spec.base:
        props.get_or_add(style.element, "w:basedOn", props.STYLE_ORDER).set(qn("w:val"), existing[spec.base].style_id)
    style.hidden = False
    style.unhide_when_used = False
    props.set_child(style.element, "w:qFormat", props.STYLE_ORDER)  # style.quick_style = True
    rpr = oxml.rpr_of(style.element)
    if reference_sans is None and spec.family:  # explicit even where Normal gives the same: the template's may not
        oxml.set_theme_fonts(rpr, faces.of(spec.family), THEME_SLOTS[spec.family])
    elif spec.family == "sans" and reference_sans is not False:
        oxml.copy_fonts(rpr, reference_sans)
    token = tokens.type.resolved(spec.token) if spec.token else None
    colour = RGBColor.from_string(_hex(getattr(theme.colours, spec.colour))) if spec.colour else None
    props.set_font(rpr, Pt(token.size) if token is not None and token.size is not None else None, spec.bold, colour,
                   spec.caps, underline=spec.name == "Hyperlink")
    if spec.colour and reference_sans is None:
        oxml.set_theme_colour(rpr, THEME_COLOURS[spec.colour])
    if spec.character:
        return style
    fmt = style.paragraph_format
    ppr = oxml.ppr_of(style.element)
    if token is not None:
        before, after = token.before or 0, token.after if spec.after is None else spec.after
        if spec.token in HEADINGS:
            before = max(before - (tokens.type.body.after or 0), 0)
        if spec.name == "Quote Attribution":  # the quote box's bottom margin, as its top one
            after = tokens.type.resolved("quote").before or 0
        props.set_spacing(ppr, Mm(before), Mm(after or 0), *line_spacing(token, chinese))
    else:  # a picture's paragraph: single spacing (python-docx's line_spacing = 1.0), the figure's CSS margin above
        props.set_spacing(ppr, Mm(spec.before), Mm(spec.after or 0), Twips(240), WD_LINE_SPACING.MULTIPLE)
    if spec.keep_next:
        props.get_or_add(ppr, "w:keepNext", props.PPR_ORDER).val = True
    if chinese and spec.name == "Normal":  # every paragraph style is based on Normal
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _decorate(style, spec.name, theme)
    return style


def line_spacing(token: TypeToken, chinese: bool) -> tuple[Length, WD_LINE_SPACING]:
    """CSS line-height as Word's "at least" spacing: the same baseline grid, whatever the face's own gaps."""
    leading = (token.leading_zh if chinese else None) or token.leading or 1.0
    return Pt((token.size or 10) * leading), WD_LINE_SPACING.AT_LEAST


def _decorate(style: ParagraphStyle, name: str, theme: Theme) -> None:
    """Rules, panels and indents the CSS draws with borders and backgrounds."""
    colours = theme.colours
    ppr = oxml.ppr_of(style.element)
    fmt = style.paragraph_format
    if name == "Heading 2":
        oxml.set_paragraph_border(ppr, "bottom", 1, _hex(colours.accent), space=3)  # CSS padding-bottom 1mm
    elif name == "TOC Heading":
        oxml.set_outline_level(ppr, 9)
    elif name == "Quote":
        # Quote Attribution is based on Quote and inherits this panel: Word draws paragraphs with equal
        # borders and shading as one box, and a reference document's own Quote reaches both alike.
        # Top and bottom rules in the panel's colour are the box's 3 mm padding.
        oxml.set_paragraph_border(ppr, "top", 0.5, _hex(colours.panel), space=8)
        oxml.set_paragraph_border(ppr, "left", 3, _hex(colours.accent), space=8)
        oxml.set_paragraph_border(ppr, "bottom", 0.5, _hex(colours.panel), space=8)
        oxml.set_paragraph_shading(ppr, _hex(colours.panel))
        fmt.left_indent, fmt.right_indent = Mm(3), Mm(2)
        fmt.keep_together = fmt.keep_with_next = True  # a quote box is never split (CSS break-inside: avoid)
    elif name == "Quote Attribution":
        fmt.keep_together, fmt.keep_with_next = True, False
    elif name == "Header":
        oxml.set_paragraph_border(ppr, "bottom", 0.5, _hex(colours.rule), space=4)
    elif name == "Footer":
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()

