"""A schema-1 plan file -> the same file in schema 2, comments and layout kept; what could not be mapped, as notes.

ruamel.yaml's round trip keeps comments, key order and quoting; only the parts
whose shape changed are rewritten: groups become plan-defined, zones become
places, background, meanings and talent become free sections, quotes refer to
a speaker id, key-figure values become numbers or bilingual text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .errors import ContentError, Location, Problem

# The wording schema 1 printed for its fixed groups and sections; migrated plans carry it as their own.
_GROUPS = {
    "key": {"en": "Key actions", "zh": "重点行动"},
    "additional": {"en": "Additional actions", "zh": "配套行动"},
}
_TALENT = {"en": "Talent", "zh": "人才"}


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the author's lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


def _pair(en: str, zh: str) -> CommentedMap:
    pair = CommentedMap(en=en, zh=zh)
    pair.fa.set_flow_style()
    return pair


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "item"


def migrate_file(path: Path, display: str) -> list[str]:
    """Rewrite `path` in schema 2; return notes on what needs a person's eye. ContentError if it cannot."""
    yaml = _yaml()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        raise ContentError([Problem(Location(display, 1, 1), f"cannot read the plan: {exc}")]) from None
    if not isinstance(data, CommentedMap):
        raise ContentError([Problem(Location(display, 1, 1), "expected a mapping of plan fields at the top level")])
    if data.get("schema", 1) != 1:
        raise ContentError([Problem(Location(display, 1, 1), f"already in schema {data.get('schema')}")])
    notes: list[str] = []
    data.insert(0, "schema", 2)
    _speakers(data, notes)
    _groups(data)
    _places(data)
    _sections(data, notes)
    _key_figures(data, notes)
    with path.open("w", encoding="utf-8") as stream:
        yaml.dump(data, stream)
    return notes


def _rename(data: CommentedMap, old: str, new: str, value: Any) -> None:
    position = list(data).index(old)
    data.pop(old)
    data.insert(position, new, value)


def _speakers(data: CommentedMap, notes: list[str]) -> None:
    event = data.get("event")
    speakers = event.get("speakers", []) if isinstance(event, dict) else []
    by_name: dict[str, str] = {}
    for speaker in speakers:
        if isinstance(speaker, CommentedMap) and "id" not in speaker:
            name = speaker.get("name", {}).get("en", "speaker") if isinstance(speaker.get("name"), dict) else "speaker"
            speaker.insert(0, "id", slug(str(name)))
            by_name[str(name)] = speaker["id"]
    for index, quote in enumerate(data.get("quotes") or []):
        who = quote.get("speaker") if isinstance(quote, dict) else None
        if isinstance(who, dict):
            name = str(who.get("name", {}).get("en", "")) if isinstance(who.get("name"), dict) else ""
            if name not in by_name:
                if not isinstance(event, dict):
                    notes.append(f"quotes[{index}].speaker: '{name}' is no speaker and the plan has no event; "
                                 "add the event and the speaker")
                    continue
                entry = CommentedMap(id=slug(name), **who)
                event.setdefault("speakers", CommentedSeq()).append(entry)
                by_name[name] = entry["id"]
                notes.append(f"quotes[{index}].speaker: '{name}' was not an event speaker; added to event.speakers")
            quote["speaker"] = by_name[name]


def _groups(data: CommentedMap) -> None:
    actions = data.get("actions") or []
    used = [action.get("group") for action in actions if isinstance(action, dict)]
    groups = CommentedSeq()
    for key, title in _GROUPS.items():
        if key in used:
            groups.append(CommentedMap(id=key, title=_pair(**title)))
    if groups and "groups" not in data:
        data.insert(list(data).index("actions"), "groups", groups)


def _places(data: CommentedMap) -> None:
    if "zones" not in data:
        return
    zones = data["zones"]
    for zone in zones or []:
        if isinstance(zone, CommentedMap) and "target" in zone:
            target = zone.pop("target")
            zone["targets"] = CommentedSeq([target])
    _rename(data, "zones", "places", zones)
    data.setdefault("labels", CommentedMap())
    # Schema 1 headed every plan's places "Flagship manufacturing zones"; the plan keeps that heading as its own.
    data["labels"]["places"] = _pair("Flagship manufacturing zones", "标志性制造业园区")


def _sections(data: CommentedMap, notes: list[str]) -> None:
    sections = CommentedSeq()
    for section in data.get("background") or []:
        heading = section.get("heading", {})
        blocks = CommentedSeq(CommentedMap(paragraph=p) for p in section.get("paragraphs") or [])
        if section.get("items"):
            blocks.append(CommentedMap(list=CommentedMap(items=section["items"])))
        sections.append(CommentedMap(id=slug(str(heading.get("en", "background"))), title=heading, blocks=blocks))
    meanings = data.get("meanings") or []
    if meanings:
        brand = data.get("brand") or data.get("headline") or {"en": "", "zh": ""}
        items = CommentedSeq(_pair(f"**{m['title']['en']}**: {m['description']['en']}",
                                   f"**{m['title']['zh']}**：{m['description']['zh']}") for m in meanings)
        title = _pair(f"What {brand['en']} means", f"“{brand['zh']}”的内涵")
        sections.append(CommentedMap(id="meanings", title=title, blocks=CommentedSeq([CommentedMap(
            list=CommentedMap(items=items))])))
    talent = data.get("talent")
    if isinstance(talent, dict):
        blocks = CommentedSeq([CommentedMap(paragraph=talent["summary"])])
        blocks.append(CommentedMap(list=CommentedMap(items=talent.get("fields"))))
        if talent.get("support"):
            blocks.append(CommentedMap(list=CommentedMap(items=talent["support"])))
        sections.append(CommentedMap(id="talent", title=_pair(**_TALENT), blocks=blocks))
        notes.append("talent: became the free section 'talent'; its sub-headings (fields in demand, support) "
                     "are not kept: add a paragraph or call-out if the lists need one")
    for old in ("background", "meanings", "talent"):
        if old in data:
            if sections:
                _rename(data, old, "sections", sections)
                sections = CommentedSeq()
            else:
                data.pop(old)
    if "sections" in data and data.get("meanings") is None and "meanings" in data:
        data.pop("meanings")


def _key_figures(data: CommentedMap, notes: list[str]) -> None:
    for index, figure in enumerate(data.get("key_figures") or []):
        value = figure.get("value") if isinstance(figure, dict) else None
        if isinstance(value, str) and re.fullmatch(r"(19|20|21)[0-9]{2}", value):
            figure["value"] = _pair(value, value)  # a year: never printed with a thousands separator
        elif isinstance(value, str):
            try:
                figure["value"] = int(value)
            except ValueError:
                try:
                    figure["value"] = float(value)
                except ValueError:
                    figure["value"] = _pair(value, value)
                    notes.append(f"key_figures[{index}].value: {value!r} is not a number; written in both "
                                 "languages as it was: check the Chinese")
