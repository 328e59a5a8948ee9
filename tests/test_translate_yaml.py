"""Writing imported Chinese back into plan.yaml: each scalar style kept when it can hold the new text, quoted when not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from briefkit.translate.fields import is_bilingual, read_plan_texts
from briefkit.translate.yamledit import rewrite

# (plan text with the field `t`, new Chinese, expected plan text)
STYLES = [
    ("t:\n  en: E\n  zh: 旧\n", "新", "t:\n  en: E\n  zh: 新\n"),
    ("t:\n  en: E\n  zh: 旧  # a comment\nu: 1\n", "新", "t:\n  en: E\n  zh: 新  # a comment\nu: 1\n"),
    ("t:\n  en: E\n  zh: 旧\n", "#1号", 't:\n  en: E\n  zh: "#1号"\n'),
    ("t:\n  en: E\n  zh: 旧\n", "甲: 乙", 't:\n  en: E\n  zh: "甲: 乙"\n'),
    ("t:\n  en: E\n  zh: 旧\n", "2020", 't:\n  en: E\n  zh: "2020"\n'),
    ("t: {en: E, zh: 旧}\n", "甲, 乙", 't: {en: E, zh: "甲, 乙"}\n'),
    ("t: {en: E, zh: 旧}\n", "甲乙", "t: {en: E, zh: 甲乙}\n"),
    ("t:\n  en: E\n  zh: '旧'\n", "它's", "t:\n  en: E\n  zh: '它''s'\n"),
    ('t:\n  en: E\n  zh: "旧"\n', '新"词"', 't:\n  en: E\n  zh: "新\\"词\\""\n'),
    ("t:\n  en: E\n  zh: >-\n    旧\n\nu: 1\n", "新", "t:\n  en: E\n  zh: >-\n    新\n\nu: 1\n"),
    ("t:\n  en: E\n  zh: >-\n    旧\n  # c\nu: 1\n", "甲\n乙", 't:\n  en: E\n  zh: "甲\\n乙"\n  # c\nu: 1\n'),
    ("t:\n  en: |\n    E\n  zh: |\n    旧\nu: 1\n", "新\n", "t:\n  en: |\n    E\n  zh: |\n    新\nu: 1\n"),
    ("t:\n  en: E\n  zh: \"\"\n", "新", "t:\n  en: E\n  zh: \"新\"\n"),
    ("t:\n  en: E\n  zh:\nu: 1\n", "新", "t:\n  en: E\n  zh: 新\nu: 1\n"),
    ("t:\n  en: E  # note\nu: 1\n", "新", "t:\n  en: E  # note\n  zh: 新\nu: 1\n"),
    ("t:\n  en: >-\n    E\n    F\n\nu: 1\n", "新", "t:\n  en: >-\n    E\n    F\n  zh: 新\n\nu: 1\n"),
    ("t: {en: E}\n", "新", "t: {en: E, zh: 新}\n"),
    ("\ufefft:\n  en: E\n  zh: 旧\n", "新", "t:\n  en: E\n  zh: 新\n"),
    ("t:\r\n  en: E\r\n  zh: >-\r\n    旧\r\nu: 1\r\n", "新", "t:\r\n  en: E\r\n  zh: >-\r\n    新\r\nu: 1\r\n"),
    ("t:\r\n  en: E\r\n  zh: >-\r\n    旧\r\nu: 1\r\n", "甲\n乙", 't:\r\n  en: E\r\n  zh: "甲\\n乙"\r\nu: 1\r\n'),
    ("t:\r\n  en: E\r\nu: 1\r\n", "新", "t:\r\n  en: E\r\n  zh: 新\r\nu: 1\r\n"),
]


@pytest.mark.parametrize(("before", "chinese", "after"), STYLES)
def test_a_new_chinese_text_keeps_the_scalar_style_when_it_can(tmp_path: Path, before: str, chinese: str, after: str):
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_bytes(before.encode("utf-8"))
    texts = read_plan_texts(plan_file)
    assert texts.bom == before.startswith("\ufeff")
    [item] = texts.fields
    assert item.key == "t"
    result = rewrite(texts, {item.path: chinese})
    assert result == after
    assert yaml.safe_load(result)["t"]["zh"] == chinese


def test_only_mappings_of_languages_are_bilingual_fields(tmp_path: Path):
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(
        "a: {en: A, zh: 甲}\n"
        "b: {en: B, zh: 乙, zh-Hant: 乙}\n"
        "c: {en: C, zh: 丙, note: x}\n"  # another key: not a text
        "d: [{en: D, zh: 丁}, {x: {en: E}}]\n"
        "glossary: [{en: G, zh: 庚}]\n"  # the term base is not translated
        "e: {en: 3, zh: 三}\n",  # not text
        encoding="utf-8",
    )
    texts = read_plan_texts(plan_file)
    assert [(item.key, item.zh) for item in texts.fields] == [("a", "甲"), ("b", "乙"), ("d[0]", "丁"), ("d[1].x", None)]
    assert not is_bilingual({"en": "x", "zh": 1})
