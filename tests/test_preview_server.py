"""The preview's session and routes without a browser: states, confinement, Host checks, the watcher's filter."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from briefkit.preview.server import create_app
from briefkit.preview.session import Session
from briefkit.preview.watcher import keep
from briefkit.project import Project
from briefkit.scaffold import init_project
from briefkit.writers.subset import covers, machine_cache, read_manifest


@pytest.fixture
def session(tmp_path: Path) -> Session:
    init_project(tmp_path)
    session = Session(Project(tmp_path), tmp_path / "content" / "reading-rooms" / "plan.yaml", pdf=False)
    session.reload_templates()
    session.rebuild()
    return session


@pytest.fixture
def client(session: Session) -> TestClient:
    return TestClient(create_app(session, ["127.0.0.1", "localhost", "testserver"]))


def test_the_document_and_its_state(session: Session, client: TestClient) -> None:
    page = client.get("/view/press-brief.zh.html")
    assert page.status_code == 200 and "江滨市将于2028年前" in page.text.replace(" ", "")
    state = json.loads(session.message())
    assert state["problems"] == [] and "press-brief.zh" in state["keys"]
    assert client.get("/view/handout.zh-Hant.html").status_code == 200  # rendered on first request
    assert client.get("/state").json()["editions"] == ["en", "zh", "bilingual", "zh-Hant"]


def test_a_broken_plan_replaces_the_document_with_its_located_problem(session: Session, client: TestClient) -> None:
    session.plan_file.write_text(session.plan_file.read_text(encoding="utf-8").replace("period:", "period: [", 1))
    state = session.rebuild()
    assert state.problems and re.search(r"plan\.yaml:\d+:\d+: ", state.problems[0]), state.problems
    assert not state.html  # nothing stale
    page = client.get("/view/press-brief.en.html")
    assert "briefkit-error" in page.text and "plan.yaml:" in page.text


def test_a_template_syntax_error_is_located_and_the_session_survives(session: Session) -> None:
    (session.project.root / "templates").mkdir()
    (session.project.root / "templates" / "handout.html.j2").write_text("{% if %}\n")
    session.reload_templates()
    state = session.rebuild()
    assert "handout.html.j2:1" in state.failures["handout.en"]
    assert "press-brief.en" in state.html  # the other documents still show
    (session.project.root / "templates" / "handout.html.j2").unlink()
    session.reload_templates()
    assert not session.rebuild().failures


def test_only_files_inside_the_plan_folder_are_served(client: TestClient, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret")
    assert client.get("/view/glossary.yaml").status_code == 200
    assert client.get("/view/%2E%2E/secret.txt").status_code == 404
    assert client.get("/view/../secret.txt").status_code == 404
    assert client.get("/assets/page.html").status_code == 200
    assert client.get("/assets/..%2Fserver.py").status_code == 404


def test_another_host_header_is_refused(client: TestClient) -> None:
    assert client.get("/state", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/state", headers={"Host": "127.0.0.1:8765"}).status_code == 200


@pytest.mark.parametrize(("path", "kept"), [
    ("/p/content/x/plan.yaml", True), ("/p/templates/handout.html.j2", True),
    ("/p/output/x/press-brief.en.pdf", False), ("/p/.briefkit-cache/preview/x.pdf", False),
    ("/p/content/x/.plan.yaml.swp", False), ("/p/content/x/plan.yaml~", False), ("/p/.git/index", False),
    ("/p/output/x/.press-brief.en.pdf.part", False),
])
def test_the_watcher_ignores_outputs_caches_and_editor_files(path: str, kept: bool) -> None:
    import watchfiles

    assert keep(watchfiles.Change.modified, path) is kept


def test_a_chinese_preview_is_laid_out_from_the_faces_a_build_cuts_once_per_machine(tmp_path: Path) -> None:
    init_project(tmp_path)
    session = Session(Project(tmp_path), tmp_path / "content" / "reading-rooms" / "plan.yaml")
    session.start_worker()
    try:
        session.reload_templates()
        session.rebuild()
        asyncio.run(session.ensure_pdf("handout", "zh"))
        assert "handout.zh" in session.pdfs, session.pdf_errors
        faces = session._machine_faces()
        rendered = session.rendered("handout", "zh")
        assert faces is not None and read_manifest(faces) and machine_cache() in faces.parents
        assert not isinstance(rendered, str) and covers(faces, rendered.html)
    finally:
        session.close()
