"""The CLI's early Prefect server (pipeline.run.prefect_env.TemporaryServer): it answers, it stops, it
never outlives the process that started it, and a server that cannot start leaves the flow to
Prefect's own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline.run import prefect_env
from pipeline.run.prefect_env import TemporaryServer
from tests.procs import alive, children, cmdline

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; the parent-death signal is Linux's")


def _wait_gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_the_server_answers_then_stops():
    server = TemporaryServer()
    process = server.process
    try:
        url = server.url(timeout=60)
        assert url == f"http://127.0.0.1:{server.port}/api"
        with urllib.request.urlopen(f"{url}/health", timeout=5) as answer:
            assert answer.status == 200
    finally:
        server.stop()
    assert server.process is None and _wait_gone(process.pid)
    assert process.returncode in (0, -signal.SIGTERM)  # asked to stop (SIGTERM), not killed
    server.stop()  # twice is a no-op


def test_a_server_stopped_while_starting_is_killed():
    """Terminated mid-start, Prefect's server printed a traceback shutting down services it had not
    started; one that has not answered yet is killed instead."""
    server = TemporaryServer()
    process = server.process
    server.stop()
    assert process.returncode == -signal.SIGKILL


def test_a_server_that_cannot_start_gives_no_url(monkeypatch):
    """url() is None (the flow then uses the server Prefect starts itself) and nothing is left running."""
    monkeypatch.setattr(prefect_env, "_SERVER_ENV", {"PREFECT_SERVER_DATABASE_CONNECTION_URL": "nonsense://"})
    server = TemporaryServer()
    pid = server.process.pid
    assert server.url(timeout=60) is None
    assert server.process is None and _wait_gone(pid)


def test_a_configured_server_is_used_instead(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    assert prefect_env.start_temporary_server() is None


def test_the_server_dies_with_a_killed_parent(tmp_path):
    """kill -9 of the CLI must not leave a Prefect server behind (atexit does not run then)."""
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
        from pipeline.run.prefect_env import TemporaryServer
        server = TemporaryServer()
        assert server.url(timeout=60)
        print(server.process.pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    pid = int(proc.stdout.split()[0])
    if not _wait_gone(pid):
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the server outlived the process that started it")


def test_the_flow_runs_against_the_server_it_is_given(letters, db_path, tmp_path, monkeypatch):
    """run_flow(api_url=...) records its flow run on that server, not on one Prefect starts itself.

    The server gets a home (and database) of its own, which no other server of the session writes."""
    from pipeline.run.flows import run_flow

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    server = TemporaryServer()
    try:
        url = server.url(timeout=60)
        summary = run_flow([str(letters)], str(db_path), api_url=url)
        assert summary.n_new == 2
        runs = _flow_runs(url)
    finally:
        server.stop()
    assert [r["state_type"] for r in runs] == ["COMPLETED"]


def _flow_runs(url: str) -> list[dict]:
    import json

    request = urllib.request.Request(
        f"{url}/flow_runs/filter", data=b"{}", headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def test_the_cli_uses_a_server_its_prefect_profile_names(letters, tmp_path, monkeypatch):
    """A PREFECT_API_URL set in the Prefect profile (not the environment) wins over the CLI's own server."""
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "theirs"))
    theirs = TemporaryServer()  # "the user's server", with a database of its own
    try:
        url = theirs.url(timeout=60)
        assert url
        home = tmp_path / "cli-home"
        home.mkdir()
        (home / "profiles.toml").write_text(f'active = "default"\n\n[profiles.default]\nPREFECT_API_URL = "{url}"\n')
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env["PREFECT_HOME"] = str(home)
        exe = Path(sys.executable).with_name("inspections")
        db = tmp_path / "x.duckdb"
        proc = subprocess.run(
            [str(exe), "ingest", str(letters), "--db", str(db)], capture_output=True, text=True, timeout=300, env=env
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        runs = _flow_runs(url)
    finally:
        theirs.stop()
    assert [r["parameters"]["db"] for r in runs] == [str(db)]


def test_interrupting_the_cli_while_the_server_starts_leaves_nothing(letters, tmp_path):
    """Ctrl-C during start-up: exit 130, no traceback from a half-started server, no server left."""
    exe = Path(sys.executable).with_name("inspections")
    proc = subprocess.Popen(
        [str(exe), "ingest", str(letters), "--db", str(tmp_path / "x.duckdb")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )
    server = None
    deadline = time.monotonic() + 60
    while server is None and time.monotonic() < deadline and proc.poll() is None:
        server = next((c for c in children(proc.pid) if b"create_app" in cmdline(c)), None)
        time.sleep(0.05)
    assert server is not None, "the CLI started no server"
    proc.send_signal(signal.SIGINT)
    out = proc.communicate(timeout=60)[0].decode(errors="replace")
    assert proc.returncode == 130, out[-2000:]
    assert "Traceback" not in out, out[-2000:]
    assert _wait_gone(server)


def test_prefect_exit_drain_notices_are_dropped_and_other_warnings_kept():
    import logging

    import pipeline.run.flows  # noqa: F401 - installs the filter after Prefect's logging is set up

    class Keep(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    logger, kept = logging.getLogger("EventsWorker"), Keep()
    logger.addHandler(kept)
    try:
        logger.warning("Still processing items: 3 items remaining...")
        logger.warning("Service %r queue is full (%d items), dropping item", "EventsWorker", 5)
    finally:
        logger.removeHandler(kept)
    assert kept.messages == ["Service 'EventsWorker' queue is full (5 items), dropping item"]


# Runs the CLI with Ctrl-C raised inside Prefect's import (the first call into a Prefect module), where
# Prefect's start-up once swallowed it (the run went on to complete) or turned it into a traceback.
INTERRUPT_PREFECT_IMPORT = """
import runpy, signal, sys
fired = False
def profile(frame, event, arg):
    global fired
    if not fired and event == "call" and "/prefect/" in frame.f_code.co_filename:
        fired = True
        sys.setprofile(None)
        signal.raise_signal(signal.SIGINT)
sys.setprofile(profile)
sys.argv = ["inspections", *sys.argv[1:]]
runpy.run_module("pipeline.cli", run_name="__main__")
"""


def test_ctrl_c_while_prefect_loads_waits_for_the_flow_then_stops_it(letters, tmp_path):
    """Held until the flow's body starts (pipeline/signals.py), then delivered: exit 130, a notice at
    the time it was held, no traceback, and the run stopped before it opened the database."""
    db = tmp_path / "x.duckdb"
    proc = subprocess.run(
        [sys.executable, "-c", INTERRUPT_PREFECT_IMPORT, "ingest", str(letters), "--db", str(db), "--no-progress"],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - as from a shell
    )
    assert proc.returncode == 130, proc.stderr[-2000:]
    assert "stopping once Prefect has started" in proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert not db.exists()


def test_prefect_client_telemetry_is_off_too(tmp_path):
    """PREFECT_SERVER_ANALYTICS_ENABLED silences the server only; Prefect's client sends its own usage
    events (and prints a first-run notice on a terminal) unless DO_NOT_TRACK is set, which
    configure_prefect now sets. Checked in a clean process, outside any CI marker."""
    from prefect._internal.analytics.ci_detection import CI_ENV_VARS

    env = {k: v for k, v in os.environ.items() if k not in CI_ENV_VARS and k != "DO_NOT_TRACK"}
    env["INSPECTIONS_PREFECT_HOME"] = str(tmp_path / "home")
    check = "from prefect._internal.analytics.enabled import is_telemetry_enabled; print(is_telemetry_enabled())"
    script = f"from pipeline.run.prefect_env import configure_prefect; configure_prefect(); {check}"
    got = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert got.stdout.strip() == "False", got.stderr[-2000:]
    # Without it the client would report usage: the setting is what turns it off.
    bare = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True, timeout=120)
    assert bare.stdout.strip() == "True", bare.stderr[-2000:]
