"""The build graph: plans x documents x editions x formats -> files under output/.

This is the one module where the stages meet. The parent process loads and
validates each plan, renders each document once per edition (milliseconds),
and keys every output by what it is made from. Only outputs whose key changed
go to the worker processes, which keep WeasyPrint and the fonts loaded; one
failing output is reported and the others still finish.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .build_workers import BuildWorkers, import_writers
from .cache import BuildCache, digest, output_key
from .checks import (
    check_glyphs,
    faces_with_repertoires,
    missing_glyphs,
    quality_findings,
    split_by_strictness,
    theme_families,
)
from .errors import BriefkitError, ContentError, Problem
from .files import ensure_folder, output_error, remove_stale_parts
from .fonts import stamp, substituted_faces
from .media import images_in
from .model import iter_texts
from .pack import pack_path, write_pack
from .project import Project
from .provenance import source_commit, source_date
from .render import RenderedDocument, Renderer, compiled_templates
from .validate import LoadedPlan, load_plan
from .workers import WorkerDied, collector_paused, exit_with_parent
from .writers import DEFAULT_FORMATS, FORMATS, WriteJob, WriteOptions


@dataclass(frozen=True)
class BuildOptions:
    documents: tuple[str, ...] = ()
    editions: tuple[str, ...] = ()
    formats: tuple[str, ...] = DEFAULT_FORMATS
    out: Path | None = None
    strict: bool = False
    pdf_variant: str | None = None
    jobs: int | None = None  # worker processes; None: the CPU count, 1: in this process
    force: bool = False
    reference_doc: Path | None = None  # a Word file the DOCX outputs take page, headers and styles from

    @property
    def write_options(self) -> WriteOptions:
        return WriteOptions(pdf_variant=self.pdf_variant, strict=self.strict, reference_doc=self.reference_doc)


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
    companions: tuple[str, ...] = ()  # files written beside it (image copies), relative to its folder


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
    job: WriteJob
    key: str

    @property
    def target(self) -> Path:
        return self.job.target

    @property
    def where(self) -> str:
        return self.job.where


Progress = Callable[[int, int, str], None]


def _all_theme_families(renderer: Renderer) -> tuple[str, ...]:
    """Every family the theme names, in any edition: what a PDF may embed."""
    fonts = renderer.theme.fonts
    return tuple(dict.fromkeys(fonts.serif + fonts.sans + fonts.serif_hant + fonts.sans_hant + fonts.required))


def build(
    project: Project, plan_refs: tuple[str, ...], options: BuildOptions, progress: Progress | None = None,
    workers: BuildWorkers | None = None,
) -> BuildReport:
    """Build every requested output that is not already up to date (`workers`: forked already, by the caller)."""
    renderer = project_renderer(project, cache=True)
    # Only English editions and not --strict: a plan whose Chinese is not written yet still builds.
    drafting = set(options.editions) == {"en"} and not options.strict
    plans, problems, summary = load_plans(project, plan_refs, drafting=drafting)
    return _build(project, renderer, plans, problems, summary, options, progress, workers)


def build_packs(
    project: Project, plan_refs: tuple[str, ...], options: BuildOptions, progress: Progress | None = None,
    workers: BuildWorkers | None = None,
) -> tuple[list[Path], BuildReport]:
    """Build everything of each plan, then write its press-pack zip (only when nothing failed)."""
    renderer = project_renderer(project, cache=True)
    plans, problems, summary = load_plans(project, plan_refs)
    report = _build(project, renderer, plans, problems, summary, options, progress, workers)
    if report.failures:
        return [], report
    packs = []
    for loaded in plans:  # the plans this build loaded, not read again: the pack shows what was built
        outputs = [output for output in report.outputs if output.plan == loaded.plan.id]
        out_dir = _out_dir(project, options, loaded)
        target = pack_path(out_dir, loaded.plan.id)
        built = source_date(loaded.folder, loaded.plan.date)
        record = BuildCache.load(out_dir)  # as saved: every file zipped must match it byte for byte
        write_pack(loaded, outputs, renderer.catalogue, target, built, source_commit(loaded.folder),
                   {output.path.name: record.recorded(output.path) for output in outputs})
        packs.append(target)
    return packs, report


def project_renderer(project: Project, cache: bool = False) -> Renderer:
    """The renderer of the project's templates (or --templates, sandboxed), named in messages as they are."""
    return Renderer(project.templates, sandboxed=not project.templates_trusted,
                    cache=compiled_templates() if cache else None, shown=project.templates_shown)


def _build(
    project: Project, renderer: Renderer, plans: list[LoadedPlan], problems: list[Problem], summary: str,
    options: BuildOptions, progress: Progress | None, workers: BuildWorkers | None,
) -> BuildReport:
    options = replace(options, reference_doc=_reference_doc(project, renderer, options))
    documents = options.documents or tuple(renderer.catalogue.documents)
    editions = options.editions or tuple(renderer.catalogue.languages)
    fonts = stamp(theme_families(renderer.theme))
    families = _all_theme_families(renderer)
    problems.extend(_duplicate_ids(plans))
    caches = {loaded.plan.id: BuildCache.load(_out_dir(project, options, loaded)) for loaded in plans}
    for cache in caches.values():
        remove_stale_parts(cache.folder)
    # A cold build will need the workers: start them now (if the caller did not), so that they
    # load WeasyPrint and the fonts while this process checks and renders.
    cold = options.force or not all(cache.entries for cache in caches.values())
    workers = workers or BuildWorkers(options.jobs, options.formats)
    if cold and not problems:
        workers.start_early()
    with workers:
        report = BuildReport()
        # Fonts honest: a theme face fontconfig replaces is a warning at its theme entry (--strict: an error).
        errors, warnings = split_by_strictness(substituted_faces(renderer.templates / "theme.yaml"), options.strict)
        problems.extend(errors)
        report.warnings.extend(str(problem) for problem in warnings)
        for loaded in plans:
            problems.extend(_checked_glyphs(loaded, renderer, caches[loaded.plan.id], fonts))
            report.warnings.extend(str(warning) for warning in loaded.warnings)
            drafted = {warning.location.field for warning in loaded.warnings}  # English standing in, already said
            errors, warnings = quality_findings(loaded, options.strict)
            problems.extend(error for error in errors if error.location.field not in drafted)
            report.warnings.extend(str(finding) for finding in warnings if finding.location.field not in drafted)
        if problems:
            raise ContentError(problems, summary)
        for cache in caches.values():
            ensure_folder(cache.folder)  # a file in the way: one clear message (exit 1), not one per output
            report.warnings.extend([cache.problem] if cache.problem else [])
        tasks: list[WriteTask] = []
        for loaded in plans:
            built = source_date(loaded.folder, loaded.plan.date)
            for document in documents:
                for edition in editions:
                    rendered = renderer.render(loaded, document, edition, built)
                    stale = _stale_tasks(project, loaded, rendered, options, caches[loaded.plan.id], fonts, families,
                                         report)
                    shown = renderer.shown_file(rendered.template)
                    missing = missing_glyphs(rendered, renderer.theme, shown) if stale else None
                    if missing is not None:  # labels, template text or the Traditional conversion
                        report.failures.append((f"{loaded.plan.id}/{document}.{edition}", missing))
                        continue
                    tasks.extend(stale)
        tasks = _with_font_subsets(project, renderer, editions, tasks)
        _run(tasks, workers, report, caches, progress)
    for cache in caches.values():
        try:
            cache.save()  # the outputs are recorded already; this keeps the check keys
        except BriefkitError as error:
            report.warnings.append(str(error))
    return report


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


def _duplicate_ids(plans: list[LoadedPlan]) -> list[Problem]:
    """Two plans with one id would write into one output folder and one press pack."""
    first: dict[str, LoadedPlan] = {}
    problems = []
    for loaded in plans:
        other = first.setdefault(loaded.plan.id, loaded)
        if other is not loaded:
            problems.append(Problem(loaded.source_map.locate(("id",)), f"plan id '{loaded.plan.id}' is already the "
                                    f"id of {other.source_map.file}; each plan needs its own id (it names the "
                                    "output folder)"))
    return problems


def _out_dir(project: Project, options: BuildOptions, loaded: LoadedPlan) -> Path:
    return (options.out or project.output) / loaded.plan.id


def _checked_glyphs(loaded: LoadedPlan, renderer: Renderer, cache: BuildCache, fonts: str) -> list[Problem]:
    """The glyph check reads font cmaps (a fifth of a second); skip it when text and fonts are as last time."""
    key = digest(fonts, *(f"{path}={text}" for path, text in iter_texts(loaded.plan)))
    if cache.checks.get("glyphs") == key:
        return []
    problems = check_glyphs(loaded, renderer.theme)
    if not problems:
        cache.checks["glyphs"] = key
    return problems


def _reference_doc(project: Project, renderer: Renderer, options: BuildOptions) -> Path | None:
    """The DOCX reference document: --reference-doc, else theme.yaml's docx.reference, else templates/reference.docx."""
    if options.reference_doc is not None:
        return options.reference_doc
    if renderer.theme.docx.reference:
        return project.templates / renderer.theme.docx.reference
    implicit = project.templates / "reference.docx"
    return implicit if implicit.is_file() else None


def _with_font_subsets(
    project: Project, renderer: Renderer, editions: tuple[str, ...], tasks: list[WriteTask]
) -> list[WriteTask]:
    """The theme's large faces for the outputs that embed fonts, cut while the workers import WeasyPrint.

    Each face is cut once per machine to its script's standard character set (kept in the
    user's cache); outputs with a character outside it get a copy cut to the build's characters,
    which each PDF cuts again to its own (writers/subset.py). A PDF's bytes depend on neither
    the build nor the copy it was laid out from, so output keys do not either.
    """
    embedding = [task for task in tasks if FORMATS[task.format].embeds_fonts]
    if not embedding:
        return tasks
    from .writers.subset import covers, cut_for_build, cut_to_repertoires, machine_cache

    pairs = faces_with_repertoires(renderer.theme, editions)
    try:
        repertoire = cut_to_repertoires(pairs, machine_cache())
    except (OSError, BriefkitError):  # no writable user cache: the project's
        repertoire = cut_to_repertoires(pairs, project.cache / "fonts")
    others = [task.rendered.html for task in embedding
              if repertoire is None or not covers(repertoire, task.rendered.html)]
    faces = list(dict.fromkeys(face for face, _ in pairs))
    folder = cut_for_build(faces, others, project.cache / "fonts") if others else None
    return [replace(task, job=replace(task.job, fonts=folder, repertoire=repertoire))
            if FORMATS[task.format].embeds_fonts else task for task in tasks]


def _stale_tasks(
    project: Project,
    loaded: LoadedPlan,
    rendered: RenderedDocument,
    options: BuildOptions,
    cache: BuildCache,
    fonts: str,
    families: tuple[str, ...],
    report: BuildReport,
) -> list[WriteTask]:
    out_dir = cache.folder
    stem = f"{rendered.document}.{rendered.edition}"
    images = images_in(rendered.html, loaded.folder)
    tasks = []
    templates = project.templates_for(loaded.folder)
    # The page layout of this HTML, shared by its writers (the PDF's page numbers for Word's TOC).
    layout = project.cache / "layouts" / f"{output_key(rendered.html, 'layout', '', images, fonts)[:32]}.json"
    for name in options.formats:
        spec = FORMATS[name]
        target = out_dir / f"{stem}.{name}"
        settings = spec.settings(options.write_options, templates)
        key = output_key(rendered.html, name, settings, images, fonts if spec.uses_fonts else "")
        if not options.force and cache.is_fresh(target, key):  # the same key AND the same bytes as recorded
            report.outputs.append(Output(target, loaded.plan.id, rendered.document, rendered.edition, name,
                                         cache.pages(target), 0.0, skipped=True))
            continue
        where = f"{project.templates_shown}/{rendered.template} ({loaded.plan.id} {stem})"
        job = WriteJob(target, loaded.folder, templates, where, options.write_options, families, layout=layout)
        tasks.append(WriteTask(rendered, loaded.plan.id, name, job, key))
    return tasks


def _run(
    tasks: list[WriteTask],
    workers: BuildWorkers,
    report: BuildReport,
    caches: dict[str, BuildCache],
    progress: Progress | None,
) -> None:
    # Slow formats and long documents first, so that two workers finish together rather than one waiting on the
    # report; the registry lists the slowest format first.
    order = list(FORMATS)
    tasks = sorted(tasks, key=lambda task: (order.index(task.format), -len(task.rendered.html)))
    done = 0

    def finish(task: WriteTask, result: Output | BriefkitError) -> None:
        nonlocal done
        done += 1
        cache = caches[task.plan]
        if not isinstance(result, BriefkitError):
            # Recorded (and the record saved) at once, output by output: a build killed after this
            # point leaves a record that matches the files; before it, the file's bytes differ from
            # what the record holds, so the next build writes it again.
            try:  # with the files the writer put beside it (image copies): they are part of the output
                cache.record(task.target, task.key, result.pages, result.companions)
            except OSError as error:
                result = output_error(task.target, error)
            except BriefkitError as error:
                result = error
        if isinstance(result, BriefkitError):
            report.failures.append((f"{task.plan}/{task.target.name}", result))
            try:
                cache.forget(task.target)
            except BriefkitError as error:
                report.warnings.append(str(error))
        else:
            report.outputs.append(result)
            report.warnings.extend(result.warnings)
        if progress:
            progress(done, len(tasks), f"{task.plan}/{task.target.name}")

    pool = workers.pool
    if pool is None and workers.count > 1 and sum(FORMATS[task.format].heavy for task in tasks) > 1:
        pool = workers.start()
    if pool is None:  # one worker, at most one slow output, or no fork on this system: write them here
        for task in tasks:
            finish(task, write_output(task))
        return
    waiting = list(tasks)
    running: dict[int, WriteTask] = {}  # worker number -> its task
    while waiting or running:
        # One task per worker at a time, so the next one is chosen when a worker is free (see _next_task).
        while waiting and pool.idle:
            task = _next_task(waiting, running.values())
            number = pool.submit(task)
            if number is None:  # the idle workers had died: wait for a busy one
                waiting.insert(0, task)
                break
            running[number] = task
        if not running:  # every worker died: the pool takes no more work
            for task in waiting:
                finish(task, BriefkitError(f"{task.where}: not written: a worker process died (killed or out of "
                                           "memory)"))
            return
        for number, result in pool.results():
            task = running.pop(number)
            if isinstance(result, WorkerDied):
                result = BriefkitError(f"{task.where}: the worker process died (killed or out of memory)")
            finish(task, result)


def _next_task(waiting: list[WriteTask], running: Iterable[WriteTask]) -> WriteTask:
    """The first waiting task whose page layout no earlier task is still making; else simply the first.

    The PDF writer saves each document's layout for the DOCX writer of the same HTML (writers/page_layout.py);
    a DOCX started while its PDF is still being written lays the document out again, so it waits when
    other work is there to do. Formats come in registry order, PDF first."""
    busy = {task.job.layout for task in (*waiting, *running) if task.job.layout and FORMATS[task.format].saves_layout}
    for index, task in enumerate(waiting):
        if FORMATS[task.format].saves_layout or task.job.layout not in busy:
            return waiting.pop(index)
    return waiting.pop(0)


def _warm_up() -> None:
    """The preview's PDF worker's start: watch its parent, import the writers once (fonts load with the first PDF)."""
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    import_writers()


def write_output(task: WriteTask) -> Output | BriefkitError:
    """Write one output; errors come back as values so a worker never dies of them."""
    begun = time.perf_counter()
    rendered = task.rendered
    try:
        with collector_paused():  # the cycle collector would walk the growing layout again and again (workers.py)
            result = FORMATS[task.format].writer()(rendered, task.job)
    except BriefkitError as error:
        return error
    except Exception as error:  # noqa: BLE001  a writer bug must not take the other outputs down
        return BriefkitError(f"{task.where}: internal error in the {task.format} writer: "
                             f"{type(error).__name__}: {error}")
    return Output(task.target, task.plan, rendered.document, rendered.edition, task.format, result.pages,
                  time.perf_counter() - begun, result.layout_seconds, result.write_seconds,
                  warnings=tuple(f"{task.where}: {warning}" for warning in result.warnings),
                  companions=result.companions)
