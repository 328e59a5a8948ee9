"""A large face embedded in a PDF -> a font program numbered 0..n for the n glyphs the PDF shows.

WeasyPrint embeds a subset that keeps the face's glyph ids: for a CJK face cut
to its standard character set (subset.py) the ids a page shows run to about
15,000, so each embedded face carries metrics, charset and charstring offsets
for every glyph up to the highest shown, 150-180 KB, which WeasyPrint subsets
twice and pydyf compresses at level 9. Four such faces are most of what a short
Chinese PDF costs beyond its English twin (measured: about 0.14 s a PDF).

While `compact_glyph_ids()` is active, each text operand is kept as an object
that is written out only when the PDF is (pydyf writes an item it does not know
by str()), so the ids it shows can still be renumbered. When the fonts are
embedded, each large face is subset once by HarfBuzz without keeping ids; the
numbering HarfBuzz chose (hb_subset_plan_old_to_new_glyph_mapping) renumbers
the widths, the ToUnicode map and, as the PDF is written, the text operands.
The faces' CFF charsets are made the identity (cff_charset.py), so a reader
that finds glyphs by CID draws the same glyphs. Layout is untouched: only the
numbers in the written PDF change.

While a PDF is drawn, a large face's bytes are not copied out of HarfBuzz
(WeasyPrint copies every face it draws with); a face WeasyPrint then embeds
itself gets them before it does. A Document is written once: briefkit lays out
afresh for every PDF, and a second write of one Document would draw new ids
into fonts already renumbered.

Anything unusual keeps WeasyPrint's own embedding for that font: a small face,
a bitmap, colour or variable face, a font used in a form field, a glyph the
face lacks (WeasyPrint draws it as .notdef through an Encoding CMap), a text
operand drawn while no font was set, or a HarfBuzz without the plan calls.
Installed only on the WeasyPrint version it was tested with.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import weasyprint
import weasyprint.pdf as weasyprint_pdf
import weasyprint.pdf.fonts as weasyprint_fonts
from weasyprint.pdf.stream import Stream
from weasyprint.text.ffi import ffi, harfbuzz

from .cff_charset import with_identity_charset
from .cjk_justify import TESTED_VERSION
from .subset import LARGE_FACE_GLYPHS, harfbuzz_subset_library

# hb_subset_flags_t and hb_subset_sets_t (hb-subset.h), as WeasyPrint 70 sets them for its own subsets
_FLAG_NO_HINTING, _FLAG_DESUBROUTINIZE, _FLAG_PASSTHROUGH_UNRECOGNIZED = 0x1, 0x4, 0x20
_SET_GLYPH_INDEX, _SET_DROP_TABLE_TAG = 0, 3
_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT",
                   b"SVG ")
_ORIGINAL_BUILD_FONTS = weasyprint_pdf.build_fonts_dictionary
_ORIGINAL_FACE_DATA = weasyprint_fonts.get_hb_object_data
_ACTIVE: list[_Renumbering] = []  # the PDF being written, while compact_glyph_ids() is active


class _Renumbering:
    """The glyph ids each font's text shows in one PDF, and the new ids of the fonts embedded compactly."""

    def __init__(self) -> None:
        self.shown: dict[str, list[str]] = {}  # each font's TJ operands, read only for the fonts worth compacting
        self.new_hex: dict[str, dict[str, str]] = {}  # a compacted font's glyph ids as text: old '048c' -> new
        self.unattributed = False  # text shown with no font set: renumber nothing in this PDF

    def operand(self, font: str, text: str) -> str:
        """A TJ operand, renumbered if its font was embedded compactly."""
        new_hex = self.new_hex.get(font)
        if new_hex is None:
            return text
        # WeasyPrint's operand: glyph strings of four hex digits each, between numbers ('<048c0012>-12<00a1>').
        parts = text.split("<")
        for number, part in enumerate(parts[1:], start=1):
            hexes, _, rest = part.partition(">")
            parts[number] = "".join([new_hex[hexes[start:start + 4]] for start in range(0, len(hexes), 4)]) + \
                ">" + rest
        return "<".join(parts)


def _glyph_ids(operands: list[str]) -> set[int]:
    """Every glyph id the TJ `operands` show."""
    tokens: set[str] = set()
    for text in operands:
        for part in text.split("<")[1:]:
            hexes = part.partition(">")[0]
            tokens.update(hexes[start:start + 4] for start in range(0, len(hexes), 4))
    return {int(token, 16) for token in tokens}


class _ShownText:
    """One TJ operation, written as the PDF is: by then its font's glyph ids are final."""

    __slots__ = ("font", "renumbering", "text")

    def __init__(self, renumbering: _Renumbering, font: str, text: str) -> None:
        self.renumbering, self.font, self.text = renumbering, font, text

    def __str__(self) -> str:
        return f"[{self.renumbering.operand(self.font, self.text)}] TJ"


def _show_text(self: Any, text: str) -> None:
    renumbering = _ACTIVE[-1] if _ACTIVE else None
    current = self._current_font
    if renumbering is None or not isinstance(text, str):
        self.stream.append(b"[" + (text if isinstance(text, bytes) else str(text).encode("ascii")) + b"] TJ")
        return
    if current is None:
        renumbering.unattributed = True
        self.stream.append(b"[" + text.encode("ascii") + b"] TJ")
        return
    font = current[0]
    renumbering.shown.setdefault(font, []).append(text)
    self.stream.append(_ShownText(renumbering, font, text))


class _FaceNotCopied:
    """A large face's bytes, not yet copied out of HarfBuzz: WeasyPrint copies every face it draws with
    (4-27 MB each, about 5 ms for a Chinese PDF's four), and a face embedded compactly never needs them."""

    __slots__ = ("face",)

    def __init__(self, face: Any) -> None:
        self.face = face


def _face_data(hb_object: Any, ot_color: str | None = None, glyph: int | None = None) -> Any:
    """WeasyPrint's get_hb_object_data while a PDF is drawn: a large face's bytes are copied only if needed."""
    if ot_color is None and glyph is None and harfbuzz.hb_face_get_glyph_count(hb_object) >= LARGE_FACE_GLYPHS:
        return _FaceNotCopied(hb_object)
    return _ORIGINAL_FACE_DATA(hb_object, ot_color, glyph)


def _build_fonts_dictionary(pdf: Any, fonts: dict[Any, Any], compress: bool, subset: bool,
                            options: dict[str, Any]) -> Any:
    weasyprint_fonts.get_hb_object_data = _ORIGINAL_FACE_DATA  # WeasyPrint's own subsets are read through it
    renumbering = _ACTIVE[-1] if _ACTIVE else None
    if renumbering is not None and subset and not renumbering.unattributed:
        by_hash: dict[str, list[Any]] = {}
        for font in fonts.values():
            by_hash.setdefault(font.hash, []).append(font)
        for font_hash, same_file in by_hash.items():
            _embed_compactly(renumbering, font_hash, same_file, bool(options.get("hinting")))
    for font in fonts.values():  # faces WeasyPrint embeds itself: the bytes it reads
        if isinstance(font.file_content, _FaceNotCopied):
            font.file_content = _ORIGINAL_FACE_DATA(font.file_content.face)
    return _ORIGINAL_BUILD_FONTS(pdf, fonts, compress, subset, options)


def _embed_compactly(renumbering: _Renumbering, font_hash: str, same_file: list[Any], hinting: bool) -> None:
    """Subset the face of `same_file` (WeasyPrint's fonts of one face) with compact ids, if it is worth it."""
    first = same_file[0]
    if (first.glyph_count < LARGE_FACE_GLYPHS or first.bitmap or first.png or first.svg or first.colr
            or "fvar" in first.tables or any(font.used_in_forms or font.missing for font in same_file)):
        return
    # Every id the text shows, not only those WeasyPrint recorded widths and ToUnicode for: one it did not
    # record would have no new id, and the PDF could not be written.
    glyphs = _glyph_ids(renumbering.shown.get(font_hash, [])) | {0}
    for font in same_file:
        glyphs.update(font.to_unicode, font.widths)
    compact = _compact_subset(int(ffi.cast("uintptr_t", first.hb_face)), sorted(glyphs), hinting)
    if compact is None:
        return
    content, new_ids = compact
    if not glyphs <= new_ids.keys():
        return
    for font in same_file:
        font.widths = {new_ids[glyph]: width for glyph, width in font.widths.items()}
        font.to_unicode = {new_ids[glyph]: text for glyph, text in font.to_unicode.items()}
    first.file_content = content
    first.subset = _already_subset  # Font.clean() would subset the installed face again, keeping ids
    renumbering.new_hex[font_hash] = {f"{old:04x}": f"{new:04x}" for old, new in new_ids.items()}


def _already_subset(to_unicode: dict[int, str], hinting: bool) -> None:
    """Font.subset for a font embedded compactly: its file content is already the subset."""


@functools.cache
def _plan_calls() -> Any:
    """HarfBuzz-Subset with the plan calls typed for ctypes; None when this HarfBuzz lacks them."""
    library = harfbuzz_subset_library()
    if library is None:
        return None
    pointer, unsigned = ctypes.c_void_p, ctypes.c_uint
    signatures: list[tuple[Any, str, Any, list[Any]]] = [
        (library.subset, "hb_subset_input_create_or_fail", pointer, []),
        (library.subset, "hb_subset_input_set", pointer, [pointer, unsigned]),
        (library.subset, "hb_subset_input_set_flags", None, [pointer, unsigned]),
        (library.subset, "hb_subset_input_destroy", None, [pointer]),
        (library.subset, "hb_subset_plan_create_or_fail", pointer, [pointer, pointer]),
        (library.subset, "hb_subset_plan_old_to_new_glyph_mapping", pointer, [pointer]),
        (library.subset, "hb_subset_plan_execute_or_fail", pointer, [pointer]),
        (library.subset, "hb_subset_plan_destroy", None, [pointer]),
        (library.hb, "hb_map_get", unsigned, [pointer, unsigned]),
        (library.hb, "hb_tag_from_string", unsigned, [ctypes.c_char_p, ctypes.c_int]),
    ]
    try:
        for where, name, restype, argtypes in signatures:
            function = getattr(where, name)
            function.restype, function.argtypes = restype, argtypes
    except AttributeError:
        return None
    return library


def _compact_subset(face: int, glyphs: list[int], hinting: bool) -> tuple[bytes, dict[int, int]] | None:
    """The face reduced to `glyphs`, numbered 0..n in their order, and each old id's new one; None on failure."""
    library = _plan_calls()
    if library is None:
        return None
    hb, subset = library.hb, library.subset
    request = subset.hb_subset_input_create_or_fail()
    if not request:
        return None
    try:
        kept = subset.hb_subset_input_set(request, _SET_GLYPH_INDEX)
        for glyph in glyphs:
            hb.hb_set_add(kept, glyph)
        dropped = subset.hb_subset_input_set(request, _SET_DROP_TABLE_TAG)
        for tag in _DROPPED_TABLES:
            hb.hb_set_add(dropped, hb.hb_tag_from_string(tag, -1))
        flags = _FLAG_PASSTHROUGH_UNRECOGNIZED | _FLAG_DESUBROUTINIZE | (0 if hinting else _FLAG_NO_HINTING)
        subset.hb_subset_input_set_flags(request, flags)
        plan = subset.hb_subset_plan_create_or_fail(face, request)
        if not plan:
            return None
        try:
            mapping = subset.hb_subset_plan_old_to_new_glyph_mapping(plan)
            new_ids = {glyph: hb.hb_map_get(mapping, glyph) for glyph in glyphs}
            if any(new >= 0xFFFF for new in new_ids.values()):  # HB_MAP_VALUE_INVALID: a glyph not kept
                return None
            content = library.take_bytes(subset.hb_subset_plan_execute_or_fail(plan))
        finally:
            subset.hb_subset_plan_destroy(plan)
    finally:
        subset.hb_subset_input_destroy(request)
    return (with_identity_charset(content), new_ids) if content else None


@contextmanager
def compact_glyph_ids() -> Iterator[None]:
    """Within the block, PDFs written embed their large faces numbered compactly (see the module's docstring)."""
    if weasyprint.__version__ != TESTED_VERSION or _plan_calls() is None:
        yield
        return
    outermost = not _ACTIVE
    _ACTIVE.append(_Renumbering())
    if outermost:  # pydyf's show_text, which WeasyPrint's Stream inherits, is shadowed until the block ends
        Stream.show_text = _show_text
        weasyprint_pdf.build_fonts_dictionary = _build_fonts_dictionary
        weasyprint_fonts.get_hb_object_data = _face_data
    try:
        yield
    finally:
        _ACTIVE.pop()
        if outermost:
            weasyprint_pdf.build_fonts_dictionary = _ORIGINAL_BUILD_FONTS
            weasyprint_fonts.get_hb_object_data = _ORIGINAL_FACE_DATA
            del Stream.show_text
