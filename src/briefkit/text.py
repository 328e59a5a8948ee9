"""Plain values -> display text: the Markdown subset, dates and numbers per language.

The Markdown subset is deliberately tiny (**bold**, *italic*, [text](url)).
Everything else, raw HTML included, is escaped and shown as typed.
"""

from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup, escape

from .editions import HAN_RANGES

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<!\*)\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)")
_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^\s()<>\"']+)\)")
_MONTHS = (
    "January February March April May June July August September October November December".split()
)


def inline_markdown(text: str) -> Markup:
    """Escape `text`, then turn the Markdown subset into <strong>, <em> and <a>; space Chinese."""
    html = str(escape(text))
    html = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', html)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _ITALIC.sub(r"<em>\1</em>", html)
    html = _APOSTROPHE.sub("’", html)  # People's -> People’s: typeset text has no typewriter apostrophes
    return Markup(keep_last_line(space_chinese(html)) if _HAN_CHAR.search(html) else html)


_APOSTROPHE = re.compile(r"(?<=[A-Za-z])&#39;(?=[A-Za-z])")
# The last two Han characters of a text and the punctuation after them: never a line of one character.
_LAST_TWO = re.compile(f"[{HAN_RANGES}]{{2}}[，。、；：？！）》」』】〕〉”’…]*$")


def keep_last_line(html: str) -> str:
    """Bind a Chinese text's last two characters, so its last line never holds one character alone (clreq)."""
    if html.endswith(">") or len(_HAN_CHAR.findall(html)) < 8:  # a short text fits a line: nothing to bind
        return html
    return _LAST_TWO.sub(lambda match: f'<span class="nobr">{match.group()}</span>', html)


_HAN_CHAR = re.compile(f"[{HAN_RANGES}]")
_TAG = re.compile(r"(<[^>]*>)")
# A run of Latin letters or digits (with the marks that join them: 2,000  3.5%  IC-Park).
# Escaped entities (&amp; &#39;) are not part of a run: a span must never cut one in half.
_LATIN_RUN = re.compile(r"(?<![&#A-Za-z0-9])[A-Za-z0-9](?:[A-Za-z0-9.,%+/-]*[A-Za-z0-9%])?(?![A-Za-z0-9]*;)")
_UNBREAKABLE = re.compile("(——+|……+)")


def space_chinese(html: str) -> str:
    """Mark where Chinese meets Latin letters or digits, and keep —— and …… whole.

    WeasyPrint has no text-autospace, so each Latin run next to a Han character
    gets a span whose CSS margin makes the quarter-em gap: no character is
    inserted, so copying and searching the PDF stay clean. Dashes and ellipses
    get a no-wrap span so they never split across lines.
    """
    parts = _TAG.split(html)
    texts = [i for i, part in enumerate(parts) if part and not part.startswith("<")]
    for position, index in enumerate(texts):
        before = parts[texts[position - 1]][-1:] if position else ""
        after = parts[texts[position + 1]][:1] if position + 1 < len(texts) else ""
        parts[index] = _space_segment(parts[index], before, after)
    return "".join(parts)


def _space_segment(text: str, before: str, after: str) -> str:
    padded = before + text + after

    def wrap(match: re.Match[str]) -> str:
        start, end = match.start() + len(before), match.end() + len(before)
        sides = []
        if _HAN_CHAR.match(padded[start - 1 : start] or " "):
            sides.append("gap-before")
        if _HAN_CHAR.match(padded[end : end + 1] or " "):
            sides.append("gap-after")
        return f'<span class="{" ".join(sides)}">{match.group()}</span>' if sides else match.group()

    text = _LATIN_RUN.sub(wrap, text)
    return _UNBREAKABLE.sub(r'<span class="nobr">\1</span>', text)


def plain_text(text: str) -> str:
    """The text a reader sees once the Markdown marks are gone."""
    text = _LINK.sub(r"\1", text)
    text = _BOLD.sub(r"\1", text)
    return _ITALIC.sub(r"\1", text)


def format_date(value: dt.date, language: str) -> str:
    """7 May 2018 / 2018年5月7日."""
    if language.startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def format_month(when: str, language: str) -> str:
    """'2018-04' -> April 2018 / 2018年4月; '2020' -> 2020 / 2020年."""
    parts = [int(part) for part in when.split("-")]
    if len(parts) >= 3:
        return format_date(dt.date(*parts[:3]), language)
    if len(parts) == 2:
        year, month = parts
        return f"{year}年{month}月" if language.startswith("zh") else f"{_MONTHS[month - 1]} {year}"
    return f"{parts[0]}年" if language.startswith("zh") else str(parts[0])


def format_datetime(value: dt.datetime, language: str) -> str:
    """An embargo time with its zone: 10:00 UTC+08:00, 7 May 2018 / 2018年5月7日 10:00（UTC+08:00）."""
    offset = value.strftime("%z")
    zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    clock = value.strftime("%H:%M")
    if language.startswith("zh"):
        return f"{format_date(value.date(), language)} {clock}（{zone}）"
    return f"{clock} {zone}, {format_date(value.date(), language)}"


def format_number(value: float | int | None) -> str:
    """3 -> '3'; 3.0 -> '3'; 1234567 -> '1,234,567'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}"
