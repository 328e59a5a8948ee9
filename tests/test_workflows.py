"""The GitHub workflows: actionlint (with shellcheck on every run: script) and the project's own rules."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def _actionlint() -> str:
    found = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("actionlint is missing: it comes with the test extra (pip install -e '.[test]')")
    return found


def test_actionlint_finds_nothing() -> None:
    assert WORKFLOWS
    if shutil.which("shellcheck") is None:
        pytest.fail("shellcheck is missing: `make build` installs the system packages")
    result = subprocess.run([_actionlint(), "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_is_not_a_test_that_cannot_fail(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n"
                      "      - run: echo ${{ github.event.pull_request.title }}\n        timeout-minutes: abc\n")
    result = subprocess.run([_actionlint(), "-no-color", str(broken)], capture_output=True, text=True)
    assert result.returncode != 0


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_workflow_is_bounded_pinned_and_packs_every_plan(workflow: Path) -> None:
    text = workflow.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert "permissions" in data, "workflow-wide permissions"
    for name, job in data["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), f"{name}: timeout-minutes"
        uses_python = any("briefkit" in str(step.get("run", "")) or "make" in str(step.get("run", ""))
                          for step in job["steps"])
        if uses_python:
            assert job.get("container", "").startswith("python:3.11"), f"{name}: Python 3.11 pinned"
            cached = [step["with"]["path"] for step in job["steps"] if "actions/cache" in str(step.get("uses"))]
            assert any("apt" in path for path in cached) and any("pip" in path for path in cached), name
    for plan in (REPO / "content").iterdir():
        assert plan.name not in text, f"{plan.name} is hard-coded: every plan under content/ is packed"
    for job in data["jobs"].values():
        for step in job["steps"]:
            if "upload-artifact" in str(step.get("uses")):
                assert not str(step["with"]["path"]).endswith(".zip"), "the artifact is a zip already"
