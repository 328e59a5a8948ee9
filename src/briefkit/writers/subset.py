"""Font subsets in two steps: the theme's large faces -> one copy per build -> small faces for each PDF.

A Noto CJK face holds 65,000 glyphs in a 20-27 MB collection. WeasyPrint copies
and subsets each face it embeds once per PDF, keeping the face's glyph ids: most
of a Chinese PDF's write time, and 60,000-entry width and charstring tables in
every PDF. Here, first, each large face is cut once per build (in the main
process) to the characters of the build's PDFs: a copy of a thousand glyphs,
quick to cut from. Then each PDF (in its worker) cuts that copy to its own characters,
plus those the PDF engine may generate (counters, list markers, quotes,
hyphens), with compact glyph ids, and is laid out and embedded from those small
faces. Names, metrics and every layout feature are kept, so Pango lays out the
same lines. A PDF's small faces depend only on its own text and the installed
fonts (the build-wide copy holds every glyph a PDF can reach), so an output's
key is unchanged and an edit rebuilds only what shows it. HarfBuzz-Subset is
called through ctypes: this module imports neither WeasyPrint nor fontTools.

Most PDFs skip both steps: each large face is also cut once per machine to the
national standard character set of its script (GB 2312, Big5: see
editions.py), kept in the user's cache folder. That copy depends only on the
installed face, not on any plan, so a PDF whose characters it holds is laid out
and embedded from it, its bytes again depending only on its own text and the
fonts; and every such PDF of a worker shares one font configuration, whose
fonts and shaping caches stay warm from one PDF to the next. (A new font
configuration per PDF made each Chinese PDF's layout 15-20% slower.) The
embedded faces are larger than a PDF's own cut (their glyph ids run to about
15,000, and WeasyPrint keeps ids: metrics and charstring tables that long), so
such a PDF is about 135 KB larger. A PDF with a character outside the
standard (a rare name) takes the two steps above.

Every cut gives its CID-keyed CFF faces an identity charset (cff_charset.py):
HarfBuzz renumbers glyphs but keeps their CIDs, and PDF readers that find a
glyph by CID (pdf.js, Acrobat) then drew blanks where Poppler drew the text.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..cache import user_cache
from ..files import prune_folders, write_atomic
from ..fonts import FontFace, HarfBuzzCore, harfbuzz_core
from .cff_charset import with_identity_charset

MANIFEST = "faces.json"
# Faces with fewer glyphs (the Latin Noto faces: about 3,000) cost WeasyPrint little to subset.
LARGE_FACE_GLYPHS = 10_000
_KEEP_BUILDS = 4  # subset folders kept in the cache: the current one and a few to go back to
_KEEP_MACHINE = 8  # repertoire folders kept in the user's cache: projects with other theme fonts share it
_FORMAT = "3"  # bump when the way subsets are made changes (3: CFF charsets are the identity)

# Characters WeasyPrint may draw that are not in the HTML's text: counter styles (decimal,
# CJK and roman numerals), list markers, default quotes, hyphenation and ellipsis marks.
_GENERATED = "".join(
    [chr(code) for code in range(0x20, 0x7F)]
    + [chr(code) for code in range(0xA0, 0x100)]
    + [chr(code) for code in range(0x2000, 0x2070)]
    + [chr(code) for code in range(0x2160, 0x2190)]
    + [chr(code) for code in range(0x25A0, 0x2600)]
    + [chr(code) for code in range(0x3000, 0x3100)]  # CJK punctuation, hiragana, katakana
    + [chr(code) for code in range(0xFF01, 0xFF5F)]
    + list("〇一二三四五六七八九十百千万亿零壹贰叁肆伍陆柒捌玖拾佰仟萬億貳參陸负負")
    + list("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥")  # cjk-heavenly-stem, cjk-earthly-branch
)

_BELOW_CJK = frozenset(range(0x20, 0x2E80))

# hb_subset_sets_t and hb_subset_flags_t (hb-subset.h)
_SET_DROP_TABLE_TAG, _SET_NAME_ID, _SET_NAME_LANG_ID, _SET_LAYOUT_FEATURE_TAG, _SET_LAYOUT_SCRIPT_TAG = 3, 4, 5, 6, 7
_FLAG_PASSTHROUGH_UNRECOGNIZED, _FLAG_NO_PRUNE_UNICODE_RANGES = 0x20, 0x100
_COMMENTS = re.compile(r"/\*.*?\*/|<!--.*?-->", re.DOTALL)  # CSS and HTML comments: never drawn


class _HarfBuzz:
    """HarfBuzz (fonts.py's binding) and the few HarfBuzz-Subset calls this module needs, typed for ctypes."""

    def __init__(self, core: HarfBuzzCore) -> None:
        self.core = core
        self.hb = core.hb
        self.subset = ctypes.CDLL("libharfbuzz-subset.so.0")
        pointer, unsigned = ctypes.c_void_p, ctypes.c_uint
        signatures: list[tuple[str, Any, list[Any]]] = [
            ("hb_subset_input_create_or_fail", pointer, []),
            ("hb_subset_input_unicode_set", pointer, [pointer]),
            ("hb_subset_input_set", pointer, [pointer, unsigned]),
            ("hb_subset_input_set_flags", None, [pointer, unsigned]),
            ("hb_subset_input_destroy", None, [pointer]),
            ("hb_subset_or_fail", pointer, [pointer, pointer]),
        ]
        for name, restype, argtypes in signatures:
            function = getattr(self.subset, name)
            function.restype, function.argtypes = restype, argtypes

    def version(self) -> str:
        """HarfBuzz's version: another may cut the same face to other bytes."""
        function = self.hb.hb_version_string
        function.restype = ctypes.c_char_p
        return (function() or b"").decode()

    def cmap(self, face: int) -> dict[int, int]:
        return self.core.cmap(face)

    def take_bytes(self, face: int | None) -> bytes:
        """The font file of a face HarfBuzz-Subset made (b"" for none); the face is destroyed."""
        if not face:
            return b""
        hb = self.hb
        try:
            blob = hb.hb_face_reference_blob(face)
            length = ctypes.c_uint()
            data = hb.hb_blob_get_data(blob, ctypes.byref(length))
            content = ctypes.string_at(data, length.value) if data else b""
            hb.hb_blob_destroy(blob)
        finally:
            hb.hb_face_destroy(face)
        return content

    def cut(self, face: int, codes: list[int]) -> bytes | None:
        """The face reduced to `codes` and the glyphs they reach through its layout tables."""
        hb, subset = self.hb, self.subset
        plan = subset.hb_subset_input_create_or_fail()
        if not plan:
            return None
        try:
            unicodes = subset.hb_subset_input_unicode_set(plan)
            for code in codes:
                hb.hb_set_add(unicodes, code)
            # Keep every name (fontconfig must see the same families and styles), every layout
            # feature and script (Pango must shape the same), and every table.
            for kind in (_SET_NAME_ID, _SET_NAME_LANG_ID, _SET_LAYOUT_FEATURE_TAG, _SET_LAYOUT_SCRIPT_TAG):
                kept = subset.hb_subset_input_set(plan, kind)
                hb.hb_set_clear(kept)
                hb.hb_set_invert(kept)
            hb.hb_set_clear(subset.hb_subset_input_set(plan, _SET_DROP_TABLE_TAG))
            flags = _FLAG_PASSTHROUGH_UNRECOGNIZED | _FLAG_NO_PRUNE_UNICODE_RANGES
            subset.hb_subset_input_set_flags(plan, flags)
            content = self.take_bytes(subset.hb_subset_or_fail(face, plan))
            # HarfBuzz renumbers the glyphs and keeps their CIDs: PDF readers that look glyphs up by
            # CID would draw the wrong ones (cff_charset.py).
            return with_identity_charset(content) if content else None
        finally:
            subset.hb_subset_input_destroy(plan)


@functools.cache
def _harfbuzz() -> _HarfBuzz | None:
    core = harfbuzz_core()
    try:
        return _HarfBuzz(core) if core is not None else None
    except (OSError, AttributeError):
        return None  # no HarfBuzz-Subset: PDFs embed from the installed faces (doctor reports it)


def harfbuzz_subset_library() -> _HarfBuzz | None:
    """HarfBuzz and HarfBuzz-Subset as this module binds them (None: not installed), for compact_glyphs.py."""
    return _harfbuzz()


def needs_large_faces(html: str) -> bool:
    """Whether a PDF of `html` shows CJK text, and so draws from the large faces."""
    return any(ord(char) >= 0x2E80 for char in set(_COMMENTS.sub("", html)))


def cut_for_build(faces: list[FontFace], texts: list[str], cache: Path) -> Path | None:
    """A folder of the large `faces` cut to the characters of `texts`, glyph ids kept; None when not needed.

    The folder is named by what the cut is made of (characters, face files, this module's
    format), so a rebuild with the same characters finds it made; older folders are pruned.
    """
    harfbuzz = _harfbuzz()
    if harfbuzz is None or not any(needs_large_faces(text) for text in texts):
        return None
    unique = sorted({(face.file, face.index) for face in faces})
    stamps = []
    for file, index in unique:
        try:
            status = file.stat()
        except OSError:
            return None
        stamps.append(f"{file}|{index}|{status.st_size}|{status.st_mtime_ns}")
    codes = _codes("".join(texts))
    key = hashlib.sha256("\n".join([_FORMAT, *stamps, "".join(map(chr, codes))]).encode()).hexdigest()[:24]
    folder = cache / key
    if read_manifest(folder):
        os.utime(folder)  # most recently used: pruned last
        return folder
    cuts = (_cut_face(harfbuzz, file, index, codes, folder, from_build=False) for file, index in unique)
    entries = [entry for entry in cuts if entry is not None]
    if not entries:
        return None
    write_atomic(folder / MANIFEST, json.dumps(entries, indent=1).encode("utf-8"))
    prune_folders(cache, keep=folder, count=_KEEP_BUILDS)
    return folder


def machine_cache() -> Path:
    """Where cuts that depend only on the installed fonts are kept, for every project: $BRIEFKIT_CACHE/fonts,
    else the user's cache folder ($XDG_CACHE_HOME/briefkit/fonts, ~/.cache/briefkit/fonts)."""
    return user_cache() / "fonts"


def cut_to_repertoires(faces: Iterable[tuple[FontFace, str]], cache: Path) -> Path | None:
    """A folder of the large faces, each cut to the characters of its codecs (GB 2312, Big5); None: none to cut.

    `faces`: (face, codec) pairs; a face named with two codecs is cut to both. The folder is named
    by the face files, the codecs, this module's format and HarfBuzz's version, and kept in `cache`
    (the user's: machine_cache()) for every later build; older folders are pruned.
    """
    harfbuzz = _harfbuzz()
    if harfbuzz is None:
        return None
    codecs: dict[tuple[Path, int], set[str]] = {}
    for face, codec in faces:
        codecs.setdefault((face.file, face.index), set()).add(codec)
    stamps = []
    for (file, index), names in sorted(codecs.items()):
        try:
            status = file.stat()
        except OSError:
            return None
        stamps.append(f"{file}|{index}|{status.st_size}|{status.st_mtime_ns}|{','.join(sorted(names))}")
    key = hashlib.sha256("\n".join([_FORMAT, "repertoire", harfbuzz.version(), *stamps]).encode()).hexdigest()[:24]
    folder = cache / key
    if read_manifest(folder):
        os.utime(folder)
        return folder

    def cut(item: tuple[tuple[Path, int], set[str]]) -> dict[str, Any] | None:
        (file, index), names = item
        # With every letter and sign below the CJK blocks the face has (Latin, Greek, Cyrillic, arrows, ticks):
        # a few hundred glyphs more, and a document with a ✓ is not sent the slow way.
        codes = tuple(sorted(set().union(*(_repertoire(name) for name in names), _BELOW_CJK)
                             | {ord(c) for c in _GENERATED}))
        return _cut_face(harfbuzz, file, index, codes, folder, from_build=False, record_dropped=True)

    # HarfBuzz-Subset runs without Python's lock (ctypes releases it): two faces at a time on two cores.
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        entries = [entry for entry in pool.map(cut, sorted(codecs.items())) if entry is not None]
    if not entries:
        return None
    write_atomic(folder / MANIFEST, json.dumps(entries).encode("utf-8"))
    prune_folders(cache, keep=folder, count=_KEEP_MACHINE)
    return folder


def covers(folder: Path, html: str) -> bool:
    """Whether the faces cut to their repertoires in `folder` hold every character of `html` the installed ones do."""
    return not _dropped(folder).intersection(_codes(html))


@functools.lru_cache(maxsize=4)  # a folder's content never changes: its name is the digest of what made it
def _dropped(folder: Path) -> frozenset[int]:
    """The code points the installed faces map and their repertoire cuts in `folder` do not."""
    dropped: set[int] = set()
    for entry in read_manifest(folder):
        for first, last in entry.get("dropped", []):
            dropped.update(range(first, last + 1))
    return frozenset(dropped)


@functools.cache
def _repertoire(codec: str) -> frozenset[int]:
    """Every character `codec` writes in two bytes: the national standard's set (GB 2312: 7,445; Big5: 13,000+)."""
    codes = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                text = bytes((lead, trail)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(text) == 1:
                codes.add(ord(text))
    return frozenset(codes)


def cut_for_document(build_folder: Path, html: str, folder: Path) -> list[dict[str, Any]]:
    """Cut the build's faces in `build_folder` to the characters of `html` into `folder`; its manifest entries.

    The entries name the installed faces (to hide) and the small faces (to use instead).
    """
    harfbuzz = _harfbuzz()
    if harfbuzz is None:
        return []
    codes = _codes(html)
    entries = []
    for entry in read_manifest(build_folder):
        cut = _cut_face(harfbuzz, build_folder / entry["subset"], 0, codes, folder, from_build=True)
        if cut is not None:
            entries.append({**entry, "subset": cut["subset"]})
    return entries


def _codes(text: str) -> tuple[int, ...]:
    return tuple(sorted({ord(char) for char in _COMMENTS.sub("", text)} | {ord(char) for char in _GENERATED}))


def _cut_face(
    harfbuzz: _HarfBuzz, file: Path, index: int, codes: tuple[int, ...], folder: Path, from_build: bool,
    record_dropped: bool = False,
) -> dict[str, Any] | None:
    """Write the subset of one face into `folder`; None when the face is small or cannot be cut."""
    hb = harfbuzz.hb
    blob = hb.hb_blob_create_from_file(str(file).encode())
    face = hb.hb_face_create(blob, index)
    try:
        if not from_build and hb.hb_face_get_glyph_count(face) < LARGE_FACE_GLYPHS:
            return None
        cmap = harfbuzz.cmap(face)
        # Every code point that maps to a kept glyph stays mapped (CJK compatibility and radical
        # code points share glyphs): a PDF's small face is then the same whether it is cut from
        # the installed face or from the build's copy, whatever else the build holds.
        glyphs = {cmap[code] for code in codes if code in cmap}
        kept = sorted(code for code, glyph in cmap.items() if glyph in glyphs)
        content = harfbuzz.cut(face, kept)
    finally:
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)
    if content is None:
        return None
    name = file.name if from_build else f"{file.stem}-{index}.{'otf' if content[:4] == b'OTTO' else 'ttf'}"
    write_atomic(folder / name, content)
    entry: dict[str, Any] = {"file": str(file), "index": index, "subset": name}
    if record_dropped:  # which characters a PDF must not show to be laid out from this cut (covers())
        entry["dropped"] = _ranges(sorted(set(cmap) - set(kept)))
    return entry


def _ranges(codes: list[int]) -> list[list[int]]:
    """Sorted code points as [first, last] runs: a manifest of a few hundred runs, not 50,000 numbers."""
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return runs


def read_manifest(folder: Path) -> list[dict[str, Any]]:
    """The faces a subset folder replaces: original file, face index, subset file name."""
    try:
        entries = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [entry for entry in entries if isinstance(entry, dict) and (folder / str(entry.get("subset"))).is_file()]


