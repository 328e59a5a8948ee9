"""The typed plan: pydantic models a validated plan file becomes.

Every human-readable text is a `Bilingual` pair. Fields that are one-language
on purpose (URLs, e-mail addresses, phone numbers, file paths, ids) are plain
`str` and say so in their description, so completeness checks never ask for a
Chinese e-mail address.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError


def _not_blank(value: str) -> str:
    """Text that is only spaces (an ideographic space, say) is a missing translation, not a present one."""
    if not value.strip():
        raise PydanticCustomError("string_too_short", "text is blank")
    return value


def _month(value: str) -> str:
    if not re.fullmatch(r"[0-9]{4}(-(0[1-9]|1[0-2]))?", value):
        message = "not a valid month: '{value}'; write it as YYYY or YYYY-MM"
        raise PydanticCustomError("month", message, {"value": value})
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
        return str(getattr(self, language))


class Person(_Strict):
    name: Bilingual
    title: Bilingual


class Organisation(_Strict):
    name: Bilingual
    short_name: Bilingual | None = None
    logo: str | None = Field(None, description="Image path relative to the plan folder")
    logo_placeholder: bool = Field(False, description="True when the logo stands in for the real emblem")
    url: str | None = Field(None, description="Web address (one-language by nature)")


class Event(_Strict):
    kind: Bilingual = Field(description="What the event was, e.g. press conference")
    date: dt.date
    place: Bilingual
    speakers: list[Person] = Field(min_length=1)
    illustrative: bool = Field(
        False, description="True when date or place are stand-ins the source does not give"
    )


class Section(_Strict):
    heading: Bilingual
    paragraphs: list[Bilingual] = Field(default_factory=list)
    items: list[Bilingual] = Field(default_factory=list, description="A bulleted list after the paragraphs")


class Meaning(_Strict):
    title: Bilingual
    description: Bilingual


class Period(_Strict):
    start: int = Field(ge=1900, le=2200)
    end: int = Field(ge=1900, le=2200)


class Target(_Strict):
    metric: Bilingual
    value: float | int | None = None
    unit: Bilingual | None = None
    deadline: int | None = Field(None, ge=1900, le=2200, description="Year by which the target is to be met")


class Action(_Strict):
    id: Slug
    group: Literal["key", "additional"]
    title: Bilingual
    summary: Bilingual | None = None
    measures: list[Bilingual] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    places: list[Slug] = Field(default_factory=list, description="Ids of zones the action names")


class Zone(_Strict):
    id: Slug
    name: Bilingual
    description: Bilingual | None = None
    target: Target | None = None


class Talent(_Strict):
    summary: Bilingual
    fields: list[Bilingual] = Field(min_length=1)
    support: list[Bilingual] = Field(default_factory=list)


class Quote(_Strict):
    text: Bilingual
    speaker: Person
    verbatim: bool = Field(
        False, description="False when the source reports the words rather than quoting them"
    )


class KeyFigure(_Strict):
    value: NonEmpty = Field(description="The figure as printed, e.g. 10 or 2020")
    label: Bilingual


class Milestone(_Strict):
    when: Month = Field(description="Year or year-month, e.g. 2018-04")
    text: Bilingual
    illustrative: bool = False


class Media(_Strict):
    id: Slug
    path: NonEmpty = Field(description="Image path relative to the plan folder")
    caption: Bilingual
    credit: Bilingual
    alt: Bilingual
    placeholder: bool = Field(False, description="True when the image stands in for a real photo")


class Contact(_Strict):
    name: Bilingual
    role: Bilingual
    email: str | None = Field(None, description="E-mail address (one-language by nature)")
    phone: str | None = Field(None, description="Telephone number (one-language by nature)")
    illustrative: bool = False


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
    id: Slug
    version: NonEmpty
    status: Literal["draft", "final"]
    date: dt.date = Field(description="Date the documents carry")
    date_illustrative: bool = Field(False, description="True when the source gives no exact date")
    embargo: AwareDatetime | None = Field(None, description="Embargo end, with its time zone")
    issuer: Organisation
    event: Event
    brand: Bilingual | None = Field(None, description="The name the plan promotes, e.g. Shanghai Manufacturing")
    headline: Bilingual
    subtitle: Bilingual | None = None
    summary: Bilingual
    background: list[Section] = Field(default_factory=list)
    meanings: list[Meaning] = Field(default_factory=list)
    period: Period
    actions: list[Action] = Field(min_length=1)
    zones: list[Zone] = Field(default_factory=list)
    talent: Talent | None = None
    quotes: list[Quote] = Field(default_factory=list)
    key_figures: list[KeyFigure] = Field(default_factory=list)
    timeline: list[Milestone] = Field(default_factory=list)
    media: list[Media] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    glossary: list[GlossaryTerm] = Field(
        default_factory=list, description="Usually kept in glossary.yaml beside the plan instead"
    )

    def actions_in(self, group: str) -> list[Action]:
        return [action for action in self.actions if action.group == group]

    def zone(self, zone_id: str) -> Zone:
        return next(zone for zone in self.zones if zone.id == zone_id)


def plan_json_schema(model: type[BaseModel] | None = None) -> dict[str, object]:
    """The JSON Schema editors use for completion (of the plan, or of the glossary); kept in step by a test."""
    model = model or Plan
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "briefkit plan" if model is Plan else f"briefkit {model.__name__.lower()}"
    return schema


def iter_texts(node: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every human-readable string in a plan with its field path, e.g. (('actions', 2, 'title', 'zh'), '...')."""
    if isinstance(node, (Bilingual, GlossaryTerm)):
        for language in LANGUAGES:
            yield (*path, language), getattr(node, language)
        if isinstance(node, GlossaryTerm) and node.note is not None:
            yield from iter_texts(node.note, (*path, "note"))
        return
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from iter_texts(getattr(node, name), (*path, name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from iter_texts(item, (*path, index))
