"""Raw plan data + SourceMap -> Plan, collecting every problem before giving up.

Pydantic finds shape and type problems all at once; this module turns each into
a located, human message and adds the checks a schema cannot express (ids that
refer to each other, media files that must exist inside the plan folder).
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import media, tables
from .editions import LANGUAGE_NAMES
from .errors import ContentError, Location, Problem
from .files import display_path
from .model import Glossary, GlossaryTerm, Plan
from .project import PLAN_FILE
from .source import PathKey, SourceMap, load_yaml

GLOSSARY_FILE = "glossary.yaml"
# Language tags people type as keys, and the key they meant.
_LANGUAGE_KEYS = {"zh-cn": "zh", "zh_cn": "zh", "zh-hans": "zh", "zh_hans": "zh", "cn": "zh", "chinese": "zh",
                  "en-gb": "en", "en_gb": "en", "en-us": "en", "en_us": "en", "english": "en"}


@dataclass
class LoadedPlan:
    """A validated plan with the folder it came from and where each field was written."""

    plan: Plan
    folder: Path
    source_map: SourceMap
    glossary_map: SourceMap | None = None
    warnings: list[Problem] = field(default_factory=list)

    @property
    def plan_file(self) -> Path:
        return self.folder / PLAN_FILE

    def locate(self, path: PathKey) -> Location:
        """Where a field of the plan was written; glossary terms may live in glossary.yaml."""
        if path[:1] == ("glossary",) and self.glossary_map is not None:
            return self.glossary_map.locate(("terms", *path[1:]))
        return self.source_map.locate(path)


def load_plan(plan_file: Path, *, drafting: bool = False) -> LoadedPlan:
    """Read, parse and validate one plan file; raise ContentError with every problem.

    `drafting`: only English editions will be built, so a missing Chinese text is a
    warning (the English stands in for it) instead of an error.
    """
    plan_file = Path(plan_file)
    display = display_path(plan_file)
    loaded = load_yaml(plan_file, display)
    problems = list(loaded.problems)
    plan: Plan | None = None
    warnings: list[Problem] = []
    if not isinstance(loaded.data, dict):
        problems.append(Problem(loaded.source_map.locate(()), "expected a mapping of plan fields at the top level"))
    elif loaded.data.get("schema", 1) == 1:
        # A schema-1 plan would fail on a dozen fields; one message says what to do instead.
        at = ("schema",) if "schema" in loaded.data else ()
        message = f"this plan is in schema 1; run `briefkit migrate {display}` to upgrade it to schema 2"
        raise ContentError([Problem(loaded.source_map.locate(at), message)])
    else:
        data = dict(loaded.data)
        data.pop("$schema", None)  # editors may write the schema link as a key
        if drafting:
            drafted = _fill_chinese(data, ())
            warnings = [Problem(loaded.source_map.locate(path), "missing Simplified Chinese text (drafting: only "
                                "English editions can be built)", severity="warning") for path in drafted]
        problems.extend(_cross_check(data, plan_file.parent, loaded.source_map))
        try:
            plan = Plan.model_validate(data)
        except ValidationError as exc:
            reported = {problem.location.field for problem in problems}
            refused = {problem.location.field for problem in loaded.problems}
            # A value the reader already refused need not be reported again as the wrong type.
            # Nor need the mapping that holds it be reported as incomplete (a contact without its e-mail).
            problems.extend(
                problem
                for problem in schema_problems(exc, loaded.data, loaded.source_map)
                if problem.location.field not in reported
                and not any(field.startswith(f"{problem.location.field}.") for field in refused)
            )
    if plan is not None:
        plan, csv_problems = _with_csv(plan, plan_file.parent, loaded.source_map)
        problems.extend(csv_problems)
    glossary_map = None
    glossary_file = plan_file.parent / GLOSSARY_FILE
    if glossary_file.is_file():
        try:
            terms, glossary_map = _load_glossary(glossary_file)
        except ContentError as error:
            problems.extend(error.problems)
        else:
            if plan is not None and plan.glossary:
                message = f"the glossary is given here and in {GLOSSARY_FILE}; keep one"
                problems.append(Problem(loaded.source_map.locate(("glossary",), at_key=True), message))
            elif plan is not None:
                plan = plan.model_copy(update={"glossary": terms})
    if problems or plan is None:
        problems.sort(key=lambda p: (p.location.file, p.location.line, p.location.column))
        gaps = any(p.message.startswith("missing ") and p.message.endswith(" text") for p in problems)
        summary = translation_summary(loaded.data) if gaps else ""
        raise ContentError(problems, f"{display}: {summary}" if summary else "")
    return LoadedPlan(plan, plan_file.parent, loaded.source_map, glossary_map, warnings)


def _fill_chinese(node: Any, path: PathKey) -> list[PathKey]:
    """Give every English-only text pair its English as Chinese, in place; return where that was done."""
    filled: list[PathKey] = []
    if isinstance(node, dict):
        english = node.get("en")
        if isinstance(english, str) and english.strip() and set(node) <= {"en", "zh", "en_one", "note", "zh-Hant"}:
            chinese = node.get("zh")
            if not (isinstance(chinese, str) and chinese.strip()):
                node["zh"] = english
                filled.append((*path, "zh"))
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                node[key] = value = value if not isinstance(value, dict) else dict(value)
                filled.extend(_fill_chinese(value, (*path, key)))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            filled.extend(_fill_chinese(item, (*path, index)))
    return filled


def _with_csv(plan: Plan, folder: Path, source_map: SourceMap) -> tuple[Plan, list[Problem]]:
    """The plan with its CSV files read in: plan-wide targets and tables of free sections."""
    problems: list[Problem] = []
    update: dict[str, Any] = {}
    if plan.targets_csv:
        display = display_path(folder / plan.targets_csv)
        try:
            targets, found = tables.load_targets(folder, plan.targets_csv, display)
        except tables.CsvError as exc:
            problems.append(Problem(source_map.locate(("targets_csv",)), str(exc)))
        else:
            problems.extend(found)
            update["targets"] = [*plan.targets, *targets]
    sections = []
    for index, section in enumerate(plan.sections):
        blocks = []
        for block_index, block in enumerate(section.blocks):
            if block.table is not None and block.table.csv:
                path = ("sections", index, "blocks", block_index, "table", "csv")
                try:
                    table, messages = tables.load_table(folder, block.table, display_path(folder / block.table.csv))
                except tables.CsvError as exc:
                    problems.append(Problem(source_map.locate(path), str(exc)))
                else:
                    for message in messages:
                        where, _, text = message.partition(": ")
                        file, line, column = where.rsplit(":", 2)
                        problems.append(Problem(Location(file, int(line), int(column), "table"), text))
                    block = block.model_copy(update={"table": table})
            blocks.append(block)
        sections.append(section.model_copy(update={"blocks": blocks}))
    if plan.sections:
        update["sections"] = sections
    return (plan.model_copy(update=update) if update else plan), problems


def translation_summary(data: Any) -> str:
    """How many bilingual texts have each language, read from the raw data (so also when it is invalid)."""
    counts = {"total": 0, "en": 0, "zh": 0}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if ("en" in node or "zh" in node) and set(node) <= {"en", "zh", "zh-Hant", "note"}:
                counts["total"] += 1
                for language in ("en", "zh"):
                    value = node.get(language)
                    counts[language] += isinstance(value, str) and bool(value.strip())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    total = counts["total"]
    return f"en: {counts['en']}/{total} fields, zh: {counts['zh']}/{total} fields"


def _load_glossary(path: Path) -> tuple[list[GlossaryTerm], SourceMap]:
    loaded = load_yaml(path, display_path(path))
    problems = list(loaded.problems)
    if not isinstance(loaded.data, dict):
        raise ContentError([*problems, Problem(loaded.source_map.locate(()), "expected a mapping with 'terms'")])
    try:
        glossary = Glossary.model_validate(loaded.data)
    except ValidationError as exc:
        problems.extend(schema_problems(exc, loaded.data, loaded.source_map, Glossary))
        raise ContentError(problems) from None
    if problems:
        raise ContentError(problems)
    return list(glossary.terms), loaded.source_map


def schema_problems(
    exc: ValidationError, data: Any, source_map: SourceMap, root: type[BaseModel] = Plan
) -> list[Problem]:
    """Pydantic's errors for a file of `root` -> located, human messages with did-you-mean for unknown keys."""
    problems: list[Problem] = []
    errors = exc.errors(include_url=False)
    seen: set[PathKey] = set(_misspelt_fields(errors, data, root))
    for error in errors:
        path = _data_path(error["loc"], data, root)
        if path in seen:
            continue  # a union reports once per member; one message is enough
        seen.add(path)
        kind = error["type"]
        at_key = kind == "extra_forbidden"
        location = source_map.locate(path, at_key=at_key)
        problems.append(Problem(location, _message(kind, error, path, root)))
    return problems


def closest_name(name: str, known: list[str] | tuple[str, ...]) -> str | None:
    """The key `name` was probably meant to be: a language tag's plain form, or a near spelling."""
    meant = _LANGUAGE_KEYS.get(name.lower())
    if meant in known:
        return meant
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    return close[0] if close else None


def _misspelt_fields(errors: list[Any], data: Any, root: type[BaseModel]) -> list[PathKey]:
    """Required fields reported missing because they were misspelt: the unknown key says it all."""
    misspelt = []
    for error in errors:
        if error["type"] != "extra_forbidden":
            continue
        path = _data_path(error["loc"], data, root)
        model = _model_at(path[:-1], root)
        if model is not None:
            close = closest_name(str(path[-1]), _keys(model))
            if close:
                misspelt.append((*path[:-1], close))
    return misspelt


def _data_path(loc: tuple[Any, ...], data: Any, root: type[BaseModel] = Plan) -> PathKey:
    """Drop the union-member tags pydantic adds to a location, keeping real keys."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict):
            if part in node or not path or isinstance(part, str) and _is_field_name(path, part, root):
                path.append(part)
                node = node.get(part) if isinstance(part, str) else None
            continue
        if isinstance(node, list) and isinstance(part, int):
            path.append(part)
            node = node[part] if part < len(node) else None
            continue
        if node is None and isinstance(part, (str, int)) and _is_field_name(path, part, root):
            path.append(part)
    return tuple(path)


def _is_field_name(path: list[str | int], name: Any, root: type[BaseModel]) -> bool:
    model = _model_at(tuple(path), root)
    return model is not None and name in _keys(model)


def _keys(model: type[BaseModel]) -> list[str]:
    """The keys a mapping of this model may have, as written in YAML (aliases included)."""
    return [field.alias or name for name, field in model.model_fields.items()]


def _model_at(path: PathKey, root: type[BaseModel] = Plan) -> type[BaseModel] | None:
    """The model class that describes the mapping at `path`, if any."""
    model: Any = root
    for part in path:
        if isinstance(part, int):
            continue
        if typing.get_origin(model) is dict:  # a name of a dict[str, Model] (documents, labels)
            model = _unwrap(typing.get_args(model)[1])
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        fields = {field.alias or name: field for name, field in model.model_fields.items()}
        if part not in fields:
            return None
        model = _unwrap(fields[part].annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """list[X] -> X, X | None -> X, so a path can walk down through containers."""
    origin = typing.get_origin(annotation)
    if origin in (list, tuple):
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        return _unwrap(models[0] if models else members[0])
    return annotation


def _message(kind: str, error: Any, path: PathKey, root: type[BaseModel] = Plan) -> str:
    last = path[-1] if path else ""
    text_name = LANGUAGE_NAMES.get(str(last))
    given = error.get("input")
    if text_name and kind in ("missing", "string_too_short"):
        return f"missing {text_name} text"
    if kind == "missing":
        return "missing required field"
    if kind == "extra_forbidden":
        model = _model_at(path[:-1], root)
        known = sorted(_keys(model)) if model else []
        close = closest_name(str(last), known)
        if close:
            hint = f"; did you mean '{close}'?"
        elif 0 < len(known) <= 8:
            hint = f"; expected one of: {', '.join(known)}"
        else:
            hint = " (schema/plan.schema.json lists the keys)"
        return f"unknown key '{last}'{hint}"
    if kind == "model_type" or kind == "model_attributes_type":
        model = _model_at(path, root)
        if model is not None and set(model.model_fields) == {"en", "zh"}:
            return f"expected English and Chinese text as {{en: ..., zh: ...}}, got {_describe(given)}"
        return f"expected a mapping of fields, got {_describe(given)}"
    if kind == "string_type":
        return f"expected text, got {_describe(given)}"
    if kind == "list_type":
        return f"expected a list, got {_describe(given)}"
    if kind == "dict_type":
        return f"expected a mapping, got {_describe(given)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_describe(given)}"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"):
        return f"not a valid date: {given!r}; write it as YYYY-MM-DD"
    if kind in ("datetime_from_date_parsing", "datetime_parsing", "datetime_type"):
        return f"not a valid date and time: {given!r}; write it as 2018-05-07T10:00:00+08:00"
    if kind == "timezone_aware":
        return f"needs a time zone: {given!r}; write it as 2018-05-07T10:00:00+08:00"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}; got {given!r}"
    if kind == "string_pattern_mismatch" and "#" in str(error.get("ctx", {}).get("pattern", "")):
        return f"{given!r} is not a colour: write it as #RRGGBB, e.g. #0a5c8a"
    if kind == "string_pattern_mismatch":
        return f"{given!r} is not a valid id: use lowercase letters, digits and hyphens"
    if kind == "too_short":
        return "needs at least one entry"
    message = str(error.get("msg", kind))
    return message[0].lower() + message[1:]


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a yes/no value ({str(value).lower()}); put quotes around text"
    if isinstance(value, (int, float)):
        return f"a number ({value}); put quotes around text"
    if isinstance(value, str):
        return f"text {value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _cross_check(data: dict[str, Any], folder: Path, source_map: SourceMap) -> list[Problem]:
    """Checks between fields (unique ids, references, media inside the plan folder).

    They read the raw data, not the model, so they still run when some other
    field is wrong: the user sees every problem in one run.
    """
    problems: list[Problem] = []

    def problem(path: PathKey, message: str) -> None:
        problems.append(Problem(source_map.locate(path), message))

    def entries(key: str) -> list[tuple[int, dict[str, Any]]]:
        value = data.get(key)
        return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)] if isinstance(value, list) else []

    for collection in ("groups", "actions", "places", "media", "sections"):
        first: dict[str, int] = {}
        for index, item in entries(collection):
            item_id = item.get("id")
            if not isinstance(item_id, str):
                continue
            if item_id in first:
                problem((collection, index, "id"), f"duplicate id '{item_id}' (also {collection}[{first[item_id]}])")
            first.setdefault(item_id, index)

    def refer(path: PathKey, value: Any, known: list[str], what: str) -> None:
        if isinstance(value, str) and value not in known:
            close = difflib.get_close_matches(value, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else (f"; known: {', '.join(known)}" if known else "")
            problem(path, f"no {what} with id '{value}'{hint}")

    def ids(key: str, source: list[tuple[int, dict[str, Any]]] | None = None) -> list[str]:
        return [str(item.get("id")) for _, item in (entries(key) if source is None else source)]

    event = data.get("event")
    speakers = event.get("speakers") if isinstance(event, dict) else None
    speakers = speakers if isinstance(speakers, list) else []
    speaker_entries = [(i, s) for i, s in enumerate(speakers) if isinstance(s, dict)]
    speaker_ids = [i for i in ids("", speaker_entries) if i != "None"]
    group_ids, place_ids, media_ids = ids("groups"), ids("places"), ids("media")
    places_readable = data.get("places") is None or isinstance(data.get("places"), list)
    for index, action in entries("actions"):
        if "group" in action and (data.get("groups") is None or isinstance(data.get("groups"), list)):
            refer(("actions", index, "group"), action.get("group"), group_ids, "group")
        places = action.get("places") if places_readable else None
        for place_index, place in enumerate(places if isinstance(places, list) else []):
            refer(("actions", index, "places", place_index), place, place_ids, "place")
    for index, quote in entries("quotes"):
        refer(("quotes", index, "speaker"), quote.get("speaker"), speaker_ids, "speaker")
    for index, section in entries("sections"):
        blocks = section.get("blocks")
        for block_index, block in enumerate(blocks if isinstance(blocks, list) else []):
            if not isinstance(block, dict):
                continue
            where = ("sections", index, "blocks", block_index)
            if "figure" in block:
                refer((*where, "figure"), block.get("figure"), media_ids, "media entry")
            said = block.get("quote")
            if isinstance(said, dict) and "speaker" in said:
                refer((*where, "quote", "speaker"), said.get("speaker"), speaker_ids, "speaker")
    period = data.get("period")
    if isinstance(period, dict) and all(isinstance(period.get(k), int) for k in ("start", "end")):
        if period["start"] > period["end"]:
            problem(("period", "end"), f"ends ({period['end']}) before it starts ({period['start']})")
    images: list[tuple[PathKey, Any]] = [(("media", i, "path"), item.get("path")) for i, item in entries("media")]
    issuer = data.get("issuer")
    if isinstance(issuer, dict) and issuer.get("logo") is not None:
        images.append((("issuer", "logo"), issuer.get("logo")))
    for index, co_issuer in entries("co_issuers"):
        if co_issuer.get("logo") is not None:
            images.append((("co_issuers", index, "logo"), co_issuer.get("logo")))
    for path, reference in images:
        if isinstance(reference, str) and reference:
            error = media.check_image(folder, reference)
            if error:
                problem(path, error)
    return problems
