"""Style sheets in a worker's PDFs -> parsed once per process, not once per PDF.

WeasyPrint parses every <style> element of every document anew: tokenising the
sample's 18 KB sheet, validating its declarations and compiling its selectors
costs about 0.1 s of CPU a PDF, and the sheet is the same for every document
of an edition. While `reused_style_sheets()` is active, a <style> element with
the same text, base address and media as one parsed earlier in this process
reuses that parse: its compiled selectors (only read while styles are
computed), the @page rules it adds to the document, and the warnings its parse
logged, logged again so that each PDF reports them (and --strict fails on
them) as before. A sheet whose parse has other effects on the document (it
imports a sheet, registers a font, a layer, a counter style or a colour
profile, or uses var(), whose errors WeasyPrint reports once per parse) is
parsed every time, as are sheets written with CSS escapes, which could spell
those rules.

Installed, like cjk_justify, only while briefkit renders, and only on the
WeasyPrint version it was tested with; elsewhere every sheet is parsed per
PDF, as WeasyPrint does.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import weasyprint
from weasyprint import css

from .cjk_justify import TESTED_VERSION

_KEPT = 8  # sheets kept per process: one per edition, with room for a preview's edits
_ORIGINAL = css.CSS  # what weasyprint.css calls to parse the sheets it finds in a document
_LOGGER = logging.getLogger("weasyprint")
# Rules and functions whose parse reaches beyond the sheet's own selectors and @page rules; and escapes.
_UNSHARED = re.compile(r"@(?:import|font-face|layer|counter-style|color-profile)|var\(|\\", re.IGNORECASE)


@dataclass
class _Parse:
    """One sheet as WeasyPrint parsed it, and what that parse added to the document and logged."""

    sheet: Any
    page_rules: list[Any]
    warnings: list[logging.LogRecord] = field(default_factory=list)


_PARSED: OrderedDict[tuple[str, str | None, str], _Parse] = OrderedDict()


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _style_sheet(guess: Any = None, *, string: str | None = None, base_url: str | None = None,
                 media_type: str = "print", page_rules: list[Any] | None = None, layers: list[Any] | None = None,
                 counter_style: dict[str, Any] | None = None, color_profiles: dict[str, Any] | None = None,
                 **others: Any) -> Any:
    """WeasyPrint's CSS(...), as find_stylesheets calls it for a <style> element; the earlier parse when one fits."""
    if (guess is not None or string is None or page_rules is None or layers is None or _UNSHARED.search(string)
            or any(others.get(name) is not None for name in ("filename", "url", "file_obj", "matcher", "layer"))):
        return _ORIGINAL(guess, string=string, base_url=base_url, media_type=media_type, page_rules=page_rules,
                         layers=layers, counter_style=counter_style, color_profiles=color_profiles, **others)
    key = (string, base_url, media_type)
    parse = _PARSED.get(key)
    if parse is not None:
        _PARSED.move_to_end(key)
        page_rules.extend(parse.page_rules)
        for record in parse.warnings:
            _LOGGER.handle(record)
        sheet = object.__new__(_ORIGINAL)
        sheet.__dict__.update(parse.sheet.__dict__)
        sheet.page_rules, sheet.layers = page_rules, layers  # the document's lists, as a parse would leave them
        return sheet
    first_rule, layers_before = len(page_rules), list(layers)
    counters_before = dict(counter_style) if counter_style is not None else None
    profiles_before = dict(color_profiles) if color_profiles is not None else None
    recorder = _Recorder()
    _LOGGER.addHandler(recorder)
    try:
        sheet = _ORIGINAL(string=string, base_url=base_url, media_type=media_type, page_rules=page_rules,
                          layers=layers, counter_style=counter_style, color_profiles=color_profiles, **others)
    finally:
        _LOGGER.removeHandler(recorder)
    side_effects = (layers != layers_before or (counter_style is not None and counter_style != counters_before)
                    or (color_profiles is not None and color_profiles != profiles_before))
    if not side_effects:
        _PARSED[key] = _Parse(sheet, page_rules[first_rule:], recorder.records)
        while len(_PARSED) > _KEPT:
            _PARSED.popitem(last=False)
    return sheet


def forget() -> None:
    """Drop every parse kept: the next sheet of each text is parsed again."""
    _PARSED.clear()


@contextmanager
def reused_style_sheets() -> Iterator[None]:
    """Within the block, WeasyPrint parses each document style sheet once per process."""
    if weasyprint.__version__ != TESTED_VERSION:
        yield
        return
    css.CSS = _style_sheet
    try:
        yield
    finally:
        css.CSS = _ORIGINAL
