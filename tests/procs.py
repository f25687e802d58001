"""Processes as Linux's /proc shows them, for tests that check what a run leaves running."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

# The command line of a Prefect API server started as Prefect starts its temporary one.
PREFECT_SERVER = b"prefect.server.api.server:create_app"


def _state(pid: int | str) -> str:
    """The process's one-letter state ("Z": a zombie), or "" when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1]
    except (OSError, IndexError):
        return ""


def alive(pid: int) -> bool:
    """Running, not a zombie (a killed child of a live parent stays in /proc until reaped)."""
    return _state(pid) not in ("", "Z")


def cmdline(pid: int | str) -> bytes:
    """The process's command line (NUL-separated), or b"" when it is gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _pids() -> Iterator[int]:
    for proc in Path("/proc").glob("[0-9]*"):
        yield int(proc.name)


def children(pid: int) -> list[int]:
    """The pids whose parent is `pid`."""
    found = []
    for child in _pids():
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in status:
            found.append(child)
    return found


def prefect_servers() -> set[int]:
    """Pids of running (not zombie) Prefect API servers."""
    return {pid for pid in _pids() if PREFECT_SERVER in cmdline(pid) and alive(pid)}
