"""Bad exchange files: each a located error, exit 2, and plan.yaml and its record left exactly as they were."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefkit.cli import cli
from conftest import REPO

CASES = Path(__file__).parent / "cases" / "translate"
XLIFF_1_2 = """<?xml version="1.0"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="plan.yaml" source-language="en" target-language="zh-CN" datatype="plaintext"><body/></file>
</xliff>
"""

# (case, format, [(text in the exported file, replacement)], expected stderr lines before "Aborted ...")
BAD = [
    ("malformed XML", "xlf", [("<target>开放港区</target>", "<target>开放港区</targt>")],
     ["in.xlf:85:29: malformed XML: Opening and ending tag mismatch: target line 85 and targt"]),
    ("not XLIFF 2", "xlf", [(None, XLIFF_1_2)],
     ["in.xlf:2: XLIFF 1.x is not read: export an XLIFF 2 file with `briefkit translate export`"]),
    ("DOCTYPE", "xlf", [("<xliff ", '<!DOCTYPE xliff [<!ENTITY t "港区">]>\n<xliff ')],
     ["in.xlf:2: a DOCTYPE is not allowed in an XLIFF file"]),
    ("wrong target language", "xlf", [('trgLang="zh-CN"', 'trgLang="zh-TW"')],
     ["in.xlf:2: the target language is 'zh-TW'; expected Simplified Chinese (zh-CN): the plan's Chinese is Simplified"]),
    ("no target language", "xlf", [(' trgLang="zh-CN"', "")],
     ["in.xlf:2: no target language (trgLang); expected Simplified Chinese (zh-CN)"]),
    ("wrong source language", "xlf", [('srcLang="en"', 'srcLang="fr"')],
     ["in.xlf:2: the source language is 'fr'; expected English (en)"]),
    ("duplicate unit", "xlf", [('<unit id="zones.0.name"', '<unit id="actions.0.title"')],
     ["in.xlf:97: actions[0].title: duplicate unit for actions[0].title (first on line 78)"]),
    ("glossary-breaking target", "xlf", [("<target>开放港区</target>", "<target>开放海湾区</target>")],
     ["in.xlf:85: actions[0].title: the English uses 'Harbour District', so the Chinese should use the glossary's '港区'"]),
    ("numbers differ", "xlf", [("<target>培训500名工人</target>", "<target>培训600名工人</target>")],
     ["in.xlf:94: actions[1].title: numbers differ from the English: en has 500; zh has 600"]),
    ("ASCII punctuation", "xlf", [("港区</pc></target>", "港区</pc>,欢迎</target>")],
     ["in.xlf:60: headline: ASCII punctuation in Chinese text: ','→'，'"]),
    ("unknown inline code", "xlf", [('<pc id="1" dataRefStart="d1" dataRefEnd="d1" type="fmt" subType="xlf:b">港区',
                                     '<pc id="7">港区')],
     ['in.xlf:60: headline: inline code <pc id="7"> has no original data in this unit']),
    ("unexpected element", "xlf", [("<target>开放港区</target>", "<target>开放<b>港区</b></target>")],
     ["in.xlf:85: actions[0].title: unexpected element <b> in <target>"]),
    ("bad code point", "xlf", [("<target>开放港区</target>", '<target>开放<cp hex="zz"/>港区</target>')],
     ['in.xlf:85: actions[0].title: <cp hex="zz"> is not a code point']),
    ("control character", "xlf", [("<target>开放港区</target>", '<target>开放<cp hex="7"/>港区</target>')],
     ["in.xlf:85: actions[0].title: control character U+0007 is not allowed in text"]),
    ("unit without id", "xlf", [('<unit id="zones.0.name" name="zones[0].name">', "<unit>")],
     ["in.xlf:97: a <unit> without an id"]),
    ("hidden character", "xlf", [("<target>开放港区</target>", "<target>开放\u202e港区</target>")],
     ["in.xlf:85: actions[0].title: bidirectional control character U+202E (RIGHT-TO-LEFT OVERRIDE) is not allowed in "
      "text: it can make text display differently from what reviewers read"]),
    ("several at once", "xlf", [("<target>开放港区</target>", "<target>开放海湾区</target>"),
                                ("<target>培训500名工人</target>", "<target>培训600名工人</target>")],
     ["in.xlf:85: actions[0].title: the English uses 'Harbour District', so the Chinese should use the glossary's '港区'",
      "in.xlf:94: actions[1].title: numbers differ from the English: en has 500; zh has 600"]),
    ("broken quoting", "po", [('msgstr "开放港区"', 'msgstr "开放港区')],
     ["in.po:54:8: broken quoting: a string must be in double quotes on one line, with inner quotes as \\\""]),
    ("stray text", "po", [('msgstr "开放港区"', 'msgstr "开放港区"\n开放')],
     ["in.po:55:1: unexpected text '开放': expected msgctxt, msgid, msgstr or a quoted string"]),
    ("wrong language", "po", [('"Language: zh_CN\\n"', '"Language: zh_TW\\n"')],
     ["in.po:6: the target language is 'zh_TW'; expected Simplified Chinese (zh_CN): the plan's Chinese is Simplified"]),
    ("duplicate entry", "po", [('msgctxt "zones[0].name"', 'msgctxt "actions[0].title"')],
     ["in.po:61: actions[0].title: duplicate unit for actions[0].title (first on line 50)"]),
    ("no msgctxt", "po", [('msgctxt "zones[0].name"\n', "")],
     ["in.po:61: no msgctxt: each entry carries its field path in msgctxt"]),
    ("glossary-breaking target", "po", [('msgstr "开放港区"', 'msgstr "开放海湾区"')],
     ["in.po:54: actions[0].title: the English uses 'Harbour District', so the Chinese should use the glossary's '港区'"]),
    ("not UTF-8", "po", [('msgstr "开放港区"', 'msgstr "\udcb4\udcf2"')],
     ["in.po:54: not UTF-8: save the PO file as UTF-8"]),
]


def run(*args: str):
    return CliRunner().invoke(cli, ["--project", str(REPO), *args])


@pytest.fixture
def harbour(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan").mkdir()
    for name in ("plan.yaml", "glossary.yaml"):
        shutil.copy(CASES / name, tmp_path / "plan" / name)
    return tmp_path / "plan" / "plan.yaml"


@pytest.mark.parametrize(("case", "suffix", "edits", "expected"), BAD, ids=[f"{c[1]}: {c[0]}" for c in BAD])
def test_a_bad_exchange_file_is_a_located_error_and_nothing_is_written(harbour, case, suffix, edits, expected):
    fmt = "xliff" if suffix == "xlf" else "po"
    assert run("translate", "export", "plan", "--format", fmt, "--out", f"in.{suffix}").exit_code == 0
    assert run("validate", "--accept-translations", "plan").exit_code == 0
    record = harbour.with_name("plan.translations.json")
    before = harbour.read_bytes(), record.read_bytes()
    text = Path(f"in.{suffix}").read_text(encoding="utf-8")
    for old, new in edits:
        assert old is None or old in text, old
        text = new if old is None else text.replace(old, new, 1)
    Path(f"in.{suffix}").write_bytes(text.encode("utf-8", "surrogateescape"))
    result = run("translate", "import", "plan", f"in.{suffix}")
    assert result.exit_code == 2, result.output
    count = len(expected)
    assert result.stderr.splitlines() == [*expected, f"Aborted with {count} content error{'s' if count > 1 else ''}."]
    assert (harbour.read_bytes(), record.read_bytes()) == before


def test_not_an_exchange_file(harbour):
    Path("notes.txt").write_text("hello\n", encoding="utf-8")
    result = run("translate", "import", "plan", "notes.txt")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["notes.txt:1:1: not an XLIFF or PO file (name it .xlf or .po)",
                                          "Aborted with 1 content error."]


def test_an_unknown_plan_is_a_usage_error(harbour):
    result = run("translate", "export", "no-such-plan")
    assert result.exit_code == 2
    assert result.stderr.startswith("no plan 'no-such-plan'")


def test_a_damaged_translation_record_is_located(harbour):
    harbour.with_name("plan.translations.json").write_text('{"fields": {', encoding="utf-8")
    result = run("validate", "plan")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "plan/plan.translations.json:1:13: the translation record is not valid JSON: Expecting property name "
        "enclosed in double quotes; delete it and run `briefkit validate --accept-translations`")
    assert run("validate", "--accept-translations", "plan").exit_code == 0
