"""The layout gate (writers/layout_gate.py): one small document per finding, read from WeasyPrint's layout tree;
clean documents pass; the PDF writer reports findings as warnings and fails on them with strict."""

from __future__ import annotations

import pytest
import weasyprint

from briefkit.errors import BuildError
from briefkit.writers.layout_gate import check_document
from briefkit.writers.pdf import layout_tree, write_pdf

STYLE = ("@page { size: A6; margin: 10mm; @top-left { content: element(head); width: 100% } } body { margin: 0 }"
         ".head { position: running(head) } p, h2 { margin: 0 } table { border-collapse: collapse; width: 100% }"
         "body { font-family: 'Noto Serif', 'Noto Serif CJK SC'; font-size: 10pt; line-height: 1.4 }")
FILL = '<div style="height: 85mm"></div>'  # most of an A6 text block (128 mm): what follows lands at its foot
PARA = "<p>" + "A full line of English text to fill the page. " * 3 + "</p>"
PAIR = ('<table class="parallel"><tr><td>{en}</td><td lang="zh-CN">{zh}</td></tr></table>')

CASES = [
    ("ink outside the text block", '<p style="margin-left: -8mm">Hanging into the margin.</p>',
     "page 1: ink outside the text block: 'Hanging into the margin.'"),
    ("a box wider than its container", '<div style="width: 40mm"><p style="width: 60mm">Too wide.</p></div>',
     "page 1: a p box overflows its div: 'Too wide.'"),
    ("a line wider than its box", '<p style="width: 20mm; white-space: nowrap">A line that cannot wrap.</p>',
     "page 1: a line overflows its p: 'A line that cannot wrap.'"),
    ("a bilingual pair split across pages",
     FILL + PAIR.format(en="Technology innovation. " * 12, zh="技术创新。" * 30),
     "page 1: a bilingual pair is split across pages 1-2: 'Technology innovation. Technology innov…'"),
    ("a heading last on its page", FILL + PARA + '<h2>Key actions</h2><p style="break-before: page">Text.</p>',
     "page 1: a heading is last on its page: 'Key actions'"),
    ("a page under a quarter filled", '<p>One line.</p><p style="break-before: page">' + PARA + "</p>",
     "page 1: the page is only 4% filled"),
    ("a running header over one line",
     '<div class="head">' + "A running header far too long for one line " * 3 + "</div>" + PARA,
     "page 1: the running header takes 3 lines: 'A running header far too long for one line A running header…'"),
    ("a line starting with closing punctuation", '<p lang="zh-CN">上海制造<br>，这一行以逗号开头。</p>',
     "page 1: a line begins with closing punctuation: '，这一行以逗号开头。'"),
    ("a line ending with opening punctuation", '<p lang="zh-CN">这一行以引号结尾“<br>下一行。</p>',
     "page 1: a line ends with opening punctuation: '这一行以引号结尾“'"),
    ("a one-character last line in Chinese", '<p lang="zh-CN" style="width: 10em">' + "制造业" * 7 + "</p>",
     "page 1: a Chinese paragraph ends with a one-character line: '业'"),
    ("a justified Chinese line short of the measure (WeasyPrint alone)",
     '<p lang="zh-CN" style="text-align: justify; width: 50mm">' + "上海将全力打响品牌，2020年加快迈向全球卓越制造基地。" * 2
     + "</p>", "page 1: a justified Chinese line is 12.5 pt short of the measure: '上海将全力打响品牌，2020年'"),
    ("a list leaving one item at the foot of a page",
     FILL + '<ul><li>One</li><li style="break-before: page">Two</li><li>Three</li></ul>',
     "page 1: a list is split 1/2 across pages 1-2, one item alone: 'One'"),
    ("a bilingual list leaving one item at the head of a page",
     FILL + '<table class="parallel">' + "".join(
         f'<tr{attrs}><td><ul><li>{en}</li></ul></td><td lang="zh-CN"><ul><li>{zh}</li></ul></td></tr>'
         for en, zh, attrs in [("One", "一", ""), ("Two", "二", ""), ("Three", "三", ' style="break-before: page"')])
     + "</table>", "page 1: a list is split 2/1 across pages 1-2, one item alone: 'Three 三'"),
]


def findings(body: str) -> list[str]:
    document = weasyprint.HTML(string=f'<html lang="en"><style>{STYLE}</style><body>{body}</body></html>').render()
    return [str(finding) for finding in check_document([layout_tree(page) for page in document.pages])]


@pytest.mark.parametrize(("body", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_defect_is_found_with_its_page_and_text(body, expected):
    assert expected in findings(body)


@pytest.mark.parametrize("body", [
    PARA + PARA,
    # A short page the templates end on purpose (a cover, the contents) is designed, not a defect.
    '<p>Contents</p><div style="break-after: page"></div>' + PARA,
    '<p lang="zh-CN">' + "上海制造，" * 40 + "</p>",
    PAIR.format(en="Technology innovation", zh="技术创新") * 3,
    PAIR.format(en="A pair taller than a page. " * 120, zh="比一页还高的一对。" * 200),  # may split
    '<h2>Heading</h2><p>Its text follows it on the same page.</p>',
    FILL + '<ol><li>One</li><li>Two</li><li style="break-before: page">Three</li><li>Four</li></ol>',
], ids=["english", "a designed short page", "chinese", "pairs", "a pair taller than a page", "heading with text",
        "a list split two and two"])
def test_clean_documents_pass(body):
    assert findings(body) == []


def test_the_writer_justifies_so_the_gate_passes_what_weasyprint_alone_fails(tmp_path):
    body = next(case[1] for case in CASES if case[0].startswith("a justified Chinese line"))
    html = f'<html lang="en"><style>{STYLE}</style><body>{body}</body></html>'
    assert any("short of the measure" in finding for finding in findings(body))
    assert write_pdf(html, roots={"plan": tmp_path}, target=tmp_path / "x.pdf", where="test").warnings == []


def test_findings_are_warnings_and_errors_with_strict(tmp_path):
    html = f'<html lang="zh-CN"><style>{STYLE}</style><body><p>上海制造<br>，这一行以逗号开头。</p></body></html>'
    result = write_pdf(html, roots={"plan": tmp_path}, target=tmp_path / "x.pdf", where="test")
    assert result.warnings == ["page 1: a line begins with closing punctuation: '，这一行以逗号开头。'"]
    with pytest.raises(BuildError, match="test: WeasyPrint: page 1: a line begins with closing punctuation"):
        write_pdf(html, roots={"plan": tmp_path}, target=tmp_path / "y.pdf", where="test", strict=True)
    assert not (tmp_path / "y.pdf").exists()


def _list_pages(css: str, filler: float, items: int, bilingual: bool) -> list[int]:
    """The page each item of a list starts on, after `filler` mm of other content, under `css`."""
    if bilingual:
        rows = "".join(f'<tr><td><ul><li>Item {i}</li></ul></td><td lang="zh-CN"><ul><li>第{i}项</li></ul></td></tr>'
                       for i in range(items))
        body = f'<table class="parallel">{rows}</table>'
    else:
        body = "<ul>" + "".join(f"<li>Item {i}</li>" for i in range(items)) + "</ul>"
    html = f'<html lang="en"><style>{css}</style><body><div style="height: {filler}mm"></div>{body}</body></html>'
    pages: dict[int, int] = {}  # item element -> its first page
    for number, page in enumerate(weasyprint.HTML(string=html).render().pages, start=1):
        for box in layout_tree(page).descendants():
            if box.element_tag == "li" and (not bilingual or box.style["lang"] == "en"):
                pages.setdefault(id(box.element), number)
    return list(pages.values())


@pytest.mark.parametrize("bilingual", [False, True], ids=["one language", "bilingual rows"])
def test_the_stylesheet_never_leaves_a_list_item_alone_and_keeps_short_lists_whole(bilingual):
    from briefkit.render import Renderer
    from briefkit.validate import load_plan
    from conftest import REPO

    rendered = Renderer(REPO / "templates").render(load_plan(REPO / "tests/plans/one-action/plan.yaml"), "handout",
                                                   "en").html
    css = rendered[rendered.index("<style>") + 7: rendered.index("</style>")]
    plain = css + " li, tr { break-before: auto !important; break-after: auto !important }"
    fillers = range(200, 250, 6)  # mm: the list starts ever lower on the page, until it starts on the next

    def lone(pages: list[int]) -> bool:
        return len(set(pages)) > 1 and 1 in (pages.count(pages[0]), pages.count(pages[-1]))

    assert any(lone(_list_pages(plain, filler, 9, bilingual)) for filler in fillers), "can fail: without the rules"
    for filler in fillers:
        long_list = _list_pages(css, filler, 9, bilingual)
        assert not lone(long_list), (filler, long_list)
        short_list = _list_pages(css, filler, 5, bilingual)
        assert len(set(short_list)) == 1, (filler, short_list)
