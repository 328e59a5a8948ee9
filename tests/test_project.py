"""Projects: the template search path, `init`, and the command-line habits (-q, -v, clean, completion, version)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefkit import __version__
from briefkit.cli import cli
from briefkit.errors import ContentError, TemplateError, UsageError
from briefkit.files import display_path
from briefkit.fonts import foreign_fonts, substituted_faces
from briefkit.project import Project
from briefkit.render import Renderer
from briefkit.scaffold import init_project
from briefkit.searchpath import TemplateFolders, default_folder
from briefkit.validate import load_plan
from conftest import REPO


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    init_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    return tmp_path


def _plan(root: Path):
    return load_plan(root / "content" / "reading-rooms" / "plan.yaml")


def test_init_writes_one_plan_and_no_templates(project: Path) -> None:
    assert sorted(path.relative_to(project).as_posix() for path in project.rglob("*") if path.is_file()) == [
        ".gitignore", "content/reading-rooms/glossary.yaml", "content/reading-rooms/plan.yaml",
        "schema/glossary.schema.json", "schema/plan.schema.json"]
    assert Project(project).templates.folders == (default_folder("templates"),)
    result = CliRunner().invoke(cli, ["validate", "--strict"])
    assert result.exit_code == 0, result.output


def test_init_never_overwrites_and_ejects_templates_on_request(project: Path) -> None:
    with pytest.raises(UsageError, match="already holds a project"):
        init_project(project)
    result = CliRunner().invoke(cli, ["init", "--eject-templates"])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (project / "templates").iterdir()) == sorted(
        path.name for path in default_folder("templates").iterdir())
    again = CliRunner().invoke(cli, ["init", "--eject-templates"])
    assert again.exit_code == 2 and "init would overwrite" in again.output


def test_overriding_one_template_overrides_only_that_file(project: Path) -> None:
    labels = (default_folder("templates") / "labels.yaml").read_text(encoding="utf-8")
    (project / "templates").mkdir()
    # Schema 2: group titles ("Key actions") are the plan's own; the "Key figures" heading is still a label.
    assert "key_figures: {en: Key figures," in labels
    (project / "templates" / "labels.yaml").write_text(labels.replace("Key figures", "Main figures"), "utf-8")
    folders = Project(project).templates
    assert folders / "labels.yaml" == project / "templates" / "labels.yaml"
    assert folders / "theme.yaml" == default_folder("templates") / "theme.yaml"
    html = Renderer(folders).render(_plan(project), "press-brief", "en").html
    assert "Main figures" in html and "Key figures" not in html


def test_a_plan_folders_own_templates_come_first_and_run_sandboxed(project: Path) -> None:
    own = project / "content" / "reading-rooms" / "templates"
    own.mkdir()
    base = (default_folder("templates") / "handout.html.j2").read_text(encoding="utf-8")
    (own / "handout.html.j2").write_text(base.replace("{% block body %}", "{% block body %}<p>PLAN OWN</p>"), "utf-8")
    renderer = Renderer(Project(project).templates)
    assert "PLAN OWN" in renderer.render(_plan(project), "handout", "en").html
    assert "PLAN OWN" not in renderer.render(_plan(project), "press-brief", "en").html
    (own / "handout.html.j2").write_text(base.replace("{% block body %}", "{% block body %}{{ plan.__class__.__mro__ }}"))
    with pytest.raises(TemplateError, match="sandbox|unsafe"):
        Renderer(Project(project).templates).render(_plan(project), "handout", "en")


def test_a_template_cannot_lead_out_of_its_folder(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.html.j2"
    outside.write_text("SECRET")
    (project / "templates").mkdir()
    os.symlink(outside, project / "templates" / "handout.html.j2")
    assert Project(project).templates.find("handout.html.j2") is None
    with pytest.raises(TemplateError, match="leads outside the templates folder"):
        Renderer(Project(project).templates).render(_plan(project), "handout", "en")
    assert TemplateFolders.of(project / "templates").find("../content/reading-rooms/plan.yaml") is None


def test_templates_dir_still_runs_sandboxed(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    agency = tmp_path_factory.mktemp("agency")
    assert not Project(project, agency).templates_trusted and Project(project).templates_trusted
    assert Project(project, agency).templates.folders == (agency, default_folder("templates"))


def test_clean_with_an_unknown_plan_is_a_usage_error(project: Path) -> None:
    result = CliRunner().invoke(cli, ["clean", "nosuch"])
    assert result.exit_code == 2
    assert "no plan 'nosuch'" in result.output and "known: reading-rooms" in result.output
    assert CliRunner().invoke(cli, ["clean", "reading-rooms"]).exit_code == 0


def test_quiet_and_verbose(project: Path) -> None:
    quiet = CliRunner().invoke(cli, ["-q", "build", "--format", "html"])
    assert quiet.exit_code == 0 and quiet.output == ""
    verbose = CliRunner().invoke(cli, ["-v", "build", "--format", "html", "--force"])
    assert verbose.exit_code == 0
    assert f"templates: {default_folder('templates')}" in verbose.output
    assert "output/reading-rooms/press-brief.en.html" in verbose.output


def test_summary_columns_stay_aligned_with_long_names(project: Path) -> None:
    long_id = "a-plan-with-a-rather-long-identifier-for-the-summary-table"
    shutil.copytree(project / "content" / "reading-rooms", project / "content" / long_id)
    plan = project / "content" / long_id / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("id: reading-rooms", f"id: {long_id}"), "utf-8")
    result = CliRunner().invoke(cli, ["build", "--format", "html"])
    rows = [line for line in result.stdout.splitlines() if line.startswith(("file", "output/"))]
    assert len({line.index(" KiB") for line in rows if " KiB" in line}) == 1
    assert len({len(line) for line in rows}) == 1


def test_completion_offers_plan_ids_and_documents(project: Path) -> None:
    env = {"_BRIEFKIT_COMPLETE": "bash_complete", "COMP_WORDS": "briefkit build rea", "COMP_CWORD": "2"}
    result = CliRunner().invoke(cli, [], env=env, prog_name="briefkit")
    assert "plain,reading-rooms" in result.output
    env = {"_BRIEFKIT_COMPLETE": "bash_complete", "COMP_WORDS": "briefkit build --doc ha", "COMP_CWORD": "3"}
    assert "plain,handout" in CliRunner().invoke(cli, [], env=env, prog_name="briefkit").output


def test_the_version_comes_from_the_package_metadata() -> None:
    from importlib.metadata import version

    assert __version__ == version("briefkit")
    assert f'version = "{__version__}"' in (REPO / "pyproject.toml").read_text()
    assert "__version__ =" not in (REPO / "src" / "briefkit" / "__init__.py").read_text().replace(
        "__version__ = version(", "").replace('__version__ = "0+unknown"', "")


def test_a_substituted_theme_font_is_a_warning_at_its_entry_and_an_error_when_strict(project: Path) -> None:
    (project / "templates").mkdir()
    theme = (default_folder("templates") / "theme.yaml").read_text(encoding="utf-8")
    theme = theme.replace('serif: ["Noto Serif", ', 'serif: ["Nosuch Lato Serif", ')
    (project / "templates" / "theme.yaml").write_text(theme, encoding="utf-8")
    [problem] = substituted_faces(project / "templates" / "theme.yaml")
    assert problem.severity == "warning" and problem.location.field == "fonts.serif[0]"
    assert problem.location.line == theme.splitlines().index(
        next(line for line in theme.splitlines() if "Nosuch" in line)) + 1
    assert "'Nosuch Lato Serif' is not installed: fontconfig substitutes '" in problem.message
    built = CliRunner().invoke(cli, ["build", "--format", "html"])
    assert built.exit_code == 0 and "fonts.serif[0]: warning: font 'Nosuch Lato Serif'" in built.output
    strict = CliRunner().invoke(cli, ["build", "--format", "html", "--strict"])
    assert strict.exit_code == 2 and "fonts.serif[0]: font 'Nosuch Lato Serif' is not installed" in strict.output
    doctor = CliRunner().invoke(cli, ["doctor", "--strict"])
    assert doctor.exit_code == 1 and "substituted by" in doctor.output


@pytest.mark.slow
def test_fonts_embedded_in_a_pdf_are_compared_with_the_theme(project: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--doc", "handout", "--lang", "en", "--format", "pdf", "--jobs", "1"])
    assert result.exit_code == 0 and "not a face of the theme" not in result.output
    pdf = project / "output" / "reading-rooms" / "handout.en.pdf"
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    embedded = [line.split()[0].split("+", 1)[1] for line in listing.splitlines()[2:]]
    assert foreign_fonts(embedded, ("Noto Serif", "Noto Sans")) == []
    assert {"Noto-Sans", "Noto-Sans-Bold"} & set(foreign_fonts(embedded, ("Noto Serif",)))


def test_a_broken_theme_is_located(project: Path) -> None:
    (project / "templates").mkdir()
    (project / "templates" / "theme.yaml").write_text("paper: A5\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        Renderer(Project(project).templates)
    # The project's own file, named as messages name paths (relative to the working folder when inside it).
    assert f"{display_path(project / 'templates' / 'theme.yaml')}:1:8: paper: " in str(caught.value)
