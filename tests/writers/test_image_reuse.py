"""writers/image_reuse.py: an image shown in several PDFs is converted once per process, and the PDFs do not change."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from briefkit.writers import image_reuse, pdf

HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>
<p>Two pictures.</p><img src="photo.png" alt="a photo" style="width: 60mm"><img src="logo.png" alt="a logo"
style="width: 40mm"></body></html>"""


def _images(folder: Path, colour: int = 90) -> None:
    """A palette photo (converted to RGB by WeasyPrint) and a transparent logo (an image and its soft mask)."""
    photo = Image.new("RGB", (240, 160), (colour, 120, 160)).quantize(16)
    photo.save(folder / "photo.png")
    logo = Image.new("RGBA", (200, 60), (20, 40, colour, 0))
    logo.paste((20, 40, colour, 255), (20, 10, 180, 50))
    logo.save(folder / "logo.png")


def _write(folder: Path, name: str) -> bytes:
    target = folder / name
    pdf.write_pdf(HTML, roots={"plan": folder, "templates": folder}, target=target, where="test")
    return target.read_bytes()


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_reuse, "_LOADED", image_reuse.OrderedDict())


def test_pdfs_sharing_images_are_the_bytes_weasyprint_writes_alone(tmp_path: Path, fresh, monkeypatch):
    _images(tmp_path)
    first, second = _write(tmp_path, "a.pdf"), _write(tmp_path, "b.pdf")
    assert len(image_reuse._LOADED) == 2  # the second PDF loaded nothing again
    monkeypatch.setattr(pdf, "reused_images", contextlib.nullcontext)
    alone = _write(tmp_path, "c.pdf")
    assert first == second == alone
    listing = subprocess.run(["pdfimages", "-list", str(tmp_path / "b.pdf")], capture_output=True, text=True,
                             check=True).stdout
    kinds = [line.split()[2] for line in listing.splitlines()[2:]]
    assert sorted(kinds) == ["image", "image", "smask"], listing  # the logo's transparency is still there


def test_an_image_edited_between_pdfs_is_shown_as_edited(tmp_path: Path, fresh, monkeypatch):
    _images(tmp_path, colour=90)
    before = _write(tmp_path, "a.pdf")
    _images(tmp_path, colour=200)  # same addresses, other bytes
    after = _write(tmp_path, "b.pdf")
    assert len(image_reuse._LOADED) == 4
    monkeypatch.setattr(pdf, "reused_images", contextlib.nullcontext)
    assert after == _write(tmp_path, "c.pdf") != before


def test_nothing_is_kept_once_the_block_ends():
    original = image_reuse.images.RasterImage
    with image_reuse.reused_images():
        pass
    assert image_reuse.images.RasterImage is original
    assert original.get_x_object is image_reuse._ORIGINAL_X_OBJECT
