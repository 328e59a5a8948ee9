"""Font subsets (writers/subset.py): a PDF laid out from its own small CJK faces shows the same text, in
the same fonts, at the same places, on the same pages as one laid out from the installed faces; every
character keeps its glyph; and its bytes do not depend on what else the build holds."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefkit.fonts import face_coverage, find_family
from briefkit.pipeline import BuildOptions, build
from briefkit.project import Project
from briefkit.writers import pdf
from briefkit.writers.subset import (
    MANIFEST,
    covers,
    cut_for_build,
    cut_for_document,
    cut_to_repertoires,
    machine_cache,
    read_manifest,
)
from conftest import REPO

from .glyphs import glyphs_drawn_otherwise

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


@pytest.fixture(scope="module")
def repertoire(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The large faces cut to GB 2312, as a build makes them once per machine."""
    folder = cut_to_repertoires([(face, "gb2312") for face in _faces()], tmp_path_factory.mktemp("machine"))
    assert folder is not None
    return folder


@pytest.fixture
def fonts_from() -> Iterator:
    """Write with a given build copy of the faces (None: the installed faces), then restore."""
    yield pdf.use_fonts
    pdf.use_fonts(None, None)


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
    assert glyphs_drawn_otherwise(small) == [], "pdf.js and Acrobat draw the glyphs Poppler draws"
    assert [line for line in _run("pdfinfo", str(small)).splitlines() if line.startswith("Pages:")] == \
        [line for line in _run("pdfinfo", str(installed)).splitlines() if line.startswith("Pages:")]
    # No 60,000-entry tables in either: the installed faces are embedded numbered compactly too
    # (compact_glyphs.py, which has its own tests); the small faces' point is a quicker layout and write.


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


def _same_page(one: Path, other: Path) -> None:
    """The same text at the same places, in the same fonts, on the same pages."""
    assert _run("pdftotext", "-bbox", str(one), "-") == _run("pdftotext", "-bbox", str(other), "-")
    assert _fonts(one) == _fonts(other)
    assert all(row[3:] == ["yes", "yes", "yes"] for row in _fonts(one)), "embedded, subset, with ToUnicode"
    assert glyphs_drawn_otherwise(one) == [], "pdf.js and Acrobat draw the glyphs Poppler draws"


def test_faces_cut_to_the_standard_set_give_the_same_text_fonts_positions_and_pages(tmp_path, fonts_from, repertoire):
    installed = _write(tmp_path, "installed")
    fonts_from(None, repertoire)
    shared = _write(tmp_path, "shared")
    _same_page(shared, installed)
    assert _write(tmp_path, "again").read_bytes() == shared.read_bytes()  # the warm configuration: same bytes


@pytest.mark.parametrize(("text", "covered"), [
    ("上海推出10项专项行动", True),
    ("①②，「引号」——", True),  # GB 2312's symbols and punctuation
    ("Shanghai, 2018: 70% ✓ → ±", True),  # Latin and signs: every character below the CJK blocks is kept
    ("한국", False),  # Hangul: the SC faces have it, GB 2312 does not
    ("主任王堃", False),  # 堃: not in GB 2312
    ("𠮷野家", False),  # an astral character
])
def test_what_the_standard_set_covers(repertoire, text, covered):
    assert covers(repertoire, f"<p>{text}</p>") is covered


def test_a_character_outside_the_standard_set_takes_the_pdfs_own_cut(tmp_path, fonts_from, repertoire):
    rare = HTML.replace("主任", "主任王堃")
    installed = _write(tmp_path, "installed", rare)
    fonts_from(cut_for_build(_faces(), [rare], tmp_path / "build"), repertoire)
    own = _write(tmp_path, "own", rare)
    _same_page(own, installed)
    fonts_from(cut_for_build(_faces(), [rare, HTML.replace(CHINESE, OTHER)], tmp_path / "more"), repertoire)
    assert _write(tmp_path, "more", rare).read_bytes() == own.read_bytes()  # still its own text alone


def test_the_standard_set_cut_is_made_once_and_named_by_the_fonts_alone(tmp_path, repertoire):
    again = cut_to_repertoires([(face, "gb2312") for face in _faces()], repertoire.parent)
    assert again == repertoire  # no text goes into it: every project and build finds the same folder
    other = cut_to_repertoires([(face, "big5") for face in _faces()], repertoire.parent)
    assert other is not None and other != repertoire


def test_the_machine_cache_is_briefkit_cache_else_the_users(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEFKIT_CACHE", str(tmp_path / "own"))
    assert machine_cache() == tmp_path / "own" / "fonts"
    monkeypatch.delenv("BRIEFKIT_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert machine_cache() == tmp_path / "xdg" / "briefkit" / "fonts"


def test_a_build_without_a_writable_user_cache_cuts_into_the_project(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go")
    monkeypatch.setenv("BRIEFKIT_CACHE", str(blocked))
    shutil.copytree(REPO / "templates", tmp_path / "project" / "templates")
    shutil.copytree(REPO / "content", tmp_path / "project" / "content")
    project = Project(tmp_path / "project")
    report = build(project, ("shanghai-manufacturing",),
                   BuildOptions(documents=("handout",), editions=("zh",), formats=("pdf",), out=tmp_path / "out"))
    assert not report.failures and len(report.built) == 1
    assert any(read_manifest(folder) for folder in (project.cache / "fonts").iterdir())


def test_an_english_pdf_laid_out_with_the_chinese_ones_is_the_pdf_the_installed_faces_give(tmp_path, fonts_from,
                                                                                            repertoire):
    """A worker lays every covered PDF out in one font configuration: English PDFs lose nothing by it."""
    english = HTML.replace('lang="zh-CN"', 'lang="en"').replace(CHINESE * 6, "Shanghai launches 10 actions. " * 20)
    english = re.sub(r"[\u2e80-\uffff]", "", english)
    latin = english.replace("cjk-decimal", "decimal")
    installed = _write(tmp_path, "installed", latin).read_bytes()
    with_markers = _write(tmp_path, "installed-markers", english)
    fonts_from(None, repertoire)
    assert _write(tmp_path, "shared", latin).read_bytes() == installed  # no CJK face drawn: the same bytes
    # CJK list markers in English text draw from the cut faces: the same marks in the same places.
    _same_page(_write(tmp_path, "shared-markers", english), with_markers)
