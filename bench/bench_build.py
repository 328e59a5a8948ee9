"""Whole-build benchmark: our cold build against the naive loop a user would script, plus rebuilds and the pack.

    .venv/bin/python bench/bench_build.py [--runs 5] [--jobs N]     (or: make bench)

Each repetition runs, in a fresh throwaway copy of the project (the repository is never edited):
(a) our cold build of the sample plan's nine PDFs and nine DOCX files (an empty cache and output folder);
    the CJK faces' per-machine cut (writers/subset.py) is made once, by a first build (a0), in a cache of
    the benchmark's own, as on a machine where briefkit has built before;
(d) the naive way on the same HTML (built beforehand, not timed): one `weasyprint` process per HTML
    file, then one `pandoc` process per DOCX (pandoc from Debian: `make bench` installs it; without
    it the DOCX half of (d) is skipped with a message, and (d) compares with (a') our PDFs alone);
(a) and (d) alternate, each repetition starting with the other, so that a busy neighbour on the
machine weighs on both alike. Then, once per repetition, on the project (a) built:
(b) the same command again (nothing changed);
(c) the same command after editing one Chinese sentence (reports how many outputs were rebuilt);
(e) the whole press pack (PDF, DOCX, HTML, zip) from cold, in another fresh copy.
Wall time is Python's perf_counter around whole processes; CPU time is the user + system time
of each process and every descendant it waited for (os.wait4), so our worker processes count.
Figures are medians; the ratios are of medians.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WEASYPRINT = str(Path(sys.executable).with_name("weasyprint"))
PLAN = "shanghai-manufacturing"
EDIT_FROM, EDIT_TO = "上海将汇聚知名专家", "上海将广泛汇聚知名专家"


def timed(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the process and the descendants it waited for) and stdout of one command."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1525658400", "PYTHONPATH": str(REPO / "src")}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{err.read().decode(errors='replace')[-2000:]}")
        return seconds, usage.ru_utime + usage.ru_stime, out.read().decode(errors="replace")


def fresh_project(parent: Path) -> Path:
    root = Path(tempfile.mkdtemp(dir=parent))
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "content", root / "content")
    return root


def build_command(*extra: str, jobs: int) -> list[str]:
    return [PYTHON, str(REPO / "build.py"), "build", PLAN, *extra, "--jobs", str(jobs)]


def naive(root: Path, pandoc: str | None) -> tuple[float, float, float, float]:
    """The naive loop over the HTML in `root`: (wall, CPU) of the PDFs, then (wall, CPU) of the DOCX files."""
    html_dir = root / "output" / PLAN
    pages = sorted(html_dir.glob("*.html"))
    pdf_wall = pdf_cpu = docx_wall = docx_cpu = 0.0
    for html in pages:
        wall, cpu, _ = timed([WEASYPRINT, html.name, html.with_suffix(".pdf").name], html_dir)
        pdf_wall, pdf_cpu = pdf_wall + wall, pdf_cpu + cpu
    if pandoc:
        for html in pages:
            wall, cpu, _ = timed([pandoc, "-f", "html", "-t", "docx", html.name, "-o", html.with_suffix(".docx").name],
                                 html_dir)
            docx_wall, docx_cpu = docx_wall + wall, docx_cpu + cpu
    return pdf_wall, pdf_cpu, docx_wall, docx_cpu


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown")
    try:
        harfbuzz = ctypes.CDLL("libharfbuzz.so.0")
        harfbuzz.hb_version_string.restype = ctypes.c_char_p
        hb_version = harfbuzz.hb_version_string().decode()
    except OSError:
        hb_version = "missing"
    pandoc = shutil.which("pandoc")
    pandoc_version = (subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
                      if pandoc else "pandoc missing")
    return (f"{os.cpu_count()} CPUs ({model}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, WeasyPrint {metadata.version('weasyprint')}, "
            f"python-docx {metadata.version('python-docx')}, HarfBuzz {hb_version}, {pandoc_version}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        print("pandoc is not installed (`make bench` installs it, or apt-get install pandoc): "
              "the naive loop's DOCX half is skipped, and (d) is compared with our PDFs alone", file=sys.stderr)
    formats = ["--format", "pdf", "--format", "docx"] if pandoc else ["--format", "pdf"]
    cold = build_command(*formats, jobs=args.jobs)
    wall: dict[str, list[float]] = {key: [] for key in ("a0", "a", "b", "c", "d", "d-pdf", "d-docx", "e")}
    cpu: dict[str, list[float]] = {key: [] for key in wall}
    rebuilt: list[int] = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        # The per-machine cut of the CJK faces (writers/subset.py) goes to a cache of the benchmark's own,
        # empty at first: (a0), one build, pays it; every later build finds it, as on a user's machine.
        os.environ["BRIEFKIT_CACHE"] = str(scratch_path / "machine-cache")
        seconds, used, _ = timed(cold, fresh_project(scratch_path))
        wall["a0"], cpu["a0"] = [seconds], [used]
        for run in range(args.runs):
            ours_root = fresh_project(scratch_path)
            naive_root = fresh_project(scratch_path)
            timed(build_command("--format", "html", jobs=1), naive_root)  # the naive loop's input, not timed
            for side in (("ours", "naive") if run % 2 == 0 else ("naive", "ours")):
                if side == "ours":
                    seconds, used, _ = timed(cold, ours_root)
                    wall["a"].append(seconds)
                    cpu["a"].append(used)
                else:
                    pdf_wall, pdf_cpu, docx_wall, docx_cpu = naive(naive_root, pandoc)
                    for key, (w, c) in {"d": (pdf_wall + docx_wall, pdf_cpu + docx_cpu), "d-pdf": (pdf_wall, pdf_cpu),
                                        "d-docx": (docx_wall, docx_cpu)}.items():
                        wall[key].append(w)
                        cpu[key].append(c)
            seconds, used, _ = timed(cold, ours_root)
            wall["b"].append(seconds)
            cpu["b"].append(used)
            plan_file = ours_root / "content" / PLAN / "plan.yaml"
            plan_file.write_text(plan_file.read_text(encoding="utf-8").replace(EDIT_FROM, EDIT_TO, 1),
                                 encoding="utf-8")
            seconds, used, stdout = timed(cold, ours_root)
            wall["c"].append(seconds)
            cpu["c"].append(used)
            rebuilt.append(int(stdout.strip().splitlines()[-1].split()[0]))
            seconds, used, _ = timed([PYTHON, str(REPO / "build.py"), "pack", PLAN, "--jobs", str(args.jobs)],
                                     fresh_project(scratch_path))
            wall["e"].append(seconds)
            cpu["e"].append(used)
            shutil.rmtree(ours_root, ignore_errors=True)
            shutil.rmtree(naive_root, ignore_errors=True)
    load_after = os.getloadavg()

    outputs = "9 PDF + 9 DOCX" if pandoc else "9 PDF"
    median = {key: statistics.median(values) for key, values in wall.items() if values}
    median_cpu = {key: statistics.median(values) for key, values in cpu.items() if values}
    print(f"# Build benchmark: {machine()}")
    print(f"--jobs {args.jobs}, {args.runs} alternating runs; load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (other work on the machine)")
    print()
    print("| case | wall median s | wall min-max s | CPU median s |")
    print("|---|---:|---:|---:|")
    labels = {
        "a0": f"(a0) our first cold build on a machine, {outputs}: the CJK faces cut to their standard sets (once)",
        "a": f"(a) our cold build, {outputs}",
        "d": f"(d) naive loop, {outputs}: one process per file",
        "d-pdf": "(d) of which: 9 `weasyprint` processes",
        "d-docx": "(d) of which: 9 `pandoc` processes",
        "b": "(b) no-op rebuild",
        "c": f"(c) edit one Chinese sentence (rebuilt {statistics.median(rebuilt):.0f} outputs)",
        "e": "(e) whole press pack from cold (PDF, DOCX, HTML, zip)",
    }
    for key, label in labels.items():
        if key == "d-docx" and not pandoc:
            continue
        values = wall[key]
        print(f"| {label} | {median[key]:.2f} | {min(values):.2f}-{max(values):.2f} | {median_cpu[key]:.2f} |")
    print()
    print(f"naive / ours, wall: {median['d'] / median['a']:.2f}x (target at least 3x); "
          f"CPU: {median_cpu['d'] / median_cpu['a']:.2f}x (target at least 1.5x)")
    print(f"no-op rebuild / cold build, wall: {100 * median['b'] / median['a']:.1f}% (target under 5%)")


if __name__ == "__main__":
    main()
