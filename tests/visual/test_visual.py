"""Visual regression: the first pages of every document and edition of a small plan, rendered at 40 dpi and
compared with reviewed reference images (tests/visual/reference/) within a perceptual threshold.

The comparison blurs both images slightly (sub-pixel shifts from font hinting do not count), then asks two
things: the page as a whole barely differs, and no patch of it (a moved heading, a lost box) differs much.
References change only with `pytest tests/visual --update-golden`; look at the new PNGs before committing them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat

from briefkit.render import Renderer
from briefkit.validate import load_plan
from briefkit.writers.pdf import write_pdf
from conftest import MINIMAL_PLAN, REPO

REFERENCE = Path(__file__).parent / "reference"
CASES = [(document, edition) for document in ("press-brief", "stakeholder-report", "handout")
         for edition in ("en", "zh", "bilingual", "zh-Hant")]
FIRST_PAGES = 2
RESOLUTION = 40
MEAN_LIMIT = 1.0  # mean absolute difference over the page, 0-255 grey levels, after the blur
PATCH = 24  # pixels (15 mm at 40 dpi)
PATCH_LIMIT = 16.0  # mean absolute difference in the worst patch


def difference(reference: Image.Image, image: Image.Image) -> tuple[float, float]:
    """(mean over the page, mean over the worst PATCH x PATCH square) of the blurred grey difference."""
    blur = ImageFilter.GaussianBlur(1)
    diff = ImageChops.difference(reference.convert("L").filter(blur), image.convert("L").filter(blur))
    mean = ImageStat.Stat(diff).mean[0]
    small = diff.resize((max(1, diff.width // PATCH), max(1, diff.height // PATCH)), Image.Resampling.BOX)
    return mean, float(small.getextrema()[1])


def _pages(pdf: Path, stem: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", str(RESOLUTION), "-gray", "-png", "-f", "1", "-l", str(FIRST_PAGES),
                    str(pdf), str(stem)], check=True)
    return sorted(stem.parent.glob(f"{stem.name}-*.png"))


@pytest.mark.parametrize(("document", "edition"), CASES, ids=[f"{d}.{e}" for d, e in CASES])
def test_first_pages_look_as_reviewed(make_plan, tmp_path, update_golden, document, edition):
    plan = make_plan(MINIMAL_PLAN)
    rendered = Renderer(REPO / "templates").render(load_plan(plan), document, edition)
    pdf = tmp_path / f"{document}.{edition}.pdf"
    write_pdf(rendered.html, roots={"plan": plan.parent, "templates": REPO / "templates"}, target=pdf, where="test")
    pages = _pages(pdf, tmp_path / f"{document}.{edition}")
    assert pages
    for number, page in enumerate(pages, start=1):
        reference = REFERENCE / f"{document}.{edition}.{number}.png"
        if update_golden:
            REFERENCE.mkdir(exist_ok=True)
            reference.write_bytes(page.read_bytes())
        assert reference.is_file(), f"no reference {reference.name} (pytest --update-golden writes it)"
        expected, actual = Image.open(reference), Image.open(page)
        assert expected.size == actual.size, f"{reference.name}: page size changed"
        mean, worst = difference(expected, actual)
        assert mean <= MEAN_LIMIT and worst <= PATCH_LIMIT, (
            f"{reference.name}: looks different (mean {mean:.2f}, worst patch {worst:.1f}); "
            f"look at {page} and run pytest --update-golden if the change is wanted")
    extra = REFERENCE / f"{document}.{edition}.{len(pages) + 1}.png"
    assert len(pages) == FIRST_PAGES or not extra.exists(), f"{extra.name}: the document lost a page"


def test_the_comparison_sees_a_moved_heading_and_ignores_a_sub_pixel_shift(tmp_path):
    """The threshold can fail: a heading moved by 3 mm fails it; the same page shifted by half a pixel passes."""
    page = Image.new("L", (331, 468), 255)
    page.paste(0, (40, 60, 200, 72))  # a heading-sized black bar
    moved = Image.new("L", page.size, 255)
    moved.paste(0, (40, 65, 200, 77))
    mean, worst = difference(page, moved)
    assert worst > PATCH_LIMIT
    shifted = page.resize((662, 936)).transform((662, 936), Image.Transform.AFFINE, (1, 0, 1, 0, 1, 0))
    mean, worst = difference(page, shifted.resize(page.size, Image.Resampling.BOX))
    assert mean <= MEAN_LIMIT and worst <= PATCH_LIMIT
