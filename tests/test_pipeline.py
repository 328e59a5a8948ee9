"""The build graph: incremental rebuilds, forced rebuilds, parallel workers, isolated failures."""

from __future__ import annotations

import shutil

import pytest

from briefkit.pipeline import BuildOptions, WriteTask, _next_task, build
from briefkit.project import Project
from briefkit.render import RenderedDocument
from briefkit.writers import WriteJob
from conftest import REPO

PLAN = ("shanghai-manufacturing",)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "content", tmp_path / "content")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1525658400")  # the copy is not a git checkout
    return Project(tmp_path)


def _names(outputs) -> set[str]:
    return {output.path.name for output in outputs}


def test_noop_rebuild_skips_everything_and_force_rebuilds(project):
    options = BuildOptions(("press-brief", "handout"), formats=("pdf", "html"), jobs=2)
    first = build(project, PLAN, options)
    assert not first.failures and len(first.built) == 12
    second = build(project, PLAN, options)
    assert second.built == [] and len(second.outputs) == 12
    assert {o.pages for o in second.outputs if o.format == "pdf"} == {o.pages for o in first.outputs if o.format == "pdf"}
    forced = build(project, PLAN, BuildOptions(("press-brief", "handout"), formats=("pdf", "html"), jobs=2, force=True))
    assert len(forced.built) == 12


def test_editing_one_chinese_sentence_rebuilds_only_what_shows_it(project):
    options = BuildOptions(formats=("pdf", "html"), jobs=2)
    assert not build(project, PLAN, options).failures
    plan_file = project.content / "shanghai-manufacturing" / "plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    # Talent appears only in the stakeholder report; the English editions do not show Chinese.
    old = "上海将汇聚知名专家"
    assert old in text
    plan_file.write_text(text.replace(old, "上海将广泛汇聚知名专家", 1), encoding="utf-8")
    rebuilt = build(project, PLAN, options)
    assert _names(rebuilt.built) == {
        "stakeholder-report.zh.pdf", "stakeholder-report.zh.html",
        "stakeholder-report.bilingual.pdf", "stakeholder-report.bilingual.html",
    }


def test_a_changed_image_rebuilds_the_documents_that_show_it(project):
    options = BuildOptions(("handout", "press-brief"), ("en",), ("pdf",), jobs=1)
    assert not build(project, PLAN, options).failures
    photo = project.content / "shanghai-manufacturing" / "media" / "machine-at-work.png"
    photo.write_bytes(photo.read_bytes())  # same bytes: nothing to do
    assert build(project, PLAN, options).built == []
    shutil.copyfile(project.content / "shanghai-manufacturing" / "media" / "caohejing-expo.png", photo)
    assert _names(build(project, PLAN, options).built) == {"press-brief.en.pdf"}  # the handout has no photo


def test_one_failing_output_does_not_stop_the_others(project):
    page = project.templates / "handout.html.j2"
    page.write_text(page.read_text().replace("{% block body %}", '{% block body %}<figure><img src="file:///etc/passwd"></figure>'))
    report = build(project, PLAN, BuildOptions(("handout", "press-brief"), ("en", "zh"), ("pdf",), jobs=2))
    assert sorted(name for name, _ in report.failures) == [
        "shanghai-manufacturing/handout.en.pdf", "shanghai-manufacturing/handout.zh.pdf",
    ]
    assert _names(report.built) == {"press-brief.en.pdf", "press-brief.zh.pdf"}
    out = project.output / "shanghai-manufacturing"
    assert not (out / "handout.en.pdf").exists()
    assert not list(out.glob(".*.part"))  # no temporary file left behind


def test_failed_output_keeps_the_previous_good_file(project):
    options = BuildOptions(("handout",), ("en",), ("pdf",), jobs=1)
    assert not build(project, PLAN, options).failures
    target = project.output / "shanghai-manufacturing" / "handout.en.pdf"
    good = target.read_bytes()
    page = project.templates / "handout.html.j2"
    page.write_text(page.read_text().replace("{% block body %}", '{% block body %}<figure><img src="http://example.org/x.png"></figure>'))
    assert build(project, PLAN, options).failures
    assert target.read_bytes() == good


def test_parallel_and_serial_builds_give_the_same_bytes(project, tmp_path):
    serial = build(project, PLAN, BuildOptions(("handout",), formats=("pdf",), out=tmp_path / "a", jobs=1))
    parallel = build(project, PLAN, BuildOptions(("handout",), formats=("pdf",), out=tmp_path / "b", jobs=2))
    assert not serial.failures and not parallel.failures
    for output in serial.outputs:
        twin = tmp_path / "b" / "shanghai-manufacturing" / output.path.name
        assert output.path.read_bytes() == twin.read_bytes(), output.path.name


def test_two_checkouts_in_different_folders_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1525658400")
    outputs = []
    for where in ("one/checkout", "another/much/deeper/checkout"):
        root = tmp_path / where
        shutil.copytree(REPO / "templates", root / "templates")
        shutil.copytree(REPO / "content", root / "content")
        report = build(Project(root), PLAN, BuildOptions(("press-brief",), ("zh",), ("pdf", "docx"), jobs=1))
        assert not report.failures
        outputs.append({o.path.name: o.path.read_bytes() for o in report.outputs})
    assert outputs[0] == outputs[1]


def _task(fmt: str, document: str) -> WriteTask:
    from pathlib import Path

    rendered = RenderedDocument(document, "en", f"{document}.html.j2", "<html></html>", document)
    job = WriteJob(Path(f"{document}.{fmt}"), Path("."), Path("."), document, layout=Path(f"{document}.json"))
    return WriteTask(rendered, "plan", fmt, job, "key")


# (waiting, running, the task a free worker takes): a DOCX waits while the PDF that saves its layout is not done.
NEXT_TASKS = [
    (["pdf a", "docx a", "docx b"], [], "pdf a"),
    (["docx a", "docx b"], ["pdf a"], "docx b"),
    (["docx a", "pdf a", "docx b"], [], "pdf a"),
    (["docx a"], ["pdf a"], "docx a"),  # nothing else to do: it lays the document out itself
    (["md a", "docx a"], ["pdf a"], "md a"),
    (["docx a", "docx b"], [], "docx a"),
]


@pytest.mark.parametrize(("waiting", "running", "taken"), NEXT_TASKS)
def test_a_free_worker_takes_the_first_task_whose_layout_is_ready(waiting, running, taken):
    queue = [_task(*name.split()) for name in waiting]
    chosen = _next_task(queue, [_task(*name.split()) for name in running])
    assert f"{chosen.format} {chosen.rendered.document}" == taken
    assert len(queue) == len(waiting) - 1
