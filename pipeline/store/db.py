"""The only module that imports duckdb: schema, transactions, Arrow bulk loads and read-only queries.

Table definitions live in pipeline/store/sql/schema/*.sql and are applied in file-name order on every
open (each is `CREATE ... IF NOT EXISTS`), then the analysis views in pipeline/store/sql/views/*.sql
(each `CREATE OR REPLACE VIEW`). Table names in the SQL below come only from the fixed `TABLES`
tuple or, for exports, from the database's own catalogue; every value is a bound parameter.
DuckDB exceptions leave this module as `TransientError` (retry later: a lock) or `DataError`
(retrying will not help).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.errors import (
    BadArguments,
    BadQuery,
    DamagedDatabase,
    DatabaseLocked,
    DataError,
    NoDatabase,
    NoSpace,
    PipelineError,
    QueryRefused,
    SnapshotNotPublished,
    TransientError,
    os_reason,
)
from pipeline.signals import held
from pipeline.store import lineage, reference
from pipeline.store.rows import RECORD_TABLES

with held():  # Ctrl-C while DuckDB's native module loads would abort the process (pipeline/signals.py)
    import duckdb

SCHEMA_DIR = Path(__file__).parent / "sql" / "schema"
VIEWS_DIR = Path(__file__).parent / "sql" / "views"

# Rows keyed by doc_id that belong to one extraction of a document: replaced together.
# Tables holding one document's extraction: replaced together when a document is re-extracted.
DOCUMENT_TABLES = RECORD_TABLES
# area_links is derived from the stored areas: refreshed at the end of every run that loads documents.
TABLES = (*DOCUMENT_TABLES, "document_paths", "runs", "ingest_errors", "area_links")
# A lineage refresh over units that hold more than this share of the stored documents recomputes
# every link instead (Database.refresh_area_links).
RELINK_ALL_SHARE = 0.5

# One row: the digest of the schema and view files last applied (Database.ensure_schema).
SCHEMA_STATE = "schema_state"
# Reference data reloaded from the package's files with the schema (pipeline/store/reference.py).
REFERENCE_TABLE = "local_authorities"

LOCK_WAIT_SECONDS = 30.0  # a writer waits this long for readers' short queries to finish
_READ_ONLY_TYPES = {"SELECT", "PRAGMA", "EXPLAIN"}
# What DuckDB says of a file that is not a database or whose blocks are damaged (bad header,
# failed block checksum, a file cut short).
_DAMAGED = ("not a valid DuckDB database file", "Corrupt database file", "Could not read enough bytes from file")
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.+?)(?:\. See also|$)")


def _table(name: str) -> str:
    """Return `name` if it is one of our tables (the only way a name reaches SQL text)."""
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}")
    return name


def map_error(exc: duckdb.Error, path: Path | str) -> PipelineError:
    """Translate a DuckDB exception into TransientError (retry may help) or DataError (it will not)."""
    text = str(exc)
    if isinstance(exc, duckdb.IOException) and "Could not set lock" in text:
        m = _LOCK_HOLDER.search(text)
        return DatabaseLocked(f"{path}" + (f", held by {m.group(1)}" if m else ""))
    if isinstance(exc, duckdb.ConnectionException):
        return TransientError(f"{path} is already open in this process in another mode: {text}")
    if "No space left on device" in text:  # before the transaction test: a full disk fails commits too
        return NoSpace(f"{path}: {text}")
    if isinstance(exc, duckdb.TransactionException):
        return TransientError(f"{path}: {text}")
    if any(sign in text for sign in _DAMAGED):
        snap = snapshot_path(path)
        kept = f"; its last published snapshot is {snap}" if snap.is_file() and Path(path) != snap else ""
        return DamagedDatabase(f"{path}: {text}{kept}")
    return DataError(f"{path}: {type(exc).__name__}: {text}")


@contextmanager
def _mapped(path: Path | str) -> Iterator[None]:
    try:
        yield
    except duckdb.Error as exc:
        raise map_error(exc, path) from exc


class Database:
    """A read-write connection to the inspections database; use as a context manager.

    One connection per process: DuckDB's file lock is exclusive across processes, so hold it
    only for the length of a run. Methods are serialised by a lock, so worker threads may call them.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self._con = con
        self.path = path
        self._lock = threading.RLock()
        self.schema_applied = False  # whether opening it (re)applied the schema and views

    @classmethod
    def open(cls, path: Path | str, lock_wait: float = LOCK_WAIT_SECONDS) -> Database:
        """Open (creating the file and its folder if needed) and apply the schema.

        DuckDB admits one writer (or several readers) per file: while a reader's short query holds
        it, keep trying for `lock_wait` seconds before giving up with DatabaseLocked.
        """
        path = Path(path)
        if path.is_dir():
            example = path / "inspections.duckdb"
            raise BadArguments(f"the database {path} is a folder: name a file in it, e.g. {example}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file where the folder should be, or no permission to create it
            raise DataError(f"cannot create the database's folder {path.parent}: {os_reason(exc)}") from exc
        deadline = time.monotonic() + lock_wait
        while True:
            try:
                with _mapped(path):
                    con = duckdb.connect(str(path))
                break
            except DatabaseLocked:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.5)
        db = cls(con, path)
        try:
            db.ensure_schema()
        except BaseException:
            con.close()
            raise
        return db

    def close(self) -> None:
        """Close the connection and let go of it (closing twice is a no-op).

        Prefect keeps a flow's task parameters (this object, for the plan task) until the process
        exits; a connection object still referenced then made DuckDB's bindings print a screen of
        "nanobind: leaked instance" lines after every `inspections ingest`.
        """
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def apply_schema(self) -> list[str]:
        """Run every schema file, then every view file, in name order; safe to repeat. Returns the files applied.

        Records the files' digest in SCHEMA_STATE, for `ensure_schema`.
        """
        return self._apply_schema(*_schema())

    def _apply_schema(self, sources: list[tuple[str, str]], digest: str) -> list[str]:
        with self.transaction():
            for _, sql in sources:
                self._run(sql)
            self._load_reference()
            self._run(f"CREATE TABLE IF NOT EXISTS {SCHEMA_STATE} (digest VARCHAR NOT NULL)")
            self._run(f"DELETE FROM {SCHEMA_STATE}")
            self._run(f"INSERT INTO {SCHEMA_STATE} VALUES (?)", [digest])
        return [name for name, _ in sources]

    def _load_reference(self) -> None:
        """Reload the reference tables (the local-authority table) from the files shipped with the package."""
        self._run(f"DELETE FROM {REFERENCE_TABLE}")
        self._con.register("_arrow_reference_rows", pa.Table.from_pylist(reference.la_rows()))
        try:
            self._run(f"INSERT INTO {REFERENCE_TABLE} BY NAME SELECT * FROM _arrow_reference_rows")
        finally:
            self._con.unregister("_arrow_reference_rows")

    def ensure_schema(self) -> bool:
        """Apply the schema unless these very schema and view files were the last applied to this
        database (their digest is in SCHEMA_STATE). Running the ~20 statements again cost ~60 ms
        of every run, the largest part of an unchanged rerun. Returns whether it applied them."""
        with self._lock:
            try:
                stored = self._con.execute(f"SELECT digest FROM {SCHEMA_STATE}").fetchall()
            except duckdb.CatalogException:  # a database made before SCHEMA_STATE, or a new one
                stored = []
        sources, digest = _schema()
        if stored == [(digest,)]:
            return False
        self._apply_schema(sources, digest)
        self.schema_applied = True
        return True

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """Everything inside commits together or not at all."""
        with self._lock, _mapped(self.path):
            self._run("BEGIN TRANSACTION")
            try:
                yield self
            except BaseException:
                self._run("ROLLBACK")
                raise
            self._run("COMMIT")

    def _run(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        """Execute and drain the result (DuckDB 2 refuses new work while a result is unfinished)."""
        cur = self._con.execute(sql, params or [])
        return cur.fetchall() if cur.description else []

    def _execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        with self._lock, _mapped(self.path):
            self._run(sql, params)

    def _fetchall(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        with self._lock, _mapped(self.path):
            return self._run(sql, params)

    # -- bulk load --------------------------------------------------------------------------

    def insert(self, table: str, rows: pa.Table | list[dict[str, Any]]) -> int:
        """Bulk-insert an Arrow table (or row dicts, converted once) by column name."""
        name = _table(table)
        data = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(rows)
        if data.num_rows == 0:
            return 0
        # DuckDB reads this variable by its name (a replacement scan): registering the table as a
        # view and dropping it again cost ~1 ms more per insert, a dozen times per batch.
        _arrow_insert_rows = data  # noqa: F841
        with self._lock, _mapped(self.path):
            cur = self._con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _arrow_insert_rows")
            if cur.description:
                cur.fetchall()
        return data.num_rows

    # -- documents --------------------------------------------------------------------------

    def known_versions(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """doc_id -> extractor_version for the given ids already stored."""
        if not doc_ids:
            return {}
        rows = self._fetchall(
            "SELECT doc_id, extractor_version FROM documents WHERE doc_id IN (SELECT unnest(?))", [list(doc_ids)]
        )
        return dict(rows)

    def first_seen(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """doc_id -> first_seen_run for the given ids already stored."""
        if not doc_ids:
            return {}
        rows = self._fetchall(
            "SELECT doc_id, first_seen_run FROM documents WHERE doc_id IN (SELECT unnest(?))", [list(doc_ids)]
        )
        return dict(rows)

    def delete_documents(self, doc_ids: Sequence[str]) -> None:
        """Remove the extraction rows (not paths, runs or errors) of these documents."""
        if not doc_ids:
            return
        for table in DOCUMENT_TABLES:
            self._execute(f"DELETE FROM {_table(table)} WHERE doc_id IN (SELECT unnest(?))", [list(doc_ids)])

    def touch_documents(self, doc_ids: Sequence[str], run_id: str) -> None:
        """Mark stored documents as seen again by `run_id`."""
        if doc_ids:
            self._execute(
                "UPDATE documents SET last_seen_run = ? WHERE doc_id IN (SELECT unnest(?))", [run_id, list(doc_ids)]
            )

    def touch_paths(self, pairs: Sequence[tuple[str, str]], run_id: str) -> None:
        """Mark stored (doc_id, path) pairs as seen again by `run_id`."""
        if pairs:
            self._execute(
                "UPDATE document_paths SET last_seen_run = ? FROM (SELECT unnest(?) AS doc_id, unnest(?) AS path) u "
                "WHERE document_paths.doc_id = u.doc_id AND document_paths.path = u.path",
                [run_id, [d for d, _ in pairs], [p for _, p in pairs]],
            )

    def path_stats(self) -> dict[str, tuple[str, int | None, int | None, str | None]]:
        """path -> (doc_id, size_bytes, mtime_ns, extractor_version) as last seen: the cheap
        unchanged-file check, with the stored document's version (None if it has no row), so that
        an unchanged rerun needs no `known_versions` query."""
        rows = self._fetchall(
            "SELECT p.path, p.doc_id, p.size_bytes, p.mtime_ns, d.extractor_version "
            "FROM document_paths p LEFT JOIN documents d USING (doc_id)"
        )
        return {path: (doc_id, size, mtime, version) for path, doc_id, size, mtime, version in rows}

    def close_stale_runs(self) -> bool:
        """Mark runs left 'running' by a killed process as 'interrupted' (their batches either
        committed or not); return whether the most recent run did not complete (killed, failed or
        interrupted). One query when there is nothing to mark: it runs at the start of every run."""
        running, last = self._fetchall(
            "SELECT (SELECT count(*) FROM runs WHERE status = 'running'), "
            "(SELECT status FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1)"
        )[0]
        if running:
            self._execute(
                "UPDATE runs SET status = 'interrupted', message = 'the process ended before the run finished' "
                "WHERE status = 'running'"
            )
        return last not in (None, "completed")

    def upsert_paths(self, rows: list[dict[str, Any]]) -> int:
        """Add (doc_id, path) rows; a pair already stored only gets its last_seen_run and file stats updated."""
        if not rows:
            return 0
        data = pa.Table.from_pylist(rows)
        with self._lock, _mapped(self.path):
            before = self._run("SELECT count(*) FROM document_paths")[0][0]
            self._con.register("_arrow_paths", data)
            try:
                self._run(
                    "INSERT INTO document_paths BY NAME SELECT * FROM _arrow_paths "
                    "ON CONFLICT (doc_id, path) DO UPDATE SET last_seen_run = excluded.last_seen_run, "
                    "size_bytes = excluded.size_bytes, mtime_ns = excluded.mtime_ns"
                )
            finally:
                self._con.unregister("_arrow_paths")
            after = self._run("SELECT count(*) FROM document_paths")[0][0]
        return after - before

    # -- runs -------------------------------------------------------------------------------

    def start_run(self, run_id: str, paths: Sequence[str], extractor_version: str) -> None:
        self._execute(
            "INSERT INTO runs (run_id, started_at, paths, status, extractor_version) VALUES (?, ?, ?, 'running', ?)",
            [run_id, datetime.now(UTC), list(paths), extractor_version],
        )

    def finish_run(
        self,
        run_id: str,
        status: str,
        counts: dict[str, int],
        message: str | None = None,
        refresh_links: bool = True,
        units: Iterable[tuple[str | None, str | None]] | None = None,
        doc_ids: Iterable[str] = (),
    ) -> None:
        """Close the run's row, then (unless told nothing changed) recompute area_links so lineage
        covers every document loaded so far: only in the lineage units the run touched when
        `units` is given (see `refresh_area_links`), else over every stored area."""
        self._execute(
            "UPDATE runs SET finished_at = ?, status = ?, message = ?, n_files = ?, n_new = ?, n_updated = ?, "
            "n_unchanged = ?, n_failed = ?, n_skipped = ? WHERE run_id = ?",
            [
                datetime.now(UTC),
                status,
                message,
                counts.get("files"),
                counts.get("new"),
                counts.get("updated"),
                counts.get("unchanged"),
                counts.get("failed"),
                counts.get("skipped"),
                run_id,
            ],
        )
        if refresh_links:
            self.refresh_area_links(units=units, doc_ids=doc_ids)

    # -- area lineage -----------------------------------------------------------------------

    def refresh_area_links(
        self,
        min_similarity: float = lineage.DEFAULT_MIN_SIMILARITY,
        units: Iterable[tuple[str | None, str | None]] | None = None,
        doc_ids: Iterable[str] = (),
        full_share: float = RELINK_ALL_SHARE,
    ) -> int:
        """Recompute table area_links (pipeline/store/lineage.py), in one transaction; returns the links written.

        Without `units`: from every stored area. With `units` ((provider, service area) pairs as
        stored, compared as lineage compares them): only the links of those units. Links never
        cross units, so the others stand, and a nightly run's cost follows its own documents, not
        the archive. The caller names the units its documents had before and after it loaded
        them, and the documents themselves (`doc_ids`): a document that left every unit (no
        provider now) loses its old links too. When the units hold more than `full_share` of the
        stored documents (a first run), everything is recomputed: one pass is cheaper than picking.
        """
        with self.transaction():
            if units is None:
                return self._relink(None, (), min_similarity)
            wanted = {lineage.unit_of(p, s) for p, s in units if p is not None}
            pairs = self._run(
                "SELECT provider, service_area, count(*) FROM documents WHERE provider IS NOT NULL GROUP BY ALL"
            )
            chosen = {(p, s) for p, s, _ in pairs if lineage.unit_of(p, s) in wanted}
            if sum(n for p, s, n in pairs if (p, s) in chosen) > full_share * sum(n for *_, n in pairs):
                return self._relink(None, (), min_similarity)
            docs = self._run(
                "SELECT doc_id, provider, service_area FROM documents WHERE provider IN (SELECT unnest(?))",
                [sorted({p for p, _ in chosen})],
            )
            unit_docs = [d for d, p, s in docs if (p, s) in chosen]
            return self._relink(unit_docs, doc_ids, min_similarity)

    def _relink(self, unit_docs: list[str] | None, left: Iterable[str], min_similarity: float) -> int:
        """area_links of the documents `unit_docs` (every document: None) recomputed; also drops the
        links of the documents `left` (inside a transaction)."""
        sql = (
            "SELECT a.doc_id, a.area_no, d.provider, d.service_area, d.date, d.name, a.text "
            "FROM areas_for_improvement a JOIN documents d USING (doc_id) "
            "WHERE d.provider IS NOT NULL AND d.date IS NOT NULL"
        )
        if unit_docs is None:
            rows = self._run(sql)
            self._run("DELETE FROM area_links")
        else:
            rows = self._run(sql + " AND d.doc_id IN (SELECT unnest(?))", [unit_docs]) if unit_docs else []
            self._run("DELETE FROM area_links WHERE doc_id IN (SELECT unnest(?))", [[*unit_docs, *left]])
        links = lineage.link_areas([lineage.Area(*r) for r in rows], min_similarity)
        self.insert("area_links", [link.row() for link in links])
        return len(links)

    def units_of(self, doc_ids: Sequence[str]) -> set[tuple[str | None, str | None]]:
        """The (provider, service area) pairs of these stored documents, as stored."""
        if not doc_ids:
            return set()
        rows = self._fetchall(
            "SELECT DISTINCT provider, service_area FROM documents WHERE doc_id IN (SELECT unnest(?))", [list(doc_ids)]
        )
        return {(p, s) for p, s in rows}

    def row_counts(self) -> dict[str, int]:
        """Rows per table."""
        # One statement, not eleven (~5 ms a run): labelled counts in a UNION ALL (~2 ms). Scalar
        # subqueries in one SELECT took ~29 ms: DuckDB planned each as a join.
        union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {_table(t)}" for t in TABLES)
        counts = dict(self._fetchall(union))
        return {t: counts[t] for t in TABLES}


# -- read-only queries ----------------------------------------------------------------------


@dataclass(frozen=True)
class QueryResult:
    """Column names and rows of a query."""

    columns: list[str]
    rows: list[tuple]

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]


def check_read_only(sql: str) -> None:
    """Refuse anything but one read-only statement (the read-only connection is the first guard)."""
    if not sql.strip():
        raise QueryRefused("the query is empty")
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise BadQuery(f"the query does not parse: {exc}") from exc
    if len(statements) != 1:
        raise QueryRefused(f"{len(statements)} statements given")
    kind = statements[0].type.name
    if kind not in _READ_ONLY_TYPES:
        raise QueryRefused(f"{kind} statement")
    if kind == "EXPLAIN":
        # EXPLAIN ANALYZE runs its statement: only allow it around a read-only one.
        inner = re.sub(r"^\s*EXPLAIN\s+(ANALY[SZ]E\s+)?", "", statements[0].query, flags=re.IGNORECASE)
        check_read_only(inner)


Params = Sequence[Any] | Mapping[str, Any] | None


def _bind(params: Params) -> list[Any] | dict[str, Any]:
    """Positional (`?`, `$1`) parameters as a list, named (`$name`) ones as a dict."""
    if isinstance(params, Mapping):
        return dict(params)
    return list(params) if params else []


def snapshot_path(path: Path | str) -> Path:
    """Where the read snapshot of a database is published: beside it, `<name>.snapshot.duckdb`."""
    path = Path(path)
    return path.with_name(path.stem + ".snapshot" + path.suffix)


@cache
def _schema() -> tuple[list[tuple[str, str]], str]:
    """The schema and view files, ("schema/001_x.sql", its SQL) in name order, and their digest.

    The digest covers the reference data loaded with them too (the local-authority table), so a
    changed table is loaded again. Read once per process (every run opens the database and compares
    the digest: reading and hashing the ~20 files each time cost ~1 ms of every unchanged rerun's ~40).
    """
    files = sorted(SCHEMA_DIR.glob("*.sql")) + sorted(VIEWS_DIR.glob("*.sql"))
    sources = [(f"{f.parent.name}/{f.name}", f.read_text(encoding="utf-8")) for f in files]
    h = hashlib.sha256()
    for name, sql in sources:
        h.update(f"{name}\0{sql}\0".encode())
    h.update(f"reference/local_authorities.json\0{reference.la_text()}\0".encode())
    return sources, h.hexdigest()


def publish_snapshot(path: Path | str) -> Path:
    """Copy a closed, checkpointed database to its snapshot path atomically (write, then rename).

    Readers that find the database locked by a writer read this snapshot instead: the state at
    the end of the last completed run, never a half-written one. A reader with the old snapshot
    open keeps reading it (rename replaces the name, not the open file).

    A snapshot that cannot be refreshed (a full disk, say) is removed with its temporary copy
    rather than left behind: readers must not take an older state for the last completed run's,
    and the next run, finding none, publishes one. So is a database whose close could not
    checkpoint its write-ahead log (DuckDB leaves the .wal then, and says nothing): a copy of the
    file alone would lack the log's transactions. Raises SnapshotNotPublished.
    """
    path = Path(path)
    target = snapshot_path(path)
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    try:
        wal = path.with_name(path.name + ".wal")
        if wal.is_file() and wal.stat().st_size:
            raise OSError(f"{wal.name} is still there after the database closed: its checkpoint failed (a full disk?)")
        _copy(path, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        for leftover in (tmp, target):
            with suppress(OSError):
                leftover.unlink()
        raise SnapshotNotPublished(f"{target}: {exc.strerror or exc}") from exc
    return target


# Linux's FICLONE ioctl (linux/fs.h): the copy shares the source's blocks until either is written.
_FICLONE = 0x40049409


def _copy(src: Path, dst: Path) -> None:
    """Copy a file: a reflink where the filesystem makes one (XFS, Btrfs: instant, no extra space for
    an archive's database of gigabytes, every run), else a plain copy (ext4 and the rest)."""
    try:
        import fcntl

        with open(src, "rb") as s, open(dst, "wb") as d:
            fcntl.ioctl(d.fileno(), _FICLONE, s.fileno())
        return
    except (ImportError, OSError):
        pass  # no reflinks here: copy the bytes
    shutil.copyfile(src, dst)


@contextmanager
def _reader(path: Path, external_access: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; without external access unless asked (exports write files).

    While an ingest holds the database (one writer, no readers, in DuckDB), read the snapshot
    published at the end of the last run, and say so on stderr.
    """
    if not path.is_file():
        raise NoDatabase(f"no database at {path}")
    config = {"enable_external_access": external_access}
    try:
        with _mapped(path):
            con = duckdb.connect(str(path), read_only=True, config=config)
    except DatabaseLocked:
        snap = snapshot_path(path)
        if not snap.is_file():
            raise
        when = datetime.fromtimestamp(snap.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        print(f"note: {path} is being written by an ingest; reading its snapshot of {when}", file=sys.stderr)
        with _mapped(snap):
            con = duckdb.connect(str(snap), read_only=True, config=config)
    try:
        with _mapped(path):  # errors while the caller queries are mapped too
            yield con
    finally:
        con.close()


# Errors in the statement itself (its syntax, names, types, values), not in the database: the caller's to fix.
_QUERY_ERRORS = (
    duckdb.ParserException,
    duckdb.BinderException,
    duckdb.CatalogException,
    duckdb.ConversionException,
    duckdb.InvalidInputException,
    duckdb.OutOfRangeException,
    duckdb.TypeMismatchException,
)


def _result(con: duckdb.DuckDBPyConnection, sql: str, params: Params) -> QueryResult:
    try:
        cur = con.execute(sql, _bind(params))
    except _QUERY_ERRORS as exc:
        raise BadQuery(f"{type(exc).__name__}: {exc}") from exc
    except duckdb.PermissionException as exc:  # read_csv(), COPY ... TO, ATTACH: no file access from queries
        raise QueryRefused(f"file access from a query ({exc})") from exc
    columns = [d[0] for d in cur.description] if cur.description else []
    rows = cur.fetchall() if cur.description else []
    return QueryResult(columns, rows)


def query(db_path: Path | str, sql: str, params: Params = None) -> QueryResult:
    """Run one read-only statement with bound parameters (a list, or a dict for `$name`) read-only."""
    check_read_only(sql)
    # No file access beyond the database itself: read_csv(), COPY ... TO and ATTACH are refused.
    with _reader(Path(db_path)) as con:
        return _result(con, sql, params)


def query_many(db_path: Path | str, statements: Sequence[tuple[str, Params]]) -> list[QueryResult]:
    """Several read-only statements on one read-only connection (a report's queries)."""
    for sql, _ in statements:
        check_read_only(sql)
    with _reader(Path(db_path)) as con:
        return [_result(con, sql, params) for sql, params in statements]


@contextmanager
def reading(db_path: Path | str) -> Iterator[Callable[[str, Params], QueryResult]]:
    """One read-only connection for a caller whose next query depends on the last (a review page
    finds its documents, then reads their rows): yields `run(sql, params)`, each statement checked."""
    with _reader(Path(db_path)) as con:

        def run(sql: str, params: Params = None) -> QueryResult:
            check_read_only(sql)
            return _result(con, sql, params)

        yield run


# -- exports --------------------------------------------------------------------------------

_COPY_OPTIONS = {"parquet": "(FORMAT parquet)", "csv": "(FORMAT csv, HEADER true)"}


def relations(db_path: Path | str) -> list[tuple[str, str]]:
    """(name, 'table' | 'view') of every table and view in the database, tables first, by name."""
    sql = (
        "SELECT table_name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END AS kind "
        "FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = current_database() "
        f"AND table_name <> '{SCHEMA_STATE}' ORDER BY kind, table_name"
    )
    return [(name, kind) for name, kind in query(db_path, sql).rows]


def copy_relations(db_path: Path | str, targets: Sequence[tuple[str, Path]], fmt: str) -> dict[str, int]:
    """COPY each named table or view to its target file (validated by the caller); rows written per name.

    Names and paths are bound parameters (`query_table($name)`, `TO $path`); only the fixed format
    options are SQL text. The connection is read-only; external access is on only to write files.
    """
    options = _COPY_OPTIONS[fmt]
    known = {name for name, _ in relations(db_path)}
    counts: dict[str, int] = {}
    with _reader(Path(db_path), external_access=True) as con:
        for name, target in targets:
            if name not in known:
                raise DataError(f"no table or view {name!r} in {db_path}")
            con.execute(f"COPY (FROM query_table($name)) TO $path {options}", {"name": name, "path": str(target)})
            counts[name] = con.execute("SELECT count(*) FROM query_table($name)", {"name": name}).fetchall()[0][0]
    return counts
