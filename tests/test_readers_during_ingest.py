"""An analyst querying while an ingest writes gets the last published snapshot, never a lock error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.run.ingest import run_ingest
from pipeline.run.settings import IngestSettings
from pipeline.store.db import Database, publish_snapshot, query, snapshot_path

ROOT = Path(__file__).parent.parent
CORPUS = ROOT / "corpus"
# A writer that holds the database with half a run written, until it is killed.
HOLD_WRITER = """
import sys, time
from pipeline.store.db import Database
db = Database.open(sys.argv[1])
db._execute("BEGIN TRANSACTION")
db.start_run("nightly", ["x"], "test")
db._execute("DELETE FROM areas_for_improvement")
print("holding", flush=True)
time.sleep(120)
"""


def test_query_reads_the_snapshot_while_a_writer_holds_the_database(tmp_path, capsys):
    folder = tmp_path / "letters"
    folder.mkdir()
    shutil.copy(CORPUS / "000_c9dc9a16fd74069d.txt", folder)
    db = tmp_path / "live.duckdb"
    run_ingest([folder], db, IngestSettings(workers=0))
    assert snapshot_path(db).is_file()
    before = query(db, "SELECT count(*) FROM areas_for_improvement").rows
    # A second document arrives; another process, an ingest, holds the database mid-run.
    shutil.copy(CORPUS / "004_f0749543a7284e51.txt", folder)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITER, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        during = query(db, "SELECT count(*) FROM areas_for_improvement").rows  # no lock error
        assert during == before  # the consistent snapshot, not a half-written state
        assert "reading its snapshot" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    run_ingest([folder], db, IngestSettings(workers=0))
    after = query(db, "SELECT count(*) FROM areas_for_improvement").rows
    assert after[0][0] == before[0][0] + 13
    assert query(snapshot_path(db), "SELECT count(*) FROM areas_for_improvement").rows == after


def test_publishing_replaces_the_snapshot_atomically(tmp_path):
    db = tmp_path / "x.duckdb"
    with Database.open(db):
        pass
    first = publish_snapshot(db)
    inode = first.stat().st_ino
    with open(first, "rb") as held:  # a reader holding the old snapshot keeps its file
        second = publish_snapshot(db)
        assert second == first and second.stat().st_ino != inode
        assert held.read(4)
    assert not list(tmp_path.glob("*.tmp*"))


def test_a_snapshot_is_a_byte_copy_with_or_without_reflinks(tmp_path, monkeypatch):
    """Where the filesystem cannot reflink (ext4 here; or no fcntl) the snapshot is a plain copy."""
    import fcntl

    db = tmp_path / "x.duckdb"
    with Database.open(db) as database:
        database.start_run("r", ["x"], "v")
    assert publish_snapshot(db).read_bytes() == db.read_bytes()

    def refused(*args):
        raise OSError(95, "Operation not supported")

    monkeypatch.setattr(fcntl, "ioctl", refused)
    snapshot_path(db).unlink()
    assert publish_snapshot(db).read_bytes() == db.read_bytes()


def test_the_snapshot_is_republished_only_when_a_run_changed_the_data(tmp_path):
    """An unchanged rerun changes only bookkeeping (its row in `runs`, last-seen marks): it leaves
    the snapshot as it is. New data, a missing snapshot, a killed or failed run's loads or a new
    schema publish it again."""
    from pipeline.store.db import SCHEMA_STATE

    folder = tmp_path / "letters"
    folder.mkdir()
    shutil.copy(CORPUS / "000_c9dc9a16fd74069d.txt", folder)
    db = tmp_path / "live.duckdb"
    snap = snapshot_path(db)

    def ingest() -> int:
        run_ingest([folder], db, IngestSettings(workers=0))
        return snap.stat().st_ino  # publishing writes a new file and renames it over the old

    first = ingest()
    assert ingest() == first  # unchanged rerun: not republished
    assert query(snap, "SELECT count(*) FROM runs").rows == [(1,)]  # the snapshot of the first run
    snap.unlink()
    missing = ingest()
    assert snap.is_file()
    shutil.copy(CORPUS / "004_f0749543a7284e51.txt", folder)
    new_letter = ingest()
    assert new_letter != missing and query(snap, "SELECT count(*) FROM documents").rows == [(2,)]
    with Database.open(db) as database:  # a run killed after its loads, before publishing
        database.start_run("killed", ["x"], "v")
    after_kill = ingest()
    assert after_kill != new_letter
    with Database.open(db) as database:  # a run that failed after its loads
        database.start_run("failed", ["x"], "v")
        database.finish_run("failed", "failed", {}, message="OSError: disk full", refresh_links=False)
    after_failure = ingest()
    assert after_failure != after_kill
    with Database.open(db) as database:  # a new version's schema and views, applied on open
        database._execute(f"DELETE FROM {SCHEMA_STATE}")
    assert ingest() != after_failure
    assert ingest() == ingest()


def test_a_snapshot_that_cannot_be_published_is_removed_and_the_next_run_publishes_it(letters, tmp_path, monkeypatch):
    """A full disk while copying: E330, no temporary copy and no stale snapshot left (readers must
    not take an older state for the last run's), and the next run, an unchanged rerun, publishes."""
    import errno

    from pipeline.errors import SnapshotNotPublished
    from pipeline.store import db as dbmod

    db = tmp_path / "x.duckdb"
    run_ingest([letters], db, IngestSettings(workers=0))
    snap = snapshot_path(db)
    assert snap.is_file()
    (letters / "letter_c.txt").write_text((letters / "letter_a.txt").read_text() + "\nA third letter.\n")
    real_copy = dbmod._copy

    def full_disk(src, dst):
        dst.write_bytes(src.read_bytes()[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(dbmod, "_copy", full_disk)
    with pytest.raises(SnapshotNotPublished, match="No space left on device") as info:
        run_ingest([letters], db, IngestSettings(workers=0))
    assert info.value.code == "E330"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("x.")) == ["x.duckdb"]
    assert query(db, "SELECT count(*) FROM documents").rows == [(3,)]  # the run's data is stored
    monkeypatch.setattr(dbmod, "_copy", real_copy)
    again = run_ingest([letters], db, IngestSettings(workers=0))
    assert (again.n_new, again.n_unchanged) == (0, 3)
    assert query(snap, "SELECT count(*) FROM documents").rows == [(3,)]


def test_a_database_left_with_its_write_ahead_log_is_not_copied_as_a_snapshot(tmp_path):
    """DuckDB leaves the .wal when its checkpoint on close fails, and says nothing: the file alone
    lacks the log's transactions, so it is not published, and the old snapshot goes too."""
    from pipeline.errors import SnapshotNotPublished

    db = tmp_path / "x.duckdb"
    Database.open(db).close()
    publish_snapshot(db)
    db.with_name("x.duckdb.wal").write_bytes(b"log")
    with pytest.raises(SnapshotNotPublished, match="checkpoint failed"):
        publish_snapshot(db)
    assert not snapshot_path(db).exists()
