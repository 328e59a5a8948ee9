"""A CID-keyed OpenType face whose glyph ids are not its CIDs -> the same face with CID = glyph id.

A PDF shows text in a CID font by CID. WeasyPrint writes the glyph ids Pango
shaped with and declares /Identity-H, so a code is a CID and a glyph id at
once. For a CFF face that is CID-keyed (a Top DICT with ROS, as in every Noto
CJK face), PDF readers that follow ISO 32000 (pdf.js, Acrobat) find the glyph
of a CID through the face's charset; Poppler, MuPDF and Ghostscript take the
code as a glyph id. The installed Noto CJK faces number CIDs as glyph ids, so
both agree. A subset does not: HarfBuzz gives the kept glyphs new, compact ids
and keeps their old CIDs (glyph 1157 of a cut is CID 9481), and pdf.js then
drew blank boxes for every Chinese character. Here the charset of a cut face is
rewritten to the identity (glyph n is CID n), in place: an identity charset is
never longer than the one it replaces, so no other offset in the font moves.
Glyph ids, outlines, metrics and layout tables are untouched, so Pango shapes
and lays out exactly as before.
"""

from __future__ import annotations

import array
import struct
import sys

_HEAD_MAGIC = 0xB1B0AFBA  # the OpenType head table's checkSumAdjustment: this minus the font's checksum
_ROS, _CHARSET, _CHARSTRINGS = (12, 30), 15, 17


def with_identity_charset(font: bytes) -> bytes:
    """`font` with its CFF charset made the identity; `font` itself when it has no CID-keyed CFF or already is."""
    tables = _tables(font)
    if b"CFF " not in tables:
        return font
    start, length = tables[b"CFF "]
    cff = bytearray(_cff(font, tables))
    changed = _identity_in_place(cff)
    if changed is None:
        return font
    result = bytearray(font)
    result[start:start + length] = cff
    _update_checksums(result, font, tables, start + changed[0], start + changed[1])
    return bytes(result)


def charset_is_identity(font: bytes) -> bool:
    """Whether every glyph of `font`'s CID-keyed CFF is its own CID (True for a face without one)."""
    cff = _cff(font, _tables(font))
    found = _charset(cff) if cff else None
    if found is None:
        return True
    offset, glyphs = found
    cids, _ = _read_charset(cff, offset, glyphs)
    return cids == list(range(1, glyphs))


def _cff(font: bytes, tables: dict[bytes, tuple[int, int]]) -> bytes:
    """The font's CFF table (b"" for a font without one)."""
    start, length = tables.get(b"CFF ", (0, 0))
    return bytes(font[start:start + length])


def _tables(font: bytes) -> dict[bytes, tuple[int, int]]:
    """The sfnt table directory: tag -> (offset, length)."""
    if len(font) < 12:
        return {}
    (count,) = struct.unpack_from(">H", font, 4)
    tables = {}
    for number in range(count):
        tag, _, offset, length = struct.unpack_from(">4sIII", font, 12 + 16 * number)
        tables[tag] = (offset, length)
    return tables


def _identity_in_place(cff: bytearray) -> tuple[int, int] | None:
    """Rewrite the charset of a CID-keyed `cff` to the identity; the bytes rewritten (from, to), or None when
    there is nothing to rewrite."""
    found = _charset(bytes(cff))
    if found is None:
        return None
    offset, glyphs = found
    cids, length = _read_charset(bytes(cff), offset, glyphs)
    if cids == list(range(1, glyphs)):
        return None
    identity = min((_format_2(glyphs), _format_1(glyphs), _format_0(glyphs)), key=len)
    if len(identity) > length:  # cannot happen (see _format_*): the smallest identity fits any charset
        raise ValueError(f"an identity charset of {len(identity)} bytes does not fit in {length}")
    cff[offset:offset + length] = identity + bytes(length - len(identity))
    return offset, offset + length


def _format_0(glyphs: int) -> bytes:
    return bytes([0]) + b"".join(struct.pack(">H", cid) for cid in range(1, glyphs))


def _format_1(glyphs: int) -> bytes:
    ranges = [(first, min(255, glyphs - 1 - first)) for first in range(1, glyphs, 256)]
    return bytes([1]) + b"".join(struct.pack(">HB", first, left) for first, left in ranges)


def _format_2(glyphs: int) -> bytes:
    return bytes([2]) + struct.pack(">HH", 1, glyphs - 2)


def _charset(cff: bytes) -> tuple[int, int] | None:
    """(charset offset, glyph count) of a CID-keyed CFF; None for a name-keyed one or a predefined charset."""
    header_size = cff[2]
    _, after_names = _index(cff, header_size)
    top_dicts, _ = _index(cff, after_names)
    if not top_dicts:
        return None
    operators = _dict(top_dicts[0])
    if _ROS not in operators or _CHARSET not in operators or _CHARSTRINGS not in operators:
        return None
    offset = int(operators[_CHARSET][0])
    if offset <= 2:  # ISOAdobe, Expert, ExpertSubset: name-keyed sets, not CIDs
        return None
    (glyphs,) = struct.unpack_from(">H", cff, int(operators[_CHARSTRINGS][0]))
    return (offset, glyphs) if glyphs > 1 else None


def _read_charset(cff: bytes, offset: int, glyphs: int) -> tuple[list[int], int]:
    """The CIDs of glyphs 1..glyphs-1 and the charset's length in bytes."""
    kind, position, cids = cff[offset], offset + 1, []
    if kind == 0:
        cids = list(struct.unpack_from(f">{glyphs - 1}H", cff, position))
        return cids, 1 + 2 * (glyphs - 1)
    if kind not in (1, 2):
        raise ValueError(f"unknown CFF charset format {kind}")
    shape = ">HB" if kind == 1 else ">HH"
    while len(cids) < glyphs - 1:
        first, left = struct.unpack_from(shape, cff, position)
        position += struct.calcsize(shape)
        cids.extend(range(first, first + left + 1))
    return cids[:glyphs - 1], position - offset


def _index(cff: bytes, offset: int) -> tuple[list[bytes], int]:
    """The items of the CFF INDEX at `offset` and the offset just past it."""
    (count,) = struct.unpack_from(">H", cff, offset)
    if count == 0:
        return [], offset + 2
    size = cff[offset + 2]
    starts = offset + 3
    points = [int.from_bytes(cff[starts + size * n:starts + size * (n + 1)], "big") for n in range(count + 1)]
    data = starts + size * (count + 1) - 1  # offsets count from 1
    return [cff[data + points[n]:data + points[n + 1]] for n in range(count)], data + points[-1]


def _dict(data: bytes) -> dict[int | tuple[int, int], list[float]]:
    """A CFF DICT: operator -> operands (Adobe TN 5176, table 3)."""
    operators: dict[int | tuple[int, int], list[float]] = {}
    operands: list[float] = []
    position = 0
    while position < len(data):
        byte = data[position]
        if byte <= 21:
            if byte == 12:
                operators[(12, data[position + 1])] = operands
                position += 2
            else:
                operators[byte] = operands
                position += 1
            operands = []
        elif byte == 28:
            operands.append(struct.unpack_from(">h", data, position + 1)[0])
            position += 3
        elif byte == 29:
            operands.append(struct.unpack_from(">i", data, position + 1)[0])
            position += 5
        elif byte == 30:  # a real number: nibbles up to the end nibble 0xf; its value is not needed here
            position += 1
            while data[position] & 0x0F != 0x0F and data[position] >> 4 != 0x0F:
                position += 1
            position += 1
            operands.append(0.0)
        elif byte <= 246:
            operands.append(byte - 139)
            position += 1
        elif byte <= 250:
            operands.append((byte - 247) * 256 + data[position + 1] + 108)
            position += 2
        elif byte <= 254:
            operands.append(-(byte - 251) * 256 - data[position + 1] - 108)
            position += 2
        else:
            raise ValueError(f"reserved byte {byte} in a CFF DICT")
    return operators


def _update_checksums(font: bytearray, before: bytes, tables: dict[bytes, tuple[int, int]], first: int,
                      last: int) -> None:
    """Bring the CFF table's checksum and the head table's checkSumAdjustment (OpenType, 'Calculating
    checksums') up to date after bytes first..last of `before` changed: readers rarely check them, but a font
    that fails them is a broken font. Only the changed words are summed (the font is ~50-200 KB, the charset
    a few bytes): the table's sum moves by their difference, the font's by twice that (table and directory)."""
    table_start, table_length = tables[b"CFF "]
    words_from = table_start + (first - table_start) // 4 * 4  # words count from the table's start
    words_to = min(table_start + -(-(last - table_start) // 4) * 4, table_start + table_length)
    difference = (_checksum(font[words_from:words_to]) - _checksum(before[words_from:words_to])) & 0xFFFFFFFF
    if not difference:
        return
    (count,) = struct.unpack_from(">H", font, 4)
    for number in range(count):
        record = 12 + 16 * number
        tag, checksum = struct.unpack_from(">4sI", font, record)
        if tag == b"CFF ":
            struct.pack_into(">I", font, record + 4, (checksum + difference) & 0xFFFFFFFF)
    if b"head" in tables:
        adjustment = tables[b"head"][0] + 8
        (value,) = struct.unpack_from(">I", font, adjustment)
        struct.pack_into(">I", font, adjustment, (value - 2 * difference) & 0xFFFFFFFF)


def _checksum(data: bytes | bytearray) -> int:
    words = array.array("I", bytes(data) + bytes(-len(data) % 4))  # "I" is 4 bytes on every platform we run on
    if sys.byteorder == "little":
        words.byteswap()  # OpenType's words are big-endian
    return sum(words) & 0xFFFFFFFF
