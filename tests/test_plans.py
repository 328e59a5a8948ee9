"""Plans unlike the sample (tests/plans/): each validates strictly, matches its golden HTML and packs.

The four plans are invented: a product launch by two companies with no actions, an
NGO report with plan-wide targets from a CSV and no press event, a city plan in four
groups with a long headline, draft and embargoed, and the smallest plan there is.
"""

from __future__ import annotations

import difflib
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefkit.cli import cli
from briefkit.render import Renderer
from briefkit.validate import load_plan
from conftest import REPO

PLANS = Path(__file__).parent / "plans"
NAMES = sorted(path.name for path in PLANS.iterdir() if (path / "plan.yaml").is_file())
GOLDEN = Path(__file__).parent / "golden"
_STYLE = re.compile(r"<style>.*?</style>", re.S)
CASES = [(name, document, edition) for name in NAMES for document in ("press-brief", "stakeholder-report", "handout")
         for edition in ("en", "zh", "bilingual")]


def test_there_are_four_plans_of_different_shapes():
    assert NAMES == ["city-plan", "ngo-report", "one-action", "product-launch"]


@pytest.mark.parametrize("name", NAMES)
def test_each_plan_passes_every_gate_strictly(name):
    result = CliRunner().invoke(cli, ["--project", str(REPO), "validate", "--strict", str(PLANS / name)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("name", "document", "edition"), CASES, ids=[f"{n}/{d}.{e}" for n, d, e in CASES])
def test_html_matches_the_golden_file(update_golden, name, document, edition):
    html = Renderer(REPO / "templates").render(load_plan(PLANS / name / "plan.yaml"), document, edition).html
    html = _STYLE.sub("<style>/* templates/style.css.j2 */</style>", html)
    golden = GOLDEN / name / f"{document}.{edition}.html"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(html, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if html != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), html.splitlines(True),
                                            f"golden/{name}/{golden.name}", "rendered"))
        pytest.fail(f"the HTML changed (pytest --update-golden accepts it):\n{diff}")


def test_every_plan_packs_strictly_in_every_format(tmp_path):
    """pdf, docx and html of every document in every edition, and the press pack, for all four plans at once."""
    for name in NAMES:
        shutil.copytree(PLANS / name, tmp_path / "plans" / name)
    folders = [str(tmp_path / "plans" / name) for name in NAMES]
    result = CliRunner().invoke(cli, ["--project", str(REPO), "pack", "--strict", "--out", str(tmp_path / "out"),
                                      *folders], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name in NAMES:
        with zipfile.ZipFile(next((tmp_path / "out" / name).glob("*.zip"))) as pack:
            names = pack.namelist()
        for suffix in ("pdf", "docx", "html"):
            assert len([n for n in names if n.endswith(f".{suffix}")]) >= 9, (name, suffix, names)
