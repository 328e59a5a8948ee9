"""DOCX writer: the nine sample documents judged by their XML parts, their text and their bytes."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import docx
import lxml.html
import pytest
from lxml import etree

from briefkit.errors import BuildError
from briefkit.pipeline import BuildOptions, build
from briefkit.project import Project
from briefkit.render import RenderedDocument
from briefkit.writers.docx import write_docx

from .conftest import NINE, PLAN, REPO

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "v": "urn:schemas-microsoft-com:vml",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
}
WHERE = "templates/press-brief.html.j2 (hand-made press-brief.en)"


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


def parts(path: Path, prefix: str) -> list[etree._Element]:
    with zipfile.ZipFile(path) as package:
        return [etree.fromstring(package.read(n)) for n in sorted(package.namelist()) if n.startswith(prefix)]


def xpath(element: etree._Element, query: str) -> list:
    return element.xpath(query, namespaces=NS)


def html_texts(path: Path) -> list[str]:
    """Every text node of the body in document order, whitespace normalised, style and script left out."""
    texts: list[str] = []

    def visit(element: etree._Element) -> None:
        if isinstance(element.tag, str) and element.tag not in ("style", "script"):
            texts.append(element.text or "")
            for child in element:
                visit(child)
        texts.append(element.tail or "")

    body = lxml.html.document_fromstring(path.read_text(encoding="utf-8")).find("body")
    for child in body:
        visit(child)
    return [" ".join(text.split()) for text in texts if text.split()]


def docx_text(path: Path) -> str:
    """The page headers' text, then the body's (table cells included), in document order."""
    document = docx.Document(str(path))
    section = document.sections[0]
    roots = [section.header.part.element]
    if section.different_first_page_header_footer:
        roots.append(section.first_page_header.part.element)
    roots.append(document.element.body)
    pieces = []
    for root in roots:
        for element in root.iter():
            if element.tag == f"{{{W}}}t":
                pieces.append(element.text or "")
            elif element.tag in (f"{{{W}}}p", f"{{{W}}}br", f"{{{W}}}tab"):
                pieces.append(" ")
            elif element.tag == f"{{{NS['v']}}}textpath":
                pieces.append(f" {element.get('string', '')} ")
    return " ".join("".join(pieces).split())


def rendered(body: str, head: str = "") -> RenderedDocument:
    html = f'<!DOCTYPE html><html lang="en"><head><title>T</title>{head}</head><body>{body}</body></html>'
    return RenderedDocument("press-brief", "en", "press-brief.html.j2", html, "T")


def write(body: str, target: Path, head: str = "") -> None:
    write_docx(rendered(body, head), base=REPO / "content" / PLAN, templates=REPO / "templates",
               target=target, where=WHERE)


@pytest.mark.parametrize("name", NINE)
def test_python_docx_reads_every_output(sample_docx, name):
    document = docx.Document(str(sample_docx / f"{name}.docx"))
    assert any(p.style.name.startswith("Heading") for p in document.paragraphs)
    assert document.sections[0].header.paragraphs[0].text


@pytest.mark.parametrize("name", NINE)
def test_every_html_text_node_is_in_the_docx_in_order(sample_docx, sample_html, name):
    text = docx_text(sample_docx / f"{name}.docx")
    position = 0
    for node in html_texts(sample_html / f"{name}.html"):
        found = text.find(node, position)
        assert found >= 0, f"{node!r} missing after ...{text[max(0, position - 60):position]!r}"
        position = found + len(node)


def test_east_asian_fonts_and_language_on_styles_and_runs(sample_docx):
    path = sample_docx / "press-brief.bilingual.docx"
    styles = part(path, "word/styles.xml")
    default = xpath(styles, "w:docDefaults/w:rPrDefault/w:rPr")[0]
    assert xpath(default, "w:rFonts/@w:eastAsia") == ["Noto Serif CJK SC"]
    assert xpath(default, "w:rFonts/@w:ascii") == ["Noto Serif"]
    assert xpath(default, "w:lang/@w:eastAsia") == ["zh-CN"]
    heading = xpath(styles, "w:style[@w:styleId='Heading1']/w:rPr/w:rFonts")[0]
    assert heading.get(f"{{{W}}}eastAsia") == "Noto Sans CJK SC"
    assert not [name for name in heading.attrib if "heme" in name]  # theme fonts would override the faces
    paragraph_defaults = xpath(styles, "w:docDefaults/w:pPrDefault/w:pPr")[0]
    assert [etree.QName(child).localname for child in paragraph_defaults][:3] == ["kinsoku", "autoSpaceDE",
                                                                                 "autoSpaceDN"]
    body = part(path, "word/document.xml")
    chinese = xpath(body, "//w:r[w:t[contains(., '上海')]]")
    assert chinese
    for run in chinese:
        assert xpath(run, "w:rPr/w:lang/@w:eastAsia") == ["zh-CN"]
        assert xpath(run, "w:rPr/w:rFonts/@w:eastAsia")[0].endswith("CJK SC")
        assert xpath(run, "w:rPr/w:rFonts/@w:hint") == ["eastAsia"]


def test_settings_fix_the_template_defaults(sample_docx):
    settings = part(sample_docx / "handout.zh.docx", "word/settings.xml")
    assert xpath(settings, "w:themeFontLang/@w:eastAsia") == ["zh-CN"]
    assert xpath(settings, "w:zoom/@w:percent") == ["100"]
    assert not xpath(settings, "w:updateFields")  # no TOC, no prompt to update fields


def test_toc_is_a_field_with_the_entries_as_placeholder(sample_docx):
    path = sample_docx / "stakeholder-report.en.docx"
    assert xpath(part(path, "word/settings.xml"), "w:updateFields/@w:val") == ["true"]
    body = part(path, "word/document.xml")
    instructions = [text.strip() for text in xpath(body, "//w:instrText/text()")]
    assert instructions == ['TOC \\o "1-3" \\h \\z \\u']
    kinds = xpath(body, "//w:fldChar/@w:fldCharType")
    assert kinds == ["begin", "separate", "end"]
    entries = xpath(body, "//w:p[w:pPr/w:pStyle/@w:val='toc1']")
    texts = ["".join(xpath(p, ".//w:t/text()")) for p in entries]
    assert texts[0] == "Four brands for Shanghai" and texts[-1] == "Media contacts" and len(texts) == 12
    assert xpath(entries[0], "w:r/w:fldChar/@w:fldCharType") == ["begin", "separate"]
    assert xpath(entries[-1], "w:r/w:fldChar/@w:fldCharType") == ["end"]
    anchors = xpath(body, "//w:hyperlink/@w:anchor")
    assert set(anchors) <= set(xpath(body, "//w:bookmarkStart/@w:name"))


@pytest.mark.parametrize(("name", "pieces"), [
    ("handout.en", ["Page ", "PAGE", " of ", "NUMPAGES"]),
    ("handout.zh", ["第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页"]),
])
def test_footer_has_page_and_numpages_fields(sample_docx, name, pieces):
    (footer,) = parts(sample_docx / f"{name}.docx", "word/footer")
    found = [piece.strip() if node.tag.endswith("instrText") else piece
             for node in xpath(footer, "//w:t | //w:instrText") for piece in [node.text]]
    assert [piece for piece in found if piece != "1"] == pieces


def test_each_ordered_list_restarts(sample_docx):
    path = sample_docx / "handout.en.docx"
    numbering = part(path, "word/numbering.xml")
    body = part(path, "word/document.xml")
    used = xpath(body, "//w:p/w:pPr/w:numPr/w:numId/@w:val")
    ordered = [number for number in dict.fromkeys(used)
               if xpath(numbering, f"w:num[@w:numId='{number}']/w:lvlOverride/w:startOverride/@w:val") == ["1"]]
    assert len(ordered) >= 2  # key actions and additional actions: two lists, two counters
    counts = [used.count(number) for number in ordered[:2]]
    assert counts == [4, 6]
    bilingual = part(sample_docx / "handout.bilingual.docx", "word/numbering.xml")
    starts = xpath(bilingual, "w:num/w:lvlOverride/w:startOverride/@w:val")
    assert "6" in starts  # <ol start="6"> keeps counting in the aligned rows


def test_data_tables_repeat_their_header_row(sample_docx):
    body = part(sample_docx / "stakeholder-report.zh.docx", "word/document.xml")
    headers = xpath(body, "//w:tbl[w:tr[1]/w:trPr/w:tblHeader]")
    assert len(headers) == 2  # the targets table and the glossary
    for table in headers:
        widths = [int(w) for w in xpath(table, "w:tblGrid/w:gridCol/@w:w")]
        assert min(widths) > 0.1 * sum(widths)


def test_hyperlinks_are_external_relationships(sample_docx):
    path = sample_docx / "press-brief.en.docx"
    body = part(path, "word/document.xml")
    rels = part(path, "word/_rels/document.xml.rels")
    (link,) = xpath(body, "//w:hyperlink[@r:id]")
    rel_id = link.get(f"{{{NS['r']}}}id")
    (rel,) = [rel for rel in rels if rel.get("Id") == rel_id]
    assert rel.get("Target") == "mailto:press@example.org" and rel.get("TargetMode") == "External"
    assert "".join(xpath(link, ".//w:t/text()")) == "press@example.org"


@pytest.mark.parametrize("name", NINE)
def test_no_chinese_run_is_italic(sample_docx, name):
    body = part(sample_docx / f"{name}.docx", "word/document.xml")
    assert not xpath(body, "//w:r[w:rPr/w:lang/@w:eastAsia='zh-CN'][w:rPr/w:i]")
    styles = part(sample_docx / f"{name}.docx", "word/styles.xml")
    assert not xpath(styles, "w:style[@w:styleId='Quote']/w:rPr/w:i")


def test_em_is_bold_in_chinese_and_italic_in_english(tmp_path):
    target = tmp_path / "em.docx"
    write('<p>An <em>English</em> word <span lang="zh-CN">和<em>中文</em></span></p>'
          '<p lang="zh-CN">中国<em>强调</em></p>', target)
    body = part(target, "word/document.xml")
    for word, italic, bold in (("English", True, False), ("中文", False, True), ("强调", False, True)):
        (run,) = xpath(body, f"//w:r[w:t='{word}']")
        assert bool(xpath(run, "w:rPr/w:i")) is italic, word
        assert bool(xpath(run, "w:rPr/w:b")) is bold, word


def test_core_properties_come_from_the_html_head(sample_docx, sample_html):
    html = lxml.html.document_fromstring((sample_html / "press-brief.bilingual.html").read_bytes())
    (modified,) = html.xpath("//meta[@name='dcterms.modified']/@content")
    properties = docx.Document(str(sample_docx / "press-brief.bilingual.docx")).core_properties
    assert properties.title.startswith("Press brief | Shanghai launches") and "新闻简报" in properties.title
    assert properties.author == "Shanghai Municipal People's Government · 上海市人民政府"
    assert properties.subject == "Press brief · 新闻简报"
    assert "上海制造" in properties.keywords
    assert properties.language == "en"
    built = dt.datetime.fromisoformat(modified).replace(tzinfo=dt.UTC)  # SOURCE_DATE_EPOCH, never the clock
    assert properties.created == properties.modified == built
    assert properties.last_modified_by == "briefkit" and properties.revision == 1


def test_page_pictures_and_margins(sample_docx):
    document = docx.Document(str(sample_docx / "stakeholder-report.en.docx"))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.right_margin, section.bottom_margin,
                                  section.left_margin)] == [24, 20, 22, 20]
    width = section.page_width - section.left_margin - section.right_margin
    shapes = document.inline_shapes
    assert len(shapes) == 4  # the logo (its SVG's PNG twin) and three photos
    assert all(shape.width <= width for shape in shapes)
    assert round(shapes[0].height.mm) == 16
    body = part(sample_docx / "stakeholder-report.en.docx", "word/document.xml")
    assert all(xpath(body, "//wp:docPr/@descr"))


@pytest.mark.parametrize(("body", "shown"), [
    ("<blink>x</blink>", "<blink>"),
    ('<div class="sidebar"><p>x</p></div>', '<div class="sidebar">'),
    ('<p class="shout">x</p>', '<p class="shout">'),
    ('<p>a <span class="glow">b</span></p>', '<span class="glow">'),
    ('<table class="fancy"><tr><td>x</td></tr></table>', '<table class="fancy">'),
    ("<ul><li>a <u>b</u></li></ul>", "<u>"),
])
def test_element_outside_the_vocabulary_is_an_error(tmp_path, body, shown):
    target = tmp_path / "out.docx"
    with pytest.raises(BuildError) as caught:
        write(body, target)
    assert str(caught.value) == f"{WHERE}: {shown} is not in the HTML vocabulary (docs/html-vocabulary.md)"
    assert not target.exists() and not list(tmp_path.iterdir())


def test_image_outside_the_plan_folder_is_an_error(tmp_path):
    with pytest.raises(BuildError, match=r"leads outside the plan folder"):
        write('<figure><img src="../../templates/theme.yaml" alt="x"></figure>', tmp_path / "out.docx")


def test_same_html_gives_the_same_bytes(sample_html, sample_docx, tmp_path):
    html = (sample_html / "stakeholder-report.bilingual.html").read_text(encoding="utf-8")
    document = RenderedDocument("stakeholder-report", "bilingual", "stakeholder-report.html.j2", html, "T")
    outputs = []
    for name in ("one.docx", "two.docx"):
        where = f"templates/stakeholder-report.html.j2 ({PLAN} stakeholder-report.bilingual)"
        write_docx(document, base=REPO / "content" / PLAN, templates=REPO / "templates", target=tmp_path / name,
                   where=where)
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    # The pipeline wrote its copy in a worker process, with another hash seed: still the same bytes.
    assert outputs[0] == (sample_docx / "stakeholder-report.bilingual.docx").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.docx") as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert package.namelist()[0] == "[Content_Types].xml"


def test_draft_and_embargo_marks_in_the_page_header(tmp_path):
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "content", tmp_path / "content")
    plan_file = tmp_path / "content" / PLAN / "plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    text = text.replace("status: final", "status: draft", 1).replace(
        "embargo: null", "embargo: 2018-05-07T10:00:00+08:00", 1)
    plan_file.write_text(text, encoding="utf-8")
    project = Project(tmp_path)
    report = build(project, (PLAN,), BuildOptions(("stakeholder-report",), ("bilingual",), ("docx",)))
    assert not report.failures, report.failures
    path = project.output / PLAN / "stakeholder-report.bilingual.docx"
    header = docx.Document(str(path)).sections[0].header
    lines = [paragraph.text for paragraph in header.paragraphs]
    # The header holds the short marks on one line; the full embargo line is in the masthead and properties.
    assert "DRAFT 草稿" in lines[1] and "EMBARGOED" in lines[1]
    headers = parts(path, "word/header")
    marks = [mark for header in headers for mark in xpath(header, "//v:textpath/@string")]
    assert marks == ["DRAFT 草稿", "DRAFT 草稿"]  # the running pages and the cover
    assert docx.Document(str(path)).core_properties.comments.startswith("EMBARGOED UNTIL")
    assert re.search(r"EMBARGOED UNTIL", docx_text(path))


def test_nested_lists_take_the_next_level(tmp_path):
    target = tmp_path / "lists.docx"
    write('<ol start="3"><li>three<ul><li>inner</li></ul></li><li>four</li></ol><ol><li>one</li></ol>', target)
    body, numbering = part(target, "word/document.xml"), part(target, "word/numbering.xml")
    levels = {"".join(xpath(p, ".//w:t/text()")): (p.xpath("string(w:pPr/w:numPr/w:ilvl/@w:val)", namespaces=NS),
                                                     p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS))
              for p in xpath(body, "//w:p[w:pPr/w:numPr]")}
    assert levels["three"][0] == levels["four"][0] == "0" and levels["inner"][0] == "1"
    assert len({levels[word][1] for word in ("three", "inner", "one")}) == 3
    starts = {number: xpath(numbering, f"w:num[@w:numId='{number}']/w:lvlOverride/w:startOverride/@w:val")
              for _, number in levels.values()}
    assert starts[levels["three"][1]] == ["3"] and starts[levels["one"][1]] == ["1"]


def test_stray_text_outside_a_block_is_an_error(tmp_path):
    with pytest.raises(BuildError, match=r'text \'stray\' directly inside <div class="cover">'):
        write('<div class="cover">stray<p>x</p></div>', tmp_path / "out.docx")


def test_reference_docx_styles_win_and_paper_comes_from_the_theme(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    theme = templates / "theme.yaml"
    theme.write_text(theme.read_text(encoding="utf-8").replace("paper: A4", "paper: Letter"), encoding="utf-8")
    reference = docx.Document()
    reference.styles["Normal"].font.name = "Liberation Serif"
    reference.add_paragraph("Reference body text that must not survive")
    reference.save(str(templates / "reference.docx"))
    target = tmp_path / "out.docx"
    write_docx(rendered('<h1>Title</h1><div class="key-figures"><div class="key-figure"><span class="value">1'
                        '</span><span class="label" lang="en">one</span></div></div>'),
               base=REPO / "content" / PLAN, templates=templates, target=target, where=WHERE)
    document = docx.Document(str(target))
    assert document.styles["Normal"].font.name == "Liberation Serif"
    assert "Key Figure Value" in document.styles  # what the reference lacks comes from the theme
    assert "Reference body text" not in docx_text(target)
    assert round(document.sections[0].page_width.mm, 1) == 215.9
