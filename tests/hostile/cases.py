"""The hostile-input corpus: broken, malicious or merely unlucky plans and the exact answer to each.

Every case is a plan file (text or raw bytes) written to `plan/plan.yaml` in a
temporary project, with the files it names beside it. `messages` are the exact
lines `briefkit validate plan` (and `briefkit build plan`) must print, one
located message per problem, before "Aborted with N content error(s).".

Paths in `links` become symlinks; "OUTSIDE" in a target is the folder next to the
plan folder that holds decoy files the build must never read.

To look at the corpus by hand:

    python tests/hostile/cases.py /tmp/corpus        # writes /tmp/corpus/<case>/plan.yaml ...
    python build.py validate /tmp/corpus/tab-before-a-list-item/plan
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

MINIMAL = (Path(__file__).resolve().parent.parent / "cases" / "minimal-plan.yaml").read_text(encoding="utf-8")
M = MINIMAL
OUTSIDE = "OUTSIDE"
SPARSE_21_MIB = b"sparse:21"  # written as a 21 MiB sparse file, not 21 MiB of test data


@dataclass(frozen=True)
class Case:
    name: str
    plan: str | bytes
    messages: tuple[str, ...]
    files: Mapping[str, bytes] = field(default_factory=dict)
    links: Mapping[str, str] = field(default_factory=dict)
    xfail: str = ""  # a known bug whose fix is in a file the corpus does not own: what to change
    summary: str = ""  # the translation summary printed after the messages when a translation is missing


def edit(old: str, new: str, text: str = M) -> str:
    """The minimal plan with one edit; the edit must apply exactly once."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def media(path: str) -> str:
    """A media entry appended to the minimal plan: its path value is at line 34, column 11."""
    return M + (
        f"media:\n  - id: photo\n    path: {path}\n    caption: {{en: A photo, zh: 一张照片}}\n"
        "    credit: {en: 'Photo: X', zh: 图片来源：X}\n    alt: {en: A photo, zh: 一张照片}\n"
    )


def logo(path: str) -> str:
    """The issuer's logo: its value is at line 8, column 9."""
    return edit("  name: {en: Example City Government, zh: 示例市人民政府}\n",
                f"  name: {{en: Example City Government, zh: 示例市人民政府}}\n  logo: {path}\n")


def png(width: int = 4, height: int = 3, colour: str = "grey") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "grey").save(buffer, "GIF")
    return buffer.getvalue()


def declared_png(width: int, height: int) -> bytes:
    """A few hundred bytes that declare a huge image: a decompression bomb, as far as any reader can tell."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (width + 1) * 2, 9)  # two rows; nobody gets further
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def jpeg(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    pixels = bytes((index * 7919) % 251 for index in range(width * height * 3))  # busy: most bytes are pixels
    Image.frombytes("RGB", (width, height), pixels).save(buffer, "JPEG")
    return buffer.getvalue()


def corrupt_png() -> bytes:
    """A PNG whose chunks are all well formed (right CRCs) but whose pixel data does not inflate."""
    data = png(40, 30)
    start = data.index(b"IDAT") - 4
    length = struct.unpack(">I", data[start : start + 4])[0]
    broken = b"\x78\x9c" + b"\xff" * (length - 2)
    chunk = struct.pack(">I", length) + b"IDAT" + broken + struct.pack(">I", zlib.crc32(b"IDAT" + broken))
    return data[:start] + chunk + data[start + 12 + length :]


def use_bomb(levels: int) -> bytes:
    """Ten <use> of the level below at every level: 10**levels rectangles from a few hundred bytes."""
    defs = '<rect id="l0" width="1" height="1"/>' + "".join(
        f'<g id="l{level}">' + f'<use href="#l{level - 1}"/>' * 10 + "</g>" for level in range(1, levels + 1)
    )
    return SVG % f'<defs>{defs}</defs><use href="#l{levels}"/>'.encode()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">%s</svg>'
UTF16_ENTITY_SVG = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&x;</text></svg>'
                    ).encode("utf-16")
# A long text anchored once and used through nested aliases: a small file, 64 MiB of text.
TEXT_BOMB = M + "note: &t0 '" + "x" * 65_536 + "'\n" + "".join(
    f"t{level}: &t{level} [" + ", ".join([f"*t{level - 1}"] * 4) + "]\n" for level in range(1, 6)
)
BOMB_OF_MAPPINGS = M + "".join(
    f"{name}: &{name} {body}\n"
    for name, body in [
        ("a", "{" + ", ".join(f"k{i}: x" for i in range(10)) + "}"),
        ("b", "[" + ", ".join(["*a"] * 10) + "]"),
        ("c", "[" + ", ".join(["*b"] * 10) + "]"),
        ("d", "[" + ", ".join(["*c"] * 10) + "]"),
        ("e", "[" + ", ".join(["*d"] * 10) + "]"),
    ]
)
DEEP_BLOCK = M + "background:" + "".join(f"\n{' ' * (2 * i + 2)}a:" for i in range(60)) + " x\n"
ACTION_WITH_TARGET = edit(
    "    places: [harbour]\n",
    "    places: [harbour]\n    targets:\n      - metric: {en: Output, zh: 产值}\n"
    "        value: 10\n        deadline: 2022\n",
)
JUST_OVER = M + "# " + "x" * (2 * 1024 * 1024) + "\n"  # 2.0 MiB when rounded: the message gives bytes
TIMELINE = M + "timeline:\n  - when: WHEN\n    text: {en: Launch, zh: 启动}\n"
PASSWD = "/etc/passwd"
LINE15 = "summary: {en: A short summary., zh: 一段简短的概要。}"

CASES: list[Case] = [
    # -- YAML syntax ---------------------------------------------------------------------------
    Case(
        "colon-and-space-in-plain-text",
        M + "subtitle: {en: Note: a colon, zh: 注意}\n",
        ("plan/plan.yaml:32:20: YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping)",),
    ),
    Case(
        "indentation-off-by-one",
        edit("    group: additional\n", "   group: additional\n"),
        ("plan/plan.yaml:23:4: YAML syntax error: did not find expected '-' indicator (while parsing a block collection)",),
    ),
    Case(
        "unclosed-single-quote-in-flow-mapping",
        edit("title: {en: First action, zh: 第一项行动}", "title: {en: 'First action, zh: 第一项行动}"),
        ("plan/plan.yaml:21:17: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar)",),
    ),
    Case(
        "unclosed-double-quote-at-end-of-file",
        M + 'subtitle: {en: "Unfinished\n',
        ("plan/plan.yaml:32:16: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar)",),
    ),
    Case(
        "tab-before-a-list-item",
        edit("  - id: first\n", "\t- id: first\n"),
        ("plan/plan.yaml:19:1: tab character: YAML indents with spaces only",),
    ),
    Case(
        "undefined-alias",
        M + "subtitle: *standfirst\n",
        ("plan/plan.yaml:32:11: YAML syntax error: found undefined alias",),
    ),
    Case(
        "unknown-escape-in-double-quotes",
        edit(LINE15, 'summary: {en: "Up 50\\% on last year", zh: 一段简短的概要。}'),
        ("plan/plan.yaml:16:21: YAML syntax error: found unknown escape character (while parsing a quoted scalar)",),
    ),
    Case(
        "second-document-in-the-file",
        M + "---\nid: another-plan\n",
        ("plan/plan.yaml:32:1: YAML syntax error: but found another document (expected a single document in the stream)",),
    ),
    Case(
        "yaml-2-directive",
        "%YAML 2.0\n---\n" + M,
        ("plan/plan.yaml:1:1: YAML syntax error: found incompatible YAML document",),
    ),
    Case(
        "merge-key",
        edit("  - id: second\n", "  - <<: {group: additional}\n    id: second\n"),
        ("plan/plan.yaml:22:5: actions[1]: merge keys (<<) are not supported: write the fields out",),
    ),
    Case(
        "include-tag",
        M + "background: !include background.yaml\n",
        ("plan/plan.yaml:32:13: background: unsupported YAML tag !include",),
    ),
    Case(
        "binary-tag",
        logo("!!binary R0lGODlhAQABAAAAACw="),
        ("plan/plan.yaml:8:9: issuer.logo: unsupported YAML tag tag:yaml.org,2002:binary",),
    ),
    Case(
        "set-tag-on-a-collection",
        edit("places:\n", "places: !!set\n"),
        ("plan/plan.yaml:26:9: places: unsupported YAML tag tag:yaml.org,2002:set",),
    ),
    Case(
        "list-as-a-key",
        M + "? [en, zh]\n: both\n",
        ("plan/plan.yaml:32:3: a key must be plain text",),
    ),
    Case(
        "alias-that-contains-itself",
        M + "subtitle: &loop {en: *loop, zh: 循环}\n",
        ("plan/plan.yaml:32:11: subtitle.en: an alias refers to the value that contains it",),
    ),
    # -- encodings and binary files ------------------------------------------------------------
    Case("only-a-byte-order-mark", b"\xef\xbb\xbf", ("plan/plan.yaml:1:1: file is empty: expected a plan mapping",)),
    Case(
        "utf-16-with-byte-order-mark",
        M.encode("utf-16"),
        ("plan/plan.yaml:1:1: file is not UTF-8: byte 0xFF cannot start a character; save the file as UTF-8",),
    ),
    Case(
        "gbk-encoded-chinese",
        M.encode("gbk"),
        ("plan/plan.yaml:7:44: file is not UTF-8: byte 0xC0 cannot start a character; save the file as UTF-8",),
    ),
    Case(
        "windows-1252-curly-quotes",
        M.encode().replace(b"A short summary.", b"\x93A short\x94 summary."),
        ("plan/plan.yaml:16:15: file is not UTF-8: byte 0x93 cannot start a character; save the file as UTF-8",),
    ),
    Case(
        "cut-short-in-the-middle-of-a-character",
        M.encode()[:-4],
        ("plan/plan.yaml:31:61: file is not UTF-8: it ends in the middle of a character (was it cut short?); "
         "save the file as UTF-8",),
    ),
    Case(
        "utf-8-encoded-surrogate",
        M.encode().replace(b"A short summary.", b"A short \xed\xa0\x80summary."),
        ("plan/plan.yaml:16:23: file is not UTF-8: the bytes 0xED 0xA0 are not a character; save the file as UTF-8 "
         "(was it saved as GBK or Windows-1252?)",),
    ),
    Case("nul-bytes", b"\x00" * 64, ("plan/plan.yaml:1:1: control character U+0000 is not allowed in a plan file",)),
    Case(
        "png-saved-as-plan",
        png(),
        ("plan/plan.yaml:1:1: file is not UTF-8: byte 0x89 cannot start a character; save the file as UTF-8",),
    ),
    # -- size and shape ------------------------------------------------------------------------
    Case(
        "ten-megabyte-string",
        edit("A short summary.", "x" * (10 * 1024 * 1024)),
        ("plan/plan.yaml:1:1: file is 10.0 MiB; plan files are limited to 2 MiB",),
    ),
    Case(
        "just-over-the-file-limit",
        JUST_OVER,
        (f"plan/plan.yaml:1:1: file is {len(JUST_OVER.encode()):,} bytes; plan files are limited to 2 MiB "
         "(2,097,152 bytes)",),
    ),
    Case(
        "oversized-data-url-image",
        media("'data:image/png;base64," + "A" * (1536 * 1024) + "'"),
        ("plan/plan.yaml:34:11: media[0].path: 'data:' references are not allowed; give a file path relative to the plan folder",),
    ),
    Case(
        "data-url-over-the-file-limit",
        media("'data:image/png;base64," + "A" * (3 * 1024 * 1024) + "'"),
        ("plan/plan.yaml:1:1: file is 3.0 MiB; plan files are limited to 2 MiB",),
    ),
    Case(
        "billion-laughs-of-mappings",
        BOMB_OF_MAPPINGS,
        ("plan/plan.yaml:36:1: e: more than 100000 values after expanding aliases (an alias bomb?)",),
    ),
    Case(
        "huge-flat-list",
        M + "key_figures: [" + "x, " * 120_000 + "]\n",
        ("plan/plan.yaml:32:1: key_figures: more than 100000 values; a plan file holds at most 100000",),
    ),
    Case(
        "deep-block-nesting",
        DEEP_BLOCK,
        (f"plan/plan.yaml:73:83: background{'.a' * 40}: nested more than 40 levels deep",),
    ),
    Case(
        "deep-flow-nesting-past-the-parser-limit",
        M + "background: " + "[" * 5000 + "]" * 5000 + "\n",
        ("plan/plan.yaml:32:1012: YAML syntax error: exceeded maximum nesting depth (while increasing flow level)",),
    ),
    # -- types, keys, translations -------------------------------------------------------------
    Case("plain-text-file", "Shanghai press plan, draft 2\n",
         ("plan/plan.yaml:1:1: expected a mapping of plan fields at the top level",)),
    Case(
        "bilingual-text-as-a-list",
        edit(LINE15, "summary: [A short summary., 一段简短的概要。]"),
        ("plan/plan.yaml:16:10: summary: expected English and Chinese text as {en: ..., zh: ...}, got a list",),
    ),
    Case(
        "nothing-where-text-is-required",
        edit("headline: {en: Example City launches 3 actions, zh: 示例市推出3项行动}", "headline: ~"),
        ("plan/plan.yaml:15:11: headline: expected English and Chinese text as {en: ..., zh: ...}, got nothing",),
    ),
    Case(
        "yes-no-field-given-a-word",
        edit("date: 2020-01-15\nissuer", "date: 2020-01-15\ndate_illustrative: maybe\nissuer"),
        ("plan/plan.yaml:6:20: date_illustrative: expected true or false, got text 'maybe'",),
    ),
    Case(
        "year-in-words",
        edit("{start: 2020, end: 2022}", "{start: 2020, end: twenty-twenty-two}"),
        ("plan/plan.yaml:17:28: period.end: input should be a valid integer, unable to parse string as an integer",),
    ),
    Case(
        "target-value-in-words",
        edit("        value: 10\n", "        value: lots\n", ACTION_WITH_TARGET),
        ("plan/plan.yaml:28:16: actions[1].targets[0].value: input should be a valid number, unable to parse string as a number",),
    ),
    Case(
        "third-language",
        edit("title: {en: First action, zh: 第一项行动}", "title: {en: First action, zh: 第一项行动, fr: Première action}"),
        ("plan/plan.yaml:21:42: actions[0].title.fr: unknown key 'fr'; expected one of: en, zh",),
    ),
    Case(
        "zh-cn-instead-of-zh",
        edit("title: {en: First action, zh: 第一项行动}", "title: {en: First action, zh-CN: 第一项行动}"),
        ("plan/plan.yaml:21:31: actions[0].title.zh-CN: unknown key 'zh-CN'; did you mean 'zh'?",),
    ),
    Case(
        "places-as-text",
        edit("places:\n  - id: harbour\n    name: {en: Harbour District, zh: 港区}", "places: harbour"),
        ("plan/plan.yaml:26:9: places: expected a list, got text 'harbour'",),
    ),
    Case(
        "misspelt-key-deep-in-a-target",
        edit("      - metric: {en: Output", "      - metirc: {en: Output", ACTION_WITH_TARGET),
        ("plan/plan.yaml:27:9: actions[1].targets[0].metirc: unknown key 'metirc'; did you mean 'metric'?",),
    ),
    Case(
        "plan-id-that-would-leave-output",
        edit("id: minimal", "id: ../../etc"),
        ("plan/plan.yaml:2:5: id: '../../etc' is not a valid id: use lowercase letters, digits and hyphens",),
    ),
    Case(
        "missing-chinese-in-a-list-item",
        edit("    places: [harbour]\n", "    places: [harbour]\n    measures:\n      - {en: Build a port}\n"),
        ("plan/plan.yaml:27:9: actions[1].measures[0].zh: missing Simplified Chinese text",),
        summary="plan/plan.yaml: en: 13/13 fields, zh: 12/13 fields",
    ),
    Case(
        "chinese-that-is-only-an-ideographic-space",
        edit("zh: 第一项行动", "zh: '\u3000'"),
        ("plan/plan.yaml:21:35: actions[0].title.zh: missing Simplified Chinese text",),
        summary="plan/plan.yaml: en: 12/12 fields, zh: 11/12 fields",
    ),
    # -- control, invisible and bidirectional characters ---------------------------------------
    Case(
        "right-to-left-override-in-english",
        edit("A short summary.", "Invoice \u202egnp.exe"),
        ("plan/plan.yaml:16:15: summary.en: bidirectional control character U+202E (RIGHT-TO-LEFT OVERRIDE) is "
         "not allowed in text: it can make text display differently from what reviewers read",),
    ),
    Case(
        "bidirectional-isolate-in-chinese",
        edit("一段简短的概要。", "一段简短\u2067的概要\u2069。"),
        ("plan/plan.yaml:16:37: summary.zh: bidirectional control character U+2067 (RIGHT-TO-LEFT ISOLATE) is "
         "not allowed in text: it can make text display differently from what reviewers read",),
    ),
    Case(
        "bidirectional-override-in-a-comment",
        edit("status: final\n", "status: final  # \u202eisn't this a draft?\n"),
        ("plan/plan.yaml:4:18: bidirectional control character U+202E (RIGHT-TO-LEFT OVERRIDE) is not allowed in "
         "comments or between values: it can make the file display differently from what reviewers read",),
    ),
    Case(
        "bidirectional-embedding-in-a-key",
        M + "\u202asubtitle: {en: Sub, zh: 副标题}\n",
        ("plan/plan.yaml:32:1: subtitle: bidirectional control character U+202A (LEFT-TO-RIGHT EMBEDDING) is not "
         "allowed in a key: it can make text display differently from what reviewers read",),
    ),
    Case(
        "zero-width-space-in-an-e-mail-address",
        M + "contacts:\n  - name: {en: Li Hua, zh: 李华}\n    role: {en: Press, zh: 新闻}\n"
        "    email: press@exam\u200bple.org\n",
        ("plan/plan.yaml:35:12: contacts[0].email: invisible character U+200B (ZERO WIDTH SPACE) is not allowed in "
         "text: it breaks search, links and line breaks; delete it",),
    ),
    Case(
        "byte-order-mark-inside-text",
        edit("A short summary.", "A short\ufeff summary."),
        ("plan/plan.yaml:16:15: summary.en: invisible character U+FEFF (ZERO WIDTH NO-BREAK SPACE) is not allowed "
         "in text: it breaks search, links and line breaks; delete it",),
    ),
    Case(
        "windows-1252-quote-decoded-as-latin-1",
        edit(LINE15, 'summary: {en: "The city\\x92s plan", zh: 一段简短的概要。}'),
        ("plan/plan.yaml:16:15: summary.en: control character U+0092 is not allowed in text (a Windows quote or "
         "dash decoded wrongly?)",),
    ),
    Case(
        "raw-c1-control-character",
        edit("A short summary.", "The city\u0092s plan"),
        ("plan/plan.yaml:16:23: control character U+0092 is not allowed in a plan file (a Windows quote or dash "
         "decoded wrongly?)",),
    ),
    Case(
        "terminal-escape-sequence",
        edit(LINE15, 'summary: {en: "\\e[2J\\e[31mpwned", zh: 一段简短的概要。}'),
        ("plan/plan.yaml:16:15: summary.en: control character U+001B is not allowed in text",),
    ),
    Case(
        "control-character-in-a-key",
        edit("    title: {en: First action", '    "ti\\x01tle": {en: First action'),
        ("plan/plan.yaml:21:5: actions[0].title: control character U+0001 is not allowed in a key",),
    ),
    Case(
        "nul-in-an-image-path",
        media('"media/ok.png\\0.txt"'),
        ("plan/plan.yaml:34:11: media[0].path: control character U+0000 is not allowed in text",),
        files={"media/ok.png": png()},
    ),
    Case(
        "noncharacter-u-fffe",
        edit(LINE15, 'summary: {en: "A short\\uFFFE summary.", zh: 一段简短的概要。}'),
        ("plan/plan.yaml:16:15: summary.en: control character U+FFFE is not allowed in text",),
    ),
    Case(
        "soft-hyphen-in-english",
        edit("A short summary.", "A short sum\u00admary."),
        ("plan/plan.yaml:16:15: summary.en: invisible character U+00AD (SOFT HYPHEN) is not allowed in text: it "
         "breaks search, links and line breaks; delete it",),
    ),
    Case(
        "hangul-filler-in-chinese",
        edit("一段简短的概要。", "一段简短\u3164的概要。"),
        ("plan/plan.yaml:16:37: summary.zh: invisible character U+3164 (HANGUL FILLER) is not allowed in text: it "
         "breaks search, links and line breaks; delete it",),
    ),
    Case(
        "combining-grapheme-joiner",
        edit("A short summary.", "A short\u034f summary."),
        ("plan/plan.yaml:16:15: summary.en: invisible character U+034F (COMBINING GRAPHEME JOINER) is not allowed "
         "in text: it breaks search, links and line breaks; delete it",),
    ),
    Case(
        "mongolian-vowel-separator",
        edit("A short summary.", "A short\u180esummary."),
        ("plan/plan.yaml:16:15: summary.en: invisible character U+180E (MONGOLIAN VOWEL SEPARATOR) is not allowed "
         "in text: it breaks search, links and line breaks; delete it",),
    ),
    Case(
        "tag-characters-in-an-e-mail-address",
        M + "contacts:\n  - name: {en: Li Hua, zh: 李华}\n    role: {en: Press, zh: 新闻}\n"
        "    email: press@example.org\U000e0068\U000e0069\n",
        ("plan/plan.yaml:35:12: contacts[0].email: invisible character U+E0068 (TAG LATIN SMALL LETTER H) is not "
         "allowed in text: it breaks search, links and line breaks; delete it",),
    ),
    Case(
        "line-separator-in-quotes",
        edit(LINE15, 'summary: {en: "A short\\u2028summary.", zh: 一段简短的概要。}'),
        ("plan/plan.yaml:16:15: summary.en: line separator U+2028 is not allowed in text: it prints as an empty box; "
         "start a new paragraph or list item instead",),
    ),
    # -- values YAML cannot read (each was a traceback) ----------------------------------------
    Case(
        "int-tag-on-a-word",
        edit("{start: 2020, end: 2022}", "{start: 2020, end: !!int abc}"),
        ("plan/plan.yaml:17:28: period.end: not a whole number: 'abc'",),
    ),
    Case(
        "float-tag-on-a-word",
        edit("        value: 10\n", "        value: !!float xyz\n", ACTION_WITH_TARGET),
        ("plan/plan.yaml:28:16: actions[1].targets[0].value: not a number: 'xyz'",),
    ),
    Case(
        "bool-tag-on-maybe",
        edit("date: 2020-01-15\nissuer", "date: 2020-01-15\ndate_illustrative: !!bool maybe\nissuer"),
        ("plan/plan.yaml:6:20: date_illustrative: not a yes/no value: 'maybe'; write true or false",),
    ),
    Case(
        "five-thousand-digit-number",
        edit("{start: 2020, end: 2022}", "{start: 2020, end: " + "9" * 5000 + "}"),
        ("plan/plan.yaml:17:28: period.end: number is 5,000 digits long; numbers may have at most 100 digits",),
    ),
    Case(
        "alias-bomb-of-text",
        TEXT_BOMB,
        ("plan/plan.yaml:35:1: t3: more than 4,194,304 characters of text after expanding aliases (an alias bomb?)",),
    ),
    Case(
        "glossary-symlinked-out-of-the-plan-folder",
        M,
        ("plan/glossary.yaml: the file is a symbolic link leading outside its folder; copy the file into the folder "
         "instead",),
        links={"glossary.yaml": f"{OUTSIDE}/secret.txt"},
    ),
    # -- dates and time zones ------------------------------------------------------------------
    Case(
        "thirtieth-of-february",
        edit("date: 2020-01-15\nissuer", "date: 2018-02-30\nissuer"),
        ("plan/plan.yaml:5:7: date: not a valid date: '2018-02-30'; write it as YYYY-MM-DD",),
    ),
    Case(
        "leap-day-in-a-common-year",
        edit("  date: 2020-01-15\n", "  date: 2019-02-29\n"),
        ("plan/plan.yaml:10:9: event.date: not a valid date: '2019-02-29'; write it as YYYY-MM-DD",),
    ),
    Case(
        "time-zone-plus-25-hours",
        M + "embargo: 2018-05-07T10:00:00+25:00\n",
        ("plan/plan.yaml:32:10: embargo: not a valid date and time: '2018-05-07T10:00:00+25:00'; write it as "
         "2026-03-02T10:00 Asia/Shanghai (a time and an IANA time-zone name) or with an offset, +08:00",),
    ),
    Case(
        "time-zone-by-name",
        M + "embargo: 2018-05-07 10:00 CST\n",
        ("plan/plan.yaml:32:10: embargo: not a valid date and time: '2018-05-07 10:00 CST'; write it as "
         "2026-03-02T10:00 Asia/Shanghai (a time and an IANA time-zone name) or with an offset, +08:00",),
    ),
    Case(
        "twenty-fifth-hour",
        M + "embargo: 2018-05-07T25:00:00+08:00\n",
        ("plan/plan.yaml:32:10: embargo: not a valid date and time: '2018-05-07T25:00:00+08:00'; write it as "
         "2026-03-02T10:00 Asia/Shanghai (a time and an IANA time-zone name) or with an offset, +08:00",),
    ),
    Case(
        "date-without-leading-zeros",
        edit("date: 2020-01-15\nissuer", "date: 2018-5-7\nissuer"),
        ("plan/plan.yaml:5:7: date: not a valid date: '2018-5-7'; write it as YYYY-MM-DD",),
    ),
    Case(
        "embargo-without-a-time",
        M + "embargo: 2018-05-07\n",
        ("plan/plan.yaml:32:10: embargo: needs a time zone: '2018-05-07'; write it as 2026-03-02T10:00 Asia/Shanghai (a time and an IANA time-zone name) or with an offset, +08:00",),
    ),
    Case(
        "milestone-month-13",
        TIMELINE.replace("WHEN", "2018-13"),
        ("plan/plan.yaml:33:11: timeline[0].when: not a valid month: '2018-13'; write it as YYYY or YYYY-MM",),
    ),
    Case(
        "milestone-in-words",
        TIMELINE.replace("WHEN", "next spring"),
        ("plan/plan.yaml:33:11: timeline[0].when: not a valid month: 'next spring'; write it as YYYY or YYYY-MM",),
    ),
    # -- images --------------------------------------------------------------------------------
    Case(
        "decompression-bomb-50000-square",
        media("media/bomb.png"),
        ("plan/plan.yaml:34:11: media[0].path: image has too many pixels; the limit is 40 megapixels",),
        files={"media/bomb.png": declared_png(50_000, 50_000)},
    ),
    Case(
        "64-megapixel-image",
        media("media/big.png"),
        ("plan/plan.yaml:34:11: media[0].path: image is 8000x8000 pixels; the limit is 40 megapixels",),
        files={"media/big.png": declared_png(8000, 8000)},
    ),
    Case(
        "image-file-over-20-mib",
        media("media/huge.jpg"),
        ("plan/plan.yaml:34:11: media[0].path: image is 21.0 MiB; the limit is 20 MiB",),
        files={"media/huge.jpg": SPARSE_21_MIB},
    ),
    Case(
        "text-file-named-png",
        media("media/photo.png"),
        ("plan/plan.yaml:34:11: media[0].path: not a readable PNG or JPEG image (the file is corrupt or of another kind)",),
        files={"media/photo.png": b"see attached photo\n"},
    ),
    Case(
        "empty-image-file",
        media("media/photo.png"),
        ("plan/plan.yaml:34:11: media[0].path: not a readable PNG or JPEG image (the file is corrupt or of another kind)",),
        files={"media/photo.png": b""},
    ),
    Case(
        "gif-image-named-png",
        media("media/photo.png"),
        ("plan/plan.yaml:34:11: media[0].path: image format GIF is not supported; use PNG, JPEG or SVG",),
        files={"media/photo.png": gif()},
    ),
    Case(
        "gif-image",
        media("media/photo.gif"),
        ("plan/plan.yaml:34:11: media[0].path: image file names end in .png, .jpg, .jpeg or .svg; rename the file",),
        files={"media/photo.gif": gif()},
    ),
    Case(
        "image-path-is-a-folder",
        media("media"),
        ("plan/plan.yaml:34:11: media[0].path: image file not found: media",),
        files={"media/photo.png": png()},
    ),
    Case(
        "image-from-another-plan-folder",
        media("../other-plan/media/photo.png"),
        ("plan/plan.yaml:34:11: media[0].path: '../other-plan/media/photo.png' leads outside the plan folder",),
    ),
    Case(
        "symlinked-folder-leading-out",
        media("media/secret.png"),
        ("plan/plan.yaml:34:11: media[0].path: 'media/secret.png' leads outside the plan folder",),
        links={"media": f"../{OUTSIDE}"},
    ),
    Case(
        "logo-symlinked-to-etc-passwd",
        logo("media/logo.png"),
        ("plan/plan.yaml:8:9: issuer.logo: 'media/logo.png' leads outside the plan folder",),
        links={"media/logo.png": PASSWD},
    ),
    Case(
        "https-url-image",
        media("https://example.org/photo.png"),
        ("plan/plan.yaml:34:11: media[0].path: 'https:' references are not allowed; give a file path relative to the plan folder",),
    ),
    Case(
        "small-data-url-image",
        media("'data:image/png;base64,iVBORw0KGgo='"),
        ("plan/plan.yaml:34:11: media[0].path: 'data:' references are not allowed; give a file path relative to the plan folder",),
    ),
    Case(
        "protocol-relative-url-image",
        media("//example.org/photo.png"),
        ("plan/plan.yaml:34:11: media[0].path: absolute paths are not allowed; give a path relative to the plan folder",),
    ),
    Case(
        "windows-drive-path",
        logo("'C:\\Users\\press\\logo.png'"),
        ("plan/plan.yaml:8:9: issuer.logo: absolute paths are not allowed; give a path relative to the plan folder",),
    ),
    Case(
        "unc-network-path",
        logo("'\\\\fileserver\\press\\logo.png'"),
        ("plan/plan.yaml:8:9: issuer.logo: absolute paths are not allowed; give a path relative to the plan folder",),
    ),
    Case(
        "backslashes-between-folders",
        media("'media\\photo.png'"),
        ("plan/plan.yaml:34:11: media[0].path: image paths use / between folders, not \\",),
        files={"media\\photo.png": png()},
    ),
    Case(
        "percent-encoded-dot-dot",
        media("media/%2e%2e/%2e%2e/photo.png"),
        ("plan/plan.yaml:34:11: media[0].path: image paths may not contain '%' (it means something else in a web "
         "address); rename the file",),
        files={"media/%2e%2e/%2e%2e/photo.png": png()},
    ),
    Case(
        "hash-in-an-image-file-name",
        media("'media/photo#1.png'"),
        ("plan/plan.yaml:34:11: media[0].path: image paths may not contain '#' (it means something else in a web "
         "address); rename the file",),
        files={"media/photo#1.png": png()},
    ),
    Case(
        "svg-that-loads-an-outside-image",
        media("media/chart.svg"),
        ("plan/plan.yaml:34:11: media[0].path: SVG images may not refer to other files or URLs",),
        files={"media/chart.svg": SVG % b'<image href="file:///etc/passwd" width="5" height="5"/>',
               "media/chart.png": png()},
    ),
    Case(
        "svg-with-an-external-entity",
        media("media/chart.svg"),
        ("plan/plan.yaml:34:11: media[0].path: SVG images may not declare entities (<!ENTITY ...>): they can read "
         "other files or multiply the text",),
        files={"media/chart.svg": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               + SVG % b"<text>&x;</text>", "media/chart.png": png()},
    ),
    Case(
        "svg-with-a-css-url",
        media("media/chart.svg"),
        ("plan/plan.yaml:34:11: media[0].path: SVG images may not refer to other files or URLs",),
        files={"media/chart.svg": SVG % b'<rect width="5" height="5" style="fill: url(https://example.org/p)"/>',
               "media/chart.png": png()},
    ),
    Case(
        "svg-with-a-css-import",
        media("media/chart.svg"),
        ("plan/plan.yaml:34:11: media[0].path: SVG images may not refer to other files or URLs",),
        files={"media/chart.svg": SVG % b"<style>@import 'https://example.org/s.css';</style>",
               "media/chart.png": png()},
    ),
    # -- issue 11: the validated image is the rendered image; limits that cannot be bypassed ------
    Case(
        "dot-dot-that-stays-inside",
        media("media/../media/photo.png"),
        ("plan/plan.yaml:34:11: media[0].path: 'media/../media/photo.png': image paths may not contain '..', '.' "
         "or '//'; give the plain path from the plan folder, such as media/photo.png",),
        files={"media/photo.png": png()},
    ),
    Case(
        "symlink-and-dot-dot",
        media("media/link/../photo.png"),
        ("plan/plan.yaml:34:11: media[0].path: 'media/link/../photo.png': image paths may not contain '..', '.' "
         "or '//'; give the plain path from the plan folder, such as media/photo.png",),
        files={"media/photo.png": png(), "media/deep/x.png": png()},
        links={"media/link": "deep"},
    ),
    Case(
        "tab-inside-an-image-path",
        media('"media/pho\\tto.png"'),
        ("plan/plan.yaml:34:11: media[0].path: image paths may not contain U+0009 (a tab, line break or other "
         "invisible character); rename the file",),
        files={"media/pho\tto.png": png(), "media/photo.png": declared_png(50_000, 50_000)},
    ),
    Case(
        "line-break-at-the-end-of-an-image-path",
        media('"media/photo.png\\n"'),
        ("plan/plan.yaml:34:11: media[0].path: image paths may not contain U+000A (a tab, line break or other "
         "invisible character); rename the file",),
        files={"media/photo.png\n": png(), "media/photo.png": declared_png(50_000, 50_000)},
    ),
    Case(
        "trailing-space-in-an-image-path",
        media("'media/photo.png '"),
        ("plan/plan.yaml:34:11: media[0].path: image paths may not begin or end a name with a space; rename the file",),
        files={"media/photo.png ": png(), "media/photo.png": declared_png(50_000, 50_000)},
    ),
    Case(
        "image-named-like-a-built-document",
        media("press-brief.en.pdf"),
        ("plan/plan.yaml:34:11: media[0].path: image file names end in .png, .jpg, .jpeg or .svg; rename the file",),
        files={"press-brief.en.pdf": png()},
    ),
    Case(
        "png-with-corrupt-pixel-data",
        media("media/photo.png"),
        ("plan/plan.yaml:34:11: media[0].path: the PNG image data is corrupt or cut short (export or copy the file "
         "again)",),
        files={"media/photo.png": corrupt_png()},
    ),
    Case(
        "jpeg-cut-short",
        media("media/photo.jpg"),
        ("plan/plan.yaml:34:11: media[0].path: the JPEG image data is corrupt or cut short (export or copy the file "
         "again)",),
        files={"media/photo.jpg": jpeg()[: len(jpeg()) * 3 // 4]},
    ),
    Case(
        "svg-in-utf-16-with-an-entity",
        media("media/chart.svg"),
        ("plan/plan.yaml:34:11: media[0].path: SVG images may not declare entities (<!ENTITY ...>): they can read "
         "other files or multiply the text",),
        files={"media/chart.svg": UTF16_ENTITY_SVG, "media/chart.png": png()},
    ),
    Case(
        "svg-with-a-css-escaped-url",
        media("media/chart.svg"),
        ("plan/plan.yaml:34:11: media[0].path: SVG images may not refer to other files or URLs",),
        files={"media/chart.svg": SVG % b'<rect width="5" height="5" style="fill: u\\72l(https://example.org/p)"/>',
               "media/chart.png": png()},
    ),
    Case(
        "svg-with-a-css-escaped-import",
        media("media/chart.svg"),
        ("plan/plan.yaml:34:11: media[0].path: SVG images may not refer to other files or URLs",),
        files={"media/chart.svg": SVG % b"<style>@\\69mport 'https://example.org/s.css';</style>",
               "media/chart.png": png()},
    ),
    Case(
        "svg-use-bomb",
        media("media/chart.svg"),
        ("plan/plan.yaml:34:11: media[0].path: SVG image draws more than 20,000 elements once its <use> and "
         "url(#...) references are followed (a <use> bomb?)",),
        files={"media/chart.svg": use_bomb(9), "media/chart.png": png()},
    ),
    Case(
        "svg-with-too-many-elements",
        media("media/chart.svg"),
        ("plan/plan.yaml:34:11: media[0].path: SVG image has 12,000 elements; the limit is 10,000",),
        files={"media/chart.svg": SVG % (b'<rect width="1" height="1"/>' * 11_999), "media/chart.png": png()},
    ),
    Case(
        "svg-that-uses-itself",
        media("media/chart.svg"),
        ("plan/plan.yaml:34:11: media[0].path: SVG image refers to itself in a loop (<use> or url(#...))",),
        files={"media/chart.svg": SVG % b'<g id="a"><use href="#a"/></g>', "media/chart.png": png()},
    ),
    Case(
        "svg-twin-that-is-a-bomb",
        media("media/chart.svg"),
        ("plan/plan.yaml:34:11: media[0].path: its PNG twin media/chart.png: image has too many pixels; the limit "
         "is 40 megapixels",),
        files={"media/chart.svg": SVG % b"", "media/chart.png": declared_png(50_000, 50_000)},
    ),
    Case(
        "html-file-named-svg",
        media("media/chart.svg"),
        ("plan/plan.yaml:34:11: media[0].path: not an SVG image (the root element is not <svg>)",),
        files={"media/chart.svg": b"<html><body><svg/></body></html>", "media/chart.png": png()},
    ),
]

W3C_DOCTYPE = b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'

# Odd but harmless: these must validate (exit 0), or the rules above are too strict.
ACCEPTED: list[Case] = [
    Case("byte-order-mark-and-crlf", b"\xef\xbb\xbf" + M.replace("\n", "\r\n").encode(), ()),
    Case("zero-width-joiner-and-ideographic-space", edit("一段简短的概要。", "一段\u200d简短的\u3000概要。"), ()),
    Case("astral-cjk-and-combining-marks", edit("A short summary.", "Caf\u00e9 cafe\u0301 𠮷野家"), ()),
    Case("chinese-file-name-with-a-space", media("'media/上海 照片.png'"), (), files={"media/上海 照片.png": png()}),
    Case("svg-with-the-standard-doctype", media("media/chart.svg"), (),
         files={"media/chart.svg": W3C_DOCTYPE + SVG % b'<rect width="5" height="5" fill="url(#g)"/>',
                "media/chart.png": png()}),
]


def write_case(case: Case, project: Path) -> Path:
    """Write `case` as `project/plan/plan.yaml` with its files and links; return the plan file."""
    folder = project / "plan"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if data == SPARSE_21_MIB:
            with path.open("wb") as stream:
                stream.truncate(21 * 1024 * 1024)
        else:
            path.write_bytes(data)
    for name, target in case.links.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target.replace(OUTSIDE, str((project / OUTSIDE).resolve())))
    plan_file = folder / "plan.yaml"
    plan_file.write_bytes(case.plan if isinstance(case.plan, bytes) else case.plan.encode("utf-8"))
    return plan_file


def write_decoys(project: Path) -> Path:
    """Files next to the plan folder that content must never reach: readable, so a leak would show."""
    outside = project / OUTSIDE
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.png").write_bytes(png(colour="red"))
    (outside / "secret.txt").write_text("DECOY-SECRET-7f3a\n", encoding="utf-8")
    return outside


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for case in CASES:
        write_decoys(target / case.name)
        write_case(case, target / case.name)
        print(target / case.name / "plan")
