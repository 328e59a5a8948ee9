"""Image references in a plan -> the checked files inside the plan folder, and the bytes every writer uses.

Content names images by paths relative to its own folder. Anything else (URLs,
absolute paths, `..`, whitespace or control characters a URL parser would
drop, symlinks leading out, characters a URL reads differently) is refused
here, before any renderer could fetch it. Validation, the PDF fetcher, the
DOCX writer and the pack all go through `resolve_inside`, so they name the
same file; the PDF fetcher serves the bytes `checked_bytes` checked (an SVG as
the tree that was checked, re-serialised), so what is rendered is what was
validated. Limits (bytes, pixels, SVG elements and references) hold for every
image used.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree
from PIL import Image, ImageFile

from .errors import BuildError
from .files import display_path, write_atomic

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # 40 MP: more than any press photo, far less than a bomb
MAX_SVG_ELEMENTS = 10_000  # a detailed chart has a few thousand
# Elements drawn once <use>, href="#..." and url(#...) references are followed: a few hundred bytes
# of nested <use> can ask for a billion shapes, and each costs the PDF writer about half a millisecond.
MAX_SVG_DRAWN = 20_000
RASTER_FORMATS = {"PNG", "JPEG"}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_URL_MARKS = re.compile(r"[%?#]")
# C0 and C1 controls, DEL, and every whitespace character but the plain space: a URL parser drops
# tabs and line breaks and trims the ends, so the PDF would show another file than the one checked.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ODD_SPACE = re.compile(r"[^\S ]")
_SVG_NS = "http://www.w3.org/2000/svg"
_SVG = f"{{{_SVG_NS}}}svg"
_STYLE = f"{{{_SVG_NS}}}style"
# CSS that loads something: url(...) other than url(#id), @import, and the image functions.
_CSS_LOAD = re.compile(
    r"(?<![\w-])(?:url|src)\(\s*(?![\"']?#)|(?<![\w-])(?:image|image-set|-webkit-image-set|cross-fade|element)\("
    r"|@import"
)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\\r\n|\\(.)", re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_LOCAL_REFERENCE = re.compile(r"url\(\s*[\"']?#([^\"')\s]+)")


@dataclass(frozen=True)
class MediaFile:
    """An image as content names it (`reference`, also its name in the HTML folder and the pack) and its file."""

    reference: str
    path: Path


def resolve_inside(folder: Path, reference: str, suffixes: tuple[str, ...] = IMAGE_SUFFIXES) -> Path:
    """The real file `reference` names inside `folder`; ValueError says why not."""
    if _SCHEME.match(reference) and not _DRIVE.match(reference):
        scheme = reference.split(":", 1)[0].lower()
        raise ValueError(f"'{scheme}:' references are not allowed; give a file path relative to the plan folder")
    if reference.startswith(("/", "\\")) or _DRIVE.match(reference):
        raise ValueError("absolute paths are not allowed; give a path relative to the plan folder")
    if "\\" in reference:
        raise ValueError("image paths use / between folders, not \\")
    url_mark = _URL_MARKS.search(reference)
    if url_mark:
        # The HTML carries the path as a URL: the PDF writer would decode %xx and cut at ? or #,
        # and so show another file than the one checked here (and the Word writer).
        raise ValueError(f"image paths may not contain '{url_mark.group()}' (it means something else in a web "
                         "address); rename the file")
    odd = _CONTROL.search(reference) or _ODD_SPACE.search(reference)
    if odd:
        raise ValueError(f"image paths may not contain U+{ord(odd.group()):04X} (a tab, line break or other "
                         "invisible character); rename the file")
    segments = reference.split("/")
    if any(segment != segment.strip(" ") for segment in segments):
        raise ValueError("image paths may not begin or end a name with a space; rename the file")
    if posixpath.normpath(reference).startswith("../"):
        raise ValueError(f"'{reference}' leads outside the plan folder")
    if any(segment in ("", ".", "..") for segment in segments):
        raise ValueError(f"'{reference}': image paths may not contain '..', '.' or '//'; give the plain path "
                         "from the plan folder, such as media/photo.png")
    root = folder.resolve()
    try:
        target = (folder / reference).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise ValueError(f"'{reference}' is a symbolic link that leads nowhere") from None
    if not target.is_relative_to(root):
        raise ValueError(f"'{reference}' leads outside the plan folder")
    if not target.is_file():
        raise ValueError(f"image file not found: {reference}")
    if not reference.lower().endswith(suffixes) or not target.name.lower().endswith(suffixes):
        # Also keeps an image from taking the name of a built document in the output folder and the pack.
        endings = ", ".join(suffixes[:-1]) + (f" or {suffixes[-1]}" if len(suffixes) > 1 else suffixes[-1])
        raise ValueError(f"image file names end in {endings}; rename the file")
    return target


def images_in(html: str, folder: Path, twins: bool = True) -> dict[str, Path]:
    """The plan's image files a rendered document names, by the name the HTML gives them (their bytes are in
    its key). The same resolution validation, the writers and the pack use; with `twins`, the PNG twin of each
    SVG too (the DOCX shows it)."""
    sources = lxml.html.document_fromstring(html).xpath("//img/@src")
    references = [str(source) for source in sources] if isinstance(sources, list) else []
    files = media_files(folder, references)
    return {item.reference: item.path for item in files if twins or item.reference in references}


def copy_images(html: str, folder: Path, beside: Path) -> tuple[str, ...]:
    """Copy the images a document names under the names it uses, beside the file `beside`; return those names.

    Each copy is the bytes that were checked (an SVG as the tree checked), written atomically and never through
    a symbolic link found in the output folder (which could point anywhere).
    """
    copied = []
    destination = beside.parent
    for reference, path in images_in(html, folder, twins=False).items():
        copy = destination / reference
        for parent in [*reversed(copy.relative_to(destination).parents)][1:]:
            inside = destination / parent
            if inside.is_symlink() or inside.exists() and not inside.is_dir():
                raise BuildError(f"cannot copy {reference} beside {display_path(beside)}: {display_path(inside)} is a "
                                 "symbolic link or a file; remove it")
        if copy.is_symlink():
            copy.unlink()  # replaced by the file itself, not written through
        try:
            data = checked_bytes(path)
        except ValueError as exc:
            raise BuildError(f"cannot copy {reference} beside {display_path(beside)}: {exc}") from None
        write_atomic(copy, data)
        copied.append(reference)
    return tuple(copied)


def svg_twin(path: Path) -> Path:
    """Word cannot show SVG on its own; an SVG image ships with a PNG of the same name."""
    return path.with_suffix(".png")


def media_files(folder: Path, references: list[str]) -> list[MediaFile]:
    """The files behind `references` (each checked path), with the PNG twin of each SVG, once each."""
    found: dict[str, MediaFile] = {}
    for reference in references:
        try:
            path = resolve_inside(folder, reference)
        except ValueError:
            continue  # validation reports it, located
        found.setdefault(reference, MediaFile(reference, path))
        if path.suffix.lower() == ".svg" and svg_twin(path).is_file():
            twin = reference[: -len(Path(reference).suffix)] + ".png"
            found.setdefault(twin, MediaFile(twin, svg_twin(path)))
    return sorted(found.values(), key=lambda item: item.reference)


def check_image(folder: Path, reference: str) -> str | None:
    """None when `reference` is a usable image inside `folder`, else what is wrong."""
    try:
        path = resolve_inside(folder, reference)
        checked_bytes(path)
    except ValueError as exc:
        return str(exc)
    if path.suffix.lower() == ".svg":
        twin = svg_twin(path)
        if not twin.is_file():
            return f"an SVG image needs a PNG twin for Word documents: add {Path(reference).with_suffix('.png')}"
        try:
            checked_bytes(twin)
        except ValueError as exc:
            return f"its PNG twin {Path(reference).with_suffix('.png')}: {exc}"
    return None


def checked_bytes(path: Path) -> bytes:
    """The bytes of the image at `path`, read once and checked; an SVG comes back as the tree that was checked."""
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise ValueError(f"image is {size / 1024 / 1024:.1f} MiB; the limit is {MAX_IMAGE_BYTES // 1024 // 1024} "
                             "MiB")
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read the image: {exc.strerror}") from None
    if len(data) > MAX_IMAGE_BYTES:  # it grew since the stat
        raise ValueError(f"image is over the limit of {MAX_IMAGE_BYTES // 1024 // 1024} MiB")
    if path.suffix.lower() == ".svg":
        return _checked_svg(data)
    _check_raster(data)
    return data


def _check_raster(data: bytes) -> None:
    try:
        with Image.open(BytesIO(data)) as image:
            width, height = image.size
            kind = image.format
            if width * height > MAX_IMAGE_PIXELS:
                raise ValueError(f"image is {width}x{height} pixels; the limit is {MAX_IMAGE_PIXELS // 1_000_000} "
                                 "megapixels")
            if kind not in RASTER_FORMATS:
                raise ValueError(f"image format {kind} is not supported; use PNG, JPEG or SVG")
            image.verify()
    except Image.DecompressionBombError:
        limit = MAX_IMAGE_PIXELS // 1_000_000
        raise ValueError(f"image has too many pixels; the limit is {limit} megapixels") from None
    except ValueError:
        raise
    except Exception:  # Pillow raises many kinds for broken files  # noqa: BLE001
        raise ValueError("not a readable PNG or JPEG image (the file is corrupt or of another kind)") from None
    # verify() reads the structure only: decoding finds corrupt pixel data and a file cut short.
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import (and so renders a
    # truncated photo as grey without a word): not here.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(BytesIO(data)) as image:
            if kind == "JPEG":
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))  # every byte read, 1/64 of the work
            image.load()
    except Exception:  # noqa: BLE001
        raise ValueError(f"the {kind} image data is corrupt or cut short (export or copy the file again)") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _checked_svg(data: bytes) -> bytes:
    # A real XML parser, whatever the encoding (UTF-16 hides '<!ENTITY' from a byte search):
    # no DTD loaded, no entity expanded, no network, libxml2's own depth and size limits.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        raise ValueError("not a readable SVG image (the XML is broken)") from None
    subset: Any = root.getroottree().docinfo.internalDTD
    if subset is not None and any(True for _ in subset.iterentities()) or any(True for _ in root.iter(etree.Entity)):
        # The PDF writer's XML parser expands entities: they can multiply the text a billion times.
        raise ValueError("SVG images may not declare entities (<!ENTITY ...>): they can read other files or "
                         "multiply the text")
    if subset is not None and any(True for _ in subset.iterelements()):
        raise ValueError("SVG images may not declare their own DTD (<!ELEMENT ...>)")
    if root.tag != _SVG:
        raise ValueError("not an SVG image (the root element is not <svg>)")
    elements = [element for element in root.iter() if isinstance(element.tag, str)]
    if len(elements) > MAX_SVG_ELEMENTS:
        raise ValueError(f"SVG image has {len(elements):,} elements; the limit is {MAX_SVG_ELEMENTS:,}")
    if any(True for _ in root.iter(etree.PI)) or root.getprevious() is not None:
        raise ValueError("SVG images may not refer to other files or URLs")
    references: dict[etree._Element, list[str]] = {}
    for element in elements:
        attributes = {str(name): str(value) for name, value in element.attrib.items()}
        texts = list(attributes.values())
        if element.tag == _STYLE:
            texts.append(element.text or "")
        for name, value in attributes.items():
            if etree.QName(name).localname == "href" and not value.startswith("#"):
                raise ValueError("SVG images may not refer to other files or URLs")
            if etree.QName(name).localname == "href":
                references.setdefault(element, []).append(value[1:])
        css = [normalise_css(text) for text in texts]
        if any(_CSS_LOAD.search(text) for text in css):
            raise ValueError("SVG images may not refer to other files or URLs")
        for text in css[: len(attributes)]:
            references.setdefault(element, []).extend(_LOCAL_REFERENCE.findall(text))
    drawn = _drawn(root, references)
    if drawn > MAX_SVG_DRAWN:
        raise ValueError(f"SVG image draws more than {MAX_SVG_DRAWN:,} elements once its <use> and url(#...) "
                         "references are followed (a <use> bomb?)")
    # What the PDF writer reads: the tree checked here, in UTF-8, without DOCTYPE or comments.
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def normalise_css(text: str) -> str:
    """CSS as its parser reads it: escapes decoded, comments removed, lowercase (u\\72l( is url()."""

    def unescape(match: re.Match[str]) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return match.group(2) or ""

    return _CSS_COMMENT.sub("", _CSS_ESCAPE.sub(unescape, text)).lower()


def _drawn(root: etree._Element, references: dict[etree._Element, list[str]]) -> int:
    """How many elements the image draws with every reference followed, capped just past the limit."""
    ids = {element.get("id"): element for element in root.iter() if isinstance(element.tag, str) and element.get("id")}
    weight: dict[etree._Element, int] = {}
    on_path: set[etree._Element] = set()
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        element, expanded = stack.pop()
        if element in weight:
            continue
        parts = [child for child in element if isinstance(child.tag, str)]
        parts += [ids[name] for name in references.get(element, []) if name in ids]
        if not expanded:
            if element in on_path:
                raise ValueError("SVG image refers to itself in a loop (<use> or url(#...))")
            on_path.add(element)
            stack.append((element, True))
            for part in parts:
                if part in on_path:
                    raise ValueError("SVG image refers to itself in a loop (<use> or url(#...))")
                if part not in weight:
                    stack.append((part, False))
            continue
        on_path.discard(element)
        weight[element] = min(MAX_SVG_DRAWN + 1, 1 + sum(weight[part] for part in parts))
    return weight[root]
