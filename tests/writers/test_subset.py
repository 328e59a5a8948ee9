"""Font subsets (writers/subset.py): a PDF laid out from its own small CJK faces shows the same text, in
the same fonts, at the same places, on the same pages as one laid out from the installed faces; every
character keeps its glyph; and its bytes do not depend on what else the build holds."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefkit.fonts import face_coverage, find_family
from briefkit.writers import pdf
from briefkit.writers.subset import MANIFEST, cut_for_build, cut_for_document, read_manifest

FAMILIES = ("Noto Serif", "Noto Serif CJK SC", "Noto Sans", "Noto Sans CJK SC")
CHINESE = "上海推出10项专项行动，全力打响“上海制造”品牌。主任陈鸣波介绍：到2020年，先进制造业增加值占比约70%。"
OTHER = "鑫犇龘：另一份文件里的字。"
HTML = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page {{ size: A6; margin: 10mm; @bottom-center {{ content: "第 " counter(page) " 页"; font-family: "Noto Sans",
"Noto Sans CJK SC"; }} }}
body {{ font-family: "Noto Serif", "Noto Serif CJK SC"; }} h1 {{ font-family: "Noto Sans", "Noto Sans CJK SC"; }}
ol {{ list-style-type: cjk-decimal; }}  /* the third marker is in no text */
</style></head><body><h1>上海制造 Shanghai</h1><p>{CHINESE * 6}</p><p><b>{CHINESE}</b></p>
<ol><li>第一项</li><li>第二项</li><li>最后</li></ol></body></html>"""

pytestmark = pytest.mark.skipif(any(not find_family(family) for family in FAMILIES), reason="needs Noto CJK")


def _faces() -> list:
    return [face for family in FAMILIES for face in find_family(family)]


@pytest.fixture
def fonts_from() -> Iterator:
    """Write with a given build copy of the faces (None: the installed faces), then restore."""
    yield pdf.use_fonts
    pdf.use_fonts(None)


def _write(tmp_path: Path, name: str, html: str = HTML) -> Path:
    target = tmp_path / f"{name}.pdf"
    pdf.write_pdf(html, roots={"plan": tmp_path}, target=target, where=name)
    return target


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _fonts(path: Path) -> list[list[str]]:
    """pdffonts' rows: name, type, encoding, embedded, subset, ToUnicode (the object number left out)."""
    rows = re.findall(r"^(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$",
                      _run("pdffonts", str(path)), re.MULTILINE)
    return [list(row) for row in rows]


def test_small_faces_give_the_same_text_fonts_positions_and_pages(tmp_path, fonts_from):
    installed = _write(tmp_path, "installed")
    fonts_from(cut_for_build(_faces(), [HTML], tmp_path / "cache"))
    small = _write(tmp_path, "small")
    assert _run("pdftotext", "-bbox", str(small), "-") == _run("pdftotext", "-bbox", str(installed), "-")
    assert _fonts(small) == _fonts(installed)
    assert any("CJK" in row[0] for row in _fonts(small))
    assert all(row[3:] == ["yes", "yes", "yes"] for row in _fonts(small)), "embedded, subset, with ToUnicode"
    assert [line for line in _run("pdfinfo", str(small)).splitlines() if line.startswith("Pages:")] == \
        [line for line in _run("pdfinfo", str(installed)).splitlines() if line.startswith("Pages:")]
    # The point of it: no 60,000-entry tables in every PDF.
    assert small.stat().st_size < installed.stat().st_size / 2


def test_a_pdf_does_not_depend_on_the_rest_of_the_build(tmp_path, fonts_from):
    fonts_from(cut_for_build(_faces(), [HTML], tmp_path / "alone"))
    alone = _write(tmp_path, "alone").read_bytes()
    fonts_from(cut_for_build(_faces(), [HTML, HTML.replace(CHINESE, OTHER)], tmp_path / "with-more"))
    assert _write(tmp_path, "with-more").read_bytes() == alone


def test_every_character_keeps_its_glyph(tmp_path):
    build_copy = cut_for_build(_faces(), [HTML], tmp_path / "cache")
    assert build_copy is not None and (build_copy / MANIFEST).is_file()
    entries = cut_for_document(build_copy, HTML, tmp_path / "document")
    assert {Path(entry["file"]).name for entry in entries} == {Path(entry["file"]).name for entry in
                                                               read_manifest(build_copy)}
    for entry in entries:
        original = face_coverage(Path(entry["file"]), entry["index"])
        small = face_coverage(tmp_path / "document" / entry["subset"], 0)
        wanted = {ord(char) for char in HTML} & original
        assert wanted <= small, [chr(code) for code in wanted - small]
        assert len(small) < len(original) / 10


def test_english_only_text_cuts_nothing(tmp_path):
    assert cut_for_build(_faces(), ["<p>Shanghai, 2018</p>"], tmp_path / "cache") is None
