"""Processes that write no PDF or DOCX never import WeasyPrint, python-docx or fontTools (a second each)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

PLAN = "shanghai-manufacturing"
HEAVY = ("weasyprint", "docx", "fontTools")


def _imported(project: Path, *arguments: str) -> set[str]:
    """The heavy top-level packages a briefkit command imported (python -X importtime lists every import)."""
    command = [sys.executable, "-X", "importtime", str(REPO / "build.py"), "--project", str(project), *arguments]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1525658400"}
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    names = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    return {name for name in names if name in HEAVY}


@pytest.mark.slow
def test_validate_and_a_no_op_rebuild_import_no_writer(tmp_path: Path):
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "content", tmp_path / "content")
    assert _imported(tmp_path, "validate", PLAN) == set()
    build = ("build", PLAN, "--doc", "handout", "--lang", "zh", "--format", "pdf", "--format", "docx", "--jobs", "1")
    assert _imported(tmp_path, *build) == {"weasyprint", "docx", "fontTools"}  # the writers need them
    assert _imported(tmp_path, *build) == set()  # nothing to write
