"""WeasyPrint line boxes -> justified CJK lines: inter-character expansion, and no Han/Latin gap at a line's edge.

WeasyPrint 70 justifies only at spaces (layout/inline.py, `justify_line` counts
space and no-break space), so `text-align: justify` leaves Chinese ragged: a
line of Han characters has no space to stretch. CSS Text 3 (`text-justify:
auto`, inter-character for CJK) and the W3C's Chinese layout requirements
(clreq, "line adjustment") expand between Han characters, kana and full-width
punctuation, never inside a Latin word. This module does that for the lines
WeasyPrint lays out, while `justified_cjk()` is active:

- `justify_line` is replaced: the extra width is shared by the spaces (as
  before) and by every CJK character, through Pango letter spacing on those
  characters only (Pango puts half before and half after each one, and drops
  the outer half at a layout's edges, which we count and make up for);
- `text_align` is wrapped: a quarter-em gap made by an inline box's margin
  (briefkit's `gap-before`/`gap-after` spans, where Han meets Latin) is
  dropped where that box starts or ends a line, so it never looks like an
  indent or makes a justified line fall short.

The patch is version-guarded: on a WeasyPrint other than TESTED_VERSION it is
not installed and `justified_cjk()` yields a warning instead. The same change
as a diff against WeasyPrint, with its rationale, is patches/weasyprint-cjk-justify.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break
from weasyprint.text.ffi import TO_UNITS, ffi, pango

from ..editions import CJK_RANGES

TESTED_VERSION = "70.0"
# Characters between which a justified line may stretch: Han, kana, bopomofo, CJK and full-width punctuation.
# Curly quotes count only in Chinese or Japanese text, where the fonts set them full width.
_EXPANDABLE = re.compile(f"[{CJK_RANGES}]")
_EXPANDABLE_IN_CJK_TEXT = re.compile(f"[{CJK_RANGES}\u2018\u2019\u201c\u201d]")
# Inline boxes whose horizontal margin is a Han/Latin gap, dropped at the line's edges.
EDGE_GAP_CLASSES = {"gap-before": "left", "gap-after": "right"}


class _SpacedLayout(line_break.Layout):
    """A Pango layout that, when drawn (justify=True), adds `spacing` around each expandable character."""

    def __init__(self, style: Any, justification_spacing: float, ranges: list[tuple[int, int]]) -> None:
        self.ranges = ranges  # byte ranges of the expandable characters
        super().__init__(style, justification_spacing)

    def set_text(self, text: str, justify: bool = False) -> None:
        super().set_text(text, justify)
        if not (justify and self.ranges and self.justification_spacing):
            return
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == ffi.NULL:
            attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        spacing = int(self.justification_spacing * TO_UNITS)
        for start, end in self.ranges:
            attr = pango.pango_attr_letter_spacing_new(spacing)
            attr.start_index, attr.end_index = start, end
            pango.pango_attr_list_change(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)


def _expandable(box: boxes.TextBox) -> list[int]:
    """Indexes of the characters of `box` that take inter-character spacing."""
    lang = (box.style["lang"] or "").lower()
    pattern = _EXPANDABLE_IN_CJK_TEXT if lang.startswith(("zh", "ja")) else _EXPANDABLE
    return [match.start() for match in pattern.finditer(box.text)]


def _spaces(box: boxes.TextBox) -> int:
    return int(box.text.count(" ") + box.text.count("\u00a0"))


def _text_boxes(box: Any) -> Iterator[boxes.TextBox]:
    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child)


def justify_line(context: Any, line: boxes.LineBox, extra_width: float) -> None:
    """Share `extra_width` among the line's spaces and CJK characters (replaces WeasyPrint's)."""
    if line.style["direction"] == "rtl":
        return _ORIGINAL["justify_line"](context, line, extra_width)
    texts = [box for box in _text_boxes(line) if box.text]
    if not texts:
        return None
    marks = {id(box): _expandable(box) for box in texts}
    # Each expandable character takes one share; Pango drops the outer half of the line's first and last.
    shares: float = sum(_spaces(box) + len(marks[id(box)]) for box in texts)
    shares -= 0.5 * (0 in marks[id(texts[0])]) + 0.5 * (len(texts[-1].text) - 1 in marks[id(texts[-1])])
    if shares <= 0:
        return None
    edges = (id(texts[0]), id(texts[-1]))
    _spread(context, line, extra_width / shares, 0.0, marks, edges)
    return None


def _spread(context: Any, box: Any, spacing: float, x_advance: float, marks: dict[int, list[int]],
            edges: tuple[int, int]) -> float:
    """Move and widen `box` and its children for `spacing` per share; return the advance so far."""
    if isinstance(box, boxes.TextBox):
        box.justification_spacing = spacing
        indexes = marks.get(id(box), [])
        first = bool(indexes) and indexes[0] == 0
        last = bool(indexes) and indexes[-1] == len(box.text) - 1
        if first and id(box) != edges[0]:
            x_advance += spacing / 2  # the half Pango drops at this box's start, inside the line
        box.position_x += x_advance
        spaces = _spaces(box)
        if not (indexes or spaces):
            return x_advance
        ranges = [(len(box.text[:i].encode()), len(box.text[: i + 1].encode())) for i in indexes]
        layout = _SpacedLayout(box.style, spacing, ranges)
        layout.set_text(box.text)
        layout.deactivate()
        box.pango_layout = layout
        added = spacing * (spaces + len(indexes) - 0.5 * first - 0.5 * last)
        box.width += added
        x_advance += added
        if last and id(box) != edges[1]:
            x_advance += spacing / 2  # the half Pango drops at this box's end
        return x_advance
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _spread(context, child, spacing, x_advance, marks, edges)
        box.width += x_advance - before
        return x_advance
    box.translate(x_advance, 0)  # an atomic inline box: moves, does not stretch
    return x_advance


def _edge_gap(box: Any, side: str) -> Any:
    """The inline box carrying a Han/Latin gap on `side` at the very start (left) or end (right) of `box`."""
    children = [child for child in box.children if child.is_in_normal_flow()]
    while children:
        child = children[0] if side == "left" else children[-1]
        if isinstance(child, boxes.TextBox) and not child.text:
            children.remove(child)
            continue
        if not isinstance(child, boxes.InlineBox):
            return None
        classes = (child.element.get("class") or "").split() if child.element is not None else []
        if any(EDGE_GAP_CLASSES.get(name) == side for name in classes) and child.style[f"margin_{side}"]:
            return child
        return _edge_gap(child, side)
    return None


def _drop_margin(line: boxes.LineBox, gap: Any, side: str) -> None:
    """Remove `gap`'s margin on `side`: what follows it moves left, every box holding it narrows."""
    width = gap.margin_left if side == "left" else gap.margin_right
    if side == "left":
        gap.margin_left = 0
        for child in gap.children:
            child.translate(-width, 0)
    else:
        gap.margin_right = 0
    _narrow(line, gap, width)


def _narrow(box: Any, target: Any, width: float) -> bool:
    if box is target:
        return True
    found = False
    for child in box.children:
        if found:
            child.translate(-width, 0)
        elif isinstance(child, (boxes.LineBox, boxes.InlineBox)) and _narrow(child, target, width):
            found = True
    if found:
        box.width -= width
    return found


def text_align(context: Any, line: boxes.LineBox, available_width: float, last: bool) -> float:
    """WeasyPrint's text_align, after dropping a Han/Latin gap that starts or ends the line."""
    for side in ("left", "right"):
        gap = _edge_gap(line, side)
        if gap is not None:
            _drop_margin(line, gap, side)
    return _ORIGINAL["text_align"](context, line, available_width, last)


_ORIGINAL: dict[str, Any] = {"justify_line": inline.justify_line, "text_align": inline.text_align}


def unsupported_reason() -> str | None:
    """Why the patch cannot be installed on this WeasyPrint, or None when it can."""
    if weasyprint.__version__ != TESTED_VERSION:
        return (f"WeasyPrint {weasyprint.__version__} is not the version briefkit's Chinese justification was "
                f"tested with ({TESTED_VERSION}): Chinese text is not justified between characters")
    return None


@contextmanager
def justified_cjk() -> Iterator[str | None]:
    """Within the block, WeasyPrint justifies CJK text between characters; yields a warning instead if it cannot."""
    reason = unsupported_reason()
    if reason is not None:
        yield reason
        return
    inline.justify_line, inline.text_align = justify_line, text_align
    try:
        yield None
    finally:
        inline.justify_line, inline.text_align = _ORIGINAL["justify_line"], _ORIGINAL["text_align"]
