"""WeasyPrint block + `--briefkit-text-wrap: balance` -> its lines set as evenly as its line count allows.

CSS Text 4 `text-wrap: balance` (Chrome 114+) evens out the lines of a
headline, so it never ends with a stub; WeasyPrint 70 does not support it. For
blocks whose computed custom property `--briefkit-text-wrap` is `balance`
(inherited, so a heading's inner blocks get it too), this lays the lines out
once at full width to count them, then finds by bisection the narrowest width
that keeps that count, and lays them out at that width. The block keeps its
own width (rules and backgrounds span the measure); only its lines narrow.
A dry run at the width finally chosen (always so for a one-line heading) is
used as the layout, not repeated.

Installed like cjk_justify, only while briefkit renders and only on the
WeasyPrint version it was tested with (cjk_justify.TESTED_VERSION).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from weasyprint.layout import block, inline

from .cjk_justify import unsupported_reason

_PROPERTY = "__briefkit_text_wrap"  # how WeasyPrint keys the custom property --briefkit-text-wrap
_PRECISION = 2.0  # px: bisection stops when the bounds are this close
_BALANCED: dict[tuple[int, str, float], float] = {}  # (element, tag, full width) -> balanced width, in one render
_ORIGINAL = inline.iter_line_boxes


def _wants_balance(containing_block: Any) -> bool:
    try:
        value = containing_block.style[_PROPERTY]
    except (KeyError, AttributeError):
        return False
    return any(getattr(token, "value", None) == "balance" for token in value or ())


@dataclass
class _Trial:
    """The lines of one dry run at `width`, with the absolutely placed and fixed boxes they found."""

    width: float
    lines: list[Any]
    absolute_boxes: list[Any]
    fixed_boxes: list[Any]


def _try_width(context: Any, arguments: tuple[Any, ...], containing_block: Any, width: float) -> _Trial:
    """The block's lines at `width` (a dry run: the caller keeps them only when they are the ones it wants)."""
    box, position_y, bottom_space, skip_stack = arguments[:4]
    first_letter_style, first_line_style = arguments[4:]
    saved = containing_block.width, box.text_indent if hasattr(box, "text_indent") else None
    containing_block.width = width
    trial = _Trial(width, [], [], [])
    try:
        trial.lines = list(_ORIGINAL(context, box, position_y, bottom_space, skip_stack, containing_block,
                                     trial.absolute_boxes, trial.fixed_boxes, first_letter_style, first_line_style))
        return trial
    finally:
        containing_block.width = saved[0]
        if saved[1] is not None:
            box.text_indent = saved[1]


def _balance(context: Any, box: Any, position_y: float, bottom_space: float, skip_stack: Any,
             containing_block: Any, first_letter_style: Any, first_line_style: Any) -> tuple[float, _Trial | None]:
    """The narrowest width (within _PRECISION) at which the block's text takes no more lines than at full width,
    and the last dry run's lines when that run was at this width (they are then the lines to use)."""
    width = containing_block.width
    arguments = (box, position_y, bottom_space, skip_stack, first_letter_style, first_line_style)
    trial = _try_width(context, arguments, containing_block, width)
    lines = len(trial.lines)
    if lines < 2:
        return float(width), trial  # one line (most headings): the dry run was the layout itself
    narrow, wide = width / 2, width
    while wide - narrow > _PRECISION:
        middle = (narrow + wide) / 2
        trial = _try_width(context, arguments, containing_block, middle)
        if len(trial.lines) > lines:
            narrow = middle
        else:
            wide = middle
    return float(wide), trial if trial.width == wide else None


def iter_line_boxes(context: Any, box: Any, position_y: float, bottom_space: float, skip_stack: Any,
                    containing_block: Any, absolute_boxes: list[Any], fixed_boxes: list[Any],
                    first_letter_style: Any, first_line_style: Any) -> Iterator[Any]:
    """WeasyPrint's iter_line_boxes; for a block asking for balance, at the narrowest width keeping its line count."""
    width = containing_block.width
    if skip_stack is not None or not _wants_balance(containing_block) or not width:
        yield from _ORIGINAL(context, box, position_y, bottom_space, skip_stack, containing_block, absolute_boxes,
                             fixed_boxes, first_letter_style, first_line_style)
        return
    key = (id(containing_block.element), containing_block.element_tag, width)
    trial = None
    if key not in _BALANCED:  # WeasyPrint lays pages out again for page counters: search once per render
        _BALANCED[key], trial = _balance(context, box, position_y, bottom_space, skip_stack, containing_block,
                                         first_letter_style, first_line_style)
    containing_block.width = _BALANCED[key]
    try:
        if trial is not None:  # the search's last dry run was at the chosen width: its lines, not a third layout
            absolute_boxes.extend(trial.absolute_boxes)
            fixed_boxes.extend(trial.fixed_boxes)
            if len(trial.lines) > 1:
                box.text_indent = 0  # as WeasyPrint leaves it after a second line
            yield from trial.lines
            return
        yield from _ORIGINAL(context, box, position_y, bottom_space, skip_stack, containing_block, absolute_boxes,
                             fixed_boxes, first_letter_style, first_line_style)
    finally:
        containing_block.width = width


@contextmanager
def balanced_lines() -> Iterator[str | None]:
    """Within the block, blocks with --briefkit-text-wrap: balance get even lines; yields a warning if it cannot."""
    reason = unsupported_reason()
    if reason is not None:
        yield reason.replace("Chinese text is not justified between characters", "headlines are not balanced")
        return
    block.iter_line_boxes = iter_line_boxes
    try:
        yield None
    finally:
        block.iter_line_boxes = _ORIGINAL
        _BALANCED.clear()
