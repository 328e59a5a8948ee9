"""writers/style_reuse.py: a style sheet shared by several PDFs is parsed once per process; the PDFs, their
@page rules and their warnings do not change."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from briefkit.errors import BuildError
from briefkit.render import Renderer
from briefkit.validate import load_plan
from briefkit.writers import pdf, style_reuse
from conftest import REPO, SAMPLE_PLAN

SHEET = """@page { size: A5; margin: 20mm; @bottom-center { content: "p. " counter(page) " / " counter(pages); } }
body { font-family: 'Noto Serif'; } h1 { color: #123456; } .note { colr: red; }"""
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title><style>{sheet}</style></head>
<body><h1>{title}</h1><p class="note">A note.</p><p style="break-before: page">Page two.</p></body></html>"""


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(style_reuse, "_PARSED", style_reuse.OrderedDict())


def _write(folder: Path, name: str, html: str, strict: bool = False) -> tuple[bytes, list[str]]:
    target = folder / name
    result = pdf.write_pdf(html, roots={"plan": folder, "templates": folder}, target=target, where="test",
                           strict=strict)
    return target.read_bytes(), result.warnings


def test_the_sample_pdfs_of_an_edition_are_the_bytes_weasyprint_writes_alone(tmp_path: Path, fresh, monkeypatch):
    """Three documents, one sheet: the second and third reuse the first's parse and come out unchanged."""
    plan = load_plan(SAMPLE_PLAN)
    renderer = Renderer(REPO / "templates")
    pages = {document: renderer.render(plan, document, "en").html for document in ("handout", "press-brief")}
    roots = {"plan": plan.folder, "templates": REPO / "templates"}

    def write(document: str, name: str) -> bytes:
        pdf.write_pdf(pages[document], roots=roots, target=tmp_path / name, where=document)
        return (tmp_path / name).read_bytes()

    write("handout", "handout.pdf")
    shared = write("press-brief", "shared.pdf")
    assert len(style_reuse._PARSED) == 1  # the press brief's sheet was the handout's
    monkeypatch.setattr(pdf, "reused_style_sheets", contextlib.nullcontext)
    assert shared == write("press-brief", "alone.pdf")


def test_a_reused_sheet_keeps_its_page_rules_and_its_warnings(tmp_path: Path, fresh):
    first, first_warnings = _write(tmp_path, "a.pdf", PAGE.format(sheet=SHEET, title="One"))
    second, second_warnings = _write(tmp_path, "b.pdf", PAGE.format(sheet=SHEET, title="Two"))
    assert len(style_reuse._PARSED) == 1
    for warnings in (first_warnings, second_warnings):
        assert any("colr" in warning for warning in warnings), warnings
    from pypdf import PdfReader

    reader = PdfReader(tmp_path / "b.pdf")
    assert len(reader.pages) == 2
    assert round(float(reader.pages[0].mediabox.width) * 25.4 / 72) == 148  # A5, from the reused @page rule
    assert "p. 2 / 2" in reader.pages[1].extract_text()
    with pytest.raises(BuildError, match="colr"):  # --strict fails on the replayed warning too
        _write(tmp_path, "c.pdf", PAGE.format(sheet=SHEET, title="Three"), strict=True)


@pytest.mark.parametrize("rule", [
    "@font-face { font-family: Mine; src: local('Noto Serif'); }",
    "@import url(other.css);",
    "@counter-style thumbs { system: cyclic; symbols: '*'; }",
    "@layer base { p { color: red; } }",
    ":root { --ink: #222; } p { color: var(--ink); }",
    "@\\69mport url(other.css);",  # an escape could spell any of them
])
def test_a_sheet_whose_parse_reaches_beyond_its_selectors_is_parsed_every_time(tmp_path: Path, fresh, rule: str):
    html = PAGE.format(sheet=f"{rule}\n{SHEET}", title="One")
    if "url(" in rule:  # the confined fetcher refuses the import: each PDF that asks for it, not only the first
        for name in ("a.pdf", "b.pdf"):
            with pytest.raises(BuildError, match="refused to fetch other.css"):
                _write(tmp_path, name, html)
    else:
        assert _write(tmp_path, "a.pdf", html)[0] == _write(tmp_path, "b.pdf", html)[0]
    assert not style_reuse._PARSED


def test_sheets_differing_in_one_character_are_parsed_apart(tmp_path: Path, fresh):
    _write(tmp_path, "a.pdf", PAGE.format(sheet=SHEET, title="One"))
    _write(tmp_path, "b.pdf", PAGE.format(sheet=SHEET.replace("#123456", "#123457"), title="One"))
    assert len(style_reuse._PARSED) == 2
