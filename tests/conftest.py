"""Shared fixtures: the repository, the sample plan and small plans made on the fly."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_PLAN = REPO / "content" / "shanghai-manufacturing" / "plan.yaml"
MINIMAL_PLAN = (Path(__file__).parent / "cases" / "minimal-plan.yaml").read_text(encoding="utf-8")
_SUITE_CACHE = tempfile.mkdtemp(prefix="briefkit-suite-cache-")


def pytest_configure(config: pytest.Config) -> None:
    # Builds cut the large CJK faces once per machine, and keep compiled templates, in the user's cache folder
    # (cache.user_cache): the suite keeps its own, shared by every test and the builds they start, removed at
    # the end.
    if "BRIEFKIT_CACHE" not in os.environ:
        os.environ["BRIEFKIT_CACHE"] = _SUITE_CACHE


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SUITE_CACHE, ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output (review the diff before committing)")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def make_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write a plan folder `plan/` under a temporary working directory; return plan.yaml.

    Messages then read `plan/plan.yaml:LINE:COL: ...`, independent of where tests run.
    """
    monkeypatch.chdir(tmp_path)

    def make(text: str | bytes = MINIMAL_PLAN, *, files: dict[str, bytes] | None = None) -> Path:
        folder = tmp_path / "plan"
        folder.mkdir(exist_ok=True)
        plan_file = folder / "plan.yaml"
        plan_file.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        for name, data in (files or {}).items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
        return plan_file

    return make
