"""Theme font families -> installed font files and the characters they cover.

WeasyPrint silently falls back to whatever fontconfig finds, so a character the
theme's fonts lack would print in some stray face or as a box. We ask
fontconfig where each family lives and read the fonts' cmaps with HarfBuzz (through
ctypes: milliseconds for a CJK face, and no import of fontTools), or fontTools
where HarfBuzz cannot be loaded.
"""

from __future__ import annotations

import ctypes
import functools
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem
from .source import load_yaml

# Characters that need no glyph: controls, spaces, line/paragraph separators and
# format characters (zero-width joiners and the like) are not drawn.
_UNDRAWN = {"Cc", "Cf", "Zs", "Zl", "Zp"}


@dataclass(frozen=True)
class FontFace:
    family: str
    style: str
    file: Path
    index: int


@functools.lru_cache(maxsize=1)
def installed_faces() -> tuple[FontFace, ...]:
    """Every face fontconfig knows, as (family, style, file, index)."""
    if shutil.which("fc-list") is None:
        return ()
    listing = subprocess.run(
        ["fc-list", "--format", "%{family}\t%{style}\t%{file}\t%{index}\n"],
        capture_output=True, text=True, check=False,
    ).stdout
    faces = []
    for line in listing.splitlines():
        parts = line.split("\t")
        if len(parts) != 4:
            continue
        families, styles, file, index = parts
        for family in families.split(","):
            faces.append(FontFace(family.strip(), styles.split(",")[0].strip(), Path(file), int(index or 0)))
    return tuple(faces)


def find_family(family: str) -> list[FontFace]:
    return [face for face in installed_faces() if face.family == family]


def missing_families(families: list[str]) -> list[str]:
    return [family for family in families if not find_family(family)]


class HarfBuzzCore:
    """The HarfBuzz calls that open a face and read its cmap, typed for ctypes."""

    def __init__(self) -> None:
        self.hb = ctypes.CDLL("libharfbuzz.so.0")
        pointer, unsigned, units = ctypes.c_void_p, ctypes.c_uint, ctypes.POINTER(ctypes.c_uint)
        signatures: list[tuple[str, Any, list[Any]]] = [
            ("hb_blob_create_from_file", pointer, [ctypes.c_char_p]),
            ("hb_blob_get_data", pointer, [pointer, units]),
            ("hb_blob_destroy", None, [pointer]),
            ("hb_face_create", pointer, [pointer, unsigned]),
            ("hb_face_get_glyph_count", unsigned, [pointer]),
            ("hb_face_collect_unicodes", None, [pointer, pointer]),
            ("hb_face_reference_blob", pointer, [pointer]),
            ("hb_face_destroy", None, [pointer]),
            ("hb_font_create", pointer, [pointer]),
            ("hb_font_get_nominal_glyphs", unsigned, [pointer, unsigned, units, unsigned, units, unsigned]),
            ("hb_font_destroy", None, [pointer]),
            ("hb_set_create", pointer, []),
            ("hb_set_add", None, [pointer, unsigned]),
            ("hb_set_clear", None, [pointer]),
            ("hb_set_invert", None, [pointer]),
            ("hb_set_get_population", unsigned, [pointer]),
            ("hb_set_next_many", unsigned, [pointer, unsigned, units, unsigned]),
            ("hb_set_destroy", None, [pointer]),
        ]
        for name, restype, argtypes in signatures:
            function = getattr(self.hb, name)
            function.restype, function.argtypes = restype, argtypes

    def open(self, file: Path, index: int) -> tuple[int, int]:
        """(blob, face) for a face of a font file; pass both to close()."""
        blob = self.hb.hb_blob_create_from_file(str(file).encode())
        return blob, self.hb.hb_face_create(blob, index)

    def close(self, blob: int, face: int) -> None:
        self.hb.hb_face_destroy(face)
        self.hb.hb_blob_destroy(blob)

    def code_points(self, face: int) -> ctypes.Array[ctypes.c_uint]:
        """Every code point the face maps, in order."""
        hb = self.hb
        found = hb.hb_set_create()
        try:
            hb.hb_face_collect_unicodes(face, found)
            count = hb.hb_set_get_population(found)
            codes = (ctypes.c_uint * count)()
            hb.hb_set_next_many(found, 0xFFFFFFFF, codes, count)  # HB_SET_VALUE_INVALID: from the start
        finally:
            hb.hb_set_destroy(found)
        return codes

    def cmap(self, face: int) -> dict[int, int]:
        """Code point -> glyph id for every code point the face maps."""
        hb = self.hb
        codes = self.code_points(face)
        count = len(codes)
        glyphs = (ctypes.c_uint * count)()
        font = hb.hb_font_create(face)
        try:
            hb.hb_font_get_nominal_glyphs(font, count, codes, 4, glyphs, 4)
        finally:
            hb.hb_font_destroy(font)
        return dict(zip(codes, glyphs, strict=True))


@functools.cache
def harfbuzz_core() -> HarfBuzzCore | None:
    try:
        return HarfBuzzCore()
    except (OSError, AttributeError):
        return None  # an old or missing HarfBuzz: fontTools reads the cmaps instead


@functools.cache
def face_coverage(file: Path, index: int) -> frozenset[int]:
    core = harfbuzz_core()
    if core is not None and file.is_file():
        blob, face = core.open(file, index)
        try:
            return frozenset(core.code_points(face))
        finally:
            core.close(blob, face)
    from fontTools.ttLib import TTFont  # only without HarfBuzz: importing it costs a tenth of a second

    with TTFont(str(file), fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


@functools.lru_cache(maxsize=8)
def coverage(families: tuple[str, ...]) -> frozenset[int]:
    """Code points any regular face of `families` can draw."""
    covered: set[int] = set()
    for family in families:
        faces = find_family(family)
        regular = [face for face in faces if face.style in ("Regular", "Book")] or faces[:1]
        for face in regular[:1]:
            covered |= face_coverage(face.file, face.index)
    return frozenset(covered)


def uncovered(text: str, covered: frozenset[int]) -> list[str]:
    """The distinct characters of `text` that need a glyph and have none, in order."""
    seen: dict[str, None] = {}
    for char in text:
        if ord(char) not in covered and unicodedata.category(char) not in _UNDRAWN:
            seen.setdefault(char)
    return list(seen)


def describe(char: str) -> str:
    """U+20BB7 '𠮷'."""
    return f"U+{ord(char):04X} '{char}'"


def stamp(families: tuple[str, ...]) -> str:
    """Which font files the families resolve to, and their sizes: changes when fonts change."""
    parts = []
    for family in families:
        for face in sorted(find_family(family), key=lambda f: (str(f.file), f.index)):
            try:
                size = face.file.stat().st_size
            except OSError:
                size = -1
            parts.append(f"{family}|{face.style}|{face.file}|{face.index}|{size}")
    return "\n".join(parts)


# --- honest fonts: what fontconfig really gives for each face the theme names, and what a PDF embeds -------------

_THEME_STACKS = ("serif", "sans", "serif_hant", "sans_hant", "required")


@functools.lru_cache(maxsize=64)
def matched_family(family: str) -> str | None:
    """The family fontconfig gives for `family`: itself when installed, a substitute otherwise (None: no fc-match)."""
    if shutil.which("fc-match") is None:
        return None
    names = subprocess.run(["fc-match", "--format", "%{family}", family],
                           capture_output=True, text=True, check=False).stdout
    if any(name.strip().casefold() == family.casefold() for name in names.split(",")):
        return family
    return names.split(",")[0].strip() or None


def substituted_faces(theme_file: Path) -> list[Problem]:
    """A warning, located at its theme entry, for every family that fontconfig replaces with another."""
    loaded = load_yaml(theme_file, str(theme_file))
    stacks = loaded.data.get("fonts", {}) if isinstance(loaded.data, dict) else {}
    problems, seen = [], set()
    for stack in _THEME_STACKS:
        families = stacks.get(stack) if isinstance(stacks, dict) else None
        for index, family in enumerate(families if isinstance(families, list) else []):
            if not isinstance(family, str) or family in seen:
                continue
            seen.add(family)
            matched = matched_family(family)
            if matched is not None and matched != family:
                location = loaded.source_map.locate(("fonts", stack, index))
                message = f"font '{family}' is not installed: fontconfig substitutes '{matched}'"
                problems.append(Problem(location, message, "warning"))
    return problems


def foreign_fonts(embedded: Iterable[str], families: tuple[str, ...]) -> list[str]:
    """The `embedded` faces (PDF font names) that belong to none of the theme's families: a fallback for
    characters they lack."""
    keys = [_font_key(family) for family in families]
    return [name for name in embedded if not any(_font_key(name).startswith(key) for key in keys)]


def _font_key(name: str) -> str:
    """'Noto-Sans-CJK-SC-Bold' and 'Noto Sans CJK SC' compare alike."""
    return "".join(char for char in name.casefold() if char.isalnum())
