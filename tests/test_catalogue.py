"""Template-side configuration (theme.yaml, labels.yaml, documents.yaml): located errors with
did-you-mean, never a traceback or pydantic's wording, in the folder --templates names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefkit.catalogue import load_catalogue, load_labels, load_theme
from briefkit.cli import cli
from briefkit.errors import ContentError
from conftest import MINIMAL_PLAN, REPO

LOADERS = {"theme.yaml": load_theme, "labels.yaml": load_labels, "documents.yaml": load_catalogue}
ACTIONS = '  the_actions: {en: "The {count} actions", zh: "{count}项行动"}'
HANDOUT_TITLE = "    title: {en: Fact sheet, zh: 情况简介}"

# (file, text in the repository's file, what replaces it, the one message expected)
BAD_CONFIG = [
    ("theme.yaml", "paper: A4", "paper: A5",
     "templates/theme.yaml:2:8: paper: must be one of 'A4' or 'Letter'; got 'A5'"),
    ("theme.yaml", "  accent:", "  acent:",
     "templates/theme.yaml:4:3: colours.acent: unknown key 'acent'; did you mean 'accent'?"),
    ("theme.yaml", '  ink: "#1d1d1f"', "  ink: red",
     "templates/theme.yaml:5:8: colours.ink: not a colour: 'red'; write it as #RRGGBB, e.g. #9b1c23"),
    ("theme.yaml", '  muted: "#5b5f66"\n', "",
     "templates/theme.yaml:4:3: colours.muted: missing required field"),
    ("theme.yaml", "\nfonts:", "\nfont:",
     "templates/theme.yaml:9:1: font: unknown key 'font'; did you mean 'fonts'?"),
    ("theme.yaml", 'serif: ["Noto Serif", "Noto Serif CJK SC"]', "serif: Noto Serif",
     "templates/theme.yaml:11:10: fonts.serif: expected a list, got text 'Noto Serif'"),
    ("theme.yaml", 'serif: ["Noto Serif", "Noto Serif CJK SC"]', "serif: []",
     "templates/theme.yaml:11:10: fonts.serif: needs at least one entry"),
    ("labels.yaml", "contents: {en: Contents, zh: 目录}", "contents: {en: Contents}",
     "templates/labels.yaml:5:13: labels.contents.zh: missing Simplified Chinese text"),
    ("labels.yaml", "contents: {en: Contents, zh: 目录}", "contents: {en: Contents, zh: ' '}",
     "templates/labels.yaml:5:32: labels.contents.zh: missing Simplified Chinese text"),
    ("labels.yaml", "contents: {en: Contents, zh: 目录}", "contents: {en: Contents, zn: 目录}",
     "templates/labels.yaml:5:28: labels.contents.zn: unknown key 'zn'; did you mean 'zh'?"),
    ("labels.yaml", "contents: {en: Contents, zh: 目录}", "contents: Contents",
     "templates/labels.yaml:5:13: labels.contents: expected English and Chinese text as {en: ..., zh: ...}, "
     "got text 'Contents'"),
    ("labels.yaml", ACTIONS, ACTIONS.replace("{count}项", "{cont}项"),
     "templates/labels.yaml:9:48: labels.the_actions.zh: placeholders differ from the English: "
     "en has {count}; zh has {cont}"),
    ("labels.yaml", ACTIONS, ACTIONS.replace("{count} actions", "{count actions"),
     "templates/labels.yaml:9:21: labels.the_actions.en: unpaired '{' or '}': write {{ or }} for a brace itself"),
    ("labels.yaml", "  page_of:", "  page_off:",
     "templates/labels.yaml:42:3: labels.page_off: missing label 'page_of' (the page numbers of every PDF); "
     "did you mean 'page_of' here?"),
    ("labels.yaml", "\nlabels:", "\nlabel:",
     "templates/labels.yaml:4:1: label: unknown key 'label'; did you mean 'labels'?"),
    ("documents.yaml", "languages: [en, zh, bilingual]", "languages: [en, zh-hans, bilingual]",
     "templates/documents.yaml:3:17: languages[1]: unknown edition 'zh-hans'; did you mean 'zh'?"),
    ("documents.yaml", "languages: [en, zh, bilingual]", "languages: [en, fr, bilingual]",
     "templates/documents.yaml:3:17: languages[1]: unknown edition 'fr'; expected one of: en, zh, bilingual, zh-Hant"),
    ("documents.yaml", "languages: [en, zh, bilingual]", "languages: []",
     "templates/documents.yaml:3:12: languages: needs at least one entry"),
    ("documents.yaml", "template: handout.html.j2", "template: handout.html",
     "templates/documents.yaml:16:15: documents.handout.template: no template 'handout.html' in the templates "
     "folder; did you mean 'handout.html.j2'?"),
    ("documents.yaml", "template: handout.html.j2", "templat: handout.html.j2",
     "templates/documents.yaml:16:5: documents.handout.templat: unknown key 'templat'; did you mean 'template'?"),
    ("documents.yaml", "    toc: true", "    toc: maybe",
     "templates/documents.yaml:13:10: documents.stakeholder-report.toc: expected true or false, got text 'maybe'"),
    ("documents.yaml", HANDOUT_TITLE, "    title: {en: Fact sheet}",
     "templates/documents.yaml:17:12: documents.handout.title.zh: missing Simplified Chinese text"),
    ("documents.yaml", HANDOUT_TITLE, "    title: Fact sheet",
     "templates/documents.yaml:17:12: documents.handout.title: expected English and Chinese text as "
     "{en: ..., zh: ...}, got text 'Fact sheet'"),
    ("documents.yaml", "\ndocuments:", "\ndocument:",
     "templates/documents.yaml:4:1: document: unknown key 'document'; did you mean 'documents'?"),
]
IDS = [f"{name}:{new.strip()[:30]}" for name, _, new, _ in BAD_CONFIG]


def _templates(folder: Path, name: str = "", old: str = "", new: str = "") -> Path:
    """A copy of the repository's templates in `folder`, with one text in one file replaced."""
    shutil.copytree(REPO / "templates", folder)
    if name:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} should occur once in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


@pytest.mark.parametrize(("name", "old", "new", "expected"), BAD_CONFIG, ids=IDS)
def test_bad_configuration_is_a_located_error(tmp_path, monkeypatch, name, old, new, expected):
    monkeypatch.chdir(tmp_path)
    templates = _templates(tmp_path / "templates", name, old, new)
    with pytest.raises(ContentError) as raised:
        LOADERS[name](templates)
    assert [str(problem) for problem in raised.value.problems] == [expected]


@pytest.mark.parametrize(("name", "old", "new", "expected"), BAD_CONFIG, ids=IDS)
def test_bad_configuration_stops_the_command_line_with_exit_2(make_plan, tmp_path, name, old, new, expected):
    plan_file = make_plan(MINIMAL_PLAN)  # works in tmp_path, so messages read templates/...
    _templates(tmp_path / "templates", name, old, new)
    result = CliRunner().invoke(cli, ["--project", str(tmp_path), "validate", str(plan_file)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [expected, "Aborted with 1 content error."]


def test_every_problem_of_a_file_is_reported_at_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    templates = _templates(tmp_path / "templates", "theme.yaml", "paper: A4", "paper: A5\nmargins: 2cm")
    with pytest.raises(ContentError) as raised:
        load_theme(templates)
    assert [str(problem) for problem in raised.value.problems] == [
        "templates/theme.yaml:2:8: paper: must be one of 'A4' or 'Letter'; got 'A5'",
        "templates/theme.yaml:3:1: margins: unknown key 'margins'; expected one of: colours, documents, docx, fonts, layout, paper, type",
    ]


@pytest.mark.parametrize("inside", [True, False], ids=["inside-the-working-folder", "elsewhere"])
@pytest.mark.parametrize(("command", "name", "old", "new", "message"), [
    ("validate", "labels.yaml", "contents: {en: Contents, zh: 目录}", "contents: {en: Contents}",
     "labels.yaml:5:13: labels.contents.zh: missing Simplified Chinese text"),
    ("build", "theme.yaml", "paper: A4", "paper: A5", "theme.yaml:2:8: paper: must be one of 'A4' or 'Letter'; got 'A5'"),
    ("list", "documents.yaml", "\ndocuments:", "\ndocument:",
     "documents.yaml:4:1: document: unknown key 'document'; did you mean 'documents'?"),
])
def test_errors_name_the_folder_templates_points_to(tmp_path, monkeypatch, inside, command, name, old, new, message):
    """--templates DIR: the message names DIR's file, relative when DIR is under the working folder."""
    agency = _templates(tmp_path / "agency" / "set", name, old, new)
    working = tmp_path if inside else tmp_path / "project"
    working.mkdir(exist_ok=True)
    monkeypatch.chdir(working)
    shown = "agency/set" if inside else str(agency)
    arguments = {"validate": ["validate", "shanghai-manufacturing"],
                 "build": ["build", "shanghai-manufacturing", "--format", "html", "--out", str(tmp_path / "out")],
                 "list": ["list"]}[command]
    result = CliRunner().invoke(cli, ["--project", str(REPO), "--templates", str(agency), *arguments])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"{shown}/{message}", "Aborted with 1 content error."]
    assert not (tmp_path / "out").exists()


def test_the_repository_configuration_is_valid():
    assert set(load_labels(REPO / "templates").labels) >= {"page_of", "contents"}
    assert load_theme(REPO / "templates").paper == "A4"
    assert list(load_catalogue(REPO / "templates").documents) == ["press-brief", "stakeholder-report", "handout"]
