"""YAML reading: every broken file gets one located message, never a traceback."""

from __future__ import annotations

import pytest

from briefkit.errors import ContentError
from briefkit.validate import load_plan
from conftest import MINIMAL_PLAN

M = MINIMAL_PLAN
BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9 if prev else ['x'] * 9)}]\n"
    for name, prev in zip("abcdefg", [None, *"abcdef"], strict=True)
)

CASES = [
    ("empty file", "", "plan/plan.yaml:1:1: file is empty: expected a plan mapping"),
    ("only comments", "# nothing yet\n", "plan/plan.yaml:1:1: file is empty: expected a plan mapping"),
    ("not a mapping", "- a\n- b\n", "plan/plan.yaml:1:1: expected a mapping of plan fields at the top level"),
    (
        "unclosed bracket",
        M.replace("{start: 2020, end: 2022}", "{start: 2020, end: 2022"),
        "plan/plan.yaml:18:8: YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping)",
    ),
    (
        "unclosed quote",
        M.replace('version: "0.1"', 'version: "0.1'),
        "plan/plan.yaml:3:10: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar)",
    ),
    (
        "tab indentation",
        M.replace("  date: 2020-01-15", "\tdate: 2020-01-15"),
        "plan/plan.yaml:10:1: tab character: YAML indents with spaces only",
    ),
    (
        "duplicate key",
        M + "status: draft\n",
        "plan/plan.yaml:32:1: status: duplicate key 'status' (first given on line 4)",
    ),
    (
        "escaped control character",
        M.replace("summary: {en: A short summary.", 'summary: {en: "A short\\x01 summary."'),
        "plan/plan.yaml:16:15: summary.en: control character U+0001 is not allowed in text",
    ),
    (
        "raw control character",
        M.replace("A short summary.", "A short\x07 summary."),
        "plan/plan.yaml:16:22: control character U+0007 is not allowed in a plan file",
    ),
    (
        "alias bomb",
        BOMB,
        "plan/plan.yaml:6:1: f: more than 100000 values after expanding aliases (an alias bomb?)",
    ),
    (
        "python tag",
        M.replace("version: \"0.1\"", "version: !!python/object/apply:os.system [ls]"),
        "plan/plan.yaml:3:10: version: unsupported YAML tag tag:yaml.org,2002:python/object/apply:os.system",
    ),
]

BYTE_CASES = [
    (
        "latin-1 text",
        M.encode().replace(b"A short summary.", "A shört summary.".encode("latin-1")),
        "plan/plan.yaml:16:19: file is not UTF-8: byte 0xF6 cannot start a character; save the file as UTF-8",
    ),
    (
        "binary file",
        bytes(range(256)) * 4,
        "plan/plan.yaml:2:118: file is not UTF-8: byte 0x80 cannot start a character; save the file as UTF-8",
    ),
    (
        "oversized file",
        M.encode() + b"# " + b"x" * (3 * 1024 * 1024) + b"\n",
        "plan/plan.yaml:1:1: file is 3.0 MiB; plan files are limited to 2 MiB",
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES + BYTE_CASES, ids=[c[0] for c in CASES + BYTE_CASES])
def test_broken_file_gives_one_located_message(make_plan, name, text, expected):
    plan_file = make_plan(text)
    with pytest.raises(ContentError) as caught:
        load_plan(plan_file)
    assert [str(problem) for problem in caught.value.problems] == [expected]


def test_byte_order_mark_is_accepted(make_plan):
    plan = load_plan(make_plan(b"\xef\xbb\xbf" + M.encode())).plan
    assert plan.id == "minimal"


def test_deep_nesting_is_refused(make_plan):
    deep = "x: " + "[" * 200 + "]" * 200 + "\n"
    with pytest.raises(ContentError) as caught:
        load_plan(make_plan(M + deep))
    assert "nested more than 40 levels deep" in str(caught.value)


def test_positions_are_recorded_for_values_and_keys(make_plan):
    loaded = load_plan(make_plan())
    assert loaded.source_map.values[("actions", 1, "title", "zh")] == (24, 36)
    assert loaded.source_map.keys[("actions", 1, "title")] == (24, 5)
