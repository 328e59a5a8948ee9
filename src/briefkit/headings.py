"""A heading's text + its language + the plan's glossary -> HTML whose lines break only between words.

Pango breaks Chinese between any two Han characters, so a headline can split
inside a word (全力打/响) or inside a brand name; WeasyPrint has no
`word-break: keep-all` or `text-wrap: balance`. Here each Chinese word (jieba's
segmentation, through jieba-rs, taught the glossary's terms) and each glossary term in English is
kept on one line by a `span.nobr`, punctuation stays with the word it belongs
to, and the last two words are bound, so a headline never ends with a line of
one word or one character. Other writers read the spans as plain runs.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from .editions import CJK, HAN
from .text import inline_markdown, space_chinese

_OPENING = set("（《「『【〔〈“‘([")
_CLOSING = set("，。、；：？！）》」』】〕〉”’…·)]%,.;:!?")
_MARKDOWN = re.compile(r"\*\S|\[[^\]]+\]\(")
# The last two words are bound when together they are no longer than this (characters), so they still fit a line.
_LAST_CJK, _LAST_LATIN = 12, 24


def _jieba_class() -> Any:
    """rjieba's Jieba, without building the default segmenter its package makes on import (0.2 s we never use)."""
    spec = importlib.util.find_spec("rjieba")  # finds the package without running it
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            binary = Path(folder) / f"rjieba{suffix}"
            if not binary.is_file():
                continue
            module_spec = importlib.util.spec_from_file_location("rjieba.rjieba", binary)
            if module_spec is None or module_spec.loader is None:
                continue
            module = sys.modules.get("rjieba.rjieba") or importlib.util.module_from_spec(module_spec)
            if "rjieba.rjieba" not in sys.modules:
                module_spec.loader.exec_module(module)
                sys.modules["rjieba.rjieba"] = module  # a later `import rjieba` finds it loaded
            return module.Jieba
    import rjieba  # laid out otherwise: the package as it comes

    return rjieba.Jieba


@lru_cache(maxsize=8)
def _tokenizer(terms: tuple[str, ...]) -> object:
    # jieba-rs: jieba's dictionary and algorithm, loaded in a tenth of the time of the Python jieba
    # (0.17 s against 1.3-1.5 s here), which every build paid once; the same segments on every text tested.
    tokenizer = _jieba_class()()
    for term in terms:
        tokenizer.add_word(term, 10**6, None)  # a glossary term is one word, whatever jieba would make of it
    return tokenizer


def segment(text: str, terms: Iterable[str] = ()) -> list[str]:
    """`text` as the units a line may break between: words with their punctuation attached."""
    chinese = tuple(sorted({term for term in terms if HAN.search(term)}))
    latin = sorted({term for term in terms if not HAN.search(term) and " " in term}, key=len, reverse=True)
    if HAN.search(text):
        words = list(_tokenizer(chinese).cut(text, True))  # type: ignore[attr-defined]
    else:
        words = _english_words(text, latin)
    units: list[str] = []
    pending = ""
    for word in words:
        if word.isspace():
            if units:
                units[-1] += word
            continue
        if all(char in _OPENING for char in word):
            pending += word
        elif units and all(char in _CLOSING for char in word):
            units[-1] += word
        elif units and len(word) == 1 and HAN.match(word) and units[-1][-1].isdigit():
            units[-1] += word  # a number and its measure word: 10项
        elif units and not CJK.match(word[0]) and not CJK.match(units[-1].rstrip()[-1]) and not units[-1][-1].isspace():
            units[-1] += word  # Latin letters and digits jieba split apart: 3.5 / %, IC / -Park
        else:
            units.append(pending + word)
            pending = ""
    if pending:
        units.append(pending)
    return units


def _english_words(text: str, terms: list[str]) -> list[str]:
    """Words and the spaces between them; a multi-word glossary term is one word."""
    pattern = "|".join(re.escape(term) for term in terms)
    words: list[str] = []
    for part in re.split(f"({pattern})", text) if pattern else [text]:
        if part in terms:
            words.append(part)
        else:
            words.extend(piece for piece in re.split(r"(\s+)", part) if piece)
    return words


def break_heading(text: str, language: str, terms: Iterable[str] = ()) -> Markup:
    """The heading's HTML: each word (or term) kept whole, the last two words together."""
    if _MARKDOWN.search(text):
        return inline_markdown(text)  # emphasis or a link: the Markdown subset wins over word keeping
    units = segment(text, terms)
    chinese = bool(HAN.search(text))
    if (len(units) >= 2 and len(units[-2] + units[-1]) <= (_LAST_CJK if chinese else _LAST_LATIN)
            and (chinese or " " not in units[-2].strip())):  # English: two single words, never a term and more
        units[-2:] = [units[-2] + units[-1]]  # no one-word, no one-character last line
    html = []
    for unit in units:
        stripped = unit.rstrip()
        trailing = unit[len(stripped):]
        keep = len(stripped) > 1 and (" " in stripped or CJK.search(stripped))
        piece = f'<span class="nobr">{escape(stripped)}</span>' if keep else str(escape(stripped))
        html.append(piece + trailing)
    joined = "".join(html)
    return Markup(space_chinese(joined) if HAN.search(joined) else joined)
