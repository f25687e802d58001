"""Holding Ctrl-C and SIGTERM back while code that cannot be interrupted safely runs.

Python raises KeyboardInterrupt (and our SIGTERM handler, `Terminated`) between any two bytecodes,
including Python code that a native library calls back into. Two of ours turn it into something
worse than an interrupt:

- DuckDB's extension module is built with nanobind, which calls the `enum` module while it
  registers its types: an interrupt there is a "Critical nanobind error" and the process aborts
  (SIGABRT) with a C++ traceback;
- pydantic-core (under Prefect's settings, schemas and API client) wraps it in a SchemaError or a
  PydanticSerializationError: Prefect's import then logs a traceback and the run goes on as if
  Ctrl-C had not been pressed, or the CLI ends with a traceback and exit 1.

`held()` lets such signals arrive, records them and, when the block ends, delivers the first to the
handler that was in place, where Python unwinds normally. A second one of the same kind during the
hold is delivered at once: the user insists. `released()` opens a window inside a hold (the ingest
flow's body, our own code, which must stay interruptible) and delivers what was held on entry.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

HELD = (signal.SIGINT, signal.SIGTERM)


class _Hold:
    """One hold: the handlers it replaced and the signals it caught."""

    def __init__(self, signums: tuple[signal.Signals, ...], notice: str | None) -> None:
        self.signums = signums
        self.notice = notice
        self.previous: dict[int, object] = {}
        self.caught: list[int] = []

    def start(self) -> None:
        previous = {s: signal.getsignal(s) for s in self.signums}
        # A handler installed outside Python (getsignal gives None) cannot be put back, and an
        # ignored signal (nohup, a shell's background job) must stay ignored: leave both alone.
        self.previous = {s: h for s, h in previous.items() if h is not None and h is not signal.SIG_IGN}
        for signum in self.previous:
            signal.signal(signum, self._record)

    def stop(self) -> None:
        """Put the handlers back and deliver the first signal caught (its handler may raise here)."""
        previous, self.previous = self.previous, {}
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        caught, self.caught = self.caught, []
        if caught:
            signal.raise_signal(caught[0])

    def _record(self, signum: int, frame: object) -> None:
        if signum in self.caught:
            self.stop()  # twice: deliver now, whatever is running
            return
        self.caught.append(signum)
        if self.notice:
            with contextlib.suppress(OSError):  # os.write: print() may be mid-write on this thread
                os.write(2, f"\n{signal.Signals(signum).name}: {self.notice}\n".encode())


_holds: list[_Hold] = []


def _main_thread() -> bool:
    """Only the main thread runs Python signal handlers and may set them."""
    return threading.current_thread() is threading.main_thread()


@contextmanager
def held(signums: tuple[signal.Signals, ...] = HELD, notice: str | None = None) -> Iterator[None]:
    """Defer `signums` until the block ends, then deliver the first that came, as if it came then.

    `notice` is printed to stderr when one is held. Outside the main thread this does nothing.
    """
    if not _main_thread():
        yield
        return
    hold = _Hold(signums, notice)
    hold.start()
    _holds.append(hold)
    try:
        yield
    finally:
        _holds.remove(hold)
        hold.stop()


@contextmanager
def released() -> Iterator[None]:
    """Inside `held()`: let the signals through for this block (delivering any held one now), then
    hold them again. Without a hold, or outside the main thread, this does nothing."""
    hold = _holds[-1] if _holds and _main_thread() else None
    if hold is None:
        yield
        return
    hold.stop()
    try:
        yield
    finally:
        hold.start()
