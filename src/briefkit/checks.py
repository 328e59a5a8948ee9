"""A validated plan + the theme -> the problems a build stops for, and the warnings --strict promotes.

The glyph checks live here (every character must have a face in the theme),
and so does the one strict policy `validate` and `build` share: a quality
finding is a warning, or with --strict an error like any other.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import lxml.html

from .catalogue import Theme
from .editions import EDITIONS
from .errors import BuildError, Problem
from .fonts import FontFace, coverage, describe, find_family, uncovered
from .model import iter_texts
from .quality import check_quality
from .render import RenderedDocument
from .validate import LoadedPlan


def theme_families(theme: Theme, edition: str = "") -> tuple[str, ...]:
    """The font families an edition is set in, as the theme lists them."""
    fonts = theme.fonts
    if edition in EDITIONS and EDITIONS[edition].fonts == "traditional":
        return tuple(dict.fromkeys(fonts.serif_hant + fonts.sans_hant))
    return tuple(dict.fromkeys(fonts.serif + fonts.sans))


def faces_with_repertoires(theme: Theme, editions: Iterable[str]) -> list[tuple[FontFace, str]]:
    """Each installed face of the editions' families, with its script's standard character set (editions.py):
    what the faces cut once per machine are made of (writers/subset.py cut_to_repertoires)."""
    return [(face, EDITIONS[edition].repertoire) for edition in editions
            for family in theme_families(theme, edition) for face in find_family(family)]


def check_glyphs(loaded: LoadedPlan, theme: Theme) -> list[Problem]:
    """Every character of the plan's text must have a glyph in the theme's fonts, located in the plan."""
    covered = coverage(theme_families(theme))
    if not covered:
        return []  # no fonts at all: doctor reports that, with a clearer message
    problems = []
    for path, text in iter_texts(loaded.plan):
        for char in uncovered(text, covered):
            location = loaded.source_map.locate(path)
            problems.append(Problem(location, f"{describe(char)} has no glyph in the theme's fonts"))
    return problems


def missing_glyphs(rendered: RenderedDocument, theme: Theme, shown_template: str) -> BuildError | None:
    """All the text a document shows, template wording included, must have glyphs in its edition's faces.

    The plan's own text is checked earlier, with its line and column; this catches what the
    templates, the labels and the Traditional conversion add.
    """
    covered = coverage(theme_families(theme, rendered.edition))
    body = lxml.html.document_fromstring(rendered.html).find("body")
    text = "".join(str(part) for part in body.itertext()) if body is not None else ""
    missing = uncovered(text, covered) if covered else []
    if not missing:
        return None
    shown = ", ".join(describe(char) for char in missing[:5])
    return BuildError(f"{shown_template} ({rendered.document}.{rendered.edition}): {shown} "
                      "has no glyph in the theme's fonts")


def quality_findings(
    loaded: LoadedPlan, strict: bool, also: list[Problem] | None = None
) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) of the bilingual quality gates and the findings `also` given (stale translations):
    with `strict`, every finding is an error."""
    return split_by_strictness(check_quality(loaded) + (also or []), strict)


def split_by_strictness(findings: list[Problem], strict: bool) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings): with --strict a finding is an error like any other, else a warning."""
    if strict:
        return [dataclasses.replace(finding, severity="error") for finding in findings], []
    return [], findings
