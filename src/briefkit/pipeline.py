"""The build graph: plans x documents x editions x formats -> files under output/.

This is the one module where the stages meet. The parent process loads and
validates each plan, renders each document once per edition (milliseconds),
and keys every output by what it is made from. Only outputs whose key changed
go to the worker processes, which keep WeasyPrint and the fonts loaded; one
failing output is reported and the others still finish.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

from . import media
from .cache import BuildCache, digest, file_digest, output_key
from .errors import BriefkitError, BuildError, ContentError, Problem
from .files import remove_stale_parts, write_atomic
from .fonts import coverage, describe, stamp, uncovered
from .model import iter_texts
from .pack import pack_path, write_pack
from .project import Project
from .provenance import source_commit, source_date
from .quality import check_quality
from .render import RenderedDocument, Renderer
from .validate import LoadedPlan, load_plan

FORMATS = ("pdf", "docx", "html")


@dataclass(frozen=True)
class BuildOptions:
    documents: tuple[str, ...] = ()
    editions: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("pdf", "docx")
    out: Path | None = None
    strict: bool = False
    pdf_variant: str | None = None
    jobs: int | None = None  # worker processes; None: the CPU count, 1: in this process
    force: bool = False


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
    skipped: bool = False
    warnings: tuple[str, ...] = ()


@dataclass
class BuildReport:
    outputs: list[Output] = field(default_factory=list)
    failures: list[tuple[str, BriefkitError]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def built(self) -> list[Output]:
        return [output for output in self.outputs if not output.skipped]


@dataclass(frozen=True)
class WriteTask:
    """One output to write: everything a worker needs, nothing it must look up."""

    rendered: RenderedDocument
    plan: str
    format: str
    plan_folder: Path
    templates: Path
    target: Path
    where: str
    key: str
    pdf_variant: str | None
    strict: bool


Progress = Callable[[int, int, str], None]


def theme_families(renderer: Renderer, edition: str = "") -> tuple[str, ...]:
    fonts = renderer.theme.fonts
    if edition == "zh-Hant":
        return tuple(dict.fromkeys(fonts.serif_hant + fonts.sans_hant))
    return tuple(dict.fromkeys(fonts.serif + fonts.sans))


def _missing_glyphs(rendered: RenderedDocument, renderer: Renderer) -> BuildError | None:
    """All the text a document shows, template wording included, must have glyphs in its edition's faces.

    The plan's own text is checked earlier, with its line and column; this catches what the
    templates, the labels and the Traditional conversion add.
    """
    covered = coverage(theme_families(renderer, rendered.edition))
    body = lxml.html.document_fromstring(rendered.html).find("body")
    text = "".join(str(part) for part in body.itertext()) if body is not None else ""
    missing = uncovered(text, covered) if covered else []
    if not missing:
        return None
    shown = ", ".join(describe(char) for char in missing[:5])
    return BuildError(f"templates/{rendered.template} ({rendered.document}.{rendered.edition}): {shown} "
                      "has no glyph in the theme's fonts")


def check_glyphs(loaded: LoadedPlan, renderer: Renderer) -> list[Problem]:
    """Every character of the plan's text must have a glyph in the theme's fonts."""
    covered = coverage(theme_families(renderer))
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
    """Build every requested output that is not already up to date."""
    renderer = Renderer(project.templates, sandboxed=not project.templates_trusted, cache=project.cache / "jinja")
    documents = options.documents or tuple(renderer.catalogue.documents)
    editions = options.editions or tuple(renderer.catalogue.languages)
    fonts = stamp(theme_families(renderer))
    # Only English editions and not --strict: a plan whose Chinese is not written yet still builds.
    drafting = set(editions) == {"en"} and not options.strict
    plans, problems, summary = load_plans(project, plan_refs, drafting=drafting)
    caches = {loaded.plan.id: BuildCache.load(_out_dir(project, options, loaded)) for loaded in plans}
    for cache in caches.values():
        remove_stale_parts(cache.folder)
    # A cold build will need the workers: start them now, so that they load WeasyPrint
    # and the fonts while this process checks and renders.
    cold = options.force or not all(cache.entries for cache in caches.values())
    with _Workers(options, renderer, start_now=cold and not problems) as workers:
        report = BuildReport()
        for loaded in plans:
            problems.extend(_checked_glyphs(loaded, renderer, caches[loaded.plan.id], fonts))
            report.warnings.extend(str(warning) for warning in loaded.warnings)
            drafted = {warning.location.field for warning in loaded.warnings}
            findings = [finding for finding in check_quality(loaded) if finding.location.field not in drafted]
            if options.strict:  # --strict: a finding is an error like any other
                problems.extend(dataclasses.replace(finding, severity="error") for finding in findings)
            else:
                report.warnings.extend(str(finding) for finding in findings)
        if problems:
            raise ContentError(problems, summary)
        tasks: list[WriteTask] = []
        for loaded in plans:
            built = source_date(loaded.folder, loaded.plan.date)
            for document in documents:
                for edition in editions:
                    rendered = renderer.render(loaded, document, edition, built)
                    stale = _stale_tasks(project, loaded, rendered, options, caches[loaded.plan.id], fonts, report)
                    missing = _missing_glyphs(rendered, renderer) if stale else None
                    if missing is not None:  # labels, template text or the Traditional conversion
                        report.failures.append((f"{loaded.plan.id}/{document}.{edition}", missing))
                        continue
                    tasks.extend(stale)
        _run(tasks, workers, report, caches, progress)
    for cache in caches.values():
        cache.save()
    return report


def build_packs(
    project: Project, plan_refs: tuple[str, ...], options: BuildOptions, progress: Progress | None = None
) -> tuple[list[Path], BuildReport]:
    """Build everything of each plan, then write its press-pack zip (only when nothing failed)."""
    report = build(project, plan_refs, options, progress)
    if report.failures:
        return [], report
    catalogue = Renderer(project.templates, sandboxed=not project.templates_trusted).catalogue
    plans, _, _ = load_plans(project, plan_refs)
    packs = []
    for loaded in plans:
        outputs = [output for output in report.outputs if output.plan == loaded.plan.id]
        target = pack_path(_out_dir(project, options, loaded), loaded.plan.id)
        built = source_date(loaded.folder, loaded.plan.date)
        write_pack(loaded, outputs, catalogue, target, built, source_commit(loaded.folder))
        packs.append(target)
    return packs, report


def load_plans(
    project: Project, plan_refs: tuple[str, ...], drafting: bool = False
) -> tuple[list[LoadedPlan], list[Problem], str]:
    """Every requested plan that validates; the problems of those that do not, and their translation summaries."""
    plans, problems, summaries = [], [], []
    for plan_file in project.plan_files(plan_refs):
        try:
            plans.append(load_plan(plan_file, drafting=drafting))
        except ContentError as error:
            problems.extend(error.problems)
            summaries.extend([error.summary] if error.summary else [])
    return plans, problems, "\n".join(summaries)


def _out_dir(project: Project, options: BuildOptions, loaded: LoadedPlan) -> Path:
    return (options.out or project.output) / loaded.plan.id


def _checked_glyphs(loaded: LoadedPlan, renderer: Renderer, cache: BuildCache, fonts: str) -> list[Problem]:
    """The glyph check reads font cmaps (a fifth of a second); skip it when text and fonts are as last time."""
    key = digest(fonts, *(f"{path}={text}" for path, text in iter_texts(loaded.plan)))
    if cache.checks.get("glyphs") == key:
        return []
    problems = check_glyphs(loaded, renderer)
    if not problems:
        cache.checks["glyphs"] = key
    return problems


def _stale_tasks(
    project: Project,
    loaded: LoadedPlan,
    rendered: RenderedDocument,
    options: BuildOptions,
    cache: BuildCache,
    fonts: str,
    report: BuildReport,
) -> list[WriteTask]:
    out_dir = cache.folder
    stem = f"{rendered.document}.{rendered.edition}"
    images = _images(rendered.html, loaded.folder)
    tasks = []
    for fmt in options.formats:
        target = out_dir / f"{stem}.{fmt}"
        settings = f"variant={options.pdf_variant};strict={options.strict}" if fmt == "pdf" else ""
        reference = project.templates / "reference.docx"
        if fmt == "docx" and reference.is_file():
            settings = f"reference={file_digest(reference)}"  # its styles shape every DOCX
        key = output_key(rendered.html, fmt, settings, images, fonts if fmt != "html" else "")
        if not options.force and cache.is_fresh(target, key):
            pages = cache.entries[target.name].get("pages")
            report.outputs.append(
                Output(target, loaded.plan.id, rendered.document, rendered.edition, fmt,
                       int(pages) if pages else None, 0.0, skipped=True)
            )
            continue
        where = f"templates/{rendered.template} ({loaded.plan.id} {stem})"
        tasks.append(WriteTask(rendered, loaded.plan.id, fmt, loaded.folder, project.templates, target, where, key,
                               options.pdf_variant, options.strict))
    return tasks


def _images(html: str, plan_folder: Path) -> list[Path]:
    """The plan's image files a document names (their bytes are part of its key)."""
    found = []
    sources = lxml.html.document_fromstring(html).xpath("//img/@src")
    for source in sources if isinstance(sources, list) else []:
        try:
            path = media.resolve_inside(plan_folder, str(source))
        except ValueError:
            continue  # the writer reports it, located
        found.append(path)
        if path.suffix.lower() == ".svg" and media.svg_twin(path).is_file():
            found.append(media.svg_twin(path))
    return found


class _Workers:
    """Worker processes that keep WeasyPrint and the fonts loaded, started only when there is work."""

    def __init__(self, options: BuildOptions, renderer: Renderer, start_now: bool) -> None:
        self.count = options.jobs or os.cpu_count() or 1
        self.families = theme_families(renderer)
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        if start_now and self.count > 1 and set(options.formats) & {"pdf", "docx"}:
            self.start()

    def start(self) -> concurrent.futures.ProcessPoolExecutor:
        if self.pool is None:
            context = multiprocessing.get_context("fork")
            self.pool = concurrent.futures.ProcessPoolExecutor(
                self.count, mp_context=context, initializer=_warm_up, initargs=(self.families,)
            )
        return self.pool

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        if self.pool is not None:
            # On an error or Ctrl-C, queued outputs are dropped; running ones finish atomically or vanish.
            self.pool.shutdown(wait=True, cancel_futures=error is not None)


def _run(
    tasks: list[WriteTask],
    workers: _Workers,
    report: BuildReport,
    caches: dict[str, BuildCache],
    progress: Progress | None,
) -> None:
    # Longest first, so that two workers finish together rather than one waiting on the report.
    tasks = sorted(tasks, key=lambda task: (task.format != "pdf", -len(task.rendered.html)))
    done = 0

    def finish(task: WriteTask, result: Output | BriefkitError) -> None:
        nonlocal done
        done += 1
        cache = caches[task.plan]
        if isinstance(result, BriefkitError):
            report.failures.append((f"{task.plan}/{task.target.name}", result))
            cache.forget(task.target)
        else:
            report.outputs.append(result)
            report.warnings.extend(result.warnings)
            cache.record(task.target, task.key)
            if result.pages is not None:
                cache.entries[task.target.name]["pages"] = str(result.pages)
        if progress:
            progress(done, len(tasks), f"{task.plan}/{task.target.name}")

    if workers.pool is None and (workers.count <= 1 or sum(task.format != "html" for task in tasks) <= 1):
        for task in tasks:
            finish(task, write_output(task))
        return
    pool = workers.start()
    futures = {pool.submit(write_output, task): task for task in tasks}
    for future in concurrent.futures.as_completed(futures):
        task = futures[future]
        try:
            finish(task, future.result())
        except concurrent.futures.process.BrokenProcessPool:
            finish(task, BriefkitError(f"{task.where}: the worker process died (killed or out of memory)"))


def _warm_up(families: tuple[str, ...]) -> None:
    """Worker start: load WeasyPrint and the theme's faces once, not once per document."""
    from .writers.pdf import warm_up

    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    warm_up(families)


def _exit_with_parent(parent: int) -> None:
    """A worker whose build was killed (SIGKILL gives no chance to stop it) stops too, between files."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def write_output(task: WriteTask) -> Output | BriefkitError:
    """Write one output; errors come back as values so a worker never dies of them."""
    begun = time.perf_counter()
    rendered = task.rendered
    try:
        if task.format == "html":
            _write_html(rendered.html, task.plan_folder, task.target)
            return Output(task.target, task.plan, rendered.document, rendered.edition, "html", None,
                          time.perf_counter() - begun)
        if task.format == "pdf":
            from .writers.pdf import write_pdf

            result = write_pdf(rendered.html, roots={"plan": task.plan_folder, "templates": task.templates},
                               target=task.target, where=task.where, variant=task.pdf_variant, strict=task.strict)
            return Output(task.target, task.plan, rendered.document, rendered.edition, "pdf", result.pages,
                          time.perf_counter() - begun, result.layout_seconds, result.write_seconds,
                          warnings=tuple(f"{task.where}: {warning}" for warning in result.warnings))
        from .writers.docx import write_docx

        pages = write_docx(rendered, base=task.plan_folder, templates=task.templates, target=task.target,
                           where=task.where)
        return Output(task.target, task.plan, rendered.document, rendered.edition, "docx", pages,
                      time.perf_counter() - begun)
    except BriefkitError as error:
        return error
    except Exception as error:  # noqa: BLE001  a writer bug must not take the other outputs down
        return BriefkitError(f"{task.where}: internal error in the {task.format} writer: "
                             f"{type(error).__name__}: {error}")


def _write_html(html: str, plan_folder: Path, target: Path) -> None:
    """The HTML beside a copy of the images it names, so it opens in a browser as is."""
    write_atomic(target, html.encode("utf-8"))
    for path in _images(html, plan_folder):
        destination = target.parent / path.relative_to(plan_folder.resolve())
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)

