"""One imported Chinese text -> the findings of quality.py's bilingual gates, located in the exchange file.

The gates are quality.py's own functions, so an import accepts exactly what
`briefkit validate --strict` accepts; only the location changes, from plan.yaml
to the unit in the XLIFF or PO file the text came from.
"""

from __future__ import annotations

from typing import cast

from ..errors import Location, Problem
from ..model import Bilingual, GlossaryTerm
from ..quality import _ascii_punctuation, _glossary_use, _number_parity
from ..source import PathKey, unwanted_character
from ..validate import LoadedPlan


class _Here:
    """Stands in for a LoadedPlan: every finding is placed at one location (the unit's target)."""

    def __init__(self, location: Location) -> None:
        self.location = location

    def locate(self, path: PathKey) -> Location:
        return self.location


def check_target(english: str, chinese: str, path: PathKey, glossary: list[GlossaryTerm],
                 location: Location) -> list[Problem]:
    """Errors for a Chinese text about to replace the plan's: characters, glossary, numbers, punctuation."""
    refusal = unwanted_character(chinese)
    if refusal:
        return [Problem(location, refusal)]
    here = cast(LoadedPlan, _Here(location))
    pair = Bilingual.model_construct(en=english, zh=chinese)
    findings = [
        *_glossary_use(here, path, pair, glossary),
        *_number_parity(here, path, pair),
        *_ascii_punctuation(here, (*path, "zh"), chinese),
    ]
    # validate's hint names --fix, which edits plan.yaml: here the text to fix is the translator's.
    return [Problem(location, finding.message.replace(" (briefkit validate --fix rewrites it)", ""))
            for finding in findings]


def terms_used(english: str, glossary: list[GlossaryTerm], path: PathKey = ()) -> list[GlossaryTerm]:
    """The glossary terms an English text uses, matched exactly as the glossary gate matches them."""
    here = cast(LoadedPlan, _Here(Location("")))
    pair = Bilingual.model_construct(en=english, zh="")
    return [term for term in glossary if _glossary_use(here, path, pair, [term])]
