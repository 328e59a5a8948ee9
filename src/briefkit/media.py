"""Image references in a plan -> checked files inside the plan folder.

Content names images by paths relative to its own folder. Anything else (URLs,
absolute paths, ../ escapes, symlinks leading out, characters a URL reads
differently) is refused here, before any renderer could fetch it; so are SVG
images that declare entities or refer to anything outside themselves.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
from lxml import etree
from PIL import Image

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # 40 MP: more than any press photo, far less than a bomb
RASTER_FORMATS = {"PNG", "JPEG"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_URL_MARKS = re.compile(r"[%?#]")
# url(...) in SVG styles: only references to the image's own elements (url(#id)) are allowed.
_CSS_REFERENCE = re.compile(r"url\(\s*(?!['\"]?#)|@import", re.IGNORECASE)
_SVG = "{http://www.w3.org/2000/svg}svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def resolve_inside(folder: Path, reference: str) -> Path:
    """The real file `reference` names inside `folder`; ValueError says why not."""
    if _SCHEME.match(reference) and not re.match(r"^[A-Za-z]:[\\/]", reference):
        scheme = reference.split(":", 1)[0].lower()
        raise ValueError(f"'{scheme}:' references are not allowed; give a file path relative to the plan folder")
    if reference.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", reference):
        raise ValueError("absolute paths are not allowed; give a path relative to the plan folder")
    if "\\" in reference:
        raise ValueError("image paths use / between folders, not \\")
    url_mark = _URL_MARKS.search(reference)
    if url_mark:
        # The HTML carries the path as a URL: the PDF writer would decode %xx and cut at ? or #,
        # and so show another file than the one checked here (and the Word writer).
        raise ValueError(f"image paths may not contain '{url_mark.group()}' (it means something else in a web "
                         "address); rename the file")
    root = folder.resolve()
    target = (folder / reference).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"'{reference}' leads outside the plan folder")
    if not target.is_file():
        raise ValueError(f"image file not found: {reference}")
    return target


def images_in(html: str, folder: Path) -> list[Path]:
    """The files of `folder` that a rendered document's <img> elements name (their bytes shape its outputs)."""
    found = []
    sources = lxml.html.document_fromstring(html).xpath("//img/@src")
    for source in sources if isinstance(sources, list) else []:
        try:
            path = resolve_inside(folder, str(source))
        except ValueError:
            continue  # the writer reports it, located
        found.append(path)
        if path.suffix.lower() == ".svg" and svg_twin(path).is_file():
            found.append(svg_twin(path))
    return found


def copy_images(html: str, folder: Path, destination: Path) -> None:
    """Copy the images a document names to the same relative places under `destination`, so it opens as is."""
    root = folder.resolve()
    for path in images_in(html, folder):
        copy = destination / path.relative_to(root)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)


def svg_twin(path: Path) -> Path:
    """Word cannot show SVG on its own; an SVG image ships with a PNG of the same name."""
    return path.with_suffix(".png")


def check_image(folder: Path, reference: str) -> str | None:
    """None when `reference` is a usable image inside `folder`, else what is wrong."""
    try:
        path = resolve_inside(folder, reference)
    except ValueError as exc:
        return str(exc)
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return f"image is {size / 1024 / 1024:.1f} MiB; the limit is {MAX_IMAGE_BYTES // 1024 // 1024} MiB"
    if path.suffix.lower() == ".svg":
        return _check_svg(path, folder, reference)
    return _check_raster(path)


def _check_raster(path: Path) -> str | None:
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return f"image is {width}x{height} pixels; the limit is {MAX_IMAGE_PIXELS // 1_000_000} megapixels"
            if image.format not in RASTER_FORMATS:
                return f"image format {image.format} is not supported; use PNG, JPEG or SVG"
            image.verify()
    except Image.DecompressionBombError:
        return f"image has too many pixels; the limit is {MAX_IMAGE_PIXELS // 1_000_000} megapixels"
    except Exception:  # Pillow raises many kinds for broken files  # noqa: BLE001
        return "not a readable PNG or JPEG image (the file is corrupt or of another kind)"
    return None


def _check_svg(path: Path, folder: Path, reference: str) -> str | None:
    data = path.read_bytes()
    if b"<!ENTITY" in data:
        # The PDF writer's XML parser expands entities: they can multiply the text a billion times.
        return "SVG images may not declare entities (<!ENTITY ...>): they can read other files or multiply the text"
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return "not a readable SVG image (the XML is broken)"
    if root.tag != _SVG:
        return "not an SVG image (the root element is not <svg>)"
    for element in root.iter():
        href = element.get("href") or element.get(_XLINK_HREF)
        if href and not href.startswith("#"):
            return "SVG images may not refer to other files or URLs"
        styles = list(element.attrib.values())
        if element.tag == "{http://www.w3.org/2000/svg}style":
            styles.append(element.text or "")
        if any(_CSS_REFERENCE.search(style) for style in styles):
            return "SVG images may not refer to other files or URLs"
    if not svg_twin(path).is_file():
        twin = str(Path(reference).with_suffix(".png"))
        return f"an SVG image needs a PNG twin for Word documents: add {twin}"
    return _check_raster(svg_twin(path))
