"""Heading line breaking (headings.py): Chinese words and glossary terms stay whole, punctuation stays with its
word, the last two words go together; WeasyPrint then breaks the headline only between words."""

from __future__ import annotations

import subprocess
import sys

import pytest
import weasyprint
from weasyprint.formatting_structure import boxes

from briefkit.headings import break_heading, segment

TERMS = ["上海制造", "Shanghai Manufacturing", "上海市人民政府"]


@pytest.mark.parametrize(("text", "units"), [
    ("上海推出10项专项行动，全力打响“上海制造”品牌",
     ["上海", "推出", "10项", "专项", "行动，", "全力", "打响", "“上海制造”", "品牌"]),
    ("上海市人民政府举行新闻发布会", ["上海市人民政府", "举行", "新闻", "发布会"]),
    ("Build the Shanghai Manufacturing brand", ["Build ", "the ", "Shanghai Manufacturing ", "brand"]),
    ("Ten actions (2018–2020)", ["Ten ", "actions ", "(2018–2020)"]),
])
def test_segments_are_words_with_their_punctuation(text, units):
    assert segment(text, TERMS) == units


@pytest.mark.parametrize(("text", "html"), [
    ("名园塑造", '<span class="nobr">名园塑造</span>'),
    ("Build the Shanghai Manufacturing brand", 'Build the <span class="nobr">Shanghai Manufacturing</span> brand'),
    ("Ten specific actions", 'Ten <span class="nobr">specific actions</span>'),
    ("全力打响“上海制造”品牌",
     '<span class="nobr">全力</span><span class="nobr">打响</span><span class="nobr">“上海制造”品牌</span>'),
])
def test_words_are_kept_whole_and_the_last_two_together(text, html):
    assert str(break_heading(text, "zh", TERMS)) == html


def _lines(html: str, width: int) -> list[str]:
    page = weasyprint.HTML(string=(
        '<html lang="zh-CN"><style>.nobr { white-space: nowrap } h1 { font: 22pt "Noto Sans CJK SC"; '
        f'width: {width}mm }}</style><h1>{html}</h1></html>')).render().pages[0]
    return ["".join(box.text for box in line.descendants() if isinstance(box, boxes.TextBox))
            for line in page._page_box.descendants() if isinstance(line, boxes.LineBox)]


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_headlines_break_only_between_words(width):
    text = "上海推出10项专项行动，全力打响“上海制造”品牌"
    units = segment(text, TERMS)
    plain = _lines(text, width)
    kept = _lines(str(break_heading(text, "zh", TERMS)), width)
    ends = {sum(len(unit) for unit in units[:i]) for i in range(len(units) + 1)}
    assert any(sum(len(line) for line in plain[:i + 1]) not in ends for i in range(len(plain))), "can fail"
    for i in range(len(kept)):
        assert sum(len(line) for line in kept[:i + 1]) in ends, kept
    assert len(kept[-1]) > 2, kept


@pytest.mark.parametrize(("text", "html"), [
    ("上海将全力打响上海制造品牌。", '上海将全力打响上海制造<span class="nobr">品牌。</span>'),
    ("上海制造品牌", "上海制造品牌"),  # short enough for one line: nothing bound
    ("People's Government", "People\u2019s Government"),
    ("'quoted'", "&#39;quoted&#39;"),  # only an apostrophe between letters is certain
])
def test_last_two_characters_bound_and_apostrophes_curly(text, html):
    from briefkit.text import inline_markdown

    assert str(inline_markdown(text)) == html


def test_balanced_headlines_have_even_lines_and_keep_their_rule():
    from briefkit.writers.text_wrap import balanced_lines

    english = "Shanghai launches 10 specific actions to build its brand for the world"
    html = ('<html lang="en"><style>h1 { --briefkit-text-wrap: balance; width: 120mm; font: 22pt "Noto Sans"; '
            f'border-bottom: 1pt solid }}</style><h1>{break_heading(english, "en", TERMS)}</h1></html>')

    def lines() -> tuple[list[float], float]:
        page = weasyprint.HTML(string=html).render().pages[0]._page_box
        heading = next(box for box in page.descendants() if getattr(box, "element_tag", "") == "h1")
        return [line.width for line in heading.children if isinstance(line, boxes.LineBox)], heading.width

    ragged, width = lines()
    with balanced_lines():
        balanced, balanced_width = lines()
    assert len(balanced) == len(ragged) == 3
    assert ragged[-1] < 0.5 * max(ragged), "can fail: WeasyPrint alone leaves a short last line"
    assert min(balanced) > 0.75 * max(balanced)
    assert balanced_width == width  # the heading (and its rule) still spans the measure


def test_a_heading_with_markdown_keeps_its_emphasis():
    assert str(break_heading("The **ten** actions", "en", TERMS)) == "The <strong>ten</strong> actions"


def test_the_segmenter_skips_the_default_dictionary_rjiebas_package_builds_on_import():
    """rjieba's package builds a default segmenter when imported (0.2 s); briefkit builds only its own."""
    code = ("import sys; from briefkit.headings import segment; words = segment('我们在北京开会', ()); "
            "print('rjieba' in sys.modules, 'rjieba.rjieba' in sys.modules, '|'.join(words))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert shown == ["False", "True", "我们|在|北京|开会"]
