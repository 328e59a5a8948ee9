"""The command line: the only module that prints or exits.

Exit codes: 0 ok, 1 build failure, 2 usage or content error, 130 interrupted. Messages go to
stderr; listings and schemas to stdout.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.shell_completion import CompletionItem

from . import stamp
from .build_workers import BuildWorkers, first_build
from .diagnostics import STYLES, Diagnostics, parse_message, problems_of
from .editions import EDITIONS
from .errors import BriefkitError, ContentError, Problem
from .files import display_path
from .workers import collector_paused
from .writers import DEFAULT_FORMATS, FORMATS

# The plan model, Jinja and the checks load only in the commands that use them: a build the
# stamp answers (briefkit.stamp) never imports them.
if TYPE_CHECKING:
    from .pipeline import BuildReport, Output
    from .project import Project

EXIT_OK, EXIT_BUILD, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT: what shells and CI runners report for a command stopped by Ctrl-C
# translate.FORMATS' names (test_stamp holds them equal): importing translate loads the plan model and cn2an
EXCHANGE_FORMATS = ("xliff", "po")


def _show_version(context: click.Context, asked: bool) -> None:
    """click's version option, with the version looked up only when asked (importlib.metadata is slow to load)."""
    if asked and not context.resilient_parsing:
        from . import __version__

        click.echo(f"briefkit, version {__version__}")
        context.exit()


def _project(context: click.Context) -> Project:
    """The project, made on first use: the module loads the plan model, which a stamped build does without."""
    from .project import Project

    project: Project | None = context.meta.get("briefkit.project")
    if project is None:
        project = context.meta["briefkit.project"] = Project(*context.obj)
    return project


def _fail(error: BriefkitError) -> None:
    if _diagnostics().style == "human":
        click.echo(str(error), err=True)
    else:
        _report(problems_of(error))
    if isinstance(error, ContentError):
        if error.summary:  # how much is translated, when translations are missing
            click.echo(error.summary, err=True)
        count = len(error.problems)
        click.echo(f"Aborted with {count} content error{'s' if count != 1 else ''}.", err=True)
    sys.exit(error.exit_code)


# --- output habits: -q/-v, --diagnostics human|json|github, shell completion --------------------------------------

def _verbosity() -> int:
    context = click.get_current_context(silent=True)
    return int(context.meta.get("briefkit.verbosity", 0)) if context else 0


def _set_verbosity(context: click.Context, change: int) -> None:
    context.meta["briefkit.verbosity"] = int(context.meta.get("briefkit.verbosity", 0)) + change


def _diagnostics() -> Diagnostics:
    context = click.get_current_context(silent=True)
    if context is None:
        return Diagnostics()
    diagnostics: Diagnostics = context.meta.setdefault("briefkit.diagnostics", Diagnostics())
    return diagnostics


def _set_diagnostics(context: click.Context, param: click.Parameter, style: str) -> str:
    diagnostics = _diagnostics()
    diagnostics.style = style
    if style == "json":  # one document on stdout when the command ends, however it ends
        context.call_on_close(lambda: click.echo(diagnostics.document()))
    return style


_diagnostics_option = click.option(
    "--diagnostics", type=click.Choice(STYLES), default="human", show_default=True, expose_value=False,
    callback=_set_diagnostics, is_eager=True,
    help="How problems are reported: text, one JSON document on stdout, or GitHub workflow annotations.")


def _report(problems: list[Problem]) -> None:
    """Warnings and errors in the chosen style: text on stderr, annotations on stdout (the runner reads them)."""
    diagnostics = _diagnostics()
    for line in diagnostics.lines(problems):
        click.echo(line, err=diagnostics.style == "human")


def _say_search_path(folders: tuple[Path, ...]) -> None:
    if _verbosity() > 0:
        click.echo("templates: " + " -> ".join(str(folder) for folder in folders), err=True)


def _completion_project(context: click.Context) -> Project:
    from .project import Project

    root = context.find_root().params.get("project_root") or Path(".")
    return Project(Path(root))


def _complete_plans(context: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Plan ids under content/ (shell completion)."""
    from .project import PLAN_FILE

    project = _completion_project(context)
    ids = sorted(path.parent.name for path in project.content.glob(f"*/{PLAN_FILE}"))
    return [CompletionItem(name) for name in ids if name.startswith(incomplete)]


def _complete_documents(context: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Document names from the catalogue (shell completion)."""
    from .catalogue import load_catalogue

    try:
        names = list(load_catalogue(_completion_project(context).templates).documents)
    except BriefkitError:
        return []
    return [CompletionItem(name) for name in names if name.startswith(incomplete)]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=lambda c, p, v: _show_version(c, v), help="Show the version and exit.")
@click.option("-q", "--quiet", "quiet", count=True, expose_value=False, callback=lambda c, p, v: _set_verbosity(c, -v),
              help="Only warnings and errors: no progress, no summary.")
@click.option("-v", "--verbose", "verbose", count=True, expose_value=False,
              callback=lambda c, p, v: _set_verbosity(c, v), help="Say more: the template search path, every output.")
@click.option("--project", "project_root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Project folder holding content/, templates/ and output/.")
@click.option("--templates", "templates", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None, help="Templates folder to use instead of the project's (runs in Jinja's sandbox).")
@click.pass_context
def cli(context: click.Context, project_root: Path, templates: Path | None) -> None:
    """briefkit: one bilingual plan in YAML -> a validated press pack (PDF, DOCX, HTML).

    \b
    Exit codes: 0 ok, 1 build failure, 2 usage or content error, 130 interrupted (Ctrl-C).
    """
    context.obj = (project_root, templates)  # made into a Project by _project(), when a command needs one


@cli.command("build")
@click.argument("plans", nargs=-1, shell_complete=_complete_plans)
@click.option("--doc", "documents", multiple=True, shell_complete=_complete_documents,
              help="Document to build (repeatable); default: all.")
@click.option("--lang", "editions", multiple=True, type=click.Choice(list(EDITIONS)),
              help="Edition to build (repeatable); default: all.")
@click.option("--format", "formats", multiple=True, type=click.Choice(list(FORMATS)),
              help="Output format (repeatable): " + "; ".join(f"{name}: {spec.description}"
                                                            for name, spec in FORMATS.items())
              + f". Default: {' and '.join(DEFAULT_FORMATS)}.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder; default: output/.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes; default: CPU count.")
@click.option("--strict", is_flag=True, help="Treat warnings (WeasyPrint's included) as errors.")
@click.option("--force", is_flag=True, help="Rebuild outputs even when their inputs did not change.")
@click.option("--pdf-variant", type=click.Choice(["pdf/a-3b", "pdf/ua-1"]), default=None,
              help="Archival or accessibility PDF variant passed to WeasyPrint.")
@_diagnostics_option
@click.option("--reference-doc", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Word file whose page, headers, footers and styles the DOCX files take (see reference-doc).")
@click.pass_context
@collector_paused()  # one short process: its imports, checks and renders run without the collector (workers.py)
def build_command(context: click.Context, plans: tuple[str, ...], documents: tuple[str, ...],
                  editions: tuple[str, ...], formats: tuple[str, ...], out: Path | None, jobs: int | None,
                  strict: bool, force: bool, pdf_variant: str | None, reference_doc: Path | None) -> None:
    """Build documents for PLAN (an id under content/, a folder or a file); no PLAN: all plans."""
    root, templates = context.obj
    request = stamp.Request(root, templates, plans, documents, editions, formats or DEFAULT_FORMATS, out, strict,
                            pdf_variant, reference_doc)
    state = stamp.inputs(request)  # before the build reads anything: an edit made while it runs is not vouched for
    stamped, why = stamp.check(state) if not force else (None, "--force")
    if stamped is not None and state is not None:
        _say_search_path(state.folders)
        if _verbosity() > 0:
            click.echo("build stamp: nothing changed since the last build; its outputs are as it wrote them", err=True)
        _print_build(stamped)
        return
    if _verbosity() > 0:
        click.echo(f"build stamp not used: {why}", err=True)
    stamp.remove(request)
    project = _project(context)
    from .catalogue import load_catalogue
    from .pipeline import BuildOptions, build

    options = BuildOptions(documents, editions, formats or DEFAULT_FORMATS, out, strict, pdf_variant, jobs, force,
                           reference_doc)
    # Forked after the imports both sides need and before the plans load, when the build is surely cold
    # (build_workers.py).
    with BuildWorkers(jobs, options.formats, first_build(out or project.output, force)) as workers:
        try:
            known = load_catalogue(project.templates).documents
            unknown = [d for d in documents if d not in known]
            if unknown:
                raise click.BadParameter(f"unknown document {unknown[0]!r}; known: {', '.join(known)}",
                                         param_hint="--doc")
            _say_search_path(project.templates.folders)
            report = build(project, plans, options, progress=_progress_printer() if _verbosity() >= 0 else None,
                           workers=workers)
        except BriefkitError as error:
            _fail(error)
            return
    if not report.failures:
        _save_stamp(state, project, plans, report)
    _print_build(report)


def _save_stamp(state: stamp.State | None, project: Project, plans: tuple[str, ...], report: BuildReport) -> None:
    """Stamp a build without failures, with the warnings its no-op would print again (not the writers')."""
    try:
        resolved = project.plan_files(plans)
    except BriefkitError:
        return
    from .catalogue import load_theme

    try:  # the theme's Word reference document may be named by a path outside the template folders
        reference = load_theme(project.templates).docx.reference
    except BriefkitError:
        return
    warnings = stamp.replayed(report.warnings, [warning for output in report.outputs for warning in output.warnings])
    stamp.save(state, [output.path for output in report.outputs], warnings, resolved,
               [project.templates / reference] if reference else [])


def _print_build(report: BuildReport | stamp.StampedReport) -> None:
    """The summary, the warnings and the failures of a build (exit 1 when outputs failed)."""
    if _verbosity() >= 0 and _diagnostics().style != "json":
        _print_summary(report)
    if _diagnostics().style == "human":
        for warning in report.warnings:
            click.echo(warning if "warning: " in warning else f"warning: {warning}", err=True)
        for name, failure in report.failures:
            click.echo(f"FAILED {name}:\n{failure}", err=True)
    else:
        _report([parse_message(w if "warning: " in w else f"warning: {w}") for w in report.warnings])
        _report([problem for _, failure in report.failures for problem in problems_of(failure)])
    if report.failures:
        click.echo(f"{len(report.failures)} of {len(report.outputs) + len(report.failures)} outputs failed.", err=True)
        sys.exit(EXIT_BUILD)


def _progress_printer() -> Callable[[int, int, str], None]:
    """A bar that redraws itself on a terminal; plain lines when stderr is a log (CI)."""
    interactive = sys.stderr.isatty()

    def show(done: int, total: int, name: str) -> None:
        if interactive:
            filled = int(30 * done / total)
            click.echo(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {name[-40:]:<40}", err=True, nl=False)
            if done == total:
                click.echo("", err=True)
        else:
            click.echo(f"[{done}/{total}] {name}", err=True)

    return show


def _print_summary(report: BuildReport | stamp.StampedReport) -> None:
    outputs: list[Output | stamp.StampedOutput] = sorted(report.outputs, key=lambda o: str(o.path))
    if not outputs:
        return
    width = max(len("file"), *(len(_shown(output.path)) for output in outputs))
    click.echo(f"{'file':<{width}} {'pages':>5} {'size':>9} {'seconds':>8}")
    for output in outputs:
        pages = "" if output.pages is None else str(output.pages)
        size = f"{output.path.stat().st_size / 1024:.0f} KiB" if output.path.exists() else "-"
        seconds = "cached" if output.skipped else f"{output.seconds:.2f}"
        click.echo(f"{_shown(output.path):<{width}} {pages:>5} {size:>9} {seconds:>8}")
    built = len(report.built)
    click.echo(f"{built} built, {len(report.outputs) - built} up to date, {len(report.failures)} failed")


def _shown(path: Path) -> str:
    return display_path(path)


@cli.command("pack")
@click.argument("plans", nargs=-1, shell_complete=_complete_plans)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder; default: output/.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes; default: CPU count.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--force", is_flag=True, help="Rebuild outputs even when their inputs did not change.")
@click.option("--reference-doc", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Word file whose page, headers, footers and styles the DOCX files take (see reference-doc).")
@click.pass_context
@collector_paused()
def pack_command(context: click.Context, plans: tuple[str, ...], out: Path | None, jobs: int | None, strict: bool,
                 force: bool, reference_doc: Path | None) -> None:
    """Build every document of PLAN in every language and format, then zip them with a manifest."""
    project = _project(context)
    from .pipeline import BuildOptions, build_packs

    options = BuildOptions(formats=tuple(FORMATS), out=out, strict=strict, jobs=jobs, force=force,
                           reference_doc=reference_doc)
    with BuildWorkers(jobs, options.formats, first_build(out or project.output, force)) as workers:
        try:
            packs, report = build_packs(project, plans, options, progress=_progress_printer(), workers=workers)
        except BriefkitError as error:
            _fail(error)
            return
    for name, failure in report.failures:
        click.echo(f"FAILED {name}:\n{failure}", err=True)
    if report.failures:
        click.echo("No press pack written: some outputs failed.", err=True)
        sys.exit(EXIT_BUILD)
    for path in packs:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        click.echo(f"{_shown(path)}  {path.stat().st_size / 1024:.0f} KiB  sha256 {digest}")


@cli.command("validate")
@click.argument("plans", nargs=-1, shell_complete=_complete_plans)
@click.option("--strict", is_flag=True, help="Treat warnings (number parity, glossary, punctuation) as errors.")
@click.option("--fix", is_flag=True, help="Rewrite ASCII punctuation in Chinese text to full-width, in place.")
@click.option("--accept-translations", is_flag=True,
              help="Record every Chinese text as translated from its current English (clears stale warnings).")
@_diagnostics_option
@click.pass_context
def validate_command(context: click.Context, plans: tuple[str, ...], strict: bool, fix: bool,
                     accept_translations: bool) -> None:
    """Check PLAN files and report every problem, located as file:line:col: field: message."""
    from . import translate
    from .checks import check_glyphs, quality_findings
    from .pipeline import project_renderer
    from .quality import completeness, fix_punctuation
    from .validate import load_plan

    project = _project(context)
    problems: list[Problem] = []
    summaries: list[str] = []
    try:
        renderer = project_renderer(project)
        for plan_file in project.plan_files(plans):
            try:
                loaded = load_plan(plan_file)
                if fix:
                    fixed = fix_punctuation(loaded)
                    if fixed:
                        click.echo(f"{_shown(plan_file)}: fixed punctuation in {fixed} Chinese text(s)", err=True)
                        loaded = load_plan(plan_file)
                if accept_translations:
                    recorded = translate.accept_translations(plan_file)
                    click.echo(f"{_shown(plan_file)}: recorded {recorded} translation(s) as current", err=True)
                stale = translate.stale_findings(plan_file)
            except ContentError as error:
                problems.extend(error.problems)
                if error.summary:
                    summaries.append(error.summary)
                continue
            glyphs = check_glyphs(loaded, renderer.theme)
            # strict: findings are errors, shown once with the others
            errors, findings = quality_findings(loaded, strict, also=stale)
            problems.extend(glyphs)
            problems.extend(errors)
            _report(findings)
            findings = findings or errors
            warned = f", {len(findings)} warning{'s' if len(findings) != 1 else ''}" if findings else ""
            if not glyphs and _verbosity() >= 0 and _diagnostics().style != "json":
                click.echo(f"{_shown(plan_file)}: {'ok' if not findings else 'checked'} ({loaded.plan.id}, "
                           f"{len(loaded.plan.actions)} action{'s' if len(loaded.plan.actions) != 1 else ''}; "
                           f"{completeness(loaded)}{warned})")
    except BriefkitError as error:
        _fail(error)
        return
    if problems:
        _fail(ContentError(problems, "\n".join(summaries)))


@cli.command("glossary")
@click.argument("plan", shell_complete=_complete_plans)
@click.pass_context
def glossary_command(context: click.Context, plan: str) -> None:
    """Print PLAN's glossary: each English term and its one Chinese rendering."""
    from .validate import load_plan

    project = _project(context)
    try:
        [plan_file] = project.plan_files((plan,))
        loaded = load_plan(plan_file)
    except BriefkitError as error:
        _fail(error)
        return
    terms = loaded.plan.glossary
    if not terms:
        click.echo(f"{loaded.plan.id} has no glossary (add glossary.yaml beside plan.yaml)", err=True)
        return
    width = max(len(term.en) for term in terms)
    click.echo(f"{'English':<{width}}  中文  (繁體)")
    for term in terms:
        hant = f"  ({term.zh_hant})" if term.zh_hant else ""
        click.echo(f"{term.en:<{width}}  {term.zh}{hant}")


@cli.command("list")
@click.pass_context
def list_command(context: click.Context) -> None:
    """List plans, documents and languages."""
    from .catalogue import load_catalogue

    project = _project(context)
    try:
        catalogue = load_catalogue(project.templates)
        plan_files = project.plan_files(())
    except BriefkitError as error:
        _fail(error)
        return
    click.echo("Plans:")
    for plan_file in plan_files:
        click.echo(f"  {plan_file.parent.name:<28} {_shown(plan_file)}")
    click.echo("Documents:")
    for name, spec in catalogue.documents.items():
        click.echo(f"  {name:<28} {spec.title.en} / {spec.title.zh}: {spec.description}")
    click.echo("Languages:")
    for edition in catalogue.languages:
        click.echo(f"  {edition}")
    for edition in EDITIONS:
        if edition not in catalogue.languages:
            click.echo(f"  {edition:<28} on request (--lang {edition}): machine-converted from Simplified Chinese")


@cli.command("reference-doc")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write; default: standard output (briefkit reference-doc > custom.docx).")
@click.pass_context
def reference_doc_command(context: click.Context, output: Path | None) -> None:
    """Write the default Word reference document: edit its styles, page and header, then build with it."""
    from .writers.docx import default_reference

    stdout = sys.stdout.buffer
    if output is None and stdout.isatty():
        raise click.UsageError("the reference document is a Word file: redirect it, e.g. "
                               "briefkit reference-doc > custom.docx, or use --output FILE")
    try:
        data = default_reference(_project(context).templates)
    except BriefkitError as error:
        _fail(error)
        return
    if output is None:
        stdout.write(data)
        stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise click.FileError(str(output), hint=exc.strerror) from None


@cli.command("migrate")
@click.argument("plans", nargs=-1, required=True)
@click.pass_context
def migrate_command(context: click.Context, plans: tuple[str, ...]) -> None:
    """Upgrade schema-1 PLAN files to schema 2 in place, keeping comments; print what needs a person's eye."""
    from .migrate import migrate_file
    from .validate import load_plan

    project = _project(context)
    try:
        for plan_file in project.plan_files(plans):
            notes = migrate_file(plan_file, _shown(plan_file))
            click.echo(f"{_shown(plan_file)}: migrated to schema 2", err=True)
            for note in notes:
                click.echo(f"{_shown(plan_file)}: not mapped: {note}", err=True)
            load_plan(plan_file)  # the result must validate; if not, the messages say where
    except BriefkitError as error:
        _fail(error)


@cli.command("schema")
@click.option("--glossary", is_flag=True, help="The schema of glossary.yaml instead of plan.yaml.")
def schema_command(glossary: bool) -> None:
    """Print the JSON Schema of plan files (for editor completion)."""
    from .model import Glossary, plan_json_schema

    click.echo(json.dumps(plan_json_schema(Glossary if glossary else None), indent=2, ensure_ascii=False))


@cli.command("doctor")
@click.option("--strict", is_flag=True, help="A theme font that fontconfig substitutes is an error.")
@click.pass_context
def doctor_command(context: click.Context, strict: bool) -> None:
    """Check the machine: Python, WeasyPrint, Pango, HarfBuzz-Subset, the theme's fonts."""
    import ctypes.util
    import platform

    from .catalogue import load_theme
    from .checks import split_by_strictness
    from .fonts import find_family, matched_family, substituted_faces

    project = _project(context)
    required_missing = False

    def report(name: str, value: str | None, required: bool = True) -> None:
        nonlocal required_missing
        mark = "ok     " if value else ("MISSING" if required else "absent ")
        click.echo(f"{mark} {name:<26} {value or ''}")
        required_missing = required_missing or (required and not value)

    report("Python", platform.python_version())
    try:
        import weasyprint
        from weasyprint.text.ffi import pango

        report("WeasyPrint", weasyprint.__version__)
        version = pango.pango_version()
        report("Pango", f"{version // 10000}.{version // 100 % 100}.{version % 100}")
    except (ImportError, OSError, AttributeError) as error:
        report("WeasyPrint/Pango", None)
        click.echo(f"        {error}", err=True)
    report("HarfBuzz-Subset", ctypes.util.find_library("harfbuzz-subset"))
    try:
        theme = load_theme(project.templates)
    except BriefkitError as error:
        _fail(error)
        return
    fonts = theme.fonts
    for family in dict.fromkeys(fonts.serif + fonts.sans + fonts.serif_hant + fonts.sans_hant + fonts.required):
        faces = find_family(family)
        matched = matched_family(family)
        if matched and matched != family:  # fontconfig would quietly print another face
            click.echo(f"{'MISSING' if strict or family in fonts.required else 'absent '} {'font ' + family:<26} "
                       f"substituted by {matched}")
            required_missing = required_missing or strict or family in fonts.required
            continue
        report(f"font {family}", f"{len(faces)} faces, {faces[0].file}" if faces else None,
               required=family in fonts.required)
    errors, warnings = split_by_strictness(substituted_faces(project.templates / "theme.yaml"), strict)
    for problem in errors + warnings:
        click.echo(str(problem), err=True)
    report("LibreOffice (tests)", shutil.which("soffice"), required=False)
    report("pdftotext (tests)", shutil.which("pdftotext"), required=False)
    if required_missing:
        click.echo("Something required is missing: run `make build` (it installs the system packages).", err=True)
        sys.exit(EXIT_BUILD)


@cli.command("clean")
@click.argument("plans", nargs=-1, shell_complete=_complete_plans)
@click.pass_context
def clean_command(context: click.Context, plans: tuple[str, ...]) -> None:
    """Remove built outputs (of PLAN, or of every plan and the project's cache, .briefkit-cache/)."""
    project = _project(context)
    if plans:
        bad = [name for name in plans if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name)]
        if bad:
            click.echo(f"clean takes plan ids (their outputs under output/), not paths: {bad[0]!r}", err=True)
            sys.exit(EXIT_USAGE)
        known = {path.parent.name for path in project.content.glob("*/plan.yaml")}
        known |= {path.name for path in project.output.iterdir() if path.is_dir()} if project.output.is_dir() else set()
        unknown = [name for name in plans if name not in known]
        if unknown:
            shown = f"; known: {', '.join(sorted(known))}" if known else ""
            click.echo(f"clean: no plan {unknown[0]!r} (no content/{unknown[0]}/ and no output/{unknown[0]}/){shown}",
                       err=True)
            sys.exit(EXIT_USAGE)
        targets = [project.output / name for name in plans]
    else:
        built = [path for path in project.output.iterdir() if path.is_dir()] if project.output.is_dir() else []
        targets = [*built, project.cache]
    for target in targets:
        if target.is_dir():
            shutil.rmtree(target)
            if _verbosity() >= 0:
                click.echo(f"removed {_shown(target)}")


# --- init and preview: from an empty folder to the authoring loop ---------------------------------------------------

@cli.command("init")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--eject-templates", is_flag=True,
              help="Also copy the built-in templates into templates/ for editing (to override one, copy only it).")
@click.pass_context
def init_command(context: click.Context, folder: Path | None, eject_templates: bool) -> None:
    """Create a project in FOLDER (default: the --project folder) with one example plan; copies no templates."""
    from .project import PLAN_FILE
    from .scaffold import init_project

    root = folder or _project(context).root
    try:
        written = init_project(root, eject_templates=eject_templates)
    except BriefkitError as error:
        _fail(error)
        return
    for path in written:
        if _verbosity() > 0:
            click.echo(f"wrote {_shown(path)}", err=True)
    if _verbosity() >= 0:
        plans = sorted({path.parent.name for path in written if path.name == PLAN_FILE})
        where = "" if root.resolve() == Path.cwd().resolve() else f"cd {_shown(root)} && "
        click.echo(f"{len(written)} files written in {_shown(root)}.", err=True)
        if plans:
            click.echo(f"Next: {where}briefkit preview {plans[0]}   (or: briefkit validate, briefkit pack)", err=True)


@cli.command("preview")
@click.argument("plan", required=False, shell_complete=_complete_plans)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--doc", "document", default=None, shell_complete=_complete_documents,
              help="Document shown first; default: the first in the catalogue.")
@click.option("--lang", "edition", type=click.Choice(list(EDITIONS)), default=None,
              help="Edition shown first; default: the first of the catalogue's languages.")
@click.option("--no-pdf", is_flag=True, help="Show the HTML only; do not write PDFs while editing.")
@click.pass_context
def preview_command(context: click.Context, plan: str | None, host: str, port: int, document: str | None,
                    edition: str | None, no_pdf: bool) -> None:
    """Serve PLAN's documents on a local web page that rebuilds and reloads as you save."""
    from .preview import PreviewOptions, serve

    project = _project(context)
    try:
        options = PreviewOptions(host=host, port=port, document=document, edition=edition, pdf=not no_pdf)
        serve(project, plan, options, say=lambda text: click.echo(text, err=True))
    except BriefkitError as error:
        _fail(error)


# -- translate: the translators' round trip (XLIFF 2.1 or PO by field path) ------------------------


@cli.group("translate")
def translate_group() -> None:
    """Exchange the Chinese texts with translators' CAT tools: XLIFF 2.1 or PO, one unit per field path."""


@translate_group.command("export")
@click.argument("plan")
@click.option("--format", "fmt", type=click.Choice(EXCHANGE_FORMATS), default="xliff", show_default=True,
              help="XLIFF 2.1 (Trados, memoQ, Phrase) or gettext PO (Poedit, Weblate).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write; default: <plan id>.zh.xlf (or .po) in the current folder.")
@click.pass_context
def translate_export_command(context: click.Context, plan: str, fmt: str, out: Path | None) -> None:
    """Write PLAN's bilingual texts for translators: English source, current Chinese, notes and a state."""
    from . import translate
    from .files import write_atomic

    try:
        [plan_file] = _project(context).plan_files((plan,))
        data, export = translate.export_plan(plan_file, fmt)
        target = out or Path(f"{plan_file.parent.name}.zh{translate.FORMATS[fmt]}")
        write_atomic(target, data)
    except BriefkitError as error:
        _fail(error)
        return
    except OSError as error:
        click.echo(f"cannot write {out}: {error.strerror}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{_shown(target)}: {len(export.units)} units ({export.count('new')} new, "
               f"{export.count('translated')} translated, {export.count('needs-review')} needs review)")
    if not export.tracked:
        click.echo(f"{_shown(plan_file)}: no translation record yet, so nothing is known stale; "
                   "`briefkit validate --accept-translations` starts tracking", err=True)


@translate_group.command("import")
@click.argument("plan")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def translate_import_command(context: click.Context, plan: str, file: Path) -> None:
    """Write FILE's confirmed translations into PLAN, all or nothing, after the bilingual gates."""
    from . import translate

    try:
        [plan_file] = _project(context).plan_files((plan,))
        report = translate.import_file(plan_file, file)
    except BriefkitError as error:
        _fail(error)
        return
    for skipped in report.skipped:
        click.echo(str(skipped), err=True)
    click.echo(f"{_shown(plan_file)}: {report.applied} translation(s) imported, {report.changed} changed; "
               f"{len(report.skipped)} skipped, {report.untranslated} untranslated")


def main() -> None:
    """Click's standalone handling, except that Ctrl-C exits 130, as shells expect, not 1 ("Aborted!")."""
    try:
        returned = cli.main(prog_name="briefkit", standalone_mode=False)
    except click.exceptions.Abort as abort:
        if not isinstance(abort.__cause__, KeyboardInterrupt):
            click.echo("Aborted!", err=True)  # an end of input at a prompt, as click says it
            sys.exit(EXIT_BUILD)
        _interrupted()
    except KeyboardInterrupt:  # after the command, while click tears its context down
        _interrupted()
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    sys.exit(returned if isinstance(returned, int) else EXIT_OK)  # --help and --version give their code


def _interrupted() -> None:
    # Outputs are written under a temporary name and renamed into place: none is left half-written.
    click.echo("Interrupted: nothing half-written was left; run the command again to finish.", err=True)
    sys.exit(EXIT_INTERRUPTED)
