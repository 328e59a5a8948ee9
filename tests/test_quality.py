"""Bilingual quality gates: number parity, glossary use, punctuation (with --fix), completeness,
and the Traditional Chinese conversion."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from briefkit.cli import cli
from briefkit.model import GlossaryTerm
from briefkit.quality import check_quality, chinese_numbers, chinese_value, english_numbers, fix_ascii_punctuation
from briefkit.traditional import convert_text
from briefkit.validate import load_plan
from conftest import MINIMAL_PLAN, REPO

M = MINIMAL_PLAN
SUMMARY = "summary: {en: A short summary., zh: 一段简短的概要。}"

AGREEING = [
    ("three companies", "三家企业"),
    ("ten actions", "十项行动"),
    ("by 2020", "到二〇二〇年"),
    ("by 2020", "2020年前"),
    ("5% more", "增长百分之五"),
    ("the world's top 500", "世界500强"),
    ("April 2018", "2018年4月"),
    ("the second expo, October 2017", "2017年10月举办的第二届博览会"),
    ("30,000 jobs", "3万个岗位"),
    ("1.5 billion yuan", "15亿元"),
    ("twenty-five zones", "二十五个园区"),
    ("a group of promising firms, one of the best", "一批有潜力的企业，是最好的之一"),
]
DIFFERING = [
    ("three companies into the top 500", "五家企业进入世界500强", "en has 3, 500; zh has 5, 500"),
    ("by 2020", "到2022年", "en has 2020; zh has 2022"),
    ("10 actions", "若干项行动", "en has 10; zh has none"),
]
# (Chinese text, the numbers it states): values as read aloud, words that merely contain a numeral left out.
NUMERALS = [
    ("两千五", [2500]),
    ("一万五", [15000]),
    ("一万五千人", [15000]),
    ("二〇二〇", [2020]),
    ("到二〇二〇年", [2020]),
    ("百分之四十五", [45]),
    ("增长百分之五点五", [5.5]),
    ("3万", [30000]),
    ("3.5万个岗位", [35000]),
    ("两千五百万元", [25_000_000]),
    ("二氧化碳", []),
    ("一氧化碳", []),
    ("五氧化二磷", []),
    ("减少二氧化碳排放百分之二十", [20]),
    ("统一", []),
    ("统一三项标准", [3]),
    ("一流", []),
    ("一些", []),
    ("单一", []),
    ("一批有潜力的企业", []),
    ("进一步", []),
    ("十分重要", []),
    ("千方百计", []),
    ("万物互联", []),
    ("一是创新，二是开放", []),
    ("千千万万", []),
    ("第二届", [2]),
    ("十月", [10]),
    ("两家企业，三个园区", [2, 3]),
]


@pytest.mark.parametrize(("chinese", "numbers"), NUMERALS)
def test_chinese_numerals_are_read_as_written(chinese, numbers):
    assert sorted(chinese_numbers(chinese).elements()) == numbers


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.integers(0, 10**13), st.integers(0, 10**6).map(lambda n: n / 100)))
def test_chinese_numerals_read_back_as_an_independent_converter_writes_them(number):
    """cn2an (a test dependency only) writes the number out; briefkit's own reader must get it back."""
    import cn2an

    assert chinese_value(cn2an.an2cn(number, "low")) == float(number)


@pytest.mark.parametrize(("numeral", "value"), [
    ("两千五", 2500), ("三百五", 350), ("一万五", 15000), ("十五", 15), ("二十", 20), ("一百零五", 105),
    ("一千零一十", 1010), ("两万三千零五十", 23050), ("一亿五千万", 150_000_000), ("一万亿", 10**12),
    ("二〇二〇", 2020), ("五点五", 5.5), ("十", 10),
    ("万", None), ("千千万万", None), ("亿万", None), ("三百五千", None), ("十十", None), ("百", None),
])
def test_chinese_numeral_values(numeral, value):
    assert chinese_value(numeral) == value


@pytest.mark.parametrize(("english", "chinese"), AGREEING)
def test_numbers_agree_once_chinese_numerals_are_normalised(english, chinese):
    assert set(english_numbers(english)) == set(chinese_numbers(chinese))


@pytest.mark.parametrize(("english", "chinese", "shown"), DIFFERING)
def test_differing_numbers_are_a_located_warning(make_plan, english, chinese, shown):
    loaded = load_plan(make_plan(M.replace(SUMMARY, f"summary: {{en: {english}, zh: {chinese}}}")))
    assert [str(p) for p in check_quality(loaded)] == [
        f"plan/plan.yaml:16:{21 + len(english)}: summary.zh: warning: numbers differ from the English: {shown}"
    ]


def test_glossary_rendering_must_be_used(make_plan):
    text = M.replace(SUMMARY, "summary: {en: The Harbour District grows., zh: 海湾区将扩大。}")
    plan_file = make_plan(text, files={"glossary.yaml": "terms:\n  - {en: Harbour District, zh: 港区}\n".encode()})
    assert [str(p) for p in check_quality(load_plan(plan_file))] == [
        "plan/plan.yaml:16:48: summary.zh: warning: the English uses 'Harbour District', "
        "so the Chinese should use the glossary's '港区'"
    ]


def test_glossary_given_twice_is_an_error(make_plan):
    plan_file = make_plan(M + "glossary:\n  - {en: Harbour, zh: 港}\n",
                          files={"glossary.yaml": b"terms:\n  - {en: Harbour, zh: \xe6\xb8\xaf}\n"})
    result = CliRunner().invoke(cli, ["--project", str(REPO), "validate", str(plan_file)])
    assert result.exit_code == 2
    assert "plan/plan.yaml:32:1: glossary: the glossary is given here and in glossary.yaml; keep one" in result.stderr


def test_glossary_file_errors_are_located_in_it(make_plan):
    plan_file = make_plan(files={"glossary.yaml": "terms:\n  - {en: Harbour, zn: 港}\n".encode()})
    result = CliRunner().invoke(cli, ["--project", str(REPO), "validate", str(plan_file)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "plan/glossary.yaml:2:19: terms[0].zn: unknown key 'zn'; did you mean 'zh'?",
        "Aborted with 1 content error.",
    ]


def test_ascii_punctuation_is_flagged_and_fixed_in_place(make_plan):
    text = M.replace(SUMMARY, "summary:\n  en: A short summary, with (notes).\n"
                              "  # the Chinese was typed on an English keyboard\n"
                              "  zh: 一段简短的概要,附有(说明).详见[网站](https://example.org/a,b)。")
    plan_file = make_plan(text)
    runner = CliRunner()
    strict = runner.invoke(cli, ["--project", str(REPO), "validate", "--strict", str(plan_file)])
    assert strict.exit_code == 2
    assert ("plan/plan.yaml:19:7: summary.zh: ASCII punctuation in Chinese text: "
            "'('→'（' ')'→'）' ','→'，' '.'→'。' (briefkit validate --fix rewrites it)") in strict.stderr
    fixed = runner.invoke(cli, ["--project", str(REPO), "validate", "--fix", "--strict", str(plan_file)])
    assert fixed.exit_code == 0, fixed.output
    after = plan_file.read_text(encoding="utf-8")
    assert "  # the Chinese was typed on an English keyboard\n" in after
    assert "  zh: 一段简短的概要，附有（说明）。详见[网站](https://example.org/a,b)。" in after
    assert "  en: A short summary, with (notes).\n" in after


def test_fix_keeps_link_targets_and_pairs_parentheses():
    assert fix_ascii_punctuation("上海(2020)年,[链接](https://a.org/x,y)了解.") == "上海（2020）年，[链接](https://a.org/x,y)了解。"


def test_sample_plan_passes_every_gate_strictly():
    result = CliRunner().invoke(cli, ["--project", str(REPO), "validate", "--strict", "shanghai-manufacturing"])
    assert result.exit_code == 0, result.output
    assert "en: 127/127 fields, zh: 127/127 fields" in result.stdout
    assert result.stderr == ""


def test_build_strict_fails_on_a_quality_warning(make_plan, tmp_path):
    plan_file = make_plan(M.replace(SUMMARY, "summary: {en: 3 actions, zh: 5项行动}"))
    result = CliRunner().invoke(cli, ["--project", str(REPO), "build", str(plan_file), "--strict", "--format", "html",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "plan/plan.yaml:16:30: summary.zh: numbers differ from the English: en has 3; zh has 5" in result.stderr
    assert not (tmp_path / "out").exists()


def test_traditional_conversion_uses_glossary_overrides_and_corner_quotes():
    glossary = [GlossaryTerm.model_validate({"en": "integrated circuits", "zh": "集成电路", "zh-Hant": "積體電路"})]
    assert convert_text("全力打响“上海制造”品牌，集成电路人才", glossary) == "全力打響「上海製造」品牌，積體電路人才"
