"""CID-keyed faces with CID = glyph id (writers/cff_charset.py): whatever charset a cut face has, the result
numbers glyph n as CID n, moves no other byte of the font, and keeps its checksums; other faces are left as
they are. The fonts here are built byte by byte, so each charset format is met on purpose; the sample's
PDFs are checked with fontTools in test_pdf.py."""

from __future__ import annotations

import io
import struct

import pytest
from fontTools.ttLib import TTFont

from briefkit.writers.cff_charset import charset_is_identity, with_identity_charset

from .glyphs import checksums_hold

_HEAD_MAGIC = 0xB1B0AFBA


def _number(value: int) -> bytes:
    """A CFF DICT integer operand, always in the five-byte form (so offsets are known before they are filled)."""
    return bytes([29]) + struct.pack(">i", value)


def _index(items: list[bytes]) -> bytes:
    if not items:
        return struct.pack(">H", 0)
    offsets, position = [], 1
    for item in items:
        offsets.append(position)
        position += len(item)
    offsets.append(position)
    return struct.pack(">HB", len(items), 4) + b"".join(struct.pack(">I", offset) for offset in offsets) + \
        b"".join(items)


def _charset(kind: int, cids: list[int]) -> bytes:
    if kind == 0:
        return bytes([0]) + b"".join(struct.pack(">H", cid) for cid in cids)
    runs: list[list[int]] = []
    for cid in cids:
        limit = 255 if kind == 1 else 65535
        if runs and runs[-1][0] + runs[-1][1] + 1 == cid and runs[-1][1] < limit:
            runs[-1][1] += 1
        else:
            runs.append([cid, 0])
    shape = ">HB" if kind == 1 else ">HH"
    return bytes([kind]) + b"".join(struct.pack(shape, first, left) for first, left in runs)


def _cff(charset: bytes | int, glyphs: int, cid_keyed: bool = True) -> bytes:
    """A CFF of `glyphs` empty glyphs with `charset` (bytes, or a predefined charset's number)."""
    names = _index([b"Test"])
    strings = _index([b"Adobe", b"Identity"])
    subrs = _index([])
    charstrings = _index([bytes([14])] * glyphs)  # endchar
    ros = _number(391) + _number(392) + _number(0) + bytes([12, 30]) if cid_keyed else b""
    matrix = bytes([30, 0x1A, 0x3F]) * 4 + bytes([139, 139, 12, 7])  # FontMatrix: reals the parser must skip

    def top(charset_at: int, charstrings_at: int) -> bytes:
        return ros + matrix + _number(charset_at) + bytes([15]) + _number(charstrings_at) + bytes([17])

    size = len(_index([top(0, 0)]))
    before = 4 + len(names) + size + len(strings) + len(subrs)
    if isinstance(charset, int):
        charset_at, charstrings_at, tail = charset, before, charstrings
    else:
        charset_at, charstrings_at, tail = before, before + len(charset), charset + charstrings
    return bytes([1, 0, 4, 4]) + names + _index([top(charset_at, charstrings_at)]) + strings + subrs + tail


def _sfnt(tables: dict[bytes, bytes]) -> bytes:
    """An OpenType file of `tables`, each padded to four bytes, with valid checksums."""
    directory_size = 12 + 16 * len(tables)
    records, body, position = [], b"", directory_size
    for tag, data in sorted(tables.items()):
        padded = data + bytes(-len(data) % 4)
        records.append((tag, _checksum(padded), position, len(data)))
        body += padded
        position += len(padded)
    font = bytearray(struct.pack(">4sHHHH", b"OTTO", len(tables), 0, 0, 0))
    for record in records:
        font += struct.pack(">4sIII", *record)
    font += body
    head = next(offset for tag, _, offset, _ in records if tag == b"head")
    struct.pack_into(">I", font, head + 8, (_HEAD_MAGIC - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)


def _checksum(data: bytes) -> int:
    padded = data + bytes(-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _font(cff: bytes) -> bytes:
    return _sfnt({b"CFF ": cff, b"head": bytes(54)})


def _cids(font: bytes) -> list[int]:
    """The CID of each glyph, as fontTools reads the font (it names CID-keyed glyphs cidNNNNN)."""
    order = TTFont(io.BytesIO(font), lazy=True)["CFF "].cff.topDictIndex[0].charset
    return [0 if name == ".notdef" else int(name[3:]) for name in order]


# Each charset format, as HarfBuzz or another subsetter may write it: scattered CIDs, short runs, long runs.
CASES = [
    ("format 0, one glyph", 0, [777]),
    ("format 0, scattered CIDs", 0, [9481, 9493, 9509, 12, 65000]),
    ("format 1, two short runs", 1, [30, 31, 32, 900, 901]),
    ("format 1, a run longer than one range", 1, list(range(5, 705))),
    ("format 2, one long run not from 1", 2, list(range(1000, 1600))),
    ("format 2, runs out of order", 2, [500, 501, 502, 7, 8, 9000]),
]


@pytest.mark.parametrize(("kind", "cids"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_every_charset_becomes_the_identity_and_nothing_else_moves(kind, cids):
    font = _font(_cff(_charset(kind, cids), len(cids) + 1))
    assert _cids(font)[1:] == cids and not charset_is_identity(font)
    fixed = with_identity_charset(font)
    assert _cids(fixed) == list(range(len(cids) + 1))
    assert charset_is_identity(fixed)
    assert len(fixed) == len(font)
    changed = [position for position, (one, other) in enumerate(zip(font, fixed, strict=True)) if one != other]
    tables = {tag: (offset, length) for tag, _, offset, length in
              (struct.unpack_from(">4sIII", font, 12 + 16 * n) for n in range(2))}
    cff_at, cff_length = tables[b"CFF "]
    charset_at = cff_at + 4 + len(_index([b"Test"]))  # only charset bytes, checksums and the head adjustment
    outside = [p for p in changed if not (cff_at <= p < cff_at + cff_length) and p >= 12 + 32 and
               not (tables[b"head"][0] + 8 <= p < tables[b"head"][0] + 12)]
    assert not outside, outside
    assert all(p >= charset_at for p in changed if cff_at <= p < cff_at + cff_length)
    assert checksums_hold(fixed)
    assert with_identity_charset(fixed) is fixed  # already the identity: the same bytes back


LEFT_ALONE = [
    ("already the identity", _font(_cff(_charset(2, list(range(1, 40))), 40))),
    ("name-keyed (no ROS)", _font(_cff(_charset(0, [5, 9, 300]), 4, cid_keyed=False))),
    ("a predefined charset", _font(_cff(0, 4, cid_keyed=False))),
    ("a TrueType face", _sfnt({b"glyf": bytes(8), b"head": bytes(54)})),
    ("not a font", b"OTT"),
]


@pytest.mark.parametrize("font", [case[1] for case in LEFT_ALONE], ids=[case[0] for case in LEFT_ALONE])
def test_other_faces_are_left_as_they_are(font):
    assert with_identity_charset(font) is font
    assert charset_is_identity(font)
