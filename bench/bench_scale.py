"""Scale benchmark: big plans -> validate and build times and peak memory, to show growth stays linear.

    .venv/bin/python bench/bench_scale.py [--actions 500] [--jobs N] [--keep]
    .venv/bin/python bench/bench_scale.py --case aliases|svg|glossary|docx|all [--sizes 1,2,4]
    .venv/bin/python bench/bench_scale.py --series 500,1000,2000


The default case: the sample plan is copied into a throwaway project and its
actions are repeated, each copy with a unique id, until there are --actions of
them. Then, each in its own subprocess (so the figures are the build's alone):
(a) `validate` of the plan;
(b) `build` of press-brief, stakeholder-report and handout in en and zh, as PDF.

The bounded cases (issue 11), each at growing sizes, then past its limit:
aliases   a plan whose paragraphs are one anchored paragraph used N times through
          aliases: `validate` time and memory against the expanded text (the limit
          is 4 Mi characters of text after expansion);
svg       a logo SVG drawing N shapes through <use>: `validate`, and the handout PDF
          (the limit is 20,000 drawn elements; a 10**9 <use> bomb is refused);
glossary  a glossary of N terms over the 500-action plan: `validate`, which checks
          every bilingual field against every term (one automaton, not a regex per term);
docx      the bilingual stakeholder report as DOCX from a plan of N actions.

Wall time is perf_counter around the process; peak memory is the largest
resident set of the process or any of its workers, measured per run by a small
wrapper process (getrusage(RUSAGE_CHILDREN).ru_maxrss of that wrapper).
resident set of the process or any of its workers
(resource.getrusage(RUSAGE_CHILDREN).ru_maxrss, read after each run).

--series builds each document and edition on its own (`--jobs 1`, one process each, so
that the process's peak resident memory, read with os.wait4, is that document's) at each
plan size, and fits a line through the PDF seconds and the peak memory of each document
against the number of actions (least squares): the slope per 1,000 actions, and R^2
(1.0 for a straight line); a last column compares the largest size's figure with what the
smallest size's, scaled up in proportion, predicts.
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
PLAN = "shanghai-manufacturing"
DOCUMENTS = ("press-brief", "stakeholder-report", "handout")
EDITIONS = ("en", "zh")


def scaled_project(parent: Path, actions: int) -> tuple[Path, Path]:
    """A project whose plan holds `actions` actions (the sample's, repeated with unique ids)."""
    root = Path(tempfile.mkdtemp(dir=parent))
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "content", root / "content")
    plan_file = root / "content" / PLAN / "plan.yaml"
    plan = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    originals = plan["actions"]
    plan["actions"] = [
        {**copy.deepcopy(originals[index % len(originals)]),
         "id": f"{originals[index % len(originals)]['id']}-{index // len(originals) + 1}"}
        for index in range(actions)
    ]
    plan_file.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return root, plan_file


_PEAK = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
         "sys.stderr.write('peak-kib %d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
         "sys.exit(code)")


def run(command: list[str], cwd: Path, expect: int = 0) -> tuple[float, float, str]:
    """Seconds, peak resident MiB of the process and its workers (this run alone), and stdout."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1525658400"}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _PEAK, *command], cwd=cwd, env=env, capture_output=True,
                            text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != expect:
        raise SystemExit(f"{' '.join(command)} exited {result.returncode}:\n{result.stderr[-3000:]}")
    peak = int(result.stderr.rsplit("peak-kib ", 1)[1].split()[0]) / 1024
    return seconds, peak, result.stdout


def minimal_project(parent: Path) -> tuple[Path, Path]:
    root = Path(tempfile.mkdtemp(dir=parent))
    shutil.copytree(REPO / "templates", root / "templates")
    plan_file = root / "content" / "minimal" / "plan.yaml"
    plan_file.parent.mkdir(parents=True)
    plan_file.write_text((REPO / "tests" / "cases" / "minimal-plan.yaml").read_text(encoding="utf-8"),
                         encoding="utf-8")
    return root, plan_file


_BASE: dict[str, tuple[float, float]] = {}


def _tool(root: Path) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), "--project", str(root)]


def report(case: str, size: str, seconds: float, peak: float, units: float | None = None, note: str = "") -> None:
    """One row; the first row of a case is its base (start-up, fonts), later rows show the cost per unit above it."""
    rate = " " * 17
    if units is not None and case in _BASE and units > _BASE[case][1]:
        base_seconds, base_units = _BASE[case]
        rate = f"{(seconds - base_seconds) / (units - base_units) * 1e6:9.2f} us/unit"
    elif units is not None:
        _BASE.setdefault(case, (seconds, units))
    print(f"{case:<13} {size:>16} {seconds:8.2f} s {peak:7.0f} MiB {rate}  {note}", flush=True)


def case_aliases(scratch: Path, sizes: list[int]) -> None:
    """N paragraphs of 3,000 characters, one anchored and used N times: N x 3,000 characters of text."""
    english = "In 2018 the city set 10 actions for 2020, with 3 zones and 4 brands. " * 28
    chinese = "二〇一八年全市推出10项行动，到2020年建成3个园区、打响4大品牌。" * 31
    for count in [1, *sizes, 1500]:
        root, plan_file = minimal_project(scratch)
        paragraphs = "\n".join(["      - *p"] * (count - 1))
        plan_file.write_text(plan_file.read_text(encoding="utf-8") + (
            "background:\n  - heading: {en: Background, zh: 背景}\n    paragraphs:\n"
            f"      - &p {{en: '{english}', zh: '{chinese}'}}\n{paragraphs}\n"), encoding="utf-8")
        characters = count * (len(english) + len(chinese))
        refused = characters > 4 * 1024 * 1024
        seconds, peak, _ = run([*_tool(root), "validate", "minimal"], root, expect=2 if refused else 0)
        note = f"{plan_file.stat().st_size / 1024:.0f} KiB file" + ("; refused (over the limit)" if refused else "")
        report("aliases", f"{characters / 2**20:.2f} Mi chars", seconds, peak, None if refused else characters, note)


def _use_svg(shapes: int) -> str:
    """`shapes` rectangles drawn through <use>: rows of 100 rectangles, each row a <use> of one group."""
    row = "".join(f'<rect x="{i}" y="0" width="1" height="1"/>' for i in range(100))
    uses = "".join(f'<use href="#row" y="{i}"/>' for i in range(max(1, shapes // 100)))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="{shapes // 100}">'
            f'<defs><g id="row">{row}</g></defs>{uses}</svg>')


def case_svg(scratch: Path, sizes: list[int]) -> None:
    from PIL import Image

    bomb = '<rect id="l0" width="1" height="1"/>' + "".join(
        f'<g id="l{n}">' + f'<use href="#l{n - 1}"/>' * 10 + "</g>" for n in range(1, 10))
    for shapes in [100, *sizes, 0]:
        root, plan_file = minimal_project(scratch)
        media = plan_file.parent / "media"
        media.mkdir()
        svg = _use_svg(shapes) if shapes else (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><defs>{bomb}</defs><use href="#l9"/></svg>')
        (media / "logo.svg").write_text(svg, encoding="utf-8")
        Image.new("RGB", (100, 50), "navy").save(media / "logo.png")
        text = plan_file.read_text(encoding="utf-8").replace(
            "  name: {en: Example City Government, zh: 示例市人民政府}\n",
            "  name: {en: Example City Government, zh: 示例市人民政府}\n  logo: media/logo.svg\n")
        plan_file.write_text(text, encoding="utf-8")
        build = [sys.executable, str(REPO / "build.py"), "--project", str(root)]
        label = f"{shapes:,} shapes" if shapes else "10**9 (bomb)"
        seconds, peak, _ = run([*build, "validate", "minimal"], root, expect=0 if shapes else 2)
        report("svg validate", label, seconds, peak, shapes or None,
               f"{len(svg) / 1024:.0f} KiB" + ("" if shapes else "; refused"))
        if shapes:
            seconds, peak, _ = run([*build, "build", "minimal", "--doc", "handout", "--lang", "en", "--format", "pdf",
                                    "--jobs", "1"], root)
            report("svg pdf", label, seconds, peak, shapes, "handout.en.pdf")


def case_glossary(scratch: Path, sizes: list[int], actions: int) -> None:
    for terms in [0, *sizes]:
        root, plan_file = scaled_project(scratch, actions)
        lines = ["terms:"] + [f"  - {{en: 'benchmark term {n:05d}', zh: 基准术语{n:05d}}}" for n in range(terms)]
        # the sample's own terms stay, so the English texts use some of them
        own = (REPO / "content" / PLAN / "glossary.yaml").read_text(encoding="utf-8").split("terms:", 1)[1]
        (plan_file.parent / "glossary.yaml").write_text("\n".join(lines) + own, encoding="utf-8")
        text = plan_file.read_text(encoding="utf-8")
        seconds, peak, _ = run([sys.executable, str(REPO / "build.py"), "--project", str(root), "validate", PLAN], root)
        report("glossary", f"{terms:,} terms", seconds, peak, terms,
               f"{actions} actions, {len(text) / 1024:.0f} KiB of plan")


def case_docx(scratch: Path, sizes: list[int]) -> None:
    for actions in [10, *sizes]:
        root, _ = scaled_project(scratch, actions)
        seconds, peak, _ = run([*_tool(root), "build", PLAN, "--doc", "stakeholder-report", "--lang", "bilingual",
                                "--format", "docx", "--jobs", "1"], root)
        report("docx", f"{actions:,} actions", seconds, peak, actions, "stakeholder-report.bilingual.docx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--case", choices=["scale", "aliases", "svg", "glossary", "docx", "all"], default="scale")
    parser.add_argument("--sizes", help="Comma-separated sizes for the case (its own unit).")
    parser.add_argument("--keep", action="store_true", help="Keep the throwaway project and print where it is.")
    parser.add_argument("--series", default="", help="Plan sizes, e.g. 500,1000,2000: per document, fitted slope.")
    parser.add_argument("--doc", action="append", default=[], help="With --series: only this document (repeatable).")
    parser.add_argument("--lang", action="append", default=[], help="With --series: only this edition (repeatable).")
    args = parser.parse_args()
    if args.series:
        scale_series([int(size) for size in args.series.split(",")], tuple(args.doc) or DOCUMENTS,
                     tuple(args.lang) or EDITIONS)
        return

    scratch = Path(tempfile.mkdtemp(prefix="briefkit-scale-"))
    sizes = [int(size) for size in args.sizes.split(",")] if args.sizes else None
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs")
    try:
        if args.case in ("aliases", "all"):
            case_aliases(scratch, sizes or [170, 340, 680, 1360])
        if args.case in ("svg", "all"):
            case_svg(scratch, sizes or [2500, 5000, 10000, 19000])
        if args.case in ("glossary", "all"):
            case_glossary(scratch, sizes or [150, 300, 600, 1200], args.actions)
        if args.case in ("docx", "all"):
            case_docx(scratch, sizes or [500, 1000, 2000])
        if args.case == "scale":
            case_scale(scratch, args)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


def case_scale(scratch: Path, args: argparse.Namespace) -> None:
    project, plan_file = scaled_project(scratch, args.actions)
    build = [sys.executable, str(REPO / "build.py"), "--project", str(project)]
    print(f"briefkit scale benchmark: {args.actions} actions, {plan_file.stat().st_size / 1024:.0f} KiB plan, "
          f"--jobs {args.jobs}")
    seconds, peak, _ = run([*build, "validate", PLAN], project)
    print(f"validate: {seconds:6.2f} s   peak {peak:6.0f} MiB")
    documents = [option for document in DOCUMENTS for option in ("--doc", document)]
    editions = [option for edition in EDITIONS for option in ("--lang", edition)]
    seconds, peak, stdout = run([*build, "build", PLAN, *documents, *editions, "--format", "pdf",
                                 "--jobs", str(args.jobs), "--force"], project)
    print(f"build:    {seconds:6.2f} s   peak {peak:6.0f} MiB (largest process: main or one worker)")
    for line in stdout.splitlines():
        if ".pdf" in line:
            name, pages, size, unit, took = line.split()[:5]
            print(f"  {Path(name).name:<34} {pages:>4} pages {size:>6} {unit}  {took:>6} s")
    if args.keep:
        print(f"project kept in {project}")
def document_run(project: Path, document: str, edition: str) -> tuple[float, float, int, float]:
    """Build one document's PDF alone in one process: PDF seconds, process seconds, pages, peak resident MiB."""
    command = [sys.executable, str(REPO / "build.py"), "--project", str(project), "build", PLAN, "--doc", document,
               "--lang", edition, "--format", "pdf", "--jobs", "1", "--force"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1525658400"}
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=project, env=env, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(command)} failed")
        out.seek(0)
        row = next(line.split() for line in out.read().decode().splitlines() if ".pdf" in line)
    return float(row[-1]), seconds, int(row[1]), usage.ru_maxrss / 1024  # ru_maxrss: KiB on Linux


def fit_line(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least-squares y = intercept + slope * x: (slope, intercept, R^2)."""
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = mean_y - slope * mean_x
    total = sum((y - mean_y) ** 2 for y in ys)
    residual = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return slope, intercept, 1 - residual / total if total else 1.0


def scale_series(sizes: list[int], documents: tuple[str, ...], editions: tuple[str, ...]) -> None:
    """Each document at each plan size on its own: time and peak memory per document, and their fitted slopes."""
    print(f"briefkit scale series: {', '.join(map(str, sizes))} actions; one process per document (--jobs 1); "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs")
    results: dict[tuple[str, str], list[tuple[int, float, float, int, float]]] = {}
    scratch = Path(tempfile.mkdtemp(prefix="briefkit-scale-"))
    try:
        for size in sizes:
            project, plan_file = scaled_project(scratch, size)
            print(f"\n{size} actions ({plan_file.stat().st_size / 1024:.0f} KiB of YAML)")
            print("| document | pages | PDF s | process s | peak MiB |")
            print("|---|---:|---:|---:|---:|")
            for document in documents:
                for edition in editions:
                    pdf_seconds, seconds, pages, peak = document_run(project, document, edition)
                    results.setdefault((document, edition), []).append((size, pdf_seconds, seconds, pages, peak))
                    print(f"| {document}.{edition} | {pages} | {pdf_seconds:.2f} | {seconds:.2f} | {peak:.0f} |")
            shutil.rmtree(project, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("\nFitted against the number of actions (least squares over every size):")
    print("| document | PDF s per 1,000 actions | R^2 | largest / proportional to smallest "
          "| peak MiB per 1,000 actions | R^2 |")
    print("|---|---:|---:|---:|---:|---:|")
    for (document, edition), rows in results.items():
        xs = [float(row[0]) for row in rows]
        slope, _, fit = fit_line(xs, [row[1] for row in rows])
        memory_slope, _, memory_fit = fit_line(xs, [row[4] for row in rows])
        small, large = min(xs), max(xs)
        at = {size: statistics.median(row[1] for row in rows if row[0] == size) for size in (small, large)}
        proportional = at[large] / (at[small] * large / small)
        print(f"| {document}.{edition} | {1000 * slope:.2f} | {fit:.3f} | {proportional:.2f} | "
              f"{1000 * memory_slope:.0f} | {memory_fit:.3f} |")


if __name__ == "__main__":
    main()
