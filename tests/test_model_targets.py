"""Targets as data: both languages' sentences and table cells come from the same fields, per locale."""

from __future__ import annotations

import pytest

from briefkit.catalogue import load_labels
from briefkit.labels import Labeller
from briefkit.model import Target
from briefkit.validate import load_plan
from conftest import MINIMAL_PLAN, REPO

VANS = {"metric": {"en": "Share of delivery vans that are electric", "zh": "配送车辆电动化比例"},
        "value": 80, "unit": "percent", "baseline": {"value": 35, "year": 2024}, "deadline": 2027}
SENTENCES = [
    (VANS, "Share of delivery vans that are electric: 80% by 2027 (2024: 35%)",
     "到2027年配送车辆电动化比例达到80%（2024年为35%）"),
    ({"metric": {"en": "Annual average PM2.5", "zh": "PM2.5年均浓度"}, "kind": "below", "value": 30,
      "unit": {"en": "µg/m³", "zh": "微克/立方米"}, "deadline": 2030},
     "Annual average PM2.5: below 30 µg/m³ by 2030", "到2030年PM2.5年均浓度低于30微克/立方米"),
    ({"metric": {"en": "Protected cycle lanes", "zh": "受保护自行车道里程"}, "kind": "from-to", "from": 85,
      "value": 205, "unit": "length-kilometer"},
     "Protected cycle lanes: from 85 km to 205 km", "受保护自行车道里程从85公里提高到205公里"),
    ({"metric": {"en": "Waiting time", "zh": "等候时间"}, "kind": "reduce-by", "value": 20, "unit": "percent"},
     "Waiting time: reduced by 20%", "等候时间减少20%"),
    ({"metric": {"en": "Schools with a school street", "zh": "设有校园街道的小学"}, "kind": "at-least",
      "value": 1, "unit": {"en": "schools", "en_one": "school", "zh": "所"}},
     "Schools with a school street: at least 1 school", "设有校园街道的小学不少于1所"),
    ({"metric": {"en": "New trees planted", "zh": "新植树木"}, "value": 2000000,
      "unit": {"en": "trees", "zh": "株"}, "deadline": 2030},
     "New trees planted: 2 million trees by 2030", "到2030年新植树木达到200万株"),
    ({"metric": {"en": "Budget", "zh": "预算"}, "kind": "at-most", "value": 2500000000, "unit": "CNY"},
     "Budget: at most CN¥2.5bn", "预算不超过¥25亿"),
    ({"metric": {"en": "Built as a world-class zone", "zh": "建成世界级园区"}, "deadline": 2020},
     "Built as a world-class zone by 2020", "到2020年建成世界级园区"),
]


@pytest.fixture(scope="module")
def words(tmp_path_factory: pytest.TempPathFactory) -> Labeller:
    folder = tmp_path_factory.mktemp("plan")
    (folder / "plan.yaml").write_text(MINIMAL_PLAN, encoding="utf-8")
    labels = {key: value.model_dump() for key, value in load_labels(REPO / "templates").labels.items()}
    return Labeller(labels, load_plan(folder / "plan.yaml").plan)


@pytest.mark.parametrize(("data", "english", "chinese"), SENTENCES, ids=[s[1][:30] for s in SENTENCES])
def test_a_target_reads_alike_in_both_languages(words, data, english, chinese):
    target = Target.model_validate(data)
    assert (words.target_sentence(target, "en"), words.target_sentence(target, "zh")) == (english, chinese)


def test_table_cells_come_from_the_same_data(words):
    target = Target.model_validate(VANS)
    assert [words.baseline(target, "en"), words.target_value(target, "en"), words.year(2027, "en")] == [
        "35% (2024)", "80%", "2027"]
    assert [words.baseline(target, "zh"), words.target_value(target, "zh"), words.year(2027, "zh")] == [
        "35%（2024年）", "80%", "2027年"]
