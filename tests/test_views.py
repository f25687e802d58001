"""Analysis views: hand-computed expectations on the four fixture documents, and agreement with the
extracted tables on both the fixtures and the corpus's text documents."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from pipeline.store.db import VIEWS_DIR, Database, query
from tests.fixtures.archive import build_archive, build_corpus_texts

VIEWS = [f.stem.split("_", 1)[1] for f in sorted(VIEWS_DIR.glob("*.sql"))]
NORTHFIELD = "Cafcass: Northfield (N9)"
KELBROOK = "Kelbrook Borough Council"
INSPECTION, LETTER, REINSPECTION = (
    "01_northfield_inspection_2011.txt", "02_northfield_monitoring_2011.txt", "03_northfield_inspection_2013.txt",
)  # fmt: skip


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> str:
    return str(build_archive(tmp_path_factory.mktemp("views") / "archive.duckdb"))


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> str:
    return str(build_corpus_texts(tmp_path_factory.mktemp("corpus") / "corpus.duckdb"))


def rows(db: str, sql: str) -> list[dict]:
    return query(db, sql).as_dicts()


def test_every_view_file_creates_its_view_on_open(tmp_path):
    with Database.open(tmp_path / "new.duckdb") as db:
        applied = db.apply_schema()
    assert [f"views/{f.name}" for f in sorted(VIEWS_DIR.glob("*.sql"))] == [
        a for a in applied if a.startswith("views/")
    ]
    names = {
        r[0] for r in query(tmp_path / "new.duckdb", "SELECT view_name FROM duckdb_views() WHERE NOT internal").rows
    }
    assert set(VIEWS) <= names


def test_every_view_file_is_ctes_with_a_comment_on_each():
    for f in sorted(VIEWS_DIR.glob("*.sql")):
        text = f.read_text(encoding="utf-8")
        assert text.startswith("--"), f.name
        assert f"CREATE OR REPLACE VIEW {f.stem.split('_', 1)[1]} AS" in text, f.name
        for line_no, line in enumerate(text.splitlines()):
            if line.rstrip().endswith(" AS (") and "VIEW" not in line:
                assert text.splitlines()[line_no + 1].strip().startswith("--"), f"{f.name}: {line}"


def test_grade_scale(archive):
    assert dict(query(archive, "SELECT grade, grade_rank FROM grade_scale").rows) == {
        "outstanding": 1, "good": 2, "satisfactory": 3, "adequate": 3, "requires_improvement": 3, "inadequate": 4,
    }  # fmt: skip


def test_document_facts_service_units(archive):
    got = {
        r["document"]: (r["service_unit"], r["year"], r["overall_rank"]) for r in rows(archive, "FROM document_facts")
    }
    assert got == {
        INSPECTION: (NORTHFIELD, 2011, 4),
        LETTER: (NORTHFIELD, 2011, 3),
        REINSPECTION: (NORTHFIELD, 2013, 2),
        "kelbrook_monitoring_2012.txt": (KELBROOK, 2012, 3),
    }


def test_area_details_one_row_per_area_with_judgement_rank_and_themes(archive):
    got = {(r["document"], r["area_no"]): r for r in rows(archive, "FROM area_details")}
    assert len(got) == 12  # 4 + 4 + 2 + 2 areas
    letter_2 = got[(LETTER, 2)]
    assert (letter_2["judgement"], letter_2["judgement_rank"], letter_2["service_unit"], letter_2["year"]) == (
        "inadequate", 4, NORTHFIELD, 2011,
    )  # fmt: skip
    assert letter_2["date"] == date(2011, 10, 10) and letter_2["page"] == 2
    assert [(got[(LETTER, n)]["judgement"]) for n in (1, 2, 3, 4)] == [
        "good",
        "inadequate",
        "satisfactory",
        "satisfactory",
    ]
    assert [got[(INSPECTION, n)]["timescale"] for n in (1, 2, 3, 4)] == [
        "immediately", "immediately", "within_3_months", "within_6_months",
    ]  # fmt: skip
    themes = Counter()
    for scheme, doc, no, theme in query(
        archive,
        "SELECT t.scheme, d.name, t.item_no, t.theme FROM item_themes t JOIN documents d USING (doc_id) "
        "WHERE item_kind='area'",
    ).rows:
        themes[(scheme, doc, no, theme)] += 1
    for scheme, column in (("ces", "themes"), ("national_framework", "framework_themes")):
        mine = {(d, n, t) for s, d, n, t in themes if s == scheme}
        assert {(k[0], k[1], t) for k, r in got.items() for t in r[column]} == mine, scheme
    assert all(len(r["framework_themes"]) == 1 for r in got.values())  # no printed tags here: one class each


def test_judgements_over_time_counts_by_year_and_grade(archive):
    got = Counter()
    for r in rows(archive, "FROM judgements_over_time"):
        got[(r["year"], r["service_unit"], r["grade"], r["grade_rank"])] += r["n_judgements"]
    assert got == Counter({
        (2011, NORTHFIELD, "inadequate", 4): 1,  # inspection: overall effectiveness
        (2011, NORTHFIELD, "adequate", 3): 1,  # inspection: capacity for improvement
        (2011, NORTHFIELD, "satisfactory", 3): 1,  # monitoring letter: overall progress
        (2013, NORTHFIELD, "good", 2): 2,  # re-inspection: both judgements
        (2012, KELBROOK, "adequate", 3): 1,
    })  # fmt: skip


def test_theme_recurrence_agrees_with_item_themes(archive):
    tagged = query(
        archive,
        "SELECT t.theme, t.item_kind, t.doc_id, d.service_unit, d.year, a.judgement FROM item_themes t "
        "JOIN document_facts d USING (doc_id) LEFT JOIN areas_for_improvement a "
        "ON t.item_kind = 'area' AND a.doc_id = t.doc_id AND a.area_no = t.item_no",
    ).rows
    for r in rows(archive, "FROM theme_recurrence"):
        mine = [t for t in tagged if t[0] == r["theme"]]
        judged = [t for t in mine if t[5] is not None]
        inadequate = [t for t in judged if t[5] == "inadequate"]
        assert r["n_items"] == len(mine)
        assert r["n_documents"] == len({t[2] for t in mine})
        assert r["n_service_areas"] == len({t[3] for t in mine})
        assert r["n_years"] == len({t[4] for t in mine})
        assert r["n_areas_judged"] == len(judged) and r["n_inadequate"] == len(inadequate)
        assert r["share_inadequate"] == (round(len(inadequate) / len(judged), 3) if judged else None)


def test_evidence_by_source_splits_provider_claims_from_inspectors_findings(archive):
    got = {(r["document"], r["area_no"]): r for r in rows(archive, "FROM evidence_by_source")}
    assert len(got) == 12  # every area, with or without evidence
    summary = {k: (r["n_provider"], r["n_inspectors"], r["evidence_balance"], r["diverges"]) for k, r in got.items()}
    assert summary[(LETTER, 1)] == (2, 2, "both", False)  # good progress
    assert summary[(LETTER, 2)] == (2, 2, "both", True)  # provider's audit and reminders; judged inadequate
    assert summary[(LETTER, 4)] == (1, 0, "provider_only", False)
    assert summary[(INSPECTION, 1)] == (0, 0, "none", False)
    assert summary[("kelbrook_monitoring_2012.txt", 2)] == (1, 1, "both", True)
    assert got[(LETTER, 2)]["provider_evidence"] == [
        "A monthly audit of compliance with the safeguarding policy.", "Reminders to all staff in team meetings.",
    ]  # fmt: skip
    assert (
        got[(LETTER, 2)]["inspector_evidence"][1]
        == "The monthly audit had identified the problem but no action had followed."
    )
    assert {k for k, r in got.items() if r["diverges"]} == {(LETTER, 2), ("kelbrook_monitoring_2012.txt", 2)}


def test_service_area_timeline_orders_visits(archive):
    got = [
        (
            r["service_unit"],
            r["visit_no"],
            r["document"],
            r["overall_grade"],
            r["n_areas_judged"],
            r["n_areas_inadequate"],
        )
        for r in rows(archive, "FROM service_area_timeline ORDER BY service_unit, visit_no")
    ]
    assert got == [
        (NORTHFIELD, 1, INSPECTION, "inadequate", 0, 0),
        (NORTHFIELD, 2, LETTER, "satisfactory", 4, 1),
        (NORTHFIELD, 3, REINSPECTION, "good", 0, 0),
        (KELBROOK, 1, "kelbrook_monitoring_2012.txt", "adequate", 2, 1),
    ]


def test_grade_changes_compare_like_with_like(archive):
    got = [
        (r["service_unit"], r["overall_kind"], r["date"].year, r["grade"], r["previous_grade"], r["change"])
        for r in rows(archive, "FROM grade_changes ORDER BY service_unit, overall_kind, date")
    ]
    assert got == [
        (NORTHFIELD, "effectiveness", 2011, "inadequate", None, "first"),
        (NORTHFIELD, "effectiveness", 2013, "good", "inadequate", "improved"),  # 4 -> 2
        (NORTHFIELD, "progress", 2011, "satisfactory", None, "first"),  # progress is not compared with effectiveness
        (KELBROOK, "progress", 2012, "adequate", None, "first"),
    ]


def test_grade_changes_declined_and_renditions_collapse(tmp_path):
    db = tmp_path / "changes.duckdb"
    with Database.open(db) as database, database.transaction():
        # x.txt and x.pdf: one document in two formats, one visit
        docs = [_doc("a", "x.txt", date(2010, 1, 1), "good"), _doc("b", "x.pdf", date(2010, 1, 1), "good")]
        database.insert("documents", [*docs, _doc("c", "y.txt", date(2012, 1, 1), "inadequate")])
    got = [(r["grade"], r["change"], r["documents"]) for r in rows(str(db), "FROM grade_changes ORDER BY date")]
    assert got == [("good", "first", ["x.pdf", "x.txt"]), ("inadequate", "declined", ["y.txt"])]


def _doc(doc_id: str, name: str, day: date, grade: str) -> dict:
    return {
        "doc_id": doc_id, "name": name, "source_path": "/x/" + name, "format": "txt", "size_bytes": 1, "text_chars": 1,
        "n_blocks": 1, "doc_type": "inspection_report", "date": day, "provider": "Northtown Council",
        "overall_grade": grade, "overall_kind": "effectiveness", "n_areas": 0, "n_recommendations": 0,
        "n_judgements": 0, "extractor_version": "t", "schema_version": "t", "first_seen_run": "r", "last_seen_run": "r",
    }  # fmt: skip


# -- every view agrees with the extracted tables, on the fixtures and on the corpus ------------------

AGREEMENT = [
    ("SELECT count(*) FROM area_details", "SELECT count(*) FROM areas_for_improvement"),
    ("SELECT count(*) FROM evidence_by_source", "SELECT count(*) FROM areas_for_improvement"),
    ("SELECT sum(n_provider + n_inspectors + n_unattributed) FROM evidence_by_source", "SELECT count(*) FROM evidence"),
    ("SELECT sum(n_provider) FROM evidence_by_source", "SELECT count(*) FROM evidence WHERE source = 'provider'"),
    ("SELECT sum(n_judgements) FROM judgements_over_time", "SELECT count(*) FROM judgements"),
    ("SELECT sum(n_items) FROM theme_recurrence", "SELECT count(*) FROM item_themes"),
    ("SELECT count(*) FROM theme_recurrence", "SELECT count(DISTINCT theme) FROM item_themes"),
    ("SELECT count(*) FROM document_facts", "SELECT count(*) FROM documents"),
    ("SELECT count(*) FROM service_area_timeline",
     "SELECT count(*) FROM documents WHERE provider IS NOT NULL AND coalesce(date, inspection_end) IS NOT NULL"),
    ("SELECT count(*) FROM area_details WHERE judgement IS NOT NULL",
     "SELECT count(*) FROM areas_for_improvement WHERE judgement IS NOT NULL"),
    ("SELECT count(*) FROM area_history WHERE step > 0", "SELECT count(*) FROM area_links"),
    ("SELECT count(*) FROM grade_changes",
     "SELECT count(DISTINCT (provider, service_area, overall_kind, coalesce(date, inspection_end))) FROM documents "
     "WHERE overall_grade IS NOT NULL AND provider IS NOT NULL AND coalesce(date, inspection_end) IS NOT NULL"),
]  # fmt: skip


@pytest.mark.parametrize("view_sql, table_sql", AGREEMENT)
@pytest.mark.parametrize("which", ["archive", "corpus_db"])
def test_views_agree_with_the_extracted_tables(which, view_sql, table_sql, request):
    db = request.getfixturevalue(which)
    assert (query(db, view_sql).rows[0][0] or 0) == (query(db, table_sql).rows[0][0] or 0)


def test_the_corpus_database_holds_the_text_corpus(corpus_db):
    assert query(corpus_db, "SELECT count(*) FROM documents").rows[0][0] >= 20
    assert query(corpus_db, "SELECT count(*) FROM area_details WHERE judgement IS NOT NULL").rows[0][0] > 0


# Views of local authorities' documents: the fixtures' providers (Cafcass, a fictional council) are no
# authority of the reference table, so these are tested on the real archive (tests/test_policy.py).
COUNCIL_VIEWS = {
    "council_documents", "council_judgements", "council_grades", "latest_grades", "council_timeline",
    "improvement_points", "latest_grades_wide",
}  # fmt: skip


@pytest.mark.parametrize("view", [v for v in VIEWS if v not in COUNCIL_VIEWS])
def test_every_view_returns_rows_on_the_fixtures(archive, view):
    assert query(archive, f"SELECT count(*) FROM {view}").rows[0][0] > 0
