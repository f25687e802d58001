"""Ctrl-C and SIGTERM held back while DuckDB's native module loads (pipeline/signals.py)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pipeline.signals import held, released

ROOT = Path(__file__).parent.parent

# Raises SIGINT from inside DuckDB's module initialisation: the first call into the enum module after
# the native module `_duckdb` has started loading is one that nanobind makes while registering a type.
INTERRUPT_DUCKDB_IMPORT = """
import signal, sys
fired = False
def profile(frame, event, arg):
    global fired
    if not fired and event == "call" and frame.f_code.co_filename.endswith("enum.py") and "_duckdb" in sys.modules:
        fired = True
        signal.raise_signal(signal.SIGINT)
sys.setprofile(profile)
try:
    import pipeline.store.db
except KeyboardInterrupt:
    sys.setprofile(None)
    print("interrupted after the import; signal raised inside it:", fired)
    sys.exit(130)
"""


def _as_from_a_shell() -> None:
    """A child's Ctrl-C as a terminal gives it, whatever this process inherited (a background job
    starts with SIGINT ignored, and Python then installs no KeyboardInterrupt handler)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(autouse=True)
def ctrl_c_raises():
    """SIGINT raising KeyboardInterrupt in this process, as in an interactive one."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_while_duckdb_loads_ends_as_ctrl_c_not_an_abort():
    """Without the hold the process aborts (exit -6, 'Critical nanobind error'): seen in CI, when the
    CLI was interrupted just as `inspections ingest` imported the storage module."""
    proc = subprocess.run(
        [sys.executable, "-c", INTERRUPT_DUCKDB_IMPORT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_as_from_a_shell,  # noqa: PLW1509 - no threads to deadlock in the child
    )
    assert proc.returncode == 130, proc.stdout + proc.stderr[-2000:]
    assert "signal raised inside it: True" in proc.stdout
    assert "nanobind" not in proc.stderr


@pytest.fixture
def sigterm_seen():
    """SIGTERM handled by a Python function that records each delivery (the test's own handler)."""
    seen: list[str] = []

    def handler(signum: int, frame: object) -> None:
        seen.append("handler")

    previous = signal.signal(signal.SIGTERM, handler)
    yield seen, handler
    signal.signal(signal.SIGTERM, previous)


def test_a_held_signal_reaches_its_handler_once_the_block_ends(sigterm_seen):
    seen, handler = sigterm_seen
    with held():
        signal.raise_signal(signal.SIGTERM)
        seen.append("block ends")
    assert seen == ["block ends", "handler"]
    assert signal.getsignal(signal.SIGTERM) is handler


def test_the_same_signal_twice_is_delivered_at_once(sigterm_seen):
    seen, handler = sigterm_seen
    with held():
        signal.raise_signal(signal.SIGTERM)
        seen.append("first held")
        signal.raise_signal(signal.SIGTERM)
        seen.append("block ends")
    assert seen == ["first held", "handler", "block ends"]
    assert signal.getsignal(signal.SIGTERM) is handler


def test_released_lets_signals_through_and_delivers_what_was_held(sigterm_seen):
    seen, handler = sigterm_seen
    with held():
        signal.raise_signal(signal.SIGTERM)
        seen.append("held")
        with released():
            seen.append("released")
            assert signal.getsignal(signal.SIGTERM) is handler
            signal.raise_signal(signal.SIGTERM)
            seen.append("still released")
        signal.raise_signal(signal.SIGTERM)
        seen.append("held again")
    assert seen == ["held", "handler", "released", "handler", "still released", "held again", "handler"]


def test_nested_holds_deliver_to_the_outer_one(sigterm_seen):
    seen, _ = sigterm_seen
    with held():
        with held():
            signal.raise_signal(signal.SIGTERM)
        seen.append("inner ended")
    assert seen == ["inner ended", "handler"]


def test_released_without_a_hold_changes_nothing(sigterm_seen):
    seen, handler = sigterm_seen
    with released():
        signal.raise_signal(signal.SIGTERM)
        seen.append("after")
    assert seen == ["handler", "after"]
    assert signal.getsignal(signal.SIGTERM) is handler


def test_ctrl_c_held_then_raised_as_keyboard_interrupt():
    reached = False
    try:
        with held():
            signal.raise_signal(signal.SIGINT)
            reached = True
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("the held Ctrl-C was dropped")
    assert reached
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_outside_the_main_thread_nothing_is_changed():
    handlers: list[object] = []

    def worker() -> None:
        with held():
            handlers.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert handlers == [signal.default_int_handler]


def test_an_ignored_signal_stays_ignored():
    """nohup, or a shell's background job: SIGINT ignored. A hold must not start reacting to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with held(notice="must not be printed"):
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
