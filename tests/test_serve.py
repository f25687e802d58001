"""`inspections schedule` serving the ingest flow against a Prefect server: a triggered run ingests,
and SIGTERM (systemd's stop) ends the scheduler quietly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline.db import query
from pipeline.prefect_env import TemporaryServer
from tests.procs import alive, children

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")

FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def _api(url: str, path: str, body: dict | None = None):
    request = urllib.request.Request(
        f"{url}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def _until(what, seconds: float = 120.0):
    """what()'s first truthy value, asked every 0.25 s for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := what():
            return found
        time.sleep(0.25)
    raise AssertionError(f"gave up waiting after {seconds:g} s")


def test_a_served_deployment_ingests_when_triggered_and_sigterm_stops_it_quietly(letters, tmp_path, monkeypatch):
    """Before, every SIGTERM printed Prefect's "coroutine 'Runner.astop' was never awaited" and an
    asyncio traceback (its runner stopped itself from inside the signal handler)."""
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "server-home"))
    server = TemporaryServer()
    try:
        url = server.url(timeout=60)
        assert url
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(PREFECT_API_URL=url, PREFECT_HOME=str(tmp_path / "cli-home"), PREFECT_RUNNER_POLL_FREQUENCY="1")
        db = tmp_path / "x.duckdb"
        exe = Path(sys.executable).with_name("inspections")
        proc = subprocess.Popen(
            [str(exe), "schedule", str(letters), "--cron", "0 2 * * *", "--db", str(db), "--name", "test-nightly"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - as from a shell
        )
        try:
            deployment = _until(lambda: _api(url, "/deployments/filter", {}))[0]
            assert deployment["name"] == "test-nightly"
            assert deployment["schedules"][0]["schedule"]["cron"] == "0 2 * * *"
            assert deployment["parameters"]["db"] == str(db)
            run = _api(url, f"/deployments/{deployment['id']}/create_flow_run", {})
            state = _until(lambda: (s := _api(url, f"/flow_runs/{run['id']}")["state"]["type"]) in FINAL and s)
            assert state == "COMPLETED"
            # Between runs the scheduler holds no lock on the database: analysts read it directly.
            assert query(db, "SELECT status FROM runs").rows == [("completed",)]
            assert query(db, "SELECT count(*) FROM documents").rows == [(2,)]
            flow_runs = children(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            out = proc.communicate(timeout=60)[0]
        assert proc.returncode == 0, out[-3000:]
        assert "Traceback" not in out and "never awaited" not in out, out[-3000:]
        assert "serving deployment ingest/test-nightly" in out
        assert not [p for p in flow_runs if alive(p)]
        # Prefect pauses a served deployment's schedule when its scheduler stops (serve resumes it).
        assert _api(url, f"/deployments/{deployment['id']}")["paused"]
    finally:
        server.stop()
