"""The benchmark scripts under bench/ still run against the code they measure (they are not imported elsewhere)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import REPO

SCRIPTS = sorted(path.name for path in (REPO / "bench").glob("bench_*.py"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_each_benchmark_script_starts(script):
    done = subprocess.run([sys.executable, str(REPO / "bench" / script), "--help"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout


def test_the_pdf_benchmark_measures_one_document():
    """One run of the real measurement (the font cut, the three editions of the fact sheet), as --against uses it."""
    done = subprocess.run([sys.executable, str(REPO / "bench" / "bench_pdf.py"), "--runs", "1", "--doc", "handout",
                           "--json"], capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stderr
    totals = json.loads(done.stdout.strip().splitlines()[-1])
    assert totals["pages"] >= 3 and totals["seconds"] > 0 and totals["cpu_seconds"] > 0
