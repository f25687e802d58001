"""Area lineage: the pure matcher, and area_links after ingesting an inspection and its follow-ups."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.run.ingest import run_ingest
from pipeline.store.db import Database, query
from pipeline.store.lineage import METHOD, Area, jaccard, link_areas, tokens
from tests.fixtures.archive import ARCHIVE_DIRS, build_archive


def area(doc: str, no: int, text: str, day: date, provider: str = "Cafcass", service_area: str | None = "N9") -> Area:
    return Area(doc, no, provider, service_area, day, f"{doc}.txt", text)


INSPECTION = date(2011, 3, 14)
LETTER = date(2011, 10, 10)
REINSPECTION = date(2013, 5, 20)


def test_tokens_drop_boilerplate_and_fold_plurals():
    assert tokens("The service area should ensure that reports are checked") == {"report", "checked"}
    assert tokens("Cafcass should review cases", extra_stopwords=["cafcass"]) == {"review", "case"}


def test_jaccard():
    assert jaccard(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)
    assert jaccard(frozenset(), frozenset()) == 0.0


def test_a_restated_area_links_to_the_inspection_area_it_follows_up():
    areas = [
        area("insp", 1, "ensure that all cases awaiting allocation are risk assessed weekly", INSPECTION),
        area("insp", 2, "improve the quality of analysis in section 7 reports", INSPECTION),
        area("letter", 1, "The service area should improve the quality of analysis in section 7 reports.", LETTER),
        area(
            "letter", 2, "The service area should ensure that all cases awaiting allocation are risk assessed.", LETTER
        ),
        area("letter", 3, "The service area should learn from complaints.", LETTER),
    ]
    links = {(lk.doc_id, lk.area_no): (lk.prev_doc_id, lk.prev_area_no) for lk in link_areas(areas)}
    assert links == {("letter", 1): ("insp", 2), ("letter", 2): ("insp", 1)}  # area 3 is new: no link
    assert {lk.method for lk in link_areas(areas)} == {METHOD}


def test_links_go_to_the_most_recent_earlier_visit_and_are_one_to_one():
    text = "ensure that safeguarding checks are completed before the first hearing"
    areas = [
        area("insp", 1, text, INSPECTION),
        area("letter", 1, text, LETTER),
        area("letter", 2, text + " in all cases", LETTER),
        area("reinsp", 1, text, REINSPECTION),
    ]
    links = {(lk.doc_id, lk.area_no): (lk.prev_doc_id, lk.prev_area_no) for lk in link_areas(areas)}
    # the re-inspection follows the letter, not the inspection; only one letter area takes insp#1
    assert links == {("letter", 1): ("insp", 1), ("reinsp", 1): ("letter", 1)}


def test_no_link_across_providers_service_areas_same_dates_or_unlike_wording():
    text = "ensure that the wishes and feelings of children are recorded"
    areas = [
        area("a", 1, text, INSPECTION),
        area("b", 1, text, LETTER, provider="Kelbrook Borough Council", service_area=None),
        area("c", 1, text, LETTER, service_area="N8"),
        area("d", 1, text, INSPECTION),  # a rendition of 'a': same date
        area("e", 1, "improve pathway plans for care leavers", REINSPECTION),
    ]
    assert link_areas(areas) == []


def test_units_ignore_case_and_spacing():
    a = area("a", 1, "improve pathway plans for care leavers", INSPECTION, provider="Cafcass", service_area="North  N9")
    b = area("b", 1, "improve pathway plans for care leavers", LETTER, provider="CAFCASS", service_area="north n9")
    assert [(lk.doc_id, lk.prev_doc_id) for lk in link_areas([a, b])] == [("b", "a")]


# -- on ingested fixtures ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> str:
    return str(build_archive(tmp_path_factory.mktemp("lineage") / "archive.duckdb"))


def named_links(db: str) -> set[tuple[str, int, str, int]]:
    sql = (
        "SELECT d.name, l.area_no, p.name, l.prev_area_no FROM area_links l "
        "JOIN documents d USING (doc_id) JOIN documents p ON p.doc_id = l.prev_doc_id"
    )
    return set(query(db, sql).rows)


def test_ingest_links_the_monitoring_letter_and_reinspection_to_earlier_areas(archive):
    assert named_links(archive) == {
        ("02_northfield_monitoring_2011.txt", 1, "01_northfield_inspection_2011.txt", 1),
        ("02_northfield_monitoring_2011.txt", 2, "01_northfield_inspection_2011.txt", 2),
        ("02_northfield_monitoring_2011.txt", 3, "01_northfield_inspection_2011.txt", 3),
        ("02_northfield_monitoring_2011.txt", 4, "01_northfield_inspection_2011.txt", 4),
        # the re-inspection raises the safeguarding-checks area again (its complaints area is new)
        ("03_northfield_inspection_2013.txt", 1, "02_northfield_monitoring_2011.txt", 2),
    }
    similarities = [r[0] for r in query(archive, "SELECT similarity FROM area_links").rows]
    assert all(0.5 <= s <= 1.0 for s in similarities)


def test_area_history_follows_one_area_across_three_visits(archive):
    rows = query(
        archive,
        "SELECT step, document, judgement FROM area_history "
        "WHERE root_doc_id = (SELECT doc_id FROM documents WHERE name = '01_northfield_inspection_2011.txt') "
        "AND root_area_no = 2 ORDER BY step",
    ).rows
    assert rows == [
        (0, "01_northfield_inspection_2011.txt", None),
        (1, "02_northfield_monitoring_2011.txt", "inadequate"),
        (2, "03_northfield_inspection_2013.txt", None),
    ]


def test_a_run_recomputes_links_only_in_the_units_it_loads_into(tmp_path):
    db = tmp_path / "again.duckdb"
    run_ingest([ARCHIVE_DIRS[0]], db)  # the Northfield documents only
    first = named_links(str(db))
    assert len(first) == 5
    with Database.open(db) as database:  # a marker: one Northfield link gone
        database._execute(
            "DELETE FROM area_links WHERE doc_id = "
            "(SELECT doc_id FROM documents WHERE name = '03_northfield_inspection_2013.txt')"
        )
    run_ingest(list(ARCHIVE_DIRS), db)  # loads Kelbrook only: Northfield's links are left as they are
    assert named_links(str(db)) == {link for link in first if link[0] != "03_northfield_inspection_2013.txt"}
    with Database.open(db) as database:
        assert database.refresh_area_links(min_similarity=1.01) == 0  # nothing is that similar
        assert database.refresh_area_links() == 5  # everywhere
    assert named_links(str(db)) == first


_ALL_LINKS = "SELECT * FROM area_links ORDER BY doc_id, area_no"


def test_links_after_a_document_moves_to_another_unit_equal_a_full_recompute(tmp_path):
    """A re-extraction that gives a document another provider: the run refreshes the unit it left
    and the one it joined (load_batch records both), and area_links equal a full recompute."""
    from dataclasses import replace

    from pipeline.run.ingest import IngestSummary, load_batch
    from pipeline.run.work import BatchResult, Work, parse_batch, sha256_file

    db = tmp_path / "moved.duckdb"
    run_ingest([ARCHIVE_DIRS[0]], db)
    assert len(query(str(db), _ALL_LINKS).rows) == 5
    letter = ARCHIVE_DIRS[0] / "02_northfield_monitoring_2011.txt"
    parsed = parse_batch([Work(sha256_file(letter), (str(letter),))], 10**9).docs[0]
    rows = {t: [dict(r) for r in rs] for t, rs in parsed.rows.items()}
    old_unit = (rows["documents"][0]["provider"], rows["documents"][0]["service_area"])
    rows["documents"][0]["provider"] = "Elsewhere Borough Council"
    summary = IngestSummary(run_id="moved", db_path=str(db))
    with Database.open(db) as database:
        load_batch(database, "moved", BatchResult([replace(parsed, rows=rows)], [], 1), summary)
        assert summary.touched_units == {old_unit, ("Elsewhere Borough Council", old_unit[1])}
        # Northfield is all this archive holds: full_share=1 keeps the refresh to the two units anyway
        database.refresh_area_links(units=summary.touched_units, doc_ids=summary.touched_docs, full_share=1.0)
        incremental = database._fetchall(_ALL_LINKS)
        database.refresh_area_links()
        assert database._fetchall(_ALL_LINKS) == incremental
    # the monitoring letter's four links and the re-inspection's link to it are gone; the
    # re-inspection's area now follows up the first inspection's
    assert named_links(str(db)) == {("03_northfield_inspection_2013.txt", 1, "01_northfield_inspection_2011.txt", 2)}


def test_an_unchanged_rerun_keeps_the_links_and_a_run_after_a_killed_or_failed_one_refreshes_them(tmp_path):
    db = tmp_path / "rerun.duckdb"
    run_ingest([ARCHIVE_DIRS[0]], db)
    first = named_links(str(db))
    with Database.open(db) as database:
        database._execute("DELETE FROM area_links")
    run_ingest([ARCHIVE_DIRS[0]], db)  # nothing loaded: area_links is not recomputed (the marker stays)
    assert named_links(str(db)) == set()
    with Database.open(db) as database:  # a run killed after its loads leaves its row "running"
        database.start_run("killed", ["x"], "v")
    run_ingest([ARCHIVE_DIRS[0]], db)
    assert named_links(str(db)) == first
    with Database.open(db) as database:  # a run that failed after its loads: its row says "failed"
        database._execute("DELETE FROM area_links")
        database.start_run("failed", ["x"], "v")
        database.finish_run("failed", "failed", {}, message="OSError: disk full", refresh_links=False)
    run_ingest([ARCHIVE_DIRS[0]], db)
    assert named_links(str(db)) == first
    with Database.open(db) as database:
        database._execute("DELETE FROM area_links")
    run_ingest([ARCHIVE_DIRS[0]], db)  # the run before completed: nothing to refresh
    assert named_links(str(db)) == set()


def test_links_built_run_by_run_equal_a_full_recompute(tmp_path):
    """An archive that grows over several runs (the corpus letters and a first Northfield visit,
    then one visit per run): each later run refreshes only the unit it loads into, and the result
    is what one recompute over every stored area gives."""
    from tests.fixtures.archive import CORPUS

    db = tmp_path / "grown.duckdb"
    first, *later = sorted(ARCHIVE_DIRS[0].glob("*.txt"))
    run_ingest([first, *sorted(CORPUS.glob("*.txt"))], db)
    for visit in later:  # a run that touches one unit of many
        run_ingest([visit], db)
    with Database.open(db) as database:
        built = database._fetchall(_ALL_LINKS)
        assert database.refresh_area_links() == len(built) >= 5
        assert database._fetchall(_ALL_LINKS) == built
