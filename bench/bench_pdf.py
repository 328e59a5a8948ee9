"""PDF benchmark: per document and edition, pages, render/layout/write seconds and seconds per page.

Medians over --runs runs in one process (fonts stay loaded and the cycle
collector paused while a PDF is written, as in a real build's worker); the
first, cold run is reported separately. As in a build, the
theme's large (CJK) faces are prepared first (reported as set-up): cut once
per machine to their scripts' standard character sets (kept in the user's
cache, so only the first run pays it), and, for PDFs with a character outside
those, cut to the build's characters, each such PDF cutting its own small faces
from that copy as part of its write time. The last column compares each
Chinese or bilingual edition's write time with its English twin's (target: at
most 1.5x). Run from the repo root:

    .venv/bin/python bench/bench_pdf.py [--runs 5] [--plan shanghai-manufacturing]
    .venv/bin/python bench/bench_pdf.py --against HEAD~1   # this tree and that commit, in one run

With --against, the same benchmark runs on the working tree and on the given
commit (extracted with git archive into a temporary folder), alternating
runs so both see the same machine load; it prints wall and CPU seconds per
page and fails (exit 1) when this tree takes more than 20% more CPU per page.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from briefkit.fonts import find_family  # noqa: E402
from briefkit.project import Project  # noqa: E402
from briefkit.render import Renderer  # noqa: E402
from briefkit.workers import collector_paused  # noqa: E402
from briefkit.writers.pdf import write_pdf  # noqa: E402

try:  # --against runs this script on older trees too: before the build's font cut, WeasyPrint subset alone
    from briefkit.writers.pdf import use_fonts
    from briefkit.writers.subset import cut_for_build
except ImportError:
    use_fonts = cut_for_build = None  # type: ignore[assignment]
try:  # and before the faces cut once per machine to their standard character sets
    from briefkit.writers.subset import covers, cut_to_repertoires, machine_cache
except ImportError:
    cut_to_repertoires = None  # type: ignore[assignment]


def prepare_fonts(renderer: Renderer, texts: list[str], out: Path) -> None:
    """The faces the PDFs are laid out from, as a build prepares them (pipeline._with_font_subsets)."""
    if cut_for_build is None:
        return
    faces = [face for family in theme_families(renderer) for face in find_family(family)]
    if cut_to_repertoires is None:
        use_fonts(cut_for_build(faces, texts, out / "fonts"))
        return
    from briefkit.checks import faces_with_repertoires

    repertoire = cut_to_repertoires(faces_with_repertoires(renderer.theme, renderer.catalogue.languages),
                                    machine_cache())
    others = [text for text in texts if repertoire is None or not covers(repertoire, text)]
    use_fonts(cut_for_build(faces, others, out / "fonts") if others else None, repertoire)


def theme_families(renderer: Renderer) -> list[str]:
    """The families the benchmarked editions are set in, as a build's font cut takes them (pipeline.py)."""
    try:
        from briefkit.checks import theme_families as of_edition
    except ImportError:  # an older tree: every family the theme names
        fonts = renderer.theme.fonts
        return list(dict.fromkeys(family for name in ("serif", "sans") for family in getattr(fonts, name, ())))
    return list(dict.fromkeys(family for edition in renderer.catalogue.languages
                              for family in of_edition(renderer.theme, edition)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plan", default="shanghai-manufacturing")
    parser.add_argument("--doc", action="append", help="only this document (repeatable; default: all)")
    parser.add_argument("--against", metavar="REV", help="also run the benchmark on this commit and compare")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one tree's totals, for --against
    args = parser.parse_args()
    if args.against:
        sys.exit(compare(args.against, args.runs, args.plan))

    from briefkit.validate import load_plan

    project = Project(REPO)
    started = time.perf_counter()
    renderer = Renderer(project.templates)
    templates = getattr(project.templates, "first", project.templates)  # a search path since i15: its first folder
    loaded = load_plan(project.plan_files((args.plan,))[0])
    setup = time.perf_counter() - started

    rows = []
    first_pdf: float | None = None
    cpu_started = time.process_time()  # CPU seconds: what --against compares, as wall time follows the machine's load
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        texts = [renderer.render(loaded, document, edition).html
                 for document in renderer.catalogue.documents for edition in renderer.catalogue.languages]
        prepare_fonts(renderer, texts, Path(out))
        cut = time.perf_counter() - started
        for document in args.doc or renderer.catalogue.documents:
            for edition in renderer.catalogue.languages:
                renders, layouts, writes, pages = [], [], [], 0
                for _ in range(args.runs):
                    begun = time.perf_counter()
                    rendered = renderer.render(loaded, document, edition)
                    renders.append(time.perf_counter() - begun)
                    with collector_paused():  # as a build's worker writes (pipeline.write_output)
                        result = write_pdf(
                            rendered.html, roots={"plan": loaded.folder, "templates": templates},
                            target=Path(out) / f"{document}.{edition}.pdf", where=document,
                        )
                    if first_pdf is None:
                        first_pdf = renders[-1] + result.layout_seconds + result.write_seconds
                    layouts.append(result.layout_seconds)
                    writes.append(result.write_seconds)
                    pages = result.pages
                total = statistics.median(renders) + statistics.median(layouts) + statistics.median(writes)
                rows.append((f"{document}.{edition}", pages, statistics.median(renders), statistics.median(layouts),
                             statistics.median(writes), total / pages))

    if args.json:
        seconds = sum(row[2] + row[3] + row[4] for row in rows)
        print(json.dumps({"pages": sum(row[1] for row in rows), "seconds": seconds,
                          "cpu_seconds": (time.process_time() - cpu_started) / args.runs}))
        return
    print(f"# PDF benchmark: {platform.node()} ({platform.machine()}, Python {platform.python_version()}), "
          f"median of {args.runs} runs")
    print(f"set-up (import excluded, templates + plan load): {setup:.3f} s; preparing the CJK faces "
          f"(renders included): {cut:.3f} s; first PDF (cold fonts): {first_pdf:.2f} s")
    print()
    print("| document | pages | render s | layout s | write s | s/page | write / English write "
          "| whole PDF / English |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    english = {name.split(".")[0]: (write, render + layout + write)
               for name, _, render, layout, write, _ in rows if name.endswith(".en")}
    for name, pages, render, layout, write, per_page in rows:
        twin = english.get(name.split(".")[0])
        write_ratio = "" if name.endswith(".en") or twin is None else f"{write / twin[0]:.2f}x"
        whole_ratio = "" if name.endswith(".en") or twin is None else f"{(render + layout + write) / twin[1]:.2f}x"
        print(f"| {name} | {pages} | {render:.3f} | {layout:.3f} | {write:.3f} | {per_page:.3f} | {write_ratio} "
              f"| {whole_ratio} |")
    all_pages = sum(row[1] for row in rows)
    all_seconds = sum(row[2] + row[3] + row[4] for row in rows)
    print(f"| **all nine** | {all_pages} | | | | {all_seconds / all_pages:.3f} | | |")
    print(f"\ntotal for the nine PDFs (medians): {all_seconds:.2f} s")


def _run(tree: Path, runs: int, plan: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run([sys.executable, str(tree / "bench" / "bench_pdf.py"), "--runs", str(runs), "--plan", plan,
                           "--json"], cwd=tree, env=env, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def compare(revision: str, runs: int, plan: str, rounds: int = 2) -> int:
    """Seconds per page of this tree and of `revision`, alternating; 1 when this tree is over 20% slower."""
    with tempfile.TemporaryDirectory() as folder:
        old = Path(folder)
        archive = subprocess.run(["git", "archive", revision], cwd=REPO, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        if not (old / "bench" / "bench_pdf.py").read_text(encoding="utf-8").count("--json"):
            (old / "bench" / "bench_pdf.py").write_bytes((REPO / "bench" / "bench_pdf.py").read_bytes())
        wall: dict[str, list[float]] = {"this tree": [], revision: []}
        cpu: dict[str, list[float]] = {"this tree": [], revision: []}
        for _ in range(rounds):
            for name, tree in (("this tree", REPO), (revision, old)):
                result = _run(tree, runs, plan)
                wall[name].append(result["seconds"] / result["pages"])
                cpu[name].append(result["cpu_seconds"] / result["pages"])
    for label, table in (("wall", wall), ("CPU", cpu)):
        now, before = min(table["this tree"]), min(table[revision])
        print(f"{label} seconds per page: this tree {now:.3f}, {revision} {before:.3f} (best of {rounds} alternating "
              f"rounds of {runs} runs): {100 * (now / before - 1):+.0f}%")
    print(f"load average: {' '.join(f'{value:.1f}' for value in os.getloadavg())} on {os.cpu_count()} CPUs")
    # CPU time decides: on a shared machine wall time measures the neighbours as much as the code.
    return 0 if min(cpu["this tree"]) <= 1.2 * min(cpu[revision]) else 1


if __name__ == "__main__":
    main()
