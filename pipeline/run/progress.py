"""A rich progress bar on stderr that is a no-op when disabled (tests, piped output)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress


class Progress:
    """Documents parsed out of `total`; use as a context manager and call `advance(n)`."""

    def __init__(self, total: int, enabled: bool = True, description: str = "parsing documents") -> None:
        self._bar: RichProgress | None = None
        if enabled and total > 0:
            self._bar = RichProgress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._task = self._bar.add_task(description, total=total)

    def __enter__(self) -> Progress:
        if self._bar:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar:
            self._bar.stop()

    def advance(self, n: int = 1) -> None:
        if self._bar:
            self._bar.advance(self._task, n)
