"""Fixtures for the writer tests: the nine sample documents built once per session, per format."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefkit.pipeline import BuildOptions, build
from briefkit.project import Project

REPO = Path(__file__).resolve().parents[2]
PLAN = "shanghai-manufacturing"
DOCUMENTS = ("press-brief", "stakeholder-report", "handout")
EDITIONS = ("en", "zh", "bilingual")
NINE = [f"{document}.{edition}" for document in DOCUMENTS for edition in EDITIONS]


def _build(folder: Path, fmt: str) -> Path:
    report = build(Project(REPO), (PLAN,), BuildOptions(formats=(fmt,), out=folder))
    assert not report.failures, report.failures
    return folder / PLAN


@pytest.fixture(scope="session")
def sample_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder holding the nine sample DOCX files, NAME.EDITION.docx."""
    return _build(tmp_path_factory.mktemp("docx"), "docx")


@pytest.fixture(scope="session")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same nine documents as PDF (slow: WeasyPrint lays out every page)."""
    return _build(tmp_path_factory.mktemp("pdf"), "pdf")


@pytest.fixture(scope="session")
def sample_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same nine documents as the HTML the DOCX writer read."""
    return _build(tmp_path_factory.mktemp("html"), "html")
