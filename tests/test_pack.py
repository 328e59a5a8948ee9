"""The press pack: every document in every language and format, media, credits, index and a
manifest; the same sources give the same bytes."""

from __future__ import annotations

import datetime as dt
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


# -- issue 11: the pack ships only what the build recorded, under names it owns -------------------


def test_a_tampered_output_is_rebuilt_before_it_is_packed(two_packs):
    """An output overwritten with bytes of the same size is not 'up to date': pack rebuilds it, then zips it."""
    first = two_packs[0]
    folder = first.parent
    target = folder / "press-brief.en.html"
    good = target.read_bytes()
    target.write_bytes(good.replace(b"Shanghai", b"Shanghaj"))
    runner = CliRunner(env={"SOURCE_DATE_EPOCH": str(EPOCH)})
    root = folder.parent.parent
    result = runner.invoke(cli, ["--project", str(root), "pack", "shanghai-manufacturing", "--out", str(folder.parent)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == good
    with zipfile.ZipFile(first) as archive:
        assert archive.read("press-brief.en.html") == good
    assert hashlib.sha256(first.read_bytes()).hexdigest() == hashlib.sha256(two_packs[1].read_bytes()).hexdigest()


def _minimal(tmp_path):
    from briefkit.validate import load_plan
    from conftest import MINIMAL_PLAN

    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "plan.yaml").write_text(MINIMAL_PLAN, encoding="utf-8")
    return load_plan(tmp_path / "plan" / "plan.yaml")


class _Built:
    def __init__(self, path):
        self.path, self.document, self.edition, self.format, self.pages = path, "handout", "en", "html", None


def test_pack_refuses_a_file_that_differs_from_the_build_record(tmp_path, monkeypatch):
    from briefkit.catalogue import load_catalogue
    from briefkit.errors import BuildError
    from briefkit.pack import write_pack

    monkeypatch.chdir(tmp_path)
    loaded = _minimal(tmp_path)
    output = tmp_path / "out" / "handout.en.html"
    output.parent.mkdir()
    output.write_bytes(b"<html>as built</html>")
    recorded = {"handout.en.html": hashlib.sha256(b"<html>as built</html>").hexdigest()}
    target = tmp_path / "out" / "pack.zip"
    built = dt.datetime(2018, 5, 7, tzinfo=dt.UTC)
    catalogue = load_catalogue(REPO / "templates")
    write_pack(loaded, [_Built(output)], catalogue, target, built, None, recorded)
    assert zipfile.ZipFile(target).read("handout.en.html") == b"<html>as built</html>"
    output.write_bytes(b"<html>as b0ilt</html>")  # same size, other bytes
    with pytest.raises(BuildError) as failure:
        write_pack(loaded, [_Built(output)], catalogue, target, built, None, recorded)
    assert str(failure.value) == ("out/handout.en.html: the file is not the one the build recorded (changed since "
                                  "it was built?); no press pack written: build again")
    assert zipfile.ZipFile(target).read("handout.en.html") == b"<html>as built</html>"  # the last pack stays


@pytest.mark.parametrize(("names", "message"), [
    (["a.pdf", "a.pdf"], "the press-pack entry 'a.pdf' is given twice"),
    (["media/../a.png"], "the press-pack entry 'media/../a.png' is not a safe name"),
    (["/etc/x.png"], "the press-pack entry '/etc/x.png' is not a safe name"),
    (["media\\x.png"], "the press-pack entry 'media\\\\x.png' is not a safe name"),
    (["C:x.png"], "the press-pack entry 'C:x.png' is not a safe name"),
    (["manifest.json"], "the press-pack entry 'manifest.json' is not a safe name"),
])
def test_pack_entry_names_are_plain_and_given_once(tmp_path, names, message):
    from briefkit.errors import BuildError
    from briefkit.pack import PackEntry, _check_names

    with pytest.raises(BuildError) as failure:
        _check_names([PackEntry(name, b"") for name in names], tmp_path / "p.zip")
    assert str(failure.value).endswith(f"{message}; no press pack written")
