"""The edition model: one definition of each edition, of punctuation and of a Han character."""

from __future__ import annotations

import re

import pytest

from briefkit.editions import EDITIONS, has_han, is_chinese_tag, is_han
from conftest import REPO


@pytest.mark.parametrize(("char", "han"), [
    ("吉", True), ("𠮷", True),  # U+20BB7, extension B: astral, and Chinese
    ("㐀", True), ("〇", True), ("々", True), ("豈", True),  # extension A, ling, iteration mark, compatibility
    ("\U00030000", True), ("\U00031350", True),  # extensions G and H
    ("，", False), ("A", False), ("1", False), ("あ", False), ("한", False),
])
def test_one_definition_of_a_han_character(char, han):
    assert is_han(char) is han


def test_han_search_finds_astral_characters():
    assert has_han("abc 𠮷 def") and not has_han("abc, def")


@pytest.mark.parametrize(("tag", "chinese"), [("zh", True), ("zh-CN", True), ("zh-Hant", True), ("ZH-tw", True),
                                              ("en", False), ("en-GB", False), ("zhx", False)])
def test_chinese_tags(tag, chinese):
    assert is_chinese_tag(tag) is chinese


def test_each_edition_knows_its_languages_tags_and_fonts():
    assert EDITIONS["bilingual"].languages == ("en", "zh") and EDITIONS["bilingual"].bilingual
    assert EDITIONS["zh"].html_lang == "zh-CN" and EDITIONS["zh"].word_east_asian == "zh-CN"
    hant = EDITIONS["zh-Hant"]
    assert hant.converted and hant.fonts == "traditional" and hant.word_east_asian == "zh-TW"
    assert hant.tag("zh") == "zh-Hant" and EDITIONS["zh"].tag("zh") == "zh-CN"


def test_punctuation_per_language():
    zh, en = EDITIONS["zh"].punctuation("zh"), EDITIONS["en"].punctuation("en")
    assert (zh.comma, zh.enumeration, zh.colon, zh.open_paren) == ("，", "、", "：", "（")
    assert (en.comma, en.enumeration, en.colon, en.open_paren) == (", ", ", ", ": ", " (")
    assert EDITIONS["zh-Hant"].punctuation("zh").open_quote == "「"


def test_no_other_module_defines_han_or_editions():
    """The contract lives in editions.py: a second copy of a CJK range or an edition table is drift."""
    pattern = re.compile(r"\\u4e00|\\u3400|\\u2e80|\\U0002|\"zh-TW\"|\"zh-Hant\": \(")
    offenders = [path.name for path in (REPO / "src" / "briefkit").rglob("*.py")
                 if path.name != "editions.py" and pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_templates_hold_no_punctuation_ternaries():
    offenders = [path.name for path in (REPO / "templates").glob("*.j2")
                 if re.search(r"if l(ang)? == 'zh' else", path.read_text(encoding="utf-8"))]
    assert offenders == []
