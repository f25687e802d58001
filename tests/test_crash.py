"""Crash safety: kill -9 an ingest at any moment, run again, and get exactly the rows of a clean run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.run.ingest import run_ingest
from pipeline.run.settings import IngestSettings
from pipeline.store.db import query

ROOT = Path(__file__).parent.parent
TABLES = {
    "documents": "SELECT * EXCLUDE (first_seen_run, last_seen_run) FROM documents",
    "document_paths": "SELECT doc_id, path, name, size_bytes, mtime_ns FROM document_paths",
    "areas_for_improvement": "SELECT * FROM areas_for_improvement",
    "evidence": "SELECT * FROM evidence",
    "judgements": "SELECT * FROM judgements",
    "recommendations": "SELECT * FROM recommendations",
    "item_themes": "SELECT * FROM item_themes",
}


def _snapshot(db: Path) -> dict[str, list[str]]:
    return {t: sorted(map(repr, query(db, sql).rows)) for t, sql in TABLES.items()}


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("archive")
    for f in sorted((ROOT / "corpus").glob("*.txt")) + sorted((ROOT / "corpus" / "genres").glob("*.txt")):
        shutil.copy(f, folder / f.name)
    return folder


@pytest.fixture(scope="module")
def clean(archive, tmp_path_factory) -> dict[str, list[str]]:
    db = tmp_path_factory.mktemp("clean") / "clean.duckdb"
    run_ingest([archive], db, IngestSettings(workers=1, batch_size=1))
    return _snapshot(db)


@pytest.mark.parametrize("kill_after", [1.0, 2.5, 4.0])
def test_kill_9_mid_run_then_rerun_gives_the_clean_rows(archive, clean, tmp_path, kill_after):
    db = tmp_path / "crash.duckdb"
    cmd = [sys.executable, "-m", "pipeline.cli", "ingest", str(archive), "--db", str(db), "--no-prefect",
           "--batch-size", "1", "--workers", "1", "--no-progress"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(kill_after)
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its parser processes, mid-whatever
    proc.wait()
    summary = run_ingest([archive], db, IngestSettings(workers=1, batch_size=1))
    assert summary.n_failed == 0
    assert _snapshot(db) == clean
    statuses = [r[0] for r in query(db, "SELECT status FROM runs ORDER BY started_at").rows]
    assert statuses[-1] == "completed" and set(statuses[:-1]) <= {"interrupted", "completed"}


def _copies(folder: Path, times: int) -> int:
    """`times` copies of each corpus letter (each differing by a line) in `folder`; how many files."""
    folder.mkdir()
    letters = sorted((ROOT / "corpus").glob("*.txt")) + sorted((ROOT / "corpus" / "genres").glob("*.txt"))
    for i in range(times):
        for f in letters:
            (folder / f"{f.stem}_{i}.txt").write_text(f.read_text(encoding="utf-8") + f"\nCopy {i}.\n", "utf-8")
    return times * len(letters)


def _started(proc: subprocess.Popen) -> list[int]:
    """The parser workers of the CLI `proc` (the fork server's children), once there are any."""
    from tests.procs import children

    deadline = time.monotonic() + 120
    workers: list[int] = []
    while not workers and time.monotonic() < deadline and proc.poll() is None:
        workers = [w for server in children(proc.pid) for w in children(server)]
        time.sleep(0.05)
    assert workers, "no worker started"
    return workers


def test_ctrl_c_mid_run_through_prefect_stops_it_there(tmp_path):
    """Prefect's engine runs with Ctrl-C held (pipeline/signals.py) and our code without, so an
    interrupt mid-run stops the run there: exit 130, no traceback, the run's row failed, its
    committed batches kept (had the hold covered our code, the run would have finished first)."""
    from tests.procs import alive

    archive = tmp_path / "archive"
    total = _copies(archive, 30)
    db = tmp_path / "x.duckdb"
    cmd = [sys.executable, "-m", "pipeline.cli", "ingest", str(archive), "--db", str(db),
           "--batch-size", "1", "--workers", "1", "--no-progress"]  # fmt: skip
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - as from a shell
    )
    workers = _started(proc)
    wal = db.with_name(db.name + ".wal")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not wal.exists():
        time.sleep(0.05)  # the first batch is being written
    time.sleep(1.0)  # some batches in
    assert proc.poll() is None, "the run ended before it could be stopped"
    proc.send_signal(signal.SIGINT)
    stderr = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130, stderr[-2000:]
    assert "Traceback" not in stderr, stderr[-2000:]
    time.sleep(0.5)
    assert not [w for w in workers if alive(w)]
    status, message = query(db, "SELECT status, message FROM runs ORDER BY started_at DESC LIMIT 1").rows[0]
    assert status == "failed" and "KeyboardInterrupt" in message
    assert 0 < query(db, "SELECT count(*) FROM documents").rows[0][0] < total


def test_sigterm_mid_run_ends_it_as_ctrl_c_does_and_the_next_run_completes(tmp_path):
    """systemd stops a service with SIGTERM (to every process of the unit, by default). The CLI
    ends the run as after Ctrl-C: exit 143, its row failed with the reason, its committed batches
    kept, its workers gone, no traceback from them; the next run parses only the rest."""
    from tests.procs import alive

    archive = tmp_path / "archive"
    total = _copies(archive, 8)
    db = tmp_path / "x.duckdb"
    cmd = [sys.executable, "-m", "pipeline.cli", "ingest", str(archive), "--db", str(db), "--no-prefect",
           "--batch-size", "1", "--workers", "1", "--no-progress"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    workers = _started(proc)
    time.sleep(0.5)  # some batches in
    assert proc.poll() is None, "the run ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    stderr = proc.communicate(timeout=60)[1]
    assert proc.returncode == 128 + signal.SIGTERM, stderr[-2000:]
    assert "stopped by SIGTERM" in stderr and "Traceback" not in stderr, stderr[-2000:]
    time.sleep(0.5)
    assert not [w for w in workers if alive(w)]
    status, message = query(db, "SELECT status, message FROM runs ORDER BY started_at DESC LIMIT 1").rows[0]
    assert status == "failed" and "SIGTERM" in message
    kept = query(db, "SELECT count(*) FROM documents").rows[0][0]
    assert 0 < kept < total
    summary = run_ingest([archive], db, IngestSettings(workers=1))
    assert (summary.n_new, summary.n_unchanged, summary.n_failed) == (total - kept, kept, 0)
