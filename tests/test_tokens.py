"""Design tokens: theme.yaml's type scale feeds both the print CSS and the Word styles, per document."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from briefkit.catalogue import load_theme
from briefkit.errors import ContentError
from briefkit.render import Renderer
from briefkit.validate import load_plan
from briefkit.writers.docx import write_docx
from conftest import REPO, SAMPLE_PLAN

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENTS = ("press-brief", "stakeholder-report", "handout")
# CSS sizes Word has no style for, each with its reason.
NOT_STYLES = {
    0.0: "h1 .sep: the PDF hides the separator of the stacked bilingual headline; Word breaks the line instead",
}


def css_sizes(css: str, document: str, documents: tuple[str, ...] = DOCUMENTS) -> set[float]:
    """The font sizes (pt) `document` is set in: rules for another body.DOC are left out, and a
    `body.DOC X` rule replaces the size of the plain `X` rule it overrides (`body.DOC` alone replaces html's)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    sizes: dict[str, set[float]] = {}
    overrides: dict[str, set[float]] = {}
    for selector, declarations in re.findall(r"([^{}]*)\{([^{}]*)\}", css):
        selector = " ".join(selector.split())
        found = {float(value) for value in re.findall(r"font-size:\s*([\d.]+)pt", declarations)}
        found |= {0.0} if re.search(r"font-size:\s*0\b", declarations) else set()
        if not found:
            continue
        own = re.match(rf"body\.{re.escape(document)}\b(.*)$", selector)
        if own:
            overrides.setdefault(own.group(1).strip() or "html", set()).update(found)
        elif not any(re.search(rf"body\.{re.escape(name)}\b", selector) for name in documents):
            sizes.setdefault(selector, set()).update(found)
    sizes.update(overrides)
    return set().union(*sizes.values())


def docx_sizes(path: Path) -> set[float]:
    """Every size (pt) the styles part gives: w:sz is in half-points."""
    with zipfile.ZipFile(path) as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
    values = styles.xpath("w:docDefaults//w:sz/@w:val | w:style//w:sz/@w:val", namespaces={"w": W})
    return {int(value) / 2 for value in values}


def build_both(templates: Path, document: str, target: Path) -> tuple[str, set[float]]:
    """The CSS a document's HTML carries and the sizes of its DOCX styles, from one templates folder."""
    loaded = load_plan(SAMPLE_PLAN)
    rendered = Renderer(templates).render(loaded, document, "en")
    css = re.search(r"<style>(.*?)</style>", rendered.html, re.DOTALL)
    assert css
    write_docx(rendered, base=SAMPLE_PLAN.parent, templates=templates, target=target,
               where=f"templates/{rendered.template}")
    return css.group(1), docx_sizes(target)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_css_size_is_a_docx_style_size(tmp_path, document):
    css, styles = build_both(REPO / "templates", document, tmp_path / f"{document}.docx")
    watermark = load_theme(REPO / "templates").type.watermark.size  # Word draws it as a shape fitted to the page
    missing = css_sizes(css, document) - styles - set(NOT_STYLES) - {watermark}
    assert not missing, f"{document}: the CSS sets {sorted(missing)} pt, which no Word style has"


def test_the_handout_overrides_reach_both(tmp_path):
    css, styles = build_both(REPO / "templates", "handout", tmp_path / "handout.docx")
    assert {9.5, 17.0, 12.0, 15.0} <= css_sizes(css, "handout") and {9.5, 17.0, 12.0, 15.0} <= styles
    assert "columns: 2" in css
    _, brief = build_both(REPO / "templates", "press-brief", tmp_path / "brief.docx")
    assert 17.0 not in brief  # the override is the handout's alone


def test_one_edit_in_theme_yaml_changes_the_css_and_the_word_styles(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    theme = templates / "theme.yaml"
    theme.write_text(theme.read_text(encoding="utf-8").replace("h1: {size: 17, before: 2}",
                                                               "h1: {size: 18.5, before: 2}"), encoding="utf-8")
    css, styles = build_both(templates, "handout", tmp_path / "handout.docx")
    assert 18.5 in css_sizes(css, "handout") and 18.5 in styles
    assert 17.0 not in styles


def test_the_comparison_catches_a_size_only_the_css_has():
    css = "h1 { font-size: 22pt; } body.handout h1 { font-size: 17pt; } .new { font-size: 13pt; }"
    assert css_sizes(css, "press-brief") == {22.0, 13.0}
    assert css_sizes(css, "handout") == {17.0, 13.0}
    assert css_sizes(css, "press-brief") - {22.0} == {13.0}  # what the test above would report


@pytest.mark.parametrize(("old", "new", "field"), [
    ("h1: {size: 22,", "hh1: {size: 22,", "type.hh1"),
    ("lead: {size: 12}", "lead: {size: -12}", "type.lead.size"),
    ("list_columns: 1", "list_colums: 1", "layout.list_colums"),
    ("      body: {size: 9.5,", "      body: {size: 9.5, lading: 1,", "documents.handout.type.body.lading"),
])
def test_a_bad_token_is_a_located_error(tmp_path, old, new, field):
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    theme = templates / "theme.yaml"
    text = theme.read_text(encoding="utf-8")
    assert old in text
    theme.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    with pytest.raises(ContentError) as caught:
        load_theme(templates)
    shown = str(caught.value)
    assert re.search(rf"theme\.yaml:{line}:\d+: {re.escape(field)}\b", shown), shown
