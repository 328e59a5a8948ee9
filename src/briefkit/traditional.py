"""Simplified-Chinese HTML -> Traditional-Chinese HTML, by OpenCC, with glossary overrides.

The Traditional edition is a machine conversion, and says so in its metadata
and colophon. Glossary terms convert as the glossary says (`zh-Hant`), since
official names are not always what character conversion gives. Quotation
marks become the corner brackets Traditional Chinese uses.
"""

from __future__ import annotations

import functools

import lxml.html
import opencc

from .model import GlossaryTerm

OPENCC_CONFIG = "s2t"
LANG_TAG = "zh-Hant"
CONVERSION_NOTE = f"Machine-converted from Simplified Chinese with OpenCC ({OPENCC_CONFIG}); not reviewed by an editor"
COLOPHON = "本文件由簡體中文版經 OpenCC 自動轉換為繁體中文，未經人工校訂。"
_QUOTES = str.maketrans({"“": "「", "”": "」", "‘": "『", "’": "』"})
_CONVERTED_ATTRIBUTES = ("alt", "content", "title")
_PRIVATE = 0xF0000  # Supplementary Private Use Area-A: never in content, untouched by OpenCC


@functools.lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC(OPENCC_CONFIG)


def convert_text(text: str, glossary: list[GlossaryTerm] | tuple[GlossaryTerm, ...] = ()) -> str:
    """One string, Simplified -> Traditional, glossary terms as the glossary renders them."""
    if not text.strip():
        return text
    terms = sorted(glossary, key=lambda term: len(term.zh), reverse=True)
    protected: dict[str, str] = {}
    for index, term in enumerate(terms):
        if term.zh in text:
            marker = chr(_PRIVATE + index)
            protected[marker] = term.zh_hant or _converter().convert(term.zh)
            text = text.replace(term.zh, marker)
    converted = _converter().convert(text).translate(_QUOTES)
    for marker, replacement in protected.items():
        converted = converted.replace(marker, replacement.translate(_QUOTES))
    return converted


def to_traditional(html: str, glossary: list[GlossaryTerm]) -> str:
    """Convert every text node and human-readable attribute; mark the document as machine-converted."""
    root = lxml.html.document_fromstring(html)
    terms = tuple(glossary)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.text:
            element.text = convert_text(element.text, terms)
        if element.tail:
            element.tail = convert_text(element.tail, terms)
        for attribute in _CONVERTED_ATTRIBUTES:
            value = element.get(attribute)
            if value:
                element.set(attribute, convert_text(value, terms))
        if element.get("lang", "").startswith("zh"):
            element.set("lang", LANG_TAG)
    root.set("lang", LANG_TAG)
    head = root.find("head")
    if head is not None:
        head.append(lxml.html.Element("meta", name="conversion", content=CONVERSION_NOTE))
    body = root.find("body")
    if body is not None:
        colophon = lxml.html.Element("p", {"class": "meta"})
        colophon.text = COLOPHON
        body.append(colophon)
    return "<!DOCTYPE html>\n" + lxml.html.tostring(root, encoding="unicode") + "\n"
