"""DOCX writer's direct XML (props.py, the package entries, the per-worker caches): the same as python-docx's API."""

from __future__ import annotations

import io
import shutil
import zipfile

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.text.run import Run
from lxml import etree
from PIL import Image

from briefkit.writers.docx import default_document, package_entries, props, theme_of

from .conftest import REPO


def xml(element: object) -> bytes:
    return etree.tostring(element)


def paragraph(document: docx.document.Document, setup: str) -> object:
    """A paragraph of a fresh document: empty, with properties, or with a style already."""
    p = document.add_paragraph()._p
    if setup == "with properties":
        document.paragraphs[-1].paragraph_format.keep_with_next = True
    elif setup == "styled":
        p.style = "Heading1"
    return p


@pytest.mark.parametrize("setup", ["empty", "with properties", "styled"])
@pytest.mark.parametrize("kind", ["paragraph", "run"])
def test_set_style_writes_what_python_docx_writes(setup, kind):
    ours, theirs = (paragraph(docx.Document(), setup) for _ in range(2))
    if kind == "run":
        ours, theirs = (p.add_r() for p in (ours, theirs))
        if setup == "with properties":
            for run in (ours, theirs):
                run.get_or_add_rPr().b_val = True
    props.set_style(ours, "Quote")
    theirs.style = "Quote"
    assert xml(ours) == xml(theirs)


@pytest.mark.parametrize(("style", "bold", "italic"), [
    (None, False, False), ("Hyperlink", False, False), (None, True, False), (None, False, True),
    ("Status", True, True),
])
def test_add_run_writes_what_python_docx_writes(style, bold, italic):
    ours, theirs = (docx.Document().add_paragraph() for _ in range(2))
    props.add_run(ours._p, style, bold=bold, italic=italic)
    run = theirs.add_run()
    if style:
        run.element.style = style  # by id, as the writer did before props.py
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    assert xml(ours._p) == xml(theirs._p)


@pytest.mark.parametrize("text", ["plain", " leading", "trailing ", "", "two  spaces", "中文，标点。", "a\u3000b"])
def test_set_text_writes_what_python_docx_run_text_writes(text):
    ours, theirs = (docx.Document().add_paragraph().add_run() for _ in range(2))
    props.set_text(ours.element, "old text to replace")
    props.set_text(ours.element, text)
    theirs.text = "old text to replace"
    theirs.text = text
    assert xml(ours.element) == xml(theirs.element)
    assert props.text_of(ours.element) == theirs.text


def test_set_text_refuses_control_characters_as_python_docx_does():
    run = docx.Document().add_paragraph().add_run()
    with pytest.raises(ValueError):
        Run(run.element, run._parent).text = "bell\x07"
    with pytest.raises(ValueError):
        props.set_text(run.element, "bell\x07")
    assert props.text_of(run.element) == ""


FONTS = [  # size, bold, colour, caps, underline
    (Pt(11), None, None, False, False),
    (Pt(20), True, RGBColor.from_string("1F4E79"), False, False),
    (None, False, RGBColor.from_string("666666"), True, False),
    (Pt(9.5), None, RGBColor.from_string("1F4E79"), False, True),
]


@pytest.mark.parametrize(("size", "bold", "colour", "caps", "underline"), FONTS)
def test_set_font_writes_what_python_docx_font_writes(size, bold, colour, caps, underline):
    ours, theirs = (docx.Document().styles.add_style("Sample", 1) for _ in range(2))
    for style in (ours, theirs):  # a style with fonts and an italic already, as a template's may be
        style.font.italic = True
        style.font.name = "Georgia"
    props.set_font(ours.element.get_or_add_rPr(), size, bold, colour, caps, underline)
    font = theirs.font
    font.italic = None
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    if colour is not None:
        font.color.rgb = colour
    if caps:
        font.all_caps = True
    if underline:
        font.underline = True
    assert xml(ours.element) == xml(theirs.element)


@pytest.mark.parametrize(("before", "after", "line", "rule"), [
    (Mm(0), Mm(3), Pt(14), WD_LINE_SPACING.AT_LEAST),
    (Mm(4.5), Mm(0), Pt(9.6), WD_LINE_SPACING.AT_LEAST),
    (Mm(4), Mm(0), 1.0, None),  # a picture's paragraph: single spacing
])
def test_set_spacing_writes_what_python_docx_paragraph_format_writes(before, after, line, rule):
    ours, theirs = (docx.Document().styles.add_style("Sample", 1) for _ in range(2))
    for style in (ours, theirs):
        style.paragraph_format.keep_with_next = True  # a later sibling w:spacing goes before
    ours_line, ours_rule = (line, rule) if rule else (Twips(240), WD_LINE_SPACING.MULTIPLE)
    props.set_spacing(ours.element.get_or_add_pPr(), before, after, ours_line, ours_rule)
    fmt = theirs.paragraph_format
    fmt.space_before, fmt.space_after = before, after
    if rule:
        fmt.line_spacing, fmt.line_spacing_rule = line, rule
    else:
        fmt.line_spacing = line
    assert xml(ours.element) == xml(theirs.element)


def test_set_child_keeps_schema_order_whatever_order_children_come_in():
    rpr = OxmlElement("w:rPr")
    for tag in ("w:lang", "w:b", "w:rStyle", "w:sz", "w:rFonts", "w:color"):
        props.set_child(rpr, tag, props.RPR_ORDER)
    assert [child.tag for child in rpr] == [qn(tag) for tag in ("w:rStyle", "w:rFonts", "w:b", "w:color", "w:sz",
                                                                "w:lang")]


def test_package_entries_are_what_save_writes(tmp_path):
    picture = tmp_path / "dot.png"
    Image.new("RGB", (4, 2), "red").save(picture)
    document = default_document()
    document.add_paragraph("Text and a picture").add_run().add_picture(str(picture))
    document.sections[0].header.paragraphs[0].text = "Header"
    document.part.relate_to("https://example.org", docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as archive:
        written = {name: archive.read(name) for name in archive.namelist()}
    assert package_entries(document) == written


def test_default_document_copies_are_fresh_each_time():
    first = default_document()
    first.add_paragraph("written into the first copy")
    first.styles.element.remove(first.styles.element[-1])
    second = default_document()
    assert not second.paragraphs
    assert xml(second.styles.element) == xml(docx.Document().styles.element)


def test_theme_is_read_again_when_theme_yaml_changes(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    theme_file = templates / "theme.yaml"
    assert theme_of(templates) is theme_of(templates)
    before = theme_of(templates).paper
    text = theme_file.read_text(encoding="utf-8")
    changed = "Letter" if before == "A4" else "A4"
    theme_file.write_text(text.replace(f"paper: {before}", f"paper: {changed}"), encoding="utf-8")
    assert theme_of(templates).paper == changed


@pytest.mark.parametrize(("name", "kind"), [("Lead", WD_STYLE_TYPE.PARAGRAPH), ("heading 1", WD_STYLE_TYPE.PARAGRAPH),
                                            ("Status", WD_STYLE_TYPE.CHARACTER), ("Lead (Chinese)", WD_STYLE_TYPE.PARAGRAPH)])
def test_add_style_writes_what_python_docx_writes(name, kind):
    ours, theirs = (docx.Document().styles.element for _ in range(2))
    props.add_style(ours, name, kind)
    theirs.add_style_of_type(name, kind, False)
    assert xml(ours) == xml(theirs)
