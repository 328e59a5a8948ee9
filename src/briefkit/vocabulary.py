"""The semantic HTML vocabulary, as data: which elements and classes the templates may render, and where.

This is the one contract between the templates and every writer. render.py
checks each rendered document against it (an element outside it is an error
at its template line, whatever the format); the DOCX and Markdown writers
read their allowed children from it; docs/html-vocabulary.md is generated
from it (`pytest --update-golden`) and a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import lxml.html

BLOCK, INLINE = "block", "inline"  # the two content groups: flow blocks and phrasing content
TEXT = "#text"  # the content list holds this when an element may contain text
ANY_CLASS = "*"  # the body's classes name the document and edition: any are allowed


@dataclass(frozen=True)
class Kind:
    """One element with one class attribute (e.g. `p.lead`), what it may hold and what it means."""

    tag: str
    classes: str = ""  # the class attribute, space-separated in this order; "" for none
    group: str = ""  # BLOCK or INLINE: may stand wherever that group may; "" only where named
    content: tuple[str, ...] = ()  # kinds (by name) or groups allowed as children, and TEXT
    meaning: str = ""
    word: str = ""  # how the DOCX writer shows it

    @property
    def name(self) -> str:
        if self.classes == ANY_CLASS:
            return self.tag
        return ".".join([self.tag, *self.classes.split()])

    @property
    def selector(self) -> str:
        """As written in the docs: `p.lead`, `span.gap-before.gap-after`, `td`."""
        return self.name


_PHRASING = (INLINE, TEXT)
_HEADING = (INLINE, TEXT)

KINDS: tuple[Kind, ...] = (
    # -- the document -----------------------------------------------------------------------------------
    Kind("html", content=("head", "body"), meaning="`lang`: the edition's tag (`en`, `zh-CN`, `zh-Hant`)",
         word="document language"),
    Kind("head", content=("meta", "title", "style")),
    Kind("title", content=(TEXT,), meaning="document title", word="core property title"),
    Kind("meta", meaning="named metadata, see below", word="core properties, header, footer"),
    Kind("style", content=(TEXT,), meaning="print CSS", word="ignored"),
    Kind("body", classes=ANY_CLASS, content=(BLOCK,), meaning="`class=\"DOCUMENT edition-EDITION\"`"),
    # -- blocks -----------------------------------------------------------------------------------------
    Kind("div", "running-header", BLOCK, ("span", "span.sep", "span.status", TEXT),
         "running header text: `span[lang]` parts, `span.sep`, `span.status` (draft, embargo)",
         "page header (status marks on a line of their own)"),
    Kind("div", "watermark", BLOCK, (TEXT,), "the draft mark, only for drafts", "watermark in the page header"),
    Kind("header", "masthead", BLOCK, ("img.logo", "p.issuer", "p.dateline", "p.embargo"),
         "the masthead of a brief", "paragraphs with a rule under the last"),
    Kind("div", "cover", BLOCK, ("img.logo", "p.kicker", "h1", "p.standfirst", "table.parallel", "p.issuer",
                                 "p.dateline", "p.embargo"),
         "a cover page", "first page with its own empty header and footer"),
    Kind("section", "", BLOCK, (BLOCK,), "a part of the document, `id=\"section-...\"`", "its blocks"),
    Kind("h1", "", BLOCK, _HEADING, "heading; may carry `id` (a link target)", "Heading 1"),
    Kind("h2", "", BLOCK, _HEADING, "heading", "Heading 2"),
    Kind("h3", "", BLOCK, _HEADING, "heading", "Heading 3"),
    Kind("p", "", BLOCK, _PHRASING, "paragraph", "Normal"),
    Kind("p", "lead", BLOCK, _PHRASING, "the lead paragraph", "Lead"),
    Kind("p", "standfirst", BLOCK, _PHRASING, "the line under a headline", "Standfirst"),
    Kind("p", "meta", BLOCK, _PHRASING, "event, place and date; group and places of an action", "Meta"),
    Kind("p", "issuer", BLOCK, _PHRASING, "the issuing body", "Issuer"),
    Kind("p", "dateline", BLOCK, _PHRASING, "place and date of release", "Dateline"),
    Kind("p", "embargo", BLOCK, _PHRASING, "the embargo line", "Embargo"),
    Kind("p", "kicker", BLOCK, _PHRASING, "the line above a cover title", "Kicker"),
    Kind("p", "contact", BLOCK, _PHRASING, "a press contact", "Contact"),
    Kind("p", "action", BLOCK, _PHRASING, "an action in a list of actions", "Action"),
    Kind("p", "end-mark", BLOCK, _PHRASING, "the end mark of a press release: ENDS, （完）", "Meta"),
    Kind("p", "callout", BLOCK, _PHRASING, "a call-out: an optional `strong` title and `br`, then the text",
         "Standfirst"),
    Kind("ul", "", BLOCK, ("li",), "bulleted list; `data-rows=\"R\"`: in a columned list, the rows of its first "
         "column (the PDF fills columns down to R items, as Word does)", "bulleted paragraphs"),
    Kind("ol", "", BLOCK, ("li",), "numbered list; `start=\"N\"`; every `ol` numbers on its own; `data-rows` as `ul`",
         "numbered paragraphs, restarting"),
    Kind("li", "", "", (INLINE, TEXT, "ul", "ol"), "list item: inline content, may end with a nested list"),
    Kind("figure", "", BLOCK, ("img", "figcaption"), "a picture with its caption and credit",
         "picture, caption and credit kept together"),
    Kind("img", "", "", (), "`src` relative to the plan folder, `alt`", "inline picture"),
    Kind("figcaption", "", "", ("span.caption", "span.credit"), "one `span.caption` and `span.credit` per language"),
    Kind("span", "caption", "", _PHRASING, "caption, with `lang`", "Caption"),
    Kind("span", "credit", "", _PHRASING, "credit, with `lang`", "Credit"),
    Kind("blockquote", "quote", BLOCK, ("p", "p.attribution"), "a quotation: the words, then `p.attribution`",
         "Quote panel"),
    Kind("p", "attribution", "", _PHRASING, "who said it", "Quote Attribution"),
    Kind("table", "parallel", BLOCK, ("tr",), "bilingual aligned rows: `tr > td[lang=en] + td[lang=zh-CN]`",
         "borderless two-column table"),
    Kind("table", "data", BLOCK, ("thead", "tbody"), "a data table", "table with a repeating header row"),
    Kind("table", "data targets", BLOCK, ("thead", "tbody"), "a table of targets", "data table"),
    Kind("table", "data timeline", BLOCK, ("thead", "tbody"), "a timeline", "data table"),
    Kind("table", "data glossary", BLOCK, ("thead", "tbody"), "the glossary", "data table"),
    Kind("thead", "", "", ("tr",)),
    Kind("tbody", "", "", ("tr",)),
    Kind("tr", "", "", ("th", "td")),
    Kind("th", "", "", (INLINE, TEXT), "header cell: inline content"),
    Kind("td", "", "", (BLOCK, INLINE, TEXT), "cell: inline content (data) or blocks (parallel, with `lang`)"),
    Kind("div", "key-figures", BLOCK, ("div.key-figure",), "call-out figures", "a grid of boxes"),
    Kind("div", "key-figure", "", ("span.value", "span.label"), "`span.value` + one `span.label` per language"),
    Kind("span", "value", "", _PHRASING, "the figure"),
    Kind("span", "label", "", _PHRASING, "what it counts, with `lang`"),
    Kind("div", "page-break", BLOCK, (), "empty; a page break", "page break before the next paragraph"),
    Kind("nav", "toc", BLOCK, ("h1.toc-title", "h2.toc-title", "h3.toc-title", "ol"),
         "table of contents: a title and `ol > li > a[href=\"#id\"]`", "TOC field listing the entries"),
    Kind("h1", "toc-title", "", _HEADING, "the title of the contents", "TOC Heading"),
    Kind("h2", "toc-title", "", _HEADING, "the title of the contents", "TOC Heading"),
    Kind("h3", "toc-title", "", _HEADING, "the title of the contents", "TOC Heading"),
    Kind("img", "logo", BLOCK, (), "issuer logo (an SVG has a PNG twin of the same name for Word)", "picture"),
    # -- inline -----------------------------------------------------------------------------------------
    Kind("strong", "", INLINE, _PHRASING, "strong emphasis", "bold"),
    Kind("em", "", INLINE, _PHRASING, "emphasis (in Chinese: bold, never italic)", "italic, or bold in Chinese"),
    Kind("a", "", INLINE, _PHRASING, "`href`: http(s), mailto or `#id`", "hyperlink"),
    Kind("br", "", INLINE, (), "line break", "line break"),
    Kind("span", "", INLINE, _PHRASING, "a part in one language (`lang`)", "runs tagged with the language"),
    Kind("span", "sep", INLINE, _PHRASING, "separator between two languages", "Separator"),
    Kind("span", "illustrative", INLINE, _PHRASING, "badge: the value beside it is a stand-in", "Illustrative"),
    Kind("span", "status", INLINE, _PHRASING, "draft or embargo mark in the running header", "Status"),
    Kind("span", "nobr", INLINE, _PHRASING,
         "kept on one line: —— and ……, a heading's word or term, a Chinese text's last two units (characters, "
         "or a number and its measure word)", "plain run"),
    Kind("span", "gap-before", INLINE, _PHRASING, "a Latin run after Han text: a quarter-em gap before",
         "plain run (Word's own Asian/Latin spacing)"),
    Kind("span", "gap-after", INLINE, _PHRASING, "a Latin run before Han text: a quarter-em gap after",
         "plain run"),
    Kind("span", "gap-before gap-after", INLINE, _PHRASING, "a Latin run inside Han text", "plain run"),
)
BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
META_NAMES = ("author", "description", "keywords", "generator", "dcterms.created", "dcterms.modified", "status",
              "embargo", "conversion", "page-label")


@dataclass(frozen=True)
class Violation:
    """An element the vocabulary does not allow, as found in the rendered HTML."""

    tag: str
    classes: str
    message: str


def kind_of(element: Any) -> Kind | None:
    """The vocabulary's entry for an lxml element, or None."""
    classes = " ".join(element.get("class", "").split())
    if element.tag == "body":
        return BY_NAME["body"]
    return BY_NAME.get(".".join([element.tag, *classes.split()]))


def members(group: str) -> dict[str, set[str]]:
    """tag -> the class attributes that may stand wherever `group` may."""
    return _allowed((group,))


def children_of(name: str) -> dict[str, set[str]]:
    """tag -> class attributes allowed directly inside the kind called `name`."""
    return _allowed(BY_NAME[name].content)


def _allowed(content: tuple[str, ...]) -> dict[str, set[str]]:
    allowed: dict[str, set[str]] = {}
    for kind in KINDS:
        if kind.name in content or (kind.group and kind.group in content):
            allowed.setdefault(kind.tag, set()).add(kind.classes)
    return allowed


def describe(tag: str, classes: str) -> str:
    return f'<{tag} class="{classes}">' if classes else f"<{tag}>"


def check(html: str) -> list[Violation]:
    """Every element, class and text of `html` that the vocabulary does not allow where it stands."""
    root = lxml.html.document_fromstring(html)
    return list(_check(root, BY_NAME["html"]))


def _check(element: Any, kind: Kind) -> Iterator[Violation]:
    if element.tag == "meta" and element.get("name") not in (*META_NAMES, None):
        yield Violation("meta", "", f'<meta name="{element.get("name")}"> is not in the HTML vocabulary')
    if TEXT not in kind.content and (element.text or "").strip():
        yield Violation(element.tag, element.get("class", ""),
                        f"text {element.text.strip()[:40]!r} directly inside {describe(element.tag, kind.classes)} "
                        "is not in the HTML vocabulary")
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions are not content
        classes = " ".join(child.get("class", "").split())
        child_kind = kind_of(child)
        if TEXT not in kind.content and (child.tail or "").strip():
            yield Violation(child.tag, classes, f"text {child.tail.strip()[:40]!r} directly inside "
                            f"{describe(element.tag, kind.classes)} is not in the HTML vocabulary")
        if child_kind is None:
            yield Violation(child.tag, classes, f"{describe(child.tag, classes)} is not in the HTML vocabulary")
            continue
        if not (child_kind.name in kind.content or (child_kind.group and child_kind.group in kind.content)):
            yield Violation(child.tag, classes, f"{describe(child.tag, classes)} is not allowed inside "
                            f"{describe(element.tag, kind.classes if kind.classes != ANY_CLASS else '')}")
            continue
        yield from _check(child, child_kind)


def markdown() -> str:
    """docs/html-vocabulary.md: the vocabulary as tables, generated from KINDS."""
    lines = [
        "# The semantic HTML vocabulary",
        "",
        "<!-- Generated from src/briefkit/vocabulary.py; `pytest --update-golden` rewrites it: edit that module. -->",
        "",
        "Templates render this vocabulary and nothing else. It is the one intermediate every writer reads:",
        "WeasyPrint lays it out with `templates/style.css.j2`, the DOCX and Markdown writers map each element.",
        "Every rendered document is checked against it, whatever the format: an element or class outside it,",
        "or one where it may not stand, is an error naming the template file and line.",
        "",
        "`block` kinds may stand wherever blocks may (the body, a section, a parallel cell); `inline` kinds",
        "wherever inline content may. Other kinds stand only inside the kinds that name them.",
        "",
        "| kind | group | may hold | meaning | in Word |",
        "|---|---|---|---|---|",
    ]
    for kind in KINDS:
        holds = ", ".join("text" if item == TEXT else f"`{item}`" for item in kind.content) or "nothing"
        lines.append(f"| `{kind.selector}` | {kind.group or '-'} | {holds} | {kind.meaning} | {kind.word} |")
    lines += ["", "## Metadata", "", "`<meta name>` values: " + ", ".join(f"`{n}`" for n in META_NAMES) + ".", ""]
    return "\n".join(lines)

