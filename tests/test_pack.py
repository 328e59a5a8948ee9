"""The press pack: every document in every language and format, media, credits, index and a
manifest; the same sources give the same bytes."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile

import pytest
from click.testing import CliRunner

from briefkit.cli import cli
from conftest import REPO

EPOCH = 1525658400  # 2018-05-07 02:00 UTC


@pytest.fixture(scope="module")
def two_packs(tmp_path_factory):
    """The sample pack built twice, from scratch, into two folders."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "content", root / "content")
    runner = CliRunner(env={"SOURCE_DATE_EPOCH": str(EPOCH)})
    packs = []
    for name in ("first", "second"):
        result = runner.invoke(cli, ["--project", str(root), "pack", "shanghai-manufacturing", "--out", str(root / name)])
        assert result.exit_code == 0, result.output
        packs.append(root / name / "shanghai-manufacturing" / "shanghai-manufacturing-press-pack.zip")
    return packs


def test_two_builds_give_byte_identical_packs(two_packs):
    first, second = (hashlib.sha256(path.read_bytes()).hexdigest() for path in two_packs)
    assert first == second


def test_pack_holds_every_document_language_and_format(two_packs):
    with zipfile.ZipFile(two_packs[0]) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        for info in archive.infolist():
            assert info.date_time == (2018, 5, 7, 2, 0, 0), info.filename
    for document in ("press-brief", "stakeholder-report", "handout"):
        for language in ("en", "zh", "bilingual"):
            for fmt in ("pdf", "docx", "html", "md"):  # every registered format (writers/__init__.py)
                assert f"{document}.{language}.{fmt}" in names
    assert {"media/logo.svg", "media/logo.png", "media/machine-at-work.png", "CREDITS.txt", "INDEX.txt"} <= names
    assert set(manifest) == {"plan", "version", "source_commit", "tool_version", "built", "files"}
    assert manifest["plan"] == "shanghai-manufacturing" and manifest["version"] == "1.0"
    entry = next(f for f in manifest["files"] if f["path"] == "press-brief.zh.pdf")
    assert set(entry) == {"path", "sha256", "bytes", "document", "language", "format", "pages"}
    assert (entry["document"], entry["language"], entry["format"]) == ("press-brief", "zh", "pdf")
    assert 2 <= entry["pages"] <= 4


def test_manifest_checksums_match_the_files(two_packs):
    with zipfile.ZipFile(two_packs[0]) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        for entry in manifest["files"]:
            data = archive.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]


def test_credits_and_index_are_bilingual(two_packs):
    with zipfile.ZipFile(two_packs[0]) as archive:
        credits = archive.read("CREDITS.txt").decode()
        index = archive.read("INDEX.txt").decode()
    assert "Photo: VCG" in credits and "视觉中国" in credits and "placeholder image · 占位图" in credits
    assert "Stakeholder report" in index and "利益相关方报告" in index
