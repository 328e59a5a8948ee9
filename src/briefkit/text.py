"""Plain values -> display text: the Markdown subset, dates and numbers per language.

The Markdown subset is deliberately tiny (**bold**, *italic*, [text](url)).
Everything else, raw HTML included, is escaped and shown as typed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import babel
import babel.dates
import babel.numbers
import babel.units
from markupsafe import Markup, escape

from .editions import HAN_RANGES

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<!\*)\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)")
_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^\s()<>\"']+)\)")


def inline_markdown(text: str) -> Markup:
    """Escape `text`, then turn the Markdown subset into <strong>, <em> and <a>; space Chinese.

    Links become placeholders first, so that ** and * inside a URL never open or close a
    <strong> or <em> (which would cut the href apart); their text gets bold and italic on its own.
    """
    html = str(escape(text))
    links: list[str] = []

    def hold(match: re.Match[str]) -> str:
        links.append(f'<a href="{match.group(2)}">{_emphasis(match.group(1))}</a>')
        return f"\x00{len(links) - 1}\x00"

    html = _emphasis(_LINK.sub(hold, html))
    html = _HELD.sub(lambda match: links[int(match.group(1))], html)
    html = _APOSTROPHE.sub("’", html)  # People's -> People’s: typeset text has no typewriter apostrophes
    return Markup(keep_last_line(space_chinese(html)) if _HAN_CHAR.search(html) else html)


_APOSTROPHE = re.compile(r"(?<=[A-Za-z])&#39;(?=[A-Za-z])")
_CLOSING = set("，。、；：？！）》」』】〕〉”’…")
_OPENING = set("（《「『【〔〈“‘")
_RUN_CHAR = re.compile(r"[A-Za-z0-9.,%+/-]")  # as in _LATIN_RUN: the marks that join a number or a name
_JOINING = set(".,%+/-")
_LONGEST_RUN = 16  # a longer Latin run is not bound to the last character: nowrap would push it past the measure
_OPEN_TAG = re.compile(r"<([a-z][a-z0-9]*)\b[^>]*>")
_CLOSE_TAG = re.compile(r"</([a-z][a-z0-9]*)\s*>")
_VOID = {"br", "img", "wbr"}


def keep_last_line(html: str) -> str:
    """Bind a Chinese text's last two units, so its last line never holds one character alone (clreq).

    A unit is a Han character or a run of Latin letters and digits (达到3家 binds 3家); the punctuation
    around them comes along. The binding is a `span.nobr`, and it never cuts an element in two (the
    Markdown writer would print **品质****制造**): when both units sit inside <strong>, <em> or <a>, the
    binding goes inside it, to its end; when they straddle its end (a gap span's 3, then 家), a short
    element is bound whole (a long one gets the binding inside it, which is all that can be done).
    """
    if len(_HAN_CHAR.findall(html)) < 8:  # a short text fits a line: nothing to bind
        return html
    parts = _TAG.split(html)  # text, tag, text, tag, ..., text
    cut = _last_units(parts)
    if cut is None:
        return html
    index, offset = cut
    opened = _open_elements(parts[:index] + [parts[index][:offset]])
    if opened is None:
        return html
    if opened:
        end = _closing(parts, index)  # the innermost element's closing tag
        start = max(i for i in range(1, index, 2) if parts[i] == opened[0][1])  # the outermost's opening tag
        # Inside the innermost element when both units are in it: what follows it cannot start a line (。」).
        inside = all(char in _CLOSING or char.isspace() for char in _plain(parts[end + 1:]))
        if not inside and len(_plain(parts[start + 1 : index] + [parts[index][:offset]])) <= _LONGEST_RUN:
            index, offset = start - 1, len(parts[start - 1])  # a short element bound whole, from before its tag
        else:
            return (f'{"".join(parts[:index])}{parts[index][:offset]}<span class="nobr">{parts[index][offset:]}'
                    f'{"".join(parts[index + 1 : end])}</span>{"".join(parts[end:])}')
    return f'{"".join(parts[:index])}{parts[index][:offset]}<span class="nobr">{parts[index][offset:]}' \
           f'{"".join(parts[index + 1:])}</span>'


def _closing(parts: list[str], index: int) -> int:
    """The index of the closing tag of the element open at text part `index` (the markup nests: checked before)."""
    depth = 0
    for position in range(index + 1, len(parts), 2):
        if _CLOSE_TAG.fullmatch(parts[position]):
            if depth == 0:
                return position
            depth -= 1
        elif _opens(parts[position]):
            depth += 1
    return len(parts)


def _last_units(parts: list[str]) -> tuple[int, int] | None:
    """Where the last two units of `parts` begin (part index, offset), opening punctuation before them included.

    None when the text does not end in a Han character, or what precedes it is not a unit to bind.
    """
    chars = [(index, offset) for index in range(len(parts) - 1, -1, -2)  # text parts only, last character first
             for offset in range(len(parts[index]) - 1, -1, -1)]
    at = 0

    def char(position: int) -> str:
        if position >= len(chars):
            return ""
        index, offset = chars[position]
        return parts[index][offset]

    while char(at) and (char(at) in _CLOSING or char(at).isspace()):
        at += 1
    if not _HAN_CHAR.match(char(at) or " "):
        return None
    at += 1
    # Punctuation, spaces and a lone joining mark (毫克/升) between the two units come along.
    while char(at) and (char(at) in _CLOSING or char(at).isspace() or char(at) in _JOINING):
        at += 1
    if _HAN_CHAR.match(char(at) or " "):
        start = at
    elif _RUN_CHAR.match(char(at) or " "):
        start = at
        while _RUN_CHAR.match(char(start + 1) or " "):
            start += 1
        if start - at >= _LONGEST_RUN or char(start + 1) in ("&", "#", ";"):
            return None  # too long to keep on a line with the last character, or part of an entity
    else:
        return None
    while char(start + 1) and char(start + 1) in _OPENING:
        start += 1
    return chars[start]


def _plain(parts: list[str]) -> str:
    return "".join(parts[0::2])


def _open_elements(parts: list[str]) -> list[tuple[str, str]] | None:
    """The elements open at the end of `parts` (name, opening tag), outermost first; None if tags do not nest."""
    opened: list[tuple[str, str]] = []
    for part in parts[1::2]:
        closing = _CLOSE_TAG.fullmatch(part)
        if closing:
            if not opened or opened[-1][0] != closing.group(1):
                return None
            opened.pop()
            continue
        if _opens(part):
            opened.append((_OPEN_TAG.fullmatch(part).group(1), part))  # type: ignore[union-attr]
    return opened


def _opens(tag: str) -> bool:
    """An opening tag that needs a closing one."""
    opening = _OPEN_TAG.fullmatch(tag)
    return bool(opening) and opening.group(1) not in _VOID and not tag.endswith("/>")  # type: ignore[union-attr]


_HELD = re.compile("\x00([0-9]+)\x00")


def _emphasis(html: str) -> str:
    return _ITALIC.sub(r"<em>\1</em>", _BOLD.sub(r"<strong>\1</strong>", html))


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


LOCALES = {"en": "en_GB", "zh": "zh_Hans_CN"}


def locale_of(language: str) -> str:
    """'en' -> en_GB (the documents spell British English), 'zh'/'zh-Hant' -> zh_Hans_CN (converted later)."""
    return LOCALES["zh" if language.startswith("zh") else "en"]


def format_date(value: dt.date, language: str) -> str:
    """7 May 2018 / 2018年5月7日, from CLDR through Babel."""
    return babel.dates.format_date(value, format="long", locale=locale_of(language))


def format_month(when: str, language: str) -> str:
    """'2018-04' -> April 2018 / 2018年4月; '2020' -> 2020 / 2020年."""
    parts = [int(part) for part in when.split("-")]
    if len(parts) >= 3:
        return format_date(dt.date(*parts[:3]), language)
    locale = locale_of(language)
    if len(parts) == 2:
        return babel.dates.format_skeleton("yMMMM", dt.date(parts[0], parts[1], 1), locale=locale)
    return babel.dates.format_skeleton("y", dt.date(parts[0], 1, 1), locale=locale)


def format_time(value: dt.datetime, language: str) -> str:
    return babel.dates.format_time(value, format="HH:mm", locale=locale_of(language))


def zone_name(value: dt.datetime, zone: str | None, language: str) -> str:
    """The time zone as CLDR names it (China Time, 英国时间), or UTC+08:00 for a bare offset."""
    if zone:
        return str(babel.dates.get_timezone_name(ZoneInfo(zone), "long", locale=locale_of(language)))
    offset = value.strftime("%z")
    return "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"


def format_datetime(value: dt.datetime, language: str) -> str:
    """An embargo time with its offset: 10:00 UTC+08:00, 7 May 2018 / 2018年5月7日 10:00（UTC+08:00）."""
    zone = zone_name(value, None, language)
    if language.startswith("zh"):
        return f"{format_date(value.date(), language)} {format_time(value, language)}（{zone}）"
    return f"{format_time(value, language)} {zone}, {format_date(value.date(), language)}"


def format_number(value: float | int | None, language: str = "en") -> str:
    """3 -> '3'; 3.0 -> '3'; 1234567 -> '1,234,567'; per locale."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(babel.numbers.format_decimal(value, locale=locale_of(language)))


def format_quantity(value: float | int, unit: Any, language: str, compact: bool = False) -> str:
    """A number with its unit, per language: 80% / CN¥2.5B / ¥25亿 / 12 kilometres / 12公里 / 3 companies / 3家.

    `unit` is None, 'percent', a currency code, a CLDR unit id or a model with en/zh (and en_one).
    """
    locale = locale_of(language)
    zh = language.startswith("zh")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Millions read better as words: 2 million trees / 200万株, not 2,000,000.
    compact = compact or (abs(value) >= 1_000_000 and value % 10_000 == 0)
    if unit is None or (not isinstance(unit, str) and compact):
        if compact:
            number = str(babel.numbers.format_compact_decimal(
                value, format_type="short" if zh else "long", locale=locale, fraction_digits=2))
            if unit is None:
                return number
            return f"{number}{unit.zh}" if zh else f"{number} {unit.en}"
        return format_number(value, language)
    if isinstance(unit, str):
        if unit == "percent":
            return str(babel.numbers.format_percent(value / 100, format="#,##0.##%", locale=locale))
        if len(unit) == 3 and unit.isupper():
            if compact:
                return str(babel.numbers.format_compact_currency(value, unit, locale=locale, fraction_digits=1))
            return str(babel.numbers.format_currency(value, unit, locale=locale, format="¤#,##0.##",
                                                     currency_digits=False))
        return str(babel.units.format_unit(value, unit, length="short", locale=locale))
    number = format_number(value, language)
    if zh:
        return f"{number}{unit.zh}"
    singular = getattr(unit, "en_one", None)
    return f"{number} {singular if value == 1 and singular else unit.en}"


def plural_category(count: int, language: str) -> str:
    """CLDR plural category of `count` in `language`: 'one' or 'other' in English, always 'other' in Chinese."""
    return str(babel.Locale.parse(locale_of(language)).plural_form(count))
