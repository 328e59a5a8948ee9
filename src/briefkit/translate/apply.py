"""Units read from an XLIFF or PO file -> plan.yaml and its translation record updated, all or nothing.

A unit is applied when it has a target and the translator confirmed it (XLIFF
state translated, reviewed or final; PO not fuzzy). A unit whose field no
longer exists, or whose English no longer matches the plan, is reported and
skipped. Every changed Chinese text must pass the bilingual gates; one failure
and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ContentError, Location, Problem
from ..files import write_atomic
from .fields import read_plan_texts
from .gates import check_target
from .stale import read_record, record_for, write_record
from .yamledit import rewrite

SIMPLIFIED = ("zh", "zh-cn", "zh-hans", "zh-sg", "zh-my")


@dataclass(frozen=True)
class Unit:
    """One translation unit as an exchange file gives it, with where it is written there."""

    key: str  # the field path, e.g. actions[2].summary
    source: str  # the English, as Markdown
    target: str | None  # the Chinese, as Markdown; None when the unit has none
    confirmed: bool  # the translator marked it done (not initial / fuzzy)
    location: Location  # of the unit
    target_location: Location  # of its target (the unit's when it has none)


@dataclass
class ImportReport:
    applied: int = 0  # translations recorded as current
    changed: int = 0  # Chinese texts rewritten in plan.yaml
    untranslated: int = 0  # units with no target yet
    skipped: list[Problem] = field(default_factory=list)  # located warnings: units not applied, and why


def is_simplified_chinese(tag: str) -> bool:
    """zh, zh-CN, zh_Hans, zh-Hans-CN... (BCP 47 or gettext spelling)."""
    tag = tag.strip().replace("_", "-").lower()
    return tag == "zh" or any(tag.startswith(prefix) for prefix in SIMPLIFIED[1:])


def import_units(plan_file: Path, units: list[Unit]) -> ImportReport:
    """Write the confirmed targets into plan_file and its record; raise ContentError (nothing written) on errors."""
    texts = read_plan_texts(plan_file)
    records = read_record(plan_file) or {}
    fields = texts.by_key()
    report = ImportReport()
    errors: list[Problem] = []
    changes = {}
    accepted = {}

    def skip(unit: Unit, message: str) -> None:
        report.skipped.append(Problem(unit.location, f"not applied: {message}", severity="warning"))

    for unit in units:
        item = fields.get(unit.key)
        if item is None:
            skip(unit, f"{texts.source_map.file} has no bilingual field {unit.key} any more")
            continue
        if unit.source != item.en:
            skip(unit, f"its English no longer matches {texts.source_map.file} (changed since the export; "
                       "export again)")
            continue
        if unit.target is None or not unit.target.strip():
            report.untranslated += 1
            continue
        if not unit.confirmed:
            if unit.target != item.zh:
                skip(unit, "the translation is not confirmed yet (state initial, or fuzzy)")
            continue
        if unit.target != item.zh:
            problems = check_target(item.en, unit.target, item.path, texts.glossary, unit.target_location)
            errors.extend(problems)
            if problems:
                continue
            changes[item.path] = unit.target
        accepted[item.key] = record_for(item, unit.target)
    if errors:
        raise ContentError(errors)
    new_text = rewrite(texts, changes) if changes else texts.text
    if new_text != texts.text:
        write_atomic(plan_file, (b"\xef\xbb\xbf" if texts.bom else b"") + new_text.encode("utf-8"))
    if accepted:
        write_record(read_plan_texts(plan_file), {**records, **accepted})
    report.applied, report.changed = len(accepted), len(changes)
    return report


def duplicate(key: str, location: Location, first: dict[str, Location]) -> Problem | None:
    """A problem when a unit's field path was already given earlier in the same file."""
    if key in first:
        return Problem(location, f"duplicate unit for {key} (first on line {first[key].line})")
    first[key] = location
    return None
