"""A plan's YAML text + new Chinese texts by field path -> the same text with only those scalars rewritten.

Like `validate --fix`, edits touch only the characters of each Chinese value,
so comments, key order, quoting and layout stay as the author wrote them. A
value keeps its style (plain, quoted, folded) when the new text can be written
in it; otherwise it becomes a double-quoted scalar, which can hold any text.
The result is parsed again and must differ from the original in exactly the
edited values, or nothing is returned.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import yaml
from yaml.emitter import Emitter

from ..errors import ContentError, Location, Problem
from ..source import PathKey, format_path
from .fields import PlanTexts

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BLOCK_HEADER = re.compile(r"([|>])([-+]?)[ \t]*(#.*)?$")
_TRAILING_BLANK_LINES = re.compile(r"(?:[ \t]*\r?\n)*\Z")
# Characters YAML cannot carry raw inside double quotes: line breaks it would fold, and non-printables.
_ESCAPE = re.compile("[\x7f-\x84\x86-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def rewrite(texts: PlanTexts, changes: dict[PathKey, str]) -> str:
    """The plan text with the Chinese of each field path in `changes` replaced; verified by parsing it again."""
    text = texts.text
    line_starts = [0, *(match.end() for match in re.finditer("\n", text))]
    edits: list[tuple[int, int, str]] = []
    for path, chinese in changes.items():
        start_line, start_column = texts.source_map.values[path]
        flow = text[line_starts[start_line - 1] + start_column - 1] == "{"
        span = texts.source_map.spans.get((*path, "zh"))
        if span is not None:
            edits.append((span[0], span[1], _scalar(text[span[0] : span[1]], chinese, flow)))
        else:
            edits.append(_insertion(texts, path, chinese, flow))
    for start, end, replacement in sorted(edits, key=lambda edit: edit[0], reverse=True):
        text = text[:start] + replacement + text[end:]
    _verify(texts, changes, text)
    return text


def _scalar(written: str, value: str, flow: bool) -> str:
    """The YAML for `value` in place of the scalar written as `written`, in the same style when possible."""
    if not written.strip() or written.strip() in ("null", "~", "Null", "NULL"):
        return (" " if not written.strip() else "") + _plain_or_quoted(value, flow)  # `zh:` with no value yet
    first = written[0]
    if first in "|>":
        return _block(written, value)
    if first == "'" and "\n" not in value and _analysis(value).allow_single_quoted:
        return "'" + value.replace("'", "''") + "'"
    if first in "'\"":
        return _double_quoted(value)
    return _plain_or_quoted(value, flow)


def _plain_or_quoted(value: str, flow: bool) -> str:
    analysis = _analysis(value)
    plain = analysis.allow_flow_plain if flow else analysis.allow_block_plain
    resolved = yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, (True, False))
    # A plain scalar that reads as a number, a date or yes/no would not be text any more.
    if plain and "\n" not in value and resolved == "tag:yaml.org,2002:str":
        return value
    return _double_quoted(value)


def _block(written: str, value: str) -> str:
    """A folded or literal scalar: keep its header and indentation when the new text is one line."""
    header, _, body = written.partition("\n")
    match = _BLOCK_HEADER.match(header.rstrip("\r"))
    tail = _TRAILING_BLANK_LINES.search(body)
    content = body[: tail.start()] if tail else body
    indent = len(content) - len(content.lstrip(" "))
    chomp = match.group(2) if match else "+"
    line = value[:-1] if chomp == "" and value.endswith("\n") else value
    fits = (match is not None and chomp != "+" and indent > 0 and line and line == line.strip()
            and "\n" not in line and (chomp == "-") != value.endswith("\n"))
    if not fits:
        return _double_quoted(value) + written[len(written.rstrip("\r\n \t")) :]
    return header + "\n" + " " * indent + line + (tail.group() if tail else "")


def _double_quoted(value: str) -> str:
    quoted = json.dumps(value, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _analysis(value: str) -> Any:
    return Emitter(None, allow_unicode=True).analyze_scalar(value)  # type: ignore[arg-type]


def _insertion(texts: PlanTexts, path: PathKey, chinese: str, flow: bool) -> tuple[int, int, str]:
    """Add a `zh` key to a mapping that has only `en`: after `en`, in the mapping's own style."""
    text = texts.text
    en_end = texts.source_map.spans[(*path, "en")][1]
    if flow:
        return en_end, en_end, ", zh: " + _plain_or_quoted(chinese, True)
    _, key_column = texts.source_map.keys[(*path, "en")]
    last = len(text[:en_end].rstrip(" \t\r\n"))
    newline = text.find("\n", last)
    at = len(text) if newline < 0 else newline - (text[newline - 1] == "\r")
    line_break = "\r\n" if "\r\n" in text else "\n"  # the file's own line ends
    indent = " " * (key_column - 1)
    return at, at, f"{line_break}{indent}zh: {_plain_or_quoted(chinese, False)}"


def _verify(texts: PlanTexts, changes: dict[PathKey, str], new_text: str) -> None:
    expected = copy.deepcopy(yaml.load(texts.text, Loader=_Loader))
    for path, chinese in changes.items():
        node = expected
        for part in path:
            node = node[part]
        node["zh"] = chinese
    try:
        actual = yaml.load(new_text, Loader=_Loader)
    except yaml.YAMLError:
        actual = None
    if actual != expected:
        where = Location(str(texts.source_map.file), 0, 0, ", ".join(format_path(path) for path in changes))
        raise ContentError([Problem(where, "cannot write these translations without changing other values "
                                           "(please report this); nothing was written")])
