"""DOCX with a reference document (pandoc's reference.docx workflow): its page, header and fonts reach the output."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.shared import Inches, Pt
from lxml import etree

from briefkit.cli import cli
from briefkit.pipeline import BuildOptions, build
from briefkit.project import Project
from briefkit.writers.docx import default_reference

from .conftest import PLAN, REPO
from .test_docx import W, docx_text, part, parts, xpath
from .test_docx_native import validate

OURS = {"Georgia", "Arial", "SimSun", "Microsoft YaHei", "Noto Serif", "Noto Sans", "Noto Serif CJK SC",
        "Noto Sans CJK SC"}


def _explicit(style, face: str) -> None:
    """A face chosen in Word's font box: named outright, no theme font left to override it."""
    style.font.name = face
    fonts = style.element.rPr.rFonts
    for key in [key for key in fonts.attrib if "heme" in key]:
        del fonts.attrib[key]
    fonts.set(f"{{{W}}}eastAsia", face)


def letter_reference(path: Path) -> Path:
    """US Letter, 0.75 in margins, DejaVu Serif body and DejaVu Sans headings, a Quote style of its own."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = Inches(0.75)
    _explicit(document.styles["Normal"], "DejaVu Serif")
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        _explicit(document.styles[name], "DejaVu Sans")
    document.styles["Quote"].font.size = Pt(13)
    document.add_paragraph("Reference body text that must not survive")
    document.save(str(path))
    return path


def letterhead_reference(path: Path) -> Path:
    """A4 with a letterhead in the page header and nothing in the footer."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.27), Inches(11.69)
    section.header.paragraphs[0].text = "ACME CORP LETTERHEAD"
    document.save(str(path))
    return path


def build_with(tmp_path: Path, reference: Path, documents: tuple[str, ...] = ("press-brief",),
               editions: tuple[str, ...] = ("en",)) -> Path:
    options = BuildOptions(documents, editions, ("docx",), out=tmp_path / "out", reference_doc=reference, jobs=1)
    report = build(Project(REPO), (PLAN,), options)
    assert not report.failures, report.failures
    return tmp_path / "out" / PLAN


def resolved_face(styles: etree._Element, style_id: str) -> str:
    """The Latin face a paragraph style gets, up its basedOn chain, else from the defaults ("theme:" if themed)."""
    by_id = {s.get(f"{{{W}}}styleId"): s for s in xpath(styles, "w:style")}
    current = by_id.get(style_id)
    while current is not None:
        fonts = xpath(current, "w:rPr/w:rFonts")
        if fonts and (fonts[0].get(f"{{{W}}}asciiTheme") or fonts[0].get(f"{{{W}}}ascii")):
            return fonts[0].get(f"{{{W}}}ascii") if fonts[0].get(f"{{{W}}}asciiTheme") is None else \
                "theme:" + fonts[0].get(f"{{{W}}}asciiTheme")
        based = xpath(current, "w:basedOn/@w:val")
        current = by_id.get(based[0]) if based else None
    fonts = xpath(styles, "w:docDefaults/w:rPrDefault/w:rPr/w:rFonts")
    return "theme:defaults" if not fonts or fonts[0].get(f"{{{W}}}asciiTheme") else fonts[0].get(f"{{{W}}}ascii")


def test_letter_reference_gives_page_margins_and_fonts_to_every_style(tmp_path):
    reference = letter_reference(tmp_path / "letter.docx")
    out = build_with(tmp_path, reference, ("press-brief", "stakeholder-report"), ("en", "bilingual"))
    validate(*sorted(out.glob("*.docx")))
    for path in sorted(out.glob("*.docx")):
        document = docx.Document(str(path))
        section = document.sections[0]
        assert (round(section.page_width.inches, 2), round(section.page_height.inches, 2)) == (8.5, 11.0), path.name
        assert round(section.left_margin.inches, 2) == 0.75
        assert "Reference body text" not in docx_text(path)
        styles, body = part(path, "word/styles.xml"), part(path, "word/document.xml")
        used = set(xpath(body, "//w:pStyle/@w:val"))
        faces = {style: resolved_face(styles, style) for style in used}
        assert not {style: face for style, face in faces.items() if face in OURS}, path.name
        assert faces["Lead"] == "DejaVu Serif" and faces["Heading2"] == "DejaVu Sans"
        assert faces.get("Meta", faces.get("Issuer")) == "DejaVu Sans"  # our sans styles take its heading face
        # Its Quote wins; our attribution is based on it and adds no panel of its own: no broken box.
        assert xpath(styles, "w:style[@w:styleId='Quote']/w:rPr/w:sz/@w:val") == ["26"]
        attribution = xpath(styles, "w:style[@w:styleId='QuoteAttribution']")[0]
        assert xpath(attribution, "w:basedOn/@w:val") == ["Quote"] and not xpath(attribution, "w:pPr/w:pBdr")
        assert not xpath(styles, "w:style[@w:styleId='Quote']/w:pPr/w:pBdr")


def test_letterhead_header_is_left_alone_and_our_footer_added(tmp_path):
    reference = letterhead_reference(tmp_path / "letterhead.docx")
    out = build_with(tmp_path, reference, ("press-brief", "stakeholder-report"), ("en",))
    validate(*sorted(out.glob("*.docx")))
    for name in ("press-brief.en.docx", "stakeholder-report.en.docx"):
        document = docx.Document(str(out / name))
        section = document.sections[0]
        assert [p.text for p in section.header.paragraphs] == ["ACME CORP LETTERHEAD"]  # not glued to ours
        assert not section.different_first_page_header_footer  # the letterhead shows on the cover too
        footer = part(out / name, "word/footer1.xml") if "word/footer1.xml" in zipfile.ZipFile(
            out / name).namelist() else None
        assert footer is not None and "PAGE" in "".join(xpath(footer, "//w:instrText/text()"))
        assert round(section.page_width.mm) == 210


def test_draft_watermark_joins_a_reference_header_without_a_line(tmp_path):
    reference = letterhead_reference(tmp_path / "letterhead.docx")
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    plan = content / PLAN / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("status: final", "status: draft", 1), encoding="utf-8")
    options = BuildOptions(("handout",), ("en",), ("docx",), reference_doc=reference, jobs=1)
    report = build(Project(tmp_path), (PLAN,), options)
    assert not report.failures, report.failures
    path = tmp_path / "output" / PLAN / "handout.en.docx"
    header = docx.Document(str(path)).sections[0].header
    assert [p.text for p in header.paragraphs] == ["ACME CORP LETTERHEAD"]
    marks = [mark for root in parts(path, "word/header") for mark in xpath(root, "//v:textpath/@string")]
    assert marks == ["DRAFT 草稿"]


def test_theme_setting_names_the_reference(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    letter_reference(templates / "house.docx")
    theme = templates / "theme.yaml"
    theme.write_text(theme.read_text(encoding="utf-8").replace("  reference: null", "  reference: house.docx"),
                     encoding="utf-8")
    shutil.copytree(REPO / "content", tmp_path / "content")
    report = build(Project(tmp_path), (PLAN,), BuildOptions(("handout",), ("zh",), ("docx",), jobs=1))
    assert not report.failures, report.failures
    section = docx.Document(str(tmp_path / "output" / PLAN / "handout.zh.docx")).sections[0]
    assert round(section.page_width.inches, 2) == 8.5


def test_reference_doc_command_writes_the_default_and_it_round_trips(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["--project", str(REPO), "reference-doc"])
    assert result.exit_code == 0, result.output
    custom = tmp_path / "custom.docx"
    custom.write_bytes(result.stdout_bytes)
    assert custom.read_bytes() == default_reference(REPO / "templates")  # reproducible
    document = docx.Document(str(custom))
    names = {style.name for style in document.styles}
    assert {"Lead", "Standfirst", "Meta", "Action", "Quote Attribution", "Key Figure Value", "List Number",
            "Table Text", "Contact"} <= names
    assert round(document.sections[0].page_width.mm) == 210
    out = tmp_path / "out"
    result = runner.invoke(cli, ["--project", str(REPO), "build", PLAN, "--doc", "handout", "--lang", "en",
                                 "--format", "docx", "--out", str(out), "--reference-doc", str(custom), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    styles = part(out / PLAN / "handout.en.docx", "word/styles.xml")
    assert xpath(styles, "w:style[@w:styleId='Heading1']/w:rPr/w:rFonts/@w:ascii") == ["Arial"]


@pytest.mark.parametrize(("args", "message"), [
    (["build", PLAN, "--reference-doc", "missing.docx"], "'missing.docx' does not exist"),
])
def test_reference_doc_usage_errors(args, message):
    result = CliRunner().invoke(cli, ["--project", str(REPO), *args])
    assert result.exit_code == 2 and message in result.output


def test_unreadable_reference_is_a_located_build_failure(tmp_path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    options = BuildOptions(("handout",), ("en",), ("docx",), out=tmp_path / "out", reference_doc=broken, jobs=1)
    report = build(Project(REPO), (PLAN,), options)
    assert report.failures and all(f"{broken}: not a readable Word document" in str(error)
                                   for _, error in report.failures)
