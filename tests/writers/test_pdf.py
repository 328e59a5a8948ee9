"""PDF writer: the nine sample PDFs carry the right text, fonts, bookmarks, metadata and tags;
fetching is confined; missing glyphs and draft/embargo marks behave."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefkit.errors import BuildError, ContentError
from briefkit.pipeline import BuildOptions, build
from briefkit.project import Project
from briefkit.writers.pdf import ConfinedFetcher
from conftest import REPO

from .glyphs import glyphs_drawn_otherwise

DOCUMENTS = ("press-brief", "stakeholder-report", "handout")
EDITIONS = ("en", "zh", "bilingual")
PAGES = {"press-brief": (2, 4), "stakeholder-report": (6, 20), "handout": (1, 2)}
# Body phrases: names alone also appear in the bilingual glossary of every edition.
ENGLISH = ["Shanghai launches 10 specific actions", "Chen Mingbo, director of the Shanghai Municipal"]
CHINESE = ["上海推出10项专项行动", "主任陈鸣波介绍"]
_HAN = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def flowing_text(path: Path) -> str:
    """The PDF's text with line ends joined: a space between words, nothing between Han characters.

    pdftotext also reads the quarter-em gap between Han and Latin text as a space (no character
    is there: test_chinese_latin_gap_inserts_no_characters), so those spaces go too.
    """
    text = re.sub(r"\s+", " ", pdf_text(path))
    return re.sub(rf"(?<={_HAN}) (?={_HAN}|[A-Za-z0-9])|(?<=[A-Za-z0-9]) (?={_HAN})", "", text)


@pytest.fixture(scope="module")
def sample_pdfs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf")
    report = build(Project(REPO), ("shanghai-manufacturing",), BuildOptions(formats=("pdf",), out=out))
    assert not report.failures, report.failures
    return out / "shanghai-manufacturing"


@pytest.fixture
def project_copy(tmp_path) -> Project:
    """A throwaway project with the real templates and the sample plan, free to edit."""
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "content", tmp_path / "content")
    return Project(tmp_path)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("document", DOCUMENTS)
def test_text_pages_and_page_labels(sample_pdfs, document, edition):
    path = sample_pdfs / f"{document}.{edition}.pdf"
    text = flowing_text(path)
    pages = len(PdfReader(path).pages)
    low, high = PAGES[document]
    assert low <= pages <= high
    for phrase in ENGLISH:
        assert (phrase in text) == (edition != "zh"), phrase
    for phrase in CHINESE:
        assert (phrase in text) == (edition != "en"), phrase
    first = 2 if document == "stakeholder-report" else 1  # the report's cover page has no footer
    if edition != "zh":
        assert f"Page {first} of {pages}" in text and f"Page {pages} of {pages}" in text
    if edition != "en":
        assert f"第{first}页共{pages}页" in text.replace(" ", "")
    assert "DRAFT" not in text and "EMBARGOED" not in text and "禁发" not in text


def test_the_fonts_the_writer_reports_are_those_the_pdf_embeds(tmp_path):
    """The theme check (foreign fonts) reads the names from the document written, not by parsing the file:
    they must be the file's, as poppler's pdffonts lists them."""
    from briefkit.render import Renderer
    from briefkit.validate import load_plan
    from briefkit.writers.pdf import write_pdf

    plan = load_plan(REPO / "content" / "shanghai-manufacturing" / "plan.yaml")
    rendered = Renderer(REPO / "templates").render(plan, "handout", "bilingual")
    target = tmp_path / "handout.bilingual.pdf"
    result = write_pdf(rendered.html, roots={"plan": plan.folder, "templates": REPO / "templates"}, target=target,
                       where="handout")
    listing = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    assert result.fonts == [line.split()[0].split("+", 1)[1] for line in listing.splitlines()[2:]]
    assert len(result.fonts) == 8  # Noto Serif, Sans and their CJK SC faces, regular and bold


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_font_is_embedded_and_subset(sample_pdfs, document, edition):
    listing = subprocess.run(
        ["pdffonts", str(sample_pdfs / f"{document}.{edition}.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing
    for line in listing:
        name, columns = line.split()[0], line.split()[-5:-2]
        assert columns == ["yes", "yes", "yes"], f"{name}: embedded/subset/unicode = {columns}"
        assert re.match(r"^[A-Z]{6}\+Noto-", name), name
    names = " ".join(line.split()[0] for line in listing)
    if edition != "en":
        assert "CJK-SC" in names


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_reader_draws_the_same_glyphs(sample_pdfs, document, edition):
    """pdf.js and Acrobat find a CID font's glyph by CID, Poppler by glyph id: in our cut CJK faces the two
    must agree, or a Chinese PDF shows blanks in a browser while pdftoppm shows it right."""
    path = sample_pdfs / f"{document}.{edition}.pdf"
    assert glyphs_drawn_otherwise(path) == []


def test_bookmarks_metadata_and_tags(sample_pdfs):
    reader = PdfReader(sample_pdfs / "stakeholder-report.en.pdf")
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[:3] == ["Shanghai launches 10 specific actions to build the Shanghai Manufacturing brand",
                          "Four brands for Shanghai", "Why manufacturing matters"]
    assert "Glossary" in titles
    info = reader.metadata
    assert info.title.startswith("Stakeholder report | Shanghai launches")
    assert info.author == "Shanghai Municipal People’s Government"  # typeset apostrophe, as on the page
    assert info.subject == "Stakeholder report"
    assert "Shanghai Manufacturing" in info["/Keywords"]
    assert "/pagelabel" not in info
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert bool(catalog["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in catalog
    assert PdfReader(sample_pdfs / "handout.zh.pdf").trailer["/Root"]["/Lang"] == "zh-CN"


def test_chinese_latin_gap_inserts_no_characters():
    """The gap is a margin in the layout, not a character: the text WeasyPrint writes has no space."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    from briefkit.render import Renderer
    from briefkit.validate import load_plan

    loaded = load_plan(REPO / "content" / "shanghai-manufacturing" / "plan.yaml")
    html = Renderer(REPO / "templates").render(loaded, "press-brief", "zh").html
    assert '<span class="gap-before gap-after">10</span>项' in html  # inside the headline's word spans
    page = HTML(string=html, base_url=str(loaded.folder) + "/").render().pages[0]
    written = "".join(box.text for box in page._page_box.descendants() if isinstance(box, boxes.TextBox))
    assert "上海推出10项专项行动" in written


def test_bilingual_numbered_rows_keep_counting(sample_pdfs):
    text = pdf_text(sample_pdfs / "handout.bilingual.pdf")
    assert "2. Cultivating globally famous companies" in text and "2. 名企培育" in text


def test_table_of_contents_has_page_numbers(sample_pdfs):
    text = pdf_text(sample_pdfs / "stakeholder-report.en.pdf")
    assert re.search(r"Four brands for Shanghai \.{5,}\s*3\b", text), text[:2000]


def test_draft_and_embargo_marks(project_copy):
    plan_file = project_copy.content / "shanghai-manufacturing" / "plan.yaml"
    _edit(plan_file, "status: final", "status: draft")
    _edit(plan_file, "embargo: null", "embargo: 2018-05-07T10:00:00+08:00")
    report = build(project_copy, ("shanghai-manufacturing",), BuildOptions(("press-brief",), ("en", "zh"), ("pdf",)))
    assert not report.failures
    out = project_copy.output / "shanghai-manufacturing"
    en, zh = pdf_text(out / "press-brief.en.pdf"), pdf_text(out / "press-brief.zh.pdf")
    assert "DRAFT 草稿" in en and "DRAFT 草稿" in zh
    assert "EMBARGOED UNTIL 10:00 UTC+08:00, 7 May 2018" in en
    assert "禁发至2018年5月7日10:00（UTC+08:00）" in zh
    metadata = PdfReader(out / "press-brief.en.pdf").metadata
    assert metadata["/embargo"] == "EMBARGOED UNTIL 10:00 UTC+08:00, 7 May 2018"
    assert metadata["/status"] == "draft"


def test_missing_glyph_is_a_located_content_error(project_copy):
    plan_file = project_copy.content / "shanghai-manufacturing" / "plan.yaml"
    _edit(plan_file, "zh: 名企培育", "zh: 名企培育😀")
    with pytest.raises(ContentError) as caught:
        build(project_copy, ("shanghai-manufacturing",), BuildOptions(formats=("pdf",)))
    [problem] = caught.value.problems
    assert re.fullmatch(
        r"content/shanghai-manufacturing/plan\.yaml:\d+:\d+: actions\[1\]\.title\.zh: "
        r"U\+1F600 '😀' has no glyph in the theme's fonts",
        str(problem).replace(str(project_copy.root) + "/", ""),
    ), str(problem)
    assert not project_copy.output.exists()


@pytest.mark.parametrize(
    "source",
    ["file:///etc/passwd", "http://example.org/logo.png", "https://example.org/x.css", "../../../../etc/hostname"],
)
def test_templates_cannot_fetch_outside_files(project_copy, source):
    _edit(project_copy.templates / "handout.html.j2", "{% block body %}", f'{{% block body %}}<figure><img src="{source}"></figure>')
    report = build(project_copy, ("shanghai-manufacturing",), BuildOptions(("handout",), ("en",), ("pdf",)))
    [(name, error)] = report.failures
    assert isinstance(error, BuildError)
    assert str(error).startswith("templates/handout.html.j2 (shanghai-manufacturing handout.en): refused to fetch ")
    assert not (project_copy.output / "shanghai-manufacturing" / "handout.en.pdf").exists()


def test_fetcher_refuses_symlinks_leading_out(tmp_path):
    inside = tmp_path / "plan"
    inside.mkdir()
    (tmp_path / "secret.png").write_bytes(b"secret")
    (inside / "link.png").symlink_to(tmp_path / "secret.png")
    fine = (REPO / "content" / "shanghai-manufacturing" / "media" / "logo.png").read_bytes()
    (inside / "ok.png").write_bytes(fine)  # a real image: the fetcher checks every plan file as validation does
    fetcher = ConfinedFetcher({"plan": inside})
    base = fetcher.url_of("plan")
    assert base == "file:///briefkit/plan/"  # never the real path: PDFs must not depend on where the checkout is
    assert fetcher.fetch(base + "ok.png").read() == fine
    for url in (base + "link.png", (inside / "ok.png").as_uri(), base + "../secret.png"):
        with pytest.raises(PermissionError):
            fetcher.fetch(url)
    assert fetcher.refused[0] == (
        "refused to fetch link.png (relative to the plan folder): 'link.png' leads outside the plan folder"
    )


def test_strict_turns_weasyprint_warnings_into_failures(project_copy):
    _edit(project_copy.templates / "style.css.j2", "body { margin: 0; }", "body { margin: 0; colour: red; }")
    relaxed = build(project_copy, ("shanghai-manufacturing",), BuildOptions(("handout",), ("en",), ("pdf",)))
    assert not relaxed.failures
    strict = build(project_copy, ("shanghai-manufacturing",), BuildOptions(("handout",), ("en",), ("pdf",), strict=True))
    [(_, error)] = strict.failures
    assert "WeasyPrint: Ignored `colour: red`" in str(error)


def test_pdf_a_variant_is_passed_through(project_copy):
    report = build(project_copy, ("shanghai-manufacturing",),
                   BuildOptions(("handout",), ("zh",), ("pdf",), pdf_variant="pdf/a-3b"))
    assert not report.failures
    xmp = PdfReader(project_copy.output / "shanghai-manufacturing" / "handout.zh.pdf").xmp_metadata
    assert xmp is not None and b"pdfaid:part" in xmp.stream.get_data() or "pdfaid" in str(xmp.rdf_root.toxml())


def test_traditional_edition_uses_tc_faces_and_says_it_is_machine_converted(project_copy):
    report = build(project_copy, ("shanghai-manufacturing",), BuildOptions(("handout",), ("zh-Hant",), ("pdf",)))
    assert not report.failures
    path = project_copy.output / "shanghai-manufacturing" / "handout.zh-Hant.pdf"
    text = flowing_text(path)
    assert "上海推出10項專項行動" in text and "「上海製造」" in text
    assert "經OpenCC自動轉換為繁體中文" in text.replace(" ", "")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK-TC" in fonts and "CJK-SC" not in fonts
    assert glyphs_drawn_otherwise(path) == [], "faces cut to Big5 draw the same in every reader"
    reader = PdfReader(path)
    assert reader.metadata["/conversion"].startswith("Machine-converted from Simplified Chinese with OpenCC")
    assert reader.trailer["/Root"]["/Lang"] == "zh-Hant"


def test_letter_paper_by_theme(project_copy):
    _edit(project_copy.templates / "theme.yaml", "paper: A4", "paper: Letter")
    report = build(project_copy, ("shanghai-manufacturing",), BuildOptions(("handout",), ("en",), ("pdf",)))
    assert not report.failures
    box = PdfReader(project_copy.output / "shanghai-manufacturing" / "handout.en.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_template_text_without_a_glyph_fails_that_document_only(project_copy):
    labels = project_copy.templates / "labels.yaml"
    _edit(labels, "contacts: {en: Media contacts, zh: 媒体联系人}", "contacts: {en: Media contacts 😀, zh: 媒体联系人}")
    report = build(project_copy, ("shanghai-manufacturing",), BuildOptions(("handout",), ("en", "zh"), ("pdf",)))
    assert [name for name, _ in report.failures] == ["shanghai-manufacturing/handout.en"]
    assert "U+1F600 '😀' has no glyph in the theme's fonts" in str(report.failures[0][1])
    assert [output.path.name for output in report.built] == ["handout.zh.pdf"]


def test_the_private_layout_tree_we_read_is_still_there():
    """writers/pdf.py reads laid-out lines from Page._page_box, which WeasyPrint does not promise to keep.

    When a WeasyPrint release moves it, this fails with the version, rather than the checks quietly finding nothing.
    """
    import weasyprint
    from weasyprint.formatting_structure import boxes

    from briefkit.writers.pdf import layout_tree

    page = weasyprint.HTML(string="<p>一行 text</p>").render().pages[0]
    assert isinstance(getattr(page, "_page_box", None), boxes.PageBox), (
        f"WeasyPrint {weasyprint.__version__} no longer has Page._page_box: update writers/pdf.py layout_tree")
    lines = [box for box in layout_tree(page).descendants() if isinstance(box, boxes.LineBox)]
    assert lines, "the layout tree holds the laid-out lines"


def test_a_missing_layout_tree_is_a_loud_error():
    from briefkit.writers.pdf import layout_tree

    class Page:  # what a WeasyPrint that renamed the attribute would hand us
        pass

    with pytest.raises(BuildError, match="no longer keeps a page's layout in Page._page_box"):
        layout_tree(Page())
