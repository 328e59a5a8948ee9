"""Rendering: plan + document + edition -> semantic HTML within the documented vocabulary."""

from __future__ import annotations

import datetime as dt
import shutil

import lxml.html
import pytest

from briefkit import vocabulary
from briefkit.errors import TemplateError
from briefkit.render import Renderer
from briefkit.text import format_date, format_datetime, format_month, inline_markdown
from briefkit.validate import load_plan
from conftest import MINIMAL_PLAN, REPO, SAMPLE_PLAN

DOCUMENTS = ("press-brief", "stakeholder-report", "handout")
EDITIONS = ("en", "zh", "bilingual")

def _h1(html: str) -> str:
    return lxml.html.document_fromstring(html).find(".//h1").text_content()


@pytest.fixture(scope="module")
def renderer():
    return Renderer(REPO / "templates")


@pytest.fixture(scope="module")
def sample():
    return load_plan(SAMPLE_PLAN)


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_document_keeps_to_the_vocabulary(renderer, sample, document, edition):
    """The renderer checks this itself; the check must also find nothing to report on the sample."""
    assert vocabulary.check(renderer.render(sample, document, edition).html) == []


@pytest.mark.parametrize("document", DOCUMENTS)
def test_editions_carry_their_languages(renderer, sample, document):
    en = renderer.render(sample, document, "en").html
    zh = renderer.render(sample, document, "zh").html
    bilingual = renderer.render(sample, document, "bilingual").html
    assert '<html lang="en">' in en and '<html lang="zh-CN">' in zh
    assert "Shanghai launches" in _h1(en) and "上海" not in _h1(en)
    assert "上海推出" in _h1(zh) and "Shanghai" not in _h1(zh)
    assert "Shanghai launches" in _h1(bilingual) and "上海推出" in _h1(bilingual)
    assert 'class="parallel"' in bilingual
    assert '<td lang="en">' in bilingual and '<td lang="zh-CN">' in bilingual


def test_stakeholder_report_has_cover_contents_and_glossary(renderer, sample):
    html = renderer.render(sample, "stakeholder-report", "en").html
    assert 'class="cover"' in html and '<nav class="toc">' in html
    assert 'href="#glossary"' in html and 'id="glossary"' in html
    assert "Caohejing Hi-Tech Park" in html and "上海漕河泾新兴技术开发区" in html  # the glossary is bilingual


def test_illustrative_values_and_placeholders_are_marked(renderer, sample):
    html = renderer.render(sample, "press-brief", "en").html
    assert '<span class="illustrative">illustrative</span>' in html
    assert "(placeholder image)" in html


def test_raw_html_and_jinja_in_content_are_shown_as_typed(renderer, make_plan):
    text = MINIMAL_PLAN.replace(
        "summary: {en: A short summary., zh: 一段简短的概要。}",
        "summary: {en: \"<script>alert(1)</script> {{ 7*7 }} {% if x %}\", zh: <b>粗体</b>}",
    )
    html = renderer.render(load_plan(make_plan(text)), "handout", "en").html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} {% if x %}" in html
    assert "<script>" not in html and "49" not in html


def test_markdown_subset():
    assert inline_markdown("**bold** and *it* [site](https://example.org)") == (
        '<strong>bold</strong> and <em>it</em> <a href="https://example.org">site</a>'
    )
    assert inline_markdown("中文*强调*文字") == "中文<em>强调</em>文字"
    assert inline_markdown("[x](javascript:alert(1))") == "[x](javascript:alert(1))"
    assert inline_markdown("2 * 3 * 4") == "2 * 3 * 4"


def test_dates_per_language():
    assert format_month("2018-04", "en") == "April 2018" and format_month("2018-04", "zh") == "2018年4月"
    assert format_date(dt.date(2018, 5, 7), "en") == "7 May 2018"
    assert format_date(dt.date(2018, 5, 7), "zh") == "2018年5月7日"
    when = dt.datetime(2018, 5, 7, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert format_datetime(when, "en") == "10:00 UTC+08:00, 7 May 2018"
    assert format_datetime(when, "zh") == "2018年5月7日 10:00（UTC+08:00）"


@pytest.fixture
def broken_templates(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    return templates


def test_undefined_variable_names_template_and_line(broken_templates, sample):
    page = broken_templates / "handout.html.j2"
    lines = page.read_text().splitlines()
    lines.insert(4, "{{ plan.no_such_field }}")
    page.write_text("\n".join(lines))
    with pytest.raises(TemplateError) as caught:
        Renderer(broken_templates).render(sample, "handout", "en")
    assert str(caught.value).startswith("templates/handout.html.j2:5: ")
    assert "no_such_field" in str(caught.value)


def test_template_syntax_error_names_template_and_line(broken_templates, sample):
    page = broken_templates / "handout.html.j2"
    page.write_text(page.read_text().replace("{% endblock %}", "{% endblok %}"))
    with pytest.raises(TemplateError) as caught:
        Renderer(broken_templates).render(sample, "handout", "en")
    assert str(caught.value).startswith("templates/handout.html.j2:")
    assert "endblok" in str(caught.value)


def test_templates_from_outside_the_project_run_sandboxed(broken_templates, sample):
    page = broken_templates / "handout.html.j2"
    page.write_text(page.read_text().replace("{% block body %}", "{% block body %}<p>{{ plan.__class__.__mro__ }}</p>"))
    trusted = Renderer(broken_templates).render(sample, "handout", "en").html
    assert "BaseModel" in trusted  # what an unsandboxed template could reach
    with pytest.raises(TemplateError) as caught:
        Renderer(broken_templates, sandboxed=True).render(sample, "handout", "en")
    assert str(caught.value).startswith("templates/handout.html.j2:")
    assert "not allowed in a sandboxed template" in str(caught.value) or "unsafe" in str(caught.value)


def test_the_project_decides_which_templates_are_trusted(tmp_path):
    from briefkit.project import Project

    assert Project(REPO).templates_trusted
    assert not Project(REPO, tmp_path).templates_trusted
