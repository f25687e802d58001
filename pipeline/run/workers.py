"""Parse documents in worker processes, each document under a time limit and a memory ceiling.

A pathological file can make a parser spin or balloon, and PDFium can crash outright. Parsing
therefore runs in long-lived worker processes forked from a server that has already imported
spaCy and the readers (so a fork costs milliseconds, not an import); the parent gives each
worker one document at a time (the next one already waiting in its pipe) and watches the clock.
A worker that overruns is killed and replaced, and its document becomes an error row naming the
limit; a MemoryError (the worker's address space is capped with RLIMIT_AS) or a crash does the
same. Processes, not threads: PDFium is not thread-safe and parsing is CPU-bound.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from multiprocessing import spawn
from multiprocessing.connection import Connection, wait
from typing import Any

from extractors.errors import MemoryLimit, ParserCrashed, TimeLimit
from pipeline.run.settings import IngestSettings, Limits
from pipeline.run.work import (
    BatchResult,
    ErrorRow,
    FileHash,
    ParsedDoc,
    ParseResult,
    Work,
    failure,
    parse_batch,
    parse_one,
    sha256_file,
)

_PRELOAD = ["pipeline.run.preload"]
# Documents in flight per worker: the one it parses and the next, already in its pipe.
AHEAD = 2
# Documents a run sends each worker before its database is open (HeadStart): about what a worker
# parses meanwhile (opening the database and planning took ~50 ms; a letter takes 5-20 ms).
HEAD_START_PER_WORKER = 8


def _context() -> Any:
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def start_server() -> None:
    """Start the parser fork server now, without waiting for it (it imports spaCy and the readers:
    ~1-2 s of CPU), so that it loads on the other core while the caller opens the database, plans
    the run or starts Prefect. The first WorkerPool then forks from a server that is ready or
    nearly so. A no-op when the server is already running."""
    from multiprocessing import forkserver

    _context()
    forkserver.ensure_running()


def start_early(workers: int, has_files: bool) -> None:
    """The one rule for starting the parser server ahead of a run (`run_ingest`, the flow, the CLI):
    when the run parses in worker processes here (`workers`: 0 for inline or remote parsing) and
    has files to consider (an unchanged rerun still pays for the imports: it is told which files are
    unchanged only after the database opens)."""
    if workers and has_files:
        start_server()


def _vm_bytes() -> int:
    """This process's current virtual memory size (Linux /proc; 0 where unknown)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _worker_main(conn: Connection, limits: Limits) -> None:
    """Worker loop: receive a Work, send back a ParsedDoc or error rows; exit on None or MemoryError."""
    base = _vm_bytes()
    if base:
        cap = base + limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    # The parent gone (killed, or stopped by a signal) shows as EOF or a reset or broken pipe: leave
    # quietly, as when told to stop; a traceback each would only fill the service's log.
    gone = (EOFError, OSError, KeyboardInterrupt)
    while True:
        try:
            work = conn.recv()
        except gone:
            _exit_now()
        if work is None:
            _exit_now()
        result: Any = parse_one(work, limits.max_bytes)
        hit_limit = _hit_memory_limit(result)
        if hit_limit:
            err = MemoryLimit(f"more than {limits.memory_mb} MB while parsing")
            result = [failure(err, p, work.sha256) for p in work.paths]
        try:
            conn.send(result)
        except gone:
            _exit_now()
        if hit_limit:
            return  # the heap may be in a bad state: let the parent start a fresh worker


def _exit_now() -> None:
    """Leave without the interpreter's teardown: every result is already sent, and tearing down
    spaCy's and the rules' objects took ~100 ms a worker, paid by every run at its end."""
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(0)


def _hit_memory_limit(result: Any) -> bool:
    return isinstance(result, list) and bool(result) and result[0].error_code == MemoryLimit.code


_START_LOCK = threading.Lock()


@contextlib.contextmanager
def _main_left_out() -> Iterator[None]:
    """Start children that do not run the parent's main script again.

    multiprocessing tells every child to re-run the parent's `__main__` (as `__mp_main__`), in
    case the target lives there; ours never does (`_worker_main` is in this module). For
    `inspections` that re-ran the CLI's imports in every worker of every run: ~9 ms a worker. The
    fork server's own preload of `__main__` cannot help: CPython 3.11's `ensure_running` looks
    for a key the preparation data does not hold. So the preparation data of the workers started
    inside this block leaves the main-module keys out (everything else, sys.path included, stays).
    """
    real = spawn.get_preparation_data

    def without_main(name: str) -> dict[str, Any]:
        data = real(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data

    with _START_LOCK:
        spawn.get_preparation_data = without_main
        try:
            yield
        finally:
            spawn.get_preparation_data = real


class _Worker:
    def __init__(self, ctx: Any, limits: Limits) -> None:
        parent, child = ctx.Pipe()
        self.conn: Connection = parent
        self.proc = ctx.Process(target=_worker_main, args=(child, limits), daemon=True)
        with _main_left_out():
            self.proc.start()
        child.close()
        # Works sent and not yet answered, in the order sent: the worker parses the first, under
        # `deadline`; the others wait in its pipe.
        self.queue: deque[Work] = deque()
        self.deadline = 0.0

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.conn.send(None)
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


class InlineParser:
    """Parse in this process, without limits (workers=0: debugging, tests that patch the extractor)."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def __enter__(self) -> InlineParser:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def parse_batch(self, works: Sequence[Work]) -> BatchResult:
        return parse_batch(works, self.limits.max_bytes)

    def map(self, works: Iterable[Work]) -> Iterator[ParseResult]:
        """(work, result) for each work, in order, as `WorkerPool.map` yields them."""
        for work in works:
            yield work, parse_one(work, self.limits.max_bytes)


class WorkerPool:
    """`n` worker processes that parse documents one at a time each, under `limits`."""

    def __init__(self, n: int = 1, limits: Limits | None = None) -> None:
        global _SERVER_UP
        self.limits = limits or Limits()
        self.ctx = _context()
        self.workers = [_Worker(self.ctx, self.limits) for _ in range(max(1, n))]
        _SERVER_UP = True

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self, kill: bool = False) -> None:
        """Stop the workers: each after the document it is on, or at once with `kill`."""
        for w in self.workers:
            w.stop(kill=kill)
        self.workers = []

    def send_ahead(self, works: Sequence[Work]) -> None:
        """Queue `works` on the workers in turn now, before anyone asks for their results; `map`
        then collects them with the works it is given (and does not send them again)."""
        for i, work in enumerate(works):
            self._send(self.workers[i % len(self.workers)], work)

    def _send(self, w: _Worker, work: Work) -> None:
        """Queue `work` on `w`; the time limit starts now if it is the only one (else when it comes up)."""
        if not w.queue:
            w.deadline = time.monotonic() + self.limits.seconds
        w.queue.append(work)
        w.conn.send(work)

    def keep_only(self, wanted: Iterable[Work]) -> None:
        """Replace each worker that has a document queued that is not in `wanted` (sent ahead, then
        not needed: stored already, or not in the batch parsed next); its queue is dropped."""
        keep = set(wanted)
        for w in list(self.workers):
            if any(work not in keep for work in w.queue):
                self._replace(w, deque())

    def _replace(self, w: _Worker, todo: deque[Work]) -> None:
        """Kill `w` and start a fresh worker in its place; the documents still queued for `w`
        go back to the front of `todo`, in order."""
        w.stop(kill=True)
        todo.extendleft(reversed(w.queue))
        w.queue.clear()
        self.workers[self.workers.index(w)] = _Worker(self.ctx, self.limits)

    def map(self, works: Iterable[Work]) -> Iterator[ParseResult]:
        """Parse every work, yielding (work, result) as each finishes (not in input order).

        A worker is sent its next document before it answers the current one (`AHEAD`), so it
        starts on it at once instead of waiting for this process to read the answer and send
        more; the time limit runs from when the worker can start a document. Near the end, while
        fewer documents wait than there are workers, each gets one at a time, so that an idle
        worker is not left watching another's queue. A worker that is replaced takes its queued
        documents with it: they go back to the front of the line.
        """
        in_flight = {work for w in self.workers for work in w.queue}  # sent ahead (send_ahead)
        todo = deque(work for work in works if work not in in_flight)
        n = len(self.workers)
        while todo or any(w.queue for w in self.workers):
            for w in self.workers:
                while todo and (not w.queue or (len(w.queue) < AHEAD and len(todo) >= n)):
                    self._send(w, todo.popleft())
            busy = [w for w in self.workers if w.queue]
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = wait([w.conn for w in busy], timeout=timeout)
            for w in busy:
                if w.conn in ready:
                    yield from self._collect(w, todo)
                elif time.monotonic() >= w.deadline:
                    work = w.queue.popleft()
                    err = TimeLimit(f"no result after {self.limits.seconds:g} s")
                    self._replace(w, todo)
                    yield work, [failure(err, p, work.sha256) for p in work.paths]

    def _collect(self, w: _Worker, todo: deque[Work]) -> Iterator[ParseResult]:
        work = w.queue.popleft()
        try:
            result = w.conn.recv()
        except (EOFError, OSError):
            w.proc.join(timeout=5)
            code = w.proc.exitcode
            self._replace(w, todo)
            if code == -signal.SIGABRT:
                # Native code (e.g. a Rust extension) aborts when an allocation is refused: the cap.
                err: Exception = MemoryLimit(f"the parser aborted on an allocation over {self.limits.memory_mb} MB")
            else:
                how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                err = ParserCrashed(how)
            yield work, [failure(err, p, work.sha256) for p in work.paths]
            return
        if not w.proc.is_alive() or _hit_memory_limit(result):
            self._replace(w, todo)
        elif w.queue:
            w.deadline = time.monotonic() + self.limits.seconds  # it has started on the next one
        yield work, result

    def parse_batch(self, works: Sequence[Work]) -> BatchResult:
        """Parse a batch through the pool: the same BatchResult as ingest.parse_batch, under limits."""
        docs: list[ParsedDoc] = []
        errors: list[ErrorRow] = []
        order = {w.sha256: i for i, w in enumerate(works)}
        for _work, result in self.map(works):
            if isinstance(result, ParsedDoc):
                docs.append(result)
            else:
                errors.extend(result)
        docs.sort(key=lambda d: order[d.sha256])
        return BatchResult(docs, errors, n_works=len(works))


def parser_for(settings: IngestSettings) -> WorkerPool | InlineParser:
    """The parser a run's settings ask for: a guarded pool of `workers` processes, or inline for 0."""
    if settings.workers == 0:
        return InlineParser(settings.limits)
    return WorkerPool(settings.workers, settings.limits)


def changed_since(db_path: str | os.PathLike[str], files: Sequence[str]) -> list[str]:
    """The files modified at or after the database file's last write (all of them without one)."""
    try:
        since = os.stat(db_path).st_mtime_ns
    except OSError:
        return list(files)
    out = []
    for path in files:
        with contextlib.suppress(OSError):
            if os.stat(path).st_mtime_ns >= since:
                out.append(path)
    return out


# Whether this process has started a worker pool: its fork server is then up, with spaCy loaded,
# and a new pool starts in milliseconds.
_SERVER_UP = False


class HeadStart:
    """A run's worker pool started, and its first files sent to it, while the database opens.

    Opening the database and planning took ~50 ms of a run, during which the workers stood idle:
    parsing could only start once the plan said which files are new. With a head start, a thread
    starts the pool and sends each worker its first `HEAD_START_PER_WORKER` files (in the order
    runs take them: sorted by path) as the database opens. `parser(wanted)` then hands over the
    pool, after replacing any worker holding a file the run does not want first (stored already,
    or not in the flow's first batch): a file parsed ahead for nothing cost a core that would
    have idled, and a fork; none is parsed twice. A run with nothing to parse kills the pool on
    leaving.

    Of those first files, only the ones modified since the database file was last written are sent
    (all of them when there is no database yet): they are the ones the plan will most likely parse.
    Their hashes are kept (`hashed`: path -> size, mtime, hash) for the plan, which would otherwise
    read and hash those files a second time.
    An unchanged rerun sends none and starts no pool (starting and killing one added 10-17 ms to an
    unchanged rerun of the 90 bench documents, ~40 ms before); a file older than the database that
    is new to it (copied with its times kept) is parsed as usual, only not ahead.

    Only in a process whose fork server is up (`_SERVER_UP`: one that has run an ingest before, as a
    script calling `run_ingest` again, the benchmark or tests do; a CLI run and each run of a served
    deployment are new processes): in a fresh process the first pool waits ~1-2 s for the server's
    imports, which already run while the database opens (`start_early`), and an unchanged rerun
    would wait for them too.
    """

    def __init__(self, settings: IngestSettings, files: Sequence[str], db_path: str | os.PathLike[str]) -> None:
        self.settings = settings
        # Files the head start hashed (path -> size, mtime, hash): the plan need not hash them again.
        self.hashed: dict[str, FileHash] = {}
        self._pool: WorkerPool | None = None
        self._thread: threading.Thread | None = None
        if settings.workers and files and _SERVER_UP:
            first = changed_since(db_path, files[: settings.workers * HEAD_START_PER_WORKER])
            if first:
                self._thread = threading.Thread(target=self._start, args=(first,), name="inspections-head-start")
                self._thread.start()

    def _start(self, files: list[str]) -> None:
        """The thread: start the pool and send it `files` (or leave no pool, and the run starts one)."""
        try:
            pool = WorkerPool(self.settings.workers, self.settings.limits)
        except Exception:  # the run starts its pool as it would have without a head start
            return
        works = []
        for path in files:
            with contextlib.suppress(OSError):  # the plan records the error
                st = os.stat(path)
                sha = sha256_file(path)
                self.hashed[path] = (st.st_size, st.st_mtime_ns, sha)
                works.append(Work(sha, (path,), ((st.st_size, st.st_mtime_ns),)))
        try:
            pool.send_ahead(works)
        except Exception:
            pool.close(kill=True)
            return
        self._pool = pool

    def _take(self) -> WorkerPool | None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        pool, self._pool = self._pool, None
        return pool

    def parser(self, wanted: Sequence[Work]) -> WorkerPool | InlineParser:
        """The run's parser: the pool started early, holding only files of `wanted` (what the run
        parses: run_ingest and the local flow stream all of them through it), or else
        `parser_for(settings)`."""
        pool = self._take()
        if pool is None:
            return parser_for(self.settings)
        pool.keep_only(wanted)
        return pool

    def __enter__(self) -> HeadStart:
        return self

    def __exit__(self, *exc: object) -> None:
        pool = self._take()
        if pool is not None:  # never handed over: nothing to parse, or the run failed
            pool.close(kill=True)


_HOST_POOL: WorkerPool | None = None


def parse_on_this_host(works: Sequence[Work], limits: Limits) -> BatchResult:
    """Parse a batch on whichever machine runs this (a Dask worker), through one pool kept per process.

    Where the process may not start children (a daemonic Dask worker), it parses inline instead,
    and the limits do not apply: configure workers with `distributed.worker.daemon: False`.
    """
    global _HOST_POOL
    if _HOST_POOL is None or _HOST_POOL.limits != limits:
        try:
            _HOST_POOL = WorkerPool(1, limits)
        except AssertionError:  # "daemonic processes are not allowed to have children"
            return InlineParser(limits).parse_batch(works)
    return _HOST_POOL.parse_batch(works)
