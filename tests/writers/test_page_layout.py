"""The page layout the PDF writer shares with the DOCX writer (writers/page_layout.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefkit.render import RenderedDocument
from briefkit.writers import page_layout
from briefkit.writers.docx import render_docx
from briefkit.writers.docx.layout import pdf_layout
from briefkit.writers.pdf import write_pdf

from .conftest import PLAN, REPO
from .test_docx import part, xpath

BASE = REPO / "content" / PLAN
TEMPLATES = REPO / "templates"


def test_the_pdf_writers_layout_is_the_one_the_docx_writer_makes_alone(sample_html, tmp_path):
    """Either way the DOCX gets the same numbers, so its bytes never depend on which writer ran first.

    The bilingual report has everything that moves lines: balanced headlines, justified Chinese,
    pairs kept together, a TOC."""
    html = (sample_html / "stakeholder-report.bilingual.html").read_text(encoding="utf-8")
    shared = tmp_path / "layouts" / "report.json"
    write_pdf(html, roots={"plan": BASE, "templates": TEMPLATES}, target=tmp_path / "report.pdf", where="t",
              layout=shared)
    from_pdf = page_layout.load(shared)
    alone = pdf_layout(html, BASE, TEMPLATES)
    assert from_pdf is not None and from_pdf == alone
    assert alone.pages > 5 and len(alone.anchors) > 10


def test_the_docx_writer_takes_its_toc_numbers_from_the_saved_layout(sample_html, tmp_path):
    html = (sample_html / "stakeholder-report.en.html").read_text(encoding="utf-8")
    rendered = RenderedDocument("stakeholder-report", "en", "stakeholder-report.html.j2", html, "T")
    alone = pdf_layout(html, BASE, TEMPLATES)
    shared = tmp_path / "layout.json"
    page_layout.save(shared, page_layout.PageLayout(42, {name: 41 for name in alone.anchors}))
    data, pages = render_docx(rendered, base=BASE, templates=TEMPLATES, where="t", shared_layout=shared)
    assert pages == 42
    target = tmp_path / "report.docx"
    target.write_bytes(data)
    numbers = xpath(part(target, "word/document.xml"),
                    "//w:p[starts-with(w:pPr/w:pStyle/@w:val, 'toc')]//w:t[string(number(.)) != 'NaN']/text()")
    assert numbers and set(numbers) == {"41"}


@pytest.mark.parametrize("content", [
    "", "not json", "[]", '{"pages": 0, "anchors": {}}', '{"pages": "3", "anchors": {}}',
    '{"pages": 3, "anchors": []}', '{"pages": 3, "anchors": {"a": 4}}', '{"pages": 3, "anchors": {"a": "1"}}',
    '{"pages": 3}',
])
def test_a_damaged_layout_file_is_not_used(tmp_path, content):
    path = tmp_path / "layout.json"
    path.write_text(content, encoding="utf-8")
    assert page_layout.load(path) is None


def test_a_missing_layout_file_is_none_and_a_saved_one_reads_back(tmp_path):
    assert page_layout.load(tmp_path / "absent.json") is None
    assert page_layout.load(None) is None
    layout = page_layout.PageLayout(3, {"a": 1, "b": 3})
    page_layout.save(tmp_path / "l.json", layout)
    assert page_layout.load(tmp_path / "l.json") == layout
    assert json.loads((tmp_path / "l.json").read_text()) == {"anchors": {"a": 1, "b": 3}, "pages": 3}


def test_old_layout_files_are_pruned(tmp_path):
    import os

    for number in range(page_layout._KEEP + 10):
        path = tmp_path / f"{number:03}.json"
        path.write_text("{}", encoding="utf-8")
        os.utime(path, (number, number))
    page_layout.save(tmp_path / "new.json", page_layout.PageLayout(1))
    kept = sorted(Path(path).name for path in tmp_path.glob("*.json"))
    assert len(kept) == page_layout._KEEP and "new.json" in kept and "000.json" not in kept
