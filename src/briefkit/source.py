"""Plan file bytes -> plain Python data plus a SourceMap (field path -> file:line:col).

PyYAML's composer keeps a mark on every node; we build the data ourselves from
the node tree so that duplicate keys, alias bombs, deep nesting, unsafe tags and
characters that hide or reorder text are refused with a location instead of
being silently accepted.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Location, Problem

PathKey = tuple[str | int, ...]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 100_000  # expanded nodes, aliases counted every time they are used
# Characters of text (keys and values) after expanding aliases: a plan file of 2 MiB holds at most
# 2 Mi characters, so this leaves room for honest reuse while a few aliases of a long text cannot
# turn a small file into hundreds of megabytes for every later check to walk.
MAX_TEXT_CHARS = 4 * 1024 * 1024
MAX_DEPTH = 40
MAX_DIGITS = 100  # a whole number longer than this is a paste accident (and slow to convert)

# Characters XML 1.0 cannot carry: python-docx raises on them and PDF text
# extraction garbles them, so they are content errors.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# DEL and the C1 controls are legal XML but never wanted text: most often a
# Windows-1252 curly quote or dash that was decoded as Latin-1 on the way in.
_C1_CONTROLS = "\x7f-\x9f"
# Bidirectional embeddings, overrides and isolates reorder what a reader sees
# ("Trojan Source"): reviewers would approve text that prints differently.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Invisible characters that are not needed to write English or Chinese (ZWJ and
# ZWNJ are, for emoji and some scripts, so they stay allowed): pasted from web
# pages and chat apps, they break search, links, e-mail addresses and line breaks.
# Soft hyphen, combining grapheme joiner, the Hangul and halfwidth fillers, the
# Khmer inherent vowels, the Mongolian vowel separator, the deprecated format
# controls, interlinear annotation marks, musical formatting and the tag
# characters (which can carry a hidden message, or end up inside a mailto: link).
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u2060-\u2065\u206a-\u206f\u3164\ufeff\uffa0"
    "\ufff9-\ufffb\U0001d173-\U0001d17a\U000e0000-\U000e007f]"
)
# Line and paragraph separators: YAML reads them as line breaks outside quotes, fonts have no
# glyph for them (an empty box in the PDF), and Word shows them as nothing.
_SEPARATORS = re.compile("[\u2028\u2029]")
_UNWANTED = re.compile(
    f"{_XML_ILLEGAL.pattern[:-1]}{_C1_CONTROLS}{_BIDI.pattern[1:-1]}{_INVISIBLE.pattern[1:-1]}"
    f"{_SEPARATORS.pattern[1:-1]}]"
)
_MERGE = "tag:yaml.org,2002:merge"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    _TIMESTAMP,
}


def format_path(path: PathKey) -> str:
    """('actions', 3, 'title', 'zh') -> 'actions[3].title.zh'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of one YAML file starts."""

    file: str
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    # Character offsets [start, end) of each scalar in the decoded text, for in-place fixes.
    spans: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: PathKey, *, at_key: bool = False) -> Location:
        """The location of `path`, or of its nearest ancestor that exists."""
        table = self.keys if at_key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                line, column = table[probe]
                return Location(self.file, line, column, format_path(path))
            if probe in self.values:
                line, column = self.values[probe]
                return Location(self.file, line, column, format_path(path))
            probe = probe[:-1]
        line, column = self.values.get((), (1, 1))
        return Location(self.file, line, column, format_path(path))


@dataclass
class LoadedFile:
    data: Any
    source_map: SourceMap
    problems: list[Problem]


def load_yaml(path: Path, display: str) -> LoadedFile:
    """Read one YAML file; fatal problems raise ContentError, the rest are returned.

    The file must lie inside its own folder once symbolic links are followed: a plan,
    glossary, theme or labels file that is a link to somewhere else is refused unread.
    """
    try:
        inside = path.resolve().is_relative_to(path.parent.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        inside = False
    if not inside:
        message = "the file is a symbolic link leading outside its folder; copy the file into the folder instead"
        raise ContentError([Problem(Location(display), message)])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError([Problem(Location(display), f"cannot read file: {exc.strerror}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        message = f"file is {len(raw) / 1024 / 1024:.1f} MiB; plan files are limited to 2 MiB"
        if message.startswith("file is 2.0 MiB"):  # would read as no problem at all
            message = f"file is {len(raw):,} bytes; plan files are limited to 2 MiB ({MAX_FILE_BYTES:,} bytes)"
        raise ContentError([Problem(Location(display, 1, 1), message)])
    text = _decode(raw, display)
    if not text.strip() or all(line.lstrip().startswith("#") for line in text.splitlines() if line.strip()):
        raise ContentError([Problem(Location(display, 1, 1), "file is empty: expected a plan mapping")])
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise ContentError([_syntax_problem(exc, text, display)]) from None
    except yaml.reader.ReaderError as exc:
        # libyaml counts bytes, the pure-Python reader characters
        before = text.encode()[: exc.position].decode(errors="ignore") if _Loader is not yaml.SafeLoader else text[
            : exc.position
        ]
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        message = f"control character U+{exc.character:04X} is not allowed in a plan file"
        if 0x80 <= exc.character <= 0x9F:
            message += " (a Windows quote or dash decoded wrongly?)"
        raise ContentError([Problem(Location(display, line, column), message)]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(Location(display, 1, 1), f"YAML error: {exc}")]) from None
    except RecursionError:
        raise ContentError([Problem(Location(display, 1, 1), "nesting is too deep to read")]) from None
    if root is None:  # only comments or document markers
        raise ContentError([Problem(Location(display, 1, 1), "file is empty: expected a plan mapping")])
    builder = _Builder(SourceMap(display))
    data = builder.build(root, ())
    if builder.fatal:
        raise ContentError(builder.problems)
    problems = builder.problems + _bidi_outside_scalars(text, builder.scalar_ranges, display)
    return LoadedFile(data, builder.source_map, problems)


def unwanted_character(text: str, where: str = "text") -> str | None:
    """Why `text` may not be used (the first unwanted character in it), or None."""
    match = _UNWANTED.search(text)
    if match is None:
        return None
    char = match.group()
    code = f"U+{ord(char):04X}"
    if _BIDI.match(char):
        return (f"bidirectional control character {code} ({unicodedata.name(char)}) is not allowed in {where}: "
                "it can make text display differently from what reviewers read")
    if _INVISIBLE.match(char):
        return (f"invisible character {code} ({unicodedata.name(char, 'unassigned')}) is not allowed in {where}: "
                "it breaks search, links and line breaks; delete it")
    if _SEPARATORS.match(char):
        return (f"{unicodedata.name(char).lower()} {code} is not allowed in {where}: it prints as an empty box; "
                "start a new paragraph or list item instead")
    if "\x80" <= char <= "\x9f":
        return f"control character {code} is not allowed in {where} (a Windows quote or dash decoded wrongly?)"
    return f"control character {code} is not allowed in {where}"


def _bidi_outside_scalars(text: str, ranges: list[tuple[int, int, int, int]], display: str) -> list[Problem]:
    """Bidirectional controls in comments (one message a line): they can make a line look commented out, or not."""
    if not _BIDI.search(text):
        return []
    spans = sorted({((l1, c1), (l2, c2)) for l1, c1, l2, c2 in ranges})
    starts = [start for start, _ in spans]
    problems: list[Problem] = []
    reported: set[int] = set()
    for match in _BIDI.finditer(text):
        line = text.count("\n", 0, match.start())
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1)
        index = bisect.bisect_right(starts, (line, column)) - 1
        if line in reported or index >= 0 and (line, column) < spans[index][1]:
            continue  # inside a key or value: reported with its field
        reported.add(line)
        char = match.group()
        message = (f"bidirectional control character U+{ord(char):04X} ({unicodedata.name(char)}) is not allowed "
                   "in comments or between values: it can make the file display differently from what reviewers read")
        problems.append(Problem(Location(display, line + 1, column + 1), message))
    return problems


def _decode(raw: bytes, display: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte-order mark is harmless; Windows editors add it
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
        if exc.reason == "unexpected end of data":
            problem = "it ends in the middle of a character (was it cut short?)"
        elif exc.reason == "invalid continuation byte":
            pair = " ".join(f"0x{byte:02X}" for byte in raw[exc.start : exc.end + 1])
            problem = f"the bytes {pair} are not a character"
        else:
            problem = f"byte 0x{raw[exc.start]:02X} cannot start a character"
        hint = " (was it saved as GBK or Windows-1252?)" if exc.reason == "invalid continuation byte" else ""
        message = f"file is not UTF-8: {problem}; save the file as UTF-8{hint}"
        raise ContentError([Problem(Location(display, line, column), message)]) from None


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, display: str) -> Problem:
    problem = (exc.problem or "").strip()
    mark = exc.problem_mark or exc.context_mark
    if "end of stream" in problem and exc.context_mark is not None:
        mark = exc.context_mark  # an unclosed quote or bracket: point at where it opened
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    offending = text[mark.index] if mark is not None and mark.index < len(text) else ""
    if offending == "\t" or "\\t" in problem:
        message = "tab character: YAML indents with spaces only"
    elif "unacceptable character" in problem or "special characters are not allowed" in problem:
        message = f"control character in file: {problem}"
    else:
        context = f" ({exc.context.strip()})" if exc.context else ""
        message = f"YAML syntax error: {problem}{context}"
    return Problem(Location(display, line, column), message)


class _Builder:
    """Turns a composed node tree into data, recording positions and refusing the unsafe."""

    def __init__(self, source_map: SourceMap) -> None:
        self.source_map = source_map
        self.problems: list[Problem] = []
        self.fatal = False
        self._nodes = 0
        self._chars = 0  # characters of text built so far, aliases counted each time they are used
        self._scalars = yaml.constructor.SafeConstructor()
        self._built: set[int] = set()  # collections built once: meeting one again means an alias
        self._open: set[int] = set()  # collections being built: meeting one of these means a cycle
        self._aliased = False
        # (line, column, end line, end column), 0-based, of every scalar key and value
        self.scalar_ranges: list[tuple[int, int, int, int]] = []

    def _error(self, path: PathKey, node: yaml.Node, message: str, *, fatal: bool = False) -> None:
        mark = node.start_mark
        location = Location(self.source_map.file, mark.line + 1, mark.column + 1, format_path(path))
        self.problems.append(Problem(location, message))
        self.fatal = self.fatal or fatal

    def _too_much(self, node: yaml.Node, path: PathKey, message: str) -> None:
        """One fatal problem for a limit, at the top-level key being expanded (aliases share their anchor's marks)."""
        if self.fatal and any(p.message == message for p in self.problems):
            return
        top = path[:1]
        line, column = self.source_map.keys.get(top, (node.start_mark.line + 1, node.start_mark.column + 1))
        self.problems.append(Problem(Location(self.source_map.file, line, column, format_path(top)), message))
        self.fatal = True

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self._nodes += 1
        if self._chars > MAX_TEXT_CHARS:
            return None  # reported once, where the limit was crossed
        if self._nodes > MAX_NODES:
            if self._nodes == MAX_NODES + 1:
                self._too_much(node, path, f"more than {MAX_NODES} values after expanding aliases (an alias bomb?)"
                               if self._aliased else
                               f"more than {MAX_NODES} values; a plan file holds at most {MAX_NODES}")
            return None
        if len(path) > MAX_DEPTH:
            self._error(path, node, f"nested more than {MAX_DEPTH} levels deep", fatal=True)
            return None
        self.source_map.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
            # Reported once here; the collection is still read as plain data, so what is inside is checked
            # and nothing downstream reports the same value again as missing.
            self._error(path, node, f"unsupported YAML tag {node.tag}")
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if id(node) in self._open:
            self._error(path, node, "an alias refers to the value that contains it", fatal=True)
            return None
        self._aliased = self._aliased or id(node) in self._built
        self._built.add(id(node))
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        finally:
            self._open.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._error(path, key_node, "a key must be plain text")
                continue
            if key_node.tag == _MERGE:
                self._error(path, key_node, "merge keys (<<) are not supported: write the fields out")
                continue
            self._record_range(key_node)
            key = str(key_node.value)
            self._count_text(key_node, path, key)
            refusal = unwanted_character(key, "a key")
            if refusal:
                # Report once, at the key; go on with the key as it looks, so the value is still checked.
                key = _UNWANTED.sub("", key).strip()
                self._error((*path, key), key_node, refusal)
            key_path = (*path, key)
            if key in first_seen:
                self._error(key_path, key_node, f"duplicate key '{key}' (first given on line {first_seen[key]})")
                continue
            first_seen[key] = key_node.start_mark.line + 1
            self.source_map.keys[key_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, key_path)
        return result

    def _scalar(self, node: yaml.Node, path: PathKey) -> Any:
        if node.tag not in _PLAIN_TAGS:
            self._error(path, node, f"unsupported YAML tag {node.tag}")
            return None
        self.source_map.spans.setdefault(path, (node.start_mark.index, node.end_mark.index))
        self._record_range(node)
        self._count_text(node, path, str(node.value))
        if node.tag == _TIMESTAMP:
            return node.value  # pydantic parses dates and keeps the time zone
        refusal = _unreadable_scalar(node)
        if refusal:
            self._error(path, node, refusal)
            return None
        try:
            value = self._scalars.construct_object(node)
        except (ValueError, KeyError, TypeError, OverflowError, yaml.YAMLError):
            self._error(path, node, f"cannot read {str(node.value)[:40]!r} as a value of type {node.tag}")
            return None
        if isinstance(value, str):
            refusal = unwanted_character(value)
            if refusal:
                self._error(path, node, refusal)
                return None  # refused once here; later checks (types, image files) must not report it again
        return value

    def _count_text(self, node: yaml.Node, path: PathKey, text: str) -> None:
        self._chars += len(text)
        if self._chars > MAX_TEXT_CHARS:
            self._too_much(node, path, f"more than {MAX_TEXT_CHARS:,} characters of text after expanding aliases "
                           "(an alias bomb?)" if self._aliased else
                           f"more than {MAX_TEXT_CHARS:,} characters of text; a plan file holds at most that")

    def _record_range(self, node: yaml.Node) -> None:
        start, end = node.start_mark, node.end_mark
        self.scalar_ranges.append((start.line, start.column, end.line, end.column))


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_BOOLS = {"yes", "no", "true", "false", "on", "off", "y", "n"}
_INT_TEXT = re.compile(r"[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*|[1-9][0-9_]*(:[0-5]?[0-9])+)")
_FLOAT_TEXT = re.compile(r"[-+]?(\.(inf|Inf|INF)|\.(nan|NaN|NAN)|([0-9][0-9_]*)?\.?[0-9_]*([eE][-+]?[0-9]+)?"
                         r"|[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*)")


def _unreadable_scalar(node: yaml.Node) -> str | None:
    """Why PyYAML could not turn a number or yes/no scalar into a value (it would raise), or None.

    A tag forces the type (`!!int abc`), and a plain scalar of digits is an integer however long.
    """
    text = str(node.value)
    shown = text if len(text) <= 40 else text[:37] + "..."
    if node.tag == _INT:
        if not _INT_TEXT.fullmatch(text.replace(" ", "")) or not any(c.isdigit() for c in text):
            return f"not a whole number: {shown!r}"
        digits = sum(c.isdigit() for c in text)
        if digits > MAX_DIGITS:
            return f"number is {digits:,} digits long; numbers may have at most {MAX_DIGITS} digits"
    elif node.tag == _FLOAT:
        if not _FLOAT_TEXT.fullmatch(text) or not any(c.isdigit() or c.lower() in "in" for c in text):
            return f"not a number: {shown!r}"
        if len(text) > MAX_DIGITS * 2:
            return f"number is {len(text):,} characters long; numbers may have at most {MAX_DIGITS} digits"
    elif node.tag == _BOOL and text.lower() not in _BOOLS:
        return f"not a yes/no value: {shown!r}; write true or false"
    return None
