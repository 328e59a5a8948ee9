"""Freshness you can trust (issue 11): an output is up to date only when the build record holds its key and
the sha256 of its bytes; a broken record, a full disk or a blocked folder is a clear message, never a traceback.

The builds here write HTML (the same record and freshness code as PDF and DOCX, without the layout time);
tests/test_interrupt.py kills real PDF builds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefkit.cache import CACHE_FILE, BuildCache, file_digest
from briefkit.cli import cli
from conftest import MINIMAL_PLAN, REPO
from hostile.cases import png

BUILD = ("build", "plan/plan.yaml", "--format", "html", "--jobs", "1")
LOGO = "  logo: media/logo.png\n"
PLAN = MINIMAL_PLAN.replace("  name: {en: Example City Government, zh: 示例市人民政府}\n",
                            "  name: {en: Example City Government, zh: 示例市人民政府}\n" + LOGO)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    (tmp_path / "plan" / "media").mkdir(parents=True)
    (tmp_path / "plan" / "plan.yaml").write_text(PLAN, encoding="utf-8")
    (tmp_path / "plan" / "media" / "logo.png").write_bytes(png(40, 20, "navy"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1525658400")
    return tmp_path


def invoke(project: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--project", str(project), *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def built(result: Result) -> set[str]:
    """The outputs a build wrote (not those it found up to date)."""
    return {line.split()[0].rsplit("/", 1)[-1] for line in result.stdout.splitlines()
            if line.startswith("output/") and not line.rstrip().endswith("cached")}


def outputs(project: Path) -> Path:
    return project / "output" / "minimal"


def test_a_noop_rebuild_builds_nothing_and_the_record_holds_every_file_digest(project: Path):
    first = invoke(project, *BUILD)
    assert first.exit_code == 0, first.output
    assert len(built(first)) == 9
    record = json.loads((outputs(project) / CACHE_FILE).read_text(encoding="utf-8"))
    for name, entry in record["outputs"].items():
        assert entry["sha256"] == file_digest(outputs(project) / name)
        assert entry["media"] == {"media/logo.png": file_digest(outputs(project) / "media" / "logo.png")}
    again = invoke(project, *BUILD)
    assert again.exit_code == 0 and built(again) == set()
    assert "0 built, 9 up to date, 0 failed" in again.stdout


@pytest.mark.parametrize("damage", ["same size, other bytes", "truncated", "deleted", "image copy edited"])
def test_a_damaged_output_is_rebuilt_not_reported_up_to_date(project: Path, damage: str):
    assert invoke(project, *BUILD).exit_code == 0
    good = (outputs(project) / "handout.zh.html").read_bytes()
    target = outputs(project) / "handout.zh.html"
    if damage == "same size, other bytes":
        target.write_bytes(good.replace(b"3", b"4"))
        assert len(target.read_bytes()) == len(good) and target.read_bytes() != good
    elif damage == "truncated":
        target.write_bytes(good[: len(good) // 2])
    elif damage == "deleted":
        target.unlink()
    else:
        (outputs(project) / "media" / "logo.png").write_bytes(png(40, 20, "red"))
    result = invoke(project, *BUILD)
    assert result.exit_code == 0, result.output
    if damage == "image copy edited":  # every HTML file shows the logo: all rebuilt, the copy restored
        assert len(built(result)) == 9
        assert (outputs(project) / "media" / "logo.png").read_bytes() == png(40, 20, "navy")
    else:
        assert built(result) == {"handout.zh.html"}
    assert target.read_bytes() == good


def test_the_record_is_saved_after_each_output_not_at_the_end(project: Path, monkeypatch: pytest.MonkeyPatch):
    """A build stopped after its third output: the record already holds those three, with their digests."""
    from briefkit import pipeline

    written: list[str] = []
    real = pipeline.write_output

    def stop_after_three(task: pipeline.WriteTask) -> object:
        if len(written) == 3:
            raise KeyboardInterrupt  # as Ctrl-C would, between two outputs
        written.append(task.target.name)
        return real(task)

    monkeypatch.setattr(pipeline, "write_output", stop_after_three)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(pipeline.Project(project), ("plan/plan.yaml",),
                       pipeline.BuildOptions(formats=("html",), jobs=1))
    record = BuildCache.load(outputs(project))
    assert sorted(record.entries) == sorted(written)
    assert all(record.recorded(outputs(project) / name) == file_digest(outputs(project) / name) for name in written)


SHAPE = "the build record is not of the expected shape; every output is built again"
UNREADABLE = "the build record cannot be read ({}); every output is built again"
ENTRY = "1 entries of the build record are not of the expected shape; those outputs are built again"
RECORDS = {
    "a list": ("[]", SHAPE),
    "outputs as a list": ('{"outputs": [["a", 1]]}', SHAPE),
    "an entry that is a number": ("1", ENTRY),
    "an entry without a digest": ('{"key": "k", "bytes": "12"}', ENTRY),
    "checks as text": ('{"outputs": {}, "checks": "x"}', SHAPE),
    "cut short": ('{"outputs": {"handout.en.html": {"key": "', UNREADABLE.format("it is not valid JSON")),
    "not UTF-8": (b"\xff\xfe{}", UNREADABLE.format("it is not valid JSON")),
}


@pytest.mark.parametrize(("text", "message"), list(RECORDS.values()), ids=list(RECORDS))
def test_a_broken_build_record_is_a_warning_and_a_rebuild(project: Path, text: str | bytes, message: str):
    assert invoke(project, *BUILD).exit_code == 0
    record = outputs(project) / CACHE_FILE
    if message == ENTRY:  # one entry of a good record replaced
        data = json.loads(record.read_text(encoding="utf-8"))
        data["outputs"]["handout.en.html"] = json.loads(text)
        text = json.dumps(data)
    record.write_bytes(text.encode() if isinstance(text, str) else text)
    result = invoke(project, *BUILD)
    assert result.exit_code == 0, result.output
    assert f"warning: output/minimal/.briefkit-cache.json: {message}" in result.stderr.splitlines()
    assert len(built(result)) == 9 if message != ENTRY else built(result) == {"handout.en.html"}
    assert BuildCache.load(outputs(project)).problem == ""  # and the record is whole again


def test_an_output_folder_blocked_by_a_file_is_one_clear_message(project: Path):
    (project / "output").mkdir()
    (project / "output" / "minimal").write_bytes(b"not a folder")
    result = invoke(project, *BUILD)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "cannot write outputs into output/minimal: output/minimal is a file, not a folder; move it away"]
    assert (project / "output" / "minimal").read_bytes() == b"not a folder"


def test_an_image_copy_never_goes_through_a_symlink_in_the_output_folder(project: Path):
    outside = project / "elsewhere"
    outside.mkdir()
    (outside / "logo.png").write_bytes(b"precious")
    outputs(project).mkdir(parents=True)
    (outputs(project) / "media").symlink_to(outside)
    result = invoke(project, *BUILD)
    assert result.exit_code == 1
    assert ("cannot copy media/logo.png beside output/minimal/handout.en.html: output/minimal/media is a symbolic "
            "link or a file; remove it") in result.stderr
    assert (outside / "logo.png").read_bytes() == b"precious"


def test_a_symlinked_image_copy_is_replaced_not_written_through(project: Path):
    outside = project / "elsewhere.png"
    outside.write_bytes(b"precious")
    (outputs(project) / "media").mkdir(parents=True)
    (outputs(project) / "media" / "logo.png").symlink_to(outside)
    assert invoke(project, *BUILD).exit_code == 0
    assert outside.read_bytes() == b"precious"
    copy = outputs(project) / "media" / "logo.png"
    assert not copy.is_symlink() and copy.read_bytes() == png(40, 20, "navy")


def test_two_plans_with_one_id_are_refused(project: Path):
    shutil.copytree(project / "plan", project / "twin")
    result = invoke(project, "build", "plan/plan.yaml", "twin/plan.yaml", "--format", "html", "--jobs", "1")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "twin/plan.yaml:2:5: id: plan id 'minimal' is already the id of plan/plan.yaml; each plan needs its own id "
        "(it names the output folder)",
        "Aborted with 1 content error.",
    ]
    assert not (project / "output").exists()


# -- a full disk: a real, small file system ------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MiB tmpfs (needs root and mount); skipped where it cannot be made."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True,
                          check=False)
    if made.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_is_a_clear_message_and_the_previous_outputs_stay(project: Path, small_disk: Path):
    out = small_disk / "out"
    first = invoke(project, *BUILD, "--out", str(out))
    assert first.exit_code == 0, first.output
    before = {path.name: path.read_bytes() for path in (out / "minimal").iterdir() if path.is_file()}
    filler = small_disk / "filler"
    # Unbuffered: a buffered file would try to write its last partial block again on close, and fail there.
    with filler.open("wb", buffering=0) as stream:  # fill the disk to the last block
        block = b"\0" * 65536
        try:
            while True:
                stream.write(block)
                stream.flush()
        except OSError:
            pass
        try:
            while True:
                os.write(stream.fileno(), b"\0")
        except OSError:
            pass
    result = invoke(project, *BUILD, "--out", str(out), "--force")
    assert result.exit_code == 1
    failures = [line for line in result.stderr.splitlines() if line.startswith("cannot write ")]
    assert failures and all(line.endswith(": no space left on the device (the previous file, if any, is kept)")
                            for line in failures), result.stderr
    assert "FAILED minimal/" in result.stderr and result.stderr.splitlines()[-1].endswith(" outputs failed.")
    after = {path.name: path.read_bytes() for path in (out / "minimal").iterdir() if path.is_file()}
    assert after == before
    filler.unlink()
    again = invoke(project, *BUILD, "--out", str(out))
    assert again.exit_code == 0, again.output
