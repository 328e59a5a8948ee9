"""The HTML vocabulary: one definition, checked at render time for every format, read by every writer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefkit import vocabulary
from briefkit.cli import cli
from briefkit.errors import TemplateError
from briefkit.render import Renderer
from briefkit.validate import load_plan
from briefkit.writers import FORMATS
from conftest import REPO, SAMPLE_PLAN

DOCS = REPO / "docs" / "html-vocabulary.md"


def test_the_docs_are_generated_from_the_vocabulary(update_golden):
    if update_golden:
        DOCS.write_text(vocabulary.markdown(), encoding="utf-8")
    assert DOCS.read_text(encoding="utf-8") == vocabulary.markdown(), (
        "docs/html-vocabulary.md is out of step with src/briefkit/vocabulary.py (pytest --update-golden rewrites it)")


# (fragment inside <body>, expected message): what the check says of each kind of mistake.
VIOLATIONS = [
    ("<aside>x</aside>", "<aside> is not in the HTML vocabulary"),
    ('<p class="shout">x</p>', '<p class="shout"> is not in the HTML vocabulary'),
    ('<p class="attribution">x</p>', '<p class="attribution"> is not allowed inside <body>'),
    ("<li>x</li>", "<li> is not allowed inside <body>"),
    ("<section>loose text</section>", "text 'loose text' directly inside <section> is not in the HTML vocabulary"),
    ('<ul><li><div class="cover"></div></li></ul>', '<div class="cover"> is not allowed inside <li>'),
    ('<figure><img src="a.png"><p>x</p></figure>', "<p> is not allowed inside <figure>"),
    ("<p><span><b>x</b></span></p>", "<b> is not in the HTML vocabulary"),
]


@pytest.mark.parametrize(("fragment", "message"), VIOLATIONS)
def test_the_check_names_each_mistake(fragment, message):
    html = f'<!DOCTYPE html><html lang="en"><head><title>t</title></head><body class="x">{fragment}</body></html>'
    assert [violation.message for violation in vocabulary.check(html)] == [message]


def test_unknown_meta_names_are_reported():
    html = '<html><head><meta name="robots" content="x"></head><body class="x"></body></html>'
    assert [v.message for v in vocabulary.check(html)] == ['<meta name="robots"> is not in the HTML vocabulary']


def test_writers_read_the_same_definition():
    from briefkit.writers.docx.build import BLOCKS
    from briefkit.writers.docx.runs import INLINE

    assert BLOCKS == vocabulary.members(vocabulary.BLOCK)
    assert INLINE == vocabulary.members(vocabulary.INLINE)
    assert vocabulary.children_of("blockquote.quote") == {"p": {"", "attribution"}}


def test_every_paragraph_kind_has_a_word_style():
    from briefkit.writers.docx.build import PARAGRAPH_STYLES

    paragraph_classes = {kind.classes for kind in vocabulary.KINDS if kind.tag == "p" and kind.group}
    assert paragraph_classes <= set(PARAGRAPH_STYLES)


@pytest.fixture
def templates_with_aside(tmp_path: Path) -> Path:
    templates = tmp_path / "agency-templates"
    shutil.copytree(REPO / "templates", templates)
    page = templates / "press-brief.html.j2"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines.insert(5, '<aside class="note">A sidebar</aside>')
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return templates


def test_an_unknown_element_fails_at_its_template_line(templates_with_aside):
    with pytest.raises(TemplateError) as caught:
        Renderer(templates_with_aside, shown="agency-templates").render(load_plan(SAMPLE_PLAN), "press-brief", "en")
    assert str(caught.value).splitlines()[0] == (
        'agency-templates/press-brief.html.j2:6: <aside class="note"> is not in the HTML vocabulary')


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_an_unknown_element_fails_every_format(templates_with_aside, tmp_path, monkeypatch, fmt):
    monkeypatch.chdir(tmp_path)  # --templates is named as the user gave it, relative to here
    result = CliRunner().invoke(cli, ["--project", str(REPO), "--templates", "agency-templates", "build",
                                      "shanghai-manufacturing", "--doc", "press-brief", "--lang", "en",
                                      "--format", fmt, "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert ('agency-templates/press-brief.html.j2:6: <aside class="note"> is not in the HTML vocabulary'
            in result.output)
    assert "Traceback" not in result.output
    assert not list((tmp_path / "out").rglob(f"*.{fmt}"))
