"""Units to export -> an XLIFF 2.1 file (lxml); an XLIFF 2.x file -> units to import, every problem located.

One <unit> per bilingual field: id an XML-safe form of the field path, name
the field path itself. Inline Markdown becomes <pc> codes whose original
characters live in the unit's <originalData>, so a CAT tool shows them as
protected tags and the import writes them back exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from ..errors import ContentError, Location, Problem
from ..validate import display_path
from .apply import Unit, duplicate, is_simplified_chinese
from .exchange import NEEDS_REVIEW, NEW, Export, key_from_id, unit_id
from .fields import read_plan_texts
from .markup import Code, Inline, codes, parse

NS = "urn:oasis:names:tc:xliff:document:2.0"  # XLIFF 2.1 keeps the 2.0 core namespace
TARGET_LANGUAGE = "zh-CN"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_STATES = {NEW: "initial", NEEDS_REVIEW: "initial", "translated": "translated"}
_CONFIRMED = {"translated", "reviewed", "final"}
_FORMATTING = {"bold": "xlf:b", "italic": "xlf:i"}


# inline code id -> its dataRefStart, dataRefEnd and dataRef in the source, for targets that leave them out
_Refs = dict[str, tuple[str | None, str | None, str | None]]


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


# -- export ------------------------------------------------------------------------------------


def write(export: Export) -> bytes:
    root = etree.Element(_q("xliff"), nsmap={None: NS})  # type: ignore[dict-item]
    root.set("version", "2.1")
    root.set("srcLang", "en")
    root.set("trgLang", TARGET_LANGUAGE)
    body = etree.SubElement(root, _q("file"), id="plan", original=export.texts.plan_file.name)
    body.set(_XML_SPACE, "preserve")
    for unit in export.units:
        item = unit.item
        element = etree.SubElement(body, _q("unit"), id=unit_id(item), name=item.key)
        notes = etree.SubElement(element, _q("notes"))
        for category, text in unit.notes():
            etree.SubElement(notes, _q("note"), category=category).text = text
        data: dict[str, str] = {}
        original = etree.SubElement(element, _q("originalData"))
        segment = etree.SubElement(element, _q("segment"), state=_STATES[unit.state])
        if unit.state == NEEDS_REVIEW:
            segment.set("subState", "briefkit:needs-review")
        source_nodes = parse(item.en)
        source_ids = {id(code): str(number) for number, code in enumerate(codes(source_nodes), start=1)}
        _emit(etree.SubElement(segment, _q("source")), source_nodes, _source_ids(source_ids), data)
        if unit.state != NEW:
            target_nodes = parse(item.zh or "")
            _emit(etree.SubElement(segment, _q("target")), target_nodes,
                  _target_ids(codes(source_nodes), source_ids, codes(target_nodes)), data)
        for text, data_id in data.items():
            etree.SubElement(original, _q("data"), id=data_id).text = text
        if not data:
            element.remove(original)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _source_ids(ids: dict[int, str]) -> Callable[[Code], str]:
    return lambda code: ids[id(code)]


def _target_ids(source: list[Code], source_ids: dict[int, str], target: list[Code]) -> Callable[[Code], str]:
    """Target codes take the id of the same code in the source (same kind and characters), in order."""
    unused = list(source)
    ids: dict[int, str] = {}
    extra = len(source)
    for code in target:
        match = next((s for s in unused if (s.kind, s.start, s.end) == (code.kind, code.start, code.end)), None)
        if match is not None:
            unused.remove(match)
            ids[id(code)] = source_ids[id(match)]
        else:
            extra += 1
            ids[id(code)] = str(extra)
    return lambda code: ids[id(code)]


def _emit(parent: etree._Element, nodes: list[Inline], code_id: Callable[[Code], str], data: dict[str, str]) -> None:
    last: etree._Element | None = None
    for node in nodes:
        if isinstance(node, str):
            if last is None:
                parent.text = (parent.text or "") + node
            else:
                last.tail = (last.tail or "") + node
            continue
        start = data.setdefault(node.start, f"d{len(data) + 1}")
        end = data.setdefault(node.end, f"d{len(data) + 1}")
        last = etree.SubElement(parent, _q("pc"), id=code_id(node), dataRefStart=start, dataRefEnd=end)
        last.set("type", "link" if node.kind == "link" else "fmt")
        if node.kind in _FORMATTING:
            last.set("subType", _FORMATTING[node.kind])
        _emit(last, node.children, code_id, data)


# -- import ------------------------------------------------------------------------------------


def read(path: Path, plan_file: Path) -> list[Unit]:
    """The units of an XLIFF 2 file; any problem with the file raises ContentError with all of them."""
    where = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ContentError([Problem(Location(where), f"cannot read: {error.strerror}")]) from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno, 0)
        message = re.sub(r", line \d+, column \d+$", "", str(error.msg))
        raise ContentError([Problem(Location(where, line, column), f"malformed XML: {message}")]) from None
    if getattr(root.getroottree().docinfo, "doctype", ""):  # lxml-stubs lack DocInfo.doctype
        # Unexpanded entities would silently drop text, expanded ones could multiply it: XLIFF needs neither.
        line = raw.count(b"\n", 0, max(raw.find(b"<!DOCTYPE"), 0)) + 1
        raise ContentError([Problem(Location(where, line), "a DOCTYPE is not allowed in an XLIFF file")])
    _check_root(root, where)
    keys = {unit_id(item): item.key for item in read_plan_texts(plan_file).fields}
    problems: list[Problem] = []
    units: list[Unit] = []
    first: dict[str, Location] = {}
    for element in root.iter(_q("unit")):
        unit_name = element.get("id", "")
        key = keys.get(unit_name) or element.get("name") or key_from_id(unit_name)
        location = Location(where, _line(element), 0, key)
        if not unit_name:
            problems.append(Problem(location, "a <unit> without an id"))
            continue
        repeated = duplicate(key, location, first)
        if repeated is not None:
            problems.append(repeated)
            continue
        unit = _unit(element, key, location, problems)
        if unit is not None:
            units.append(unit)
    if problems:
        raise ContentError(problems)
    return units


def _check_root(root: etree._Element, where: str) -> None:
    at = Location(where, _line(root), 0)
    if root.tag != _q("xliff"):
        old = isinstance(root.tag, str) and "xliff:document:1." in root.tag
        message = ("XLIFF 1.x is not read: export an XLIFF 2 file with `briefkit translate export`" if old
                   else f"not an XLIFF 2 file: the root element is <{etree.QName(root).localname}>")
        raise ContentError([Problem(at, message)])
    problems = []
    version, source, target = root.get("version", ""), root.get("srcLang", ""), root.get("trgLang")
    if not version.startswith("2."):
        problems.append(Problem(at, f"XLIFF version {version!r} is not read; expected 2.0 or 2.1"))
    if not re.fullmatch(r"en([-_][A-Za-z0-9]+)*", source):
        problems.append(Problem(at, f"the source language is {source!r}; expected English (en)"))
    if target is None:
        problems.append(Problem(at, f"no target language (trgLang); expected Simplified Chinese ({TARGET_LANGUAGE})"))
    elif not is_simplified_chinese(target):
        problems.append(Problem(at, f"the target language is {target!r}; expected Simplified Chinese "
                                    f"({TARGET_LANGUAGE}): the plan's Chinese is Simplified"))
    if problems:
        raise ContentError(problems)


def _unit(element: etree._Element, key: str, location: Location, problems: list[Problem]) -> Unit | None:
    """One <unit>: its segments and ignorables joined, inline codes turned back into Markdown."""
    data = {item.get("id", ""): _plain(item, location, problems) for item in element.iter(_q("data"))}
    source_refs = {pc.get("id", ""): (pc.get("dataRefStart"), pc.get("dataRefEnd"), pc.get("dataRef"))
                   for part in element.iter(_q("source")) for pc in part.iter(_q("pc"), _q("ph"), _q("sc"), _q("ec"))}
    before = len(problems)
    sources: list[str] = []
    targets: list[str | None] = []
    confirmed, target_line = True, _line(element)
    parts = [part for part in element if part.tag in (_q("segment"), _q("ignorable"))]
    if not parts:
        problems.append(Problem(location, "the unit has no <segment>"))
    for part in parts:
        source, target = part.find(_q("source")), part.find(_q("target"))
        if source is None:
            problems.append(Problem(Location(location.file, _line(part), 0, key), "no <source>"))
            continue
        sources.append(_markdown(source, data, source_refs, location, problems))
        if target is not None:
            target_line = target_line if targets else _line(target) or target_line
            targets.append(_markdown(target, data, source_refs, location, problems))
        elif part.tag == _q("ignorable"):
            targets.append(sources[-1])  # whitespace between segments is the same in both languages
        else:
            targets.append(None)
        if part.tag == _q("segment"):
            confirmed = confirmed and part.get("state", "initial") in _CONFIRMED
    if len(problems) > before:
        return None
    joined = None if any(target is None for target in targets) else "".join(t for t in targets if t is not None)
    return Unit(key, "".join(sources), joined, confirmed, location,
                Location(location.file, target_line, 0, key))


def _markdown(element: etree._Element, data: dict[str, str], source_refs: _Refs, unit: Location,
              problems: list[Problem]) -> str:
    """Inline content back to Markdown: <pc>, <ph>, <sc>, <ec> give their original data; <mrk> its content."""
    text = element.text or ""
    for child in element:
        name = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if name in ("pc", "ph", "sc", "ec"):
            known = source_refs.get(child.get("id", ""), (None, None, None))
            if name == "pc":
                refs = [child.get("dataRefStart") or known[0], child.get("dataRefEnd") or known[1]]
            else:
                refs = [child.get("dataRef") or known[2]]
            if any(ref not in data for ref in refs):
                message = f"inline code <{name} id=\"{child.get('id', '')}\"> has no original data in this unit"
                problems.append(Problem(Location(unit.file, _line(child), 0, unit.field), message))
            else:
                inner = _markdown(child, data, source_refs, unit, problems) if name == "pc" else ""
                text += data[str(refs[0])] + inner + (data[str(refs[1])] if name == "pc" else "")
        elif name == "mrk":
            text += _markdown(child, data, source_refs, unit, problems)
        elif name == "cp":
            text += _code_point(child, unit, problems)
        elif name not in ("sm", "em", ""):
            problems.append(Problem(Location(unit.file, _line(child), 0, unit.field),
                                    f"unexpected element <{name}> in <{etree.QName(element).localname}>"))
        text += child.tail or ""
    return text


def _line(element: etree._Element) -> int:
    line = element.sourceline
    return line if isinstance(line, int) else 0


def _code_point(element: etree._Element, unit: Location, problems: list[Problem]) -> str:
    """The character a <cp hex="..."/> stands for (XLIFF's way to carry characters XML cannot)."""
    try:
        return chr(int(element.get("hex", ""), 16))
    except (ValueError, OverflowError):
        problems.append(Problem(Location(unit.file, _line(element), 0, unit.field),
                                f"<cp hex=\"{element.get('hex', '')}\"> is not a code point"))
        return ""


def _plain(element: etree._Element, unit: Location, problems: list[Problem]) -> str:
    """The text of a <data> element, <cp> code points included."""
    text = element.text or ""
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == "cp":
            text += _code_point(child, unit, problems)
        text += child.tail or ""
    return text
