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
    # -- schema 2 ------------------------------------------------------------------------------------
    (
        "a schema-1 plan",
        M.replace("schema: 2\n", ""),
        "plan/plan.yaml:1:1: this plan is in schema 1; run `briefkit migrate plan/plan.yaml` to upgrade it to schema 2",
    ),
    (
        "a quote by no speaker",
        M.replace("    - name: {en: Li Hua", "    - id: li-hua\n      name: {en: Li Hua")
        + "quotes:\n  - {speaker: li-hau, text: {en: Hello., zh: 你好。}}\n",
        "plan/plan.yaml:34:15: quotes[0].speaker: no speaker with id 'li-hau'; did you mean 'li-hua'?",
    ),
    (
        "a contact nobody can reach",
        M + "contacts:\n  - name: {en: Press office, zh: 新闻办公室}\n",
        "plan/plan.yaml:33:5: contacts[0]: give at least one way to reach this contact: email, phone or url",
    ),
    (
        "a from-to target without from",
        M + "targets:\n  - {metric: {en: Share, zh: 比例}, kind: from-to, value: 80, unit: percent}\n",
        "plan/plan.yaml:33:5: targets[0]: a from-to target needs 'from' (the value it starts from)",
    ),
    (
        "a target kind that does not exist",
        M + "targets:\n  - {metric: {en: Share, zh: 比例}, kind: above, value: 80}\n",
        "plan/plan.yaml:33:41: targets[0].kind: must be one of 'reach', 'at-least', 'at-most', 'below', 'reduce-by', "
        "'increase-by' or 'from-to'; got 'above'",
    ),
    (
        "a unit nobody knows",
        M + "targets:\n  - {metric: {en: Vans, zh: 车辆}, value: 80, unit: furlongs}\n",
        "plan/plan.yaml:33:51: targets[0].unit: unknown unit 'furlongs'; use percent, a currency code (CNY, USD), "
        "a CLDR unit such as length-kilometer, or {en: ..., zh: ...}",
    ),
    (
        "a block with two kinds",
        M + "sections:\n  - id: more\n    title: {en: More, zh: 更多}\n    blocks:\n"
        "      - {paragraph: {en: A., zh: 甲。}, callout: {text: {en: B., zh: 乙。}}}\n",
        "plan/plan.yaml:36:9: sections[0].blocks[0]: a block has exactly one of paragraph, list, quote, table, "
        "key_figures, figure, callout; got paragraph, callout",
    ),
    (
        "a figure block naming no media",
        M + "sections:\n  - id: more\n    title: {en: More, zh: 更多}\n    blocks:\n      - figure: photo\n",
        "plan/plan.yaml:36:17: sections[0].blocks[0].figure: no media entry with id 'photo'",
    ),
    (
        "a short title too long for a running header",
        M + "short_title: {en: Example City launches three actions for its harbour district, zh: 示例市}\n",
        "plan/plan.yaml:32:14: short_title: a running-header title holds at most 48 characters in en; this one has 60",
    ),
    (
        "an embargo in a zone that does not exist",
        M + "embargo: 2020-01-15T10:00 Asia/Beijing\n",
        "plan/plan.yaml:32:10: embargo: unknown time zone 'Asia/Beijing'; use an IANA name such as Asia/Shanghai or "
        "Europe/London",
    ),
    (
        "an accent that is no colour",
        M + "theme: {accent: red}\n",
        "plan/plan.yaml:32:17: theme.accent: 'red' is not a colour: write it as #RRGGBB, e.g. #0a5c8a",
    ),
    (
        "a targets CSV that is not there",
        M + "targets_csv: targets.csv\n",
        "plan/plan.yaml:32:14: targets_csv: file not found: targets.csv",
    ),
    (
        "missing Chinese",
        M.replace("title: {en: First action, zh: 第一项行动}", "title: {en: First action}"),
        "plan/plan.yaml:21:12: actions[0].title.zh: missing Simplified Chinese text",
    ),
    (
        "empty Chinese",
        M.replace("zh: 第一项行动", "zh: ''"),
        "plan/plan.yaml:21:35: actions[0].title.zh: missing Simplified Chinese text",
    ),
    (
        "missing English",
        M.replace("{en: Harbour District, zh: 港区}", "{zh: 港区}"),
        "plan/plan.yaml:28:11: places[0].name.en: missing English text",
    ),
    (
        "misspelt key",
        M.replace("    title: {en: First action", "    titel: {en: First action"),
        "plan/plan.yaml:21:5: actions[0].titel: unknown key 'titel'; did you mean 'title'?",
    ),
    (
        "unknown top-level key",
        M + "headlines: x\n",
        "plan/plan.yaml:32:1: headlines: unknown key 'headlines'; did you mean 'headline'?",
    ),
    (
        "unknown key, nothing close",
        M.replace("id: harbour\n", "id: harbour\n    colour: blue\n"),
        "plan/plan.yaml:28:5: places[0].colour: unknown key 'colour'; expected one of: description, id, name, targets",
    ),
    (
        "number instead of text",
        M.replace("zh: 示例市推出3项行动", "zh: 3"),
        "plan/plan.yaml:15:53: headline.zh: expected text, got a number (3); put quotes around text",
    ),
    (
        "yes/no instead of text",
        M.replace("zh: 新闻发言人", "zh: no"),
        "plan/plan.yaml:14:37: event.speakers[0].title.zh: expected text, got a yes/no value (false); put quotes around text",
    ),
    (
        "plain string for bilingual text",
        M.replace("summary: {en: A short summary., zh: 一段简短的概要。}", "summary: just text"),
        "plan/plan.yaml:16:10: summary: expected English and Chinese text as {en: ..., zh: ...}, got text 'just text'",
    ),
    (
        "impossible date",
        M.replace("date: 2020-01-15\nissuer", "date: 2020-13-45\nissuer"),
        "plan/plan.yaml:5:7: date: not a valid date: '2020-13-45'; write it as YYYY-MM-DD",
    ),
    (
        "embargo without time zone",
        M + "embargo: 2020-01-15T10:00:00\n",
        "plan/plan.yaml:32:10: embargo: needs a time zone: '2020-01-15T10:00:00'; write it as 2026-03-02T10:00 Asia/Shanghai (a time and an IANA time-zone name) or with an offset, +08:00",
    ),
    (
        "embargo not a time",
        M + "embargo: tomorrow\n",
        "plan/plan.yaml:32:10: embargo: not a valid date and time: 'tomorrow'; write it as 2026-03-02T10:00 Asia/Shanghai (a time and an IANA time-zone name) or with an offset, +08:00",
    ),
    (
        "status not allowed",
        M.replace("status: final", "status: finale"),
        "plan/plan.yaml:4:9: status: must be one of 'draft' or 'final'; got 'finale'",
    ),
    (
        "bad id",
        M.replace("id: first", "id: First Action"),
        "plan/plan.yaml:19:9: actions[0].id: 'First Action' is not a valid id: use lowercase letters, digits and hyphens",
    ),
    (
        "unknown zone",
        M.replace("places: [harbour]", "places: [harbor]"),
        "plan/plan.yaml:25:14: actions[1].places[0]: no place with id 'harbor'; did you mean 'harbour'?",
    ),
    (
        "duplicate action id",
        M.replace("id: second", "id: first"),
        "plan/plan.yaml:22:9: actions[1].id: duplicate id 'first' (also actions[0])",
    ),
    (
        "period backwards",
        M.replace("{start: 2020, end: 2022}", "{start: 2022, end: 2020}"),
        "plan/plan.yaml:17:28: period.end: ends (2020) before it starts (2022)",
    ),
    (
        "unknown group",
        M.replace("group: key", "group: keys"),
        "plan/plan.yaml:20:12: actions[0].group: no group with id 'keys'; did you mean 'key'?",
    ),
    (
        "missing headline",
        M.replace("headline: {en: Example City launches 3 actions, zh: 示例市推出3项行动}\n", ""),
        "plan/plan.yaml:1:1: headline: missing required field",
    ),
    ("missing image", M + _media("media/none.png"), "plan/plan.yaml:34:11: media[0].path: image file not found: media/none.png"),
    (
        "image path escapes",
        M + _media("../../etc/passwd"),
        "plan/plan.yaml:34:11: media[0].path: '../../etc/passwd' leads outside the plan folder",
    ),
    (
        "image URL",
        M + _media("http://example.org/x.png"),
        "plan/plan.yaml:34:11: media[0].path: 'http:' references are not allowed; give a file path relative to the plan folder",
    ),
    (
        "image file URL",
        M + _media("file:///etc/passwd"),
        "plan/plan.yaml:34:11: media[0].path: 'file:' references are not allowed; give a file path relative to the plan folder",
    ),
    (
        "absolute image path",
        M + _media("/etc/passwd"),
        "plan/plan.yaml:34:11: media[0].path: absolute paths are not allowed; give a path relative to the plan folder",
    ),
    (
        "corrupt image",
        M + _media("media/broken.png"),
        "plan/plan.yaml:34:11: media[0].path: not a readable PNG or JPEG image (the file is corrupt or of another kind)",
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
    assert [problem.location.line for problem in caught.value.problems] == [4, 21, 25]


def test_symlink_leading_out_of_the_plan_folder_is_refused(make_plan, tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(_png())
    plan_file = make_plan(M + _media("media/link.png"))
    (plan_file.parent / "media").mkdir(exist_ok=True)
    (plan_file.parent / "media" / "link.png").symlink_to(outside)
    with pytest.raises(ContentError) as caught:
        load_plan(plan_file)
    assert str(caught.value) == "plan/plan.yaml:34:11: media[0].path: 'media/link.png' leads outside the plan folder"


def test_a_good_image_inside_the_folder_passes(make_plan):
    assert load_plan(make_plan(M + _media("media/ok.png"), files=FILES)).plan.media[0].path == "media/ok.png"


def test_sample_plan_loads_with_every_fact():
    plan = load_plan(SAMPLE_PLAN).plan
    assert len(plan.actions_in("key")) == 4 and len(plan.actions_in("additional")) == 6
    assert [place.name.en for place in plan.places] == [
        "Caohejing Hi-Tech Park", "Zhangjiang Hi-Tech Park", "Shanghai International Automobile City",
    ]
    assert plan.event.speakers[0].name.zh == "陈鸣波"
    assert plan.period is not None and plan.period.end == 2020 and len(plan.media) == 3
    assert [section.id for section in plan.sections] == [
        "four-brands", "why-manufacturing-matters", "the-10-actions", "meanings", "talent"]
    assert plan.quotes[0].speaker == "chen-mingbo" and plan.speaker("chen-mingbo").name.en == "Chen Mingbo"


def test_sample_plan_marks_what_the_source_does_not_give():
    plan = load_plan(SAMPLE_PLAN).plan
    assert plan.date_illustrative and plan.event.illustrative
    assert all(contact.illustrative for contact in plan.contacts)
    assert all(item.placeholder for item in plan.media)
    assert not plan.quotes[0].verbatim  # the article reports Chen's words; it does not quote him


def test_drafting_in_english_turns_missing_chinese_into_warnings(make_plan):
    """build --lang en on a plan whose Chinese is not written yet: the English stands in, each gap a warning."""
    text = M.replace(", zh: 第一项行动}", "}").replace(", zh: 港区}", "}")
    with pytest.raises(ContentError):
        load_plan(make_plan(text))
    loaded = load_plan(make_plan(text), drafting=True)
    assert [str(w) for w in loaded.warnings] == [
        "plan/plan.yaml:21:12: actions[0].title.zh: warning: missing Simplified Chinese text (drafting: only English "
        "editions can be built)",
        "plan/plan.yaml:28:11: places[0].name.zh: warning: missing Simplified Chinese text (drafting: only English "
        "editions can be built)",
    ]
    assert loaded.plan.actions[0].title.zh == "First action"
