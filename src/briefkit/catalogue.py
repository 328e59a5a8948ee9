"""templates/documents.yaml and templates/theme.yaml -> the document catalogue and print theme."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ContentError, Problem
from .model import Bilingual
from .source import load_yaml

Edition = str  # "en", "zh" or "bilingual"
_M = TypeVar("_M", bound=BaseModel)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocumentSpec(_Strict):
    template: str
    title: Bilingual
    description: str = ""
    toc: bool = False
    sections: Literal["all", "none"] | list[str] = Field("none", description="The plan's free sections it shows")


class Catalogue(_Strict):
    languages: list[Edition] = Field(min_length=1)
    documents: dict[str, DocumentSpec] = Field(min_length=1)


class Colours(_Strict):
    accent: str
    ink: str
    muted: str
    rule: str
    panel: str


class Fonts(_Strict):
    serif: list[str]
    sans: list[str]
    serif_hant: list[str]
    sans_hant: list[str]
    required: list[str]


class Theme(_Strict):
    paper: Literal["A4", "Letter"] = "A4"
    colours: Colours
    fonts: Fonts


def load_catalogue(templates: Path) -> Catalogue:
    return _load(templates / "documents.yaml", Catalogue)


def load_theme(templates: Path) -> Theme:
    return _load(templates / "theme.yaml", Theme)


def _load(path: Path, model: type[_M]) -> _M:
    loaded = load_yaml(path, str(path))
    if loaded.problems:
        raise ContentError(loaded.problems)
    try:
        return model.model_validate(loaded.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            key = tuple(error["loc"])
            problems.append(Problem(loaded.source_map.locate(key), error["msg"]))
        raise ContentError(problems) from None

