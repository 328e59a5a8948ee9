"""Scale benchmark: a plan with 500 actions -> validate, then six PDFs; wall time and peak memory.

    .venv/bin/python bench/bench_scale.py [--actions 500] [--jobs N] [--keep]

The sample plan is copied into a throwaway project and its actions are repeated,
each copy with a unique id, until there are --actions of them. Then, each in its
own subprocess (so the figures are the build's alone):
(a) `validate` of the plan;
(b) `build` of press-brief, stakeholder-report and handout in en and zh, as PDF.
Wall time is perf_counter around the process; peak memory is the largest
resident set of the process or any of its workers
(resource.getrusage(RUSAGE_CHILDREN).ru_maxrss, read after each run).
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import resource
import shutil
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
    args = parser.parse_args()

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


if __name__ == "__main__":
    main()
