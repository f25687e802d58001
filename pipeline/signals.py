"""Holding Ctrl-C and SIGTERM back while a native module loads.

DuckDB's extension module is built with nanobind, which calls back into Python (the `enum` module)
while it registers its types. A KeyboardInterrupt raised in one of those calls is a "Critical
nanobind error": the process aborts (SIGABRT, exit -6) with a C++ traceback instead of ending as
after Ctrl-C. `held()` lets the signal arrive, records it, and delivers it to the handler that was
in place once the block is over, where Python can unwind normally.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

HELD = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def held(signums: tuple[signal.Signals, ...] = HELD) -> Iterator[None]:
    """Defer `signums` until the block ends, then raise the first that came, as if it came then.

    Only the main thread runs Python signal handlers (and may set them); elsewhere this does nothing.
    A signal whose handler was installed outside Python (`getsignal` gives None) is left alone.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def record(signum: int, frame: object) -> None:
        caught.append(signum)

    previous = {s: signal.getsignal(s) for s in signums}
    previous = {s: h for s, h in previous.items() if h is not None}
    for signum in previous:
        signal.signal(signum, record)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            signal.raise_signal(caught[0])
