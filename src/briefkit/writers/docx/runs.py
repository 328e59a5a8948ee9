"""Inline HTML (text, strong, em, a, br, span) -> the runs of a python-docx paragraph.

RunWriter is the layer every part of the DOCX walk stands on: it checks each
element against the vocabulary (docs/html-vocabulary.md), raising BuildError
naming the template, and turns inline content into runs, collapsing
whitespace across elements as HTML does. Runs carry no fonts or languages of
their own: the styles and document defaults give them (East Asian included),
so restyling or a reference document reaches every run. build.py's
BodyWriter adds the blocks on top.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ... import vocabulary
from ...catalogue import Theme
from ...editions import CJK as CJK  # re-exported: build.py and tables.py tell Chinese runs by it
from ...editions import is_chinese_tag as is_chinese
from ...errors import BuildError
from . import oxml, props

Element = Any  # an lxml.html element
# Spans marking where Han meets Latin (gap-*) or dashes that must not break (nobr) are plain runs in Word:
# its own East Asian autospacing and line-breaking rules (set in styles.py) do that work.
SPAN_STYLES = {"": None, "sep": "Separator", "illustrative": "Illustrative", "status": "Status", "nobr": None,
               "gap-before": None, "gap-after": None, "gap-before gap-after": None}
# The inline part of the vocabulary: tag -> the class attributes it may carry ("" for none).
INLINE = vocabulary.members(vocabulary.INLINE)
# Characters both scripts use: Word draws them in the Latin face unless told the run is East Asian.
SHARED_PUNCTUATION = re.compile("[\u2018\u2019\u201c\u201d\u2014\u2026\u00b7]")


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
    last: Element | None = None  # the w:r of the last text written
    at_space: bool = True


def class_of(element: Element) -> str:
    return " ".join(element.get("class", "").split())


def describe(element: Element) -> str:
    classes = element.get("class")
    return f'<{element.tag} class="{classes}">' if classes else f"<{element.tag}>"


def bookmark_name(identifier: str) -> str:
    """Word bookmark names: a letter first, then letters, digits and _; at most 40 characters."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", identifier)
    return (name if name[:1].isalpha() else f"b{name}")[:40]


class RunWriter:
    """Checks elements against the vocabulary and writes inline ones as runs of one document."""

    def __init__(self, document: Document, theme: Theme, where: str, style_ids: dict[str, str]) -> None:
        self.theme, self.where = theme, where
        self.style_ids = style_ids  # style name -> id, shared with the style sheet (it adds Chinese variants)

    # -- checking -----------------------------------------------------------------------------------

    def unknown(self, element: Element) -> BuildError:
        return BuildError(f"{self.where}: {describe(element)} is not in the HTML vocabulary (docs/html-vocabulary.md)")

    def allowed(self, name: str) -> dict[str, set[str]]:
        """What the vocabulary allows inside the kind called `name` (e.g. "blockquote.quote")."""
        return vocabulary.children_of(name)

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

    # -- runs ---------------------------------------------------------------------------------------

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
        run = self.run(sink, state).element
        try:
            props.set_text(run, text)  # collapsed above: no tab or line break for python-docx's run.text to map
        except ValueError:
            raise BuildError(f"{self.where}: text {text[:40]!r} holds a control character Word cannot store") from None
        if is_chinese(state.lang) and SHARED_PUNCTUATION.search(text):
            oxml.set_hint(oxml.rpr_of(run))
        sink.last, sink.at_space = run, text.endswith(" ")

    def finish(self, sink: Sink) -> None:
        if sink.last is not None:
            text = props.text_of(sink.last)
            if text.endswith(" "):
                props.set_text(sink.last, text.rstrip(" "))

    def run(self, sink: Sink, state: Inline) -> Run:
        chinese = is_chinese(state.lang)
        run = props.add_run(sink.paragraph._p if state.link is None else state.link,
                            self.style_ids[state.style] if state.style else None,
                            bold=state.bold or (state.italic and chinese),  # Chinese has no italics: emphasis is bold
                            italic=state.italic and not chinese)
        return Run(run, sink.paragraph)
