"""Plain values -> display text: the Markdown subset, dates and numbers per language.

The Markdown subset is deliberately tiny (**bold**, *italic*, [text](url)).
Everything else, raw HTML included, is escaped and shown as typed.
"""

from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup, escape

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<!\*)\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)")
_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^\s()<>\"']+)\)")
_MONTHS = (
    "January February March April May June July August September October November December".split()
)


def inline_markdown(text: str) -> Markup:
    """Escape `text`, then turn the Markdown subset into <strong>, <em> and <a>."""
    html = str(escape(text))
    html = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', html)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _ITALIC.sub(r"<em>\1</em>", html)
    return Markup(html)


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
