"""<table> and key-figure <div> elements -> Word tables, written through the BodyWriter walking the body.

Data tables get columns sized by what they hold, parallel tables set English
and Chinese side by side with a hairline between (one table for a run of
them), key figures become a shaded grid and the handout's lists two columns.
Borders and cell margins come from table styles (styles.py). Cells are
filled by the walker itself, so their text gets the same styles and
vocabulary checks as the rest of the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.shared import Emu
from docx.table import Table, _Cell

from ...errors import BuildError
from . import oxml
from .runs import CJK, Element, class_of
from .styles import TABLE_STYLES

if TYPE_CHECKING:
    from .build import BodyWriter, Container


def write_table(writer: BodyWriter, container: Container, element: Element, lang: str) -> None:
    """A parallel table as aligned rows; a data table in the Data Table style, its header rows repeating."""
    if class_of(element) == "parallel":
        write_parallel(writer, container, element, lang)
        return
    rows = read_rows(writer, element, {"th", "td"})
    columns = max((len(cells) for _, cells in rows), default=0)
    if not columns:
        return
    widths = measure_columns(rows, columns, writer.width(container))
    table = add_table(writer, container, len(rows), widths, "data", header=any(head for head, _ in rows))
    for (header, cells), tr in zip(rows, table._tbl.tr_lst, strict=True):
        if header:
            oxml.repeat_row(tr)
        for column, tc in enumerate(tr.tc_lst):
            cell = _Cell(tc, table)
            if column < len(cells):
                style = "Table Heading" if cells[column].tag == "th" else "Table Text"
                writer.text_block(cell, cells[column], style, cells[column].get("lang", lang))
            close_cell(cell)


def write_parallel(writer: BodyWriter, container: Container, element: Element, lang: str) -> None:
    """Aligned bilingual rows, English left and Chinese right, a hairline between (the Parallel Text style).

    Consecutive parallel blocks are rows of ONE table whose rows may break across pages, as in the PDF;
    rows are appended one by one, so the time grows with the rows, not their square."""
    rows = read_rows(writer, element, {"td"})
    previous = writer.table_before(container)
    if previous is not None and writer.tables.get(previous) == "parallel":
        table = Table(previous, container)
    else:
        half = writer.width(container) // 2
        table = add_table(writer, container, 0, [half, half], "parallel")
    for _, cells in rows:
        if len(cells) != 2:
            raise BuildError(f'{writer.where}: a <table class="parallel"> row needs two <td>, English and Chinese')
        row = table.add_row()
        if any(cell.find(".//blockquote") is not None for cell in cells):
            oxml.keep_row_together(row._tr)  # a quote box is never split
        for source, tc in zip(cells, row._tr.tc_lst, strict=True):
            oxml.clear_cell(tc)
            cell = _Cell(tc, table)
            writer.blocks(cell, source, source.get("lang", lang))
            close_cell(cell)


def write_key_figures(writer: BodyWriter, container: Container, element: Element, lang: str) -> None:
    """Call-outs as in the CSS: each 30% of the measure with a 2% gap, three to a row, shaded, accent rule on top."""
    figures = list(writer.children(element, writer.allowed("div.key-figures")))
    if not figures:
        return
    per_row = min(3, len(figures))
    rows = -(-len(figures) // per_row)
    width = writer.width(container) * 32 // 100  # 30% box + 2% gap, drawn by a white border
    table = add_table(writer, container, rows, [width] * per_row, "key-figures")
    gap = (6, "FFFFFF")  # white borders stand in for the gaps between call-outs
    cells = [_Cell(tc, table) for tr in table._tbl.tr_lst for tc in tr.tc_lst]
    for index, cell in enumerate(cells):
        if index < len(figures):
            oxml.set_cell_shading(cell._tc, writer.colour("panel"))
            oxml.set_cell_borders(cell._tc, top=(2, writer.colour("accent")), left=gap, right=gap, bottom=gap)
            for span in writer.children(figures[index], writer.allowed("div.key-figure")):
                style = "Key Figure Value" if class_of(span) == "value" else "Key Figure Label"
                writer.text_block(cell, span, style, span.get("lang", lang))
        close_cell(cell)


def write_list_columns(writer: BodyWriter, container: Container, element: Element, lang: str, columns: int) -> None:
    """A list set in `columns` balanced columns (the CSS `columns`), as a borderless table numbering on."""
    items = list(writer.children(element, writer.allowed(element.tag)))
    per_column = -(-len(items) // columns) if items else 0
    table = add_table(writer, container, 1, [writer.width(container) // columns] * columns, "columns")
    number = None
    for index, tc in enumerate(table._tbl.tr_lst[0].tc_lst):
        cell = _Cell(tc, table)
        chunk = items[index * per_column:(index + 1) * per_column]
        if chunk:
            number = writer.list_items(cell, element, lang, items=chunk, number=number)
        close_cell(cell)


def read_rows(writer: BodyWriter, table: Element, cells: set[str]) -> list[tuple[bool, list[Element]]]:
    """(is a header row, its cells) for each tr, inside optional thead/tbody."""
    rows = []
    for child in writer.children(table, {"tr": {""}, "thead": {""}, "tbody": {""}}):
        for row in [child] if child.tag == "tr" else writer.children(child, writer.allowed(child.tag)):
            rows.append((child.tag == "thead", list(writer.children(row, {name: {""} for name in cells}))))
    return rows


def add_table(writer: BodyWriter, container: Container, rows: int, widths: list[int], kind: str,
              header: bool = False) -> Table:
    """An empty table of fixed column `widths` in the table style of its kind; only parallel rows may split."""
    previous = writer.table_before(container)
    if previous is not None:
        writer.spacer(container, 6)  # touching tables are drawn as one
    table = container.add_table(rows, len(widths))
    writer.tables[table._tbl] = kind
    table.autofit = False
    oxml.set_table_style(table._tbl, TABLE_STYLES[kind].replace(" ", ""), header)
    oxml.set_table_width(table._tbl, sum(widths))
    for gridcol, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        gridcol.w = Emu(width)
    for tr in table._tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, widths, strict=True):
            tc.width = Emu(width)
            oxml.clear_cell(tc)
        if kind != "parallel":
            oxml.keep_row_together(tr)
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
