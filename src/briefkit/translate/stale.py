"""plan.yaml + its translation record (plan.translations.json) -> which Chinese texts are stale.

The record keeps, per field path, the English each Chinese text was translated
from (its text and a fingerprint) and a fingerprint of that Chinese. It is
written by `translate import` and `validate --accept-translations`, never by
hand. The rules:

- no record file yet: nothing is known, so nothing is stale (accept once to start tracking);
- a field is current when the record holds its English with its Chinese, at any path
  (so reordering a list does not make anything stale), or its English at its own path
  (the Chinese was revised later, still from the same English);
- it is stale when it is not current and the record knows what it was translated from:
  the entry holding its Chinese (also when the field moved), or else the entry at its path;
- otherwise (a field added with both languages) it is untracked, not stale.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError, Location, Problem
from ..files import write_atomic
from ..validate import display_path
from .fields import BilingualField, PlanTexts, read_plan_texts

RECORD_SUFFIX = ".translations.json"
_ABOUT = ("briefkit translation record: for each field path, the English its Chinese was translated from. "
          "Written by `briefkit translate import` and `briefkit validate --accept-translations`; do not edit.")


@dataclass(frozen=True)
class Record:
    en: str  # the English the Chinese was translated from, kept to show translators what changed
    source: str  # fingerprint of that English
    target: str  # fingerprint of the Chinese accepted as its translation


def fingerprint(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def record_for(item: BilingualField, chinese: str | None = None) -> Record:
    return Record(item.en, fingerprint(item.en), fingerprint(chinese if chinese is not None else item.zh or ""))


def record_path(plan_file: Path) -> Path:
    """plan.yaml -> plan.translations.json beside it."""
    return plan_file.with_name(plan_file.stem + RECORD_SUFFIX)


def read_record(plan_file: Path) -> dict[str, Record] | None:
    """The record beside plan_file, or None when there is none yet; a damaged one is a ContentError."""
    path = record_path(plan_file)
    if not path.is_file():
        return None
    where = display_path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, OSError) as error:
        raise ContentError([Problem(Location(where), f"cannot read the translation record: {error}")]) from None
    except json.JSONDecodeError as error:
        message = f"the translation record is not valid JSON: {error.msg}; delete it and run " \
                  "`briefkit validate --accept-translations`"
        raise ContentError([Problem(Location(where, error.lineno, error.colno), message)]) from None
    fields = data.get("fields") if isinstance(data, dict) else None
    if not isinstance(fields, dict):
        raise ContentError([Problem(Location(where), "expected a 'fields' mapping; delete the file and run "
                                                     "`briefkit validate --accept-translations`")])
    records: dict[str, Record] = {}
    for key, entry in fields.items():
        names = ("en", "source", "target")
        if not (isinstance(entry, dict) and all(isinstance(entry.get(name), str) for name in names)):
            message = "expected en, source and target text; delete the file and run " \
                      "`briefkit validate --accept-translations`"
            raise ContentError([Problem(Location(where, 0, 0, f"fields.{key}"), message)])
        records[key] = Record(entry["en"], entry["source"], entry["target"])
    return records


def write_record(texts: PlanTexts, records: dict[str, Record]) -> None:
    """Write the record in plan order; entries for fields that no longer exist are dropped."""
    ordered = {item.key: records[item.key] for item in texts.fields if item.key in records}
    data = {"about": _ABOUT,
            "fields": {key: {"en": r.en, "source": r.source, "target": r.target} for key, r in ordered.items()}}
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_atomic(record_path(texts.plan_file), text.encode("utf-8"))


def stale_fields(texts: PlanTexts, records: dict[str, Record] | None) -> dict[str, Record]:
    """Field key -> the record it was translated from, for every stale field (see the module's rules)."""
    if records is None:
        return {}
    pairs = {(r.source, r.target) for r in records.values()}
    by_target = {r.target: r for r in records.values()}
    stale: dict[str, Record] = {}
    for item in texts.fields:
        if not item.translated:
            continue
        source, target = fingerprint(item.en), fingerprint(item.zh or "")
        own = records.get(item.key)
        if (source, target) in pairs or (own is not None and own.source == source):
            continue
        # What this Chinese was translated from: its own entry if it holds this Chinese, else the entry that does
        # (the field moved), else its own entry (both languages changed).
        previous = own if own is not None and own.target == target else by_target.get(target) or own
        if previous is not None:
            stale[item.key] = previous
    return stale


def accept_translations(plan_file: Path) -> int:
    """Record every Chinese text of the plan as translated from its current English; return how many."""
    texts = read_plan_texts(plan_file)
    records = {item.key: record_for(item) for item in texts.fields if item.translated}
    write_record(texts, records)
    return len(records)


def stale_findings(plan_file: Path) -> list[Problem]:
    """A located warning for each stale Chinese text (none when the plan has no record yet)."""
    texts = read_plan_texts(plan_file)
    stale = stale_fields(texts, read_record(plan_file))
    findings = []
    for item in texts.fields:
        previous = stale.get(item.key)
        if previous is not None:
            was = previous.en if len(previous.en) <= 70 else previous.en[:69] + "…"
            message = (f"stale translation: the English changed since the Chinese was translated (it was "
                       f"\"{was}\"); import a new translation, or run `briefkit validate --accept-translations`")
            findings.append(Problem(texts.locate(item), message, severity="warning"))
    return findings
