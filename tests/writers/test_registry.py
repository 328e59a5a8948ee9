"""The writer registry: one signature for every format, and no format names outside it."""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import sys

import pytest

from briefkit.writers import DEFAULT_FORMATS, FORMATS, WriteJob, WriteResult
from conftest import REPO


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_format_is_one_module_with_one_signature(name):
    module = importlib.import_module(FORMATS[name].module)
    signature = inspect.signature(module.write)
    assert list(signature.parameters) == ["rendered", "job"]
    assert signature.return_annotation in (WriteResult, "WriteResult")
    assert inspect.signature(module.write).parameters["job"].annotation in (WriteJob, "WriteJob")


def test_the_orchestrator_never_branches_on_a_format_name():
    """pipeline.py and cli.py read the registry; a quoted format name there is a per-format branch."""
    names = "|".join(FORMATS)
    for module in ("pipeline.py", "cli.py", "pack.py"):
        source = (REPO / "src" / "briefkit" / module).read_text(encoding="utf-8")
        assert not re.search(rf"""["']({names})["']""", source), module


def test_defaults_are_pdf_and_docx():
    assert DEFAULT_FORMATS == ("pdf", "docx")


def test_light_commands_do_not_import_the_heavy_writers():
    """validate never writes a PDF or a DOCX, so it must not pay for loading WeasyPrint or python-docx."""
    code = ("import sys; from click.testing import CliRunner; from briefkit.cli import cli; "
            "r = CliRunner().invoke(cli, ['--project', sys.argv[1], 'validate', 'shanghai-manufacturing']); "
            "assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in ('weasyprint', 'docx') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code, str(REPO)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
