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
    """Every text node of the body in document order, whitespace normalised, style and script left out.

    The separator of a bilingual headline (h1 span.sep) is left out too: the PDF hides it (the languages
    stand one above the other) and Word breaks the line there instead."""
    texts: list[str] = []

    def visit(element: etree._Element) -> None:
        hidden = element.tag == "span" and element.get("class") == "sep" and element.getparent().tag == "h1"
        if isinstance(element.tag, str) and element.tag not in ("style", "script") and not hidden:
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


@pytest.mark.parametrize(("name", "serif", "sans", "language"), [
    ("press-brief.bilingual", "SimSun", "Microsoft YaHei", "zh-CN"),
    ("handout.zh", "SimSun", "Microsoft YaHei", "zh-CN"),
])
def test_fonts_come_from_the_theme_through_the_styles(sample_docx, name, serif, sans, language):
    path = sample_docx / f"{name}.docx"
    styles = part(path, "word/styles.xml")
    default = xpath(styles, "w:docDefaults/w:rPrDefault/w:rPr")[0]
    assert xpath(default, "w:rFonts/@w:eastAsia") == [serif] and xpath(default, "w:rFonts/@w:ascii") == ["Georgia"]
    assert xpath(default, "w:rFonts/@w:eastAsiaTheme") == ["minorEastAsia"]
    assert xpath(default, "w:lang/@w:eastAsia") == [language]
    heading = xpath(styles, "w:style[@w:styleId='Heading1']/w:rPr/w:rFonts")[0]
    assert heading.get(f"{{{W}}}eastAsia") == sans and heading.get(f"{{{W}}}eastAsiaTheme") == "majorEastAsia"
    assert heading.get(f"{{{W}}}ascii") == "Arial" and heading.get(f"{{{W}}}asciiTheme") == "majorHAnsi"
    paragraph_defaults = xpath(styles, "w:docDefaults/w:pPrDefault/w:pPr")[0]
    assert [etree.QName(child).localname for child in paragraph_defaults][:3] == ["kinsoku", "autoSpaceDE",
                                                                                 "autoSpaceDN"]


@pytest.mark.parametrize("name", NINE)
def test_no_run_repeats_a_font_or_language_its_style_gives(sample_docx, name):
    """Runs carry no faces or languages: styles and defaults give them, so restyling reaches every run.
    A Chinese run holding “” … — · names only the East Asian slot (w:hint), no face."""
    path = sample_docx / f"{name}.docx"
    for root in [part(path, "word/document.xml"), *parts(path, "word/header"), *parts(path, "word/footer")]:
        assert not xpath(root, "//w:r/w:rPr/w:rFonts[@w:eastAsia or @w:ascii or @w:hAnsi]")
        assert not xpath(root, "//w:r/w:rPr/w:lang")
        assert not xpath(root, "//w:p/w:pPr/w:jc[@w:val='both']")  # Chinese justification is the styles'
    body = part(path, "word/document.xml")
    hinted = xpath(body, "//w:r[w:rPr/w:rFonts/@w:hint='eastAsia']")
    if name.split(".")[1] != "en":
        assert hinted and all(re.search("[“”‘’…—·]", "".join(xpath(run, "w:t/text()"))) for run in hinted)


def test_chinese_paragraphs_take_a_justified_looser_style(sample_docx):
    styles = part(sample_docx / "press-brief.bilingual.docx", "word/styles.xml")
    (variant,) = xpath(styles, "w:style[w:name/@w:val='Lead (Chinese)']")
    assert xpath(variant, "w:basedOn/@w:val") == ["Lead"] and xpath(variant, "w:pPr/w:jc/@w:val") == ["both"]
    assert xpath(variant, "w:pPr/w:spacing/@w:line") == [str(round(12 * 1.8 * 20))]
    body = part(sample_docx / "press-brief.bilingual.docx", "word/document.xml")
    (lead,) = body.xpath("//w:p[w:pPr/w:pStyle/@w:val=$id]", namespaces=NS, id=variant.get(f"{{{W}}}styleId"))
    assert "上海" in "".join(xpath(lead, ".//w:t/text()"))
    zh = part(sample_docx / "press-brief.zh.docx", "word/styles.xml")
    assert xpath(zh, "w:style[@w:styleId='Normal']/w:pPr/w:jc/@w:val") == ["both"]
    assert not xpath(zh, "w:style[contains(w:name/@w:val, '(Chinese)')]")


@pytest.mark.parametrize("name", NINE)
def test_settings_are_native_word_2013(sample_docx, name):
    settings = part(sample_docx / f"{name}.docx", "word/settings.xml")
    assert xpath(settings, "w:themeFontLang/@w:eastAsia") == ["zh-CN"]
    assert xpath(settings, "w:zoom/@w:percent") == ["100"]
    assert xpath(settings, "w:compat/w:compatSetting[@w:name='compatibilityMode']/@w:val") == ["15"]
    assert not xpath(settings, "w:updateFields | w:proofState")  # no prompt on opening, no claim of a spell check
    assert xpath(settings, "w:compat/w:doNotExpandShiftReturn")


def test_every_file_has_its_own_document_id(sample_docx):
    ids = [part(sample_docx / f"{name}.docx", "word/settings.xml").xpath(
        "string(//*[local-name()='docId']/@*[local-name()='val'])") for name in NINE]
    assert all(re.fullmatch(r"[0-9A-F]{8}", value) for value in ids) and len(set(ids)) == len(ids)


def test_theme_part_carries_the_brand_colours_and_fonts(sample_docx):
    theme = part(sample_docx / "handout.en.docx", "word/theme/theme1.xml")
    a = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    assert theme.xpath("string(//a:clrScheme/a:accent1/a:srgbClr/@val)", namespaces=a) == "9B1C23"
    assert theme.xpath("string(//a:clrScheme/a:dk1/a:srgbClr/@val)", namespaces=a) == "1D1D1F"
    for kind, latin, sc, tc in (("majorFont", "Arial", "Microsoft YaHei", "Microsoft JhengHei"),
                                ("minorFont", "Georgia", "SimSun", "PMingLiU")):
        font = theme.xpath(f"//a:{kind}", namespaces=a)[0]
        assert font.xpath("string(a:latin/@typeface)", namespaces=a) == latin
        assert font.xpath("string(a:ea/@typeface)", namespaces=a) == sc
        assert font.xpath("string(a:font[@script='Hant']/@typeface)", namespaces=a) == tc
    assert "Calibri" not in etree.tostring(theme).decode()
    styles = part(sample_docx / "handout.en.docx", "word/styles.xml")
    assert xpath(styles, "w:style[@w:styleId='Heading1']/w:rPr/w:color/@w:themeColor") == ["accent1"]


@pytest.mark.parametrize(("name", "fonts"), [
    ("handout.en", ["Arial", "Georgia", "Microsoft YaHei", "SimSun"]),
    ("stakeholder-report.zh", ["Arial", "Georgia", "Microsoft YaHei", "SimSun"]),
])
def test_font_table_lists_only_the_fonts_used(sample_docx, name, fonts):
    table = part(sample_docx / f"{name}.docx", "word/fontTable.xml")
    assert sorted(xpath(table, "w:font/@w:name")) == fonts
    assert xpath(table, "w:font[@w:name='SimSun']/w:altName/@w:val") == ["宋体"]


def test_app_properties_are_honest(sample_docx):
    ns = {"p": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"}
    report = part(sample_docx / "stakeholder-report.en.docx", "docProps/app.xml")
    assert report.xpath("string(p:Application)", namespaces=ns) == "briefkit"
    assert int(report.xpath("string(p:Pages)", namespaces=ns)) >= 5  # laid out for its TOC: the PDF's count
    handout = part(sample_docx / "handout.en.docx", "docProps/app.xml")
    assert not handout.xpath("p:Pages | p:Words", namespaces=ns)  # not laid out: no count is claimed
    with zipfile.ZipFile(sample_docx / "handout.en.docx") as package:
        assert "word/stylesWithEffects.xml" not in package.namelist()


def test_hyperlink_style_is_underlined(sample_docx):
    styles = part(sample_docx / "press-brief.en.docx", "word/styles.xml")
    assert xpath(styles, "w:style[@w:styleId='Hyperlink']/w:rPr/w:u/@w:val") == ["single"]


def test_toc_is_a_saved_field_at_the_designed_levels_with_page_numbers(sample_docx):
    path = sample_docx / "stakeholder-report.en.docx"
    body = part(path, "word/document.xml")
    instructions = [text.strip() for text in xpath(body, "//w:instrText/text()")]
    assert instructions[0] == 'TOC \\o "2-2" \\h \\z \\u'  # the nav lists the h2 sections only
    assert instructions[1:] == [f"PAGEREF {name} \\h" for name in (
        "four_brands", "why_manufacturing_matters", "the_10_actions", "meanings", "talent", "actions", "targets",
        "places", "timeline", "photos", "glossary", "contacts")]  # the schema 2 sample's h2 sections, in order
    entries = xpath(body, "//w:p[w:pPr/w:pStyle/@w:val='toc2']")
    texts = ["".join(xpath(p, ".//w:t/text()")) for p in entries]
    assert texts[0].startswith("Four brands for Shanghai") and texts[-1].startswith("Media contacts")
    assert len(texts) == 12
    pages = [int(re.search(r"(\d+)$", text).group(1)) for text in texts]
    assert pages == sorted(pages) and pages[0] >= 3  # cover and contents come first
    assert xpath(entries[0], "w:r/w:fldChar/@w:fldCharType")[:2] == ["begin", "separate"]
    assert xpath(entries[-1], "w:r/w:fldChar/@w:fldCharType") == ["end"]
    assert xpath(entries[0], "w:pPr/w:tabs/w:tab/@w:leader") == ["dot"]
    anchors = xpath(body, "//w:hyperlink/@w:anchor")
    assert set(anchors) <= set(xpath(body, "//w:bookmarkStart/@w:name"))
    outlined = xpath(part(path, "word/styles.xml"), "w:style[@w:styleId='TOCHeading']/w:pPr/w:outlineLvl/@w:val")
    assert outlined == ["9"]  # the contents title is not an entry of itself


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
    assert properties.author == "Shanghai Municipal People’s Government · 上海市人民政府"
    assert properties.subject == "Press brief · 新闻简报"
    assert "上海制造" in properties.keywords
    assert properties.language == "en, zh-CN"  # the edition's languages
    assert docx.Document(str(sample_docx / "press-brief.zh.docx")).core_properties.language == "zh-CN"
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
