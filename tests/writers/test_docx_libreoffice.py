"""DOCX writer, as a user's office suite sees it: LibreOffice opens the nine DOCX files and prints them to PDF.

LibreOffice is a declared requirement of the test set-up: without soffice these tests fail, they do not skip.
Page counts are compared with the PDFs of the same documents.
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

# LibreOffice's page count may differ from the PDF's by this many pages, and why:
SLACK = {
    "press-brief": (0, ""),
    "handout": (0, ""),  # the fact sheet is one page in every language edition, as designed
    "stakeholder-report": (1, "nine pages or more of body text, a long glossary table and photos: LibreOffice "
                              "here sets Word's Arial as Liberation Sans and SimSun as Noto CJK, whose widths differ "
                              "from the PDF's Noto faces, and a page break lands one table row earlier or later"),
}
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


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


@pytest.mark.parametrize("name", NINE)
def test_libreoffice_page_count_is_the_pdfs(libreoffice_pdfs, sample_pdf, name):
    word, pdf = pages_of(libreoffice_pdfs / f"{name}.pdf"), pages_of(sample_pdf / f"{name}.pdf")
    slack, reason = SLACK[name.split(".")[0]]
    assert abs(word - pdf) <= slack, f"{name}: LibreOffice {word} pages, PDF {pdf}; {reason or 'no slack'}"
    if name.startswith("handout"):
        assert word == 1 or name.endswith("bilingual")


def test_toc_page_numbers_are_the_pdfs(sample_docx, sample_pdf, libreoffice_pdfs):
    """The DOCX's saved TOC shows the PDF's page numbers; LibreOffice prints them as saved."""
    contents = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(sample_pdf / "stakeholder-report.en.pdf"),
                               "-"], capture_output=True, text=True, check=True).stdout
    in_pdf = [int(number) for number in re.findall(r"\.\s*(\d+)\s*$", contents, re.MULTILINE)]
    printed = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2",
                              str(libreoffice_pdfs / "stakeholder-report.en.pdf"), "-"],
                             capture_output=True, text=True, check=True).stdout
    in_word = [int(number) for number in re.findall(r"\.\s*(\d+)\s*$", printed, re.MULTILINE)]
    assert len(in_pdf) == 12 and in_word == in_pdf  # the sample's twelve h2 sections
