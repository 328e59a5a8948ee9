"""Units to export -> a gettext PO file (polib); a PO file -> units to import, every problem located.

One entry per bilingual field: msgctxt is the field path, msgid the English,
msgstr the Chinese. Inline Markdown stays Markdown text (PO has no inline
markup); a stale translation is fuzzy with the English it was translated from
as the previous msgid (`#| msgid`), which Poedit and Weblate show as a diff.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib

from .. import __version__
from ..errors import ContentError, Location, Problem
from ..validate import display_path
from .apply import Unit, duplicate, is_simplified_chinese
from .exchange import NEEDS_REVIEW, NEW, Export

LANGUAGE = "zh_CN"
_STRING = r'"(?:[^"\\]|\\.)*"'
_LINE = re.compile(rf"(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{_STRING}\s*")
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\b")


def write(export: Export) -> bytes:
    po = polib.POFile(wrapwidth=0)
    po.header = (f"Chinese translation of {export.texts.plan_file.name}, by field path (msgctxt).\n"
                 "Inline Markdown (**bold**, *italic*, [text](url)) is part of the text: keep the marks and links.")
    po.metadata = {
        "Project-Id-Version": str(export.texts.data.get("id", "plan")) if isinstance(export.texts.data, dict)
        else "plan",
        "Language": LANGUAGE,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": f"briefkit {__version__}",
    }
    for unit in export.units:
        notes = [text for category, text in unit.notes() if category not in ("location", "previous-source")]
        entry = polib.POEntry(
            msgctxt=unit.item.key,
            msgid=unit.item.en,
            msgstr="" if unit.state == NEW else unit.item.zh or "",
            comment="\n".join(notes),
            occurrences=[("plan.yaml", str(unit.line))],
        )
        if unit.state == NEEDS_REVIEW:
            entry.flags.append("fuzzy")
            entry.previous_msgid = unit.previous
        po.append(entry)
    return str(po).encode("utf-8")


def read(path: Path) -> list[Unit]:
    """The entries of a PO file as units; any problem with the file raises ContentError with all of them."""
    where = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ContentError([Problem(Location(where), f"cannot read: {error.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentError([Problem(Location(where, line), "not UTF-8: save the PO file as UTF-8")]) from None
    lines = text.splitlines()
    problems = _check_quoting(lines, where)
    if problems:
        raise ContentError(problems)
    try:
        po = polib.pofile(text, encoding="utf-8")
    except (OSError, ValueError) as error:
        found = re.search(r"\(line (\d+)\)", str(error))
        message = re.sub(r"^Syntax error in po file[^:]*: ", "", str(error))
        raise ContentError([Problem(Location(where, int(found.group(1)) if found else 0), message)]) from None
    language = po.metadata.get("Language", "")
    if language and not is_simplified_chinese(language):
        line = next((n for n, content in enumerate(lines, 1) if content.startswith('"Language:')), 0)
        problems.append(Problem(Location(where, line), f"the target language is {language!r}; expected Simplified "
                                                       f"Chinese ({LANGUAGE}): the plan's Chinese is Simplified"))
    units: list[Unit] = []
    first: dict[str, Location] = {}
    for entry in po:
        if entry.obsolete or (entry.msgid == "" and not entry.msgctxt):
            continue
        location = Location(where, entry.linenum, 0, entry.msgctxt or "")
        if not entry.msgctxt:
            problems.append(Problem(location, "no msgctxt: each entry carries its field path in msgctxt"))
            continue
        if entry.msgid_plural:
            problems.append(Problem(location, "plural forms are not used for plan texts"))
            continue
        repeated = duplicate(entry.msgctxt, location, first)
        if repeated is not None:
            problems.append(repeated)
            continue
        msgstr_line = next((n for n in range(entry.linenum, len(lines) + 1)
                            if lines[n - 1].startswith("msgstr")), entry.linenum)
        units.append(Unit(entry.msgctxt, entry.msgid, entry.msgstr or None, "fuzzy" not in entry.flags, location,
                          Location(where, msgstr_line, 0, entry.msgctxt)))
    if problems:
        raise ContentError(problems)
    return units


def _check_quoting(lines: list[str], where: str) -> list[Problem]:
    """polib reads a string with a missing closing quote as empty: catch every such line first."""
    problems = []
    for number, line in enumerate(lines, 1):
        content = line.strip()
        if not content or content.startswith("#"):
            continue
        if _LINE.fullmatch(content):
            continue
        keyword = _KEYWORD.match(content)
        after = keyword.end() if keyword else 0
        # Point at the string that is broken: the first character after the keyword and its spaces.
        column = len(line) - len(line.lstrip()) + after + len(content[after:]) - len(content[after:].lstrip()) + 1
        if keyword is None and not content.startswith('"'):
            message = f"unexpected text {content[:30]!r}: expected msgctxt, msgid, msgstr or a quoted string"
        else:
            message = "broken quoting: a string must be in double quotes on one line, with inner quotes as \\\""
        problems.append(Problem(Location(where, number, column), message))
    return problems
