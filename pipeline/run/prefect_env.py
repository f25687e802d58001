"""Prefect's settings, set in the environment before prefect is first imported (it reads them then).

Defaults follow shared/FACTS.md: a PREFECT_HOME we own (not ~/.prefect), a temporary local
server instead of a configured API, no telemetry, a start-up timeout above the 20 s default,
and only warnings in the log so the CLI's own output stays readable. Values already set in the
environment win, so a user can point at a real server (PREFECT_API_URL) or another home.

`TemporaryServer` starts that temporary server early, before Prefect is imported (the CLI's
`ingest` does), rather than at the flow's first API call.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

STARTUP_TIMEOUT_SECONDS = 90


def default_home() -> Path:
    """INSPECTIONS_PREFECT_HOME, else $XDG_CACHE_HOME/inspections/prefect (~/.cache/...)."""
    if home := os.environ.get("INSPECTIONS_PREFECT_HOME"):
        return Path(home)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "inspections" / "prefect"


def configure_prefect() -> dict[str, str]:
    """Set Prefect's environment (without overriding what the user set); returns what was set."""
    if "prefect" in sys.modules and not os.environ.get("PREFECT_HOME"):
        # Too late to move PREFECT_HOME; say so rather than silently writing to ~/.prefect.
        print("warning: prefect was imported before pipeline.run.prefect_env configured it", file=sys.stderr)
    wanted = {
        "PREFECT_HOME": str(default_home()),
        "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "true",  # the pre-3.1 name of the next setting
        "PREFECT_SERVER_EPHEMERAL_ENABLED": "true",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # The client's own telemetry (and its first-run notice on a terminal) reads the DO_NOT_TRACK standard.
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(STARTUP_TIMEOUT_SECONDS),
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    }
    applied = {}
    for key, value in wanted.items():
        if key not in os.environ:
            os.environ[key] = value
            applied[key] = value
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    return applied


# What Prefect 3.8 sets for the server it starts itself (prefect.server.api.server.SubprocessASGIServer):
# no UI (its start copies the UI's files), the smaller set of services of a temporary server.
_SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
_PORT_TAKEN = 3  # uvicorn's exit status when it cannot start (the port was taken meanwhile)
# `python -m uvicorn ARGS`, after the server process has asked (Linux) to be killed when the thread
# that started it dies (argv[1]: that process's pid, or 0 for no such request). Done in the server
# process itself, not in a preexec_fn: the starting process may have threads (DuckDB's, a loader's),
# and code run between fork and exec in a threaded process can deadlock.
_LAUNCH = """\
import ctypes, os, runpy, signal, sys
parent = int(sys.argv.pop(1))
if parent and sys.platform == "linux":
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass
    if os.getppid() != parent:  # the parent died before the request took effect
        sys.exit(1)
sys.argv[0] = "uvicorn"
runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)
"""


class TemporaryServer:
    """Prefect's temporary API server, started by this process before it imports Prefect.

    Left to itself, Prefect starts that server at the flow's first API call: the client first
    imports the server's modules to find its launcher (~2 s), then the server process imports
    them again (~3.5 s) while the client waits. Started here, before the caller's own imports,
    the server comes up while they run, and the client never imports the server: `inspections
    ingest` of an empty folder took 5.9-6.1 s instead of 8.2-11.3 s (README, "Prefect"). A
    process's first `run_flow` starts one too (pipeline.run.flows), saving the client's import.

    The command is the one Prefect runs (uvicorn with the `prefect.server.api.server:create_app`
    factory, also how Prefect's docs run a server by hand), with the same environment. The
    server stops when this process exits (atexit, registered before the exit handlers Prefect's
    flow run adds, so it runs after them: they send their last events and logs to it), and on
    Linux also when this process is killed, if its main thread started the server. `url()` waits
    until it answers; if it cannot start, `url()` returns None and the flow falls back on the
    server Prefect starts itself.
    """

    def __init__(self) -> None:
        configure_prefect()  # the server reads PREFECT_HOME and the rest from the environment
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.answered = False  # it has answered a health check: it may be stopped gracefully
        self._launch()
        atexit.register(self.stop)

    def _launch(self) -> None:
        with socket.socket() as probe:  # a free port: the OS picks it
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        spec = importlib.util.find_spec("prefect")
        app_dir = Path(next(iter(spec.submodule_search_locations or []), ".")).parent if spec else Path(".")
        # The parent-death signal follows the thread that starts the server: asked for only from the
        # main thread, which lives as long as the process.
        parent = os.getpid() if threading.current_thread() is threading.main_thread() else 0
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _LAUNCH,
                str(parent),
                "--app-dir",
                str(app_dir),
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],  # fmt: skip
            env={**os.environ, **_SERVER_ENV},
        )

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def url(self, timeout: float = STARTUP_TIMEOUT_SECONDS) -> str | None:
        """The server's API URL once it answers; None if it could not start (stopped, then)."""
        deadline = time.monotonic() + timeout
        relaunches = 0
        while time.monotonic() < deadline and self.process is not None:
            status = self.process.poll()
            if status is not None:
                if status != _PORT_TAKEN or relaunches >= 3:
                    break
                relaunches += 1
                self._launch()
                continue
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=1) as answer:
                    if answer.status == 200:
                        self.answered = True
                        return self.api_url
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        return None

    def stop(self) -> None:
        """Stop the server (a no-op once stopped). One still starting is killed: terminated mid-start
        (the command interrupted while it waited), Prefect's server printed a traceback as it shut
        down services it had not started yet."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        if not self.answered:
            process.kill()
            process.wait()
            return
        _flush_prefect_services()
        process.terminate()
        try:
            process.wait(timeout=5)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):  # Ctrl-C while it stops: stop it now
            process.kill()
            process.wait()


def _flush_prefect_services(timeout: float = 10.0) -> None:
    """Let Prefect's events and log workers in this process send what they hold, before a server
    they may be sending to stops. Left holding events for a stopped server, the events worker kept
    the process from exiting for ~8 minutes (Prefect drains its workers at exit, before atexit
    handlers run). A no-op at exit, when they have drained, and before Prefect is imported."""
    if "prefect" not in sys.modules:
        return
    try:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker
    except ImportError:
        return
    for service in (EventsWorker, APILogWorker):
        with contextlib.suppress(Exception):  # a worker that cannot drain must not stop the shutdown
            service.drain_all(timeout=timeout)


def start_temporary_server() -> TemporaryServer | None:
    """Start Prefect's temporary server now, unless a server is configured (PREFECT_API_URL).

    Call before anything imports Prefect (it sets Prefect's environment first)."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    return TemporaryServer()


# Prefect's queue services (events, logs) that log "Still processing items: N items remaining..."
# when the process exits before they have sent everything. They go on to send it, so the line, printed
# after the CLI's summary, only alarmed; their other warnings ("queue is full ... dropping item") stay.
_DRAINING_SERVICES = ("EventsWorker", "APILogWorker")


class _DrainNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Still processing items")


def quiet_drain_notices() -> None:
    """Drop Prefect's "Still processing items" notices at exit (idempotent)."""
    for name in _DRAINING_SERVICES:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _DrainNotice) for f in logger.filters):
            logger.addFilter(_DrainNotice())
