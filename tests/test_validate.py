"""Validation: each content problem gets its exact located message, all reported in one run."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from briefkit.errors import ContentError
from briefkit.validate import load_plan
from conftest import MINIMAL_PLAN, SAMPLE_PLAN

M = MINIMAL_PLAN


def _media(path: str) -> str:
    return (
        f"media:\n  - id: photo\n    path: {path}\n    caption: {{en: A photo, zh: 一张照片}}\n"
        "    credit: {en: 'Photo: X', zh: 图片来源：X}\n    alt: {en: A photo, zh: 一张照片}\n"
    )


def _png(width: int = 4, height: int = 3) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "grey").save(buffer, "PNG")
    return buffer.getvalue()


CASES = [
    (
        "missing Chinese",
        M.replace("title: {en: First action, zh: 第一项行动}", "title: {en: First action}"),
        "plan/plan.yaml:20:12: actions[0].title.zh: missing Simplified Chinese text",
    ),
    (
        "empty Chinese",
        M.replace("zh: 第一项行动", "zh: ''"),
        "plan/plan.yaml:20:35: actions[0].title.zh: missing Simplified Chinese text",
    ),
    (
        "missing English",
        M.replace("{en: Harbour District, zh: 港区}", "{zh: 港区}"),
        "plan/plan.yaml:27:11: zones[0].name.en: missing English text",
    ),
    (
        "misspelt key",
        M.replace("    title: {en: First action", "    titel: {en: First action"),
        "plan/plan.yaml:20:5: actions[0].titel: unknown key 'titel'; did you mean 'title'?",
    ),
    (
        "unknown top-level key",
        M + "headlines: x\n",
        "plan/plan.yaml:28:1: headlines: unknown key 'headlines'; did you mean 'headline'?",
    ),
    (
        "unknown key, nothing close",
        M.replace("id: harbour\n", "id: harbour\n    colour: blue\n"),
        "plan/plan.yaml:27:5: zones[0].colour: unknown key 'colour'; expected one of: description, id, name, target",
    ),
    (
        "number instead of text",
        M.replace("zh: 示例市推出3项行动", "zh: 3"),
        "plan/plan.yaml:14:53: headline.zh: expected text, got a number (3); put quotes around text",
    ),
    (
        "yes/no instead of text",
        M.replace("zh: 新闻发言人", "zh: no"),
        "plan/plan.yaml:13:37: event.speakers[0].title.zh: expected text, got a yes/no value (false); put quotes around text",
    ),
    (
        "plain string for bilingual text",
        M.replace("summary: {en: A short summary., zh: 一段简短的概要。}", "summary: just text"),
        "plan/plan.yaml:15:10: summary: expected English and Chinese text as {en: ..., zh: ...}, got text 'just text'",
    ),
    (
        "impossible date",
        M.replace("date: 2020-01-15\nissuer", "date: 2020-13-45\nissuer"),
        "plan/plan.yaml:4:7: date: not a valid date: '2020-13-45'; write it as YYYY-MM-DD",
    ),
    (
        "embargo without time zone",
        M + "embargo: 2020-01-15T10:00:00\n",
        "plan/plan.yaml:28:10: embargo: needs a time zone: '2020-01-15T10:00:00'; write it as 2018-05-07T10:00:00+08:00",
    ),
    (
        "embargo not a time",
        M + "embargo: tomorrow\n",
        "plan/plan.yaml:28:10: embargo: not a valid date and time: 'tomorrow'; write it as 2018-05-07T10:00:00+08:00",
    ),
    (
        "status not allowed",
        M.replace("status: final", "status: finale"),
        "plan/plan.yaml:3:9: status: must be one of 'draft' or 'final'; got 'finale'",
    ),
    (
        "bad id",
        M.replace("id: first", "id: First Action"),
        "plan/plan.yaml:18:9: actions[0].id: 'First Action' is not a valid id: use lowercase letters, digits and hyphens",
    ),
    (
        "unknown zone",
        M.replace("places: [harbour]", "places: [harbor]"),
        "plan/plan.yaml:24:14: actions[1].places[0]: no zone with id 'harbor'; did you mean 'harbour'?",
    ),
    (
        "duplicate action id",
        M.replace("id: second", "id: first"),
        "plan/plan.yaml:21:9: actions[1].id: duplicate id 'first' (also actions[0])",
    ),
    (
        "period backwards",
        M.replace("{start: 2020, end: 2022}", "{start: 2022, end: 2020}"),
        "plan/plan.yaml:16:28: period.end: ends (2020) before it starts (2022)",
    ),
    (
        "no actions",
        M.split("actions:")[0] + "actions: []\n",
        "plan/plan.yaml:17:10: actions: needs at least one entry",
    ),
    (
        "missing headline",
        M.replace("headline: {en: Example City launches 3 actions, zh: 示例市推出3项行动}\n", ""),
        "plan/plan.yaml:1:1: headline: missing required field",
    ),
    ("missing image", M + _media("media/none.png"), "plan/plan.yaml:30:11: media[0].path: image file not found: media/none.png"),
    (
        "image path escapes",
        M + _media("../../etc/passwd"),
        "plan/plan.yaml:30:11: media[0].path: '../../etc/passwd' leads outside the plan folder",
    ),
    (
        "image URL",
        M + _media("http://example.org/x.png"),
        "plan/plan.yaml:30:11: media[0].path: 'http:' references are not allowed; give a file path relative to the plan folder",
    ),
    (
        "image file URL",
        M + _media("file:///etc/passwd"),
        "plan/plan.yaml:30:11: media[0].path: 'file:' references are not allowed; give a file path relative to the plan folder",
    ),
    (
        "absolute image path",
        M + _media("/etc/passwd"),
        "plan/plan.yaml:30:11: media[0].path: absolute paths are not allowed; give a path relative to the plan folder",
    ),
    (
        "corrupt image",
        M + _media("media/broken.png"),
        "plan/plan.yaml:30:11: media[0].path: not a readable PNG or JPEG image (the file is corrupt or of another kind)",
    ),
]

FILES = {"media/broken.png": b"\x89PNG\r\n\x1a\nnot really", "media/ok.png": _png()}


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_bad_content_gives_its_located_message(make_plan, name, text, expected):
    plan_file = make_plan(text, files=FILES)
    with pytest.raises(ContentError) as caught:
        load_plan(plan_file)
    assert [str(problem) for problem in caught.value.problems] == [expected]


def test_every_problem_is_reported_in_one_run(make_plan):
    text = (
        M.replace("status: final", "status: finale")
        .replace("zh: 第一项行动", "zh: ''")
        .replace("places: [harbour]", "places: [harbor]")
    )
    with pytest.raises(ContentError) as caught:
        load_plan(make_plan(text))
    assert [problem.location.line for problem in caught.value.problems] == [3, 20, 24]


def test_symlink_leading_out_of_the_plan_folder_is_refused(make_plan, tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(_png())
    plan_file = make_plan(M + _media("media/link.png"))
    (plan_file.parent / "media").mkdir(exist_ok=True)
    (plan_file.parent / "media" / "link.png").symlink_to(outside)
    with pytest.raises(ContentError) as caught:
        load_plan(plan_file)
    assert str(caught.value) == "plan/plan.yaml:30:11: media[0].path: 'media/link.png' leads outside the plan folder"


def test_a_good_image_inside_the_folder_passes(make_plan):
    assert load_plan(make_plan(M + _media("media/ok.png"), files=FILES)).plan.media[0].path == "media/ok.png"


def test_sample_plan_loads_with_every_fact():
    plan = load_plan(SAMPLE_PLAN).plan
    assert len(plan.actions_in("key")) == 4 and len(plan.actions_in("additional")) == 6
    assert [zone.name.en for zone in plan.zones] == [
        "Caohejing Hi-Tech Park", "Zhangjiang Hi-Tech Park", "Shanghai International Automobile City",
    ]
    assert plan.event.speakers[0].name.zh == "陈鸣波"
    assert plan.period.end == 2020 and len(plan.media) == 3 and len(plan.meanings) == 4


def test_sample_plan_marks_what_the_source_does_not_give():
    plan = load_plan(SAMPLE_PLAN).plan
    assert plan.date_illustrative and plan.event.illustrative
    assert all(contact.illustrative for contact in plan.contacts)
    assert all(item.placeholder for item in plan.media)
    assert not plan.quotes[0].verbatim  # the article reports Chen's words; it does not quote him
