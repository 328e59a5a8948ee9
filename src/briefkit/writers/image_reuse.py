"""Raster images in a worker's PDFs -> converted once per process, not once per PDF.

WeasyPrint converts each raster image anew for every PDF: a palette or
transparent PNG is decoded, converted and saved as PNG when it is loaded, and
decoded and saved again when the PDF is written (the IDAT data becomes the
image stream; an alpha channel becomes a second stream). A 1200x800 photo
costs about 0.1 s of CPU a PDF that way; the sample's nine PDFs, showing a
logo and three photos, spent 1.2 s there per build. While `reused_images()` is
active, an image with the same address, the same bytes and the same options
is loaded once per process, and its PDF streams are encoded once. Every PDF
gets its own copies of the stream objects (pydyf numbers them and rewrites
their dictionaries as it writes), so the PDF bytes are those WeasyPrint would
have written.

Installed, like cjk_justify, only while briefkit renders and writes, and only
on the WeasyPrint version it was tested with; elsewhere images are converted
per PDF, as WeasyPrint does.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pydyf
import weasyprint
from weasyprint import images

from .cjk_justify import TESTED_VERSION

_KEPT = 32  # images kept per process: a plan's photos and logos, with room for a preview's edits
_LOADED: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_ORIGINAL_IMAGE = images.RasterImage
_ORIGINAL_X_OBJECT = images.RasterImage.get_x_object
_STREAMS = "_briefkit_streams"  # on a reused image: its PDF streams, by (interpolate, dpi ratio)


def _raster_image(pillow_image: Any, image_id: str, image_data: bytes | None, filename: str | None = None,
                  cache: Any = None, orientation: str = "none", options: Any = images.DEFAULT_OPTIONS) -> Any:
    """WeasyPrint's RasterImage, the one made earlier in this process when address, bytes and options match."""
    if image_data is None or (filename and Path(filename).is_file()) or options["dpi"]:
        # WeasyPrint reads an image at a real path again as it writes, and the file may change meanwhile
        # (briefkit's fetcher serves bytes at addresses that are not paths); with a dpi limit it replaces
        # an image's data by a thumbnail as it writes: neither is shared.
        return _ORIGINAL_IMAGE(pillow_image, image_id, image_data, filename, cache, orientation, options)
    key = (image_id, hashlib.sha256(image_data).digest(), orientation, options["jpeg_quality"],
           options["optimize_images"])
    image = _LOADED.get(key)
    if image is None:
        image = _ORIGINAL_IMAGE(pillow_image, image_id, image_data, filename, cache, orientation, options)
        setattr(image, _STREAMS, {})
        _LOADED[key] = image
        while len(_LOADED) > _KEPT:
            _LOADED.popitem(last=False)
    else:
        _LOADED.move_to_end(key)
    return image


def _get_x_object(self: Any, interpolate: bool, dpi_ratio: float) -> Any:
    """The image's PDF stream: encoded once per reused image, a fresh copy for each PDF."""
    streams = getattr(self, _STREAMS, None)
    if streams is None:
        return _ORIGINAL_X_OBJECT(self, interpolate, dpi_ratio)
    key = (interpolate, dpi_ratio)
    if key not in streams:
        streams[key] = _ORIGINAL_X_OBJECT(self, interpolate, dpi_ratio)
    return _copied(streams[key])


def _copied(stream: pydyf.Stream) -> pydyf.Stream:
    """A stream object with its own dictionaries (pydyf sets Length and object references in them as it writes)."""
    extra = pydyf.Dictionary({
        key: _copied(value) if isinstance(value, pydyf.Stream)
        else pydyf.Dictionary(value) if isinstance(value, pydyf.Dictionary) else value
        for key, value in stream.extra.items()
    })
    return pydyf.Stream(list(stream.stream), extra, stream.compress)


@contextmanager
def reused_images() -> Iterator[None]:
    """Within the block, WeasyPrint loads and encodes each raster image once per process."""
    if weasyprint.__version__ != TESTED_VERSION:
        yield
        return
    images.RasterImage = _raster_image  # get_image_from_uri makes its images through this module name
    _ORIGINAL_IMAGE.get_x_object = _get_x_object
    try:
        yield
    finally:
        images.RasterImage = _ORIGINAL_IMAGE
        _ORIGINAL_IMAGE.get_x_object = _ORIGINAL_X_OBJECT
