"""Tunables of an ingest run, validated in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import BadArguments

DEFAULT_DB = Path("outputs/inspections.duckdb")
# Extensions a folder walk picks up; files named explicitly on the command line are always taken
# (the readers detect the real format from the bytes, never the extension).
DEFAULT_EXTENSIONS = frozenset({".txt", ".text", ".pdf", ".docx", ".doc", ".html", ".htm"})
# Documents per Prefect task: a task run costs ~30 ms of client+server time (shared/FACTS.md),
# so one task per document would dominate; 25 keeps progress visible and overhead ~1 ms/doc.
DEFAULT_BATCH_SIZE = 25
# Parser processes (pipeline/run/workers.py): forked from a server that has spaCy loaded, so each costs
# milliseconds; 2 matches this machine's cores (measured 1.7x one worker on the corpus).
DEFAULT_WORKERS = 2
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# Per-document limits enforced by the worker pool (pipeline/run/workers.py).
DEFAULT_TIME_LIMIT = 120.0
DEFAULT_MEMORY_LIMIT_MB = 2048


@dataclass(frozen=True)
class Limits:
    """Per-document resource limits, enforced by the worker pool (pipeline/run/workers.py)."""

    seconds: float = DEFAULT_TIME_LIMIT
    memory_mb: int = DEFAULT_MEMORY_LIMIT_MB
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class IngestSettings:
    """What to pick up and how to batch it."""

    extensions: frozenset[str] = field(default=DEFAULT_EXTENSIONS)
    batch_size: int = DEFAULT_BATCH_SIZE
    workers: int = DEFAULT_WORKERS
    max_bytes: int = DEFAULT_MAX_BYTES
    time_limit: float = DEFAULT_TIME_LIMIT
    memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB
    # Re-extract documents stored by another extractor version (otherwise any stored content is kept).
    reprocess: bool = False

    def __post_init__(self) -> None:
        exts = frozenset(e.lower() if e.startswith(".") else "." + e.lower() for e in self.extensions)
        object.__setattr__(self, "extensions", exts)
        if not exts:
            raise BadArguments("at least one file extension is needed")
        if not 1 <= self.batch_size <= 10_000:
            raise BadArguments(f"batch size must be 1..10000, got {self.batch_size}")
        if not 0 <= self.workers <= 64:
            raise BadArguments(f"workers must be 0..64 (0: parse in this process, no limits), got {self.workers}")
        if self.max_bytes < 1:
            raise BadArguments(f"max bytes must be positive, got {self.max_bytes}")
        if not 0 < self.time_limit <= 86_400:
            raise BadArguments(f"time limit must be 0..86400 s, got {self.time_limit}")
        if not 16 <= self.memory_limit_mb <= 1_048_576:
            raise BadArguments(f"memory limit must be 16..1048576 MB, got {self.memory_limit_mb}")

    @property
    def limits(self) -> Limits:
        """The per-document limits for the worker pool."""
        return Limits(seconds=self.time_limit, memory_mb=self.memory_limit_mb, max_bytes=self.max_bytes)
