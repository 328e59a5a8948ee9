"""One-language lists set in columns (theme `list_columns`: the fact sheet), in WeasyPrint's real layout.

A list that surely fits on a page says its rows (`data-rows`) and is filled down each column to a forced break,
as Word fills its column table: item 1, 2, 3, 4 left, 5, 6, 7 right, whatever their heights. A longer list keeps
CSS's balanced columns, which flow on from page to page. No item is ever lost.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document as WordDocument
from weasyprint.formatting_structure import boxes

from briefkit.cli import cli
from briefkit.render import Renderer
from briefkit.validate import load_plan
from briefkit.writers.pdf import lay_out_installed
from conftest import REPO

HEAD = (Path(__file__).parent / "plans" / "one-action" / "plan.yaml").read_text(encoding="utf-8").split("actions:")[0]
SHORT = ("Item {n} opens a training centre", "第{n}项开办培训中心")
LONG = ("Item {n}: the county opens a training centre with evening courses in computing, accounting, cooking, welding "
        "and bookkeeping for adults of every district",
        "第{n}项：全县开办一所培训中心，面向各区成年人开设计算机、会计、烹饪、焊接和记账等夜间课程，并为学员提供免费教材和交通补贴")
_NUMBER = re.compile(r"(?:Item |第)(\d+)")


def _plan(make_plan, texts: list[tuple[str, str]]) -> Path:
    actions = "".join(f"  - id: item-{n}\n    title: {{en: '{en.format(n=n)}', zh: '{zh.format(n=n)}'}}\n"
                      for n, (en, zh) in enumerate(texts, 1))
    return make_plan(f"{HEAD}actions:\n{actions}")


def _items(plan: Path, edition: str) -> tuple[str, Any, list[list[tuple[int, str, float]]]]:
    """The handout's HTML, its layout, and per page its list items: (number, column, top)."""
    html = Renderer(REPO / "templates").render(load_plan(plan), "handout", edition).html
    document = lay_out_installed(html, {"plan": plan.parent, "templates": REPO / "templates"})
    pages = []
    for page in document.pages:
        middle = page._page_box.content_box_x() + page._page_box.width / 2
        found, seen = [], set()
        for box in page._page_box.descendants():  # an item's own box comes before the anonymous boxes inside it
            if isinstance(box, boxes.BlockBox) and box.element_tag == "li" and id(box.element) not in seen:
                seen.add(id(box.element))
                text = "".join(b.text for b in box.descendants() if isinstance(b, boxes.TextBox))
                number = _NUMBER.search(text)
                if number:
                    found.append((int(number.group(1)), "left" if box.position_x < middle else "right", box.position_y))
        pages.append(found)
    return html, document, pages


def _columns(items: list[tuple[int, str, float]]) -> dict[str, list[int]]:
    """Item numbers per column, top to bottom."""
    return {side: [n for n, _, _ in sorted((i for i in items if i[1] == side), key=lambda i: i[2])]
            for side in ("left", "right")}


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_a_short_list_fills_each_column_down_as_word_does(make_plan, tmp_path, edition):
    # The first item is three times as tall: balanced columns would end the left column after item 2 or 3.
    plan = _plan(make_plan, [LONG] + [SHORT] * 6)
    html, _, pages = _items(plan, edition)
    assert len(pages) == 1
    assert _columns(pages[0]) == {"left": [1, 2, 3, 4], "right": [5, 6, 7]}
    assert '<ol data-rows="4">' in html
    tops = {side: min(y for _, s, y in pages[0] if s == side) for side in ("left", "right")}
    assert tops["left"] == pytest.approx(tops["right"])  # the columns start level
    # Word's column table holds the same items in the same cells.
    result = CliRunner().invoke(cli, ["--project", str(REPO), "build", str(plan), "--doc", "handout", "--lang",
                                      edition, "--format", "docx", "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    word = WordDocument(str(next((tmp_path / "out").rglob(f"handout.{edition}.docx"))))
    table = next(t for t in word.tables if len(t.columns) == 2 and _NUMBER.search(t.cell(0, 0).text))
    assert [[int(n) for n in _NUMBER.findall(cell.text)] for cell in table.rows[0].cells] == [[1, 2, 3, 4], [5, 6, 7]]


def test_list_markers_are_drawn(make_plan):
    _, document, pages = _items(_plan(make_plan, [SHORT] * 5), "en")
    markers = [b for b in document.pages[0]._page_box.descendants() if b.element_tag == "li::marker"]
    assert ["".join(t.text for t in m.descendants() if isinstance(t, boxes.TextBox)) for m in markers] == [
        "1. ", "2. ", "3. ", "4. ", "5. "]
    assert _columns(pages[0]) == {"left": [1, 2, 3], "right": [4, 5]}


@pytest.mark.parametrize(("texts", "edition"), [
    ([SHORT] * 90, "en"), ([SHORT] * 90, "zh"), ([LONG] * 30, "en"), ([LONG] * 30, "zh")],
    ids=["90-short.en", "90-short.zh", "30-long.en", "30-long.zh"])
def test_a_list_too_long_for_a_page_flows_on_with_every_item(make_plan, texts, edition):
    html, _, pages = _items(_plan(make_plan, texts), edition)
    assert "<ol>" in html and "data-rows=" not in html.split("</style>")[1]  # balanced columns, not forced ones
    assert len(pages) > 1
    numbers = [n for page in pages for side in ("left", "right") for n in _columns(page)[side]]
    assert numbers == list(range(1, len(texts) + 1))  # every item once, down each column, page after page
    assert all(_columns(page)["left"] and _columns(page)["right"] for page in pages if page)  # both columns used


def test_a_short_list_cut_by_a_page_break_keeps_its_items_in_order(make_plan):
    # Twelve groups of eight: some list meets the foot of the first page, however the type falls.
    groups = "".join(f"  - id: group-{g}\n    title: {{en: Group {g}, zh: 第{g}组}}\n" for g in range(12))
    actions = "".join(f"  - id: item-{n}\n    group: group-{(n - 1) // 8}\n"
                      f"    title: {{en: '{SHORT[0].format(n=n)}', zh: '{SHORT[1].format(n=n)}'}}\n" for n in range(1, 97))
    plan = make_plan(f"{HEAD}groups:\n{groups}actions:\n{actions}")
    for edition in ("en", "zh"):
        html, _, pages = _items(plan, edition)
        assert html.count('<ol data-rows="4">') == 12
        assert sorted(n for page in pages for n, _, _ in page) == list(range(1, 97))  # each item once
        cut = 0
        for group in range(12):
            on_pages = [[item for item in page if (item[0] - 1) // 8 == group] for page in pages]
            read = [n for page in on_pages for side in ("left", "right") for n in _columns(page)[side]]
            assert read == list(range(8 * group + 1, 8 * group + 9)), (edition, group, on_pages)
            cut += sum(1 for page in on_pages if page) > 1
        assert cut, f"{edition}: no list met a page break; the test needs more groups"
