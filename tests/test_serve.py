"""`inspections schedule` serving the ingest flow against a Prefect server: a triggered run ingests,
and SIGTERM (systemd's stop, `kill`) ends the scheduler quietly, stopping a run in progress as
`ingest` stops on SIGTERM."""

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

from pipeline.run.ingest import failure_reason
from pipeline.run.prefect_env import TemporaryServer
from pipeline.store.db import query
from tests.procs import alive, children

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")

ROOT = Path(__file__).parent.parent
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> str:
    """A Prefect server of this module's own (its home and database in a temporary folder)."""
    before = os.environ.get("PREFECT_HOME")
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("server-home"))
    server = TemporaryServer()
    try:
        url = server.url(timeout=60)
        assert url, "the Prefect server did not start"
        yield url
    finally:
        server.stop()
        if before is None:
            os.environ.pop("PREFECT_HOME", None)
        else:
            os.environ["PREFECT_HOME"] = before


def _call(url: str, path: str, body: dict | None = None):
    request = urllib.request.Request(
        f"{url}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def _until(what, seconds: float = 120.0):
    """what()'s first truthy value, asked every 0.1 s for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := what():
            return found
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting after {seconds:g} s")


def _schedule(api: str, folder: Path, db: Path, name: str, tmp_path: Path) -> subprocess.Popen:
    """`inspections schedule` against `api`, polling every second."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_API_URL=api, PREFECT_HOME=str(tmp_path / "cli-home"), PREFECT_RUNNER_POLL_FREQUENCY="1")
    exe = Path(sys.executable).with_name("inspections")
    return subprocess.Popen(
        [str(exe), "schedule", str(folder), "--cron", "0 2 * * *", "--db", str(db), "--name", name, "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - as from a shell
    )


def _deployment(api: str, name: str) -> dict:
    return _until(lambda: _call(api, "/deployments/filter", {"deployments": {"name": {"any_": [name]}}}))[0]


def _state(api: str, run: dict) -> dict:
    return _call(api, f"/flow_runs/{run['id']}")["state"]


def _stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    return proc.communicate(timeout=90)[0]


def test_a_served_deployment_ingests_when_triggered_and_sigterm_stops_it_quietly(api, letters, tmp_path):
    """Before, every SIGTERM printed Prefect's "coroutine 'Runner.astop' was never awaited" and an
    asyncio traceback (its runner stopped itself from inside the signal handler)."""
    db = tmp_path / "x.duckdb"
    proc = _schedule(api, letters, db, "nightly-a", tmp_path)
    try:
        deployment = _deployment(api, "nightly-a")
        assert deployment["schedules"][0]["schedule"]["cron"] == "0 2 * * *"
        assert deployment["parameters"]["db"] == str(db)
        run = _call(api, f"/deployments/{deployment['id']}/create_flow_run", {})
        state = _until(lambda: (s := _state(api, run)["type"]) in FINAL and s)
        assert state == "COMPLETED"
        # Between runs the scheduler holds no lock on the database: analysts read it directly.
        assert query(db, "SELECT status FROM runs").rows == [("completed",)]
        assert query(db, "SELECT count(*) FROM documents").rows == [(2,)]
    finally:
        out = _stop(proc)
    assert proc.returncode == 0, out[-3000:]
    assert "Traceback" not in out and "never awaited" not in out, out[-3000:]
    assert "serving deployment ingest/nightly-a" in out
    # Prefect pauses a served deployment's schedule when its scheduler stops (serve resumes it).
    assert _call(api, f"/deployments/{deployment['id']}")["paused"]


def test_sigterm_to_the_scheduler_mid_run_stops_the_run_as_ingest_stops_and_the_next_run_resumes(api, tmp_path):
    """The run gets the SIGTERM and ends recorded as failed (by Prefect: crashed), its committed
    batches kept; before, Prefect's runner SIGKILLed it: its row stayed 'running' and its Prefect
    state Running. The next run parses only the rest."""
    archive = tmp_path / "archive"
    archive.mkdir()
    letters = sorted((ROOT / "corpus").glob("*.txt")) + sorted((ROOT / "corpus" / "genres").glob("*.txt"))
    for i in range(20):
        for f in letters:
            (archive / f"{f.stem}_{i}.txt").write_text(f.read_text(encoding="utf-8") + f"\nCopy {i}.\n", "utf-8")
    total = 20 * len(letters)
    db = tmp_path / "x.duckdb"
    proc = _schedule(api, archive, db, "nightly-b", tmp_path)
    try:
        deployment = _deployment(api, "nightly-b")
        run = _call(api, f"/deployments/{deployment['id']}/create_flow_run", {})
        _until(lambda: _state(api, run)["type"] == "RUNNING")
        _until(lambda: db.with_name(db.name + ".wal").exists())  # the run has started writing
        time.sleep(1.5)  # some batches in
        assert _state(api, run)["type"] == "RUNNING", "the run ended before it could be stopped"
        flow_runs = children(proc.pid)
        assert flow_runs
    finally:
        out = _stop(proc)
    assert proc.returncode == 0, out[-3000:]
    assert "Traceback" not in out and "never awaited" not in out, out[-3000:]
    assert not [p for p in flow_runs if alive(p)]
    assert _until(lambda: (s := _state(api, run))["type"] in FINAL and s)["type"] == "CRASHED"
    status, message = query(db, "SELECT status, message FROM runs").rows[0]
    assert status == "failed" and "SIGTERM" in message, message
    kept = query(db, "SELECT count(*) FROM documents").rows[0][0]
    assert kept < total
    cmd = [
        sys.executable,
        "-m",
        "pipeline.cli",
        "ingest",
        str(archive),
        "--db",
        str(db),
        "--no-prefect",
        "--no-progress",
    ]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert query(db, "SELECT count(*) FROM documents").rows == [(total,)]
    assert query(db, "SELECT n_new FROM runs WHERE status = 'completed'").rows == [(total - kept,)]


def test_a_signal_without_a_message_is_named_in_the_runs_row():
    from prefect.exceptions import TerminationSignal

    for raised in (TerminationSignal(signal=signal.SIGTERM), TerminationSignal(signal.SIGTERM)):  # both in Prefect
        assert failure_reason(raised) == "TerminationSignal: stopped by SIGTERM"
    assert failure_reason(KeyboardInterrupt()) == "KeyboardInterrupt: "
    assert failure_reason(ValueError("bad")) == "ValueError: bad"
