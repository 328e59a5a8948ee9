"""The last line of Chinese text (text.py keep_last_line): never one character alone, whatever markup or Latin
run the last characters sit in; the markup stays nested and no element is cut in two."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
import weasyprint
from weasyprint.formatting_structure import boxes

from briefkit.text import inline_markdown, keep_last_line, plain_text

LONG = "上海将全力打响品牌，生产满足多样化需求的"  # long enough to wrap: short texts are left alone


@pytest.mark.parametrize(("text", "end"), [
    (LONG + "品质制造。", '品质<span class="nobr">制造。</span>'),
    # the last two characters inside bold: the binding goes inside it (no break before 。 there), never cuts it
    (LONG + "**品质制造**。", '<strong>品质<span class="nobr">制造</span></strong>。'),
    (LONG + "**制造**", '的<strong><span class="nobr">制造</span></strong>'),
    # units straddling an element's end: a short element is bound whole
    (LONG + "*斜体**粗体**字*", '的<span class="nobr"><em>斜体<strong>粗体</strong>字</em></span>'),
    (LONG + "**" + "很长的粗体文字" * 3 + "**。", '粗体<span class="nobr">文字</span></strong>。'),
    # a number and its measure word: the Latin run is one unit, its gap span comes along whole
    (LONG + "达到3家", '达到<span class="nobr"><span class="gap-before gap-after">3</span>家</span>'),
    (LONG + "达到2,000家。", '<span class="nobr"><span class="gap-before gap-after">2,000</span>家。</span>'),
    (LONG + "的“品牌”。", '的<span class="nobr">“品牌”。</span>'),  # opening quote stays with its word
    (LONG + "浓度（毫克/升）", '（毫<span class="nobr">克/升）</span>'),  # a unit's slash is not a unit of its own
    (LONG + "，家。", '<span class="nobr">的，家。</span>'),  # punctuation between the two units comes along
    # nor is a link
    (LONG + "见[官方网站](https://example.org)", '<a href="https://example.org">官方<span class="nobr">网站</span></a>'),
    (LONG + "见[一个很长很长很长很长的链接文字在这里结束](https://example.org)", '这里<span class="nobr">结束</span></a>'),
])
def test_last_two_units_bound(text, end):
    html = str(inline_markdown(text))
    assert html.endswith(end), html
    # well nested (a strict XML parse), and the binding adds markup, never text
    assert "".join(ElementTree.fromstring(f"<p>{html}</p>").itertext()) == plain_text(text)
    # nor elements: a bold or link cut in two would print as **品质****制造** in Markdown
    assert (html.count("<strong>"), html.count("<a ")) == (text.count("**") // 2, text.count("]("))


@pytest.mark.parametrize("text", [
    "上海制造品牌",  # fits a line
    LONG + "IC-Park",  # ends in Latin: no lone Han character to keep company
    LONG + "https://example.org/a-very-long-address/家",  # a long Latin run is not pulled onto the last line
])
def test_nothing_bound(text):
    assert 'class="nobr"' not in str(inline_markdown(text))


def test_unbalanced_markup_is_left_alone():
    html = LONG + "</strong>制造"
    assert keep_last_line(html) == html


def _last_line(html: str, width: str) -> str:
    page = weasyprint.HTML(string=f'<html lang="zh-CN"><style>.nobr {{ white-space: nowrap }} p {{ width: {width}; '
                                  f'font: 10pt "Noto Serif CJK SC"; margin: 0 }}</style><p>{html}</p>'
                           ).render().pages[0]._page_box
    lines = [box for box in page.descendants() if isinstance(box, boxes.LineBox)]
    return "".join(box.text for box in lines[-1].descendants() if isinstance(box, boxes.TextBox))


@pytest.mark.parametrize("text", [LONG[:17] + "**品质制造**。", LONG[:15] + "企业达到3家"])
def test_weasyprint_keeps_two_characters_on_the_last_line(text):
    plain = str(inline_markdown(text)).replace('<span class="nobr">', "<span>")
    width = "205pt"  # 20 characters: the 21st (and its full stop) would wrap alone
    assert len(_last_line(plain, width).strip("。")) == 1, "can fail: unbound, one character wraps alone"
    assert len(_last_line(str(inline_markdown(text)), width).strip("。")) >= 2
