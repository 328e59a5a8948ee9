"""templates/labels.yaml + a plan's overrides -> the fixed wording templates print, plural-aware, and the
generated wording of targets and embargo lines.

A label is one text per language, or per language a mapping of CLDR plural
categories (`one`, `other`) chosen by the `count` it is given.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from .errors import ContentError, Problem
from .model import Bilingual, Plan, Target, parse_embargo
from .text import format_date, format_quantity, format_time, plural_category, zone_name

Wording = dict[str, str]  # language -> text


def check_overrides(plan: Plan, known: dict[str, Wording], locate: Any) -> None:
    """A plan may change any label templates use, and only those: an unknown key is a located content error."""
    problems = []
    for key in plan.labels:
        if key not in known:
            problems.append(Problem(locate(("labels", key)), f"no label '{key}' to override (templates/labels.yaml "
                                                             "lists them)"))
    if problems:
        raise ContentError(problems)


class Labeller:
    """label(key, **fills) -> Bilingual; `count` picks the plural form."""

    def __init__(self, labels: dict[str, Wording], plan: Plan) -> None:
        self.labels = {**labels, **{key: value.model_dump() for key, value in plan.labels.items()}}
        self.brand = plan.brand or plan.headline

    def has(self, key: str) -> bool:
        return key in self.labels

    def __call__(self, key: str, **values: Any) -> Bilingual:
        if key not in self.labels:
            raise KeyError(f"no label '{key}' in templates/labels.yaml")
        fills = {"brand": self.brand, **values}
        texts = {}
        for language in ("en", "zh"):
            wording = self.labels[key]
            singular = self.labels.get(f"{key}.one")
            if "count" in values and singular and plural_category(int(values["count"]), language) == "one":
                wording = singular
            texts[language] = fill(wording[language], _Fills(fills, language))
        return Bilingual(**texts)

    # -- generated wording -----------------------------------------------------------------------------

    def quantity(self, value: Any, unit: Any, language: str, compact: bool = False) -> str:
        if isinstance(value, Bilingual):
            return value[language]
        return format_quantity(value, unit, language, compact)

    def figure_values(self, figure: Any, languages: tuple[str, ...]) -> list[tuple[str, str]]:
        """A key figure's value per language, once when every language writes it alike (10, 80%)."""
        shown = [(language, self.quantity(figure.value, figure.unit, language, figure.compact))
                 for language in languages]
        return shown[:1] if len({text for _, text in shown}) == 1 else shown

    def year(self, year: int, language: str) -> str:
        return self("year", year=year)[language]

    def target_value(self, target: Target, language: str) -> str:
        """The target cell: 80%, at least 80%, from 35% to 80% (empty for a target without a number)."""
        if target.value is None:
            return ""
        value = format_quantity(target.value, target.unit, language)
        if target.kind == "reach":
            return value
        key = f"target_{target.kind}"
        if target.kind == "from-to":
            key += "-up" if target.value >= (target.start or 0) else "-down"
        start = format_quantity(target.start, target.unit, language) if target.start is not None else ""
        return self(key, value=value, **{"from": start})[language]

    def baseline(self, target: Target, language: str) -> str:
        if target.baseline is None:
            return ""
        value = format_quantity(target.baseline.value, target.unit, language)
        return self("target_baseline_cell", value=value, year=target.baseline.year)[language]

    def target_sentence(self, target: Target, language: str) -> str:
        """'Share of vans that are electric: 80% by 2027 (2024: 35%)' / '到2027年…达到80%（2024年为35%）'."""
        metric = target.metric[language]
        if target.value is None:
            text = metric
        else:
            phrase = self.target_value(target, language)
            if target.kind == "reach":
                phrase = self("target_reach", value=phrase)[language]
            text = self("target_metric", metric=metric, phrase=phrase)[language]
        if target.deadline:
            text = self("target_by", target=text, year=target.deadline)[language]
        if target.baseline is not None:
            value = format_quantity(target.baseline.value, target.unit, language)
            text = self("target_baseline", target=text, value=value, year=target.baseline.year)[language]
        return text

    def embargo(self, embargo: str, language: str) -> str:
        """EMBARGOED UNTIL 10:00 Beijing time, 2 March 2026 / 禁发至2026年3月2日10:00（北京时间）."""
        moment, zone = parse_embargo(embargo)
        zone_key = f"time_zone.{zone}"
        name = self(zone_key)[language] if zone and self.has(zone_key) else zone_name(moment, zone, language)
        when = self("embargo_time", date=format_date(moment.date(), language), time=format_time(moment, language),
                    zone=name)[language]
        return self("embargo", when=when)[language]

    def dateline(self, place: Bilingual, date: dt.date, language: str) -> str:
        return self("dateline", place=place[language], date=format_date(date, language))[language]


class _Fills(dict[str, str]):
    """Placeholder values for one language; unknown {names} stay as written (page labels)."""

    def __init__(self, values: dict[str, Any], language: str) -> None:
        super().__init__({k: v[language] if isinstance(v, Bilingual) else str(v) for k, v in values.items()})

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(wording: str, fills: dict[str, str]) -> str:
    """{name} placeholders filled, nothing else: no attribute, index, conversion or format spec.

    str.format would follow {brand.__class__.__mro__} into the objects (and {x:>99999999} would
    allocate on request); labels come from template sets that may be an agency's, and from plans.
    catalogue.py refuses any other placeholder when the labels load.
    """
    parts = []
    for literal, name, _, _ in string.Formatter().parse(wording):
        parts.append(literal)
        if name is not None:
            parts.append(fills[name])
    return "".join(parts)
