"""A rendered document -> CommonMark, for pasting into a newsroom CMS or an e-mail.

Walks the same semantic HTML as the other writers (the vocabulary in
vocabulary.py): headings, paragraphs, lists, quotes, figures as images with
their captions and credits, key figures as a list, data tables as pipe tables
(the one extension almost every CMS reads). Page furniture (running header,
contents, page breaks) has no place in a pasted text and is left out; the
draft mark stays, so a draft is never mistaken for the release. Images keep
their paths relative to the plan folder and are copied beside the file.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import lxml.html

from ..errors import BuildError
from ..files import write_atomic
from ..media import copy_images
from ..render import RenderedDocument
from ..vocabulary import kind_of
from . import WriteJob, WriteResult

Element = Any  # an lxml.html element
_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])(?=\s|$)")
BREAK = "\x00"  # a <br> while inline content is collected; each block decides how to write it
_SKIPPED = {"div.running-header", "nav.toc", "div.page-break"}  # page furniture


def write(rendered: RenderedDocument, job: WriteJob) -> WriteResult:
    root = lxml.html.document_fromstring(rendered.html)
    body = root.find("body")
    if body is None:
        raise BuildError(f"{job.where}: the HTML has no <body>")
    text = "\n\n".join(block for block in _blocks(body) if block.strip()) + "\n"
    write_atomic(job.target, text.encode("utf-8"))
    copy_images(rendered.html, job.plan_folder, job.target.parent)
    return WriteResult(job.target)


def _blocks(parent: Element) -> list[str]:
    blocks: list[str] = []
    for child in parent:
        if isinstance(child.tag, str):
            blocks.extend(_block(child))
    return blocks


def _block(element: Element) -> list[str]:
    kind = kind_of(element)
    name = kind.name if kind is not None else element.tag
    if name in _SKIPPED:
        return []
    if name in ("section", "header.masthead", "div.cover", "td"):
        return _blocks(element)
    if name == "div.watermark":
        return [f"**{_escape(' '.join(element.text_content().split()))}**"]
    if element.tag in ("h1", "h2", "h3"):
        return [f"{'#' * int(element.tag[1])} {_flat(element)}"]
    if element.tag == "p":
        return [_paragraph(_inline(element))]
    if element.tag in ("ul", "ol"):
        return ["\n".join(_list(element))]
    if name == "blockquote.quote":
        lines = [_flat(p) if not p.get("class") else f"— {_flat(p)}" for p in element.iter("p")]
        return ["\n>\n".join(f"> {line}" for line in lines)]
    if element.tag == "figure":
        return [_figure(element)]
    if element.tag == "img":
        return [_image(element)]
    if name == "div.key-figures":
        return ["\n".join(_key_figure(figure) for figure in element.iter("div") if figure is not element)]
    if name == "table.parallel":
        return [block for row in element.iter("tr") for cell in row.iter("td") for block in _blocks(cell)]
    if element.tag == "table":
        return [_pipe_table(element)]
    raise BuildError(f"the Markdown writer has no mapping for <{element.tag}> (add one in writers/markdown.py)")


def _inline(element: Element) -> str:
    """Inline content as Markdown, whitespace collapsed as a browser would; BREAK marks each <br>."""
    text = re.sub(r"[ \t\r\n]+", " ", _content(element)).strip()
    return re.sub(f" ?{BREAK} ?", BREAK, text)


def _flat(element: Element) -> str:
    """Inline content on one line: where a block cannot hold a break, a <br> is a space."""
    return _inline(element).replace(BREAK, " ")


def _content(element: Element) -> str:
    parts = [_escape(element.text or "")]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_inline_element(child))
        parts.append(_escape(child.tail or ""))
    return "".join(parts)


def _inline_element(element: Element) -> str:
    if element.tag == "br":
        return BREAK
    inner = _content(element)
    if not inner.strip():
        return inner
    # Emphasis marks must touch the words they wrap: spaces move outside them.
    lead, core, trail = re.match(r"(\s*)(.*?)(\s*)$", inner, re.S).groups()  # type: ignore[union-attr]
    if element.tag in ("strong", "em"):
        if _flanked_by_punctuation(core):
            # CommonMark's delimiter rules leave ** inert when the text inside starts or ends with punctuation
            # and a letter touches it outside (**“上海”**品牌); the HTML tag always works.
            return f"{lead}<{element.tag}>{core}</{element.tag}>{trail}"
        mark = "**" if element.tag == "strong" else "*"
        return f"{lead}{mark}{core}{mark}{trail}"
    if element.tag == "a":
        href = element.get("href", "")
        return inner if href.startswith("#") else f"{lead}[{core}](<{href}>){trail}"
    return inner  # a span keeps its text, with the spaces around it (separators between languages carry them)


def _flanked_by_punctuation(text: str) -> bool:
    return any(unicodedata.category(char)[0] in "PS" for char in (text[:1], text[-1:]) if char)


def _paragraph(text: str) -> str:
    """Hard breaks keep their line; a line that would read as a heading, quote or list item is escaped."""
    return "\\\n".join(_LINE_START.sub(r"\1\\\2", line) for line in text.split(BREAK))


def _list(element: Element, depth: int = 0) -> list[str]:
    ordered = element.tag == "ol"
    number = int(element.get("start", "1")) if (element.get("start") or "1").isdigit() else 1
    lines = []
    for item in element.iter("li"):
        if item.getparent() is not element:
            continue
        nested = [child for child in item if child.tag in ("ul", "ol")]
        for child in nested:
            item.remove(child)  # written after the item's own text
        marker = f"{number}." if ordered else "-"
        indent = "   " * depth if ordered else "  " * depth
        lines.append(f"{indent}{marker} {_flat(item)}")
        for child in nested:
            lines.extend(_list(child, depth + 1))
        number += 1
    return lines


def _image(element: Element) -> str:
    alt = _escape(" ".join((element.get("alt") or "").split()))
    return f"![{alt}](<{element.get('src', '')}>)"


def _figure(element: Element) -> str:
    lines = [_image(image) for image in element.iter("img")]
    captions = [span for span in element.iter("span") if span.get("class") in ("caption", "credit")]
    languages = list(dict.fromkeys(span.get("lang", "") for span in captions))
    for language in languages:
        caption = " ".join(_flat(s) for s in captions if s.get("lang", "") == language and s.get("class") == "caption")
        credit = " ".join(_flat(s) for s in captions if s.get("lang", "") == language and s.get("class") == "credit")
        lines.append(" — ".join(part for part in (f"*{caption}*" if caption else "", credit) if part))
    return "\\\n".join(lines)


def _key_figure(figure: Element) -> str:
    value = next((_flat(span) for span in figure.iter("span") if span.get("class") == "value"), "")
    labels = [_flat(span) for span in figure.iter("span") if span.get("class") == "label"]
    return f"- **{value}** {' · '.join(labels)}"


def _pipe_table(table: Element) -> str:
    rows = [[_cell(cell) for cell in row if cell.tag in ("th", "td")] for row in table.iter("tr")]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    head = table.find("thead") is not None
    header, body = (rows[0], rows[1:]) if head else ([""] * width, rows)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)


def _cell(cell: Element) -> str:
    return _inline(cell).replace(BREAK, "<br>")


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)
