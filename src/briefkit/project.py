"""A project folder -> where its plans, templates and outputs are, and which plans a command means."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .files import display_path
from .searchpath import TemplateFolders

PLAN_FILE = "plan.yaml"  # in each plan folder under content/


@dataclass(frozen=True)
class Project:
    root: Path
    templates_override: Path | None = None  # --templates: e.g. an agency's customised set

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> TemplateFolders:
        """The search path: --templates DIR or the project's templates/, then the built-in defaults."""
        return TemplateFolders.of(self.templates_override or self.root / "templates")

    def templates_for(self, plan_folder: Path) -> TemplateFolders:
        """A plan folder's own templates/ come first; they are content, so they run sandboxed."""
        own = plan_folder / "templates"
        return TemplateFolders.of(own, *self.templates.folders) if own.is_dir() else self.templates

    @property
    def templates_shown(self) -> str:
        """The templates folder as messages name it: `templates` for the project's own, else where it is."""
        if self.templates_override is None:
            return "templates"
        return display_path(self.templates_override)

    @property
    def cache(self) -> Path:
        """Compiled templates and other throwaway speed-ups (git-ignored)."""
        return self.root / ".briefkit-cache"

    @property
    def templates_trusted(self) -> bool:
        """Only the project's own templates/ run outside Jinja's sandbox."""
        return self.templates_override is None or self.templates_override.resolve() == (
            self.root / "templates").resolve()

    @property
    def output(self) -> Path:
        return self.root / "output"

    def plan_files(self, references: list[str] | tuple[str, ...]) -> list[Path]:
        """PLAN is an id under content/, a plan folder or a plan file; none means every plan."""
        if not references:
            found = sorted(self.content.glob(f"*/{PLAN_FILE}"))
            if not found:
                raise UsageError(f"no plans found: expected {self.content}/<plan>/{PLAN_FILE}")
            return found
        return [self._plan_file(reference) for reference in references]

    def _plan_file(self, reference: str) -> Path:
        candidates = [Path(reference), self.content / reference]
        for candidate in candidates:
            if candidate.is_file():
                return candidate
            if (candidate / PLAN_FILE).is_file():
                return candidate / PLAN_FILE
        known = sorted(path.parent.name for path in self.content.glob(f"*/{PLAN_FILE}"))
        hint = f"; known plans: {', '.join(known)}" if known else ""
        raise UsageError(f"no plan '{reference}': not a plan id under content/, a plan folder or a plan file{hint}")
