"""What parsing takes and gives, and parsing in this process: shared by ingest and the worker pool.

A `Work` (one distinct content: its hash and the paths it was found at) goes to a parser, in this
process (`parse_one`, `parse_batch`) or in a worker (pipeline/run/workers.py), and comes back as a
`ParsedDoc` (the document's rows) or as `ErrorRow`s, one per path. pipeline/run/ingest.py plans the
works and loads the results, and starts the worker pool; the pool runs `parse_one` in each worker.
Both take these from here, so the imports run one way: ingest -> workers -> work (and settings).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractors.errors import ExtractionError, MemoryLimit, ReadError
from extractors.paths import path_text
from pipeline.store import rows as R

if TYPE_CHECKING:
    from schemas.document import Document
    from schemas.record import ExtractionRecord


@dataclass(frozen=True)
class Work:
    """One distinct content to parse or skip: its hash and every path it was found at.

    `stats` holds each path's (size, mtime_ns) as seen before its bytes were hashed: a stored
    path keeps these, not the file's stats when its rows are loaded, so a file that changed after
    it was read (a copy still being written when the run began) differs at the next run and is
    read again. Empty for a Work made elsewhere: its paths are then stat'ed when loaded.
    """

    sha256: str
    paths: tuple[str, ...]
    stats: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class ErrorRow:
    """A file that could not be ingested."""

    path: str
    sha256: str | None
    error_code: str
    error_type: str
    message: str
    recorded_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def row(self, run_id: str) -> dict[str, Any]:
        row = {"run_id": run_id, **asdict(self)}
        row["path"], row["message"] = path_text(self.path), path_text(self.message)
        return row


@dataclass
class ParsedDoc:
    sha256: str
    paths: tuple[str, ...]
    rows: R.Rows
    stats: tuple[tuple[int, int], ...] = ()  # the Work's: see Work.stats


# One document's outcome as a parser yields it: its rows, or the errors that stopped it.
ParseResult = tuple[Work, ParsedDoc | list[ErrorRow]]
# A file's size, mtime (ns) and SHA-256, as hashed at one moment.
FileHash = tuple[int, int, str]


@dataclass
class BatchResult:
    """What parsing a batch produced: rows per document, and failures."""

    docs: list[ParsedDoc]
    errors: list[ErrorRow]
    n_works: int = 0


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def extract_file(path: str | Path, max_bytes: int) -> tuple[Document, ExtractionRecord]:
    """Read one file and extract its record; raises ReadError for bad input, anything else is a bug."""
    from extractors.extract import extract_record  # spaCy import: only when parsing
    from extractors.readers import read_document

    doc = read_document(path, max_bytes=max_bytes)
    return doc, extract_record(doc)


def failure(exc: Exception, path: str, sha256: str | None = None) -> ErrorRow:
    """The error row for a file that failed: its code, class and a message saying what to do."""
    if isinstance(exc, ReadError):
        return ErrorRow(path, sha256, exc.code, type(exc).__name__, str(exc))
    if isinstance(exc, OSError):
        err = ReadError(f"{exc.strerror or exc}: {path}")
        return ErrorRow(path, sha256, err.code, type(exc).__name__, str(err))
    err = ExtractionError(f"{type(exc).__name__}: {exc}")
    return ErrorRow(path, sha256, err.code, type(exc).__name__, str(err))


def parse_one(work: Work, max_bytes: int) -> ParsedDoc | list[ErrorRow]:
    """Read, extract and flatten one document, or the error rows of all its paths (never raises)."""
    try:
        doc, record = extract_file(work.paths[0], max_bytes)
        return ParsedDoc(doc.sha256, work.paths, R.flatten(record, doc), work.stats)
    except MemoryError:
        err = MemoryLimit("the parser ran out of memory on this document")
        return [failure(err, p, work.sha256) for p in work.paths]
    except Exception as exc:  # one file never stops the batch; bugs become E200 rows
        return [failure(exc, p, work.sha256) for p in work.paths]


def parse_batch(works: Sequence[Work], max_bytes: int) -> BatchResult:
    """Parse a batch in this process, without limits (see pipeline.run.workers for the guarded pool)."""
    docs: list[ParsedDoc] = []
    errors: list[ErrorRow] = []
    for work in works:
        result = parse_one(work, max_bytes)
        if isinstance(result, ParsedDoc):
            docs.append(result)
        else:
            errors.extend(result)
    return BatchResult(docs, errors, n_works=len(works))
