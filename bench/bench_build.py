"""Whole-build benchmark: cold build, no-op rebuild, one-sentence edit, and the naive way.

    .venv/bin/python bench/bench_build.py [--runs 3] [--jobs N]

(a) cold build of the sample plan's nine PDFs and nine DOCX files into an empty folder;
(b) the same command again (nothing changed);
(c) the same command after editing one Chinese sentence (reports how many outputs were rebuilt);
(d) the naive way on the same HTML: one `weasyprint` process per HTML file and one Python
    process per DOCX;
(e) the whole press pack (PDF, DOCX, HTML, zip) from cold.
Each figure is the median of --runs runs, timed with Python's perf_counter around whole
processes, in a throwaway copy of the project (the repository is never edited).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WEASYPRINT = str(Path(sys.executable).with_name("weasyprint"))
PLAN = "shanghai-manufacturing"
EDIT_FROM, EDIT_TO = "上海将汇聚知名专家", "上海将广泛汇聚知名专家"
DOCX_ONE = (
    "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1] + '/src');"
    "from briefkit.render import RenderedDocument; from briefkit.writers.docx import write_docx;"
    "html = Path(sys.argv[2]).read_text(); name = Path(sys.argv[2]).stem.split('.');"
    "write_docx(RenderedDocument(name[0], name[1], name[0] + '.html.j2', html, name[0]),"
    " base=Path(sys.argv[3]), templates=Path(sys.argv[1]) / 'templates', target=Path(sys.argv[4]), where='bench')"
)


def timed(command: list[str], cwd: Path) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    return seconds, result.stdout


def fresh_project(parent: Path) -> Path:
    root = Path(tempfile.mkdtemp(dir=parent))
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "content", root / "content")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    os.environ["SOURCE_DATE_EPOCH"] = "1525658400"
    build = [PYTHON, str(REPO / "build.py"), "build", PLAN, "--format", "pdf", "--format", "docx",
             "--jobs", str(args.jobs)]
    figures: dict[str, list[float]] = {key: [] for key in "abcde"}
    rebuilt_counts: list[int] = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        for _ in range(args.runs):
            root = fresh_project(scratch_path)
            figures["a"].append(timed(build, root)[0])
            figures["b"].append(timed(build, root)[0])
            plan_file = root / "content" / PLAN / "plan.yaml"
            plan_file.write_text(plan_file.read_text(encoding="utf-8").replace(EDIT_FROM, EDIT_TO, 1), encoding="utf-8")
            seconds, stdout = timed(build, root)
            figures["c"].append(seconds)
            rebuilt_counts.append(int(stdout.strip().splitlines()[-1].split()[0]))

            naive_root = fresh_project(scratch_path)
            timed([PYTHON, str(REPO / "build.py"), "build", PLAN, "--format", "html"], naive_root)
            html_dir = naive_root / "output" / PLAN
            started = time.perf_counter()
            for html in sorted(html_dir.glob("*.html")):
                timed([WEASYPRINT, str(html), str(html.with_suffix(".pdf"))], naive_root)
            for html in sorted(html_dir.glob("*.html")):
                timed([PYTHON, "-c", DOCX_ONE, str(REPO), str(html), str(naive_root / "content" / PLAN),
                       str(html.with_suffix(".docx"))], naive_root)
            figures["d"].append(time.perf_counter() - started)

            pack_root = fresh_project(scratch_path)
            figures["e"].append(timed([PYTHON, str(REPO / "build.py"), "pack", PLAN, "--jobs", str(args.jobs)],
                                      pack_root)[0])

    median = {key: statistics.median(values) for key, values in figures.items()}
    print(f"# Build benchmark: {platform.node()}, {os.cpu_count()} CPUs, {platform.machine()}, "
          f"Python {platform.python_version()}, --jobs {args.jobs}, median of {args.runs} runs")
    print()
    print("| case | median s | min s | max s |")
    print("|---|---:|---:|---:|")
    labels = {
        "a": "(a) cold build, 9 PDF + 9 DOCX",
        "b": "(b) no-op rebuild",
        "c": f"(c) edit one Chinese sentence (rebuilt {statistics.median(rebuilt_counts):.0f} of 18 outputs)",
        "d": "(d) naive: one weasyprint / python process per file",
        "e": "(e) whole press pack from cold (PDF, DOCX, HTML, zip)",
    }
    for key, label in labels.items():
        values = figures[key]
        print(f"| {label} | {median[key]:.2f} | {min(values):.2f} | {max(values):.2f} |")
    print()
    print(f"naive / cold build: {median['d'] / median['a']:.1f}x; no-op rebuild: {median['b']:.2f} s")


if __name__ == "__main__":
    main()
