"""The build stamp: a no-op rebuild answered without the pipeline, and every change that must defeat it.

Real builds in subprocesses (HTML outputs: fast, and with image copies beside them). `-v` makes
the build command say whether the stamp answered ("build stamp: nothing changed ...") or why not
("build stamp not used: ..."); the summary says what the full build then did.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from briefkit import stamp
from briefkit.project import PLAN_FILE, Project
from conftest import MINIMAL_PLAN, REPO

PLAN = "shanghai-manufacturing"
HANDOUT = ("build", PLAN, "--doc", "handout", "--lang", "en", "--format", "html")
EPOCH = "1525658400"
STAMPED = "build stamp: nothing changed since the last build"


def _run(root: Path, *arguments: str, env: dict[str, str] | None = None, verbosity: str = "-v",
         python: tuple[str, ...] = (str(REPO / "build.py"),)) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    environment = {name: value for name, value in environment.items() if value != ""}  # "" unsets
    command = [sys.executable, *python, "--project", str(root), verbosity, *arguments]
    return subprocess.run(command, cwd=root, env=environment, capture_output=True, text=True, timeout=600)


def _build(root: Path, *arguments: str, **options: object) -> tuple[bool, str]:
    """(the stamp answered, the summary's last line) of one build, which must succeed."""
    result = _run(root, *(arguments or HANDOUT), **options)  # type: ignore[arg-type]
    assert result.returncode == 0, result.stdout + result.stderr
    return STAMPED in result.stderr, result.stdout.splitlines()[-1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "content", tmp_path / "content")
    return tmp_path


def _output(root: Path) -> Path:
    return root / "output" / PLAN / "handout.en.html"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _swap_logo(root: Path) -> None:
    media = root / "content" / PLAN / "media"
    svg = (media / "logo.svg").read_text(encoding="utf-8")
    (media / "logo.svg").write_text(svg.replace("</svg>", "<!-- redrawn --></svg>"), encoding="utf-8")


# (what changes, how, the summary the full build then prints)
CHANGES: list[tuple[str, Callable[[Path], None], str]] = [
    ("a comment in the plan", lambda root: _edit(root / "content" / PLAN / PLAN_FILE, "\n", "\n# edited\n"),
     "0 built, 1 up to date, 0 failed"),  # a comment: the build sees it, the HTML does not show it
    ("the headline", lambda root: _edit(root / "content" / PLAN / PLAN_FILE, "en: Shanghai launches", "en: Shanghai starts"),
     "1 built, 0 up to date, 0 failed"),
    ("a template", lambda root: _edit(root / "templates" / "handout.html.j2", "{% block body %}", "{% block body %}<p>v2</p>"),
     "1 built, 0 up to date, 0 failed"),
    ("an image the handout shows", _swap_logo, "1 built, 0 up to date, 0 failed"),
    ("a new file in the plan folder", lambda root: (root / "content" / PLAN / "notes.txt").write_text("x"),
     "0 built, 1 up to date, 0 failed"),
    ("the output, edited", lambda root: _edit(_output(root), "</html>", "<!-- hand edit --></html>"),
     "1 built, 0 up to date, 0 failed"),
    ("the output, truncated", lambda root: _output(root).write_bytes(_output(root).read_bytes()[:100]),
     "1 built, 0 up to date, 0 failed"),
    ("the output, deleted", lambda root: _output(root).unlink(), "1 built, 0 up to date, 0 failed"),
    ("an image copy beside it", lambda root: (_output(root).parent / "media" / "logo.svg").write_text("<svg/>"),
     "1 built, 0 up to date, 0 failed"),
    ("the build record", lambda root: (_output(root).parent / ".briefkit-cache.json").write_text("{}"),
     "1 built, 0 up to date, 0 failed"),  # it warned of the record: no stamp, the next build goes the long way
]


@pytest.mark.slow
def test_every_change_defeats_the_stamp_and_is_then_stamped_again(project: Path):
    assert _build(project) == (False, "1 built, 0 up to date, 0 failed")
    assert _build(project) == (True, "0 built, 1 up to date, 0 failed")
    for what, change, summary in CHANGES:
        change(project)
        assert _build(project) == (False, summary), what
        if what == "the build record":
            assert _build(project) == (False, "0 built, 1 up to date, 0 failed")
        assert _build(project) == (True, "0 built, 1 up to date, 0 failed"), what


@pytest.mark.slow
@pytest.mark.parametrize("changed", [
    ("--strict",), ("--lang", "zh"), ("--format", "docx"), ("--doc", "press-brief"), ("--out", "elsewhere")])
def test_other_options_are_another_stamp(project: Path, changed: tuple[str, ...]):
    _build(project)
    assert _build(project)[0]
    assert not _build(project, *HANDOUT, *changed)[0]
    assert _build(project)[0]  # the first options' stamp still holds: their outputs are untouched


@pytest.mark.slow
def test_force_a_new_build_date_and_the_environment_defeat_it(project: Path):
    _build(project)
    assert _build(project, *HANDOUT, "--force") == (False, "1 built, 0 up to date, 0 failed")
    assert _build(project)[0]  # the forced build stamped its outputs again
    assert _build(project, env={"SOURCE_DATE_EPOCH": "1600000000"}) == (False, "1 built, 0 up to date, 0 failed")
    assert _build(project, env={"SOURCE_DATE_EPOCH": "1600000000"})[0]
    assert not _build(project, env={"SOURCE_DATE_EPOCH": "1600000000", "LC_ALL": "C.UTF-8"})[0]


def _git(root: Path, *arguments: str, date: str = "2021-03-04T05:06:07Z") -> None:
    environment = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *arguments], cwd=root,
                   env=environment, check=True, capture_output=True)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_new_commit_moves_the_build_date_and_defeats_it(project: Path):
    _git(project, "init", "-q")
    _git(project, "add", "content")
    _git(project, "commit", "-q", "-m", "plan")
    no_epoch = {"SOURCE_DATE_EPOCH": ""}
    assert _build(project, env=no_epoch) == (False, "1 built, 0 up to date, 0 failed")
    assert "2021-03-04T05:06:07Z" in _output(project).read_text(encoding="utf-8")
    assert _build(project, env=no_epoch)[0]
    plan = project / "content" / PLAN / PLAN_FILE
    original = plan.read_bytes()
    plan.write_bytes(original + b"\n# draft\n")
    _git(project, "commit", "-q", "-am", "draft", date="2022-01-01T00:00:00Z")
    plan.write_bytes(original)  # the same files as the stamp saw, but a later commit: another date
    _git(project, "commit", "-q", "-am", "revert", date="2023-06-07T08:09:10Z")
    assert _build(project, env=no_epoch) == (False, "1 built, 0 up to date, 0 failed")
    assert "2023-06-07T08:09:10Z" in _output(project).read_text(encoding="utf-8")


def _a_font() -> Path:
    listing = subprocess.run(stamp.FC_LIST, capture_output=True, text=True, check=False).stdout
    files = sorted({Path(line.split("\t")[2]) for line in listing.splitlines() if line.count("\t") == 3},
                   key=lambda path: path.stat().st_size if path.is_file() else 1 << 40)
    if not files:
        pytest.skip("needs fontconfig and a font")
    return files[0]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig")
def test_a_font_file_that_changes_defeats_it(project: Path, tmp_path_factory: pytest.TempPathFactory):
    fonts = tmp_path_factory.mktemp("fonts")
    font = fonts / "faces" / _a_font().name
    font.parent.mkdir()
    shutil.copyfile(_a_font(), font)
    config = fonts / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?>\n<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf'
                      f'</include><dir>{font.parent}</dir><cachedir>{fonts / "cache"}</cachedir></fontconfig>\n')
    env = {"FONTCONFIG_FILE": str(config)}
    _build(project, env=env)
    assert _build(project, env=env)[0]
    status = font.stat()
    os.utime(font, ns=(status.st_atime_ns, status.st_mtime_ns + 10**9))  # an updated font of the same size
    assert _build(project, env=env) == (False, "0 built, 1 up to date, 0 failed")  # HTML embeds no font
    assert _build(project, env=env)[0]
    font.unlink()
    assert not _build(project, env=env)[0]


@pytest.mark.slow
def test_the_tools_own_code_changing_defeats_it(project: Path, tmp_path_factory: pytest.TempPathFactory):
    tool = tmp_path_factory.mktemp("tool")
    for folder in ("src", "templates", "schema"):
        shutil.copytree(REPO / folder, tool / folder, ignore=shutil.ignore_patterns("__pycache__"))
    run = ("-c", "import sys; sys.path.insert(0, sys.argv.pop(1)); from briefkit.cli import main; main()",
           str(tool / "src"))
    env = {"PYTHONPATH": str(tool / "src")}
    assert _build(project, python=run, env=env) == (False, "1 built, 0 up to date, 0 failed")
    assert _build(project, python=run, env=env)[0]
    with (tool / "src" / "briefkit" / "writers" / "html.py").open("a", encoding="utf-8") as stream:
        stream.write("\n# a fix between releases\n")
    assert _build(project, python=run, env=env) == (False, "1 built, 0 up to date, 0 failed")


@pytest.mark.slow
def test_a_stamped_no_op_prints_what_the_full_no_op_prints_and_imports_nothing_heavy(project: Path):
    (project / "content" / "draft").mkdir()
    (project / "content" / "draft" / PLAN_FILE).write_text(
        MINIMAL_PLAN.replace("zh: 第一项行动", "zh: ''"), encoding="utf-8")  # English standing in: a warning
    build = ("build", "--lang", "en", "--format", "html", "--format", "docx")
    first = _run(project, *build)
    assert first.returncode == 0, first.stderr
    stamps = list((project / stamp.FOLDER).glob("*.json"))
    assert len(stamps) == 1
    stamps[0].unlink()
    full = _run(project, *build)  # the long way with nothing to write: what a no-op printed before stamps
    stamped = _run(project, *build)
    assert "build stamp not used: no stamp" in full.stderr and STAMPED in stamped.stderr
    assert (stamped.returncode, stamped.stdout) == (full.returncode, full.stdout)
    assert full.stdout.splitlines()[-1] == "0 built, 12 up to date, 0 failed" and "cached" in full.stdout
    assert "warning: " in full.stderr and "templates: " in full.stderr
    assert [line for line in stamped.stderr.splitlines() if "stamp" not in line] == [
        line for line in full.stderr.splitlines() if "stamp" not in line]
    quiet = _run(project, *build, verbosity="-q")
    assert (quiet.returncode, quiet.stdout) == (0, "")
    assert quiet.stderr.splitlines() == [line for line in full.stderr.splitlines() if "warning: " in line]
    traced = _run(project, *build, python=("-X", "importtime", str(REPO / "build.py")))
    assert STAMPED in traced.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in traced.stderr.splitlines() if line.startswith("import ")}
    heavy = {"briefkit.pipeline", "briefkit.validate", "briefkit.render", "weasyprint", "docx", "pydantic", "jinja2",
             "yaml", "babel", "cn2an", "rjieba", "lxml"}
    assert "briefkit.stamp" in imported and not imported & heavy


def test_the_stamp_resolves_plans_as_the_project_does(project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(project)
    (project / "content" / "second").mkdir()
    (project / "content" / "second" / PLAN_FILE).write_text(MINIMAL_PLAN, encoding="utf-8")
    for plans in [(), (PLAN,), ("content/second",), (f"content/{PLAN}/{PLAN_FILE}",), ("second", PLAN)]:
        request = stamp.Request(Path("."), None, plans, (), (), ("html",), None, False, None, None)
        assert stamp.plan_files(request) == Project(Path(".")).plan_files(plans), plans
    assert stamp.inputs(stamp.Request(Path("."), None, ("nowhere",), (), (), ("html",), None, False, None,
                                      None)) is None


def test_what_the_stamp_repeats_of_the_project_agrees_with_it(tmp_path: Path):
    from briefkit import translate
    from briefkit.cli import EXCHANGE_FORMATS

    assert tmp_path / stamp.FOLDER == Project(tmp_path).cache / "stamps"
    assert EXCHANGE_FORMATS == tuple(translate.FORMATS)


@pytest.mark.parametrize("warnings, written, replayed", [
    (["plan: a", "out: b", "plan: c"], ["out: b"], ["plan: a", "plan: c"]),
    (["same", "same"], ["same"], ["same"]),  # said once by the plan and once by a writer: the plan's stays
    ([], [], []),
    (["plan: a"], [], ["plan: a"]),
])
def test_a_no_op_repeats_the_warnings_of_the_inputs_not_of_the_writers(warnings, written, replayed):
    assert stamp.replayed(warnings, written) == replayed


def test_no_stamp_when_the_inputs_cannot_be_read_or_the_record_had_trouble(project: Path):
    request = stamp.Request(project, None, (PLAN,), (), (), ("html",), None, False, None, None)
    state = stamp.inputs(request)
    assert state is not None and state.digest == stamp.inputs(request).digest  # type: ignore[union-attr]
    assert stamp.check(None)[0] is None
    assert stamp.check(state) == (None, "no stamp of a previous build of these options")
    assert not stamp.save(None, [], [], [])
    assert not stamp.save(state, [], ["output/x/.briefkit-cache.json: the build record cannot be read"],
                          [project / "content" / PLAN / PLAN_FILE])
    assert not stamp.save(state, [project / "output" / "missing.html"], [], [project / "content" / PLAN / PLAN_FILE])
    assert not stamp.save(state, [], [], [])  # the project resolved other plans than the stamp did
    assert stamp.save(state, [], [], [project / "content" / PLAN / PLAN_FILE])
    assert stamp.check(state)[0] is not None
    os.mkfifo(project / "content" / PLAN / "pipe")  # a FIFO would block the read: doubt, not a hang
    assert stamp.inputs(request) is None


def test_symbolic_links_count_by_where_they_lead_and_are_never_read_out_of_the_folder(project: Path):
    request = stamp.Request(project, None, (PLAN,), (), (), ("html",), None, False, None, None)
    folder = project / "content" / PLAN
    before = stamp.inputs(request)
    (folder / "alias.png").symlink_to("media/logo.png")
    linked = stamp.inputs(request)
    (folder / "alias.png").unlink()
    (folder / "alias.png").symlink_to("media/machine-at-work.png")
    assert None not in (before, linked) and stamp.inputs(request) not in (before, linked)
    (project / "secret.txt").write_text("outside")
    (folder / "alias.png").unlink()
    (folder / "alias.png").symlink_to(project / "secret.txt")
    assert stamp.inputs(request) is None  # the build refuses to read it; the stamp does not read it either
    (folder / "alias.png").unlink()
    (folder / "shared").symlink_to(project / "templates", target_is_directory=True)
    assert stamp.inputs(request) is None


@pytest.mark.slow
def test_a_reference_document_outside_the_templates_is_vouched_for_by_its_bytes(project: Path):
    theme = project / "templates" / "theme.yaml"
    _edit(theme, "  reference: null", "  reference: ../ref.docx")
    (project / "ref.docx").write_bytes(b"first")  # an HTML build does not open it; the stamp still answers for it
    _build(project)
    assert _build(project)[0]
    (project / "ref.docx").write_bytes(b"second")
    assert not _build(project)[0]
    assert _build(project)[0]
