"""A plan being edited -> its current state: every document's HTML or the located problems, and PDFs on demand.

Each rebuild validates the plan and renders every document in every edition
(milliseconds each, with the compiled templates kept); the PDF of what a
browser is showing is written by one worker process that keeps WeasyPrint
loaded, and only when that document's HTML changed. A newer edit supersedes a
PDF still being written: its result is kept only if it still matches.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import multiprocessing
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import digest
from ..editions import EDITIONS
from ..errors import BriefkitError, ContentError
from ..pipeline import WriteTask, write_output
from ..project import Project
from ..render import RenderedDocument, Renderer, compiled_templates
from ..validate import LoadedPlan, load_plan
from ..writers import WriteJob


@dataclass
class Pdf:
    """A written PDF of one document in one edition, and the page images made from it."""

    key: str
    path: Path
    pages: list[Path]
    seconds: float


@dataclass
class State:
    """What the last rebuild produced; `version` grows by one per rebuild."""

    version: int = 0
    problems: list[str] = field(default_factory=list)  # the plan (or the templates) cannot be read at all
    html: dict[str, RenderedDocument] = field(default_factory=dict)  # "press-brief.en" -> its HTML
    failures: dict[str, str] = field(default_factory=dict)  # "press-brief.en" -> located message
    loaded: LoadedPlan | None = None
    seconds: float = 0.0


class Session:
    """One plan under preview: rebuilt on each change, announced to every listening browser."""

    def __init__(self, project: Project, plan_file: Path, *, pdf: bool = True) -> None:
        self.project = project
        self.plan_file = plan_file
        self.plan_id = plan_file.parent.name
        self.folder = project.cache / "preview" / self.plan_id
        self.pdf_enabled = pdf
        self.state = State()
        self.pdfs: dict[str, Pdf] = {}
        self.pdf_errors: dict[str, str] = {}
        self.listeners: set[asyncio.Queue[str]] = set()
        self.watching: dict[object, tuple[str, str]] = {}  # browser connection -> the document and edition shown
        self.documents: list[str] = []
        self.editions: list[str] = []
        self._renderer: Renderer | None = None
        self._renderer_problem = ""
        self._lock = asyncio.Lock()
        self._pdf_running: set[str] = set()
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._machine_cut: list[Path | None] = []  # [the faces cut once per machine], once asked for

    # --- lifecycle -------------------------------------------------------------------------------------------

    def start_worker(self) -> None:
        """Fork the PDF worker before the server starts threads; it loads WeasyPrint and the fonts once."""
        if not self.pdf_enabled:
            return
        from ..pipeline import _warm_up

        self._pool = concurrent.futures.ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("fork"), initializer=_warm_up)
        self._pool.submit(time.time).result()  # started and warm before the first edit

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    # --- rebuilding ------------------------------------------------------------------------------------------

    def reload_templates(self) -> None:
        """A template, the theme or the labels changed: a new environment, so nothing stale is kept."""
        self._machine_cut = []  # the theme may name other fonts
        try:
            self._renderer = Renderer(self.project.templates, sandboxed=not self.project.templates_trusted,
                                      cache=compiled_templates())
            self._renderer_problem = ""
            self.documents = list(self._renderer.catalogue.documents)
            self.editions = list(self._renderer.catalogue.languages) + [
                edition for edition in EDITIONS if edition not in self._renderer.catalogue.languages]
        except BriefkitError as error:
            self._renderer = None
            self._renderer_problem = str(error)

    def rebuild(self, shown: set[tuple[str, str]] | None = None) -> State:
        """Validate, then render what browsers show (`shown`; None: every document in every catalogue edition).

        Synchronous: run it off the event loop. What is not shown is rendered when first asked for.
        """
        begun = time.perf_counter()
        state = State(version=self.state.version + 1)
        if self._renderer is None:
            state.problems = self._renderer_problem.splitlines() or ["the templates could not be loaded"]
            return self._finish(state, begun)
        try:
            loaded = load_plan(self.plan_file)
        except ContentError as error:
            state.problems = [str(problem) for problem in error.problems] or [str(error)]
            return self._finish(state, begun)
        except BriefkitError as error:
            state.problems = [str(error)]
            return self._finish(state, begun)
        state.loaded = loaded
        renderer = self._renderer.for_plan(loaded.folder)
        wanted = shown if shown is not None else {
            (document, edition) for document in self.documents for edition in self._renderer.catalogue.languages}
        for document, edition in sorted(wanted):
            self._render(state, renderer, loaded, document, edition)
        return self._finish(state, begun)

    def rendered(self, document: str, edition: str) -> RenderedDocument | str:
        """The HTML of one document (zh-Hant is rendered on first request), or its located problem."""
        name = f"{document}.{edition}"
        state = self.state
        if name not in state.html and name not in state.failures and state.loaded is not None and self._renderer:
            self._render(state, self._renderer.for_plan(state.loaded.folder), state.loaded, document, edition)
        return state.html.get(name) or state.failures.get(name) or "; ".join(state.problems) or f"no document {name}"

    def _render(self, state: State, renderer: Renderer, loaded: LoadedPlan, document: str, edition: str) -> None:
        name = f"{document}.{edition}"
        try:
            state.html[name] = renderer.render(loaded, document, edition)
        except BriefkitError as error:
            state.failures[name] = str(error)
        except Exception as error:  # noqa: BLE001  the preview must stay up whatever a template does
            state.failures[name] = f"internal error while rendering {name}: {type(error).__name__}: {error}"

    def _finish(self, state: State, begun: float) -> State:
        state.seconds = time.perf_counter() - begun
        self.state = state
        return state

    def template_folders(self) -> list[Path]:
        """Folders whose change means new templates (the plan's own templates/ included)."""
        folders = list(self.project.templates.folders)
        return [self.plan_file.parent / "templates", *folders]

    async def refresh(self, templates_changed: bool) -> None:
        """Rebuild off the event loop (one at a time), announce, then write the PDFs browsers show."""
        async with self._lock:
            if templates_changed or self._renderer is None:
                await asyncio.to_thread(self.reload_templates)
            await asyncio.to_thread(self.rebuild, set(self.watching.values()))
        self.announce()
        for document, edition in set(self.watching.values()):
            asyncio.create_task(self.ensure_pdf(document, edition))

    # --- announcing ------------------------------------------------------------------------------------------

    def message(self) -> str:
        state = self.state
        pdfs = {name: {"key": pdf.key, "pages": len(pdf.pages), "seconds": round(pdf.seconds, 2),
                       "current": name in state.html and self.key_of(state.html[name]) == pdf.key}
                for name, pdf in self.pdfs.items()}
        return json.dumps({
            "version": state.version, "plan": self.plan_id, "problems": state.problems,
            "failures": state.failures, "keys": {name: self.key_of(doc) for name, doc in state.html.items()},
            "pdfs": pdfs, "pdf_errors": self.pdf_errors, "pdf_enabled": self.pdf_enabled,
            "seconds": round(state.seconds, 3),
        }, ensure_ascii=False)

    def announce(self) -> None:
        text = self.message()
        for queue in list(self.listeners):
            queue.put_nowait(text)

    @staticmethod
    def key_of(rendered: RenderedDocument) -> str:
        return digest(rendered.html)[:16]

    # --- PDFs ------------------------------------------------------------------------------------------------

    async def ensure_pdf(self, document: str, edition: str) -> None:
        """Write the PDF of what a browser shows, unless the one written already matches its HTML."""
        name = f"{document}.{edition}"
        if self._pool is None or name in self._pdf_running:
            return
        self._pdf_running.add(name)
        try:
            while True:  # an edit during the write: write again, for the newest HTML
                rendered = self.rendered(document, edition)
                if isinstance(rendered, str):
                    return
                key = self.key_of(rendered)
                if name in self.pdfs and self.pdfs[name].key == key:
                    return
                await self._write_pdf(name, rendered, key)
                self.announce()
                latest = self.rendered(document, edition)
                if isinstance(latest, str) or self.key_of(latest) == key:
                    return
        finally:
            self._pdf_running.discard(name)

    def _machine_faces(self) -> Path | None:
        """The theme's CJK faces cut once per machine, as a build cuts them (writers/subset.py): a Chinese preview is
        laid out from them in the worker's font configuration, which stays warm, and embeds small faces."""
        if not self._machine_cut:
            folder = None
            if self._renderer is not None:
                from ..checks import faces_with_repertoires
                from ..writers.subset import cut_to_repertoires, machine_cache

                pairs = faces_with_repertoires(self._renderer.theme, self._renderer.catalogue.languages)
                try:
                    folder = cut_to_repertoires(pairs, machine_cache())
                except (OSError, BriefkitError):
                    folder = None  # no writable user cache: the installed faces, as before
            self._machine_cut = [folder]
        return self._machine_cut[0]

    async def _write_pdf(self, name: str, rendered: RenderedDocument, key: str) -> None:
        begun = time.perf_counter()
        loaded = self.state.loaded
        assert loaded is not None and self._pool is not None
        target = self.folder / f"{name}.pdf"
        loop = asyncio.get_running_loop()
        faces = await loop.run_in_executor(None, self._machine_faces)  # the first time: a second or two, once
        job = WriteJob(target, loaded.folder, self.project.templates_for(loaded.folder),
                       f"{self.project.templates_shown}/{rendered.template} ({self.plan_id} {name})", repertoire=faces)
        task = WriteTask(rendered, self.plan_id, "pdf", job, key)  # the preview shows the PDF's pages
        try:
            result = await loop.run_in_executor(self._pool, write_output, task)
        except concurrent.futures.process.BrokenProcessPool:
            self.pdf_errors[name] = "the PDF worker died; restart the preview"
            self._pool = None
            return
        if isinstance(result, BriefkitError):
            self.pdf_errors[name] = str(result)
            return
        self.pdf_errors.pop(name, None)
        pages = await _page_images(target, self.folder / f"{name}-pages" / key)
        self.pdfs[name] = Pdf(key, target, pages, time.perf_counter() - begun)


async def _page_images(pdf: Path, folder: Path) -> list[Path]:
    """JPEG images of the pages (poppler's pdftoppm; PNG takes three times as long), so any browser shows them."""
    if folder.parent.is_dir():  # the pages of earlier versions
        for old in folder.parent.iterdir():
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        process = await asyncio.create_subprocess_exec(
            "pdftoppm", "-jpeg", "-jpegopt", "quality=85", "-r", "60", str(pdf), str(folder / "page"),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    except OSError:
        return []
    await process.wait()
    return sorted(folder.glob("page-*.jpg"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))

