"""Edition names -> what an edition is: its languages, tags, fonts, names and punctuation.

Every stage asks this module, never re-derives it: render (HTML lang tags,
punctuation), quality (what a Han character is), the writers (Word's East
Asian language id, the font set) and the pack (display names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# Han characters in every CJK block Unicode has, the astral extensions (B to I) included:
# 𠮷 (U+20BB7) is as Chinese as 吉. Radicals, 〆〇 and the Hangzhou numerals count too.
HAN_RANGES = (
    "\u2e80-\u2fdf"  # CJK radicals supplement, Kangxi radicals
    "\u3005\u3007\u3021-\u3029\u3038-\u303b"  # 々 〇 Hangzhou numerals
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00020000-\U0002fa1f"  # extensions B-F and the compatibility supplement
    "\U00030000-\U000323af"  # extensions G-H (and I when fonts have it)
)
HAN = re.compile(f"[{HAN_RANGES}]")
# What a Chinese line holds besides Han: CJK punctuation, kana, full-width forms, bopomofo.
CJK_RANGES = HAN_RANGES + "\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf\ufe30-\ufe4f\uff00-\uffef"
CJK = re.compile(f"[{CJK_RANGES}]")


def is_han(char: str) -> bool:
    return bool(HAN.match(char))


def has_han(text: str) -> bool:
    return HAN.search(text) is not None


def is_chinese_tag(tag: str) -> bool:
    """An HTML or Word language tag of Chinese text: zh, zh-CN, zh-Hant, zh-TW ..."""
    return tag.lower().split("-")[0] == "zh"


@dataclass(frozen=True)
class Punctuation:
    """The marks a language writes between parts of a sentence (templates read these, never literals)."""

    comma: str  # between clauses and in "name, role"
    enumeration: str  # between items of a list of names: 、 in Chinese
    colon: str
    open_paren: str
    close_paren: str
    open_quote: str
    close_quote: str
    unit_space: str  # between a number and its unit: "80 km" but "80公里"
    separator: str  # between the parts of a meta line: "Key action · Zone" but "重点行动，园区"


ENGLISH = Punctuation(", ", ", ", ": ", " (", ")", "“", "”", " ", " · ")
SIMPLIFIED = Punctuation("，", "、", "：", "（", "）", "“", "”", "", "，")
TRADITIONAL = Punctuation("，", "、", "：", "（", "）", "「", "」", "", "，")
PUNCTUATION = {"en": ENGLISH, "zh": SIMPLIFIED}


@dataclass(frozen=True)
class Edition:
    """One edition of a document: which languages it shows and how it is set."""

    name: str  # en, zh, bilingual, zh-Hant
    languages: tuple[str, ...]  # the plan languages it shows, in reading order
    html_lang: str  # the <html lang> tag
    word_east_asian: str  # Word's language id for the East Asian text
    fonts: Literal["simplified", "traditional"]  # which of the theme's font sets
    english_name: str
    chinese_name: str
    converted: bool = False  # rendered as zh and machine-converted to Traditional characters

    @property
    def language(self) -> str:
        """The first language: the one the document is written in."""
        return self.languages[0]

    @property
    def bilingual(self) -> bool:
        return len(self.languages) > 1

    @property
    def repertoire(self) -> str:
        """The national standard character set of its Han script, as Python's codecs name it: GB 2312 (7,445
        characters, all of those in the sample and test plans) for Simplified, Big5 for Traditional. The large
        CJK faces are cut to it once per machine (writers/subset.py)."""
        return "big5" if self.fonts == "traditional" else "gb2312"

    def tag(self, language: str) -> str:
        """The lang tag of a part in `language` (zh-Hant for the converted edition's Chinese)."""
        if language == "zh":
            return "zh-Hant" if self.converted else "zh-CN"
        return language

    def punctuation(self, language: str) -> Punctuation:
        if language == "zh" and self.converted:
            return TRADITIONAL
        return PUNCTUATION[language]


EDITIONS: dict[str, Edition] = {
    edition.name: edition
    for edition in (
        Edition("en", ("en",), "en", "zh-CN", "simplified", "English", "英文"),
        Edition("zh", ("zh",), "zh-CN", "zh-CN", "simplified", "Chinese", "中文"),
        Edition("bilingual", ("en", "zh"), "en", "zh-CN", "simplified", "Bilingual", "双语"),
        Edition("zh-Hant", ("zh",), "zh-Hant", "zh-TW", "traditional", "Traditional Chinese", "繁体中文",
                converted=True),
    )
}
LANGUAGE_NAMES = {"en": "English", "zh": "Simplified Chinese", "zh-Hant": "Traditional Chinese"}


def edition_named(name: str) -> Edition:
    """The edition called `name`; KeyError for an unknown one (callers turn it into a usage error)."""
    return EDITIONS[name]
