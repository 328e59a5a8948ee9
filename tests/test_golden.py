"""Golden files: the semantic HTML of a small plan, compared line by line.

The HTML is the contract both writers read; any change to it shows here as a
unified diff. Golden files change only with `pytest tests/test_golden.py
--update-golden`, and the diff is reviewed like code.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from briefkit.render import Renderer
from briefkit.validate import load_plan
from conftest import MINIMAL_PLAN, REPO

GOLDEN = Path(__file__).parent / "golden" / "minimal"
# The print CSS is the same in every file and is checked through the PDFs; the golden
# files hold the HTML contract only.
_STYLE = re.compile(r"<style>.*?</style>", re.S)
CASES = [(document, edition) for document in ("press-brief", "stakeholder-report", "handout")
         for edition in ("en", "zh", "bilingual", "zh-Hant")]


@pytest.mark.parametrize(("document", "edition"), CASES, ids=[f"{d}.{e}" for d, e in CASES])
def test_html_matches_the_golden_file(make_plan, update_golden, document, edition):
    html = Renderer(REPO / "templates").render(load_plan(make_plan(MINIMAL_PLAN)), document, edition).html
    html = _STYLE.sub("<style>/* templates/style.css.j2 */</style>", html)
    golden = GOLDEN / f"{document}.{edition}.html"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(html, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if html != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), html.splitlines(True),
                                            f"golden/{golden.name}", "rendered"))
        pytest.fail(f"the HTML changed (pytest --update-golden accepts it):\n{diff}")
