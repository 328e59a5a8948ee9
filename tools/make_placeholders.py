#!/usr/bin/env python3
"""Generate the placeholder images for the shanghai-manufacturing sample plan.

Writes into content/shanghai-manufacturing/media/:

* three 1200x800 PNG stand-ins for the article's photos: a faint motif of
  what the photo shows and a picture pictogram, with no text in any language
  (every edition shows the same image; its caption, credit and placeholder
  label are the document's text, in the edition's language);
* the issuer logo as logo.svg and its PNG twin logo.png (600x160, transparent).

Only Pillow is needed. The output is deterministic: no timestamps, no text
chunks, fixed drawing order and palette, so every run writes the same bytes
(on the same Pillow/zlib and fonts). Run from anywhere:

    python tools/make_placeholders.py
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
MEDIA = ROOT / "content" / "shanghai-manufacturing" / "media"

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
LATIN_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
)
LATIN_BOLD_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
)

WIDTH, HEIGHT = 1200, 800

# Issuer colours: the accent of templates/theme.yaml and its ink.
ACCENT = (155, 28, 35)
INK = (29, 29, 31)

# (file name, motif): a quiet hint of what the article's photo shows.
PHOTOS = (
    ("machine-at-work.png", "gear"),
    ("zhangjiang-aerial.png", "blocks"),
    ("caohejing-expo.png", "crowd"),
)


# --------------------------------------------------------------------------- fonts


def _cjk_font(size: int) -> ImageFont.FreeTypeFont | None:
    """The Simplified Chinese face of the Noto Sans CJK collection, if installed."""
    if not CJK_FONT.is_file():
        return None
    fallback = None
    for index in range(10):
        try:
            font = ImageFont.truetype(str(CJK_FONT), size, index=index)
        except OSError:
            break
        fallback = fallback or font
        if font.getname()[0].endswith(" SC"):
            return font
    return fallback


def _latin_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in LATIN_BOLD_FONTS if bold else LATIN_FONTS:
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    cjk = _cjk_font(size)
    if cjk is not None:
        return cjk
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType sizing
        return ImageFont.load_default()


def _text_width(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont) -> int:
    left, _, right, _ = draw.textbbox((0, 0), text, font=font)
    return right - left


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and _text_width(draw, candidate, font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


# --------------------------------------------------------------------------- photos


def _lerp(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _background(image: Image.Image) -> None:
    draw = ImageDraw.Draw(image)
    top, bottom = (132, 145, 160), (88, 100, 116)  # muted grey-blue
    for y in range(HEIGHT):
        draw.line([(0, y), (WIDTH, y)], fill=_lerp(top, bottom, y / (HEIGHT - 1)))


def _motif(draw: ImageDraw.ImageDraw, motif: str) -> None:
    """A quiet hint of what the real photo shows; no detail, nothing to mistake for it."""
    tone = (160, 172, 186)
    if motif == "gear":
        cx, cy, r = 840, 330, 190
        teeth = 14
        points = []
        for i in range(teeth * 4):
            angle = 2 * math.pi * i / (teeth * 4)
            radius = r + 34 if (i % 4) in (1, 2) else r
            points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
        draw.line(points + points[:1], fill=tone, width=6, joint="curve")
        draw.ellipse([cx - 70, cy - 70, cx + 70, cy + 70], outline=tone, width=6)
        small = (360, 250, 95)
        draw.ellipse(
            [small[0] - small[2], small[1] - small[2], small[0] + small[2], small[1] + small[2]], outline=tone, width=6
        )
        draw.ellipse([small[0] - 30, small[1] - 30, small[0] + 30, small[1] + 30], outline=tone, width=6)
    elif motif == "blocks":
        for row in range(6):
            for col in range(10):
                x = 70 + col * 108 + (row % 2) * 20
                y = 60 + row * 95
                w = 70 + ((row * 7 + col * 3) % 4) * 6
                h = 55 + ((row * 5 + col) % 3) * 8
                draw.rectangle([x, y, x + w, y + h], outline=tone, width=3)
        draw.line([(0, 420), (WIDTH, 250)], fill=tone, width=10)
    elif motif == "crowd":
        for row in range(4):
            for col in range(14):
                x = 60 + col * 80 + (row % 2) * 40
                y = 200 + row * 90
                draw.ellipse([x, y, x + 38, y + 38], outline=tone, width=4)
                draw.arc([x - 14, y + 44, x + 52, y + 120], 180, 360, fill=tone, width=4)
        draw.rectangle([70, 60, WIDTH - 70, 150], outline=tone, width=4)


def _picture_sign(draw: ImageDraw.ImageDraw) -> None:
    """The pictogram every reader knows for "a picture goes here": a framed sun and hills. No words, so the
    Chinese and English editions show the same image and the caption beside it says what it stands for."""
    x, y, w, h = (WIDTH - 300) // 2, (HEIGHT - 220) // 2, 300, 220
    draw.rounded_rectangle([x, y, x + w, y + h], radius=22, fill=(52, 62, 76))
    inner = (230, 234, 240)
    draw.rounded_rectangle([x + 34, y + 30, x + w - 34, y + h - 30], radius=10, outline=inner, width=8)
    draw.ellipse([x + 178, y + 56, x + 218, y + 96], fill=inner)
    draw.polygon([(x + 42, y + h - 38), (x + 120, y + 92), (x + 176, y + 150), (x + 206, y + 124),
                  (x + w - 42, y + h - 38)], fill=inner)


def make_photo(name: str, motif: str) -> Path:
    image = Image.new("RGB", (WIDTH, HEIGHT))
    _background(image)
    draw = ImageDraw.Draw(image)
    _motif(draw, motif)

    # Frame and the classic placeholder cross, kept faint.
    faint = (118, 130, 145)
    draw.rectangle([16, 16, WIDTH - 17, HEIGHT - 17], outline=(176, 186, 198), width=4)
    draw.line([(16, 16), (WIDTH - 17, HEIGHT - 17)], fill=faint, width=2)
    draw.line([(WIDTH - 17, 16), (16, HEIGHT - 17)], fill=faint, width=2)
    _picture_sign(draw)

    path = MEDIA / name
    # A fixed small palette keeps the file well under 150 KB and the bytes stable.
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, format="PNG", optimize=True
    )
    return path


# --------------------------------------------------------------------------- logo

LOGO_W, LOGO_H = 600, 160
# Geometry shared by the SVG and the PNG: a red rounded square with three white
# bands, then the words LOGO PLACEHOLDER: we have no licence to use the issuer's real
# emblem, and a made-up mark must not pass for it.
MARK = (20, 20, 120, 120)  # x, y, width, height
MARK_RADIUS = 18
BANDS = ((40, 48, 80, 14), (40, 73, 64, 14), (40, 98, 48, 14))  # x, y, width, height
WORD = "LOGO PLACEHOLDER"
WORD_X, WORD_BASELINE, WORD_SIZE = 168, 96, 36


def _hex(colour: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{channel:02x}" for channel in colour)


def logo_svg() -> str:
    """The logo as plain SVG: no external references, generic sans-serif only."""
    x, y, w, h = MARK
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{LOGO_W}" height="{LOGO_H}"'
        f' viewBox="0 0 {LOGO_W} {LOGO_H}" role="img" aria-label="{WORD}">',
        f"  <title>{WORD}</title>",
        f'  <rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{MARK_RADIUS}" fill="{_hex(ACCENT)}"/>',
    ]
    lines += [
        f'  <rect x="{bx}" y="{by}" width="{bw}" height="{bh}" rx="3" fill="#ffffff"/>' for bx, by, bw, bh in BANDS
    ]
    lines += [
        f'  <text x="{WORD_X}" y="{WORD_BASELINE}" font-family="sans-serif" font-weight="700"'
        f' font-size="{WORD_SIZE}" letter-spacing="3" fill="{_hex(INK)}">{WORD}</text>',
        "</svg>",
        "",
    ]
    return "\n".join(lines)


def make_logo() -> tuple[Path, Path]:
    svg_path = MEDIA / "logo.svg"
    svg_path.write_text(logo_svg(), encoding="utf-8", newline="\n")

    scale = 4  # draw large, then shrink: smooth edges without relying on antialiasing
    big = Image.new("RGBA", (LOGO_W * scale, LOGO_H * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    x, y, w, h = (v * scale for v in MARK)
    draw.rounded_rectangle([x, y, x + w - 1, y + h - 1], radius=MARK_RADIUS * scale, fill=ACCENT + (255,))
    for bx, by, bw, bh in BANDS:
        draw.rounded_rectangle(
            [bx * scale, by * scale, (bx + bw) * scale - 1, (by + bh) * scale - 1], radius=3 * scale, fill=(255,) * 4
        )
    font = _latin_font(WORD_SIZE * scale, bold=True)
    cursor = WORD_X * scale
    for letter in WORD:  # letter-spacing as in the SVG
        draw.text((cursor, WORD_BASELINE * scale), letter, font=font, fill=INK + (255,), anchor="ls")
        cursor += font.getlength(letter) + 3 * scale
    logo = big.resize((LOGO_W, LOGO_H), Image.Resampling.LANCZOS)
    png_path = MEDIA / "logo.png"
    logo.save(png_path, format="PNG", optimize=True)
    return svg_path, png_path


def main() -> None:
    MEDIA.mkdir(parents=True, exist_ok=True)
    written = [make_photo(*photo) for photo in PHOTOS]
    written.extend(make_logo())
    for path in written:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
