"""Random plans built from the model, with random Unicode: never an unhandled exception.

Hypothesis draws plans field by field from the pydantic models (so they have the
right shape) and fills them with text mixing ASCII markup, common and astral
CJK (𠮷), combining marks, emoji, right-to-left scripts and arbitrary code
points. Each plan goes through `validate` and a cheap `build`; the answer must
be outputs (exit 0) or located messages (exit 1 or 2), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import types
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import AwareDatetime, BaseModel
from pypdf import PdfReader

from briefkit.cli import cli
from briefkit.model import Plan
from conftest import REPO

# -- text ---------------------------------------------------------------------------------------
# Tame text is what the theme's fonts can show: plans made of it should build. Wild text may hold
# anything at all: plans made of it should be refused with located messages (or build, if lucky).
TAME = st.one_of(
    st.sampled_from("abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789 .,;:!?'\"-()[]{}<>&%*#_/\\@ \t\n"),
    st.sampled_from("上海制造品牌行动计划新闻发布会，。、：；“”（）《》！？ "),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # common CJK ideographs
    st.sampled_from("𠮷𩸽𠀋𡈽𢌞𪚲"),  # astral CJK that the theme's fonts carry
    st.characters(min_codepoint=0x0300, max_codepoint=0x036F),  # combining marks
    st.sampled_from("\u200d\u200c\u00a0\u3000\u00ad\u2028"),  # joiners and unusual spaces
)
WILD = st.one_of(
    TAME,
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),  # astral CJK, covered or not
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1F64F),  # emoji
    st.characters(min_codepoint=0x05D0, max_codepoint=0x05EA),  # Hebrew
    st.characters(min_codepoint=0x0621, max_codepoint=0x064A),  # Arabic
    st.sampled_from("\u202e\u2066\u200b\ufeff\x85\x07\x7f"),  # bidi controls, invisibles, controls
    st.characters(codec="utf-8"),  # anything at all
)
TAME_TEXT = st.text(TAME, min_size=1, max_size=40)
WILD_TEXT = st.one_of(TAME_TEXT, st.text(WILD, min_size=1, max_size=40))
SLUG = st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True)
OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)))

# Fields the property test leaves to the corpus: images need files, places need zone ids (drawn below),
# and the Traditional override is an alias key.
SKIPPED = {("Organisation", "logo"), ("Plan", "media"), ("Action", "places"), ("GlossaryTerm", "zh_hant"),
           ("Plan", "targets_csv"), ("TableBlock", "csv"), ("Plan", "labels"), ("Plan", "sections")}
WHEN = st.one_of(st.integers(1990, 2100).map(str),
                 st.tuples(st.integers(1990, 2100), st.integers(1, 12)).map(lambda p: f"{p[0]}-{p[1]:02d}"))
UNITS = st.sampled_from(["percent", "CNY", "USD", "length-kilometer", "mass-tonne"])
EMBARGO = st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2100, 1, 1), timezones=OFFSETS)
FIELDS = {("Target", "unit"): UNITS, ("KeyFigure", "unit"): UNITS, ("Funding", "currency"): UNITS,
          ("Plan", "embargo"): EMBARGO, ("Action", "start"): WHEN, ("Action", "end"): WHEN, ("Plan", "schema_version"): st.just(2)}
WHEN = st.one_of(st.integers(1990, 2100).map(str),
                 st.tuples(st.integers(1990, 2100), st.integers(1, 12)).map(lambda p: f"{p[0]}-{p[1]:02d}"))


def strategy_for(annotation: Any, metadata: list[Any], text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """A strategy for values of `annotation` as they would be written in YAML."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return strategy_for(typing.get_args(annotation)[0], [*metadata, *annotation.__metadata__], text)
    if origin in (typing.Union, types.UnionType):
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return st.one_of(*(strategy_for(member, metadata, text) for member in members))
    if origin is typing.Literal:
        return st.sampled_from(typing.get_args(annotation))
    if origin is list:
        least = next((m.min_length for m in metadata if getattr(m, "min_length", None)), 0)
        return st.lists(strategy_for(typing.get_args(annotation)[0], [], text), min_size=least, max_size=max(least, 3))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_strategy(annotation, text)
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        low = next((m.ge for m in metadata if hasattr(m, "ge")), None)
        high = next((m.le for m in metadata if hasattr(m, "le")), None)
        return st.integers(low, high)
    if annotation is float:
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if annotation is dt.date:
        return st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31))
    if annotation is AwareDatetime:
        return st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2100, 1, 1), timezones=OFFSETS)
    if annotation is str:
        if any(getattr(m, "pattern", None) for m in metadata):
            return SLUG
        return text
    raise TypeError(f"no strategy for {annotation!r}")


def model_strategy(model: type[BaseModel], text: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        if (model.__name__, name) in SKIPPED:
            continue
        key = info.alias or name
        if (model.__name__, name) == ("Milestone", "when"):
            field = WHEN
        elif (model.__name__, name) in FIELDS:
            field = FIELDS[(model.__name__, name)]
        else:
            metadata = list(info.metadata)
            for meta in info.metadata:  # Annotated[str, StringConstraints(...)] keeps its constraints here
                metadata.extend(getattr(meta, "metadata", []))
            field = strategy_for(info.annotation, metadata, text)
        (required if info.is_required() else optional)[key] = field
    return st.fixed_dictionaries(required, optional=optional)


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    """A plan with unique ids, a period in order and references that hold; its text tame or wild."""
    plan = draw(model_strategy(Plan, draw(st.sampled_from([TAME_TEXT, WILD_TEXT]))))
    for collection in ("actions", "places", "groups"):
        for index, item in enumerate(plan.get(collection, [])):
            item["id"] = f"{item['id']}-{index}"
    period = plan.get("period")
    if period and period["start"] > period["end"]:
        plan["period"] = {"start": period["end"], "end": period["start"]}
    place_ids = [place["id"] for place in plan.get("places", [])]
    group_ids = [group["id"] for group in plan.get("groups", [])]
    speakers = plan.get("event", {}).get("speakers", [])
    for index, speaker in enumerate(speakers):
        speaker["id"] = f"speaker-{index}"
    for action in plan.get("actions", []):
        if place_ids:
            action["places"] = draw(st.lists(st.sampled_from(place_ids), max_size=2, unique=True))
        action.pop("group", None)
        if group_ids:
            action["group"] = draw(st.sampled_from(group_ids))
    plan["quotes"] = [{**quote, "speaker": f"speaker-{i % len(speakers)}"} for i, quote in
                      enumerate(plan.get("quotes", []))] if speakers else []
    return plan


# -- the property --------------------------------------------------------------------------------
LOCATED = re.compile(r"^(plan/plan\.yaml:\d+:\d+: |templates/[\w.-]+\.j2(:\d+)?[ :]|"
                     r"plan/plan\.yaml: en: \d+/\d+ fields, zh: \d+/\d+ fields$)")  # the completeness summary
SUMMARY = re.compile(r"^(Aborted with \d+ content errors?\.|\[\d+/\d+\] |FAILED |\d+ of \d+ outputs failed\.)")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("property")
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "plan").mkdir()
    return root


def _check(result: Any) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code:
        lines = [line for line in result.stderr.splitlines() if not SUMMARY.match(line)]
        assert lines, result.output
        unlocated = [line for line in lines if not LOCATED.match(line)]
        assert unlocated == [], result.output


@settings(derandomize=True, database=None, max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(plan=plans(), document=st.sampled_from(["handout", "press-brief", "stakeholder-report"]),
       edition=st.sampled_from(["en", "zh", "bilingual"]), pdf=st.integers(0, 7))
def test_random_plans_give_outputs_or_located_errors(project: Path, plan, document, edition, pdf):
    plan_file = project / "plan" / "plan.yaml"
    plan_file.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    formats = ["--format", "html"] + (["--format", "pdf"] if pdf == 3 else [])
    previous = os.getcwd()
    os.chdir(project)
    try:
        checked = CliRunner().invoke(cli, ["--project", str(project), "validate", "plan/plan.yaml"])
        built = CliRunner().invoke(cli, ["--project", str(project), "build", "plan/plan.yaml", "--doc", document,
                                         "--lang", edition, *formats, "--jobs", "1"])
    finally:
        os.chdir(previous)
    event(f"validate exit {checked.exit_code}, build exit {built.exit_code}{' with pdf' if pdf == 3 else ''}")
    _check(checked)
    _check(built)
    assert checked.exit_code in (0, 2)
    if checked.exit_code == 2:
        assert built.exit_code == 2
    if built.exit_code == 0:
        out = project / "output" / plan["id"]
        assert (out / f"{document}.{edition}.html").is_file()
        if pdf == 3:
            assert PdfReader(out / f"{document}.{edition}.pdf").trailer["/Root"]
