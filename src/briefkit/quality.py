"""A validated plan -> bilingual quality findings: completeness, number parity, glossary use,
ASCII punctuation in Chinese.

These are the mistakes that layout tools never see: a figure that differs
between the English and the Chinese, a term rendered two ways, a comma typed
on an English keyboard. Each finding is a located warning; --strict makes it
an error.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .editions import HAN_RANGES
from .errors import Problem
from .files import write_atomic
from .model import Bilingual, GlossaryTerm, iter_texts
from .source import PathKey, SourceMap
from .text import plain_text
from .validate import GLOSSARY_FILE, LoadedPlan

_HAN = HAN_RANGES
# Chinese numerals: digits, the units within a section, and the sections (万, 亿).
_DIGIT_VALUES = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                 "九": 9}
_UNIT_VALUES = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
# A run of Chinese numerals, with an optional decimal part (五点五); chinese_value reads its value.
_NUMERAL = "".join([*_DIGIT_VALUES, *_UNIT_VALUES, *_BIG])
_CHINESE_NUMBER = re.compile(f"[{_NUMERAL}]+(?:点[〇零一二三四五六七八九]+)?")  # 两 is never a decimal digit
# Words whose numeral characters are not numbers ("a group", "further", "one of", "unified"...).
_ZH_IDIOMS = re.compile(
    "一批|一系列|一流|一体|统一|唯一|同一|单一|进一步|一方面|万一|之一|一些|一样|一起|一定|一直|一般|一带一路|"
    "一致|一切|一旦|十分|千方百计|百姓|万物|一是|二是|三是|四是|五是|六是|专一|第一时间"
)
# Chemical names count atoms with numerals: 二氧化碳, 一氧化碳, 五氧化二磷, 六氟化硫.
_ZH_CHEMICAL = re.compile("[一二三四五六七八九十]+[氢氧硫氯氟溴碘氮碳磷]化[一二三四五六七八九十]*")
_ARABIC = re.compile(r"(?<![A-Za-z0-9_.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(\s*[万亿]|\s*(?:million|billion)\b)?", re.I)
_EN_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}
_EN_WORD = re.compile(r"\b(" + "|".join(_EN_WORDS) + r")\b", re.I)
# A month name counts only in a date ("April 2018", "7 May"): "may" and "march" are also plain words.
_EN_MONTH = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b(?=\s+\d)|(?<=\d\s)(" + "|".join(_MONTHS) + r")\b", re.I)
_EN_TENS_UNITS = re.compile(r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(one|two|three|four|five|six|"
                            r"seven|eight|nine)\b", re.I)
_ZH_ORDINAL = re.compile(f"第({_CHINESE_NUMBER.pattern})")
_ZH_MONTH = re.compile("([一二三四五六七八九十]+)月")
_PERCENT_ZH = re.compile(f"百分之({_CHINESE_NUMBER.pattern})")

# ASCII punctuation touching a Han character, and its full-width form.
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}
_FULL_WIDTH_MARKS = "，。、；：？！（）《》「」『』“”"
_ASCII_PUNCT = re.compile(
    rf"(?<=[{_HAN}{_FULL_WIDTH_MARKS}])[,;:?!().]|[,;:?!()](?=[{_HAN}])|(?<![0-9A-Za-z])\.(?=[{_HAN}])"
)
_MARKDOWN_LINK = re.compile(r"\]\([^)]*\)")
_PARENTHESES = re.compile(rf"(?<=[{_HAN}])\(([^()]*)\)|\(([^()]*)\)(?=[{_HAN}])|\(([^()]*[{_HAN}][^()]*)\)")


@dataclass(frozen=True)
class Completeness:
    total: int
    english: int
    chinese: int

    def __str__(self) -> str:
        return f"en: {self.english}/{self.total} fields, zh: {self.chinese}/{self.total} fields"


def completeness(loaded: LoadedPlan) -> Completeness:
    """How many bilingual fields have each language (a loaded plan has all: gaps are errors)."""
    pairs = _bilingual_fields(loaded.plan)
    english = sum(bool(pair.en.strip()) for _, pair in pairs)
    chinese = sum(bool(pair.zh.strip()) for _, pair in pairs)
    return Completeness(len(pairs), english, chinese)


def check_quality(loaded: LoadedPlan) -> list[Problem]:
    """Every bilingual finding for one plan, as located warnings."""
    findings: list[Problem] = []
    for path, pair in _bilingual_fields(loaded.plan):
        findings.extend(_number_parity(loaded, path, pair))
        findings.extend(_glossary_use(loaded, path, pair, loaded.plan.glossary))
    for path, text in iter_texts(loaded.plan):
        if path[-1] == "zh":
            findings.extend(_ascii_punctuation(loaded, path, text))
    return findings


def _bilingual_fields(node: object, path: PathKey = ()) -> list[tuple[PathKey, Bilingual | GlossaryTerm]]:
    pairs: list[tuple[PathKey, Bilingual | GlossaryTerm]] = []
    seen: set[PathKey] = set()
    for text_path, _ in iter_texts(node, path):
        parent = text_path[:-1]
        if parent not in seen:
            seen.add(parent)
            pairs.append((parent, _at(node, parent[len(path):])))
    return pairs


def _at(node: object, path: PathKey) -> Bilingual | GlossaryTerm:
    for part in path:
        # Lists and the plan's label overrides (a mapping) are indexed; models are walked by field name.
        node = node[part] if isinstance(node, (list, dict)) else getattr(node, str(part))  # type: ignore[index]
    return node  # type: ignore[return-value]


def _warning(loaded: LoadedPlan, path: PathKey, message: str) -> Problem:
    return Problem(loaded.locate(path), message, severity="warning")


# -- numbers -----------------------------------------------------------------------------------


def english_numbers(text: str) -> Counter[float]:
    """Numbers an English text states: digits (2,000; 3.5; 5%; 150 million), number words, ordinals, months."""
    text = plain_text(text)
    found: Counter[float] = Counter()
    for match in _ARABIC.finditer(text):
        value = float(match.group(1).replace(",", ""))
        scale = (match.group(2) or "").strip().lower()
        found[value * {"million": 1e6, "billion": 1e9, "万": 1e4, "亿": 1e8}.get(scale, 1)] += 1
    for match in _EN_MONTH.finditer(text):
        found[float(_MONTHS[(match.group(1) or match.group(2)).lower()])] += 1
    for match in _EN_TENS_UNITS.finditer(text):
        found[float(_EN_WORDS[match.group(1).lower()] + _EN_WORDS[match.group(2).lower()])] += 1
    for match in _EN_WORD.finditer(_EN_TENS_UNITS.sub(" ", text)):
        found[float(_EN_WORDS[match.group(1).lower()])] += 1
    return found


def chinese_numbers(text: str) -> Counter[float]:
    """Numbers a Chinese text states: digits, Chinese numerals (三, 两千五, 二〇二〇, 百分之五), 3万."""
    text = _ZH_CHEMICAL.sub(" ", _ZH_IDIOMS.sub(" ", plain_text(text)))
    found: Counter[float] = Counter()
    for pattern in (_PERCENT_ZH, _ZH_ORDINAL, _ZH_MONTH):
        for match in pattern.finditer(text):
            value = chinese_value(match.group(1))
            if value is not None:
                found[value] += 1
        text = pattern.sub(" ", text)
    for match in _ARABIC.finditer(text):
        value = float(match.group(1).replace(",", ""))
        scale = (match.group(2) or "").strip()
        found[value * _BIG.get(scale, 1)] += 1
    text = _ARABIC.sub(" ", text)
    for match in _CHINESE_NUMBER.finditer(text):
        numeral = match.group()
        if numeral == "一":
            continue  # "a" or "one" in running text; English "a"/"one" are not counted either
        value = chinese_value(numeral)
        if value is not None:
            found[value] += 1
    return found


def chinese_value(numeral: str) -> float | None:
    """三 = 3, 两千五 = 2500, 一万五 = 15000, 二〇二〇 = 2020, 五点五 = 5.5; None for no number (万, 千千万万)."""
    whole, _, fraction = numeral.partition("点")
    value = _chinese_integer(whole)
    if value is None or any(char not in _DIGIT_VALUES for char in fraction):
        return None
    return float(f"{value}.{''.join(str(_DIGIT_VALUES[char]) for char in fraction)}") if fraction else float(value)


def _chinese_integer(numeral: str) -> int | None:
    """The integer a Chinese numeral writes, by the usual reading; None when the characters make no number.

    Digits alone read digit by digit (二〇二〇 = 2020); otherwise each digit counts its unit (十, 百, 千)
    within a section closed by 万 or 亿, 零 marks a skipped unit, and a digit after the last unit
    counts the next unit down (两千五 = 2500, 一万五 = 15000), as people say numbers aloud.
    """
    if not numeral:
        return None
    if all(char in _DIGIT_VALUES for char in numeral):
        return int("".join(str(_DIGIT_VALUES[char]) for char in numeral))
    total = section = 0
    digit: int | None = None
    last_unit = 1  # the value of the unit just read (a section's unit counts its whole value)
    zero = False
    for position, char in enumerate(numeral):
        if char in _DIGIT_VALUES:
            if digit is not None and _DIGIT_VALUES[char] and not zero:
                return None  # two digits in a row (三四) outside a digit-by-digit numeral
            zero = _DIGIT_VALUES[char] == 0
            digit = None if zero else _DIGIT_VALUES[char]
        elif char in _UNIT_VALUES:
            unit = _UNIT_VALUES[char]
            if digit is None and not (char == "十" and (position == 0 or zero)):
                return None  # a unit no digit counts (千千万万), except a leading 十 (十五 = 15)
            if unit >= last_unit and section:
                return None  # units must fall: 三百五千 is no number
            section += (1 if digit is None else digit) * unit
            digit, last_unit, zero = None, unit, False
        elif char in _BIG:
            big = _BIG[char]
            section += digit or 0
            if not section and total and big > last_unit:
                total *= big  # 一万亿: the 万 section counted in 亿
                last_unit = big
                continue
            if not section:
                return None  # 万 alone, or 亿万
            total = (total + section) * big if big > 10_000 else total + section * big
            section, digit, last_unit, zero = 0, None, big, False
        else:
            return None
    if digit is not None and not zero and numeral[-2] not in _DIGIT_VALUES and last_unit >= 10:
        digit *= last_unit // 10  # 两千五 = 2500: the digit after the last unit counts the next unit down
    return total + section + (digit or 0)


def _number_parity(loaded: LoadedPlan, path: PathKey, pair: Bilingual | GlossaryTerm) -> list[Problem]:
    english, chinese = english_numbers(pair.en), chinese_numbers(pair.zh)
    if set(english) == set(chinese):
        return []
    return [_warning(loaded, (*path, "zh"), f"numbers differ from the English: en has {_show(english)}; "
                                            f"zh has {_show(chinese)}")]


def _show(numbers: Counter[float]) -> str:
    values = sorted(numbers)
    return ", ".join(f"{value:g}" for value in values) if values else "none"


# -- glossary ----------------------------------------------------------------------------------


def _glossary_use(
    loaded: LoadedPlan, path: PathKey, pair: Bilingual | GlossaryTerm, glossary: list[GlossaryTerm]
) -> list[Problem]:
    if path[:1] == ("glossary",) or not glossary:
        return []
    problems = []
    chinese = plain_text(pair.zh)
    for index in sorted(_matcher_for(glossary).terms_in(plain_text(pair.en))):
        term = glossary[index]
        if term.zh not in chinese:
            problems.append(_warning(loaded, (*path, "zh"),
                                     f"the English uses '{term.en}', so the Chinese should use the glossary's "
                                     f"'{term.zh}'"))
    return problems


_WORD_CHAR = re.compile(r"[\w-]")


class TermMatcher:
    """Every glossary term a text uses, whole words, any case: one Aho-Corasick automaton for all terms.

    One pass over the text whatever the number of terms (a regex per term and text took 14.6 s
    for 600 terms); overlapping terms ("Harbour" and "Harbour District") are all found.
    """

    def __init__(self, terms: list[str]) -> None:
        self.lengths = [len(term.lower()) for term in terms]
        self.goto: list[dict[str, int]] = [{}]
        self.found: list[list[int]] = [[]]
        for index, term in enumerate(terms):
            node = 0
            for char in term.lower():
                if char not in self.goto[node]:
                    self.goto.append({})
                    self.found.append([])
                    self.goto[node][char] = len(self.goto) - 1
                node = self.goto[node][char]
            self.found[node].append(index)
        self.fail = [0] * len(self.goto)
        queue = list(self.goto[0].values())
        for node in queue:  # breadth first: a node's fallback is always computed before its children's
            for char, child in self.goto[node].items():
                fallback = self.fail[node]
                while fallback and char not in self.goto[fallback]:
                    fallback = self.fail[fallback]
                target = self.goto[fallback].get(char, 0)
                self.fail[child] = target if target != child else 0
                self.found[child] = self.found[child] + self.found[self.fail[child]]
                queue.append(child)

    def terms_in(self, text: str) -> set[int]:
        """The indices of the terms that occur in `text` as whole words (not inside a longer word)."""
        text = text.lower()
        hits: set[int] = set()
        node = 0
        goto, fail, found = self.goto, self.fail, self.found
        for end, char in enumerate(text):
            while node and char not in goto[node]:
                node = fail[node]
            node = goto[node].get(char, 0)
            for index in found[node]:
                start = end - self.lengths[index] + 1
                if (index not in hits and not (start > 0 and _WORD_CHAR.match(text[start - 1]))
                        and not (end + 1 < len(text) and _WORD_CHAR.match(text[end + 1]))):
                    hits.add(index)
        return hits


_MATCHER: list[tuple[list[GlossaryTerm], TermMatcher]] = []


def _matcher_for(glossary: list[GlossaryTerm]) -> TermMatcher:
    """Built once per glossary (check_quality asks once per bilingual field)."""
    if not _MATCHER or _MATCHER[0][0] is not glossary:
        _MATCHER[:] = [(glossary, TermMatcher([term.en for term in glossary]))]
    return _MATCHER[0][1]


# -- punctuation -------------------------------------------------------------------------------


def _ascii_punctuation(loaded: LoadedPlan, path: PathKey, text: str) -> list[Problem]:
    hits = sorted({match.group() for match in _ASCII_PUNCT.finditer(_MARKDOWN_LINK.sub("", text))})
    if not hits:
        return []
    shown = " ".join(f"'{mark}'→'{FULL_WIDTH[mark]}'" for mark in hits)
    return [_warning(loaded, path, f"ASCII punctuation in Chinese text: {shown} (briefkit validate --fix rewrites it)")]


def fix_ascii_punctuation(text: str) -> str:
    """The same text with ASCII punctuation next to Han characters made full-width (link targets kept)."""
    pieces, start = [], 0
    for link in _MARKDOWN_LINK.finditer(text):
        pieces.append(_fix_plain(text[start : link.start() + 1]))
        pieces.append(text[link.start() + 1 : link.end()])
        start = link.end()
    pieces.append(_fix_plain(text[start:]))
    return "".join(pieces)


def _fix_plain(text: str) -> str:
    # Parentheses go in pairs, so "上海(2020)" becomes "上海（2020）", not "上海（2020)".
    text = _PARENTHESES.sub(lambda m: "（" + next(g for g in m.groups() if g is not None) + "）", text)
    return _ASCII_PUNCT.sub(lambda m: FULL_WIDTH[m.group()], text)



def fix_punctuation(loaded: LoadedPlan) -> int:
    """Rewrite ASCII punctuation in the Chinese texts of the plan's files, in place; return how many texts changed.

    Only the characters of each Chinese scalar change, so comments, quoting and
    layout of the YAML stay exactly as the author wrote them.
    """
    files: list[tuple[Path, SourceMap, tuple[str, ...]]] = [(loaded.plan_file, loaded.source_map, ())]
    if loaded.glossary_map is not None:
        files.append((loaded.folder / GLOSSARY_FILE, loaded.glossary_map, ("glossary",)))
    changed = 0
    for path, source_map, prefix in files:
        raw = path.read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw[3 if bom else 0 :].decode("utf-8")
        edits = []
        for field_path, (start, end) in source_map.spans.items():
            if field_path[-1] != "zh" or (prefix and field_path[:1] != ("terms",)):
                continue
            fixed = fix_ascii_punctuation(text[start:end])
            if fixed != text[start:end]:
                edits.append((start, end, fixed))
        for start, end, fixed in sorted(edits, reverse=True):
            text = text[:start] + fixed + text[end:]
        if edits:
            write_atomic(path, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
            changed += len(edits)
    return changed
