"""plan.yaml -> its bilingual texts (every mapping with `en` and `zh` keys), each keyed by its field path.

The walk reads the raw YAML, not the typed model, so it follows whatever shape
the plan has: a mapping whose keys are `en` and `zh` (and optionally `zh-Hant`)
is a text to translate, wherever it sits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ContentError, Location
from ..model import GlossaryTerm, plan_json_schema
from ..source import PathKey, SourceMap, format_path, load_yaml
from ..validate import GLOSSARY_FILE, display_path

LANGUAGE_KEYS = {"en", "zh", "zh-Hant"}
# The plan's own glossary is the term base: translators get its terms as notes, not as units to translate.
SKIPPED_KEYS = {"glossary"}


@dataclass(frozen=True)
class BilingualField:
    """One text: its field path (of the mapping, without `.zh`), the English and the Chinese (None: missing)."""

    path: PathKey
    en: str
    zh: str | None

    @property
    def key(self) -> str:
        return format_path(self.path)

    @property
    def translated(self) -> bool:
        return bool(self.zh and self.zh.strip())


@dataclass
class PlanTexts:
    """A plan file's decoded text, raw data, source map, bilingual fields and glossary."""

    plan_file: Path
    text: str
    bom: bool
    data: Any
    source_map: SourceMap
    fields: list[BilingualField]
    glossary: list[GlossaryTerm] = field(default_factory=list)

    def by_key(self) -> dict[str, BilingualField]:
        return {item.key: item for item in self.fields}

    def locate(self, item: BilingualField) -> Location:
        """Where the Chinese of a field is written (or the field itself, when the Chinese is missing)."""
        return self.source_map.locate((*item.path, "zh"))


def read_plan_texts(plan_file: Path) -> PlanTexts:
    """Read plan.yaml (and glossary.yaml beside it); any reading problem is a ContentError."""
    loaded = load_yaml(plan_file, display_path(plan_file))
    if loaded.problems:
        raise ContentError(loaded.problems)
    raw = plan_file.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw[3 if bom else 0 :].decode("utf-8")
    fields = list(_walk(loaded.data, ()))
    glossary = _terms(loaded.data.get("glossary") if isinstance(loaded.data, dict) else None)
    glossary_file = plan_file.parent / GLOSSARY_FILE
    if glossary_file.is_file():
        terms = load_yaml(glossary_file, display_path(glossary_file))
        if terms.problems:
            raise ContentError(terms.problems)
        glossary += _terms(terms.data.get("terms") if isinstance(terms.data, dict) else None)
    return PlanTexts(plan_file, text, bom, loaded.data, loaded.source_map, fields, glossary)


def is_bilingual(node: Any) -> bool:
    """A mapping of English and Chinese text: `en` given as text, nothing but language keys."""
    return (isinstance(node, dict) and isinstance(node.get("en"), str) and set(node) <= LANGUAGE_KEYS
            and isinstance(node.get("zh"), str | None))


def _walk(node: Any, path: PathKey) -> list[BilingualField]:
    if is_bilingual(node):
        return [BilingualField(path, node["en"], node.get("zh"))]
    found: list[BilingualField] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if not (path == () and key in SKIPPED_KEYS):
                found.extend(_walk(value, (*path, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_walk(value, (*path, index)))
    return found


def _terms(raw: Any) -> list[GlossaryTerm]:
    """Glossary terms as the quality gates read them; a broken term is validate's to report, not ours."""
    terms = []
    for item in raw if isinstance(raw, list) else []:
        try:
            terms.append(GlossaryTerm.model_validate(item))
        except ValidationError:
            continue
    return terms


_SCHEMA: dict[str, Any] = {}


def describe(path: PathKey) -> str:
    """The description the plan schema gives the field at `path`, or '' (read generically from the JSON Schema)."""
    if not _SCHEMA:
        _SCHEMA.update(plan_json_schema())
    definitions = _SCHEMA.get("$defs", {})
    node: Any = _SCHEMA
    description = ""
    for part in path:
        node = _resolve(node, definitions)
        node = node.get("items", {}) if isinstance(part, int) else node.get("properties", {}).get(part, {})
        description = node.get("description", "") if isinstance(node, dict) else ""
    return str(description)


def _resolve(node: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    """Follow $ref and pick the non-null member of anyOf, so the walk can go one level down."""
    for _ in range(20):  # a schema never nests references this deep; the bound guards against a cycle
        if not isinstance(node, dict):
            return {}
        if "$ref" in node:
            node = definitions.get(str(node["$ref"]).rsplit("/", 1)[-1], {})
        elif "anyOf" in node:
            members = [member for member in node["anyOf"] if member.get("type") != "null"]
            node = members[0] if members else {}
        else:
            return node
    return {}
