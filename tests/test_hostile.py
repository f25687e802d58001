"""Hostile and broken input, mixed with good letters: every file accounted for, no good document lost."""

from __future__ import annotations

import resource
import shutil
import time
from pathlib import Path

import pytest

from pipeline.run.ingest import run_ingest
from pipeline.run.settings import IngestSettings
from pipeline.store.db import query
from tests import golden_util as g
from tests.hostile.generate import MAX_BYTES, generate

CORPUS = Path(__file__).parent.parent / "corpus"
GOOD = sorted(CORPUS.glob("*.txt")) + sorted((CORPUS / "renditions").glob("*"))


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive")
    cases = generate(folder / "hostile")
    (folder / "good").mkdir()
    for f in GOOD:
        shutil.copy(f, folder / "good" / f.name)
    db = tmp_path_factory.mktemp("db") / "h.duckdb"
    started = time.perf_counter()
    summary = run_ingest([folder], db, IngestSettings(workers=2, max_bytes=MAX_BYTES, time_limit=60))
    seconds = time.perf_counter() - started
    peak_mb = (
        max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        / 1024
    )
    return folder, cases, db, summary, seconds, peak_mb


def test_every_file_is_a_document_or_an_error(hostile_run):
    folder, cases, db, summary, *_ = hostile_run
    files = {str(p) for p in folder.rglob("*") if p.is_file()}
    stored = {r["path"] for r in query(db, "SELECT path FROM document_paths").as_dicts()}
    failed = {r["path"] for r in query(db, "SELECT path FROM ingest_errors").as_dicts()}
    assert stored | failed == files
    assert not stored & failed
    assert summary.n_failed == len(failed)


def test_each_hostile_class_gets_its_error_code_and_actionable_message(hostile_run):
    folder, cases, db, *_ = hostile_run
    errors = {
        Path(r["path"]).name: r
        for r in query(db, "SELECT path, error_code, error_type, message FROM ingest_errors").as_dicts()
    }
    for case in cases:
        if case.code is None:
            assert case.name not in errors, f"{case.what}: {errors.get(case.name)}"
            continue
        row = errors[case.name]
        assert row["error_code"] == case.code, (case.what, row)
        assert row["error_type"] and "(" in row["message"], row  # the exception type and advice in brackets
    assert "OCR" in errors["scanned.pdf"]["message"]
    assert "password" in errors["locked.pdf"]["message"]
    assert "convert it to .docx" in errors["old_word.doc"]["message"]


def test_good_letters_are_complete(hostile_run):
    folder, cases, db, *_ = hostile_run
    for stem in ("000_c9dc9a16fd74069d", "004_f0749543a7284e51"):
        golden = g.load(stem)
        doc_ids = query(db, "SELECT doc_id FROM document_paths WHERE name = ?", [f"{stem}.txt"]).rows
        (doc_id,) = doc_ids[0]
        n_areas, n_evidence, n_judgements = query(
            db,
            "SELECT (SELECT count(*) FROM areas_for_improvement WHERE doc_id = ?),"
            " (SELECT count(*) FROM evidence WHERE doc_id = ?),"
            " (SELECT count(*) FROM judgements WHERE doc_id = ? AND (NOT is_overall OR kind = 'effectiveness'))",
            [doc_id] * 3,
        ).rows[0]
        assert n_areas == len(golden["areas_for_improvement"])
        assert n_evidence == sum(len(a["evidence"]) for a in golden["areas_for_improvement"])
        assert n_judgements == len(golden["judgements"])


def test_duplicates_are_one_document_with_every_path(hostile_run):
    folder, cases, db, *_ = hostile_run
    names = query(
        db,
        "SELECT list(name ORDER BY name) FROM document_paths GROUP BY doc_id HAVING count(*) > 2",
    ).rows
    assert any("copy one.txt" in n and "rapport café 📄 ünïcode.txt" in n for (n,) in names)


def test_sql_in_names_and_text_is_only_data(hostile_run):
    folder, cases, db, *_ = hostile_run
    assert query(db, "SELECT count(*) FROM documents").rows[0][0] > 0  # the table is still there
    hits = query(db, "SELECT count(*) FROM document_paths WHERE name LIKE '%DROP TABLE%'").rows[0][0]
    assert hits == 1
    text_hits = query(db, "SELECT count(*) FROM document_texts WHERE text LIKE '%DROP TABLE documents%'").rows[0][0]
    assert text_hits == 1


def test_run_is_bounded_in_time_and_memory(hostile_run):
    *_, seconds, peak_mb = hostile_run
    assert seconds < 120
    assert peak_mb < 1500  # the 60 MB DOCX bomb is refused before it is inflated


def test_file_names_that_are_not_utf8_are_stored_escaped_and_found_again(letters, tmp_path):
    """A name from a legacy share or zip (cp1252 'café' as byte 0xE9): Python holds it with lone
    surrogates, which no UTF-8 column takes, and the whole batch failed to load with a traceback,
    the good letter beside it lost. The path is stored with backslash escapes; a rerun finds it
    unchanged; a bad file under such a name is an error row like any other; `extract` writes it."""
    import os

    from typer.testing import CliRunner

    from pipeline.cli import app

    odd = os.fsdecode(str(letters).encode() + b"/caf\xe9 letter.txt")
    Path(odd).write_bytes((letters / "letter_a.txt").read_bytes() + b"\nOne more line.\n")
    Path(os.fsdecode(str(letters).encode() + b"/empty\xff.txt")).write_bytes(b"")
    db = tmp_path / "x.duckdb"
    first = run_ingest([letters], db, IngestSettings(workers=1))
    assert (first.n_new, first.n_failed) == (3, 1)
    paths = {r[0] for r in query(db, "SELECT path FROM document_paths").rows}
    assert f"{letters}/caf\\xe9 letter.txt" in paths
    names = {r[0] for r in query(db, "SELECT name FROM documents").rows}
    assert "caf\\xe9 letter.txt" in names
    errors = query(db, "SELECT path, error_code FROM ingest_errors").rows
    assert errors == [(f"{letters}/empty\\xff.txt", "E101")]
    again = run_ingest([letters], db, IngestSettings(workers=1))
    assert (again.n_new, again.n_unchanged) == (0, 3)
    out = tmp_path / "json"
    result = CliRunner().invoke(app, ["extract", str(letters), "--out", str(out)])
    assert result.exit_code == 0 and "wrote 3 JSON file(s)" in result.stderr, result.output


def test_the_cli_reports_a_non_utf8_name_under_a_strict_utf8_terminal(tmp_path):
    """Under a UTF-8 locale other than C.UTF-8, Python's stdout refuses lone surrogates: the summary
    of a run that had failed a file with such a name ended in a UnicodeEncodeError traceback."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    Path(os.fsdecode(str(folder).encode() + b"/empty\xff.txt")).write_bytes(b"")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "COLUMNS": "400"}  # the path on one line
    root = Path(__file__).parent.parent
    for args in (
        ["ingest", str(folder), "--db", str(tmp_path / "x.duckdb"), "--no-prefect"],
        ["extract", str(folder), "--out", str(tmp_path / "j")],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", *args], cwd=root, env=env, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "empty\\xff.txt" in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
