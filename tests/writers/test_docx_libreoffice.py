"""DOCX writer, as a user's office suite sees it: LibreOffice opens the nine DOCX files and prints them to PDF.

LibreOffice is a declared requirement of the test set-up: without soffice these tests fail, they do not skip.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from .conftest import NINE

pytestmark = pytest.mark.slow

PAGES = {"press-brief": (1, 6), "handout": (1, 4), "stakeholder-report": (4, 30)}
# Body phrases: bare names also sit in the bilingual glossary of every edition.
ENGLISH = ["Shanghai launches 10 specific actions", "Chen Mingbo, director of the Shanghai Municipal"]
CHINESE = ["上海推出10项专项行动", "主任陈鸣波介绍"]
_HAN = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"


def english(text: str) -> str:
    """The lines without Han characters, joined: side-by-side columns come out as interleaved lines."""
    return " ".join(" ".join(line for line in text.splitlines() if not re.search(_HAN, line)).split())


def chinese(text: str) -> str:
    """The Han characters alone, in order: line ends, layout gaps and interleaved English lines drop out."""
    return "".join(re.findall(_HAN, text))


@pytest.fixture(scope="session")
def libreoffice_pdfs(sample_docx: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is required by the test set-up; install libreoffice-writer-nogui"
    out = tmp_path_factory.mktemp("libreoffice")
    profile = tmp_path_factory.mktemp("lo-profile") / uuid.uuid4().hex
    files = [str(sample_docx / f"{name}.docx") for name in NINE]
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
                    "--outdir", str(out), *files], check=True, capture_output=True, timeout=300)
    return out


@pytest.mark.parametrize("name", NINE)
def test_libreoffice_shows_the_text_of_each_language(libreoffice_pdfs, name):
    pdf = libreoffice_pdfs / f"{name}.pdf"
    assert pdf.is_file(), f"LibreOffice did not convert {name}.docx"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    edition = name.split(".")[1]
    for phrase in ENGLISH:
        assert (english(phrase) in english(text)) is (edition != "zh"), phrase
    for phrase in CHINESE:
        assert (chinese(phrase) in chinese(text)) is (edition != "en"), phrase
    if edition != "en":
        assert "上海制造" in chinese(text) and "陈鸣波" in chinese(text)


@pytest.mark.parametrize("name", NINE)
def test_libreoffice_page_count_is_sane(libreoffice_pdfs, name):
    info = subprocess.run(["pdfinfo", str(libreoffice_pdfs / f"{name}.pdf")], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    low, high = PAGES[name.split(".")[0]]
    assert low <= pages <= high
