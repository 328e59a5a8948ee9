"""Translators' round trip: XLIFF 2.1 and PO export and import by field path, and stale-translation tracking."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polib
import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from briefkit.cli import cli
from briefkit.translate.markup import parse, to_markdown
from briefkit.validate import load_plan
from conftest import REPO, SAMPLE_PLAN

CASES = Path(__file__).parent / "cases" / "translate"
NS = {"x": "urn:oasis:names:tc:xliff:document:2.0"}


def run(*args: str):
    return CliRunner().invoke(cli, ["--project", str(REPO), *args])


@pytest.fixture
def sample(tmp_path, monkeypatch) -> Path:
    """The sample plan folder copied to a temporary working directory."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SAMPLE_PLAN.parent, tmp_path / "plan")
    return tmp_path / "plan" / "plan.yaml"


@pytest.fixture
def harbour(tmp_path, monkeypatch) -> Path:
    """The small invented plan of tests/cases/translate (block style, comments, every scalar style)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan").mkdir()
    for name in ("plan.yaml", "glossary.yaml"):
        shutil.copy(CASES / name, tmp_path / "plan" / name)
    return tmp_path / "plan" / "plan.yaml"


# -- round trip ----------------------------------------------------------------------------------


def bilingual(plan_file: Path) -> dict[str, tuple[str, str]]:
    """Every en/zh mapping of a plan file by field path, found independently of briefkit (the sample may change shape)."""
    found: dict[str, tuple[str, str]] = {}

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict) and "en" in node and set(node) <= {"en", "zh", "zh-Hant"}:
            found[path] = (node["en"], node.get("zh"))
        elif isinstance(node, dict):
            for key, value in node.items():
                if path or key != "glossary":
                    walk(value, f"{path}.{key}" if path else key)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    walk(yaml.safe_load(plan_file.read_text(encoding="utf-8")), "")
    return found


@pytest.mark.parametrize("fmt", ["xliff", "po"])
def test_sample_round_trip_without_edits_leaves_the_plan_byte_identical(sample, fmt):
    before, texts = sample.read_bytes(), bilingual(sample)
    n = len(texts)
    out = f"sample.{fmt}"
    exported = run("translate", "export", "plan", "--format", fmt, "--out", out)
    assert exported.exit_code == 0, exported.output
    assert exported.stdout == f"{out}: {n} units (0 new, {n} translated, 0 needs review)\n"
    assert "no translation record yet" in exported.stderr
    imported = run("translate", "import", "plan", out)
    assert imported.exit_code == 0, imported.output
    assert imported.stdout == f"plan/plan.yaml: {n} translation(s) imported, 0 changed; 0 skipped, 0 untranslated\n"
    assert sample.read_bytes() == before
    record = json.loads((sample.parent / "plan.translations.json").read_text(encoding="utf-8"))
    assert {key: entry["en"] for key, entry in record["fields"].items()} == {k: en for k, (en, _) in texts.items()}
    assert run("validate", "--strict", "plan").exit_code == 0


@pytest.mark.parametrize("fmt", ["xliff", "po"])
def test_every_chinese_text_of_the_sample_can_be_replaced_in_place(sample, fmt):
    """Each scalar style of the sample (plain, quoted, folded) takes a new text; nothing else changes."""
    before, texts = sample.read_text(encoding="utf-8"), bilingual(sample)
    assert run("translate", "export", "plan", "--format", fmt, "--out", f"a.{fmt}").exit_code == 0
    exchanged = Path(f"a.{fmt}")
    if fmt == "po":
        po = polib.pofile(str(exchanged))
        for entry in po:
            entry.msgstr += "（新）"
        po.save(str(exchanged))
    else:
        tree = etree.parse(str(exchanged))
        for target in tree.iterfind(".//x:target", NS):
            last = target[-1] if len(target) else None
            if last is None:
                target.text = (target.text or "") + "（新）"
            else:
                last.tail = (last.tail or "") + "（新）"
        tree.write(str(exchanged), xml_declaration=True, encoding="UTF-8")
    result = run("translate", "import", "plan", str(exchanged))
    assert result.exit_code == 0, result.output
    assert f"{len(texts)} translation(s) imported, {len(texts)} changed" in result.stdout
    assert bilingual(sample) == {key: (en, zh + "（新）") for key, (en, zh) in texts.items()}
    load_plan(sample)  # still a valid plan
    after = sample.read_text(encoding="utf-8")
    changed = [(old, new) for old, new in zip(before.splitlines(), after.splitlines(), strict=True) if old != new]
    assert changed and all(new.replace("（新）", "", 1) == old for old, new in changed)


def test_exported_xliff_is_structurally_sound_and_reads_in_translate_toolkit(sample):
    from translate.storage.xliff2 import Xliff2File

    texts = bilingual(sample)
    assert run("translate", "export", "plan", "--out", "a.xlf").exit_code == 0
    root = etree.parse("a.xlf").getroot()
    assert (root.tag, root.get("version"), root.get("srcLang"), root.get("trgLang")) == (
        "{urn:oasis:names:tc:xliff:document:2.0}xliff", "2.1", "en", "zh-CN")
    units = root.findall(".//x:unit", NS)
    ids = [unit.get("id") for unit in units]
    assert len(ids) == len(set(ids)) == len(texts) and all(re.fullmatch(r"[\w.:-]+", i) for i in ids)
    assert [unit.get("name") for unit in units] == list(texts)
    for unit in units:
        assert [etree.QName(child).localname for child in unit] in (
            ["notes", "segment"], ["notes", "originalData", "segment"])
        data = {d.get("id") for d in unit.iterfind("x:originalData/x:data", NS)}
        for code in unit.iterfind(".//x:pc", NS):
            assert {code.get("dataRefStart"), code.get("dataRefEnd")} <= data
        source_codes = {pc.get("id") for pc in unit.iterfind(".//x:source//x:pc", NS)}
        assert {pc.get("id") for pc in unit.iterfind(".//x:target//x:pc", NS)} <= source_codes
    assert root.find(".//x:target/x:pc[@subType='xlf:b']", NS) is not None  # the sample's bold, as a protected code

    store = Xliff2File.parsefile("a.xlf")
    toolkit = {unit.getid(): unit for unit in store.units}
    assert len(toolkit) == len(texts)
    assert all(unit.istranslated() for unit in store.units)
    plain = {unit.get("id"): unit.get("name") for unit in units if unit.find(".//x:pc", NS) is None}
    for unit_id, key in plain.items():
        assert (toolkit[unit_id].source, toolkit[unit_id].target) == texts[key]

    # A translation made through the toolkit's own XLIFF 2 writer comes back in; every other unit is untouched.
    unit_id, key = next(iter(plain.items()))
    revised = texts[key][1] + "（修订）"
    toolkit[unit_id].target = revised
    toolkit[unit_id].marktranslated()
    store.savefile("toolkit.xlf")
    result = run("translate", "import", "plan", "toolkit.xlf")
    assert result.stdout == (f"plan/plan.yaml: {len(texts)} translation(s) imported, 1 changed; "
                             "0 skipped, 0 untranslated\n")
    assert bilingual(sample) == {**texts, key: (texts[key][0], revised)}


def test_a_cat_style_xliff_with_inline_markup_imports_exactly(harbour):
    before = harbour.read_text(encoding="utf-8")
    result = run("translate", "import", "plan", str(CASES / "cat-style.xlf"))
    assert result.exit_code == 0, result.output
    assert result.stdout == "plan/plan.yaml: 5 translation(s) imported, 4 changed; 3 skipped, 0 untranslated\n"
    cat = str(CASES / "cat-style.xlf")
    assert result.stderr.splitlines() == [
        f"{cat}:32: actions[1].title: warning: not applied: the translation is not confirmed yet (state initial, or fuzzy)",
        f"{cat}:33: actions[2].title: warning: not applied: plan/plan.yaml has no bilingual field actions[2].title any more",
        f"{cat}:34: event.speakers[0].title: warning: not applied: its English no longer matches plan/plan.yaml "
        "(changed since the export; export again)",
    ]
    expected = (before
                .replace("    zh: 示例市人民政府\n", "    zh: 示例市政府\n")
                .replace("  zh: '示例市向3个新产业开放**港区**'", "  zh: '示例市**港区**向3个新产业开放'")
                .replace("详见[规划](https://example.org/plan)。", "详见[规划文件](https://example.org/plan)。")
                .replace('      zh: "开放港区"', '      zh: "全面开放港区"'))
    assert harbour.read_text(encoding="utf-8") == expected
    assert run("validate", "--strict", "plan").exit_code == 0


def test_a_field_with_no_chinese_yet_is_new_and_gets_its_chinese_key(harbour):
    text = harbour.read_text(encoding="utf-8")
    text = text.replace("      zh: 培训500名工人\n", "").replace("{en: Harbour District, zh: 港区}", "{en: Harbour District}")
    harbour.write_text(text, encoding="utf-8")
    result = run("translate", "export", "plan", "--format", "po", "--out", "a.po")
    assert result.stdout == "a.po: 10 units (2 new, 8 translated, 0 needs review)\n"
    po = polib.pofile("a.po")
    assert [e.msgctxt for e in po if not e.msgstr] == ["actions[1].title", "zones[0].name"]
    po.find("actions[1].title", by="msgctxt").msgstr = "培训500名工人"
    po.find("zones[0].name", by="msgctxt").msgstr = "港区"
    po.save("a.po")
    result = run("translate", "import", "plan", "a.po")
    assert result.exit_code == 0, result.output
    assert harbour.read_bytes() == (CASES / "plan.yaml").read_bytes().replace(
        b"{en: Harbour District, zh: \xe6\xb8\xaf\xe5\x8c\xba}", "{en: Harbour District, zh: 港区}".encode())


# -- stale translations -----------------------------------------------------------------------


def test_without_a_record_nothing_is_stale(harbour):
    harbour.write_text(harbour.read_text(encoding="utf-8").replace("Train 500 workers", "Train 500 new workers"),
                       encoding="utf-8")
    result = run("validate", "--strict", "plan")
    assert result.exit_code == 0, result.output
    assert "stale" not in result.output


def test_an_english_edit_makes_exactly_the_affected_fields_stale(harbour):
    accepted = run("validate", "--accept-translations", "plan")
    assert accepted.exit_code == 0
    assert "plan/plan.yaml: recorded 10 translation(s) as current" in accepted.stderr
    text = harbour.read_text(encoding="utf-8")
    text = text.replace("Train 500 workers", "Train 500 skilled workers").replace("en: Li Hua", "en: Li Hua (Ms)")
    # Reordering a list moves the texts with their translations: nothing becomes stale by moving.
    first, second = text.index("  - id: first"), text.index("  - id: second")
    end = text.index("zones:")
    text = text[:first] + text[second:end] + text[first:second] + text[end:]
    harbour.write_text(text, encoding="utf-8")
    result = run("validate", "plan")
    assert result.exit_code == 0
    warning = ("warning: stale translation: the English changed since the Chinese was translated (it was \"{}\"); "
               "import a new translation, or run `briefkit validate --accept-translations`")
    assert [line for line in result.stderr.splitlines() if "stale" in line] == [
        "plan/plan.yaml:15:35: event.speakers[0].name.zh: " + warning.format("Li Hua"),
        "plan/plan.yaml:33:11: actions[0].title.zh: " + warning.format("Train 500 workers"),
    ]
    strict = run("validate", "--strict", "plan")
    assert strict.exit_code == 2
    assert strict.stderr.splitlines()[-1] == "Aborted with 2 content errors."

    exported = run("translate", "export", "plan", "--out", "a.xlf")
    assert exported.stdout == "a.xlf: 10 units (0 new, 8 translated, 2 needs review)\n"
    unit = etree.parse("a.xlf").find(".//x:unit[@name='actions[0].title']", NS)
    assert unit.find("x:segment", NS).attrib == {"state": "initial", "subState": "briefkit:needs-review"}
    assert unit.find("x:notes/x:note[@category='previous-source']", NS).text == (
        "The English changed; the Chinese was translated from: Train 500 workers")
    run("translate", "export", "plan", "--format", "po", "--out", "a.po")
    entry = polib.pofile("a.po").find("actions[0].title", by="msgctxt")
    assert (entry.flags, entry.previous_msgid, entry.msgid) == (["fuzzy"], "Train 500 workers",
                                                                "Train 500 skilled workers")

    # An untouched needs-review unit stays stale; a confirmed one is current again.
    assert run("translate", "import", "plan", "a.xlf").exit_code == 0
    assert len([line for line in run("validate", "plan").stderr.splitlines() if "stale" in line]) == 2
    po = polib.pofile("a.po")
    po.find("actions[0].title", by="msgctxt").msgstr = "培训500名技术工人"
    po.find("actions[0].title", by="msgctxt").flags = []
    po.save("a.po")
    assert run("translate", "import", "plan", "a.po").exit_code == 0
    stale = [line for line in run("validate", "plan").stderr.splitlines() if "stale" in line]
    assert stale == ["plan/plan.yaml:15:35: event.speakers[0].name.zh: " + warning.format("Li Hua")]
    assert run("validate", "--accept-translations", "--strict", "plan").exit_code == 0


# -- inline Markdown -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "plain", "**bold** and *em*", "[a **b** link](https://example.org/a_b?c=d)", "*unclosed and ** stray",
    "上海**10项**[链接](mailto:a@b.org)。", "**a *b* c**", "**a [b** c](https://x.org)",
])
def test_inline_markdown_converts_back_exactly(text):
    assert to_markdown(parse(text)) == text


def test_export_writes_beside_the_working_directory_by_default_and_notes_the_glossary(harbour):
    result = run("translate", "export", "plan", "--format", "po")
    assert result.exit_code == 0
    assert result.stdout == "plan.zh.po: 10 units (0 new, 10 translated, 0 needs review)\n"
    entry = polib.pofile("plan.zh.po").find("actions[0].title", by="msgctxt")
    assert (entry.comment, entry.occurrences) == ("glossary: Harbour District = 港区", [("plan.yaml", "33")])
    assert run("translate", "export", "plan").stdout.startswith("plan.zh.xlf: 10 units")
