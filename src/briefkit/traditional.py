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

OPENCC_CONFIG = "s2tw"  # Taiwan standard forms (為, 著), matching the TC faces and Word's zh-TW
# Words OpenCC's segmentation gets wrong in our texts: 全市制造业 reads as 市制 + 造业.
_PHRASES = {"制造": "製造"}
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
    renderings = {term.zh: term.zh_hant for term in glossary}
    renderings.update({simplified: traditional for simplified, traditional in _PHRASES.items()
                       if simplified not in renderings})
    protected: dict[str, str] = {}
    for index, simplified in enumerate(sorted(renderings, key=len, reverse=True)):
        if simplified in text:
            marker = chr(_PRIVATE + index)
            override = renderings[simplified]
            protected[marker] = override or _convert_protected(simplified)
            text = text.replace(simplified, marker)
    converted = _converter().convert(text).translate(_QUOTES)
    for marker, replacement in protected.items():
        converted = converted.replace(marker, replacement.translate(_QUOTES))
    return converted


def _convert_protected(text: str) -> str:
    """A glossary term without its own zh-Hant: convert it, keeping the built-in phrase fixes."""
    for simplified, traditional in _PHRASES.items():
        text = text.replace(simplified, traditional)
    return _converter().convert(text)


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
