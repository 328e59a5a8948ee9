"""templates/documents.yaml, theme.yaml and labels.yaml -> the document catalogue, print theme and labels.

They are validated like plans: every problem is located in the file it is in
(in the folder --templates names), unknown keys get a did-you-mean, and no
pydantic wording or traceback reaches the user.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from .editions import EDITIONS
from .errors import ContentError, Problem
from .files import display_path
from .model import Bilingual
from .searchpath import TemplateFolders
from .source import SourceMap, load_yaml
from .validate import closest_name, schema_problems

# The editions render.py can make (its EDITION_LANGUAGES); zh-Hant is usually built on request only.
CATALOGUE_FILE, THEME_FILE, LABELS_FILE = "documents.yaml", "theme.yaml", "labels.yaml"
# Labels the code itself reads (not only templates): the page counter in every PDF's margin.
REQUIRED_LABELS = {"page_of": "the page numbers of every PDF"}
_M = TypeVar("_M", bound=BaseModel)


def _colour(value: str) -> str:
    # Word takes colours as RRGGBB only, so CSS names and short forms would fail in the DOCX writer.
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise PydanticCustomError("colour", "not a colour: '{value}'; write it as #RRGGBB, e.g. #9b1c23",
                                  {"value": value})
    return value


def _edition(value: str) -> str:
    if value not in EDITIONS:
        close = closest_name(value, tuple(EDITIONS))
        hint = f"did you mean '{close}'?" if close else f"expected one of: {', '.join(EDITIONS)}"
        raise PydanticCustomError("edition", "unknown edition '{value}'; " + hint, {"value": value})
    return value


Edition = Annotated[str, AfterValidator(_edition)]
Colour = Annotated[str, AfterValidator(_colour)]
FontStack = Annotated[list[str], Field(min_length=1)]


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
    accent: Colour
    ink: Colour
    muted: Colour
    rule: Colour
    panel: Colour


class Fonts(_Strict):
    serif: FontStack
    sans: FontStack
    serif_hant: FontStack
    sans_hant: FontStack
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
    cover_title_bilingual: TypeToken = TypeToken()  # the bilingual edition's cover headline: two languages
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


class Labels(_Strict):
    """Fixed wording the templates print, by key; {placeholders} are filled per language."""

    labels: dict[str, Bilingual] = Field(min_length=1)


Templates = Path | TemplateFolders  # one folder, or a search path whose `/` gives the file that wins


def load_catalogue(templates: Templates) -> Catalogue:
    catalogue, source_map = _load(templates / CATALOGUE_FILE, Catalogue)
    problems = []
    files = templates.files() if isinstance(templates, TemplateFolders) else list(templates.glob("*.html.j2"))
    present = sorted({path.name for path in files if path.name.endswith(".html.j2") and not path.name.startswith("_")})
    for name, spec in catalogue.documents.items():
        if not (templates / spec.template).is_file():
            close = closest_name(spec.template, present)
            hint = f"; did you mean '{close}'?" if close else f"; the folder has: {', '.join(present) or 'none'}"
            problems.append(Problem(source_map.locate(("documents", name, "template")),
                                    f"no template '{spec.template}' in the templates folder{hint}"))
    if problems:
        raise ContentError(problems)
    return catalogue


def load_theme(templates: Templates) -> Theme:
    return _load(templates / THEME_FILE, Theme)[0]


def load_labels(templates: Templates) -> Labels:
    labels, source_map = _load(templates / LABELS_FILE, Labels)
    problems = []
    for key, purpose in REQUIRED_LABELS.items():
        if key not in labels.labels:
            close = closest_name(key, list(labels.labels))
            hint = f"; did you mean '{key}' here?" if close else ""
            where = ("labels", close) if close else ("labels",)
            problems.append(Problem(source_map.locate(where, at_key=True), f"missing label '{key}' ({purpose}){hint}"))
    for key, label in labels.labels.items():
        for language in ("en", "zh"):
            problem = _placeholder_problem(label[language])
            if problem:
                problems.append(Problem(source_map.locate(("labels", key, language)), problem))
        english, chinese = _placeholders(label.en), _placeholders(label.zh)
        for language, names in (("en", english), ("zh", chinese)):
            if names is None:
                problems.append(Problem(source_map.locate(("labels", key, language)),
                                        "unpaired '{' or '}': write {{ or }} for a brace itself"))
        if english is not None and chinese is not None and english != chinese:
            # A placeholder only one language has would print as "{name}" in the other.
            problems.append(Problem(source_map.locate(("labels", key, "zh")),
                                    f"placeholders differ from the English: en has {_show(english)}; "
                                    f"zh has {_show(chinese)}"))
    if problems:
        problems.sort(key=lambda p: (p.location.line, p.location.column))
        raise ContentError(problems)
    return labels


def _placeholder_problem(wording: str) -> str | None:
    """Placeholders are plain names: render.py fills them by name only, never through attributes or specs."""
    try:
        pieces = list(string.Formatter().parse(wording))
    except ValueError:
        return None  # unpaired braces: reported with their own message
    for _, name, spec, conversion in pieces:
        if name is not None and (not name.isidentifier() or spec or conversion):
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            return f"placeholder {shown} is not allowed: placeholders are plain names such as {{brand}}"
    return None


def _placeholders(wording: str) -> set[str] | None:
    """The {names} a wording fills in, or None when its braces do not pair."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(wording) if name is not None}
    except ValueError:
        return None


def _show(names: set[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) if names else "none"


def _load(path: Path, model: type[_M]) -> tuple[_M, SourceMap]:
    # Shown relative to the working directory when inside it, else absolute: the folder --templates names.
    loaded = load_yaml(path, display_path(path.absolute()))
    if loaded.problems:
        raise ContentError(loaded.problems)
    data: Any = loaded.data
    try:
        return model.model_validate(data), loaded.source_map
    except ValidationError as exc:
        raise ContentError(schema_problems(exc, data, loaded.source_map, model)) from None
