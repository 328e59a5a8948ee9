"""The build: plans x documents x editions x formats -> files under output/.

This is the one module where the stages meet: load and validate a plan, render
each document once per edition, hand the HTML to each writer.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BriefkitError, ContentError, Problem
from .fonts import coverage, describe, uncovered
from .model import iter_texts
from .project import Project
from .render import Renderer
from .validate import LoadedPlan, load_plan
from .writers.pdf import write_pdf

FORMATS = ("pdf", "docx", "html")


@dataclass(frozen=True)
class BuildOptions:
    documents: tuple[str, ...] = ()
    editions: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("pdf",)
    out: Path | None = None
    strict: bool = False
    pdf_variant: str | None = None


@dataclass(frozen=True)
class Output:
    path: Path
    plan: str
    document: str
    edition: str
    format: str
    pages: int | None
    seconds: float
    layout_seconds: float = 0.0
    write_seconds: float = 0.0


@dataclass
class BuildReport:
    outputs: list[Output] = field(default_factory=list)
    failures: list[tuple[str, BriefkitError]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


Progress = Callable[[str], None]


def check_glyphs(loaded: LoadedPlan, renderer: Renderer) -> list[Problem]:
    """Every character of the plan's text must have a glyph in the theme's fonts."""
    families = tuple(dict.fromkeys(renderer.theme.fonts.serif + renderer.theme.fonts.sans))
    covered = coverage(families)
    if not covered:
        return []  # no fonts at all: doctor reports that, with a clearer message
    problems = []
    for path, text in iter_texts(loaded.plan):
        for char in uncovered(text, covered):
            location = loaded.source_map.locate(path)
            problems.append(Problem(location, f"{describe(char)} has no glyph in the theme's fonts"))
    return problems


def build(
    project: Project, plan_refs: tuple[str, ...], options: BuildOptions, progress: Progress | None = None
) -> BuildReport:
    """Build every requested output; one failing output does not stop the others."""
    renderer = Renderer(project.templates)
    loaded_plans = _load_all(project, plan_refs, renderer)
    documents = options.documents or tuple(renderer.catalogue.documents)
    editions = options.editions or tuple(renderer.catalogue.languages)
    report = BuildReport()
    for loaded in loaded_plans:
        out_dir = (options.out or project.output) / loaded.plan.id
        for document in documents:
            for edition in editions:
                name = f"{document}.{edition}"
                try:
                    report.outputs.extend(
                        _build_one(project, renderer, loaded, document, edition, out_dir, options)
                    )
                except BriefkitError as error:
                    report.failures.append((f"{loaded.plan.id}/{name}", error))
                if progress:
                    progress(f"{loaded.plan.id}/{name}")
    return report


def _load_all(project: Project, plan_refs: tuple[str, ...], renderer: Renderer) -> list[LoadedPlan]:
    problems: list[Problem] = []
    loaded_plans = []
    for plan_file in project.plan_files(plan_refs):
        try:
            loaded = load_plan(plan_file)
        except ContentError as error:
            problems.extend(error.problems)
            continue
        glyph_problems = check_glyphs(loaded, renderer)
        problems.extend(glyph_problems)
        if not glyph_problems:
            loaded_plans.append(loaded)
    if problems:
        raise ContentError(problems)
    return loaded_plans


def _build_one(
    project: Project,
    renderer: Renderer,
    loaded: LoadedPlan,
    document: str,
    edition: str,
    out_dir: Path,
    options: BuildOptions,
) -> list[Output]:
    started = time.perf_counter()
    rendered = renderer.render(loaded, document, edition)
    render_seconds = time.perf_counter() - started
    outputs = []
    stem = f"{document}.{edition}"
    where = f"templates/{rendered.template} ({loaded.plan.id} {stem})"
    for fmt in options.formats:
        target = out_dir / f"{stem}.{fmt}"
        begun = time.perf_counter()
        if fmt == "html":
            _write_html(rendered.html, loaded, target)
            outputs.append(Output(target, loaded.plan.id, document, edition, fmt, None, render_seconds))
        elif fmt == "pdf":
            result = write_pdf(
                rendered.html,
                base=loaded.folder,
                roots=[project.templates, loaded.folder],
                target=target,
                where=where,
                variant=options.pdf_variant,
                strict=options.strict,
            )
            seconds = time.perf_counter() - begun + render_seconds
            outputs.append(
                Output(target, loaded.plan.id, document, edition, fmt, result.pages, seconds,
                       result.layout_seconds, result.write_seconds)
            )
        elif fmt == "docx":
            from .writers.docx import write_docx

            pages = write_docx(rendered, base=loaded.folder, templates=project.templates, target=target, where=where)
            outputs.append(Output(target, loaded.plan.id, document, edition, fmt, pages,
                                  time.perf_counter() - begun + render_seconds))
    return outputs


def _write_html(html: str, loaded: LoadedPlan, target: Path) -> None:
    """The HTML beside a copy of the media it names, so it opens in a browser as is."""
    from .files import write_atomic

    write_atomic(target, html.encode("utf-8"))
    media_paths = [item.path for item in loaded.plan.media]
    if loaded.plan.issuer.logo:
        media_paths.append(loaded.plan.issuer.logo)
    for relative in media_paths:
        source = loaded.folder / relative
        destination = target.parent / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        if not destination.exists() or destination.stat().st_mtime < source.stat().st_mtime:
            shutil.copyfile(source, destination)
