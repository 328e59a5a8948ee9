"""DOCX writer: native Word habits, fidelity to the design tokens, scaling and robustness."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
from PIL import Image, ImageChops, ImageStat

from briefkit.pipeline import BuildOptions, build
from briefkit.project import Project
from briefkit.render import RenderedDocument
from briefkit.writers.docx import render_docx

from .conftest import NINE, PLAN, REPO
from .test_docx import W, docx_text, part, write, xpath

# The OOXML schema check lives beside the project, not in it (FIELD_NOTES.md): ../shared/tools from the
# checkout (from a worktree under wt/, one level further up). Used when present, skipped with a reason if not.
CANDIDATES = [folder / "shared" / "tools" / "validate_docx.py" for folder in (REPO.parent, REPO.parent.parent)]
VALIDATOR = next((path for path in CANDIDATES if path.is_file()), None)


def validate(*paths: Path) -> None:
    if VALIDATOR is None:
        pytest.skip(f"the OOXML schema check is not present ({CANDIDATES[0]}): DOCX validity not checked")
    result = subprocess.run([sys.executable, str(VALIDATOR), *map(str, paths)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_sample_docx_passes_the_ooxml_schema_check(sample_docx):
    validate(*(sample_docx / f"{name}.docx" for name in NINE))


def test_lists_use_list_bullet_and_list_number_on_two_shared_definitions(sample_docx):
    path = sample_docx / "stakeholder-report.en.docx"
    styles, numbering, body = (part(path, f"word/{name}.xml") for name in ("styles", "numbering", "document"))
    assert len(xpath(numbering, "w:abstractNum")) == 2  # one for bullets, one for numbers, shared by every list
    bullet_num = xpath(styles, "w:style[@w:styleId='ListBullet']/w:pPr/w:numPr/w:numId/@w:val")
    assert bullet_num and xpath(numbering, f"w:num[@w:numId='{bullet_num[0]}']")
    bullets = xpath(body, "//w:p[w:pPr/w:pStyle/@w:val='ListBullet']")
    assert bullets and not xpath(body, "//w:p[w:pPr/w:pStyle/@w:val='ListBullet'][w:pPr/w:numPr]")
    assert not xpath(body, "//w:pStyle[@w:val='ListParagraph']")
    handout = part(sample_docx / "handout.en.docx", "word/numbering.xml")
    restarts = xpath(handout, "w:num/w:lvlOverride/w:startOverride/@w:val")
    assert restarts == ["1", "1"]  # key actions and additional actions each count from 1


def test_tables_carry_table_styles_not_direct_borders(sample_docx):
    for name in ("stakeholder-report.en", "press-brief.bilingual", "handout.zh"):
        body = part(sample_docx / f"{name}.docx", "word/document.xml")
        tables = xpath(body, "//w:tbl")
        assert tables and all(xpath(table, "w:tblPr/w:tblStyle/@w:val") for table in tables)
        assert not xpath(body, "//w:tblPr/w:tblBorders | //w:tblPr/w:tblCellMar")
    styles = part(sample_docx / "stakeholder-report.en.docx", "word/styles.xml")
    data = xpath(styles, "w:style[@w:styleId='DataTable']")[0]
    assert xpath(data, "w:tblStylePr[@w:type='firstRow']//w:bottom/@w:sz") == ["8"]


def test_bilingual_rows_are_one_table_whose_rows_may_break(sample_docx):
    body = part(sample_docx / "press-brief.bilingual.docx", "word/document.xml")
    parallel = xpath(body, "w:body/w:tbl[w:tblPr/w:tblStyle/@w:val='ParallelText']")
    rows = [len(xpath(table, "w:tr")) for table in parallel]
    assert max(rows) >= 5  # the key actions and their neighbours in one table, not a chain of one-row tables
    free = [row for table in parallel for row in xpath(table, "w:tr") if not xpath(row, "w:trPr/w:cantSplit")]
    assert free  # rows may break across pages, as in the PDF; only a quote box's row is kept whole


def test_bilingual_headline_is_stacked(sample_docx):
    body = part(sample_docx / "press-brief.bilingual.docx", "word/document.xml")
    (headline,) = xpath(body, "//w:p[w:pPr/w:pStyle/@w:val='Heading1']")
    texts = xpath(headline, ".//w:t/text()")
    assert texts[0].startswith("Shanghai launches") and texts[-1].endswith("品牌")
    assert xpath(headline, ".//w:br") and " · " not in "".join(texts)


def test_pictures_and_key_figures_as_the_css_sets_them(sample_docx):
    document = docx.Document(str(sample_docx / "press-brief.en.docx"))
    section = document.sections[0]
    measure = section.page_width - section.left_margin - section.right_margin
    photo = document.inline_shapes[-1]
    assert photo.width <= measure * 0.78 + 1 and photo.height <= docx.shared.Mm(85) + 1
    assert abs(photo.width - measure * 0.78) < docx.shared.Mm(1) or abs(photo.height - docx.shared.Mm(85)) < 12700
    body = part(sample_docx / "press-brief.en.docx", "word/document.xml")
    (figures,) = xpath(body, "//w:tbl[w:tblPr/w:tblStyle/@w:val='KeyFigures']")
    widths = [int(width) for width in xpath(figures, "w:tblGrid/w:gridCol/@w:w")]
    assert len(widths) == 3 and all(abs(width - measure / 635 * 0.32) < 3 for width in widths)


def test_handout_lists_in_two_columns_in_one_language_editions(sample_docx):
    for name, columns in (("handout.en", 2), ("handout.zh", 2)):
        body = part(sample_docx / f"{name}.docx", "word/document.xml")
        tables = xpath(body, "//w:tbl[w:tblPr/w:tblStyle/@w:val='ListColumns']")
        assert tables and {len(xpath(table, "w:tblGrid/w:gridCol")) for table in tables} == {columns}
    assert not xpath(part(sample_docx / "press-brief.en.docx", "word/document.xml"),
                     "//w:tblStyle[@w:val='ListColumns']")


def test_logo_png_twin_is_the_svg_as_the_pdf_draws_it(tmp_path):
    """Word gets the PNG twin of an SVG: it must show the whole SVG (it was once clipped), not another drawing."""
    weasyprint = pytest.importorskip("weasyprint")
    media = REPO / "content" / PLAN / "media"
    for svg in sorted(media.glob("*.svg")):
        twin = Image.open(svg.with_suffix(".png")).convert("RGBA")
        page = f"@page {{ size: {twin.width}px {twin.height}px; margin: 0 }} body {{ margin: 0 }}"
        html = f'<style>{page} img {{ display: block; width: 100%; }}</style><img src="{svg.as_uri()}">'
        weasyprint.HTML(string=html).write_pdf(tmp_path / "svg.pdf")
        subprocess.run(["pdftocairo", "-png", "-singlefile", "-r", "96", "-transp", str(tmp_path / "svg.pdf"),
                        str(tmp_path / "svg")], check=True)
        drawn = Image.open(tmp_path / "svg.png").convert("RGBA").resize(twin.size)
        flat = [Image.alpha_composite(Image.new("RGBA", twin.size, "white"), image).convert("L")
                for image in (twin, drawn)]
        difference = ImageStat.Stat(ImageChops.difference(*flat)).mean[0]
        assert difference < 4, f"{svg.name}: its PNG twin differs from the SVG (mean difference {difference:.1f})"


def test_two_thousand_bilingual_rows_take_linear_time(tmp_path):
    def timed(count: int) -> float:
        rows = "".join(f'<tr><td lang="en"><p class="action"><strong>Action {i}</strong>: text</p></td>'
                       f'<td lang="zh-CN"><p class="action"><strong>行动{i}</strong>：内容</p></td></tr>'
                       for i in range(count))
        html = (f'<!DOCTYPE html><html lang="en"><head><title>T</title></head><body>'
                f'<table class="parallel">{rows}</table></body></html>')
        begun = time.perf_counter()
        render_docx(RenderedDocument("press-brief", "bilingual", "press-brief.html.j2", html, "T"),
                    base=REPO / "content" / PLAN, templates=REPO / "templates", where="t")
        return time.perf_counter() - begun

    timed(50)  # warm-up
    small, large = timed(200), timed(2000)
    assert large < 20 * small, f"200 rows: {small:.2f} s, 2000 rows: {large:.2f} s (quadratic?)"
    assert large < 30


def test_an_overlong_headline_shortens_the_properties_and_keeps_the_text(tmp_path):
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "content", tmp_path / "content")
    plan = tmp_path / "content" / PLAN / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    english = "Shanghai launches 10 specific actions to build the Shanghai Manufacturing brand"
    chinese = "上海推出10项专项行动，全力打响“上海制造”品牌"
    assert english in text and chinese in text
    long_en = " ".join([english] * 3)
    long_zh = "，".join([chinese] * 4)
    plan.write_text(text.replace(english, long_en, 1).replace(chinese, long_zh, 1), encoding="utf-8")
    report = build(Project(tmp_path), (PLAN,), BuildOptions(("press-brief",), ("bilingual",), ("docx",), jobs=1))
    assert not report.failures, report.failures
    path = tmp_path / "output" / PLAN / "press-brief.bilingual.docx"
    properties = docx.Document(str(path)).core_properties
    assert len(properties.title) <= 255 and properties.title.endswith("…")
    assert long_en in docx_text(path) and long_zh.replace("“", "").replace("”", "")[:40] in docx_text(path).replace(
        "“", "").replace("”", "")
    validate(path)


@pytest.mark.parametrize(("body", "shown"), [
    ('<figure><img src="media/missing.png" alt="x"></figure>', "image file not found: media/missing.png"),
    # Only image names are taken (the integrity rules): a plan file is refused by its name, before it is opened.
    ('<figure><img src="plan.yaml" alt="x"></figure>', "image file names end in .png, .jpg, .jpeg or .svg"),
    ('<figure><img src="media/broken.png" alt="x"></figure>', "not a readable image"),
])
def test_bad_pictures_are_located_errors_not_internal_ones(tmp_path, body, shown):
    from briefkit.errors import BuildError
    from briefkit.writers.docx import write_docx

    from .test_docx import WHERE, rendered

    base = tmp_path / "plan"
    (base / "media").mkdir(parents=True)
    (base / "plan.yaml").write_text("schema: 2\n", encoding="utf-8")
    (base / "media" / "broken.png").write_bytes(b"not a PNG: text under an image's name\n")
    with pytest.raises(BuildError) as caught:
        write_docx(rendered(body), base=base, templates=REPO / "templates", target=tmp_path / "out.docx",
                   where=WHERE)
    assert str(caught.value).startswith(f"{WHERE}: <img src=") and shown in str(caught.value)


def test_run_fonts_left_to_styles_in_a_hand_made_chinese_paragraph(tmp_path):
    target = tmp_path / "zh.docx"
    write('<p lang="zh-CN">他说：“上海制造”…… 中文</p>', target)
    body = part(target, "word/document.xml")
    runs = xpath(body, "//w:r[w:t]")
    assert runs and not xpath(body, "//w:rFonts[@w:eastAsia]")
    assert xpath(body, "//w:r/w:rPr/w:rFonts/@w:hint") == ["eastAsia"]
    assert W  # the namespace the helpers read


def test_traditional_edition_is_set_in_the_tc_faces(tmp_path):
    report = build(Project(REPO), (PLAN,), BuildOptions(("handout",), ("zh-Hant",), ("docx",), out=tmp_path,
                                                         jobs=1))
    assert not report.failures, report.failures
    path = tmp_path / PLAN / "handout.zh-Hant.docx"
    styles = part(path, "word/styles.xml")
    assert xpath(styles, "w:docDefaults//w:rFonts/@w:eastAsia") == ["PMingLiU"]
    assert xpath(styles, "w:docDefaults//w:lang/@w:eastAsia") == ["zh-TW"]
    assert xpath(styles, "w:style[@w:styleId='Heading1']/w:rPr/w:rFonts/@w:eastAsia") == ["Microsoft JhengHei"]
    a = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    theme = part(path, "word/theme/theme1.xml")
    assert theme.xpath("string(//a:minorFont/a:ea/@typeface)", namespaces=a) == "PMingLiU"
    assert sorted(xpath(part(path, "word/fontTable.xml"), "w:font/@w:name")) == [
        "Arial", "Georgia", "Microsoft JhengHei", "PMingLiU"]
    assert docx.Document(str(path)).core_properties.language == "zh-Hant"
    validate(path)


def test_a_huge_document_saves_its_toc_without_a_second_layout(sample_html, tmp_path, monkeypatch):
    import briefkit.writers.docx as writer

    html = (sample_html / "stakeholder-report.en.html").read_text(encoding="utf-8")
    monkeypatch.setattr(writer, "LAYOUT_LIMIT", len(html) - 1)
    data, pages = render_docx(RenderedDocument("stakeholder-report", "en", "stakeholder-report.html.j2", html, "T"),
                              base=REPO / "content" / PLAN, templates=REPO / "templates", where="t")
    assert pages is None
    target = tmp_path / "report.docx"
    target.write_bytes(data)
    body = part(target, "word/document.xml")
    assert len(xpath(body, "//w:instrText[contains(., 'PAGEREF')]")) == 12  # Word fills the numbers with F9
    assert not xpath(body, "//w:p[w:pPr/w:pStyle/@w:val='toc2']//w:t[string(number(.)) != 'NaN']")
