"""One base error and its kinds; each carries where the problem is."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """A place in a file: 1-based line and column, and the field path if known."""

    file: str
    line: int = 0
    column: int = 0
    field: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.field}" if self.field else where


@dataclass(frozen=True)
class Problem:
    """One located message: an error, or a warning that --strict turns into one."""

    location: Location
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.location}: {prefix}{self.message}"


class BriefkitError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 1


@dataclass
class ContentError(BriefkitError):
    """The plan content is wrong; carries every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)
    summary: str = ""  # e.g. "en: 124/124 fields, zh: 121/124 fields", when the data could be read
    exit_code = 2

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class UsageError(BriefkitError):
    """The command line names something that does not exist."""

    exit_code = 2


class TemplateError(BriefkitError):
    """A template is broken: carries the template file and line in its message."""

    exit_code = 1


class BuildError(BriefkitError):
    """A document could not be produced (fetch refused, missing glyph, writer error)."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:
        if self.problems:
            return "\n".join(str(problem) for problem in self.problems)
        return super().__str__()
