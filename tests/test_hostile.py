"""Hostile and broken input (issue 7): clear errors, nothing leaked, nothing lost.

Each corpus case (tests/hostile/cases.py) goes through `validate` and `build`
with the CLI in this process, so a Python audit hook sees every file the build
opens and every socket it makes. Each must exit 2 with its exact located
messages, no traceback, no file read outside the plan folder and templates,
no network, and the previous outputs left byte for byte as they were.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import docx
import lxml.html
import pytest
import yaml
from click.testing import CliRunner, Result
from pypdf import PdfReader

from briefkit.cache import user_cache
from briefkit.cli import cli
from briefkit.render import cache_secret_path, compiled_templates
from conftest import MINIMAL_PLAN, REPO
from hostile.cases import ACCEPTED, CASES, OUTSIDE, Case, write_case, write_decoys

BUILD = ("build", "plan/plan.yaml", "--doc", "handout", "--lang", "en", "--format", "html", "--format", "pdf",
         "--jobs", "1")
SOURCE_DATE_EPOCH = "1525658400"

# -- the audit hook: what the build opens, whom it calls ----------------------------------------
# An audit hook cannot be removed once added, so one hook records into whichever list is active.
_recording: list[list[tuple[str, str]]] = []
_SYSTEM = tuple(
    Path(prefix).resolve()
    for prefix in (sys.prefix, sys.base_prefix, sys.exec_prefix, "/usr", "/etc/fonts", "/etc/mime.types",
                   "/etc/localtime", "/proc", "/dev", "/sys", REPO / "src")
)


def _hook(event: str, args: tuple[object, ...]) -> None:
    if not _recording:
        return
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _recording[-1].append(("open", os.fsdecode(args[0])))
    elif event.startswith(("socket.", "urllib.", "http.client.")):
        _recording[-1].append((event, repr(args)[:200]))


sys.addaudithook(_hook)


@contextmanager
def audit(project: Path) -> Iterator[list[tuple[str, str]]]:
    """Yield the list of forbidden events: files opened outside the plan folder, templates, output, the
    project's own cache of compiled templates, the Python installation and system fonts; and any network use."""
    events: list[tuple[str, str]] = []
    _recording.append(events)
    forbidden: list[tuple[str, str]] = []
    try:
        yield forbidden
    finally:
        _recording.remove(events)
        parts = ("plan", "templates", "output", ".briefkit-cache")
        # The key that signs compiled templates, the templates compiled (render.py) and the CJK faces cut once
        # per machine (writers/subset.py) live outside every project, on purpose.
        allowed = (*((project / part).resolve() for part in parts), *_SYSTEM, cache_secret_path().resolve(),
                   user_cache().resolve())
        for event, detail in events:
            if event != "open":
                forbidden.append((event, detail))
                continue
            path = Path(os.path.realpath(os.path.join(project, detail)))
            if not any(path.is_relative_to(root) for root in allowed):
                forbidden.append((event, str(path)))


def test_the_audit_sees_a_read_outside_and_a_socket(tmp_path: Path):
    write_decoys(tmp_path)
    with audit(tmp_path) as forbidden:
        (tmp_path / OUTSIDE / "secret.txt").read_bytes()
        (tmp_path / "plan").mkdir()
        (tmp_path / "plan" / "inside.txt").write_text("fine")
        socket.socket().close()
    assert [event for event, _ in forbidden] == ["open", "socket.__new__"]
    assert forbidden[0][1] == str((tmp_path / OUTSIDE / "secret.txt").resolve())


# -- projects and outputs ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output/ folder of a good build of the minimal plan (handout, en, html and pdf)."""
    root = tmp_path_factory.mktemp("good")
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "plan").mkdir()
    (root / "plan" / "plan.yaml").write_text(MINIMAL_PLAN, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        result = invoke(root, *BUILD)
    assert result.exit_code == 0, result.output
    assert {path.name for path in (root / "output" / "minimal").iterdir()} >= {"handout.en.html", "handout.en.pdf"}
    return root / "output"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, good_output: Path) -> Path:
    """A project with the repository's templates, the last good output, and decoys beside the plan folder."""
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(good_output, tmp_path / "output")
    write_decoys(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    return tmp_path


def invoke(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), *args])


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes (temporary .part files included: none may be left)."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def assert_clean_exit(result: Result, exit_code: int) -> None:
    assert result.exit_code == exit_code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def aborted(messages: tuple[str, ...], summary: str = "") -> list[str]:
    count = len(messages)
    return [*messages, *([summary] if summary else []), f"Aborted with {count} content error{'s' if count != 1 else ''}."]


# -- the corpus --------------------------------------------------------------------------------


def _param(case: Case) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.name, marks=marks)


def test_the_corpus_is_big_enough_and_names_are_unique():
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_bad_content_is_refused_with_located_messages(project: Path, case: Case):
    write_case(case, project)
    before = snapshot(project / "output")
    with audit(project) as forbidden:
        checked = invoke(project, "validate", "plan/plan.yaml")
        built = invoke(project, *BUILD)
    assert_clean_exit(checked, 2)
    assert checked.stderr.splitlines() == aborted(case.messages, case.summary)
    if all(message.endswith("missing Simplified Chinese text") for message in case.messages):
        # An English-only build of a plan whose Chinese is not written yet is a draft: it builds, with warnings.
        assert_clean_exit(built, 0)
        drafted = [f"{message}".replace(": missing", ": warning: missing") + " (drafting: only English editions "
                   "can be built)" for message in case.messages]
        assert [line for line in built.stderr.splitlines() if "drafting" in line] == drafted
        assert forbidden == []
        return
    assert_clean_exit(built, 2)
    assert built.stderr.splitlines() == aborted(case.messages, case.summary)
    assert built.stdout == ""
    assert snapshot(project / "output") == before, "the previous outputs changed"
    assert forbidden == []


@pytest.mark.parametrize("case", ACCEPTED, ids=[case.name for case in ACCEPTED])
def test_odd_but_harmless_content_is_accepted(project: Path, case: Case):
    write_case(case, project)
    with audit(project) as forbidden:
        result = invoke(project, "validate", "plan/plan.yaml")
    assert_clean_exit(result, 0)
    assert "plan/plan.yaml: ok (minimal, 2 actions" in result.stdout
    assert forbidden == []


def test_the_command_line_prints_no_traceback_for_a_binary_plan(project: Path):
    """The real program, not CliRunner: what a user sees in a terminal."""
    write_case(next(case for case in CASES if case.name == "png-saved-as-plan"), project)
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--project", str(project), "validate", "plan/plan.yaml"],
        cwd=project, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "plan/plan.yaml:1:1: file is not UTF-8: byte 0x89 cannot start a character; save the file as UTF-8",
        "Aborted with 1 content error.",
    ]
    assert result.stdout == ""


# -- content is text: markup and template syntax are shown as typed ----------------------------

LITERALS = {
    "script element": "<script>alert('x')</script>",
    "image with an event handler": '<img src=x onerror="alert(1)">',
    "closing tags to break out": "</p></body><h1>Injected</h1>",
    "style element": "<style>body{display:none}</style>",
    "character reference": "&amp; &#60;b&#62; &lt;",
    "Jinja expression": "{{ 7*7 }} {{ plan.__class__ }}",
    "Jinja statement": "{% include '/etc/passwd' %}{% raw %}",
    "Jinja comment": "{# hidden #}",
    "format placeholder": "{brand} {0} %s",
    "javascript link": "[click](javascript:alert(1))",
    "file link": "[notes](file:///etc/passwd)",
}
BACKGROUND = yaml.safe_dump(
    {"sections": [{"id": "raw", "title": {"en": "Raw", "zh": "原文"},
                   "blocks": [{"paragraph": {"en": text, "zh": f"中文 {text}"}} for text in LITERALS.values()]}]},
    allow_unicode=True, width=1000,
)
HOSTILE_PLAN = (
    MINIMAL_PLAN.replace("actions:\n", BACKGROUND + "actions:\n")
    .replace("title: {en: First action,", "title: {en: '<b onmouseover=x>First</b> {{ 6*7 }}',")
)


@pytest.fixture(scope="module")
def literal_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of a plan whose text is full of markup and template syntax: HTML, PDF and DOCX."""
    root = tmp_path_factory.mktemp("literal")
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "plan").mkdir()
    (root / "plan" / "plan.yaml").write_text(HOSTILE_PLAN, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch, audit(root) as forbidden:
        patch.chdir(root)
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        result = invoke(root, "build", "plan/plan.yaml", "--doc", "stakeholder-report", "--lang", "en",
                        "--format", "html", "--format", "pdf", "--format", "docx", "--jobs", "1")
    assert_clean_exit(result, 0)
    assert forbidden == []
    return root / "output" / "minimal"


@pytest.mark.parametrize("text", list(LITERALS.values()), ids=list(LITERALS))
def test_markup_and_template_syntax_in_content_are_shown_as_typed(literal_outputs: Path, text: str):
    html = (literal_outputs / "stakeholder-report.en.html").read_text(encoding="utf-8")
    tree = lxml.html.document_fromstring(html)
    paragraphs = [p.text_content() for p in tree.iter("p")]
    assert text in paragraphs, "not shown exactly as typed in the HTML"
    pdf_text = " ".join(page.extract_text() for page in PdfReader(literal_outputs / "stakeholder-report.en.pdf").pages)
    assert re.sub(r"\s+", "", text) in re.sub(r"\s+", "", pdf_text)
    assert text in [paragraph.text for paragraph in docx.Document(literal_outputs / "stakeholder-report.en.docx")
                    .paragraphs]


def test_no_markup_from_content_becomes_an_element(literal_outputs: Path):
    tree = lxml.html.document_fromstring((literal_outputs / "stakeholder-report.en.html").read_text(encoding="utf-8"))
    assert tree.xpath("//script") == [] and tree.xpath("//b") == [] and tree.xpath("//img") == []
    assert len(tree.xpath("//style")) == 1  # the theme's own
    assert tree.xpath("//@*[starts-with(name(), 'on')]") == []
    assert [h.text_content() for h in tree.iter("h1")].count("Injected") == 0
    assert all(href.startswith(("#", "http:", "https:", "mailto:")) for href in tree.xpath("//a/@href"))
    assert "49" not in tree.body.text_content() and "42" not in tree.body.text_content()


# -- templates: located errors, confined files, the sandbox ------------------------------------


@pytest.fixture
def built(project: Path) -> Path:
    """A project with a real, complete build of the minimal plan already in output/."""
    (project / "plan").mkdir()
    (project / "plan" / "plan.yaml").write_text(MINIMAL_PLAN, encoding="utf-8")
    return project


def _edit_template(project: Path, name: str, old: str, new: str) -> None:
    path = project / "templates" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _line_of(project: Path, name: str, needle: str) -> int:
    lines = (project / "templates" / name).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def _template_case(name: str, template: str, old: str, new: str, expected: str, xfail: str = "") -> object:
    """`new` replaces `old` in `template`; `{line}` in `expected` is where the line `new` adds ends up."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(template, old, new, expected, id=name, marks=marks)


TEMPLATE_CASES = [
    _template_case("undefined-variable", "handout.html.j2", "{% block body %}", "{% block body %}\n{{ nope }}",
                   "templates/handout.html.j2:{line}: 'nope' is undefined"),
    _template_case("undefined-attribute", "handout.html.j2", "{% block body %}", "{% block body %}\n{{ plan.nope }}",
                   "templates/handout.html.j2:{line}: 'briefkit.model.Plan object' has no attribute 'nope'"),
    _template_case("syntax-error-in-a-partial", "_macros.html.j2", "{% macro attrs(", "{% if %}\n{% macro attrs(",
                   "templates/_macros.html.j2:{line}: Expected an expression, got 'end of statement block'"),
    _template_case("include-outside-templates", "handout.html.j2", "{% block body %}",
                   "{% block body %}\n{% include '../plan/plan.yaml' %}",
                   "templates/handout.html.j2:{line}: template not found: ../plan/plan.yaml"),
]


@pytest.mark.parametrize(("template", "old", "new", "expected"), TEMPLATE_CASES)
def test_broken_template_names_file_and_line_and_keeps_outputs(built: Path, template, old, new, expected):
    _edit_template(built, template, old, new)
    needle = next(line for line in new.splitlines() if line not in old)  # the line the edit adds
    before = snapshot(built / "output")
    with audit(built) as forbidden:
        result = invoke(built, *BUILD, "--force")
    assert_clean_exit(result, 1)
    assert result.stderr.splitlines() == [expected.format(line=_line_of(built, template, needle))]
    assert snapshot(built / "output") == before
    assert forbidden == []


@pytest.mark.parametrize(
    ("name", "template", "old", "markup", "refusal"),
    [
        # Inside the HTML vocabulary, so that the render-time check lets them through to the fetcher.
        ("local file", "handout.html.j2", "{% block body %}", '<figure><img src="file:///etc/passwd" alt=""></figure>',
         "refused to fetch file:///etc/passwd: it is outside templates/ and the plan folder"),
        ("decoy beside the plan", "handout.html.j2", "{% block body %}",
         '<figure><img src="../OUTSIDE/secret.png" alt=""></figure>',
         "refused to fetch ../OUTSIDE/secret.png (relative to the plan folder): it is outside templates/ and the plan folder"),
        ("web background", "handout.html.j2", "{% block body %}",
         '<p style="background-image: url(https://example.org/x.css)">x</p>',
         "refused to fetch https://example.org/x.css: 'https:' URLs are never fetched"),
        ("css import", "_base.html.j2", "<style>", "<style>@import url(http://example.org/y.css);",
         "refused to fetch http://example.org/y.css: 'http:' URLs are never fetched"),
    ],
)
def test_template_fetches_outside_are_refused_and_the_last_pdf_is_kept(built: Path, name, template, old, markup,
                                                                        refusal):
    _edit_template(built, template, old, old + "\n" + markup if old.startswith("{%") else markup)
    pdf = built / "output" / "minimal" / "handout.en.pdf"
    kept = pdf.read_bytes()
    with audit(built) as forbidden:
        result = invoke(built, "build", "plan/plan.yaml", "--doc", "handout", "--lang", "en", "--format", "pdf",
                        "--jobs", "1", "--force")
    assert_clean_exit(result, 1)
    where = "templates/handout.html.j2 (minimal handout.en)"
    assert result.stderr.splitlines()[-3:] == [
        "FAILED minimal/handout.en.pdf:",
        f"{where}: {refusal.format(project=built.resolve())}",
        "1 of 1 outputs failed.",
    ]
    assert pdf.read_bytes() == kept and PdfReader(pdf).trailer["/Root"]
    assert [p.name for p in pdf.parent.iterdir() if p.name.endswith(".part")] == []
    assert forbidden == []


@pytest.fixture
def agency_templates(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A customised template set from outside the project (--templates), as an agency would send it."""
    folder = tmp_path_factory.mktemp("agency") / "templates"
    shutil.copytree(REPO / "templates", folder)
    return folder


@pytest.mark.parametrize(
    ("expression", "unsafe"),
    [
        ("{{ plan.__class__.__mro__ }}", "access to attribute '__class__' of 'Plan' object is unsafe."),
        ("{{ cycler.__init__.__globals__.os.popen('id').read() }}",
         "access to attribute '__init__' of 'type' object is unsafe."),
        ("{{ plan.headline.en.format.__globals__ }}",
         "access to attribute '__globals__' of 'function' object is unsafe."),
    ],
)
def test_templates_from_outside_the_project_run_in_the_sandbox(built: Path, agency_templates: Path, expression,
                                                               unsafe):
    page = agency_templates / "handout.html.j2"
    page.write_text(page.read_text(encoding="utf-8").replace("{% block body %}", "{% block body %}\n" + expression),
                    encoding="utf-8")
    line = _line_of(agency_templates.parent, "handout.html.j2", expression)
    before = snapshot(built / "output")
    result = CliRunner().invoke(cli, ["--project", str(built), "--templates", str(agency_templates), *BUILD,
                                      "--force"])
    assert_clean_exit(result, 1)
    assert result.stderr.splitlines() == [  # the folder the user named, not the project's templates/
        f"{agency_templates.resolve()}/handout.html.j2:{line}: not allowed in a sandboxed template: {unsafe}"
    ]
    assert snapshot(built / "output") == before


def test_a_template_symlinked_out_of_templates_is_not_read(built: Path, agency_templates: Path):
    (agency_templates / "_notes.html.j2").symlink_to(built / OUTSIDE / "secret.txt")
    page = agency_templates / "handout.html.j2"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "{% block body %}", "{% block body %}\n{% include '_notes.html.j2' %}"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--project", str(built), "--templates", str(agency_templates), *BUILD,
                                      "--force"])
    html = built / "output" / "minimal" / "handout.en.html"
    assert "DECOY-SECRET" not in html.read_text(encoding="utf-8")
    assert_clean_exit(result, 1)
    assert "_notes.html.j2" in result.stderr and "outside" in result.stderr


def test_an_output_blocked_by_a_folder_fails_alone_with_a_located_message(built: Path):
    blocked = built / "output" / "minimal" / "handout.en.pdf"
    blocked.unlink()
    blocked.mkdir()
    html = (built / "output" / "minimal" / "handout.en.html").read_bytes()
    result = invoke(built, *BUILD, "--force")
    assert_clean_exit(result, 1)
    lines = result.stderr.splitlines()
    assert lines[-3:] == ["FAILED minimal/handout.en.pdf:",
                          "cannot write output/minimal/handout.en.pdf: a folder has the output's name; move it away "
                          "(the previous file, if any, is kept)",
                          "1 of 2 outputs failed."]
    assert (built / "output" / "minimal" / "handout.en.html").read_bytes() == html
    assert [p.name for p in blocked.parent.iterdir() if p.name.endswith(".part")] == []


# -- issue 11: confined reads, safe labels, no programs from content, signed template cache ------


def test_a_plan_file_symlinked_out_of_its_folder_is_not_read(project: Path):
    (project / "plan").mkdir()
    (project / "plan" / "plan.yaml").symlink_to(project / OUTSIDE / "secret.txt")
    with audit(project) as forbidden:
        result = invoke(project, "validate", "plan/plan.yaml")
    assert_clean_exit(result, 2)
    assert result.stderr.splitlines() == [
        "plan/plan.yaml: the file is a symbolic link leading outside its folder; copy the file into the folder instead",
        "Aborted with 1 content error.",
    ]
    assert forbidden == []


def test_a_labels_file_symlinked_out_of_the_templates_is_not_read(built: Path, agency_templates: Path):
    (agency_templates / "labels.yaml").unlink()
    (agency_templates / "labels.yaml").symlink_to(built / OUTSIDE / "secret.txt")
    result = CliRunner().invoke(cli, ["--project", str(built), "--templates", str(agency_templates), *BUILD])
    assert_clean_exit(result, 2)
    assert result.stderr.splitlines()[0] == (
        f"{agency_templates / 'labels.yaml'}: the file is a symbolic link leading outside its folder; copy the file "
        "into the folder instead")
    assert "DECOY" not in result.output


@pytest.mark.parametrize(
    ("wording", "refusal"),
    [
        ("'{brand.__class__.__mro__}'", "placeholder {brand.__class__.__mro__} is not allowed: placeholders are "
                                        "plain names such as {brand}"),
        ("'{brand[0]}'", "placeholder {brand[0]} is not allowed: placeholders are plain names such as {brand}"),
        ("'{brand:>99999999}'", "placeholder {brand:>99999999} is not allowed: placeholders are plain names such as "
                                "{brand}"),
        ("'{brand!r}'", "placeholder {brand!r} is not allowed: placeholders are plain names such as {brand}"),
        ("'{brand'", "unpaired '{' or '}': write {{ or }} for a brace itself"),
    ],
)
def test_labels_are_filled_by_name_only(built: Path, agency_templates: Path, wording: str, refusal: str):
    labels = agency_templates / "labels.yaml"
    text = labels.read_text(encoding="utf-8")
    old = "draft: {en: "
    assert text.count(old) == 1
    labels.write_text(text.replace(old, f"draft: {{en: {wording}, zh: 草稿}}\n  draft_was: {{en: "),
                      encoding="utf-8")
    line = next(n for n, row in enumerate(labels.read_text(encoding="utf-8").splitlines(), 1) if "draft: {en:" in row)
    result = CliRunner().invoke(cli, ["--project", str(built), "--templates", str(agency_templates), *BUILD])
    assert_clean_exit(result, 2)  # refused when the labels load, located like any content error
    assert result.stderr.splitlines()[0] == f"{labels}:{line}:15: labels.draft.en: {refusal}"
    assert "class" not in result.stdout and "0x" not in result.output


def test_a_link_with_emphasis_marks_in_its_url_keeps_the_html_whole():
    from briefkit.text import inline_markdown

    html = str(inline_markdown("[t](http://x/**中a)**"))
    tree = lxml.html.fragment_fromstring(f"<p>{html}</p>")
    assert [(a.get("href"), a.text_content()) for a in tree.iter("a")] == [("http://x/**中a", "t")]
    assert tree.xpath("//strong") == [] and tree.text_content() == "t**"
    bold = lxml.html.fragment_fromstring(f"<p>{inline_markdown('**see [the plan](https://x.org/a*b*c) now**')}</p>")
    assert [a.get("href") for a in bold.iter("a")] == ["https://x.org/a*b*c"] and bold.xpath("//em") == []
    assert bold.find("strong").text_content() == "see the plan now"


def test_an_image_a_template_names_is_checked_like_one_the_plan_names(built: Path):
    """The PDF fetcher applies the image checks to every plan file it serves, not only the validated ones."""
    from hostile.cases import declared_png

    (built / "plan" / "media").mkdir()
    (built / "plan" / "media" / "bomb.png").write_bytes(declared_png(50_000, 50_000))
    _edit_template(built, "handout.html.j2", "{% block body %}", '{% block body %}\n<figure><img src="media/bomb.png" alt=""></figure>')
    result = invoke(built, "build", "plan/plan.yaml", "--doc", "handout", "--lang", "en", "--format", "pdf",
                    "--jobs", "1", "--force")
    assert_clean_exit(result, 1)
    assert result.stderr.splitlines()[-2] == (
        "templates/handout.html.j2 (minimal handout.en): refused to fetch media/bomb.png (relative to the plan "
        "folder): image has too many pixels; the limit is 40 megapixels")


# git must never run a program a repository's configuration names: a plan folder is content.
EVIL_CONFIG = """[core]
\tfsmonitor = {script}
[log]
\tshowSignature = true
[gpg]
\tprogram = {script}
[filter "evil"]
\tclean = {script}
\tsmudge = {script}
"""


def _evil_repository(folder: Path, marker: Path) -> None:
    script = folder.parent / "evil.sh"
    script.write_text(f"#!/bin/sh\necho ran >> {marker}\ncat\n", encoding="utf-8")
    script.chmod(0o755)
    environment = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(folder.parent)}
    for command in (["init", "-q"], ["add", "."],
                    ["-c", "user.name=x", "-c", "user.email=x@example.org", "commit", "-qm", "plan"]):
        subprocess.run(["git", *command], cwd=folder, check=True, env=environment, capture_output=True)
    (folder / ".gitattributes").write_text("* filter=evil\n", encoding="utf-8")
    with (folder / ".git" / "config").open("a", encoding="utf-8") as stream:
        stream.write(EVIL_CONFIG.format(script=script))
    for plan in folder.rglob("plan.yaml"):  # dirty: status would run the filter and the monitor to see it
        plan.write_text(MINIMAL_PLAN + "# edited\n", encoding="utf-8")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize("where", ["the plan folder's own repository", "a repository around the project"])
def test_git_runs_no_program_from_a_repository_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             where: str):
    from briefkit.provenance import own_repository, source_commit, source_date

    project = tmp_path / "project"
    shutil.copytree(REPO / "templates", project / "templates")
    (project / "plan").mkdir()
    (project / "plan" / "plan.yaml").write_text(MINIMAL_PLAN, encoding="utf-8")
    marker = tmp_path / "ran.txt"
    _evil_repository(project / "plan" if where.startswith("the plan") else project, marker)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(project)
    assert own_repository(project / "plan") == where.startswith("the plan")
    date = source_date(project / "plan", __import__("datetime").date(2020, 1, 15))
    commit = source_commit(project / "plan")
    if where.startswith("the plan"):  # not asked at all: the plan's own date, no commit
        assert (date.year, date.month, date.day) == (2020, 1, 15) and commit is None
    else:
        assert commit is not None and commit.endswith("-dirty")
    result = invoke(project, "pack", "plan/plan.yaml", "--jobs", "1")
    assert_clean_exit(result, 0)
    assert not marker.exists(), marker.read_text()
    # The test can fail: the same repository runs the program as soon as git is asked plainly.
    subprocess.run(["git", "status"], cwd=project / "plan", capture_output=True, check=False)
    assert marker.exists()


def _template_cache_files() -> list[Path]:
    return sorted(compiled_templates().rglob("*.cache"))


def test_a_compiled_template_the_build_did_not_write_is_never_loaded(built: Path):
    """A cache file someone else wrote (or cut short by a full disk) is ignored and rewritten."""
    import jinja2

    shutil.rmtree(compiled_templates(), ignore_errors=True)  # the suite's: then it holds this build's alone
    assert invoke(built, *BUILD, "--force").exit_code == 0
    files = _template_cache_files()
    assert files, "no compiled templates were cached"
    source = (built / "templates" / "handout.html.j2").read_text(encoding="utf-8")
    environment = jinja2.Environment()
    for path in files:
        # Well-formed for Jinja (right magic, right checksum of the real source), but code that prints PWNED.
        bucket = jinja2.bccache.Bucket(environment, path.stem, jinja2.bccache.BytecodeCache().get_source_checksum(
            source))
        bucket.code = environment.compile("PWNED", "handout.html.j2", "handout.html.j2")
        path.write_bytes(bucket.bytecode_to_string())
    result = invoke(built, *BUILD, "--force")
    assert_clean_exit(result, 0)
    assert "PWNED" not in (built / "output" / "minimal" / "handout.en.html").read_text(encoding="utf-8")
    for path in files:
        path.write_bytes(path.read_bytes()[:20])  # cut short
    result = invoke(built, *BUILD, "--force")
    assert_clean_exit(result, 0)
    assert all(len(path.read_bytes()) > 20 for path in _template_cache_files())


# -- bounded work: one automaton for the glossary finds what a regex per term found -------------


def test_the_glossary_automaton_finds_exactly_what_a_regex_per_term_finds():
    import random

    from briefkit.quality import TermMatcher

    chance = random.Random(7)
    words = ["harbour", "Harbour District", "district", "IC", "IC-Park", "park", "AI", "ai chip", "5G", "e", "ee",
             "Zhangjiang", "science city", "city"]
    matcher = TermMatcher(words)
    pieces = ["harbour", "District", "-", " ", "IC", "Park", "ai", "chip", "5G", "e", "x", "City", "science", "_",
              "Zhangjiang", ".", "é"]
    for _ in range(3000):
        text = "".join(chance.choice(pieces) + chance.choice(["", " ", " ", "-"]) for _ in range(chance.randint(1, 9)))
        expected = {index for index, term in enumerate(words)
                    if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, re.I)}
        assert matcher.terms_in(text) == expected, text
