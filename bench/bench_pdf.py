"""PDF benchmark: per document and edition, pages, render/layout/write seconds and seconds per page.

Medians over --runs runs in one process (fonts stay loaded, as in a real
build's worker); the first, cold run is reported separately. As in a build, the
theme's large (CJK) faces are cut once for all the PDFs first (reported as
set-up), and each PDF that shows Chinese cuts its own small faces from that
copy: that cut is part of its write time. The last column compares each
Chinese or bilingual edition's write time with its English twin's (target: at
most 1.5x). Run from the repo root:

    .venv/bin/python bench/bench_pdf.py [--runs 5] [--plan shanghai-manufacturing]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from briefkit.fonts import find_family  # noqa: E402
from briefkit.pipeline import theme_families  # noqa: E402
from briefkit.project import Project  # noqa: E402
from briefkit.render import Renderer  # noqa: E402
from briefkit.writers.pdf import use_fonts, write_pdf  # noqa: E402
from briefkit.writers.subset import cut_for_build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plan", default="shanghai-manufacturing")
    args = parser.parse_args()

    from briefkit.validate import load_plan

    project = Project(REPO)
    started = time.perf_counter()
    renderer = Renderer(project.templates)
    loaded = load_plan(project.plan_files((args.plan,))[0])
    setup = time.perf_counter() - started

    rows = []
    first_pdf: float | None = None
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        texts = [renderer.render(loaded, document, edition).html
                 for document in renderer.catalogue.documents for edition in renderer.catalogue.languages]
        faces = [face for family in theme_families(renderer) for face in find_family(family)]
        use_fonts(cut_for_build(faces, texts, Path(out) / "fonts"))
        cut = time.perf_counter() - started
        for document in renderer.catalogue.documents:
            for edition in renderer.catalogue.languages:
                renders, layouts, writes, pages = [], [], [], 0
                for _ in range(args.runs):
                    begun = time.perf_counter()
                    rendered = renderer.render(loaded, document, edition)
                    renders.append(time.perf_counter() - begun)
                    result = write_pdf(
                        rendered.html, roots={"plan": loaded.folder, "templates": project.templates},
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

    print(f"# PDF benchmark: {platform.node()} ({platform.machine()}, Python {platform.python_version()}), "
          f"median of {args.runs} runs")
    print(f"set-up (import excluded, templates + plan load): {setup:.3f} s; cutting the CJK faces for the build "
          f"(renders included): {cut:.3f} s; first PDF (cold fonts): {first_pdf:.2f} s")
    print()
    print("| document | pages | render s | layout s | write s | s/page | write / English write |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    english = {name.split(".")[0]: write for name, _, _, _, write, _ in rows if name.endswith(".en")}
    for name, pages, render, layout, write, per_page in rows:
        ratio = "" if name.endswith(".en") else f"{write / english[name.split('.')[0]]:.2f}x"
        print(f"| {name} | {pages} | {render:.3f} | {layout:.3f} | {write:.3f} | {per_page:.3f} | {ratio} |")
    all_pages = sum(row[1] for row in rows)
    all_seconds = sum(row[2] + row[3] + row[4] for row in rows)
    print(f"| **all nine** | {all_pages} | | | | {all_seconds / all_pages:.3f} |")
    print(f"\ntotal for the nine PDFs (medians): {all_seconds:.2f} s")


if __name__ == "__main__":
    main()
