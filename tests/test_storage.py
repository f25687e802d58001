"""Storage: the schema, record flattening, transactions, the read-only query guard, error mapping."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date

import pytest

from pipeline.errors import BadQuery, DatabaseLocked, DataError, QueryRefused
from pipeline.store import rows as R
from pipeline.store.db import TABLES, Database, query
from schemas.document import Block, BlockKind, Document, Format
from schemas.record import (
    AreaForImprovement,
    Evidence,
    ExtractionRecord,
    Judgement,
    OverallJudgement,
    Provenance,
    Recommendation,
)


def _doc(text: str = "Overall effectiveness: good\nEnsure plans are reviewed.") -> Document:
    return Document(
        source_path="/tmp/a.txt",
        name="a.txt",
        sha256="ab" * 32,
        size_bytes=len(text),
        format=Format.TXT,
        encoding="utf-8",
        page_count=1,
        text=text,
        raw_text=text,
        blocks=[Block(kind=BlockKind.PARAGRAPH, text=text, page=1, start=0, end=len(text), index=0)],
    )


def _record(**overrides) -> ExtractionRecord:
    fields = dict(
        document="a.txt",
        doc_type="monitoring_letter",
        title="Monitoring visit",
        date="2010-03-12",
        inspectorate="Ofsted",
        provider="Northtown Council",
        service_area=None,
        overall_judgement=OverallJudgement(
            grade="good", kind="effectiveness", provenance=Provenance(page=1, start=0, end=27, rule="j.line")
        ),
        areas_for_improvement=[
            AreaForImprovement(
                id="A1",
                text="Ensure plans are reviewed.",
                timescale="immediately",
                rag="amber",
                evidence=[
                    Evidence(source="provider", text="Plans audited.", provenance=Provenance(start=5, end=9)),
                    Evidence(source=None, text="Panel minutes.", provenance=Provenance(start=10, end=12)),
                ],
                provenance=Provenance(page=1, start=28, end=54, rule="afi.bullet", confidence=0.9),
            ),
            AreaForImprovement(id=None, text="Second area.", evidence=[Evidence(source="inspectors", text="Seen.")]),
        ],
        recommendations=[Recommendation(id="1", text="Review matching.")],
        judgements=[
            Judgement(subject="Overall effectiveness", grade="good", provenance=Provenance(page=1, start=0, end=27)),
            Judgement(subject="Quality of service", grade="outstanding"),
        ],
        sha256="ab" * 32,
        extractor_version="9.9.9",
    )
    fields.update(overrides)
    return ExtractionRecord(**fields)


def test_schema_applies_twice_and_creates_every_table(db_path):
    with Database.open(db_path) as db:
        first = db.apply_schema()
    with Database.open(db_path) as db:  # open applies it again
        assert db.apply_schema() == first
        assert set(db.row_counts()) == set(TABLES)
    names = {r[0] for r in query(db_path, "SELECT table_name FROM information_schema.tables").rows}
    assert set(TABLES) <= names


def test_an_unchanged_schema_is_not_applied_again_on_open(db_path):
    from pipeline.store.db import SCHEMA_STATE, relations

    with Database.open(db_path) as db:  # a new file: applied, digest recorded
        assert db.ensure_schema() is False
    with Database.open(db_path) as db:
        assert db.ensure_schema() is False
        db._run(f"DELETE FROM {SCHEMA_STATE}")  # as a database made before the digest was kept
        assert db.ensure_schema() is True
        assert db.ensure_schema() is False
    assert SCHEMA_STATE not in {name for name, _ in relations(db_path)}  # not a table users export


def test_close_lets_go_of_the_connection_and_can_be_repeated(db_path):
    db = Database.open(db_path)
    db.close()
    assert db._con is None
    db.close()


def test_flatten_numbers_items_and_keeps_provenance():
    out = R.flatten(_record(), _doc())
    assert set(out) == set(R.RECORD_TABLES)
    (doc,) = out["documents"]
    assert doc["doc_id"] == "ab" * 32
    assert doc["date"] == date(2010, 3, 12)
    assert (doc["overall_grade"], doc["overall_kind"]) == ("good", "effectiveness")
    assert (doc["n_areas"], doc["n_recommendations"], doc["n_judgements"]) == (2, 1, 2)
    a1, a2 = out["areas_for_improvement"]
    assert (a1["area_no"], a1["area_ref"], a1["timescale"], a1["rag"]) == (1, "A1", "immediately", "amber")
    provenance = (a1["page"], a1["char_start"], a1["char_end"], a1["rule"], a1["confidence"])
    assert provenance == (1, 28, 54, "afi.bullet", 0.9)
    assert (a2["area_no"], a2["area_ref"], a2["timescale"]) == (2, None, None)
    assert [(e["area_no"], e["evidence_no"], e["source"]) for e in out["evidence"]] == [
        (1, 1, "provider"),
        (1, 2, None),
        (2, 1, "inspectors"),
    ]
    assert [(r["rec_no"], r["rec_ref"], r["text"]) for r in out["recommendations"]] == [(1, "1", "Review matching.")]
    assert out["document_texts"] == [{"doc_id": "ab" * 32, "text": _doc().text, "pages": R.page_runs(_doc())}]


def test_flatten_flags_the_listed_overall_judgement():
    judgements = R.flatten(_record(), _doc())["judgements"]
    assert [(j["subject"], j["is_overall"], j["kind"]) for j in judgements] == [
        ("Overall effectiveness", True, "effectiveness"),
        ("Quality of service", False, None),
    ]


def test_flatten_adds_a_row_for_an_overall_judgement_stated_in_prose():
    overall = OverallJudgement(grade="satisfactory", kind="progress", provenance=Provenance(start=40, end=70))
    judgements = R.flatten(_record(overall_judgement=overall, judgements=[]), _doc())["judgements"]
    assert judgements == [
        {
            "doc_id": "ab" * 32,
            "judgement_no": 1,
            "subject": "Overall progress",
            "grade": "satisfactory",
            "is_overall": True,
            "kind": "progress",
            "page": None,
            "char_start": 40,
            "char_end": 70,
            "rule": "",
            "confidence": 1.0,
        }
    ]


def test_flatten_drops_a_malformed_date_with_a_warning():
    doc = R.flatten(_record(date="March 2010"), _doc())["documents"][0]
    assert doc["date"] is None
    assert any("March 2010" in w for w in doc["warnings"])


def test_flattened_rows_load_and_a_failed_transaction_leaves_nothing(db_path):
    rows = R.flatten(_record(), _doc())
    rows["documents"][0].update(first_seen_run="r1", last_seen_run="r1")
    with Database.open(db_path) as db:
        with pytest.raises(RuntimeError), db.transaction():
            for table in R.RECORD_TABLES:
                db.insert(table, R.to_arrow(rows[table]))
            raise RuntimeError("boom")
        assert db.row_counts()["documents"] == 0
        with db.transaction():
            for table in R.RECORD_TABLES:
                db.insert(table, R.to_arrow(rows[table]))
        counts = db.row_counts()
    loaded = [counts[t] for t in ("documents", "areas_for_improvement", "evidence", "judgements")]
    assert loaded == [1, 2, 3, 2]


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM documents",
        "DROP TABLE documents",
        "INSERT INTO runs (run_id) VALUES ('x')",
        "UPDATE documents SET name = 'x'",
        "SELECT 1; DELETE FROM documents",
        "WITH x AS (SELECT 1) DELETE FROM documents",
        "EXPLAIN ANALYZE DELETE FROM documents",
        "COPY documents TO 'leak.csv'",
        "ATTACH 'other.duckdb'",
        "CREATE TABLE t (x INT)",
    ],
)
def test_query_refuses_anything_but_reading(db_path, sql):
    rows = R.flatten(_record(), _doc())
    rows["documents"][0].update(first_seen_run="r1", last_seen_run="r1")
    with Database.open(db_path) as db:
        db.insert("documents", rows["documents"])
    with pytest.raises(QueryRefused):
        query(db_path, sql)
    assert query(db_path, "SELECT count(*) AS n, min(name) AS name FROM documents").as_dicts() == [
        {"n": 1, "name": "a.txt"}
    ]


@pytest.mark.parametrize("sql", ["SHOW TABLES", "DESCRIBE documents", "PRAGMA table_info('runs')", "EXPLAIN SELECT 1"])
def test_query_allows_read_only_statements_with_bound_parameters(db_path, sql):
    Database.open(db_path).close()
    assert query(db_path, sql).rows
    assert query(db_path, "SELECT ? + 1 AS x", [41]).rows == [(42,)]


def test_query_has_no_file_access_and_reports_bad_sql(db_path, tmp_path):
    Database.open(db_path).close()
    (tmp_path / "secret.csv").write_text("a\n1\n")
    with pytest.raises(QueryRefused, match="file access"):
        query(db_path, f"SELECT * FROM read_csv('{tmp_path / 'secret.csv'}')")
    with pytest.raises(BadQuery, match="does not parse"):
        query(db_path, "SELEC 1")


def test_a_second_writer_gets_a_clear_lock_error(db_path):
    Database.open(db_path).close()
    holder = textwrap.dedent(
        f"""
        import sys, time, duckdb
        con = duckdb.connect({str(db_path)!r})
        print("locked", flush=True)
        sys.stdin.read()
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(DatabaseLocked, match="locked by another writer") as info:
            Database.open(db_path, lock_wait=0)
        assert info.value.code == "E311"
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


@pytest.mark.parametrize("damage", ["not a database", "cut short"])
def test_a_damaged_database_file_is_named_with_its_snapshot_and_left_as_it_was(db_path, damage):
    """A file DuckDB cannot read is E323, not a bare DuckDB error; the message names the snapshot
    (the last completed run's copy) when there is one, and the file is not touched."""
    from pipeline.errors import DamagedDatabase
    from pipeline.store.db import snapshot_path

    Database.open(db_path).close()
    good = db_path.read_bytes()
    db_path.write_bytes(b"\x00garbage" * 1000 if damage == "not a database" else good[:5000])
    before = db_path.read_bytes()
    with pytest.raises(DamagedDatabase) as info:
        Database.open(db_path)
    assert info.value.code == "E323" and "last published snapshot" not in str(info.value)  # there is none yet
    assert db_path.read_bytes() == before
    snap = snapshot_path(db_path)
    snap.write_bytes(good)
    with pytest.raises(DamagedDatabase, match=f"last published snapshot is {snap}"):
        Database.open(db_path)
    db_path.write_bytes(snap.read_bytes())  # the advice followed: the snapshot copied in its place
    Database.open(db_path).close()


def test_a_full_disk_is_not_taken_for_a_busy_database(db_path):
    """DuckDB reports a full disk at commit as a TransactionException: E324 with what to do, not
    E310's "try again when the other process has finished" (and no retries: it is a DataError)."""
    import duckdb

    from pipeline.errors import NoSpace
    from pipeline.store.db import map_error

    text = 'Failed to commit: Could not write file "x.duckdb.wal": No space left on device'
    for exc in (duckdb.TransactionException(text), duckdb.IOException(text)):
        err = map_error(exc, db_path)
        assert isinstance(err, NoSpace) and isinstance(err, DataError) and err.code == "E324"
        assert "free space" in str(err)


def test_a_database_path_that_cannot_be_a_database_file_says_why(tmp_path):
    """A folder given as the database, or a file where its folder should be: coded errors, not a
    traceback (the latter was a bare FileExistsError from mkdir)."""
    from pipeline.errors import BadArguments

    with pytest.raises(BadArguments, match="is a folder: name a file in it"):
        Database.open(tmp_path)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(DataError, match="a file of that name is in the way") as info:
        Database.open(tmp_path / "afile" / "x.duckdb")
    assert info.value.code == "E320"
