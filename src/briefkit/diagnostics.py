"""Located problems -> lines for people (human), one JSON document (json) or GitHub workflow commands (github).

Problems carry their Location (errors.py); messages that arrive only as text
(a writer's warning, a failed output) keep the `file:line:col: message` shape
every message has, so they are read back into a Problem here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import BriefkitError, Location, Problem

STYLES = ("human", "json", "github")
# file:line:col: rest, or file:line: rest, or file: rest; a file has no spaces and no colon
_LOCATED = re.compile(r"^(?P<file>[^\s:]+)(?::(?P<line>\d+))?(?::(?P<column>\d+))?: (?P<rest>.*)$", re.DOTALL)
_WARNING = re.compile(r"^(?:(?P<field>[^\s:]+): )?warning: (?P<message>.*)$", re.DOTALL)


def parse_message(text: str, severity: str = "error") -> Problem:
    """A message printed as `file:line:col: [field: ][warning: ]message` -> the Problem it came from."""
    text = text.strip()
    if text.startswith("warning: "):
        return Problem(Location(""), text.removeprefix("warning: "), "warning")
    matched = _LOCATED.match(text)
    if matched is None:
        return Problem(Location(""), text, severity)
    rest = matched["rest"]
    warning = _WARNING.match(rest)
    field_name = ""
    if warning is not None:
        severity, field_name, rest = "warning", warning["field"] or "", warning["message"]
    location = Location(matched["file"], int(matched["line"] or 0), int(matched["column"] or 0), field_name)
    return Problem(location, rest, severity)


def problems_of(error: BriefkitError) -> list[Problem]:
    """The located problems an error carries, or its message read back into one."""
    carried = getattr(error, "problems", None)
    if carried:
        return list(carried)
    return [parse_message(line) for line in str(error).splitlines()[:1] if line.strip()] or [
        Problem(Location(""), type(error).__name__)]


def github_command(problem: Problem) -> str:
    """`::error file=F,line=L,col=C,title=FIELD::message`, escaped as the runner expects."""
    kind = "warning" if problem.severity == "warning" else ("notice" if problem.severity == "note" else "error")
    where = problem.location
    properties = []
    if where.file:
        properties.append(f"file={_escape_property(where.file)}")
        if where.line:
            properties.append(f"line={where.line}")
            if where.column:
                properties.append(f"col={where.column}")
    if where.field:
        properties.append(f"title={_escape_property(where.field)}")
    head = f"::{kind} {','.join(properties)}" if properties else f"::{kind}"
    return f"{head}::{_escape_data(problem.message)}"


def problem_record(problem: Problem) -> dict[str, object]:
    where = problem.location
    return {"severity": problem.severity, "file": where.file, "line": where.line, "column": where.column,
            "field": where.field, "message": problem.message, "text": str(problem)}


@dataclass
class Diagnostics:
    """Where a command's problems go: printed as they come (human, github) or gathered into one document (json)."""

    style: str = "human"
    gathered: list[Problem] = field(default_factory=list)

    def lines(self, problems: Iterable[Problem]) -> list[str]:
        """The lines to print now; in json style nothing is printed until `document`."""
        problems = list(problems)
        if self.style == "json":
            self.gathered.extend(problems)
            return []
        if self.style == "github":
            return [github_command(problem) for problem in problems]
        return [str(problem) for problem in problems]

    def document(self, **extra: object) -> str:
        errors = sum(problem.severity == "error" for problem in self.gathered)
        body = {"errors": errors, "warnings": len(self.gathered) - errors,
                "problems": [problem_record(problem) for problem in self.gathered], **extra}
        return json.dumps(body, ensure_ascii=False, indent=1)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
