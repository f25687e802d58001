"""Tunables of an ingest run, validated in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import BadArguments

DEFAULT_DB = Path("outputs/inspections.duckdb")
# Extensions a folder walk picks up; files named explicitly on the command line are always taken
# (the readers detect the real format from the bytes, never the extension).
DEFAULT_EXTENSIONS = frozenset({".txt", ".text", ".pdf", ".docx", ".doc"})
# Documents per Prefect task: a task run costs ~30 ms of client+server time (shared/FACTS.md),
# so one task per document would dominate; 25 keeps progress visible and overhead ~1 ms/doc.
DEFAULT_BATCH_SIZE = 25
# Parse tasks in flight. 1 = one worker thread. Above 1 the flow uses Prefect's process pool, since
# PDFium is not thread-safe (two threads reading PDFs segfaulted). Measured on the 37-file corpus,
# the pool was slower (18-26 s vs 5 s): each spawned worker pays Prefect's and spaCy's start-up.
DEFAULT_WORKERS = 1
DEFAULT_MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class IngestSettings:
    """What to pick up and how to batch it."""

    extensions: frozenset[str] = field(default=DEFAULT_EXTENSIONS)
    batch_size: int = DEFAULT_BATCH_SIZE
    workers: int = DEFAULT_WORKERS
    max_bytes: int = DEFAULT_MAX_BYTES

    def __post_init__(self) -> None:
        exts = frozenset(e.lower() if e.startswith(".") else "." + e.lower() for e in self.extensions)
        object.__setattr__(self, "extensions", exts)
        if not exts:
            raise BadArguments("at least one file extension is needed")
        if not 1 <= self.batch_size <= 10_000:
            raise BadArguments(f"batch size must be 1..10000, got {self.batch_size}")
        if not 1 <= self.workers <= 64:
            raise BadArguments(f"workers must be 1..64, got {self.workers}")
        if self.max_bytes < 1:
            raise BadArguments(f"max bytes must be positive, got {self.max_bytes}")
