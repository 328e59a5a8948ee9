"""The typed plan: pydantic models a validated plan file becomes.

Every human-readable text is a `Bilingual` pair. Fields that are one-language
on purpose (URLs, e-mail addresses, phone numbers, file paths, ids) are plain
`str` and say so in their description, so completeness checks never ask for a
Chinese e-mail address.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Iterator
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.units import UnknownUnitError, get_unit_name
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError


def _not_blank(value: str) -> str:
    """Text that is only spaces (an ideographic space, say) is a missing translation, not a present one."""
    if not value.strip():
        raise PydanticCustomError("string_too_short", "text is blank")
    return value


def _month(value: str) -> str:
    if not re.fullmatch(r"[0-9]{4}(-(0[1-9]|1[0-2]))?", value):
        message = "not a valid month: {value}; write it as YYYY or YYYY-MM"
        raise PydanticCustomError("month", message, {"value": repr(value)})
    return value


def _year_as_text(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


NonEmpty = Annotated[str, StringConstraints(min_length=1), AfterValidator(_not_blank)]
Month = Annotated[str, BeforeValidator(_year_as_text), AfterValidator(_month)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")


class _Strict(BaseModel):
    """Unknown keys are content errors, never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Strict):
    """One text in English and Simplified Chinese; a small Markdown subset is allowed."""

    en: NonEmpty = Field(description="English text")
    zh: NonEmpty = Field(description="Simplified Chinese text")

    def __getitem__(self, language: str) -> str:
        if language not in type(self).model_fields:
            raise KeyError(language)  # so that templates may test `value.metric is defined`
        return str(getattr(self, language))


SCHEMA_VERSION = 2
HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"
# Running headers hold the document name and this title on one line in every edition.
SHORT_TITLE_LIMITS = {"en": 48, "zh": 24}
TARGET_KINDS = ("reach", "at-least", "at-most", "below", "reduce-by", "increase-by", "from-to")


def _embargo(value: object) -> object:
    """YAML gives an offset timestamp as text already; a datetime (from Python callers) becomes text."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _embargo_text(value: str) -> str:
    parse_embargo(value)
    return value


def parse_embargo(value: str) -> tuple[dt.datetime, str | None]:
    """'2026-03-02T10:00 Asia/Shanghai' or '2026-03-02T10:00:00+08:00' -> (aware datetime, zone name or None)."""
    text = value.strip()
    named = re.fullmatch(r"(.+?)\s+([A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+|UTC)", text)
    when, zone = (named.group(1), named.group(2)) if named else (text, "")
    hint = "write it as 2026-03-02T10:00 Asia/Shanghai (a time and an IANA time-zone name) or with an offset, +08:00"
    try:
        moment = dt.datetime.fromisoformat(when)
    except ValueError:
        message = "not a valid date and time: {value}; " + hint
        raise PydanticCustomError("embargo", message, {"value": repr(value)}) from None
    if zone:
        try:
            tz = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise PydanticCustomError(
                "embargo", "unknown time zone {zone}; use an IANA name such as Asia/Shanghai or Europe/London",
                {"zone": repr(zone)}) from None
        if moment.tzinfo is not None:
            raise PydanticCustomError("embargo", "give an offset or a time-zone name, not both: {value}",
                                      {"value": repr(value)})
        return moment.replace(tzinfo=tz), zone
    if moment.tzinfo is None:
        raise PydanticCustomError("embargo", "needs a time zone: {value}; " + hint, {"value": repr(value)})
    return moment, None


def _currency_or_unit(value: str) -> str:
    if value == "percent" or re.fullmatch(r"[A-Z]{3}", value):
        if value != "percent" and value not in _currencies():
            raise PydanticCustomError("unit", "unknown currency code {value}", {"value": repr(value)})
        return value
    try:
        get_unit_name(value, locale="en")
    except (UnknownUnitError, ValueError):
        raise PydanticCustomError(
            "unit", "unknown unit {value}; use percent, a currency code (CNY, USD), a CLDR unit such as "
            "length-kilometer, or {en: ..., zh: ...}", {"value": repr(value)}) from None
    if get_unit_name(value, locale="en") is None:
        raise PydanticCustomError("unit", "unknown unit {value}", {"value": repr(value)})
    return value


def _currencies() -> set[str]:
    from babel.core import get_global

    return set(get_global("all_currencies"))


def _short_title(value: Bilingual) -> Bilingual:
    for language, limit in SHORT_TITLE_LIMITS.items():
        if len(value[language]) > limit:
            raise PydanticCustomError(
                "short_title", "a running-header title holds at most {limit} characters in {language}; "
                "this one has {length}", {"limit": limit, "language": language, "length": len(value[language])})
    return value


UnitCode = Annotated[str, AfterValidator(_currency_or_unit)]


class Unit(_Strict):
    """A unit CLDR does not name: English plural (and singular) and Chinese measure word."""

    en: NonEmpty = Field(description="English, plural: companies")
    zh: NonEmpty = Field(description="Chinese measure word or unit: 家")
    en_one: NonEmpty | None = Field(None, description="English singular, when it is not the plural: company")

    def __getitem__(self, language: str) -> str:
        if language not in type(self).model_fields:
            raise KeyError(language)  # so that templates may test `value.metric is defined`
        return str(getattr(self, language))


class Organisation(_Strict):
    name: Bilingual
    short_name: Bilingual | None = None
    logo: str | None = Field(None, description="Image path relative to the plan folder")
    logo_placeholder: bool = Field(False, description="True when the logo stands in for the real emblem")
    url: str | None = Field(None, description="Web address (one-language by nature)")
    about: Bilingual | None = Field(None, description="The 'About the issuer' boilerplate of press releases")


class Speaker(_Strict):
    id: Slug | None = Field(None, description="Quotes refer to the speaker by this id")
    name: Bilingual
    title: Bilingual


class Event(_Strict):
    kind: Bilingual = Field(description="What the event was, e.g. press conference")
    date: dt.date
    place: Bilingual
    speakers: list[Speaker] = Field(default_factory=list)
    illustrative: bool = Field(
        False, description="True when date or place are stand-ins the source does not give"
    )


class Period(_Strict):
    start: int = Field(ge=1900, le=2200)
    end: int = Field(ge=1900, le=2200)


class Baseline(_Strict):
    value: float | int
    year: int = Field(ge=1900, le=2200)


class Target(_Strict):
    """A target as data: both languages' sentences and table cells are generated from it."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    metric: Bilingual = Field(description="What is measured, as a noun phrase: Share of vans that are electric")
    kind: Literal["reach", "at-least", "at-most", "below", "reduce-by", "increase-by", "from-to"] = "reach"
    value: float | int | None = Field(None, description="The target value; none for a target without a number")
    start: float | int | None = Field(None, alias="from", description="For kind from-to: the value it starts from")
    unit: UnitCode | Unit | None = Field(None, description="percent, a currency code, a CLDR unit or {en, zh}")
    baseline: Baseline | None = None
    deadline: int | None = Field(None, ge=1900, le=2200, description="Year by which the target is to be met")
    illustrative: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        if self.kind == "from-to" and self.start is None:
            raise PydanticCustomError("target", "a from-to target needs 'from' (the value it starts from)")
        if self.kind != "from-to" and self.start is not None:
            raise PydanticCustomError("target", "'from' is only for kind from-to")
        if self.kind != "reach" and self.value is None:
            raise PydanticCustomError("target", "a target of kind {kind} needs a value", {"kind": self.kind})
        return self


class Group(_Strict):
    id: Slug
    title: Bilingual
    intro: Bilingual | None = None


class Action(_Strict):
    id: Slug
    group: Slug | None = Field(None, description="Id of one of the plan's groups")
    title: Bilingual
    summary: Bilingual | None = None
    measures: list[Bilingual] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    places: list[Slug] = Field(default_factory=list, description="Ids of places the action names")
    responsible: list[Bilingual] = Field(default_factory=list, description="Bodies responsible for the action")
    start: Month | None = Field(None, description="Year or year-month the action starts")
    end: Month | None = Field(None, description="Year or year-month the action is to be completed")

    @property
    def key_point(self) -> Target | Bilingual | None:
        """What a short document shows beside the title: the first target, else the first measure."""
        if self.targets:
            return self.targets[0]
        return self.measures[0] if self.measures else None


class Place(_Strict):
    id: Slug
    name: Bilingual
    description: Bilingual | None = None
    targets: list[Target] = Field(default_factory=list)


class Quote(_Strict):
    text: Bilingual
    speaker: Slug = Field(description="Id of one of the event's speakers")
    verbatim: bool = Field(
        False, description="False when the source reports the words rather than quoting them"
    )


class KeyFigure(_Strict):
    """A number with a unit, formatted per language, or a value written out in both languages."""

    value: float | int | Bilingual = Field(description="A number (10, 2.5e9) or {en: ¥2.5bn, zh: 25亿元}")
    unit: UnitCode | Unit | None = None
    compact: bool = Field(False, description="Write large numbers short: 2.5 billion / 25亿")
    label: Bilingual


class Milestone(_Strict):
    when: Month = Field(description="Year or year-month, e.g. 2018-04")
    text: Bilingual
    illustrative: bool = False


class Funding(_Strict):
    amount: float | int
    currency: UnitCode = "CNY"
    purpose: Bilingual
    source: Bilingual | None = None
    illustrative: bool = False


class Media(_Strict):
    id: Slug
    path: NonEmpty = Field(description="Image path relative to the plan folder")
    caption: Bilingual
    credit: Bilingual
    alt: Bilingual
    placeholder: bool = Field(False, description="True when the image stands in for a real photo")


class ListBlock(_Strict):
    items: list[Bilingual] = Field(min_length=1)
    ordered: bool = False


class QuoteBlock(_Strict):
    text: Bilingual
    speaker: Slug | None = Field(None, description="Id of one of the event's speakers")
    source: Bilingual | None = Field(None, description="Who said or wrote it, when not a speaker")
    verbatim: bool = True


Cell = Bilingual | float | int | str


class TableBlock(_Strict):
    columns: list[Bilingual] = Field(default_factory=list, description="Column headings; from the CSV when omitted")
    rows: list[list[Cell]] = Field(default_factory=list, description="Cells: {en, zh}, or a number or code")
    csv: str | None = Field(None, description="A CSV file beside the plan; a cell 'English|中文' is bilingual")
    caption: Bilingual | None = None
    source: Bilingual | None = Field(None, description="Where the figures come from")


class Callout(_Strict):
    title: Bilingual | None = None
    text: Bilingual


class Block(_Strict):
    """One block of a free section: exactly one of its keys."""

    paragraph: Bilingual | None = None
    list: ListBlock | None = None
    quote: QuoteBlock | None = None
    table: TableBlock | None = None
    key_figures: typing.List[KeyFigure] | None = None  # noqa: UP006 (the field 'list' shadows the builtin)
    figure: Slug | None = Field(None, description="Id of a media entry")
    callout: Callout | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Block:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "block", "a block has exactly one of paragraph, list, quote, table, key_figures, figure, callout; "
                "got {given}", {"given": ", ".join(given) or "none"})
        return self

    @property
    def kind(self) -> str:
        return next(name for name in type(self).model_fields if getattr(self, name) is not None)


class FreeSection(_Strict):
    id: Slug
    title: Bilingual
    blocks: list[Block] = Field(min_length=1)


class Release(_Strict):
    """Press-release conventions: the dateline's place and the notes to editors."""

    dateline: Bilingual | None = Field(None, description="Place of the dateline, e.g. {en: SHANGHAI, zh: 上海}")
    notes_to_editors: list[Bilingual] = Field(default_factory=list)


class Contact(_Strict):
    name: Bilingual | None = None
    role: Bilingual | None = None
    organisation: Bilingual | None = None
    email: str | None = Field(None, description="E-mail address (one-language by nature)")
    phone: str | None = Field(None, description="Telephone number (one-language by nature)")
    url: str | None = Field(None, description="Web address (one-language by nature)")
    illustrative: bool = False

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not (self.email or self.phone or self.url):
            raise PydanticCustomError("contact", "give at least one way to reach this contact: email, phone or url")
        return self


class ThemeOverride(_Strict):
    accent: Annotated[str, StringConstraints(pattern=HEX_COLOUR)] | None = Field(
        None, description="Accent colour as #RRGGBB")


class GlossaryTerm(_Strict):
    """One term and its single Chinese rendering; `zh-Hant` overrides the machine conversion."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    en: NonEmpty
    zh: NonEmpty
    zh_hant: NonEmpty | None = Field(None, alias="zh-Hant", description="Traditional Chinese rendering")
    note: Bilingual | None = None


class Glossary(_Strict):
    """glossary.yaml beside plan.yaml."""

    terms: list[GlossaryTerm] = Field(min_length=1)


class Plan(_Strict):
    schema_version: Literal[2] = Field(alias="schema", description="The plan format; 2 (briefkit migrate upgrades 1)")
    id: Slug
    version: NonEmpty
    status: Literal["draft", "final"]
    date: dt.date = Field(description="Date the documents carry")
    date_illustrative: bool = Field(False, description="True when the source gives no exact date")
    embargo: Annotated[str, BeforeValidator(_embargo), AfterValidator(_embargo_text)] | None = Field(
        None, description="Embargo end: 2026-03-02T10:00 Asia/Shanghai, or with an offset, +08:00")
    issuer: Organisation
    co_issuers: list[Organisation] = Field(default_factory=list)
    event: Event | None = None
    brand: Bilingual | None = Field(None, description="The name the plan promotes, if any")
    headline: Bilingual
    short_title: Annotated[Bilingual, AfterValidator(_short_title)] | None = Field(
        None, description="For running headers (at most 48 / 24 characters); default: brand, else the headline")
    subtitle: Bilingual | None = None
    summary: Bilingual
    period: Period | None = None
    groups: list[Group] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list, description="Plan-wide targets")
    targets_csv: str | None = Field(None, description="Plan-wide targets from a CSV file beside the plan")
    places: list[Place] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    key_figures: list[KeyFigure] = Field(default_factory=list)
    timeline: list[Milestone] = Field(default_factory=list)
    funding: list[Funding] = Field(default_factory=list)
    sections: list[FreeSection] = Field(default_factory=list)
    media: list[Media] = Field(default_factory=list)
    release: Release = Field(default_factory=lambda: Release(dateline=None))
    contacts: list[Contact] = Field(default_factory=list)
    labels: dict[str, Bilingual] = Field(default_factory=dict, description="Wording of templates/labels.yaml to change")
    theme: ThemeOverride = Field(default_factory=lambda: ThemeOverride(accent=None))
    glossary: list[GlossaryTerm] = Field(
        default_factory=list, description="Usually kept in glossary.yaml beside the plan instead"
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @property
    def issuers(self) -> list[Organisation]:
        return [self.issuer, *self.co_issuers]

    @property
    def speakers(self) -> list[Speaker]:
        return list(self.event.speakers) if self.event else []

    def speaker(self, speaker_id: str) -> Speaker:
        return next(speaker for speaker in self.speakers if speaker.id == speaker_id)

    def actions_in(self, group: str | None) -> list[Action]:
        return [action for action in self.actions if action.group == group]

    def action_groups(self) -> list[tuple[Group | None, list[Action]]]:
        """The plan's groups that hold actions, in order, then actions without a group (under no heading)."""
        groups: list[tuple[Group | None, list[Action]]] = [(g, self.actions_in(g.id)) for g in self.groups]
        groups = [(g, actions) for g, actions in groups if actions]
        loose = self.actions_in(None)
        return [*groups, (None, loose)] if loose else groups

    def place(self, place_id: str) -> Place:
        return next(place for place in self.places if place.id == place_id)

    def medium(self, media_id: str) -> Media:
        return next(item for item in self.media if item.id == media_id)

    @property
    def all_targets(self) -> list[Target]:
        """Plan-wide targets, then each action's: the targets table's rows (places show their own)."""
        found = list(self.targets)
        for action in self.actions:
            found.extend(t for t in action.targets if t not in found)
        return found

    @property
    def running_title(self) -> Bilingual:
        """The short title, else the brand, else the headline (the header then ends in an ellipsis)."""
        return self.short_title or self.brand or self.headline


def plan_json_schema(model: type[BaseModel] | None = None) -> dict[str, object]:
    """The JSON Schema editors use for completion (of the plan, or of the glossary); kept in step by a test."""
    model = model or Plan
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "briefkit plan" if model is Plan else f"briefkit {model.__name__.lower()}"
    return schema


def iter_texts(node: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every human-readable string in a plan with its field path, e.g. (('actions', 2, 'title', 'zh'), '...')."""
    if isinstance(node, (Bilingual, GlossaryTerm, Unit)):
        for language in LANGUAGES:
            yield (*path, language), getattr(node, language)
        if isinstance(node, GlossaryTerm) and node.note is not None:
            yield from iter_texts(node.note, (*path, "note"))
        return
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from iter_texts(getattr(node, name), (*path, name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from iter_texts(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from iter_texts(item, (*path, index))
