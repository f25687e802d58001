"""Errors the pipeline raises on purpose, in the same coded style as extractors/errors.py.

`TransientError` means "try again later" (another process holds the database); `DataError`
means retrying will not help (bad SQL, a constraint broken, a damaged database file).
"""

from __future__ import annotations

from extractors.errors import InspectionsError


def os_reason(exc: OSError) -> str:
    """Why the OS refused to create a path, in words: a file in the way, or its own message."""
    return "a file of that name is in the way" if isinstance(exc, FileExistsError) else exc.strerror or str(exc)


class PipelineError(InspectionsError):
    """The pipeline could not complete."""

    code = "E300"


class BadArguments(PipelineError):
    """Bad arguments."""

    code = "E301"


class OutputNotWritten(PipelineError):
    """Cannot write the output."""

    code = "E302"
    advice = "give an --out whose folder can be created and written to"


class TransientError(PipelineError):
    """Database temporarily unavailable."""

    code = "E310"
    advice = "run the command again when the other process has finished"


class DatabaseLocked(TransientError):
    """Database is locked by another writer."""

    code = "E311"
    advice = "wait for the other ingest (or open query session) to finish, or use another --db"


class DataError(PipelineError):
    """Database error."""

    code = "E320"


class QueryRefused(DataError):
    """Query refused."""

    code = "E321"
    advice = "only one read-only statement is allowed: SELECT, WITH, FROM, VALUES, SHOW, DESCRIBE, EXPLAIN, PRAGMA"


class BadQuery(PipelineError):
    """Bad query."""

    code = "E325"
    advice = "check the statement: `inspections query --list` names the named queries; tables are in the README"


class DamagedDatabase(DataError):
    """Damaged database file."""

    code = "E323"
    advice = (
        "move it aside or use another --db; to resume from the last completed run, copy its snapshot "
        "(named above, if it has one) in its place, or ingest again into a new file"
    )


class NoSpace(DataError):
    """No space left for the database."""

    code = "E324"
    advice = (
        "free space on the device that holds the database and its .wal, then run ingest again: the "
        "batches committed before this one are kept, and the rest are parsed again"
    )


class SnapshotNotPublished(PipelineError):
    """Readers' snapshot not published."""

    code = "E330"
    advice = (
        "the run's data is in the database; fix the cause (free space, permissions) and run ingest again, "
        "which publishes it. Meanwhile readers read the live database, when no ingest holds it"
    )


class NoDatabase(DataError):
    """No database."""

    code = "E322"
    advice = "run `inspections ingest PATH --db FILE` first"
