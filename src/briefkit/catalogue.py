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


# -- design tokens (templates/theme.yaml): the one type scale both the CSS and the Word styles read --


class TypeToken(_Strict):
    """One element's type: size (pt), leading (a multiple of the size), space before and after (mm)."""

    size: float | None = Field(default=None, gt=0)
    leading: float | None = Field(default=None, gt=0)
    leading_zh: float | None = Field(default=None, gt=0)  # Chinese text sets looser
    before: float | None = Field(default=None, ge=0)
    after: float | None = Field(default=None, ge=0)

    def over(self, base: TypeToken) -> TypeToken:
        """This token with what it leaves unset taken from `base`."""
        return base.model_copy(update=self.model_dump(exclude_none=True))


class TypeScale(_Strict):
    """Every element of the vocabulary that has its own type; an empty token inherits the body's."""

    body: TypeToken = TypeToken()
    lead: TypeToken = TypeToken()
    standfirst: TypeToken = TypeToken()
    h1: TypeToken = TypeToken()
    h2: TypeToken = TypeToken()
    h3: TypeToken = TypeToken()
    cover_title: TypeToken = TypeToken()
    kicker: TypeToken = TypeToken()
    meta: TypeToken = TypeToken()
    issuer: TypeToken = TypeToken()
    dateline: TypeToken = TypeToken()
    contact: TypeToken = TypeToken()
    quote: TypeToken = TypeToken()
    attribution: TypeToken = TypeToken()
    key_value: TypeToken = TypeToken()
    key_label: TypeToken = TypeToken()
    caption: TypeToken = TypeToken()
    credit: TypeToken = TypeToken()
    table: TypeToken = TypeToken()
    illustrative: TypeToken = TypeToken()
    running: TypeToken = TypeToken()
    list_item: TypeToken = TypeToken()
    toc_entry: TypeToken = TypeToken()
    watermark: TypeToken = TypeToken()

    def over(self, base: TypeScale) -> TypeScale:
        return base.model_copy(update={name: getattr(self, name).over(getattr(base, name))
                                       for name in type(self).model_fields})

    def resolved(self, name: str) -> TypeToken:
        """An element's token with size and leading inherited from the body, space before 0 and after the body's."""
        body = self.body
        inherited = TypeToken(size=body.size, leading=body.leading, leading_zh=body.leading_zh, before=0,
                              after=body.after)
        return getattr(self, name).over(inherited)


class Margins(_Strict):
    top: float = Field(ge=0)
    right: float = Field(ge=0)
    bottom: float = Field(ge=0)
    left: float = Field(ge=0)


class LayoutTokens(_Strict):
    """Measures in mm; figure_width in % of the measure; list_columns for one-language editions."""

    margins: Margins | None = None
    list_indent: float | None = Field(default=None, ge=0)
    list_columns: int | None = Field(default=None, ge=1, le=4)
    figure_width: float | None = Field(default=None, gt=0, le=100)
    figure_max_height: float | None = Field(default=None, gt=0)
    logo_height: float | None = Field(default=None, gt=0)
    cover_logo_height: float | None = Field(default=None, gt=0)

    def over(self, base: LayoutTokens) -> LayoutTokens:
        return base.model_copy(update=self.model_dump(exclude_none=True))


class DocumentTokens(_Strict):
    """One document's overrides of the type scale and layout."""

    type: TypeScale = TypeScale()
    layout: LayoutTokens = LayoutTokens()


class Tokens(_Strict):
    """The tokens one document is set with: the theme's, with that document's overrides applied."""

    type: TypeScale
    layout: LayoutTokens


class FaceSet(_Strict):
    """One family's Word faces: Latin, Simplified Chinese and Traditional Chinese."""

    latin: str = Field(min_length=1)
    sc: str = Field(min_length=1)
    tc: str = Field(min_length=1)


class DocxFonts(_Strict):
    serif: FaceSet
    sans: FaceSet


class DocxSettings(_Strict):
    """Word output: its faces (or "noto", the PDF's) and an optional reference document."""

    fonts: DocxFonts | Literal["noto"] = "noto"
    reference: str | None = None


class Theme(_Strict):
    paper: Literal["A4", "Letter"] = "A4"
    colours: Colours
    fonts: Fonts
    # Design tokens (issue 10): the type scale, layout and per-document overrides.
    type: TypeScale
    layout: LayoutTokens
    documents: dict[str, DocumentTokens] = {}
    docx: DocxSettings = DocxSettings()

    def tokens(self, document: str = "") -> Tokens:
        """The type scale and layout of `document` (its overrides applied), or the theme's own."""
        own = self.documents.get(document, DocumentTokens())
        return Tokens(type=own.type.over(self.type), layout=own.layout.over(self.layout))


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

