"""Rendering: plan + document + edition -> semantic HTML within the documented vocabulary."""

from __future__ import annotations

import datetime as dt
import shutil

import lxml.html
import pytest

from briefkit import vocabulary
from briefkit.errors import ContentError, TemplateError
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


# -- schema 2: nothing of the sample in the templates, wording generated alike in both languages ------

SAMPLE_WORDS = ("shanghai", "上海", "manufactur", "制造")


def test_templates_labels_css_and_theme_know_nothing_of_the_sample():
    found = []
    for path in sorted((REPO / "templates").iterdir()):
        # IANA zone names are data, not wording: Asia/Shanghai is how a plan in Beijing time names its zone.
        text = path.read_text(encoding="utf-8").replace("Asia/Shanghai", "").lower()
        found += [f"templates/{path.name}: {word}" for word in SAMPLE_WORDS if word in text]
    assert found == []


def test_a_plan_overrides_labels_and_an_unknown_override_is_located(make_plan):
    renderer = Renderer(REPO / "templates")
    plan = load_plan(make_plan(MINIMAL_PLAN + "labels:\n  places: {en: Harbour zones, zh: 港口园区}\n"))
    assert "Harbour zones" in renderer.render(plan, "handout", "en").html
    plan = load_plan(make_plan(MINIMAL_PLAN + "labels:\n  zones: {en: Zones, zh: 园区}\n"))
    with pytest.raises(ContentError) as caught:
        renderer.render(plan, "handout", "en")
    assert str(caught.value) == ("plan/plan.yaml:33:3: labels.zones: no label 'zones' to override "
                                 "(templates/labels.yaml lists them)")


@pytest.mark.parametrize(("count", "english"), [(1, "The action at a glance"), (2, "The 2 actions at a glance")])
def test_labels_follow_the_plural_rules_of_each_language(make_plan, count, english):
    text = MINIMAL_PLAN if count == 2 else MINIMAL_PLAN.replace(
        "  - id: second\n    group: additional\n    title: {en: Second action, zh: 第二项行动}\n    places: [harbour]\n",
        "")
    html = Renderer(REPO / "templates").render(load_plan(make_plan(text)), "press-brief", "bilingual").html
    text = lxml.html.document_fromstring(html).text_content()
    assert english in text and f"{count}项行动一览" in text


def test_a_heading_with_nothing_under_it_is_never_printed(make_plan):
    """A group with no actions, and parts the plan does not have, print no heading."""
    html = Renderer(REPO / "templates").render(load_plan(make_plan(MINIMAL_PLAN.replace(
        "group: additional", "group: key"))), "press-brief", "en").html
    assert "Key actions" in html and "Additional actions" not in html
    for absent in ("Targets", "Key figures", "Notes to editors", "Media contacts", "Speakers</"):
        assert absent not in html


def test_embargo_shows_the_zone_by_name(make_plan):
    plan = load_plan(make_plan(MINIMAL_PLAN + "embargo: 2020-01-15T10:00 Asia/Shanghai\n"))
    html = Renderer(REPO / "templates").render(plan, "press-brief", "bilingual").html
    assert "EMBARGOED UNTIL 10:00 Beijing time, 15 January 2020" in html
    assert "禁发至2020年1月15日10:00（北京时间）" in html
    assert "FOR IMMEDIATE RELEASE" not in html


def test_the_press_brief_names_every_speaker_action_point_and_place():
    from conftest import SAMPLE_PLAN as sample_plan

    html = Renderer(REPO / "templates").render(load_plan(sample_plan), "press-brief", "en").html
    for fact in ("Chen Mingbo", "Caohejing Hi-Tech Park", "Zhangjiang Hi-Tech Park",
                 "Shanghai International Automobile City", "integrated circuits", "top 500", "ENDS"):
        assert fact in html


def test_a_headline_longer_than_a_document_property_is_cut_there_and_kept_in_full_in_the_body(make_plan):
    long_en = "Example City launches " + "a very long programme of actions and " * 8 + "all at once"
    plan = load_plan(make_plan(MINIMAL_PLAN.replace("{en: Example City launches 3 actions,", f"{{en: {long_en},")))
    rendered = Renderer(REPO / "templates").render(plan, "stakeholder-report", "bilingual")
    assert len(rendered.title) == 255 and rendered.title.endswith("…")
    document = lxml.html.document_fromstring(rendered.html)
    assert len(document.find(".//title").text_content()) == 255
    assert long_en in document.find(".//h1").text_content()


def test_templates_compiled_in_one_project_serve_another_and_name_its_files(tmp_path, monkeypatch, make_plan):
    """A fresh clone's first build finds the default templates compiled; the code names the new clone's files."""
    import jinja2

    plan = load_plan(make_plan())
    for project in ("first", "second"):
        shutil.copytree(REPO / "templates", tmp_path / project / "templates")
    cache = tmp_path / "compiled"
    first = Renderer(tmp_path / "first" / "templates", cache=cache).render(plan, "handout", "bilingual")

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", no_compiling)
    renderer = Renderer(tmp_path / "second" / "templates", cache=cache)
    assert renderer.render(plan, "handout", "bilingual").html == first.html
    template = renderer.environment.get_template("_macros.html.j2")
    assert template.filename == str(tmp_path / "second" / "templates" / "_macros.html.j2")
    macros = [constant for constant in template.root_render_func.__code__.co_consts if hasattr(constant, "co_filename")]
    assert macros and all(code.co_filename == template.filename for code in macros)


def test_an_edited_template_is_compiled_again(tmp_path, make_plan):
    plan = load_plan(make_plan())
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    cache = tmp_path / "compiled"
    Renderer(tmp_path / "templates", cache=cache).render(plan, "handout", "en")
    base = tmp_path / "templates" / "_base.html.j2"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- edited --></body>"), encoding="utf-8")
    assert "<!-- edited -->" in Renderer(tmp_path / "templates", cache=cache).render(plan, "handout", "en").html


def test_compiled_templates_are_not_reused_by_a_changed_tool(tmp_path, monkeypatch):
    """Jinja keys compiled templates by their source; briefkit's own code shapes them too (e.g. a finalize)."""
    from briefkit import render

    first = render._bytecode_cache(tmp_path)
    monkeypatch.setattr(render, "source_fingerprint", lambda: "another version of briefkit")
    second = render._bytecode_cache(tmp_path)
    assert first is not None and second is not None
    assert first.folder != second.folder  # type: ignore[attr-defined]
