"""CSV files beside a plan -> table rows and plan-wide targets, every problem located at its row and column.

A cell written `English|中文` is bilingual; any other cell (a number, a code) is
the same in both languages. Paths are checked like image paths: inside the plan
folder only.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import Location, Problem
from .media import resolve_inside
from .model import Bilingual, TableBlock, Target

MAX_CSV_BYTES = 1024 * 1024
MAX_CSV_ROWS = 2000
# The columns of a targets CSV; metric_en and metric_zh are required, the rest may be empty.
TARGET_COLUMNS = ("metric_en", "metric_zh", "kind", "from", "value", "unit", "baseline", "baseline_year", "deadline")


class CsvError(Exception):
    """A CSV that cannot be used at all; the message says why."""


def read_rows(folder: Path, reference: str) -> list[list[str]]:
    """The rows of the CSV `reference` names inside `folder` (header included)."""
    try:
        path = resolve_inside(folder, reference, suffixes=(".csv",))
    except ValueError as exc:
        raise CsvError(str(exc).replace("image file", "file").replace("image paths", "paths")) from None
    if path.suffix.lower() != ".csv":
        raise CsvError(f"'{reference}' is not a .csv file")
    raw = path.read_bytes()
    if len(raw) > MAX_CSV_BYTES:
        raise CsvError(f"'{reference}' is {len(raw) / 1024 / 1024:.1f} MiB; a CSV beside a plan holds at most 1 MiB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError(f"'{reference}' is not UTF-8; save it as UTF-8 CSV") from None
    try:
        rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise CsvError(f"'{reference}': {exc}") from None
    if len(rows) < 2:
        raise CsvError(f"'{reference}' needs a header row and at least one row of data")
    if len(rows) > MAX_CSV_ROWS:
        raise CsvError(f"'{reference}' has {len(rows)} rows; at most {MAX_CSV_ROWS}")
    return rows


def cell(text: str) -> Bilingual | float | int | str:
    """'English|中文' -> Bilingual; '12' -> 12; '3.5' -> 3.5; anything else stays text."""
    text = text.strip()
    if "|" in text:
        en, _, zh = text.partition("|")
        return Bilingual(en=en.strip(), zh=zh.strip())
    for kind in (int, float):
        try:
            return kind(text.replace(",", ""))
        except ValueError:
            pass
    return text


def load_table(folder: Path, block: TableBlock, display: str) -> tuple[TableBlock, list[str]]:
    """The block with its rows (and columns, when not given) read from its CSV; the problems as messages."""
    assert block.csv is not None
    rows = read_rows(folder, block.csv)
    header, body = rows[0], rows[1:]
    problems = []
    columns = list(block.columns)
    if not columns:
        for index, heading in enumerate(header, start=1):
            value = cell(heading)
            if not isinstance(value, Bilingual):
                problems.append(f"{display}:1:{index}: column heading {heading!r}: write it as English|中文")
            else:
                columns.append(value)
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            problems.append(f"{display}:{number}:1: has {len(row)} cells; the header has {len(header)}")
    return block.model_copy(update={"columns": columns, "rows": [[cell(c) for c in row] for row in body]}), problems


def load_targets(folder: Path, reference: str, display: str) -> tuple[list[Target], list[Problem]]:
    """Plan-wide targets, one a row; the header names the columns of TARGET_COLUMNS it uses."""
    rows = read_rows(folder, reference)
    header = [name.strip() for name in rows[0]]
    problems = []
    unknown = [name for name in header if name not in TARGET_COLUMNS]
    for name in unknown:
        where = Location(display, 1, header.index(name) + 1, "header")
        problems.append(Problem(where, f"unknown column '{name}'; expected: {', '.join(TARGET_COLUMNS)}"))
    for name in ("metric_en", "metric_zh"):
        if name not in header:
            problems.append(Problem(Location(display, 1, 1, "header"), f"missing column '{name}'"))
    if problems:
        return [], problems
    targets = []
    for number, row in enumerate(rows[1:], start=2):
        values = {name: value.strip() for name, value in zip(header, row, strict=False) if value.strip()}
        data: dict[str, Any] = {"metric": {"en": values.pop("metric_en", ""), "zh": values.pop("metric_zh", "")}}
        baseline = {"value": values.pop("baseline", None), "year": values.pop("baseline_year", None)}
        if any(baseline.values()):
            data["baseline"] = baseline
        if "unit" in values:
            unit = cell(values.pop("unit"))
            data["unit"] = unit.model_dump() if isinstance(unit, Bilingual) else str(unit)
        data.update(values)
        try:
            targets.append(Target.model_validate(data))
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                name = _column(error["loc"])
                column = header.index(name) + 1 if name in header else 1
                message = str(error["msg"])
                problems.append(Problem(Location(display, number, column, name), message[0].lower() + message[1:]))
    return targets, problems


def _column(loc: tuple[Any, ...]) -> str:
    """Where a Target error lies, as the CSV column that holds it."""
    parts = [str(part) for part in loc if not str(part).startswith(("function-", "str", "Unit"))]
    if parts[:1] == ["metric"]:
        return f"metric_{parts[1]}" if len(parts) > 1 else "metric_en"
    if parts[:1] == ["baseline"]:
        return "baseline_year" if parts[1:] == ["year"] else "baseline"
    return parts[0] if parts else "metric_en"
