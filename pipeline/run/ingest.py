"""Ingest as plain functions: discover files, plan against the database, parse batches, load them.

pipeline/run/flows.py wraps these in Prefect tasks; `run_ingest` runs the same steps in order without
Prefect (tests, `inspections ingest --no-prefect`). One file's failure never stops a batch: it
becomes an `ingest_errors` row with the error's code and a message saying what to do. What a
parser takes and gives (`Work`, `ParsedDoc`, `ErrorRow`), and parsing itself, are in
pipeline/run/work.py; the guarded worker pool that parses is pipeline/run/workers.py.
"""

from __future__ import annotations

import gc
import os
import signal
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from extractors import EXTRACTOR_VERSION
from extractors.errors import UnreadableFolder
from extractors.paths import path_text
from pipeline.errors import BadArguments, TransientError
from pipeline.run.progress import Progress
from pipeline.run.settings import IngestSettings
from pipeline.run.work import BatchResult, ErrorRow, FileHash, ParsedDoc, ParseResult, Work, failure, sha256_file
from pipeline.run.workers import HeadStart, start_early
from pipeline.store import rows as R
from pipeline.store.db import Database, publish_snapshot, snapshot_path

T = TypeVar("T")
# Files that are the pipeline's own outputs, never documents.
OWN_OUTPUT_SUFFIXES = (".duckdb", ".duckdb.wal", ".wal")


@dataclass
class Plan:
    """What a run will do: files found, contents to parse, contents already stored, early failures."""

    files: list[str]
    skipped: list[str]
    to_parse: list[Work]
    unchanged: list[Work]
    errors: list[ErrorRow]
    # Paths whose stored (doc_id, path) pair has the file's size and mtime: only seen again.
    same: set[str] = field(default_factory=set)


@dataclass
class IngestSummary:
    """The outcome of a run, as printed by the CLI and returned by the flow."""

    run_id: str
    db_path: str
    n_files: int = 0
    n_skipped: int = 0
    n_new: int = 0
    n_updated: int = 0
    n_unchanged: int = 0
    n_failed: int = 0
    n_new_paths: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)
    rows_total: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    errors: list[ErrorRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # What the run's loads touched, for lineage: (provider, service area) pairs, before and after
    # the load, and the documents loaded.
    touched_units: set[tuple[str | None, str | None]] = field(default_factory=set)
    touched_docs: set[str] = field(default_factory=set)
    # Whether the run changed what the database holds beyond its bookkeeping (its own row in `runs`,
    # when documents and paths were last seen): documents, paths, errors, an earlier killed or
    # failed run's loads, or the schema and views (a new version's, applied on open).
    changed: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "files": self.n_files,
            "new": self.n_new,
            "updated": self.n_updated,
            "unchanged": self.n_unchanged,
            "failed": self.n_failed,
            "skipped": self.n_skipped,
        }

    def add_rows(self, written: dict[str, int]) -> None:
        for table, n in written.items():
            self.rows_written[table] = self.rows_written.get(table, 0) + n


# -- discover ---------------------------------------------------------------------------------


def _is_own_output(path: str, exclude: set[str]) -> bool:
    return path in exclude or path.endswith(OWN_OUTPUT_SUFFIXES)


def discover(
    paths: Sequence[str | Path],
    extensions: Iterable[str],
    exclude: Iterable[str | Path] = (),
    unreadable: list[OSError] | None = None,
) -> tuple[list[str], list[str]]:
    """Absolute paths of the files to ingest (sorted) and of files skipped for their extension.

    Folders are walked recursively, skipping hidden files and folders and our own outputs (the
    database). A file named directly is always taken: readers detect the format from its bytes.
    A folder that cannot be listed (permissions) is appended to `unreadable`, for the plan to record.
    """
    found: set[str] = set()
    skipped: set[str] = set()
    for path, taken in walk(paths, extensions, exclude, unreadable):
        (found if taken else skipped).add(path)
    return sorted(found), sorted(skipped)


def walk(
    paths: Sequence[str | Path],
    extensions: Iterable[str],
    exclude: Iterable[str | Path] = (),
    unreadable: list[OSError] | None = None,
) -> Iterator[tuple[str, bool]]:
    """`discover`'s walk, lazily and unsorted: (absolute path, taken) for each file it meets.

    os.walk passes over a folder it cannot list in silence; with `unreadable`, its error goes there.
    """
    exts = {e.lower() for e in extensions}
    excluded = {os.path.abspath(p) for p in exclude} | {os.path.abspath(p) + ".wal" for p in exclude}
    for given in paths:
        top = os.path.abspath(given)
        if os.path.isfile(top):
            if not _is_own_output(top, excluded):
                yield top, True
            continue
        if not os.path.isdir(top):
            raise BadArguments(f"no such file or folder: {given}")
        for folder, dirs, names in os.walk(top, onerror=None if unreadable is None else unreadable.append):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in names:
                full = os.path.join(folder, name)
                if name.startswith(".") or _is_own_output(full, excluded) or not os.path.isfile(full):
                    continue
                yield full, os.path.splitext(name)[1].lower() in exts


def has_files(paths: Sequence[str | Path], extensions: Iterable[str], exclude: Iterable[str | Path] = ()) -> bool:
    """Whether `discover` would find any file to ingest; stops at the first one."""
    return any(taken for _, taken in walk(paths, extensions, exclude))


def folder_failure(exc: OSError) -> ErrorRow:
    """The error row for a folder `discover` could not list (its files were never seen)."""
    folder = str(exc.filename)
    return failure(UnreadableFolder(f"{exc.strerror or exc}: {folder}"), folder)


def plan(
    db: Database,
    files: Sequence[str],
    skipped: Sequence[str] = (),
    reprocess: bool = False,
    hashed: Mapping[str, FileHash] | None = None,
    unreadable: Sequence[OSError] = (),
) -> Plan:
    """Split the files' distinct contents into to-parse and already-stored, hashing only what changed.

    A path whose size and mtime equal those stored at the last run keeps its stored hash (the
    cheap path: a rerun over an unchanged archive reads no file). Other files are hashed, unless
    `hashed` (path -> size, mtime, hash: the run's head start hashed them moments ago) holds the
    file with its current size and mtime. A content already stored is unchanged, unless
    `reprocess` is set and it was extracted by another extractor version. Files with equal bytes
    become one Work with all their paths. Each folder `discover` could not list is an error row.
    """
    hashed = hashed or {}
    by_hash: dict[str, list[str]] = {}
    errors = [folder_failure(exc) for exc in unreadable]
    same: set[str] = set()
    known = db.path_stats()
    stat_of: dict[str, tuple[int, int]] = {}
    for path in files:
        try:
            st = os.stat(path)
            stat_of[path] = (st.st_size, st.st_mtime_ns)
            seen = known.get(path_text(path))
            if seen is not None and seen[1:3] == (st.st_size, st.st_mtime_ns):
                sha = seen[0]
                same.add(path)
            elif (fresh := hashed.get(path)) is not None and fresh[:2] == (st.st_size, st.st_mtime_ns):
                sha = fresh[2]
            else:
                sha = sha256_file(path)
            by_hash.setdefault(sha, []).append(path)
        except OSError as exc:
            errors.append(failure(exc, path))
    works = [Work(sha, tuple(ps), tuple(stat_of[p] for p in ps)) for sha, ps in by_hash.items()]
    # The stored versions of contents found at known paths came with their stats; ask for the rest.
    stored = {doc_id: version for doc_id, _, _, version in known.values() if version is not None}
    stored.update(db.known_versions([w.sha256 for w in works if w.sha256 not in stored]))

    def needs_parse(w: Work) -> bool:
        version = stored.get(w.sha256)
        return version is None or (reprocess and version != EXTRACTOR_VERSION)

    to_parse = sorted((w for w in works if needs_parse(w)), key=lambda w: w.paths[0])
    unchanged = sorted((w for w in works if not needs_parse(w)), key=lambda w: w.paths[0])
    return Plan(list(files), list(skipped), to_parse, unchanged, errors, same)


def batches(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of at most `size` items."""
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


# -- parse ------------------------------------------------------------------------------------


def parsed_batches(results: Iterable[ParseResult], size: int, loader_busy: Callable[[], bool]) -> Iterator[BatchResult]:
    """Group parse results, in the order they finish, into batches to load: a batch once `size`
    results wait and the loader is free (at `2 * size`, even if it is not: memory stays bounded),
    the rest at the end. The parser is never made to wait for a load, nor to drain between
    batches: with 2 workers, waiting for the last document of each fixed batch (and then for the
    load before it) left a worker idle 15-60 ms at each batch boundary."""
    docs: list[ParsedDoc] = []
    errors: list[ErrorRow] = []
    n = 0
    for _work, result in results:
        n += 1
        if isinstance(result, ParsedDoc):
            docs.append(result)
        else:
            errors.extend(result)
        if n >= size and (n >= 2 * size or not loader_busy()):
            yield BatchResult(docs, errors, n_works=n)
            docs, errors, n = [], [], 0
    if n:
        yield BatchResult(docs, errors, n_works=n)


# -- load -------------------------------------------------------------------------------------


def _path_rows(
    doc_id: str, paths: Sequence[str], run_id: str, stats: Sequence[tuple[int, int]] = ()
) -> list[dict[str, Any]]:
    """`document_paths` rows: each path with its size and mtime as they were when hashed (`stats`,
    aligned with `paths`: see Work.stats), or as they are now where those are not known."""
    rows = []
    for i, p in enumerate(paths):
        size: int | None
        mtime: int | None
        if i < len(stats):
            size, mtime = stats[i]
        else:
            try:
                st = os.stat(p)
                size, mtime = st.st_size, st.st_mtime_ns
            except OSError:
                size = mtime = None
        text = path_text(p)
        rows.append(
            {
                "doc_id": doc_id, "path": text, "name": os.path.basename(text), "first_seen_run": run_id,
                "last_seen_run": run_id, "size_bytes": size, "mtime_ns": mtime,
            }
        )  # fmt: skip
    return rows


def load_batch(db: Database, run_id: str, batch: BatchResult, summary: IngestSummary) -> dict[str, int]:
    """Replace the batch's documents (all their rows) and record its failures, in one transaction."""
    doc_ids = list(dict.fromkeys(d.sha256 for d in batch.docs))
    docs = list({d.sha256: d for d in batch.docs}.values())
    written: dict[str, int] = {}
    with db.transaction():
        first_seen = db.first_seen(doc_ids)
        replaced = [i for i in doc_ids if i in first_seen]
        # Lineage units the replaced documents leave (and those the loaded ones join, below).
        units = db.units_of(replaced)
        # A document's rows are written with its `documents` row, in one transaction: a content not
        # in `documents` has no rows to replace (ten DELETEs saved, ~20 ms, on a batch of new ones).
        db.delete_documents(replaced)
        merged = R.merge([d.rows for d in docs])
        for row in merged.get("documents", []):
            row["first_seen_run"] = first_seen.get(row["doc_id"], run_id)
            row["last_seen_run"] = run_id
        for table in R.RECORD_TABLES:
            written[table] = db.insert(table, R.to_arrow(merged.get(table, [])))
        # A content stored for the first time has no (doc_id, path) pair yet: its paths are plain inserts.
        fresh: list[dict[str, Any]] = []
        stored: list[dict[str, Any]] = []
        for d in batch.docs:
            (stored if d.sha256 in first_seen else fresh).extend(_path_rows(d.sha256, d.paths, run_id, d.stats))
        written["document_paths"] = db.insert("document_paths", fresh) + db.upsert_paths(stored)
        written["ingest_errors"] = db.insert("ingest_errors", [e.row(run_id) for e in batch.errors])
    summary.touched_units |= units | {(r["provider"], r["service_area"]) for r in merged.get("documents", [])}
    summary.touched_docs.update(doc_ids)
    summary.n_new += sum(1 for i in doc_ids if i not in first_seen)
    summary.n_updated += sum(1 for i in doc_ids if i in first_seen)
    summary.n_failed += len(batch.errors)
    summary.n_new_paths += written["document_paths"]
    summary.errors += batch.errors
    summary.add_rows(written)
    return written


# Waits before retrying a batch load that found the database busy (TransientError), then give up.
LOAD_RETRY_DELAYS = (2.0, 10.0)


def with_retries(load: Callable[[], T], delays: Sequence[float] = LOAD_RETRY_DELAYS) -> T:
    """Run `load`; when it fails with a TransientError (a busy database: its transaction rolled
    back), wait and run it again, once per delay. Any other error, or the last one, is raised."""
    for delay in delays:
        try:
            return load()
        except TransientError:
            time.sleep(delay)
    return load()


class BackgroundLoader:
    """Loads parsed batches in one background thread, in order, while the next batch parses.

    At most one load runs at a time and at most one parsed batch waits (memory stays bounded);
    `submit` first waits for the previous load and re-raises its error, so a failed load stops
    the run where it would have stopped without the thread. DuckDB releases the GIL while it
    works, so loading costs the parsing side little. Leaving the block waits for the last load.
    """

    def __init__(self, load: Callable[[BatchResult], Any]) -> None:
        self._load = load
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inspections-load")
        self._pending: Future[Any] | None = None

    def __enter__(self) -> BackgroundLoader:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        try:
            if exc_type is None:
                self.wait()
            elif self._pending is not None:
                with suppress(Exception):  # the run already failed: that error is the one to report
                    self._pending.result()
        finally:
            self._pool.shutdown(wait=True)

    def wait(self) -> None:
        """Block until the load in flight (if any) has committed; raise its error."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def submit(self, batch: BatchResult) -> None:
        self.wait()
        self._pending = self._pool.submit(self._load, batch)

    def busy(self) -> bool:
        """Whether a load is still running (`submit` would wait for it)."""
        return self._pending is not None and not self._pending.done()


def run_loader(db: Database, summary: IngestSummary) -> BackgroundLoader:
    """The run's loader: each parsed batch loaded in the background, retried while the database is busy."""
    return BackgroundLoader(lambda batch: with_retries(lambda: load_batch(db, summary.run_id, batch, summary)))


def record_plan(db: Database, run_id: str, the_plan: Plan, summary: IngestSummary) -> None:
    """Mark unchanged documents (and any new paths to them) as seen, and store early failures."""
    same: list[tuple[str, str]] = []
    other: list[dict[str, Any]] = []  # path rows of new (document, path) pairs and of new stats
    for w in the_plan.unchanged:
        for i, p in enumerate(w.paths):
            if p in the_plan.same:
                same.append((w.sha256, path_text(p)))
            else:
                other.extend(_path_rows(w.sha256, [p], run_id, w.stats[i : i + 1]))
    with db.transaction():
        db.touch_documents([w.sha256 for w in the_plan.unchanged], run_id)
        # A pair stored with the file's stats is only seen again (an UPDATE: the upsert and its two
        # counts took ~7 ms of an unchanged 90-document rerun); new pairs and new stats go in whole.
        db.touch_paths(same, run_id)
        new_paths = db.upsert_paths(other)
        n_errors = db.insert("ingest_errors", [e.row(run_id) for e in the_plan.errors])
    summary.n_files = len(the_plan.files)
    summary.n_skipped = len(the_plan.skipped)
    summary.skipped = list(the_plan.skipped)
    summary.n_unchanged = len(the_plan.unchanged)
    summary.n_failed += len(the_plan.errors)
    summary.n_new_paths += new_paths
    summary.errors += the_plan.errors
    summary.add_rows({"document_paths": new_paths, "ingest_errors": n_errors})


# -- a run ------------------------------------------------------------------------------------


def new_run_id() -> str:
    """Sortable and unique: UTC time plus 6 random hex digits."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def failure_reason(exc: BaseException) -> str:
    """What a failed run's row says: the exception's type and text; for a signal that carries only
    its number (Prefect's TerminationSignal, in a served run), the signal's name."""
    text = str(exc)
    signum = getattr(exc, "signal", None)
    if text in ("", str(signum)) and isinstance(signum, int):
        with suppress(ValueError):
            text = f"stopped by {signal.Signals(signum).name}"
    return f"{type(exc).__name__}: {text}"


@contextmanager
def old_objects_left_alone() -> Iterator[None]:
    """Keep the collector off the objects that existed before the block (`gc.freeze`), then hand
    them back (`gc.unfreeze`); a no-op where something else froze objects already.

    A process that has imported Prefect, DuckDB and pyarrow holds a few hundred thousand objects;
    one full collection during a run walks them all (18 ms measured in an ingest of 90 documents,
    at a moment the collector chooses), on the main process, which a run's last load, lineage and
    checkpoint wait for. Collections during the run then walk only what the run made.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def ingest_run(db: Database, paths: Sequence[str | Path]) -> Iterator[IngestSummary]:
    """Record a run in `runs` around the body: completed with its counts, or failed with the reason."""
    with old_objects_left_alone():
        yield from _ingest_run(db, paths)


def _ingest_run(db: Database, paths: Sequence[str | Path]) -> Iterator[IngestSummary]:
    run_id = new_run_id()
    started = time.perf_counter()
    # A run killed mid-way left its row 'running' (marked 'interrupted' now), a run that failed its
    # row 'failed': either may have loaded batches after the last refresh of area_links and the
    # last snapshot. This run then refreshes both even if it loads nothing.
    stale = db.close_stale_runs()
    db.start_run(run_id, [path_text(str(p)) for p in paths], EXTRACTOR_VERSION)
    summary = IngestSummary(run_id=run_id, db_path=str(db.path))
    try:
        yield summary
    except BaseException as exc:
        summary.seconds = time.perf_counter() - started
        # The database itself may be what failed; then the original error matters more.
        with suppress(Exception):
            db.finish_run(run_id, "failed", summary.counts(), message=failure_reason(exc))
        raise
    summary.seconds = time.perf_counter() - started
    # area_links derive from the stored areas: an unchanged rerun leaves them as they are.
    changed = bool(stale or summary.n_new or summary.n_updated)
    summary.changed = bool(changed or summary.n_failed or summary.n_new_paths or db.schema_applied)
    # Lineage in the units this run's loads touched; everywhere after a killed or failed run (what it
    # loaded is unknown).
    db.finish_run(
        run_id, "completed", summary.counts(), refresh_links=changed,
        units=None if stale else summary.touched_units, doc_ids=summary.touched_docs,
    )  # fmt: skip
    summary.rows_total = db.row_counts()


def run_ingest(
    paths: Sequence[str | Path],
    db_path: str | Path,
    settings: IngestSettings | None = None,
    show_progress: bool = False,
) -> IngestSummary:
    """The whole ingest without Prefect: the steps of pipeline.run.flows.ingest_flow, with the documents
    streamed through the parser and loaded in batches as they finish (`parsed_batches`)."""
    settings = settings or IngestSettings()
    unreadable: list[OSError] = []
    files, skipped = discover(paths, settings.extensions, exclude=[db_path], unreadable=unreadable)
    start_early(settings.workers, bool(files))
    with HeadStart(settings, files, db_path) as head, Database.open(db_path) as db, ingest_run(db, paths) as summary:
        the_plan = plan(db, files, skipped, settings.reprocess, head.hashed, unreadable)
        record_plan(db, summary.run_id, the_plan, summary)
        if the_plan.to_parse:
            with (
                Progress(len(the_plan.to_parse), enabled=show_progress) as progress,
                run_loader(db, summary) as loader,
                head.parser(the_plan.to_parse) as pool,  # left first: the workers stop while the last batch loads
            ):
                for batch in parsed_batches(pool.map(the_plan.to_parse), settings.batch_size, loader.busy):
                    loader.submit(batch)
                    progress.advance(batch.n_works)
    publish(db_path, summary)
    return summary


def publish(db_path: str | Path, summary: IngestSummary) -> None:
    """Publish the snapshot readers fall back to while the next run holds the database: after a run
    that changed the data, or when there is none yet. A run that changed only its bookkeeping (an
    unchanged rerun) leaves the last one: copying an archive's database every night for a new row
    in `runs` and new last-seen marks grows with the archive (~16 ms at 90 documents; seconds at
    tens of thousands, where the filesystem cannot reflink)."""
    if summary.changed or not snapshot_path(db_path).is_file():
        publish_snapshot(db_path)
