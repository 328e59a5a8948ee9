"""The command-line contract, through click's CliRunner: output and exit codes."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from briefkit.cli import cli
from conftest import MINIMAL_PLAN, REPO


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--project", str(REPO), *args], catch_exceptions=False)

    return invoke


def test_validate_sample_plan_exits_0(run):
    result = run("validate", "shanghai-manufacturing")
    assert result.exit_code == 0, result.output
    assert "ok (shanghai-manufacturing, 10 actions; en: 127/127 fields, zh: 127/127 fields)" in result.stdout


def test_validate_bad_plan_exits_2_with_located_messages(make_plan, run):
    plan_file = make_plan(MINIMAL_PLAN.replace("status: final", "status: finale").replace("zh: 第一项行动", "zh: ''"))
    result = run("validate", str(plan_file))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "plan/plan.yaml:4:9: status: must be one of 'draft' or 'final'; got 'finale'",
        "plan/plan.yaml:21:35: actions[0].title.zh: missing Simplified Chinese text",
        "plan/plan.yaml: en: 12/12 fields, zh: 11/12 fields",
        "Aborted with 2 content errors.",
    ]
    assert "Traceback" not in result.output


def test_plan_can_be_named_by_folder_or_file(make_plan, run):
    plan_file = make_plan()
    assert run("validate", str(plan_file.parent)).exit_code == 0
    assert run("validate", str(plan_file)).exit_code == 0


def test_unknown_plan_is_a_usage_error(run):
    result = run("validate", "no-such-plan")
    assert result.exit_code == 2
    assert "no plan 'no-such-plan'" in result.stderr and "shanghai-manufacturing" in result.stderr


def test_unknown_option_value_is_a_usage_error(run):
    assert run("build", "--lang", "fr").exit_code == 2
    assert run("build", "--doc", "poster").exit_code == 2


def test_list_shows_plans_documents_and_languages(run):
    result = run("list")
    assert result.exit_code == 0
    for word in ("shanghai-manufacturing", "press-brief", "stakeholder-report", "handout", "bilingual"):
        assert word in result.stdout


def test_schema_is_json(run):
    schema = json.loads(run("schema").stdout)
    assert schema["title"] == "briefkit plan" and "actions" in schema["properties"]


def test_doctor_finds_everything_the_pipeline_needs(run):
    result = run("doctor")
    assert result.exit_code == 0, result.output
    for name in ("WeasyPrint", "Pango", "HarfBuzz-Subset", "font Noto Sans CJK SC", "font Noto Serif"):
        assert f"ok      {name}" in result.stdout


def test_doctor_fails_when_a_theme_font_is_missing(tmp_path):
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    theme = tmp_path / "templates" / "theme.yaml"
    theme.write_text(theme.read_text().replace('required: ["Noto Serif"', 'required: ["No Such Font Family"'))
    result = CliRunner().invoke(cli, ["--project", str(tmp_path), "doctor"])
    assert result.exit_code == 1
    assert "MISSING font No Such Font Family" in result.stdout


def test_build_html_and_clean(tmp_path):
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "content", tmp_path / "content")
    runner = CliRunner()
    result = runner.invoke(cli, ["--project", str(tmp_path), "build", "--format", "html", "--doc", "handout"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "output" / "shanghai-manufacturing"
    assert sorted(p.name for p in out.glob("*.html")) == [
        "handout.bilingual.html", "handout.en.html", "handout.zh.html",
    ]
    assert (out / "media" / "logo.svg").is_file()  # the HTML opens in a browser with its images
    assert runner.invoke(cli, ["--project", str(tmp_path), "clean"]).exit_code == 0
    assert not out.exists()


def test_build_with_bad_content_writes_nothing(make_plan, tmp_path):
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    plan_file = make_plan(MINIMAL_PLAN.replace("status: final", "status: finale"))
    result = CliRunner().invoke(cli, ["--project", str(tmp_path), "build", str(plan_file), "--out", "out"])
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_glossary_prints_the_table(run):
    result = run("glossary", "shanghai-manufacturing")
    assert result.exit_code == 0
    assert "Zhangjiang Hi-Tech Park" in result.stdout and "张江高科技园区" in result.stdout


def test_a_plan_folder_copied_anywhere_validates_and_builds_the_same(tmp_path):
    elsewhere = tmp_path / "somewhere" / "else"
    shutil.copytree(REPO / "content" / "shanghai-manufacturing", elsewhere)
    runner = CliRunner(env={"SOURCE_DATE_EPOCH": "1525658400"})
    args = ["--project", str(REPO)]
    assert runner.invoke(cli, [*args, "validate", "--strict", str(elsewhere)]).exit_code == 0
    for plan, out in ((str(elsewhere), tmp_path / "a"), ("shanghai-manufacturing", tmp_path / "b")):
        result = runner.invoke(cli, [*args, "build", plan, "--doc", "handout", "--lang", "zh", "--format", "html",
                                     "--out", str(out)])
        assert result.exit_code == 0, result.output
    built = [(tmp_path / name / "shanghai-manufacturing" / "handout.zh.html").read_bytes() for name in "ab"]
    assert built[0] == built[1]


def test_an_english_draft_builds_in_english_only(make_plan, tmp_path):
    import re as _re

    make_plan(_re.sub(r", zh: [^}]*\}", "}", MINIMAL_PLAN))
    runner = CliRunner()
    base = ["--project", str(REPO), "build", "plan", "--format", "html", "--out", str(tmp_path / "out")]
    english = runner.invoke(cli, [*base, "--lang", "en"], catch_exceptions=False)
    assert english.exit_code == 0, english.output
    assert "warning: missing Simplified Chinese text (drafting" in english.output
    for other in (["--lang", "zh"], ["--lang", "bilingual"], ["--lang", "en", "--strict"]):
        result = runner.invoke(cli, [*base, *other], catch_exceptions=False)
        assert result.exit_code == 2 and "missing Simplified Chinese text" in result.output
