"""A laid-out WeasyPrint document -> typesetting findings, each naming its page and text.

Read from the layout tree (writers/pdf.py `layout_tree`), not from pixels,
after layout and before the PDF is written. Every rule is a defect a print
designer would mark on a proof:

- ink outside the text block (the running header and footer are margin boxes,
  and fixed page furniture such as the draft watermark, so they are not read);
- a box wider than the box that holds it;
- a bilingual pair (a `table.parallel` row) split across pages, unless it is
  taller than a page;
- a heading last on its page; a page under a quarter filled that is not the last;
- a list split across pages with one item alone on either side (in the bilingual edition a list is the
  rows of a parallel table, one item a row);
- a running header over one line;
- a line starting with closing punctuation or ending with opening punctuation;
- a one-character last line in a Chinese paragraph;
- a justified Chinese line short of the measure by more than a point.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from weasyprint.formatting_structure import boxes

from ..editions import CJK

# Never at the start of a line (GB/T 15834 and the usual kinsoku set), never at the end.
CLOSING_PUNCTUATION = set("，。、；：？！）》」』】〕〉”’…·)]")
OPENING_PUNCTUATION = set("（《「『【〔〈“‘([")
TOLERANCE = 0.5  # pt: rounding in Pango and WeasyPrint
SHORT_LINE = 1.0  # pt a justified Chinese line may fall short of the measure
LEAST_FILL = 0.25  # of the text block's height, on every page but the last
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class Finding:
    page: int
    message: str

    def __str__(self) -> str:
        return f"page {self.page}: {self.message}"


@dataclass
class _Walked:
    """One box with what holds it: its ancestors, nearest last."""

    box: Any
    ancestors: tuple[Any, ...]


def _walk(box: Any, ancestors: tuple[Any, ...] = ()) -> Iterator[_Walked]:
    yield _Walked(box, ancestors)
    for child in getattr(box, "children", ()):
        if child.style["position"] == "fixed":
            continue  # page furniture (the draft watermark), placed on purpose across the margins
        yield from _walk(child, (*ancestors, box))


def _text(box: Any, limit: int = 40) -> str:
    """The text of `box` as a reader sees it: lines joined by a space, except between CJK characters."""
    lines = [box] if isinstance(box, boxes.LineBox) else [line for line in box.descendants()
                                                          if isinstance(line, boxes.LineBox)] or [box]
    text = ""
    for line in lines:
        part = "".join(child.text for child in line.descendants() if isinstance(child, boxes.TextBox)).strip()
        joint = "" if not text or not part or (CJK.match(text[-1]) and CJK.match(part[0])) else " "
        text += joint + part
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _classes(box: Any) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


def _is_chinese(box: Any) -> bool:
    return bool((box.style["lang"] or "").lower().startswith("zh"))


def _inline_right(line: Any) -> float:
    """Where the ink of a line box ends: its last in-flow child's margin edge."""
    right = line.content_box_x()
    for child in line.children:
        if child.is_in_normal_flow():
            right = max(right, child.position_x + child.margin_width())
    return float(right)


def check_document(pages: list[Any]) -> list[Finding]:
    """Every finding on the laid-out `pages` (PageBox trees), in page order."""
    findings: list[Finding] = []
    fragments: dict[int, list[tuple[int, Any, tuple[Any, ...]]]] = {}  # paragraph element -> its line boxes
    rows: dict[int, list[tuple[int, Any]]] = {}
    items: dict[int, dict[int, tuple[int, Any]]] = {}  # list (or parallel table) element -> item element -> page, box
    for number, page in enumerate(pages, start=1):
        findings += _check_page(number, page, last=number == len(pages), fragments=fragments, rows=rows,
                                items=items)
    findings += _check_rows(rows, pages)
    findings += _check_lists(items)
    findings += _check_paragraphs(fragments)
    unique = dict.fromkeys(findings)  # one report of a defect a page repeats, e.g. every line of an overflowing cell
    return sorted(unique, key=lambda finding: finding.page)


def _check_page(number: int, page: Any, *, last: bool, fragments: dict[int, list[tuple[int, Any, tuple[Any, ...]]]],
                rows: dict[int, list[tuple[int, Any]]], items: dict[int, dict[int, tuple[int, Any]]]) -> list[Finding]:
    found: list[Finding] = []
    left, top = page.content_box_x(), page.content_box_y()
    right, bottom = left + page.width, top + page.height
    last_line: _Walked | None = None
    lowest = top
    for margin in (child for child in page.children if isinstance(child, boxes.MarginBox)):
        lines = {round(line.position_y, 1) for line in margin.descendants() if isinstance(line, boxes.LineBox)}
        if "top" in margin.at_keyword and len(lines) > 1:
            found.append(Finding(number, f"the running header takes {len(lines)} lines: {_text(margin, 60)}"))
    first_block = None  # the first heading or paragraph on the page
    designed_end = False  # the page ends at a forced break the templates ask for (a cover, the contents)
    for walked in _walk(page.children[0], (page,)):
        box, parent = walked.box, walked.ancestors[-1]
        if first_block is None and isinstance(box, boxes.LineBox):
            first_block = next((a for a in walked.ancestors if a.element_tag in HEADINGS), parent)
        if isinstance(box, boxes.TableRowBox) and "parallel" in _classes(walked.ancestors[-2]):
            rows.setdefault(id(box.element), []).append((number, box))
        if box.element_tag == "li" and parent.element_tag in ("ul", "ol"):  # the item's own box, not its marker
            _note_item(number, walked, items)
        if isinstance(box, boxes.BlockLevelBox) and box.style["break_after"] in ("page", "left", "right", "recto",
                                                                                "verso"):
            designed_end = True
        if isinstance(box, boxes.LineBox):
            last_line = walked
            lowest = max(lowest, box.position_y + box.height)
            found += _check_line(number, walked)
            if box.element is not None:
                fragments.setdefault(id(box.element), []).append((number, box, walked.ancestors))
        elif isinstance(box, boxes.ReplacedBox):
            lowest = max(lowest, box.position_y + box.margin_height())
        visible = isinstance(box, (boxes.TextBox, boxes.ReplacedBox)) or (
            isinstance(box, boxes.BlockBox) and box.style["background_color"].alpha > 0 and box.height)
        if visible and box.width and (box.position_x < left - TOLERANCE
                                      or box.position_x + box.margin_width() > right + TOLERANCE
                                      or box.position_y + box.margin_height() > bottom + TOLERANCE):
            holder = next((a for a in reversed(walked.ancestors) if isinstance(a, boxes.BlockContainerBox)), box)
            what = box.element_tag if isinstance(box, boxes.ReplacedBox) else _text(holder)
            found.append(Finding(number, f"ink outside the text block: {what}"))
        if (isinstance(box, boxes.BlockLevelBox) and isinstance(parent, boxes.BlockContainerBox)
                and not isinstance(parent, boxes.PageBox) and box.is_in_normal_flow()):
            inner_left, inner_right = parent.content_box_x(), parent.content_box_x() + parent.width
            if (box.position_x + box.margin_left < inner_left - TOLERANCE
                    or box.position_x + box.margin_width() - box.margin_right > inner_right + TOLERANCE):
                found.append(Finding(number, f"a {box.element_tag} box overflows its {parent.element_tag}: "
                                             f"{_text(box)}"))
    if last_line is not None and not last:
        heading = next((a for a in reversed(walked_heads(last_line)) if a.element_tag in HEADINGS), None)
        if heading is not None:
            found.append(Finding(number, f"a heading is last on its page: {_text(heading)}"))
    fill = (lowest - top) / page.height if page.height else 1.0
    if not last and not designed_end and fill < LEAST_FILL:
        found.append(Finding(number, f"the page is only {100 * fill:.0f}% filled"))
    return found


def walked_heads(walked: _Walked) -> tuple[Any, ...]:
    return (*walked.ancestors, walked.box)


def _check_line(number: int, walked: _Walked) -> list[Finding]:
    line, parent = walked.box, walked.ancestors[-1]
    found = []
    texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox) and box.text.strip()]
    if texts:
        first, end = texts[0].text.lstrip(), texts[-1].text.rstrip()
        if first[:1] in CLOSING_PUNCTUATION and first[:2] not in ("……", "——"):
            found.append(Finding(number, f"a line begins with closing punctuation: {first[:20]!r}"))
        if end[-1:] in OPENING_PUNCTUATION:
            found.append(Finding(number, f"a line ends with opening punctuation: {end[-20:]!r}"))
    right = parent.content_box_x() + parent.width
    if _inline_right(line) > right + TOLERANCE:
        found.append(Finding(number, f"a line overflows its {parent.element_tag}: {_text(line)}"))
    return found


def _check_paragraphs(fragments: dict[int, list[tuple[int, Any, tuple[Any, ...]]]]) -> list[Finding]:
    """Chinese paragraphs: no one-character last line; justified lines but the last reach the measure."""
    found = []
    for lines in fragments.values():
        number, last, _ = lines[-1]
        if not _is_chinese(last):
            continue
        text = "".join(box.text for box in last.descendants() if isinstance(box, boxes.TextBox)).strip()
        letters = [char for char in text if char not in CLOSING_PUNCTUATION | OPENING_PUNCTUATION]
        if len(lines) > 1 and len(letters) == 1 and CJK.match(letters[0]):
            found.append(Finding(number, f"a Chinese paragraph ends with a one-character line: {text!r}"))
        for page_number, line, ancestors in lines[:-1]:
            if line.style["text_align_all"] != "justify" or _forced_break(line) or _balanced(line):
                continue
            parent = ancestors[-1]
            short = parent.content_box_x() + parent.width - _inline_right(line)
            if short > SHORT_LINE and line.position_x <= parent.content_box_x() + TOLERANCE:
                found.append(Finding(page_number, f"a justified Chinese line is {short:.1f} pt short of the "
                                                  f"measure: {_text(line)}"))
    return found


def _balanced(line: Any) -> bool:
    """Lines of a block balanced by writers/text_wrap.py are narrower than the measure on purpose."""
    return any(getattr(token, "value", None) == "balance" for token in line.style["__briefkit_text_wrap"] or ())


def _forced_break(line: Any) -> bool:
    """A line ended by <br> or a preserved newline: not justified, by design."""
    return any(getattr(box, "element_tag", None) == "br" or "\n" in getattr(box, "text", "")
               for box in line.descendants())


def _check_rows(rows: dict[int, list[tuple[int, Any]]], pages: list[Any]) -> list[Finding]:
    """A bilingual pair on two pages, unless the pair is taller than a page and had to split."""
    found = []
    for fragments in rows.values():
        numbers = sorted({number for number, _ in fragments})
        if len(numbers) < 2:
            continue
        height = sum(row.height for _, row in fragments)
        if height >= pages[numbers[0] - 1].height - TOLERANCE:
            continue
        found.append(Finding(numbers[0], f"a bilingual pair is split across pages {numbers[0]}-{numbers[-1]}: "
                                         f"{_text(fragments[0][1])}"))
    return found


def _note_item(number: int, walked: _Walked, items: dict[int, dict[int, tuple[int, Any]]]) -> None:
    """A list item's first page, by list; a bilingual list's items are the parallel table's rows (one item a row)."""
    group, item = walked.ancestors[-1], walked.box
    for depth in range(len(walked.ancestors) - 1, 1, -1):
        if isinstance(walked.ancestors[depth], boxes.TableRowBox):
            table = walked.ancestors[depth - 2]  # the row's group, then its table
            if "parallel" in _classes(table):
                group, item = table, walked.ancestors[depth]
            break
    items.setdefault(id(group.element), {}).setdefault(id(item.element), (number, item))


def _check_lists(items: dict[int, dict[int, tuple[int, Any]]]) -> list[Finding]:
    """A list broken so that one item stands alone at the foot of a page or the head of the next."""
    found = []
    for listed in items.values():
        pages = [number for number, _ in listed.values()]
        if len(set(pages)) < 2:
            continue
        first, last = pages[0], pages[-1]
        counts = [pages.count(first), pages.count(last)]
        if 1 in counts:
            lone = next(iter(listed.values()))[1] if counts[0] == 1 else list(listed.values())[-1][1]
            shown = "/".join(str(pages.count(number)) for number in sorted(set(pages)))
            found.append(Finding(first, f"a list is split {shown} across pages {first}-{last}, one item alone: "
                                        f"{_text(lone)}"))
    return found
