"""Plan + document + edition -> semantic HTML, through the Jinja templates.

The HTML is the one intermediate every writer reads, so it keeps to the
vocabulary in vocabulary.py, checked here after each render. Editions come
from editions.py; the templates are written once and the macros in
templates/_macros.html.j2 turn each text into the right shape per edition.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.sandbox
from jinja2.loaders import split_template_path
from markupsafe import Markup, escape

from . import vocabulary
from .cache import source_fingerprint, user_cache
from .catalogue import Catalogue, DocumentSpec, Theme, load_catalogue, load_labels, load_theme
from .editions import EDITIONS
from .errors import BriefkitError, TemplateError, UsageError
from .files import display_path, prune_folders, write_atomic
from .headings import break_heading
from .labels import Labeller, check_overrides
from .model import LANGUAGES
from .searchpath import TemplateFolders, inside
from .text import format_date, format_datetime, format_month, format_number, inline_markdown, space_chinese
from .traditional import convert_text, to_traditional
from .validate import LoadedPlan


@dataclass(frozen=True)
class RenderedDocument:
    """One document in one edition, as HTML, with what the writers need to know."""

    document: str
    edition: str
    template: str
    html: str
    title: str


def _curly_apostrophes(value: Any) -> Any:
    """Every plain value printed by a template: People's -> People’s (Markup from filters has had it already)."""
    if isinstance(value, str) and not isinstance(value, Markup) and "'" in value:
        return re.sub(r"(?<=[A-Za-z])'(?=[A-Za-z])", "’", value)
    return value


@jinja2.pass_context
def _headline(context: Any, text: str, language: str) -> Markup:
    """A heading's text with its lines breaking only between words (headings.py); the plan's terms stay whole."""
    plan = context["plan"]
    terms = [term for entry in plan.glossary for term in (entry.en, entry.zh)]
    terms += [plan.brand.en, plan.brand.zh] if plan.brand else []
    return break_heading(text, language, terms)


class Renderer:
    """One Jinja environment for every document, edition and plan."""

    def __init__(self, templates: Path | TemplateFolders, *, sandboxed: bool = False,
                 cache: Path | None = None, shown: str = "templates") -> None:
        """`templates`: a folder (searched before the built-in defaults) or a whole search path.

        `sandboxed`: templates from outside the project run in Jinja's sandbox (no unsafe attributes).
        `cache`: a folder for compiled templates; compiling them is most of a no-op rebuild's time.
        `shown`: the first folder of the search path as messages name it (the real folder when --templates points
        elsewhere); a file that comes from another folder of the path is named where it is.
        """
        self.templates = templates if isinstance(templates, TemplateFolders) else TemplateFolders.of(templates)
        self.shown = shown
        self.sandboxed = sandboxed
        self._cache = cache
        self._plan_renderers: dict[Path, Renderer] = {}
        # The style sheet of each (languages, Traditional?, accent): the same for every document of an edition,
        # and rendering it is a tenth of a document's render. A changed template makes a new Renderer.
        self._style_sheets: dict[tuple[tuple[str, ...], bool, str | None], str] = {}
        self.catalogue: Catalogue = load_catalogue(self.templates)
        self.theme: Theme = load_theme(self.templates)
        # Plural forms are keys of their own (key.one); the Labeller picks them by count.
        self.labels = {key: value.model_dump() for key, value in load_labels(self.templates).labels.items()}
        environment_class = jinja2.sandbox.SandboxedEnvironment if sandboxed else jinja2.Environment
        self.environment = environment_class(
            loader=_ConfinedLoader(self.templates),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=_bytecode_cache(cache) if cache else None,
            finalize=_curly_apostrophes,
        )
        self.environment.filters.update(
            md=inline_markdown,
            date=lambda value, language: _spaced(format_date(value, language), language),
            month=lambda value, language: _spaced(format_month(value, language), language),
            datetime=format_datetime,
            number=format_number,
            month_year=format_month,
            fit=fit,
            parens=lambda text, language: self._parens(text, language),
            enumerate=lambda items, language: Markup(EDITIONS["zh"].punctuation(language).enumeration).join(items),
            headline=_headline,
        )

    def render(
        self, loaded: LoadedPlan, document: str, edition: str, built: dt.datetime | None = None
    ) -> RenderedDocument:
        """`built` is the build date outputs carry as their modification date (SOURCE_DATE_EPOCH)."""
        spec = self.catalogue.documents.get(document)
        if spec is None:
            raise UsageError(f"unknown document '{document}'; known: {', '.join(self.catalogue.documents)}")
        if edition not in EDITIONS:
            raise UsageError(f"unknown language '{edition}'; known: {', '.join(EDITIONS)}")
        own = self.for_plan(loaded.folder)
        if own is not self:
            return own.render(loaded, document, edition, built)
        if EDITIONS[edition].converted:  # rendered as zh, then machine-converted (traditional.py), and marked so
            simplified = self._render(loaded, document, spec, "zh", built, traditional=True)
            glossary = loaded.plan.glossary
            return RenderedDocument(document, edition, spec.template, to_traditional(simplified.html, glossary),
                                    convert_text(simplified.title, glossary))
        return self._render(loaded, document, spec, edition, built)

    def _render(
        self, loaded: LoadedPlan, document: str, spec: DocumentSpec, edition: str, built: dt.datetime | None,
        traditional: bool = False,
    ) -> RenderedDocument:
        languages = EDITIONS[edition].languages
        plan = loaded.plan
        check_overrides(plan, self.labels, lambda path: loaded.source_map.locate(path, at_key=True))
        labeller = Labeller(self.labels, plan)
        # Document properties take at most 255 characters (DOCX core properties): a long headline is cut
        # there with an ellipsis and printed in full in the body.
        title = fit(" · ".join(f"{spec.title[lang]} | {plan.headline[lang]}" for lang in languages))
        context: dict[str, Any] = {
            "plan": plan,
            "spec": spec,
            "document": document,
            "edition": edition,
            "languages": languages,
            "lang": languages[0],
            # Pango picks the Simplified Chinese shapes of the CJK faces from "zh-CN"; the
            # converted edition retags them after conversion (traditional.py).
            "lang_tag": {language: EDITIONS["zh"].tag(language) for language in LANGUAGES},
            "punct": {language: EDITIONS[edition].punctuation(language) for language in LANGUAGES},
            "theme": self.theme,
            "title": title,
            "label": labeller,
            "words": labeller,
            "css": Markup(self._css(languages, traditional, plan.theme.accent)),
            "modified": (built.strftime("%Y-%m-%dT%H:%M:%SZ") if built else plan.date.isoformat()),
        }
        try:
            html = self.environment.get_template(spec.template).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{self.shown_file(exc.name or spec.template)}:{exc.lineno}: {exc.message}") from None
        except jinja2.TemplateNotFound as exc:
            position = self._position(exc, spec.template)
            raise TemplateError(f"{position}: template not found: {exc.message}") from None
        except jinja2.sandbox.SecurityError as exc:
            raise TemplateError(f"{self._position(exc, spec.template)}: not allowed in a sandboxed template: "
                                f"{exc}") from None
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"{self._position(exc, spec.template)}: {exc.message}") from None
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            raise TemplateError(f"{self._position(exc, spec.template)}: {type(exc).__name__}: {exc}") from None
        html = _tidy(html)
        self._check_vocabulary(html, spec.template)
        return RenderedDocument(document, edition, spec.template, html, title)

    def _position(self, exc: Exception, template: str) -> str:
        return _template_position(exc, template, self.shown_file)

    def shown_file(self, name: str) -> str:
        """A template as messages name it: under `shown` when the first folder has it, else where it is."""
        path = self.templates.find(name)
        if path is None or inside(path, self.templates.first):
            return f"{self.shown}/{name}"
        return display_path(path)

    def _check_vocabulary(self, html: str, template: str) -> None:
        """Every format reads the same HTML, so an element outside the vocabulary fails here, for all of them."""
        violations = vocabulary.check(html)
        if not violations:
            return
        found = dict.fromkeys(f"{self._locate(v.tag, v.classes, template)}: {v.message}" for v in violations)
        raise TemplateError("\n".join([*found, "(the vocabulary: docs/html-vocabulary.md)"]))

    def _locate(self, tag: str, classes: str, template: str) -> str:
        """The template line that writes `<tag class=...>`: the first of the folder's templates to spell it out.

        Rendered HTML keeps no trace of the template that wrote each element, but every element a template
        renders is spelled out in one of them; one written from data (e.g. by a filter) falls back to the
        document's template.
        """
        wanted = re.compile(rf"<{re.escape(tag)}\b" + (rf"[^>]*class=\"[^\"]*\b{re.escape(classes.split()[0])}\b"
                                                       if classes else r"(?![^>]*class=)"))
        for name in [template, *sorted(self.environment.list_templates(extensions=["j2"]))]:
            try:
                source = self.templates.find(name).read_text(encoding="utf-8")  # type: ignore[union-attr]
            except (OSError, AttributeError):
                continue
            match = wanted.search(source)
            if match:
                return f"{self.shown_file(name)}:{source.count(chr(10), 0, match.start()) + 1}"
        return self.shown_file(template)

    @staticmethod
    def _parens(text: str, language: str) -> Markup:
        """An aside in the language's parentheses: ' (text)' in English, '（text）' in Chinese."""
        marks = EDITIONS["zh"].punctuation(language)
        return Markup(marks.open_paren) + escape(text) + Markup(marks.close_paren)

    def for_plan(self, folder: Path) -> Renderer:
        """The renderer for a plan whose folder has its own templates/ (searched first, sandboxed: it is content)."""
        own = folder / "templates"
        if not own.is_dir() or own.resolve() in (path.resolve() for path in self.templates.folders):
            return self
        key = own.resolve()
        if key not in self._plan_renderers:
            folders = TemplateFolders((own, *self.templates.folders))
            self._plan_renderers[key] = Renderer(folders, sandboxed=True, cache=self._cache, shown=display_path(own))
        return self._plan_renderers[key]

    def _css(self, languages: tuple[str, ...], traditional: bool = False, accent: str | None = None) -> str:
        key = (languages, traditional, accent)
        if key not in self._style_sheets:
            self._style_sheets[key] = self._render_css(languages, traditional, accent)
        return self._style_sheets[key]

    def _render_css(self, languages: tuple[str, ...], traditional: bool, accent: str | None) -> str:
        page_label = " · ".join(str(self.labels["page_of"][lang]) for lang in languages)
        theme = self.theme
        if accent:  # the plan's own accent colour (validated as #RRGGBB)
            theme = theme.model_copy(update={"colours": theme.colours.model_copy(update={"accent": accent})})
        template = self.environment.get_template("style.css.j2")
        return template.render(theme=theme, page_label=_css_counter_content(page_label), traditional=traditional)


def fit(text: str, limit: int = 255) -> str:
    """`text`, or its first limit-1 characters and an ellipsis: what a document property can hold."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _spaced(text: str, language: str) -> Markup | str:
    """A date shown in Chinese body text gets the same Han/digit gap as the text around it."""
    return Markup(space_chinese(str(escape(text)))) if language.startswith("zh") else text


def compiled_templates() -> Path:
    """Where compiled templates are kept, for every project of this user: a project's first build, or one
    in a fresh clone, finds the default templates (and any copy of them) compiled already."""
    return user_cache() / "templates"


def _bytecode_cache(folder: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates under `folder`, in a subfolder keyed by Jinja, Python and briefkit's code.

    Jinja checks a compiled template against its source alone, but the environment shapes the code (a
    `finalize` added to briefkit compiles into every template): a changed tool must not reuse templates
    it compiled. Within the subfolder a template is found by its name and source, wherever its file is.

    Compiled templates are code (Jinja unpickles and unmarshals them): a file committed to a
    project, or left corrupt by a full disk, must never run. Each file carries an HMAC made
    with a key that lives outside every project (the user's cache folder), so a file this user's
    builds did not write is ignored and rebuilt, never loaded.
    """
    secret = _cache_secret()
    if secret is None:
        return None  # no private key to sign with: compile every time (slower, never unsafe)
    tool = hashlib.sha256(f"{jinja2.__version__}|{sys.version}|{source_fingerprint()}".encode()).hexdigest()[:16]
    try:
        if not (folder / tool).is_dir():
            (folder / tool).mkdir(parents=True)
            prune_folders(folder, keep=folder / tool, count=3)  # the tool's three latest versions
    except OSError:
        return None  # a read-only cache folder: templates still build, only slower
    return _SignedBytecodeCache(folder / tool, secret)




def cache_secret_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefkit" / "bytecode-key"


def _cache_secret() -> bytes | None:
    """32 random bytes kept in the user's cache folder (mode 0600), made on first use."""
    path = cache_secret_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(secrets.token_bytes(32))
        secret = path.read_bytes()
    except (OSError, RuntimeError):
        return None
    return secret if len(secret) == 32 else None  # a build racing to write it: no cache this once


class _SignedBytecodeCache(jinja2.BytecodeCache):
    """Jinja's file cache, with an HMAC-SHA256 over each file checked before anything is unpickled."""

    def __init__(self, folder: Path, secret: bytes) -> None:
        self.folder = folder
        self.secret = secret

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        """The compiled `name` of this `source`, for any project: keyed by name, source and environment (not by
        the file's path, as Jinja would), and made to name `filename` as the file its code comes from."""
        checksum = self.get_source_checksum(source)
        key = hashlib.sha256(f"{type(environment).__name__}|{name}|{checksum}".encode()).hexdigest()
        bucket = jinja2.bccache.Bucket(environment, key, checksum)
        self.load_bytecode(bucket)
        if bucket.code is not None and filename is not None:
            # Compiled in another project, its code names that project's file: messages must name this one.
            bucket.code = _named(bucket.code, filename)
        return bucket

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.folder / f"{bucket.key}.cache"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            data = self._path(bucket).read_bytes()
        except OSError:
            return
        mac, payload = data[:32], data[32:]
        if not hmac.compare_digest(mac, hmac.new(self.secret, payload, hashlib.sha256).digest()):
            return  # not written by this user's builds, or cut short: compile again
        try:
            bucket.bytecode_from_string(payload)
        except Exception:  # noqa: BLE001  signed but unreadable (another Python?): compile again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        payload = bucket.bytecode_to_string()
        try:
            write_atomic(self._path(bucket), hmac.new(self.secret, payload, hashlib.sha256).digest() + payload)
        except (OSError, BriefkitError):
            pass  # a full disk or read-only folder: the next build compiles again

    def clear(self) -> None:
        for path in self.folder.glob("*.cache"):
            path.unlink(missing_ok=True)


def _named(code: CodeType, filename: str) -> CodeType:
    """`code`, and every function compiled inside it (macros, blocks), naming `filename` as their source."""
    if code.co_filename == filename:
        return code
    constants = tuple(_named(constant, filename) if isinstance(constant, CodeType) else constant
                      for constant in code.co_consts)
    return code.replace(co_filename=filename, co_consts=constants)


class _ConfinedLoader(jinja2.BaseLoader):
    """Loads each template from the first folder of the search path that has it, and only from inside that folder.

    A symlink or ../ leading out of the folder it was found in is 'not found', never a fall-through.
    """

    def __init__(self, templates: TemplateFolders) -> None:
        self.templates = templates

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        pieces = split_template_path(template)  # refuses ../ itself
        for folder in self.templates.folders:
            candidate = folder.joinpath(*pieces)
            if not candidate.is_file():
                continue
            if not inside(candidate, folder):
                raise jinja2.TemplateNotFound(template, f"{template} (it leads outside the templates folder)")
            source = candidate.read_text(encoding="utf-8")
            modified = candidate.stat().st_mtime

            def uptodate(candidate: Path = candidate, modified: float = modified) -> bool:
                try:
                    return candidate.stat().st_mtime == modified
                except OSError:
                    return False

            return source, str(candidate), uptodate
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        return sorted(path.name for path in self.templates.files())


def _css_counter_content(label: str) -> Markup:
    """'Page {page} of {pages}' -> "Page " counter(page) " of " counter(pages)."""
    parts = re.split(r"(\{page\}|\{pages\})", label)
    tokens = []
    for part in parts:
        if part == "{page}":
            tokens.append("counter(page)")
        elif part == "{pages}":
            tokens.append("counter(pages)")
        elif part:
            tokens.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return Markup(" ".join(tokens))


def _template_position(exc: Exception, default: str, shown: Callable[[str], str]) -> str:
    """templates/x.html.j2:LINE of the innermost template frame of a Jinja error.

    Jinja rewrites tracebacks so that template frames carry the template's file
    name and line; the last such frame is where the error happened.
    """
    position = shown(default)
    traceback = exc.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            position = f"{shown(Path(filename).name)}:{traceback.tb_lineno}"
        traceback = traceback.tb_next
    return position


def _tidy(html: str) -> str:
    """Collapse the blank lines that template control blocks leave behind."""
    return re.sub(r"\n\s*\n+", "\n", html)

