"""Plan + document + edition -> semantic HTML, through the Jinja templates.

The HTML is the one intermediate both writers read, so it keeps to the small
vocabulary in docs/html-vocabulary.md. Editions are "en", "zh" and
"bilingual"; the templates are written once and the macros in
templates/_macros.html.j2 turn each text into the right shape per edition.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import string
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.sandbox
from markupsafe import Markup, escape

from .catalogue import Catalogue, DocumentSpec, Theme, load_catalogue, load_theme
from .errors import BriefkitError, TemplateError, UsageError
from .files import write_atomic
from .model import Bilingual
from .source import load_yaml
from .text import format_date, format_datetime, format_month, format_number, inline_markdown, space_chinese
from .traditional import convert_text, to_traditional
from .validate import LoadedPlan

# HTML language tags per edition language; Pango picks the Simplified Chinese
# shapes of the CJK faces from "zh-CN".
LANGUAGE_TAGS = {"en": "en", "zh": "zh-CN"}
# zh-Hant is rendered as zh and then converted (traditional.py): a machine conversion, and marked so.
EDITION_LANGUAGES = {"en": ("en",), "zh": ("zh",), "bilingual": ("en", "zh"), "zh-Hant": ("zh",)}


@dataclass(frozen=True)
class RenderedDocument:
    """One document in one edition, as HTML, with what the writers need to know."""

    document: str
    edition: str
    template: str
    html: str
    title: str


class Renderer:
    """One Jinja environment for every document, edition and plan."""

    def __init__(self, templates: Path, *, sandboxed: bool = False, cache: Path | None = None) -> None:
        """`sandboxed`: templates from outside the project run in Jinja's sandbox (no unsafe attributes).

        `cache`: a folder for compiled templates; compiling them is most of a no-op rebuild's time.
        """
        self.templates = templates
        self.catalogue: Catalogue = load_catalogue(templates)
        self.theme: Theme = load_theme(templates)
        self.labels = _load_labels(templates / "labels.yaml")
        environment_class = jinja2.sandbox.SandboxedEnvironment if sandboxed else jinja2.Environment
        self.environment = environment_class(
            loader=_ConfinedLoader(templates),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=_bytecode_cache(cache) if cache else None,
        )
        self.environment.filters.update(
            md=inline_markdown,
            date=lambda value, language: _spaced(format_date(value, language), language),
            month=lambda value, language: _spaced(format_month(value, language), language),
            datetime=format_datetime,
            number=format_number,
        )

    def render(
        self, loaded: LoadedPlan, document: str, edition: str, built: dt.datetime | None = None
    ) -> RenderedDocument:
        """`built` is the build date outputs carry as their modification date (SOURCE_DATE_EPOCH)."""
        spec = self.catalogue.documents.get(document)
        if spec is None:
            raise UsageError(f"unknown document '{document}'; known: {', '.join(self.catalogue.documents)}")
        if edition not in EDITION_LANGUAGES:
            raise UsageError(f"unknown language '{edition}'; known: {', '.join(EDITION_LANGUAGES)}")
        if edition == "zh-Hant":
            simplified = self._render(loaded, document, spec, "zh", built, traditional=True)
            glossary = loaded.plan.glossary
            return RenderedDocument(document, edition, spec.template, to_traditional(simplified.html, glossary),
                                    convert_text(simplified.title, glossary))
        return self._render(loaded, document, spec, edition, built)

    def _render(
        self, loaded: LoadedPlan, document: str, spec: DocumentSpec, edition: str, built: dt.datetime | None,
        traditional: bool = False,
    ) -> RenderedDocument:
        languages = EDITION_LANGUAGES[edition]
        plan = loaded.plan
        title = " · ".join(f"{spec.title[lang]} | {plan.headline[lang]}" for lang in languages)
        context: dict[str, Any] = {
            "plan": plan,
            "spec": spec,
            "document": document,
            "edition": edition,
            "languages": languages,
            "lang": languages[0],
            "lang_tag": LANGUAGE_TAGS,
            "theme": self.theme,
            "title": title,
            "label": self._labeller(plan),
            "css": Markup(self._css(languages, traditional)),
            "modified": (built.strftime("%Y-%m-%dT%H:%M:%SZ") if built else plan.date.isoformat()),
        }
        try:
            html = self.environment.get_template(spec.template).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"templates/{exc.name or spec.template}:{exc.lineno}: {exc.message}") from None
        except jinja2.TemplateNotFound as exc:
            position = _template_position(exc, spec.template)
            raise TemplateError(f"{position}: template not found: {exc.message}") from None
        except jinja2.sandbox.SecurityError as exc:
            raise TemplateError(f"{_template_position(exc, spec.template)}: not allowed in a sandboxed template: "
                                f"{exc}") from None
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"{_template_position(exc, spec.template)}: {exc.message}") from None
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            raise TemplateError(f"{_template_position(exc, spec.template)}: {type(exc).__name__}: {exc}") from None
        return RenderedDocument(document, edition, spec.template, _tidy(html), title)

    def _labeller(self, plan: Any) -> Any:
        brand = plan.brand or plan.headline

        def label(key: str, **values: Any) -> Bilingual:
            """A fixed wording with {placeholders} filled per language."""
            if key not in self.labels:
                raise jinja2.UndefinedError(f"no label '{key}' in templates/labels.yaml")
            wording = self.labels[key]
            fills = {"brand": brand, **values}
            return Bilingual(en=_fill(wording.en, _Fills(fills, "en")), zh=_fill(wording.zh, _Fills(fills, "zh")))

        return label

    def _css(self, languages: tuple[str, ...], traditional: bool = False) -> str:
        page_label = " · ".join(self.labels["page_of"][lang] for lang in languages)
        template = self.environment.get_template("style.css.j2")
        return template.render(theme=self.theme, page_label=_css_counter_content(page_label), traditional=traditional)


def _spaced(text: str, language: str) -> Markup | str:
    """A date shown in Chinese body text gets the same Han/digit gap as the text around it."""
    return Markup(space_chinese(str(escape(text)))) if language.startswith("zh") else text


def _bytecode_cache(folder: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates under `folder`, in a subfolder keyed by this checkout's templates and Python.

    Compiled templates are code (Jinja unpickles and unmarshals them): a file committed to a
    project, or left corrupt by a full disk, must never run. Each file carries an HMAC made
    with a key that lives outside every project (the user's cache folder), so a file this user's
    builds did not write is ignored and rebuilt, never loaded.
    """
    secret = _cache_secret()
    if secret is None:
        return None  # no private key to sign with: compile every time (slower, never unsafe)
    checkout = hashlib.sha256(f"{folder.resolve()}|{jinja2.__version__}|{sys.version}".encode()).hexdigest()[:16]
    try:
        (folder / checkout).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only checkout still builds, only slower
    return _SignedBytecodeCache(folder / checkout, secret)


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


class _ConfinedLoader(jinja2.FileSystemLoader):
    """Loads templates from one folder only: a symlink or ../ leading out of it is 'not found'."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder.resolve()

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(filename).resolve().is_relative_to(self.folder):
            raise jinja2.TemplateNotFound(template, f"{template} (it leads outside the templates folder)")
        return source, filename, uptodate


class _Fills(dict[str, str]):
    """Placeholder values for one language; unknown {names} stay as written (page labels)."""

    def __init__(self, values: dict[str, Any], language: str) -> None:
        super().__init__({k: v[language] if isinstance(v, Bilingual) else str(v) for k, v in values.items()})

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(wording: str, fills: _Fills) -> str:
    """{name} placeholders filled, nothing else: no attribute, index, conversion or format spec.

    str.format would follow {brand.__class__.__mro__} into the objects (and {x:>99999999} would
    allocate on request); labels come from template sets that may be an agency's.
    """
    parts = []
    for literal, name, _, _ in string.Formatter().parse(wording):
        parts.append(literal)
        if name is not None:
            parts.append(fills[name])
    return "".join(parts)


def _placeholder_problem(wording: str) -> str | None:
    try:
        pieces = list(string.Formatter().parse(wording))
    except ValueError as exc:
        return f"broken placeholder: {exc}; write {{{{ and }}}} for literal braces"
    for _, name, spec, conversion in pieces:
        if name is not None and (not name.isidentifier() or spec or conversion):
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            return f"placeholder {shown} is not allowed: placeholders are plain names such as {{brand}}"
    return None


def _load_labels(path: Path) -> dict[str, Bilingual]:
    loaded = load_yaml(path, str(path))
    labels = {key: Bilingual(**value) for key, value in loaded.data["labels"].items()}
    problems = []
    for key, wording in labels.items():
        for language in ("en", "zh"):
            problem = _placeholder_problem(wording[language])
            if problem:
                problems.append(f"{loaded.source_map.locate(('labels', key, language))}: {problem}")
    if problems:
        raise TemplateError("\n".join(problems))
    return labels


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


def _template_position(exc: Exception, default: str) -> str:
    """templates/x.html.j2:LINE of the innermost template frame of a Jinja error.

    Jinja rewrites tracebacks so that template frames carry the template's file
    name and line; the last such frame is where the error happened.
    """
    position = f"templates/{default}"
    traceback = exc.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            position = f"templates/{Path(filename).name}:{traceback.tb_lineno}"
        traceback = traceback.tb_next
    return position


def _tidy(html: str) -> str:
    """Collapse the blank lines that template control blocks leave behind."""
    return re.sub(r"\n\s*\n+", "\n", html)

