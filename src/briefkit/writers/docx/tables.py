"""<table> and key-figure <div> elements -> Word tables, written through the BodyWriter walking the body.

Data tables get columns sized by what they hold, parallel tables set English
and Chinese side by side with a hairline between, and key figures become a
shaded grid. Cells are filled by the walker itself, so their text gets the
same styles and vocabulary checks as the rest of the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.shared import Emu
from docx.table import Table, _Cell

from ...errors import BuildError
from . import oxml
from .runs import CJK, Element, class_of

if TYPE_CHECKING:
    from .build import BodyWriter, Container


def write_table(writer: BodyWriter, container: Container, element: Element, lang: str) -> None:
    """A parallel table as aligned rows; a data table ruled under each row, heavier under header rows, which repeat."""
    if class_of(element) == "parallel":
        write_parallel(writer, container, element, lang)
        return
    rows = read_rows(writer, element, {"th", "td"})
    columns = max((len(cells) for _, cells in rows), default=0)
    if not columns:
        return
    table = add_table(writer, container, len(rows), measure_columns(rows, columns, writer.width(container)), "data")
    rule = (0.5, writer.colour("rule"))
    oxml.set_table_borders(table._tbl, top=None, left=None, right=None, insideV=None, bottom=rule, insideH=rule)
    oxml.set_cell_margins(table._tbl, left=113, right=113, top=57, bottom=57)
    for index, (header, cells) in enumerate(rows):
        if header:
            oxml.repeat_row(table.rows[index]._tr)
        for column in range(columns):
            cell = table.cell(index, column)
            if column < len(cells):
                style = "Table Heading" if cells[column].tag == "th" else "Table Text"
                writer.text_block(cell, cells[column], style, cells[column].get("lang", lang))
            if header:
                oxml.set_cell_borders(cell._tc, bottom=(1, writer.colour("ink")))
            close_cell(cell)


def write_parallel(writer: BodyWriter, container: Container, element: Element, lang: str) -> None:
    """Aligned bilingual rows: English left, Chinese right, a hairline between."""
    rows = read_rows(writer, element, {"td"})
    half = writer.width(container) // 2
    table = add_table(writer, container, len(rows), [half, half], "parallel")
    oxml.set_table_borders(table._tbl, top=None, left=None, bottom=None, right=None, insideH=None, insideV=None)
    oxml.set_cell_margins(table._tbl, left=113, right=113)
    for index, (_, cells) in enumerate(rows):
        if len(cells) != 2:
            raise BuildError(f'{writer.where}: a <table class="parallel"> row needs two <td>, English and Chinese')
        for column, source in enumerate(cells):
            cell = table.cell(index, column)
            writer.blocks(cell, source, source.get("lang", lang))
            close_cell(cell)
        oxml.set_cell_borders(table.cell(index, 1)._tc, left=(0.5, writer.colour("rule")))


def write_key_figures(writer: BodyWriter, container: Container, element: Element, lang: str) -> None:
    """Call-outs as a shaded grid, three to a row, each with the accent rule on top."""
    figures = list(writer.children(element, writer.allowed("div.key-figures")))
    if not figures:
        return
    per_row = min(3, len(figures))
    rows = -(-len(figures) // per_row)
    table = add_table(writer, container, rows, [writer.width(container) // per_row] * per_row, "key-figures")
    oxml.set_cell_margins(table._tbl, left=142, right=142, top=57, bottom=85)
    gap = (6, "FFFFFF")  # white borders stand in for the gaps between call-outs
    for index in range(rows * per_row):
        cell = table.cell(index // per_row, index % per_row)
        if index < len(figures):
            oxml.set_cell_shading(cell._tc, writer.colour("panel"))
            oxml.set_cell_borders(cell._tc, top=(2, writer.colour("accent")), left=gap, right=gap, bottom=gap)
            for span in writer.children(figures[index], writer.allowed("div.key-figure")):
                style = "Key Figure Value" if class_of(span) == "value" else "Key Figure Label"
                writer.text_block(cell, span, style, span.get("lang", lang))
        close_cell(cell)


def read_rows(writer: BodyWriter, table: Element, cells: set[str]) -> list[tuple[bool, list[Element]]]:
    """(is a header row, its cells) for each tr, inside optional thead/tbody."""
    rows = []
    for child in writer.children(table, {"tr": {""}, "thead": {""}, "tbody": {""}}):
        for row in [child] if child.tag == "tr" else writer.children(child, writer.allowed(child.tag)):
            rows.append((child.tag == "thead", list(writer.children(row, {name: {""} for name in cells}))))
    return rows


def add_table(writer: BodyWriter, container: Container, rows: int, widths: list[int], kind: str) -> Table:
    """An empty table of fixed column `widths` whose rows do not split across pages."""
    previous = writer.table_before(container)
    if previous is not None and (kind, writer.tables.get(previous)) != ("parallel", "parallel"):
        writer.spacer(container, 6)  # touching tables are drawn as one; only parallel rows should join up
    table = container.add_table(rows, len(widths))
    writer.tables[table._tbl] = kind
    table.autofit = False
    oxml.set_table_width(table._tbl, sum(widths))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Emu(width)
        for cell in column.cells:
            cell.width = Emu(width)
            oxml.clear_cell(cell._tc)
    for row in table.rows:
        oxml.keep_row_together(row._tr)
    return table


def close_cell(cell: _Cell) -> None:
    if oxml.ends_without_paragraph(cell._tc):  # Word requires a cell to end with a paragraph
        cell.add_paragraph()


def measure_columns(rows: list[tuple[bool, list[Element]]], columns: int, total: int) -> list[int]:
    """Widths by the longest line each column holds (CJK counts double), none under 12% of the table."""
    need = [4.0] * columns
    for _, cells in rows:
        for index, cell in enumerate(cells):
            for line in cell.itertext():
                length = sum(2 if CJK.match(char) else 1 for char in " ".join(line.split()))
                need[index] = max(need[index], min(length, 60))
    shares = [max(value / sum(need), 0.12) for value in need]
    return [int(total * share / sum(shares)) for share in shares]
