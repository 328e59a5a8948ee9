"""`briefkit preview` end to end in Debian's headless Chromium: edit, see; break, see where; fix, see again."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefkit.cli import cli
from briefkit.scaffold import init_project
from conftest import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
HEADLINE = "Riverside City to open 24-hour reading rooms in all 6 districts by 2028"
WAIT_MS = 20_000  # a shared 2-core machine: generous, the bench measures the real latency


class Preview:
    """A `briefkit preview` process on a free port, and what it printed."""

    def __init__(self, root: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "briefkit", "--project", str(root), "preview", "--port", "0", *args],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
        self.url = ""
        assert self.process.stderr is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            found = re.search(r"at (http://\S+)", line)
            if found:
                self.url = found.group(1)
                return
            if not line and self.process.poll() is not None:
                break
        raise AssertionError(f"preview did not start: {self.process.poll()}")

    def alive(self) -> bool:
        with urllib.request.urlopen(self.url.split("?")[0] + "state", timeout=10) as response:
            return response.status == 200

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    init_project(tmp_path)
    return tmp_path


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright  # the test extra; its own browser download is never used

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make build` (it installs the system packages)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.slow
def test_edit_break_fix_in_a_real_browser(project: Path, browser) -> None:
    plan = project / "content" / "reading-rooms" / "plan.yaml"
    preview = Preview(project)
    try:
        page = browser.new_page()
        page.goto(preview.url)
        headline = page.frame_locator("#document").locator("h1")
        headline.filter(has_text=HEADLINE).wait_for(timeout=WAIT_MS)

        # An edit: the new headline appears without touching the browser.
        _edit(plan, "all 6 districts by 2028", "all 6 districts by 2028, with late-night buses")
        headline.filter(has_text="with late-night buses").wait_for(timeout=WAIT_MS)

        # The PDF of what is shown follows as page images.
        page.locator("#pages img").first.wait_for(timeout=60_000)
        assert page.locator("#pages img").count() >= 1

        # A content error: the located message replaces the document.
        _edit(plan, "status: draft", "status: drafty")
        problem = page.locator("#problem-list")
        problem.filter(has_text="plan.yaml:11:9: status:").wait_for(timeout=WAIT_MS)
        assert "'drafty'" in problem.inner_text()
        assert page.locator("main").is_hidden()

        # Fixed: the document again.
        _edit(plan, "status: drafty", "status: draft")
        page.locator("main").wait_for(state="visible", timeout=WAIT_MS)
        headline.filter(has_text="with late-night buses").wait_for(timeout=WAIT_MS)

        # A template syntax error in a one-file override (the rest still comes from the defaults).
        templates = project / "templates"
        templates.mkdir()
        (templates / "press-brief.html.j2").write_text("{% extends '_base.html.j2' %}\n{% block body %}\n{% endblok %}\n")
        problem.filter(has_text="press-brief.html.j2:").wait_for(timeout=WAIT_MS)
        assert "endblok" in problem.inner_text()
        shutil.rmtree(templates)
        headline.filter(has_text="with late-night buses").wait_for(timeout=WAIT_MS)

        # The plan folder deleted while watching: a clear message, the server stays up; back again: the document.
        moved = project / "elsewhere"
        plan.parent.rename(moved)
        problem.filter(has_text="cannot read file").wait_for(timeout=WAIT_MS)
        assert preview.alive()
        moved.rename(plan.parent)
        headline.filter(has_text="with late-night buses").wait_for(timeout=WAIT_MS)

        # A burst of saves: the last one wins and the server stays up.
        for number in range(15):
            _edit(plan, "all 6 districts by 2028", f"all 6 districts by 2028 (save {number})")
            _edit(plan, f"all 6 districts by 2028 (save {number})", "all 6 districts by 2028")
        _edit(plan, "with late-night buses", "after a burst of saves")
        headline.filter(has_text="after a burst of saves").wait_for(timeout=WAIT_MS)
        assert preview.alive()

        # The switch: another document and edition.
        page.select_option("#doc-select", "handout")
        page.select_option("#edition-select", "zh")
        page.frame_locator("#document").locator("h1").filter(has_text="江滨市").wait_for(timeout=WAIT_MS)
        assert "doc=handout" in page.url and "edition=zh" in page.url
    finally:
        preview.stop()


def test_a_port_in_use_is_a_clear_usage_error(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["--project", str(project), "preview", "--port", str(port), "--no-pdf"])
    assert result.exit_code == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_plan_or_document_is_a_usage_error(project: Path) -> None:
    result = CliRunner().invoke(cli, ["--project", str(project), "preview", "nosuch", "--no-pdf"])
    assert result.exit_code == 2 and "no plan 'nosuch'" in result.output
    result = CliRunner().invoke(cli, ["--project", str(project), "preview", "--doc", "nosuch", "--no-pdf"])
    assert result.exit_code == 2 and "unknown document 'nosuch'" in result.output
