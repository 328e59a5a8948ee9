"""The Markdown writer: CommonMark of every document, read back by a real CommonMark parser."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from markdown_it import MarkdownIt

from briefkit.pipeline import BuildOptions, build
from briefkit.project import Project
from conftest import REPO

DOCUMENTS = ("press-brief", "stakeholder-report", "handout")
EDITIONS = ("en", "zh", "bilingual", "zh-Hant")
_PAGE_FURNITURE = "//div[@class='running-header'] | //nav | //style | //head"


@pytest.fixture(scope="module")
def markdown_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("md")
    report = build(Project(REPO), ("shanghai-manufacturing",),
                   BuildOptions(editions=EDITIONS, formats=("md", "html"), out=out, jobs=1))
    assert not report.failures
    return out / "shanghai-manufacturing"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _read_back(markdown: str) -> str:
    """The text a CommonMark reader (with pipe tables) shows: what a CMS would display."""
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    return lxml.html.fragment_fromstring(html, create_parent="div").text_content()


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_text_block_reads_back_intact(markdown_build: Path, document: str, edition: str):
    """Each paragraph, heading, item and cell of the HTML reaches the reader whole: no stray ** or \\."""
    shown = _squeeze(_read_back((markdown_build / f"{document}.{edition}.md").read_text(encoding="utf-8")))
    root = lxml.html.parse(str(markdown_build / f"{document}.{edition}.html")).getroot()
    for furniture in root.xpath(_PAGE_FURNITURE):
        furniture.getparent().remove(furniture)
    blocks = root.xpath("//p | //li | //h1 | //h2 | //h3 | //th | //td[not(*[self::p or self::ul or self::ol or self::blockquote])]"
                        " | //span[@class='caption'] | //span[@class='credit'] | //span[@class='value']")
    assert blocks
    missing = [block.text_content().strip()[:60] for block in blocks
               if _squeeze(block.text_content()) not in shown]
    assert missing == []


def test_markdown_structure(markdown_build: Path):
    report = (markdown_build / "stakeholder-report.en.md").read_text(encoding="utf-8")
    brief = (markdown_build / "press-brief.en.md").read_text(encoding="utf-8")
    assert report.startswith("![") or report.startswith("#") or report.splitlines()[0]
    assert re.search(r"^# \S", brief, re.M) and re.search(r"^## \S", brief, re.M)
    assert re.search(r"^\| .+ \|$\n^\|(---\|)+$", report, re.M), "a pipe table with its header row"
    assert re.search(r"^!\[[^\]]+\]\(<media/[^>]+\.png>\)", brief, re.M), "figures as images"
    assert re.search(r"^- \*\*\d+\*\* \S", brief, re.M), "key figures as a list"
    assert re.search(r"^> .+\n>\n> — ", brief, re.M), "the quote, then its attribution"
    assert "Page" not in brief and "Contents" not in report, "no page furniture"


def test_images_are_copied_beside_the_markdown(markdown_build: Path):
    brief = (markdown_build / "press-brief.en.md").read_text(encoding="utf-8")
    for path in re.findall(r"\]\(<([^>]+)>\)", brief):
        if not path.startswith(("http", "mailto")):
            assert (markdown_build / path).is_file(), path


def test_chinese_emphasis_next_to_punctuation_still_reads_as_emphasis():
    from briefkit.render import RenderedDocument
    from briefkit.writers import WriteJob
    from briefkit.writers.markdown import write

    html = ('<html lang="zh-CN"><head><title>t</title></head><body class="x">'
            "<p>打响<strong>“上海制造”</strong>品牌，<em>一流</em>企业</p></body></html>")
    target = Path(pytest.importorskip("tempfile").mkdtemp()) / "x.md"
    write(RenderedDocument("x", "zh", "x.html.j2", html, "t"), WriteJob(target, target.parent, REPO / "templates", "x"))
    rendered = MarkdownIt("commonmark").render(target.read_text(encoding="utf-8"))
    assert "<strong>“上海制造”</strong>" in rendered and "<em>一流</em>" in rendered
