"""The build's worker processes: one warms up and forks the others; a worker that dies takes only its own task.

Real forked processes throughout. A task here is a small tuple; what a worker does with it is a plain
function of this module (the forked processes have it, as the build's workers have the writers).
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import weakref
from contextlib import nullcontext
from pathlib import Path

import pytest

from briefkit import pipeline, workers
from briefkit.build_workers import BuildWorkers, first_build
from briefkit.errors import BriefkitError
from briefkit.workers import Pool, WorkerDied, collector_paused

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc/self/stat").is_file(),
                                reason="forks workers and reads /proc")

_warmed_in = 0  # the pid of the process that ran the warm-up; the forked workers inherit it


def _warm_up_once(folder: Path) -> None:
    global _warmed_in
    _warmed_in = os.getpid()
    with open(folder / "warm-ups", "a", encoding="utf-8") as record:
        record.write(f"{os.getpid()}\n")


def _pool(count: int, folder: Path) -> Pool[tuple[str, Path], object]:
    return Pool(count, lambda: _warm_up_once(folder), _work)


class _Node:
    """An object in a cycle with itself: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


_left: list[weakref.ref[_Node]] = []  # in a worker: the cycles its last `cycles` task left behind


def _work(task: tuple[str, Path]) -> object:
    """`who`: which process this is; `hold`: say so in a file, wait for a release file, then write one; `die`, `raise`;
    `cycles`: leave 2,000 cycles behind, and say whether the collector is on and how many of the last task's live."""
    what, folder = task
    if what == "who":
        return os.getpid(), os.getppid(), _warmed_in
    if what == "cycles":
        living = sum(ref() is not None for ref in _left)
        _left[:] = [weakref.ref(_Node()) for _ in range(2000)]
        return gc.isenabled(), living
    if what == "hold":
        (folder / f"holding.{os.getpid()}").write_text(str(os.getppid()))
        while not (folder / "release").exists():
            time.sleep(0.01)
        (folder / f"written.{os.getpid()}").write_text("whole")
        return os.getpid()
    if what == "die":
        os._exit(9)
    raise ValueError("a bug in the work")


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _answers(pool: Pool[tuple[str, Path], object], count: int) -> dict[int, object]:
    answers: dict[int, object] = {}
    while len(answers) < count:
        answers.update(pool.results())
    return answers


def _wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_one_worker_warms_up_and_the_others_are_forked_from_it(tmp_path: Path):
    pool = _pool(3, tmp_path)
    assert pool.start()
    try:
        numbers = [pool.submit(("who", tmp_path)) for _ in range(3)]
        assert sorted(numbers) == [0, 1, 2]  # type: ignore[type-var]
        answers = _answers(pool, 3)
    finally:
        pool.close()
    first = answers[0][0]  # type: ignore[index]
    assert answers[0] == (first, os.getpid(), first)  # forked by this process; warmed up itself
    assert answers[1][1:] == answers[2][1:] == (first, first)  # type: ignore[index]  forked by the first, warm
    assert len({answer[0] for answer in answers.values()}) == 3  # type: ignore[index]
    assert (tmp_path / "warm-ups").read_text() == f"{first}\n"  # the warm-up ran once


def test_killing_the_first_worker_leaves_the_task_of_a_worker_it_forked_to_finish(tmp_path: Path):
    pool = _pool(2, tmp_path)
    assert pool.start()
    try:
        assert {pool.submit(("hold", tmp_path)), pool.submit(("hold", tmp_path))} == {0, 1}
        _wait_for(lambda: len(list(tmp_path.glob("holding.*"))) == 2)
        parents = {int(path.suffix[1:]): int(path.read_text()) for path in tmp_path.glob("holding.*")}
        first = next(pid for pid, parent in parents.items() if parent == os.getpid())
        other = next(pid for pid, parent in parents.items() if parent == first)
        os.kill(first, signal.SIGKILL)
        _wait_for(lambda: not _alive(first))
        (tmp_path / "release").touch()
        answers = _answers(pool, 2)
        assert isinstance(answers[0], WorkerDied)  # worker 0 is the first
        assert answers[1] == other
        assert (tmp_path / f"written.{other}").read_text() == "whole"
        assert not (tmp_path / f"written.{first}").exists()
        assert pool.idle == 1  # the one left takes the next task
        assert pool.submit(("who", tmp_path)) == 1
        assert _answers(pool, 1)[1][0] == other  # type: ignore[index]
    finally:
        pool.close()
    _wait_for(lambda: not _alive(other), timeout=10)  # orphaned by the first, it still saw the pool close


@pytest.mark.parametrize("what", ["die", "raise"])
def test_a_worker_that_dies_answers_worker_died_silently_and_the_others_go_on(tmp_path: Path, what: str, capfd):
    pool = _pool(2, tmp_path)
    assert pool.start()
    try:
        dying = pool.submit((what, tmp_path))
        answers = _answers(pool, 1)
        assert isinstance(answers[dying], WorkerDied)  # type: ignore[index]
        assert pool.idle == 1
        for _ in range(2):
            assert pool.submit(("who", tmp_path)) is not None
            assert len(_answers(pool, 1)) == 1
    finally:
        pool.close()
    assert "Traceback" not in capfd.readouterr().err


def test_closing_waits_for_the_task_a_worker_is_on(tmp_path: Path):
    """Ctrl-C or an error in the main process: the running output finishes (atomically) before the build returns."""
    pool = _pool(2, tmp_path)
    assert pool.start()
    pool.submit(("hold", tmp_path))
    pool.submit(("hold", tmp_path))
    _wait_for(lambda: len(list(tmp_path.glob("holding.*"))) == 2)
    workers = [int(path.suffix[1:]) for path in tmp_path.glob("holding.*")]
    subprocess.Popen(["sh", "-c", f"sleep 0.5; touch '{tmp_path / 'release'}'"])  # noqa: S603
    pool.close()
    assert len(list(tmp_path.glob("written.*"))) == 2
    assert not any(_alive(pid) for pid in workers)  # waited for, through the first: their CPU counts as the build's


def test_a_pool_that_got_no_task_does_not_wait_for_the_warm_up(tmp_path: Path):
    """A build that stops on a content error before its first output: no second spent importing for nothing."""
    pool = Pool(2, lambda: time.sleep(30), _work)
    assert pool.start()
    begun = time.monotonic()
    pool.close()
    assert time.monotonic() - begun < 10


@pytest.mark.parametrize(("piled_up", "living"), [
    (workers._PILED_UP, 2000),  # a small build's garbage waits for the worker's exit
    (1000, 0),  # past the budget: collected after the task, before the next
])
def test_a_worker_works_without_the_collector_and_collects_once_garbage_piles_up(
        tmp_path: Path, monkeypatch, piled_up: int, living: int):
    monkeypatch.setattr(workers, "_PILED_UP", piled_up)  # before the fork: the worker has it
    pool = _pool(1, tmp_path)
    assert pool.start()
    try:
        found = []
        for _ in range(3):
            pool.submit(("cycles", tmp_path))
            found.append(_answers(pool, 1)[0])
    finally:
        pool.close()
    assert found == [(False, 0), (False, living), (False, living)]
    assert gc.isenabled()  # this process's collector is untouched


@pytest.mark.parametrize("on_before", [True, False])
@pytest.mark.parametrize("fails", [False, True])
def test_a_paused_collector_is_off_inside_and_as_it_was_after(on_before: bool, fails: bool):
    (gc.enable if on_before else gc.disable)()
    try:
        with pytest.raises(ValueError) if fails else nullcontext(), collector_paused():
            assert not gc.isenabled()
            with collector_paused():  # nested: still off after the inner one ends
                pass
            assert not gc.isenabled()
            if fails:
                raise ValueError("a writer bug")
        assert gc.isenabled() is on_before
    finally:
        gc.enable()


def test_an_output_is_written_with_the_collector_paused(monkeypatch):
    """In the worker or in this process (--jobs 1, the preview's worker): on again after the output, failed or not."""
    seen = []

    class Spec:
        def writer(self):
            def write(rendered, job):
                seen.append(gc.isenabled())
                raise BriefkitError("not written")
            return write

    monkeypatch.setitem(pipeline.FORMATS, "pdf", Spec())
    task = pipeline.WriteTask(rendered=None, plan="p", format="pdf", job=None, key="k")  # type: ignore[arg-type]
    assert isinstance(pipeline.write_output(task), BriefkitError)
    assert seen == [False]
    assert gc.isenabled()


@pytest.mark.parametrize(("jobs", "formats", "pooled"), [
    (1, ("pdf", "docx"), False),  # --jobs 1: everything in this process
    (2, ("html",), False),  # nothing slow to write: not worth a fork
    (2, ("pdf",), True),
])
def test_workers_start_early_only_when_they_will_help(jobs: int, formats: tuple[str, ...], pooled: bool):
    with BuildWorkers(jobs, formats, start_now=True) as workers:
        assert (workers.pool is not None) == pooled
    assert workers.pool is None  # closed with the build


@pytest.mark.parametrize(("force", "built_before", "surely_cold"), [
    (False, False, True),  # no output folder: nothing can be up to date
    (False, True, False),  # its build records decide, once the plans are loaded
    (True, True, True),
])
def test_a_first_or_forced_build_is_known_cold_before_the_plans_load(tmp_path: Path, force: bool,
                                                                   built_before: bool, surely_cold: bool):
    if built_before:
        (tmp_path / "output").mkdir()
    assert first_build(tmp_path / "output", force) is surely_cold


WARM_BUILD = """
import json, os, sys, time
from pathlib import Path
from briefkit import build_workers
from briefkit.workers import Pool

def warm_up():
    with open(sys.argv[1], "a") as record:
        record.write(f"{os.getpid()}\\n")
    build_workers.import_writers()

def work(_):
    return [os.getpid(), os.getppid(), "weasyprint" in sys.modules, "docx" in sys.modules, time.process_time()]

pool = Pool(2, warm_up, work)
assert pool.start()
pool.submit(None), pool.submit(None)
answers = {}
while len(answers) < 2:
    answers.update(pool.results())
pool.close()
print(json.dumps([os.getpid(), "weasyprint" in sys.modules, answers[0], answers[1]]))
"""


def test_only_the_first_worker_imports_weasyprint_and_python_docx(tmp_path: Path):
    """In a fresh process that has not imported them: the build's warm-up, once; the second worker starts warm."""
    record = tmp_path / "warm-ups"
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(WARM_BUILD), str(record)], capture_output=True,
                            text=True, timeout=300, check=True)
    main, main_imported, first, second = json.loads(result.stdout)
    assert main_imported is False
    assert (first[1], second[1]) == (main, first[0])  # the first forked by this process, the second by the first
    assert first[2:4] == second[2:4] == [True, True]
    assert record.read_text() == f"{first[0]}\n"
    assert second[4] < first[4]  # a forked process's CPU count starts at zero: the import was not done again


FORK_WATCH = """
import sys
from briefkit import build_workers, pipeline

real_import, real_load = build_workers.import_writers, pipeline.load_plans
forks = sys.argv[1]
loaded = False


def load_plans(*args, **kwargs):
    global loaded
    loaded = True
    return real_load(*args, **kwargs)


def recording():  # runs in the first worker: what it inherited tells when it was forked
    with open(forks, "a") as record:
        record.write(f"{loaded}\\n")
    real_import()


build_workers.import_writers, pipeline.load_plans = recording, load_plans
from briefkit.cli import main

sys.argv = ["build.py", "--project", sys.argv[2], "build", "--doc", "handout", "--lang", "en",
            "--format", "pdf", "--format", "docx", "--jobs", "2"]
main()
"""


def test_a_first_build_forks_its_workers_before_the_plans_load(tmp_path: Path):
    """So the first worker imports the writers while this process loads, checks and renders the plans; a later
    build knows only once its plans are loaded (their build records) whether it needs workers at all."""
    repo = Path(__file__).resolve().parents[1]
    shutil.copytree(repo / "templates", tmp_path / "templates")
    shutil.copytree(repo / "content", tmp_path / "content")
    record = tmp_path / "forks"

    def build() -> None:
        result = subprocess.run([sys.executable, "-c", textwrap.dedent(FORK_WATCH), str(record), str(tmp_path)],
                                capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert result.returncode == 0, result.stderr

    build()
    assert record.read_text() == "False\n"
    plan = next((tmp_path / "content").glob("*/plan.yaml"))
    plan.write_text(plan.read_text(encoding="utf-8").replace("\n", "\n# edited: the build stamp no longer holds\n", 1),
                    encoding="utf-8")
    build()  # nothing to write: no workers
    assert record.read_text() == "False\n"
    (tmp_path / "output").rename(tmp_path / "elsewhere")
    (tmp_path / "output").mkdir()
    build()  # an output folder, but no records in it: cold, found out after the plans load
    assert record.read_text() == "False\nTrue\n"


LIBRARIES = """
import json, re, sys
from pathlib import Path
{load}
maps = Path("/proc/self/maps").read_text()
print(json.dumps(sorted(set(re.findall(r"\\S*lib(?:gobject|pango|pangoft2|harfbuzz|harfbuzz-subset|fontconfig)[-.][^/\\s]*",
                                       maps)))))
"""


def test_the_workers_load_the_system_libraries_weasyprint_finds_itself():
    """The first worker imports WeasyPrint with find_library answered from one ldconfig listing
    (build_workers._libraries_looked_up_once): the same libraries must come in as WeasyPrint loads alone."""
    def loaded(load: str) -> list[str]:
        result = subprocess.run([sys.executable, "-c", LIBRARIES.format(load=load)], capture_output=True, text=True,
                                timeout=120, check=True)
        return json.loads(result.stdout)

    ours = loaded("from briefkit import build_workers; build_workers.import_writers()")
    assert ours == loaded("import weasyprint")
    assert any("pango-1.0" in path for path in ours) and any("fontconfig" in path for path in ours)


def test_the_quick_library_look_up_answers_as_find_library_does():
    import ctypes.util

    from briefkit.build_workers import _libraries_looked_up_once

    names = ["gobject-2.0", "pango-1.0", "pangoft2-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig", "c", "m"]
    expected = {name: ctypes.util.find_library(name) for name in names}
    with _libraries_looked_up_once():
        assert {name: ctypes.util.find_library(name) for name in names} == expected
        assert ctypes.util.find_library("libgobject-2.0-0") is None  # WeasyPrint's Windows name: not a process
    assert expected["pango-1.0"] == "libpango-1.0.so.0"
