"""Forked worker processes for one build: tasks in and results out through one pipe per worker; one warms up for all."""

from __future__ import annotations

import gc
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection, Pipe, wait
from typing import Any, Generic, NoReturn, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")


_PILED_UP = 500_000  # tracked objects a worker lets pile up before it collects (about 125 bytes each, measured)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for one stretch of work (a build's start, an output's writing), then as it was.

    Laying out a document builds a large graph of boxes, styles and lines and drops it again
    through reference counting: it leaves almost no cycles (a whole build with the collector
    off peaks 16% higher, one 2,000-action document not at all). The collector, though, walks
    that graph over and over while it grows: 10% of a build's CPU, 18% of a 2,000-action
    document's (measured with gc.callbacks). Back on after the stretch, the collector's next
    pass takes the young objects the stretch left, cycles included. Usable as a decorator;
    nested stretches leave it off until the outermost ends. It is one switch per process:
    another thread's garbage waits for the stretch too.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class WorkerDied:
    """What a task gives back when its worker process died before answering (killed, out of memory)."""

    def __repr__(self) -> str:
        return "WorkerDied()"


class Pool(Generic[Task, Result]):
    """`count` worker processes, forked for one build and gone after it.

    This process forks one worker, the first; it runs `warm_up` (imports WeasyPrint and python-docx, most
    of a second of CPU) and then forks the others from itself, so they start with the imports done
    (copy-on-write) instead of each doing them again; then it works too. Forking from this process at
    each build, not keeping workers between builds, means a worker always sees the environment and the
    fonts of its build.

    Each worker watches nothing but its own pipe to this process: its end (EOF) means the build is over,
    stopped or killed, and the worker exits after the task it is on. So killing the first worker takes
    only its own task down, not those of the workers it forked.
    """

    def __init__(self, count: int, warm_up: Callable[[], None], work: Callable[[Task], Result]) -> None:
        self.count = count
        self._warm_up = warm_up
        self._work = work
        self._ends: dict[int, Connection] = {}  # worker number -> this process's end of its pipe, while it lives
        self._busy: set[int] = set()
        self._first: int | None = None  # the pid of the first worker, the only one this process waits for
        self._given = False  # whether any task was sent

    @property
    def idle(self) -> int:
        """Workers alive (as far as known) and without a task."""
        return len(self._ends) - len(self._busy)

    def start(self) -> bool:
        """Fork the first worker; False when this system cannot fork (the caller then works in-process)."""
        if not hasattr(os, "fork"):
            return False
        pipes = [Pipe() for _ in range(self.count)]
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory: no pool rather than a failed build
            for mine, theirs in pipes:
                mine.close()
                theirs.close()
            return False
        if pid == 0:
            _child([mine for mine, _ in pipes], _first_worker, [theirs for _, theirs in pipes], self._warm_up,
                   self._work)
        self._first = pid
        for number, (mine, theirs) in enumerate(pipes):
            theirs.close()  # only the worker may hold its end, or this process never sees the worker die
            self._ends[number] = mine
        return True

    def submit(self, task: Task) -> int | None:
        """Give `task` to an idle worker; its number, or None when no idle worker was still alive."""
        for number, end in list(self._ends.items()):
            if number in self._busy:
                continue
            try:
                end.send(task)
            except OSError:  # it died while idle: try the next one
                self._lost(number)
                continue
            self._busy.add(number)
            self._given = True
            return number
        return None

    def results(self) -> list[tuple[int, Result | WorkerDied]]:
        """Wait until a busy worker answers or dies; (worker number, its result) for each that did."""
        busy = {self._ends[number]: number for number in self._busy}
        answers: list[tuple[int, Result | WorkerDied]] = []
        for number in [busy[end] for end in wait(list(busy)) if isinstance(end, Connection)]:
            self._busy.discard(number)
            try:
                answers.append((number, self._ends[number].recv()))
            except (EOFError, OSError):  # the pipe ended before (or in the middle of) the answer
                self._lost(number)
                answers.append((number, WorkerDied()))
        return answers

    def close(self) -> None:
        """End the pipes and wait until every worker has exited (each finishes the task it is on first)."""
        for end in self._ends.values():
            end.close()
        self._ends.clear()
        self._busy.clear()
        if self._first is None:
            return
        if not self._given:  # a build that stopped before its first task (a content error): no need to warm up
            try:
                os.kill(self._first, signal.SIGTERM)
            except ProcessLookupError:
                pass
        _reap(self._first)  # the first worker waits for those it forked: their CPU time is the build's
        self._first = None

    def _lost(self, number: int) -> None:
        self._ends.pop(number).close()
        self._busy.discard(number)


def _child(others: list[Connection], body: Callable[..., None], *args: Any) -> NoReturn:
    """The whole life of a forked process: it never returns into its parent's code, and never prints a traceback.

    Ctrl-C reaches every process of the build: a worker writing then stops (atomic writes: the output
    vanishes) and the main process reports the interruption.
    """
    try:
        for end in others:  # pipe ends of other processes: held here, they would hide those processes' exit
            end.close()
        gc.disable()  # a worker collects cycles itself, between tasks (_serve)
        body(*args)
    except BaseException:  # noqa: BLE001  Ctrl-C, or a broken pipe: the main process says what happened
        os._exit(1)
    os._exit(0)


def _first_worker(ends: list[Connection], warm_up: Callable[[], None], work: Callable[[Any], Any]) -> None:
    """Warm up, fork the other workers from this warm process, then work as worker 0 and wait for them."""
    warm_up()
    gc.freeze()  # the imported modules live as long as the worker: no collection needs to walk them
    forked = []
    for number in range(1, len(ends)):
        try:
            pid = os.fork()
        except OSError:  # this process cannot fork: the main process sees that worker's pipe end at once
            ends[number].close()
            continue
        if pid == 0:
            _child([end for other, end in enumerate(ends) if other != number], _serve, ends[number], work)
        forked.append(pid)
        ends[number].close()
    try:
        _serve(ends[0], work)
    finally:
        ends[0].close()  # first, so that the main process sees at once if this one is failing
        for pid in forked:
            _reap(pid)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # reaped already (SIGCHLD ignored by whoever embeds us)
        pass


def _serve(end: Connection, work: Callable[[Any], Any]) -> None:
    """Do each task that arrives, until the main process ends the pipe (the build is over, or was killed).

    The cycle collector stays off (see collector_paused): after a task, once _PILED_UP tracked objects
    have piled up since the last collection, the worker collects, between two tasks. Freeing a
    laid-out document's cycles costs most of a collection (about 0.1 s for a 12-page report); a
    worker of a small build never pays it (its exit hands the memory back whole), and a long
    build's workers each hold at most about that many objects of garbage (about 60 MB).
    """
    while True:
        try:
            task = end.recv()
        except EOFError:
            return
        result = work(task)
        try:
            end.send(result)
        except OSError:  # the main process is gone or stopped the build: nobody wants the result
            return
        if gc.get_count()[0] >= _PILED_UP:
            gc.collect()


def exit_with_parent(parent: int) -> None:
    """A thread of the preview's worker: stop, between files, when the process that forked it was killed."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
