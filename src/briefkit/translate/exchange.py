"""A plan file -> the units to export (state, notes, previous English); an exchange file -> its units.

The formats themselves are in xliff.py and po.py; this module decides what a
unit says, so both formats say the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError, Location, Problem, UsageError
from ..model import GlossaryTerm
from ..source import format_path
from ..validate import display_path
from .apply import ImportReport, import_units
from .fields import BilingualField, PlanTexts, describe, read_plan_texts
from .gates import terms_used
from .stale import read_record, stale_fields

FORMATS = {"xliff": ".xlf", "po": ".po"}
NEW, TRANSLATED, NEEDS_REVIEW = "new", "translated", "needs-review"


@dataclass(frozen=True)
class OutgoingUnit:
    item: BilingualField
    state: str  # new, translated or needs-review
    description: str  # what the plan schema says the field is
    terms: list[GlossaryTerm]  # glossary terms its English uses, with their required Chinese
    previous: str | None  # for needs-review: the English the Chinese was translated from
    line: int  # where the Chinese (or the field) is in plan.yaml

    @property
    def reference(self) -> str:
        return f"plan.yaml:{self.line}"

    def notes(self) -> list[tuple[str, str]]:
        """(category, text) notes for translators, in the order they are shown."""
        notes = [("location", f"{self.item.key} ({self.reference})")]
        if self.description:
            notes.append(("description", self.description))
        notes.extend(("glossary", f"glossary: {term.en} = {term.zh}") for term in self.terms)
        if self.previous is not None:
            notes.append(("previous-source", f"The English changed; the Chinese was translated from: "
                                             f"{self.previous}"))
        return notes


@dataclass
class Export:
    texts: PlanTexts
    units: list[OutgoingUnit]
    tracked: bool  # the plan has a translation record (else nothing can be known stale)

    def count(self, state: str) -> int:
        return sum(unit.state == state for unit in self.units)


def outgoing(plan_file: Path) -> Export:
    """Every bilingual field of the plan as a unit to export."""
    texts = read_plan_texts(plan_file)
    records = read_record(plan_file)
    stale = stale_fields(texts, records)
    units = []
    for item in texts.fields:
        previous = stale.get(item.key)
        state = NEW if not item.translated else NEEDS_REVIEW if previous is not None else TRANSLATED
        units.append(OutgoingUnit(item, state, describe(item.path), terms_used(item.en, texts.glossary, item.path),
                                  previous.en if previous is not None else None, texts.locate(item).line))
    return Export(texts, units, records is not None)


def export_plan(plan_file: Path, fmt: str) -> tuple[bytes, Export]:
    """The exchange file's bytes for the plan, in `fmt` (xliff or po)."""
    from . import po, xliff

    export = outgoing(plan_file)
    data = xliff.write(export) if fmt == "xliff" else po.write(export)
    return data, export


def import_file(plan_file: Path, exchange_file: Path) -> ImportReport:
    """Read an XLIFF or PO file and write its confirmed translations into the plan."""
    from . import po, xliff

    fmt = detect_format(exchange_file)
    units = xliff.read(exchange_file, plan_file) if fmt == "xliff" else po.read(exchange_file)
    return import_units(plan_file, units)


def detect_format(path: Path) -> str:
    """xliff or po, by the file's extension, else by its first characters."""
    suffix = path.suffix.lower()
    if suffix in (".xlf", ".xliff", ".xml"):
        return "xliff"
    if suffix in (".po", ".pot"):
        return "po"
    try:
        head = path.read_bytes()[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as error:
        raise UsageError(f"{display_path(path)}: cannot read: {error.strerror}") from None
    if head.startswith(b"<"):
        return "xliff"
    if head.startswith((b"#", b"msg")):
        return "po"
    where = Location(display_path(path), 1, 1)
    raise ContentError([Problem(where, "not an XLIFF or PO file (name it .xlf or .po)")])


def unit_id(item: BilingualField) -> str:
    """An XML-safe id for a field path: actions[2].summary -> actions.2.summary."""
    parts = []
    for part in item.path:
        text = str(part)
        parts.append("".join(char if char.isalnum() and char.isascii() or char in "_-" else f"_{ord(char):x}_"
                             for char in text))
    return ".".join(parts) or "_"


def key_from_id(text: str) -> str:
    """The field path an XLIFF id stands for, when the plan no longer has it: actions.2.title -> actions[2].title."""
    parts: list[str | int] = []
    for part in text.split("."):
        part = re.sub(r"_([0-9a-f]+)_", lambda m: chr(int(m.group(1), 16)), part)
        parts.append(int(part) if part.isdigit() else part)
    return format_path(tuple(parts))
