"""Inline Markdown (**bold**, *italic*, [text](url)) <-> a tree of codes, so an exchange format can protect it.

The Markdown subset and its patterns are text.py's. Each code keeps the exact
characters that open and close it, so writing the tree back always gives the
original text, character for character.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..text import _BOLD, _ITALIC, _LINK


@dataclass
class Code:
    """One formatted span: its kind ('bold', 'italic', 'link'), its opening and closing Markdown, its content."""

    kind: str
    start: str
    end: str
    children: list[Inline] = field(default_factory=list)


Inline = str | Code


def parse(text: str) -> list[Inline]:
    """Markdown text -> text and codes (links first, then bold, then italic, as the renderer reads them)."""
    return _split(text, _LINK, lambda m: Code("link", "[", f"]({m.group(2)})", _bold(m.group(1))), _bold)


def _bold(text: str) -> list[Inline]:
    return _split(text, _BOLD, lambda m: Code("bold", "**", "**", _italic(m.group(1))), _italic)


def _italic(text: str) -> list[Inline]:
    return _split(text, _ITALIC, lambda m: Code("italic", "*", "*", [m.group(1)]), lambda t: [t] if t else [])


def _split(text: str, pattern: re.Pattern[str], code: Callable[[re.Match[str]], Inline],
           rest: Callable[[str], list[Inline]]) -> list[Inline]:
    nodes: list[Inline] = []
    start = 0
    for match in pattern.finditer(text):
        nodes.extend(rest(text[start : match.start()]))
        nodes.append(code(match))
        start = match.end()
    nodes.extend(rest(text[start:]))
    return nodes


def to_markdown(nodes: list[Inline]) -> str:
    """The tree back as Markdown text."""
    return "".join(node if isinstance(node, str) else node.start + to_markdown(node.children) + node.end
                   for node in nodes)


def codes(nodes: list[Inline]) -> list[Code]:
    """Every code in document order (outer before inner)."""
    found: list[Code] = []
    for node in nodes:
        if isinstance(node, Code):
            found.append(node)
            found.extend(codes(node.children))
    return found
