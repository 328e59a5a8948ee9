"""--diagnostics human|json|github for validate and build: the same located problems, shaped for people or CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefkit.cli import cli
from briefkit.diagnostics import github_command, parse_message
from briefkit.errors import Location, Problem
from briefkit.scaffold import init_project

GITHUB_CASES = [
    (Problem(Location("content/x/plan.yaml", 10, 9, "status"), "must be one of 'draft' or 'final'; got 'drafty'"),
     "::error file=content/x/plan.yaml,line=10,col=9,title=status::must be one of 'draft' or 'final'; got 'drafty'"),
    (Problem(Location("content/x/plan.yaml", 3, 0, "headline.zh"), "numbers differ: 1, 2", "warning"),
     "::warning file=content/x/plan.yaml,line=3,title=headline.zh::numbers differ: 1, 2"),
    (Problem(Location("templates/a,b.html.j2"), "50% done\nsecond line"),
     "::error file=templates/a%2Cb.html.j2::50%25 done%0Asecond line"),
    (Problem(Location(""), "no location at all"), "::error::no location at all"),
    (Problem(Location("t/theme.yaml", 14, 11, "fonts.serif[0]"), "font 'Lato' is not installed", "warning"),
     "::warning file=t/theme.yaml,line=14,col=11,title=fonts.serif[0]::font 'Lato' is not installed"),
]


@pytest.mark.parametrize(("problem", "expected"), GITHUB_CASES)
def test_github_workflow_commands(problem: Problem, expected: str) -> None:
    assert github_command(problem) == expected


PARSE_CASES = [
    ("content/x/plan.yaml:12:5: summary.zh: warning: ASCII comma in Chinese text",
     Problem(Location("content/x/plan.yaml", 12, 5, "summary.zh"), "ASCII comma in Chinese text", "warning")),
    ("templates/handout.html.j2:5: 'x' is undefined",
     Problem(Location("templates/handout.html.j2", 5, 0), "'x' is undefined")),
    ("templates/press-brief.html.j2 (plan press-brief.en): warning: embeds DejaVuSans",
     Problem(Location(""), "templates/press-brief.html.j2 (plan press-brief.en): warning: embeds DejaVuSans")),
    ("warning: something general", Problem(Location(""), "something general", "warning")),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_CASES)
def test_messages_read_back_into_problems(text: str, expected: Problem) -> None:
    assert parse_message(text) == expected


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    init_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    plan = tmp_path / "content" / "reading-rooms" / "plan.yaml"
    text = plan.read_text(encoding="utf-8").replace("status: draft", "status: drafty")
    plan.write_text(text.replace("zh: 2027年底前建成10个书房。", "zh: 2027年底前建成12个书房。"), encoding="utf-8")
    return tmp_path


def test_validate_as_github_annotations(project: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--diagnostics", "github"])
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert ("::error file=content/reading-rooms/plan.yaml,line=11,col=9,title=status::"
            "must be one of 'draft' or 'final'; got 'drafty'") in lines


def test_validate_as_json(project: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--diagnostics", "json"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["errors"] == 1
    [error] = [problem for problem in document["problems"] if problem["severity"] == "error"]
    assert (error["file"], error["line"], error["column"], error["field"]) == (
        "content/reading-rooms/plan.yaml", 11, 9, "status")


def test_warnings_are_github_warnings_and_json_counts_them(project: Path) -> None:
    plan = project / "content" / "reading-rooms" / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("status: drafty", "status: draft"), encoding="utf-8")
    github = CliRunner().invoke(cli, ["validate", "--diagnostics", "github"])
    assert github.exit_code == 0
    assert any(line.startswith("::warning file=content/reading-rooms/plan.yaml,line=") and "numbers differ" in line
               for line in github.stdout.splitlines()), github.stdout
    document = json.loads(CliRunner().invoke(cli, ["validate", "--diagnostics", "json"]).stdout)
    assert document["errors"] == 0 and document["warnings"] == 1


def test_build_takes_diagnostics_too(project: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--format", "html", "--diagnostics", "json"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)  # nothing else on stdout: no summary table
    assert document["errors"] == 1 and document["problems"][0]["line"] == 11
