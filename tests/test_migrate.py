"""briefkit migrate: a schema-1 plan becomes schema 2 in place, comments kept, and then validates."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from briefkit.cli import cli
from briefkit.validate import load_plan
from conftest import REPO

SCHEMA_1 = """\
# A schema-1 plan: this comment must survive.
id: old
version: "0.1"
status: final
date: 2020-01-15
issuer:
  name: {en: Example City Government, zh: 示例市人民政府}
event:
  kind: {en: Press conference, zh: 新闻发布会}
  date: 2020-01-15
  place: {en: Example City, zh: 示例市}
  speakers:
    - name: {en: Li Hua, zh: 李华}
      title: {en: Spokesperson, zh: 新闻发言人}
headline: {en: Example City launches 2 actions, zh: 示例市推出2项行动}
summary: {en: A short summary., zh: 一段简短的概要。}
background:
  - heading: {en: Why now, zh: 缘起}
    paragraphs:
      - {en: Because., zh: 因为。}
period: {start: 2020, end: 2022}
actions:
  - id: first
    group: key  # the key one
    title: {en: First action, zh: 第一项行动}
  - id: second
    group: additional
    title: {en: Second action, zh: 第二项行动}
    places: [harbour]
zones:
  - id: harbour
    name: {en: Harbour District, zh: 港区}
    target:
      metric: {en: Berths, zh: 泊位}
      value: 4
quotes:
  - text: {en: Hello., zh: 你好。}
    speaker:
      name: {en: Li Hua, zh: 李华}
      title: {en: Spokesperson, zh: 新闻发言人}
key_figures:
  - {value: "2", label: {en: Actions, zh: 项行动}}
  - {value: "2020", label: {en: Start, zh: 起始年份}}
  - {value: "¥3bn", label: {en: Budget, zh: 预算}}
"""


@pytest.fixture
def run():
    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--project", str(REPO), *args], catch_exceptions=False)

    return invoke


def test_validate_on_a_schema_1_plan_says_to_migrate(make_plan, run):
    make_plan(SCHEMA_1)
    result = run("validate", "plan")
    assert result.exit_code == 2
    assert "plan/plan.yaml:2:1: this plan is in schema 1; run `briefkit migrate plan/plan.yaml`" in result.output


def test_migrate_upgrades_in_place_keeping_comments(make_plan, run):
    plan_file = make_plan(SCHEMA_1)
    result = run("migrate", "plan")
    assert result.exit_code == 0, result.output
    text = plan_file.read_text(encoding="utf-8")
    assert text.startswith("# A schema-1 plan: this comment must survive.\nschema: 2\nid: old\n")
    assert "group: key  # the key one" in text
    plan = load_plan(plan_file).plan
    assert [g.id for g in plan.groups] == ["key", "additional"]
    assert plan.places[0].targets[0].value == 4 and plan.labels["places"].en == "Flagship manufacturing zones"
    assert plan.quotes[0].speaker == "li-hua" and plan.speakers[0].id == "li-hua"
    assert [s.id for s in plan.sections] == ["why-now"]
    assert [f.value if isinstance(f.value, int) else f.value.en for f in plan.key_figures] == [2, "2020", "¥3bn"]
    assert "not mapped: key_figures[2].value: '¥3bn' is not a number" in result.output


def test_migrate_refuses_a_plan_already_in_schema_2(make_plan, run):
    make_plan()
    result = run("migrate", "plan")
    assert result.exit_code == 2 and "already in schema 2" in result.output
