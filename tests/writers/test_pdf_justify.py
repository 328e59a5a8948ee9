"""Chinese justification (writers/cjk_justify.py): justified CJK lines end on the measure, measured in the PDF
by pdftotext; Latin words keep their width; the Han/Latin gap never starts a line; other WeasyPrints are refused."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import weasyprint
from weasyprint.layout import inline

from briefkit.errors import BuildError
from briefkit.text import space_chinese
from briefkit.writers import cjk_justify
from briefkit.writers.pdf import write_pdf

# A5 with 20 mm margins: the measure runs from 56.69 pt to 362.83 pt.
LEFT, RIGHT = 20 / 25.4 * 72, (148 - 20) / 25.4 * 72
TEXT = ("上海将全力打响“上海制造”品牌，加快迈向全球卓越制造基地。到2020年，<strong>战略性新兴产业</strong>"
        "制造业产值占全市工业总产值比重达到35%左右，形成一批具有全球影响力的先进制造业集群和创新型企业，"
        "打造Made in Shanghai品牌。") * 3


def _html(body: str, lang: str = "zh-CN") -> str:
    return (f'<html lang="{lang}"><style>@page {{ size: A5; margin: 20mm }} body {{ margin: 0 }}'
            'p { text-align: justify; font-family: "Noto Serif", "Noto Serif CJK SC"; font-size: 10.5pt; '
            "line-height: 1.8 } .gap-before { margin-left: .25em } .gap-after { margin-right: .25em }</style>"
            f"<p>{space_chinese(body)}</p></html>")


def _lines(path: Path) -> list[tuple[float, float, str]]:
    """(xMin, xMax, text) of every line pdftotext finds."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    found = []
    for line in re.findall(r'<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)".*?</line>', xml, re.S):
        found.append((float(line[0]), float(line[1]), ""))
    return found


def _words(path: Path) -> dict[str, float]:
    xml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return {word: float(x1) - float(x0)
            for x0, x1, word in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', xml)}


def test_justified_chinese_lines_end_within_a_point_of_the_measure(tmp_path):
    write_pdf(_html(TEXT), roots={"plan": tmp_path}, target=tmp_path / "on.pdf", where="test")
    lines = _lines(tmp_path / "on.pdf")
    assert len(lines) > 8
    for x_min, x_max, _ in lines[:-1]:  # the last line of a paragraph is not justified
        assert abs(x_max - RIGHT) < 1.0, (x_min, x_max)
        assert abs(x_min - LEFT) < 0.5, "a line starts indented: the Han/Latin gap began it"
    assert lines[-1][1] < RIGHT - 20


def test_without_the_extension_the_same_text_is_ragged(tmp_path):
    """The measurement above can fail: WeasyPrint alone leaves these lines short and some indented."""
    weasyprint.HTML(string=_html(TEXT)).write_pdf(tmp_path / "off.pdf")
    lines = _lines(tmp_path / "off.pdf")[:-1]
    assert max(RIGHT - x_max for _, x_max, _ in lines) > 5
    assert any(x_min - LEFT > 2 for x_min, _, _ in lines)


def test_latin_words_are_never_stretched(tmp_path):
    write_pdf(_html(TEXT), roots={"plan": tmp_path}, target=tmp_path / "on.pdf", where="test")
    weasyprint.HTML(string=_html(TEXT)).write_pdf(tmp_path / "off.pdf")
    on, off = _words(tmp_path / "on.pdf"), _words(tmp_path / "off.pdf")
    for word in ("Made", "Shanghai", "2020"):
        assert on[word] == pytest.approx(off[word], abs=0.01), word


def test_english_justification_is_unchanged(tmp_path):
    english = "Shanghai will build its manufacturing brand with ten specific actions over three years. " * 6
    write_pdf(_html(english, "en"), roots={"plan": tmp_path}, target=tmp_path / "on.pdf", where="test")
    weasyprint.HTML(string=_html(english, "en")).write_pdf(tmp_path / "off.pdf")
    assert _lines(tmp_path / "on.pdf") == _lines(tmp_path / "off.pdf")


def test_the_patch_is_active_only_during_our_render(tmp_path):
    original = inline.justify_line, inline.text_align
    with cjk_justify.justified_cjk() as refused:
        assert refused is None
        assert inline.justify_line is cjk_justify.justify_line
    assert (inline.justify_line, inline.text_align) == original


def test_another_weasyprint_gets_a_clear_warning_and_no_patch(tmp_path, monkeypatch):
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    original = inline.justify_line
    with cjk_justify.justified_cjk() as refused:
        assert inline.justify_line is original
    assert refused == ("WeasyPrint 71.0 is not the version briefkit's Chinese justification was tested with "
                       "(70.0): Chinese text is not justified between characters")
    result = write_pdf(_html("中文。"), roots={"plan": tmp_path}, target=tmp_path / "a.pdf", where="test")
    assert result.warnings == [refused, refused.replace("Chinese text is not justified between characters",
                                                        "headlines are not balanced")]
    with pytest.raises(BuildError, match="WeasyPrint 71.0 is not the version"):
        write_pdf(_html("中文。"), roots={"plan": tmp_path}, target=tmp_path / "b.pdf", where="test", strict=True)
