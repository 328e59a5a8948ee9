"""Large faces embedded with compact glyph ids (writers/compact_glyphs.py): the same pages to the pixel, the
same text at the same places, the same fonts, in every kind of reader; each large face numbered 0..n for the
n glyphs shown; and where compaction cannot apply, WeasyPrint's own embedding."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops
from pypdf import PdfReader

from briefkit.fonts import find_family
from briefkit.writers import compact_glyphs, pdf
from briefkit.writers.compact_glyphs import compact_glyph_ids
from briefkit.writers.subset import LARGE_FACE_GLYPHS, cut_to_repertoires

from .glyphs import checksums_hold, glyphs_drawn_otherwise

FAMILIES = ("Noto Serif", "Noto Serif CJK SC", "Noto Sans", "Noto Sans CJK SC")
HTML = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page { size: A6; margin: 10mm; @bottom-center { content: "第 " counter(page) " 页"; } }
body { font-family: "Noto Serif", "Noto Serif CJK SC"; } h1, .quote { font-family: "Noto Sans", "Noto Sans CJK SC"; }
.quote { opacity: 0.8; }  /* drawn in a group: a form XObject with its own content stream */
ol { list-style-type: cjk-decimal; }
</style></head><body><h1>上海制造 Shanghai Manufacturing</h1>
<p>上海市人民政府举行新闻发布会，推出10项专项行动，力争在2020年前完成全市制造业转型升级。<b>名品打造、名企培育。</b>
Chen Mingbo presented <i>four key actions</i>.</p><p class="quote">“上海制造”是高端制造、品质制造、智能制造和绿色制造。</p>
<ol><li>第一项</li><li>第二项</li><li>第三项</li></ol></body></html>"""

pytestmark = pytest.mark.skipif(any(not find_family(family) for family in FAMILIES), reason="needs Noto CJK")


@pytest.fixture(scope="module")
def standard_faces(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CJK faces cut to GB 2312, laid out from as a build lays out a Chinese PDF (glyph ids to ~15,000)."""
    faces = [(face, "gb2312") for family in FAMILIES for face in find_family(family)]
    folder = cut_to_repertoires(faces, tmp_path_factory.mktemp("machine"))
    assert folder is not None
    pdf.use_fonts(None, folder)
    yield folder
    pdf.use_fonts(None, None)


def _write(tmp_path: Path, name: str, html: str, compact: bool, monkeypatch: pytest.MonkeyPatch) -> Path:
    with monkeypatch.context() as patch:
        if not compact:
            patch.setattr(compact_glyphs, "_plan_calls", lambda: None)  # as on a HarfBuzz without the plan API
        target = tmp_path / f"{name}.pdf"
        pdf.write_pdf(html, roots={"plan": tmp_path}, target=target, where=name)
    return target


def _pages(path: Path, folder: Path) -> list[Image.Image]:
    prefix = folder / path.stem
    subprocess.run(["pdftoppm", "-png", "-r", "72", str(path), str(prefix)], check=True)
    return [Image.open(page).convert("RGB") for page in sorted(folder.glob(f"{path.stem}-*.png"))]


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _large_faces(path: Path) -> list[TTFont]:
    """The embedded font programs with a CFF table (the CJK faces), as fontTools reads them; their checksums hold."""
    found = []
    for number, page in enumerate(PdfReader(path).pages):
        for font in page["/Resources"]["/Font"].get_object().values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            data = descriptor.get("/FontFile3")
            if data is not None and number == 0:
                program = data.get_object().get_data()
                assert checksums_hold(program)
                found.append(TTFont(io.BytesIO(program)))
    return found


def test_compact_ids_give_the_same_pages_text_and_fonts(tmp_path, standard_faces, monkeypatch):
    kept = _write(tmp_path, "kept", HTML, compact=False, monkeypatch=monkeypatch)
    compact = _write(tmp_path, "compact", HTML, compact=True, monkeypatch=monkeypatch)
    assert compact.read_bytes() != kept.read_bytes()
    pages = tmp_path / "pages"
    pages.mkdir()
    before, after = _pages(kept, pages), _pages(compact, pages)
    assert len(after) == len(before) >= 1
    for one, other in zip(before, after, strict=True):
        assert ImageChops.difference(one, other).getbbox() is None, "Poppler draws the same pixels"
    assert _run("pdftotext", "-bbox", str(compact), "-") == _run("pdftotext", "-bbox", str(kept), "-")
    assert [line.split()[:3] for line in _run("pdffonts", str(compact)).splitlines()[2:]] == \
        [line.split()[:3] for line in _run("pdffonts", str(kept)).splitlines()[2:]]
    assert glyphs_drawn_otherwise(compact) == [], "pdf.js and Acrobat draw the glyphs Poppler draws"
    # The point of it: small font programs, a PDF a fraction of the size.
    assert compact.stat().st_size < kept.stat().st_size * 0.6


def test_each_large_face_is_numbered_from_0_for_the_glyphs_shown(tmp_path, standard_faces, monkeypatch):
    kept = _large_faces(_write(tmp_path, "kept", HTML, compact=False, monkeypatch=monkeypatch))
    compact = _large_faces(_write(tmp_path, "compact", HTML, compact=True, monkeypatch=monkeypatch))
    assert len(compact) == len(kept) == 4  # serif and sans, regular and bold
    for face in compact:
        assert len(face.getGlyphOrder()) < 200, "a few dozen characters: a few dozen glyphs, not 15,000"
    assert all(len(face.getGlyphOrder()) > LARGE_FACE_GLYPHS / 2 for face in kept), "the ids WeasyPrint keeps"


def test_a_character_no_face_has_keeps_weasyprints_embedding(tmp_path, standard_faces, monkeypatch):
    # A private-use character in a run set in a CJK face alone: that face draws it as .notdef.
    html = HTML.replace("第一项", '<span style="font-family: \'Noto Sans CJK SC\'">第一项\U000F0001</span>')
    kept = _write(tmp_path, "kept", html, compact=False, monkeypatch=monkeypatch)
    compact = _write(tmp_path, "compact", html, compact=True, monkeypatch=monkeypatch)
    assert _run("pdftotext", "-bbox", str(compact), "-") == _run("pdftotext", "-bbox", str(kept), "-")
    assert glyphs_drawn_otherwise(compact) == []
    # The face holding the .notdef keeps its ids; the others are still compact.
    sizes = sorted(len(face.getGlyphOrder()) for face in _large_faces(compact))
    assert sizes[0] < 200 and sizes[-1] > LARGE_FACE_GLYPHS / 2, sizes


def test_writing_leaves_weasyprint_as_it_was(tmp_path, standard_faces, monkeypatch):
    from weasyprint import pdf as weasyprint_pdf
    from weasyprint.pdf import fonts as weasyprint_fonts
    from weasyprint.pdf.stream import Stream

    _write(tmp_path, "compact", HTML, compact=True, monkeypatch=monkeypatch)
    assert "show_text" not in Stream.__dict__
    assert weasyprint_pdf.build_fonts_dictionary is compact_glyphs._ORIGINAL_BUILD_FONTS
    assert weasyprint_fonts.get_hb_object_data is compact_glyphs._ORIGINAL_FACE_DATA


def test_faces_weasyprint_embeds_whole_are_copied_out_for_it(tmp_path, standard_faces):
    """With full_fonts (or a form field) WeasyPrint embeds a face's own bytes: those not copied while drawing
    must be copied before it reads them."""
    import weasyprint

    target = tmp_path / "whole.pdf"
    with compact_glyph_ids():
        weasyprint.HTML(string=HTML).write_pdf(target, full_fonts=True, font_config=pdf._shared_faces(standard_faces))
    fonts = _run("pdffonts", str(target))
    assert "CJK" in fonts
    assert "上海制造" in _run("pdftotext", str(target), "-")
    assert any(len(face.getGlyphOrder()) > LARGE_FACE_GLYPHS / 2 for face in _large_faces(target))
