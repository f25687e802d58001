"""Ingest: discovery, idempotent re-runs, failures as error rows, duplicates, re-extraction; one real flow."""

from __future__ import annotations

import gc
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from pipeline.errors import BadArguments
from pipeline.run import ingest, workers
from pipeline.run.ingest import discover, has_files, run_ingest
from pipeline.run.settings import DEFAULT_EXTENSIONS, IngestSettings
from pipeline.store.db import query

DATA_TABLES = ("documents", "document_texts", "document_paths", "areas_for_improvement", "evidence", "judgements",
               "recommendations")  # fmt: skip


def snapshot(db_path: Path) -> dict[str, list[tuple]]:
    """Every data table's rows, sorted, without the columns that record which run last saw them."""
    out = {}
    for table in DATA_TABLES:
        cols = [r[0] for r in query(db_path, f"SELECT column_name FROM (DESCRIBE {table})").rows]
        keep = ", ".join(c for c in cols if c != "last_seen_run")
        out[table] = sorted(query(db_path, f"SELECT {keep} FROM {table}").rows, key=repr)
    return out


def runs(db_path: Path) -> list[dict]:
    return query(db_path, "SELECT * FROM runs ORDER BY started_at").as_dicts()


def test_discover_walks_folders_sorted_and_skips_hidden_unknown_and_own_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b/z.txt", "a.PDF", "notes.md", "old.doc", ".secret.txt", ".hidden/x.txt", "img.png", "out.duckdb"):
        (tmp_path / name).write_text("x")
    found, skipped = discover([tmp_path], DEFAULT_EXTENSIONS, exclude=[tmp_path / "out.duckdb"])
    assert [Path(f).relative_to(tmp_path).as_posix() for f in found] == ["a.PDF", "b/z.txt", "old.doc"]
    assert sorted(Path(f).name for f in skipped) == ["img.png", "notes.md"]
    # a file named directly is taken whatever its extension
    assert discover([tmp_path / "img.png"], DEFAULT_EXTENSIONS)[0] == [str(tmp_path / "img.png")]
    with pytest.raises(BadArguments):
        discover([tmp_path / "missing"], DEFAULT_EXTENSIONS)


def test_has_files_answers_as_discover_does(tmp_path):
    """The CLI's early check (start the parser server or not) agrees with discover: no file to
    ingest in a folder of skipped, hidden and own files; a file as soon as there is one."""
    (tmp_path / ".hidden").mkdir()
    for name in ("notes.md", ".secret.txt", ".hidden/x.txt", "out.duckdb"):
        (tmp_path / name).write_text("x")
    out = [tmp_path / "out.duckdb"]
    assert not has_files([tmp_path], DEFAULT_EXTENSIONS, exclude=out)
    assert discover([tmp_path], DEFAULT_EXTENSIONS, exclude=out)[0] == []
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "letter.TXT").write_text("x")
    assert has_files([tmp_path], DEFAULT_EXTENSIONS, exclude=out)
    with pytest.raises(BadArguments):
        has_files([tmp_path / "missing"], DEFAULT_EXTENSIONS)


def test_settings_reject_nonsense():
    with pytest.raises(BadArguments):
        IngestSettings(batch_size=0)
    assert IngestSettings(extensions=frozenset({"TXT"})).extensions == frozenset({".txt"})


def test_ingest_loads_documents_with_rows_tied_to_them(letters, db_path):
    summary = run_ingest([letters], db_path)
    assert (summary.n_files, summary.n_new, summary.n_unchanged, summary.n_failed) == (2, 2, 0, 0)
    assert summary.rows_total["documents"] == 2
    assert summary.rows_written["areas_for_improvement"] >= 1
    # every child row belongs to a stored document, every evidence row to a stored area
    orphans = query(
        db_path,
        "SELECT (SELECT count(*) FROM areas_for_improvement WHERE doc_id NOT IN (SELECT doc_id FROM documents))"
        " + (SELECT count(*) FROM evidence e ANTI JOIN areas_for_improvement a USING (doc_id, area_no))"
        " + (SELECT count(*) FROM judgements WHERE doc_id NOT IN (SELECT doc_id FROM documents))"
        " + (SELECT count(*) FROM recommendations WHERE doc_id NOT IN (SELECT doc_id FROM documents))",
    ).rows
    assert orphans == [(0,)]
    (run,) = runs(db_path)
    assert (run["status"], run["n_new"], run["n_failed"]) == ("completed", 2, 0)


def test_second_ingest_of_the_same_folder_changes_nothing(letters, db_path):
    run_ingest([letters], db_path)
    before = snapshot(db_path)
    summary = run_ingest([letters], db_path)
    assert (summary.n_new, summary.n_updated, summary.n_unchanged, summary.n_failed) == (0, 0, 2, 0)
    assert sum(summary.rows_written.values()) == 0
    assert snapshot(db_path) == before
    first, second = runs(db_path)
    assert (second["status"], second["n_new"], second["n_unchanged"]) == ("completed", 0, 2)
    seen = query(db_path, "SELECT DISTINCT first_seen_run, last_seen_run FROM documents").rows
    assert seen == [(first["run_id"], second["run_id"])]
    paths_seen = query(db_path, "SELECT DISTINCT first_seen_run, last_seen_run FROM document_paths").rows
    assert paths_seen == [(first["run_id"], second["run_id"])]  # same pairs: only seen again


@pytest.mark.parametrize("workers", [0, 2])
def test_unchanged_documents_are_not_parsed_again(letters, db_path, monkeypatch, workers):
    from pipeline.run import workers as W

    run_ingest([letters], db_path, IngestSettings(workers=workers))

    def fail(*args, **kwargs):
        pytest.fail("parsed an unchanged document")

    # Inline parsing calls parse_one here; a run with workers starts a pool (a head start's too).
    monkeypatch.setattr(W, "parse_one", fail)
    monkeypatch.setattr(W.WorkerPool, "__init__", fail)
    assert run_ingest([letters], db_path, IngestSettings(workers=workers)).n_unchanged == 2


def _results(kinds: str) -> list:
    """(work, result) pairs: "d" a parsed document, "e" a failed one."""
    out = []
    for i, kind in enumerate(kinds):
        work = ingest.Work(f"{i:064x}", (f"/x/{i}.txt",))
        result = (
            ingest.ParsedDoc(work.sha256, work.paths, {}) if kind == "d" else [ingest.failure(OSError("x"), f"/x/{i}")]
        )
        out.append((work, result))
    return out


def test_parse_results_are_loaded_in_batches_of_at_least_size_while_the_loader_is_busy():
    free = list(ingest.parsed_batches(_results("ddedd" * 2), 3, lambda: False))
    assert [b.n_works for b in free] == [3, 3, 3, 1]  # a free loader: every `size` results, then the rest
    assert [(len(b.docs), len(b.errors)) for b in free] == [(2, 1), (3, 0), (2, 1), (1, 0)]
    busy = list(ingest.parsed_batches(_results("d" * 10), 3, lambda: True))
    assert [b.n_works for b in busy] == [6, 4]  # a busy loader: the batch grows to 2 x size, no more
    assert [d.sha256 for b in busy for d in b.docs] == [w.sha256 for w, _ in _results("d" * 10)]
    assert list(ingest.parsed_batches([], 3, lambda: False)) == []


def test_corrupt_and_empty_files_become_error_rows_while_good_files_load(letters, db_path):
    (letters / "x.pdf").write_bytes(b"%PDF-1.4 garbage")
    (letters / "empty.txt").write_bytes(b"")
    summary = run_ingest([letters], db_path)
    assert (summary.n_new, summary.n_failed) == (2, 2)
    errors = query(db_path, "SELECT path, error_code, error_type, message FROM ingest_errors ORDER BY path").rows
    assert [(Path(p).name, code, kind) for p, code, kind, _ in errors] == [
        ("empty.txt", "E101", "EmptyFile"),
        ("x.pdf", "E103", "CorruptFile"),
    ]
    assert all(message for *_, message in errors)
    assert query(db_path, "SELECT count(*) FROM documents").rows == [(2,)]
    # failed files are tried again on the next run (and recorded again), good ones are not
    again = run_ingest([letters], db_path)
    assert (again.n_unchanged, again.n_failed) == (2, 2)


def test_an_extractor_bug_is_recorded_as_e200_and_the_batch_goes_on(letters, db_path, monkeypatch):
    import extractors.extract

    real = extractors.extract.extract_record

    def flaky(doc):
        if doc.name == "letter_a.txt":
            raise KeyError("no such rule")
        return real(doc)

    monkeypatch.setattr(extractors.extract, "extract_record", flaky)
    summary = run_ingest([letters], db_path, IngestSettings(workers=0))  # in-process, so the patch applies
    assert (summary.n_new, summary.n_failed) == (1, 1)
    (error,) = query(db_path, "SELECT error_code, error_type, message, sha256 FROM ingest_errors").as_dicts()
    assert (error["error_code"], error["error_type"]) == ("E200", "KeyError")
    assert "no such rule" in error["message"] and "report" in error["message"]
    assert len(error["sha256"]) == 64


def test_same_content_under_two_names_is_one_document_with_two_paths(letters, db_path):
    shutil.copy(letters / "letter_a.txt", letters / "copy_of_a.txt")
    summary = run_ingest([letters], db_path)
    assert (summary.n_files, summary.n_new) == (3, 2)
    paths = query(
        db_path,
        "SELECT d.name, list(p.name ORDER BY p.name) FROM documents d JOIN document_paths p USING (doc_id) "
        "GROUP BY ALL ORDER BY 1",
    ).rows
    assert paths == [("copy_of_a.txt", ["copy_of_a.txt", "letter_a.txt"]), ("letter_b.txt", ["letter_b.txt"])]
    # a further copy found later adds only a path
    shutil.copy(letters / "letter_b.txt", letters / "zz_b.txt")
    later = run_ingest([letters], db_path)
    assert (later.n_new, later.n_unchanged, later.n_new_paths) == (0, 2, 1)
    assert query(db_path, "SELECT count(*) FROM document_paths").rows == [(4,)]


def test_a_new_extractor_version_re_extracts_and_keeps_first_seen(letters, db_path, monkeypatch):
    run_ingest([letters], db_path)
    assert query(db_path, "SELECT DISTINCT extractor_version FROM documents").rows == [(ingest.EXTRACTOR_VERSION,)]
    before = snapshot(db_path)
    monkeypatch.setattr(ingest, "EXTRACTOR_VERSION", "999.0")
    kept = run_ingest([letters], db_path)  # without --reprocess, stored documents are kept as they are
    assert (kept.n_new, kept.n_updated, kept.n_unchanged) == (0, 0, 2)
    summary = run_ingest([letters], db_path, IngestSettings(reprocess=True))
    assert (summary.n_new, summary.n_updated, summary.n_unchanged) == (0, 2, 0)
    after = snapshot(db_path)
    assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
    first, *_ = runs(db_path)
    assert query(db_path, "SELECT DISTINCT first_seen_run FROM documents").rows == [(first["run_id"],)]


def test_the_extractor_version_changes_with_any_rule_or_code_edit_and_only_then(tmp_path):
    """A digest of the extractor code, rule files and schemas: `--reprocess` after an upgrade that
    changed any of them re-extracts; the same files give the same version."""
    import extractors

    root = Path(extractors.__file__).resolve().parent.parent
    for sub in ("extractors", "schemas"):
        shutil.copytree(root / sub, tmp_path / sub, ignore=shutil.ignore_patterns("__pycache__"))
    assert re.fullmatch(rf"{re.escape(extractors.RELEASE)}\+[0-9a-f]{{12}}", extractors.EXTRACTOR_VERSION)
    assert extractors.extractor_version(tmp_path) == extractors.EXTRACTOR_VERSION
    cues = tmp_path / "extractors" / "rules" / "cues.jsonl"
    cues.write_bytes(cues.read_bytes() + b"\n")
    edited = extractors.extractor_version(tmp_path)
    assert edited != extractors.EXTRACTOR_VERSION
    (tmp_path / "extractors" / "NOTES.md").write_text("not a source")  # other files do not count
    assert extractors.extractor_version(tmp_path) == edited
    reader = tmp_path / "extractors" / "readers" / "text.py"
    reader.write_text(reader.read_text() + "\n# a comment is an edit too\n")
    assert extractors.extractor_version(tmp_path) not in (edited, extractors.EXTRACTOR_VERSION)


def test_a_run_keeps_the_collector_off_older_objects_and_hands_them_back(letters, db_path, monkeypatch):
    """During a run the objects that existed before it are frozen (a full collection does not walk
    them); afterwards they are unfrozen. A caller's own freeze is left as it is."""
    assert gc.get_freeze_count() == 0
    during: list[int] = []
    load = ingest.load_batch

    def watched(*args, **kwargs):
        during.append(gc.get_freeze_count())
        return load(*args, **kwargs)

    monkeypatch.setattr(ingest, "load_batch", watched)
    run_ingest([letters], db_path)
    assert during and all(n > 0 for n in during)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with ingest.old_objects_left_alone():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_real_corpus_texts_load_with_quotable_provenance(corpus_texts, db_path):
    summary = run_ingest(corpus_texts, db_path, IngestSettings(batch_size=2))
    assert (summary.n_new, summary.n_failed) == (len(corpus_texts), 0)
    # provenance spans point into the stored normalised text
    spans = query(
        db_path,
        "SELECT count(*) FILTER (WHERE substr(t.text, a.char_start + 1, a.char_end - a.char_start) <> '') , count(*)"
        " FROM areas_for_improvement a JOIN document_texts t USING (doc_id)",
    ).rows
    assert spans[0][0] == spans[0][1]


def test_the_prefect_flow_ingests_and_reruns_idempotently(letters, db_path, monkeypatch):
    """The one test that starts Prefect (a temporary server; ~10-20 s on a fresh PREFECT_HOME).

    Each parse task takes TASK_LOADS batches' worth of documents off one stream through the pool."""
    from pipeline.run import flows
    from pipeline.run.flows import run_flow

    (letters / "x.pdf").write_bytes(b"%PDF-1.4 garbage")
    monkeypatch.setattr(flows, "TASK_LOADS", 2)
    windows: list[int] = []
    real = ingest.parsed_batches

    def spy(results, size, busy):
        taken = list(results)
        windows.append(len(taken))
        return real(taken, size, busy)

    monkeypatch.setattr(ingest, "parsed_batches", spy)
    started = time.perf_counter()
    summary = run_flow([str(letters)], str(db_path), IngestSettings(batch_size=1, workers=1))
    assert (summary.n_new, summary.n_failed) == (2, 1)
    assert windows == [2, 1]  # two parse tasks for three documents
    # The run used this process's own temporary server (pipeline.run.prefect_env.TemporaryServer).
    assert flows._SERVER is not None and flows._SERVER.answered
    before = snapshot(db_path)
    again = run_flow([str(letters)], str(db_path), IngestSettings(batch_size=1, workers=1))
    assert (again.n_new, again.n_unchanged, again.n_failed) == (0, 2, 1)
    assert snapshot(db_path) == before
    assert [r["status"] for r in runs(db_path)] == ["completed", "completed"]
    print(f"two flow runs: {time.perf_counter() - started:.1f} s")


def test_unchanged_archive_rerun_reads_no_file(letters, db_path, monkeypatch):
    """Size and mtime match the last run: no hashing, no parsing (the cheap path)."""
    run_ingest([letters], db_path)
    hashed: list[str] = []
    real = ingest.sha256_file
    spy = lambda p: hashed.append(str(p)) or real(p)  # noqa: E731
    monkeypatch.setattr(ingest, "sha256_file", spy)
    monkeypatch.setattr(workers, "sha256_file", spy)  # the head start hashes the files it sends ahead
    again = run_ingest([letters], db_path)
    assert (again.n_new, again.n_unchanged) == (0, 2)
    assert hashed == []
    # touching a file (new mtime) makes it be hashed again, and as its bytes are the same, not parsed
    target = next(letters.glob("*.txt"))
    os.utime(target, ns=(time.time_ns(), time.time_ns()))
    third = run_ingest([letters], db_path)
    assert hashed == [str(target)] and (third.n_new, third.n_unchanged) == (0, 2)


def test_a_killed_run_is_marked_interrupted_by_the_next(letters, db_path):
    from pipeline.store.db import Database

    with Database.open(db_path) as db:
        db.start_run("killed-run", [str(letters)], "0.1.0")  # as if the process died here
    run_ingest([letters], db_path)
    statuses = {r["run_id"]: r["status"] for r in runs(db_path)}
    assert statuses["killed-run"] == "interrupted"


def test_a_load_that_finds_the_database_busy_is_retried_and_other_errors_are_not():
    from pipeline.errors import DataError, TransientError

    calls = []

    def busy_twice():
        calls.append(1)
        if len(calls) <= 2:
            raise TransientError("database is locked")
        return "loaded"

    assert ingest.with_retries(busy_twice, delays=(0, 0)) == "loaded" and len(calls) == 3
    calls.clear()
    with pytest.raises(TransientError):
        ingest.with_retries(lambda: busy_twice() if len(calls) < 9 else None, delays=(0,))
    assert len(calls) == 2

    def broken():
        calls.append(1)
        raise DataError("constraint")

    calls.clear()
    with pytest.raises(DataError):
        ingest.with_retries(broken, delays=(0, 0))
    assert len(calls) == 1


@pytest.mark.parametrize("runner", ["run_ingest", "run_flow"])
def test_a_folder_that_cannot_be_listed_is_an_error_row_not_a_silent_gap(letters, db_path, unlistable, runner):
    """os.walk passes over an unreadable folder in silence: its letters would be missing from the
    archive with no trace. It becomes an E109 row naming the folder, and the rest is ingested."""
    from pipeline.run.flows import run_flow

    locked = letters / "locked"
    locked.mkdir()
    (locked / "letter_c.txt").write_text((letters / "letter_a.txt").read_text() + "\nA third.\n")
    undo = unlistable(locked)
    run = run_ingest if runner == "run_ingest" else run_flow
    summary = run([str(letters)], str(db_path), IngestSettings())
    assert (summary.n_new, summary.n_failed) == (2, 1)
    rows = query(db_path, "SELECT path, error_code, error_type, message FROM ingest_errors").as_dicts()
    assert [(r["path"], r["error_code"], r["error_type"]) for r in rows] == [(str(locked), "E109", "UnreadableFolder")]
    assert "Permission denied" in rows[0]["message"] and "check its permissions" in rows[0]["message"]
    undo()  # the permissions fixed: the next run takes its letter
    assert run_ingest([letters], db_path).n_new == 1


@pytest.mark.parametrize("workers", [0, 1])
def test_a_file_that_changes_after_it_was_read_is_read_again_by_the_next_run(letters, db_path, monkeypatch, workers):
    """A letter still being copied in when the run read it: the stored path keeps the size and mtime
    seen before it was hashed, so the next run sees the file differ and takes the whole letter.
    With the stats read at load time instead, the next run took the file as unchanged, and the
    archive kept the truncated letter for good."""
    target = letters / "letter_c.txt"
    full = (letters / "letter_a.txt").read_text() + "\nA third letter, copied in while the run read it.\n"
    target.write_text(full[: len(full) // 2])  # the copy so far
    real_load = ingest.load_batch

    def load_after_the_copy_ends(*args, **kwargs):
        target.write_text(full)
        os.utime(target, ns=(time.time_ns(), time.time_ns() + 10**9))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(ingest, "load_batch", load_after_the_copy_ends)
    assert run_ingest([letters], db_path, IngestSettings(workers=workers)).n_new == 3
    monkeypatch.setattr(ingest, "load_batch", real_load)
    second = run_ingest([letters], db_path, IngestSettings(workers=workers))
    assert (second.n_new, second.n_unchanged) == (1, 2)
    sql = (
        "SELECT t.text FROM document_texts t JOIN document_paths p USING (doc_id) "
        "WHERE p.path = ? AND p.last_seen_run = ?"
    )
    rows = query(db_path, sql, [str(target), second.run_id]).rows
    assert len(rows) == 1 and rows[0][0].rstrip().endswith("while the run read it.")
