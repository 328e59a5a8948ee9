"""What a PDF reader that follows ISO 32000 draws for a CID font: the glyph whose CID is the code.

For a CIDFontType0 whose embedded CFF is CID-keyed, pdf.js and Acrobat find a code's glyph through the
font's charset; Poppler, MuPDF and Ghostscript (and so pdftoppm and pdftotext) take the code as a glyph
id. A PDF reads the same everywhere only when, for every code its pages show, the glyph with that CID
is the glyph with that id. Read here with pypdf and fontTools, not with briefkit's own code.
"""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from pypdf import PdfReader

_SHOWN = re.compile(rb"/([^\s/\[\]<>()]+)\s+[-\d.]+\s+Tf|\[((?:[^\]]|\n)*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj")


def glyphs_drawn_otherwise(path: Path) -> list[str]:
    """Each (font, code) whose glyph by CID is not its glyph by id, as 'font: code -> CID n is glyph m'."""
    found: list[str] = []
    for page in PdfReader(path).pages:
        contents = page.get_contents()  # a stream object that is "empty" as a dictionary: test against None
        _check_stream(contents.get_data() if contents is not None else b"", page["/Resources"], found)
    return sorted(set(found))


def _check_stream(content: bytes, resources: Any, found: list[str]) -> None:
    resources = resources.get_object() if resources is not None else {}
    fonts = resources.get("/Font", {})
    fonts = fonts.get_object() if hasattr(fonts, "get_object") else fonts
    charsets: dict[str, list[int] | None] = {}
    encodings: dict[str, dict[int, int]] = {}
    current: str | None = None
    for match in _SHOWN.finditer(content):
        if match.group(1):
            current = match.group(1).decode("latin-1")
            continue
        if current is None or f"/{current}" not in fonts:
            continue
        if current not in charsets:
            font = fonts[f"/{current}"].get_object()
            charsets[current] = _cids_by_glyph(font)
            encodings[current] = _encoding(font)
        cids, encoding = charsets[current], encodings[current]
        if cids is None:
            continue
        strings = re.findall(rb"<([0-9a-fA-F]*)>", match.group(2)) if match.group(2) is not None else [match.group(3)]
        for hexes in strings:
            for start in range(0, len(hexes), 4):
                code = int(hexes[start:start + 4], 16)
                cid = encoding.get(code, code)
                drawn = cids.index(cid) if cid in cids else None
                meant = code if code < len(cids) else 0  # past the last glyph: .notdef
                if drawn != meant:
                    found.append(f"{current}: code {code} -> CID {cid} is glyph {drawn}, not {meant}")
    xobjects = resources.get("/XObject", {})
    for xobject in (xobjects.get_object() if hasattr(xobjects, "get_object") else xobjects).values():
        form = xobject.get_object()
        if form.get("/Subtype") == "/Form":
            _check_stream(form.get_data(), form.get("/Resources") or resources, found)


def _encoding(font: Any) -> dict[int, int]:
    """The codes an embedded CMap maps to other CIDs (WeasyPrint's for glyphs a face lacks: CID 0); {} for
    /Identity-H, where each code is its CID."""
    encoding = font.get("/Encoding")
    if encoding is None or isinstance(encoding.get_object(), str):
        return {}
    text = encoding.get_object().get_data().decode("latin-1")
    return {int(code, 16): int(cid) for block in re.findall(r"begincidchar(.*?)endcidchar", text, re.DOTALL)
            for code, cid in re.findall(r"<([0-9a-fA-F]+)>\s+(\d+)", block)}


def _cids_by_glyph(font: Any) -> list[int] | None:
    """The CID of each glyph of a Type0 font's embedded CID-keyed CFF; None for any other font."""
    if font.get("/Subtype") != "/Type0":
        return None
    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    if descendant.get("/Subtype") != "/CIDFontType0" or "/FontFile3" not in descriptor:
        return None
    data = descriptor["/FontFile3"].get_object().get_data()
    if data[:4] != b"OTTO":
        return None
    top = TTFont(io.BytesIO(data), lazy=True)["CFF "].cff.topDictIndex[0]
    if not hasattr(top, "ROS"):
        return None
    return [0 if name == ".notdef" else int(name[3:]) for name in top.charset]


def checksums_hold(font: bytes) -> bool:
    """Whether an OpenType font's table checksums and head.checkSumAdjustment are right."""
    (count,) = struct.unpack_from(">H", font, 4)
    for number in range(count):
        _, checksum, offset, length = struct.unpack_from(">4sIII", font, 12 + 16 * number)
        data = bytearray(font[offset:offset + length])
        if font[12 + 16 * number:16 + 16 * number] == b"head":
            data[8:12] = bytes(4)  # the head checksum is taken with checkSumAdjustment at zero
        if _sum(bytes(data)) != checksum:
            return False
    return _sum(font) == 0xB1B0AFBA


def _sum(data: bytes) -> int:
    padded = data + bytes(-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF
