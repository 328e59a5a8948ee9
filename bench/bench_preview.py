"""Preview benchmark: edit -> updated HTML in the browser, and edit -> updated PDF pages, for the press brief.

Starts `briefkit preview` on a copy of the plan, opens it in Debian's headless
Chromium (Playwright), then edits the headline --runs times and waits
each time until the browser shows the new headline (HTML) and the new PDF page
images. Medians are reported; targets on the 2-core machine: HTML < 0.5 s,
PDF < 3 s. Run from the repo root:

    .venv/bin/python bench/bench_preview.py [--runs 7] [--plan shanghai-manufacturing] [--lang en]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--plan", default="shanghai-manufacturing")
    parser.add_argument("--lang", default="en")
    arguments = parser.parse_args()
    language = "zh" if arguments.lang in ("zh", "zh-Hant") else "en"  # the headline that edition shows first
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(REPO / "content" / arguments.plan, root / "content" / arguments.plan)
        plan = root / "content" / arguments.plan / "plan.yaml"
        env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "SOURCE_DATE_EPOCH": "1525658400"}
        server = subprocess.Popen(
            [sys.executable, "-m", "briefkit", "--project", str(root), "preview", arguments.plan, "--port", "0",
             "--doc", "press-brief", "--lang", arguments.lang], stderr=subprocess.PIPE, text=True, env=env)
        try:
            url = ""
            while not url:
                line = server.stderr.readline() if server.stderr else ""
                if not line:
                    raise SystemExit("the preview did not start")
                found = re.search(r"at (http://\S+)", line)
                url = found.group(1) if found else ""
            html_times, pdf_times = [], []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(url)
                page.wait_for_selector("#pages img", timeout=120_000)  # the first PDF: cold, not measured
                for run in range(arguments.runs):
                    text = plan.read_text(encoding="utf-8")
                    marker = f"edit {run}"
                    edited = re.sub(rf"(headline:\n(?:  en: .*\n)?  {language}: )(.*?)( \(edit \d+\))?\n",
                                    rf"\1\2 ({marker})\n", text, count=1)
                    pages_key = page.get_attribute("#pages", "data-key")
                    begun = time.perf_counter()
                    plan.write_text(edited, encoding="utf-8")
                    page.frame_locator("#document").locator("h1", has_text=marker).wait_for(timeout=30_000)
                    html_times.append(time.perf_counter() - begun)
                    page.wait_for_function(
                        "key => { const p = document.getElementById('pages'); const images = p.querySelectorAll('img');"
                        " return p.dataset.key !== key && images.length > 0 && [...images].every(i => i.complete); }",
                        arg=pages_key, timeout=60_000, polling=20)
                    pdf_times.append(time.perf_counter() - begun)
                    time.sleep(0.3)
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} (the figures grow with it)")
    print(f"plan {arguments.plan}, press-brief.{arguments.lang}, {arguments.runs} edits of the headline")
    print(f"edit -> HTML in the browser: median {statistics.median(html_times):.3f} s "
          f"(min {min(html_times):.3f}, max {max(html_times):.3f})")
    print(f"edit -> PDF pages shown:     median {statistics.median(pdf_times):.3f} s "
          f"(min {min(pdf_times):.3f}, max {max(pdf_times):.3f})")


if __name__ == "__main__":
    main()
