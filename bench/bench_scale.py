"""Scale benchmark: a plan with 500 actions -> validate, then six PDFs; wall time and peak memory.

    .venv/bin/python bench/bench_scale.py [--actions 500] [--jobs N] [--keep]
    .venv/bin/python bench/bench_scale.py --series 500,1000,2000


The sample plan is copied into a throwaway project and its actions are repeated,
each copy with a unique id, until there are --actions of them. Then, each in its
own subprocess (so the figures are the build's alone):
(a) `validate` of the plan;
(b) `build` of press-brief, stakeholder-report and handout in en and zh, as PDF.
Wall time is perf_counter around the process; peak memory is the largest
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
import resource
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


def run(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Seconds, peak resident MiB of the process and its workers, and stdout."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1525658400"}
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode not in (0,):
        raise SystemExit(f"{' '.join(command)} exited {result.returncode}:\n{result.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    return seconds, peak, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
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
    try:
        project, plan_file = scaled_project(scratch, args.actions)
        build = [sys.executable, str(REPO / "build.py"), "--project", str(project)]
        print(f"briefkit scale benchmark: {args.actions} actions, {plan_file.stat().st_size / 1024:.0f} KiB plan, "
              f"--jobs {args.jobs}; Python {platform.python_version()}, {os.cpu_count()} CPUs")
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
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


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
