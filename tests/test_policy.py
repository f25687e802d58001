"""Local authorities as the unit of analysis: the reference table in the database, the council views and
the named queries that answer policy teams' questions, checked on the real archive (../shared/real)
against what the archive itself says (its folders, the scraper's grades, la_lookup.csv) and against
the extracted tables. Tests on real data skip where the archive is absent."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest

from pipeline.analysis import queries as Q
from pipeline.store import reference
from pipeline.store.db import Database, query
from tests.real import REAL, needs_real

CATALOGUE = Q.catalogue()
POLICY_QUERIES = (
    "council_timeline", "latest_grades", "grade_distribution", "grade_movements", "region_summary",
    "statistical_neighbours", "improvement_points", "themes_by_year", "focused_visits",
)  # fmt: skip
RANK = {"outstanding": 1, "good": 2, "requires_improvement": 3, "inadequate": 4}


def run(db: Path, name: str, **params: str) -> list[dict]:
    q = CATALOGUE[name]
    return query(db, q.sql, q.bind(params)).as_dicts()


def rows(db: Path, sql: str, params: list | None = None) -> list[dict]:
    return query(db, sql, params).as_dicts()


# -- the reference table, without the archive ---------------------------------------------------------


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("la") / "empty.duckdb"
    Database.open(db).close()
    return db


def test_the_la_table_is_loaded_with_the_schema(empty_db):
    table = json.loads(reference.LA_TABLE.read_text(encoding="utf-8"))
    stored = {r["ons_code"]: r for r in rows(empty_db, "FROM local_authorities")}
    assert len(stored) == len(table["authorities"]) == 162
    assert sum(r["status"] == "current" for r in stored.values()) == 153
    oldham = stored["E08000004"]
    assert (oldham["name"], oldham["la_code"], oldham["region"], oldham["la_type"]) == (
        "Oldham", "353", "North West", "Metropolitan District",
    )  # fmt: skip
    assert len(oldham["stat_neighbours"]) == 10 and all(c in stored for c in oldham["stat_neighbours"])
    assert stored["E06000029"]["successors"] == ["E06000058"]  # Poole -> Bournemouth, Christchurch and Poole
    assert stored["E08000032"]["operators"] == ["Bradford Children and Families Trust"]


def test_predecessors_count_for_their_one_successor_and_two_successors_keep_their_own(empty_db):
    units = {r["authority"]: r["council"] for r in rows(empty_db, "FROM la_units")}
    assert units["Poole"] == units["Bournemouth"] == units["Christchurch"] == "Bournemouth, Christchurch and Poole"
    assert units["North Yorkshire County Council"] == "North Yorkshire"
    assert units["Somerset County Council"] == "Somerset"
    assert units["Northamptonshire"] == "Northamptonshire"  # North and West Northamptonshire
    assert units["Cumbria"] == "Cumbria"  # Cumberland, Westmorland and Furness
    assert units["Oldham"] == "Oldham"
    bcp = rows(empty_db, "SELECT predecessors FROM councils WHERE council = 'Bournemouth, Christchurch and Poole'")
    assert bcp[0]["predecessors"] == ["Bournemouth", "Christchurch", "Poole"]
    assert rows(empty_db, "SELECT count(*) AS n FROM councils")[0]["n"] == 153  # no documents: current ones only


def test_a_changed_la_table_is_loaded_again(tmp_path, monkeypatch):
    from pipeline.store import db as D

    path = tmp_path / "la.duckdb"
    Database.open(path).close()
    D._schema.cache_clear()
    monkeypatch.setattr(reference, "la_text", lambda: "a changed table")
    try:
        with Database.open(path) as db:
            assert db.schema_applied  # the digest covers the table's file
    finally:
        D._schema.cache_clear()


def test_framework_themes_are_the_rules_files_outcomes_and_enablers(empty_db):
    rules = json.loads((Path(reference.RULES_DIR) / "national_framework.json").read_text(encoding="utf-8"))
    expected = {f"outcome_{o['n']}": o["name"] for o in rules["outcomes"]}
    expected |= {f"enabler_{e['n']}": e["name"] for e in rules["enablers"]}
    got = {r["theme"]: r["theme_label"] for r in rows(empty_db, "FROM framework_themes")}
    assert got == expected


@pytest.mark.parametrize(
    "subject, judgements",
    [
        ("Overall effectiveness", {"overall_effectiveness"}),
        ("The impact of leaders on social work practice with children and families", {"leaders"}),
        ("Leadership, management and governance", {"leaders"}),
        ("The experiences and progress of children who need help and protection", {"help_and_protection"}),
        ("Children who need help and protection", {"help_and_protection"}),
        ("The experiences and progress of children in care and care leavers", {"children_in_care", "care_leavers"}),
        ("The experiences and progress of children in care", {"children_in_care"}),
        ("Children looked after and achieving permanence", {"children_in_care"}),
        ("The experiences and progress of care leavers", {"care_leavers"}),
        ("Experiences and progress of care leavers", {"care_leavers"}),
        ("Adoption performance", {"adoption"}),
        ("The effectiveness of the Local Safeguarding Children Board", {"lscb"}),
    ],
)
def test_printed_subjects_map_to_standard_judgements(empty_db, subject, judgements):
    got = rows(empty_db, "SELECT judgement FROM judgement_areas WHERE lower(?) LIKE subject_pattern", [subject])
    assert {r["judgement"] for r in got} == judgements


def test_every_policy_query_is_catalogued_with_a_description():
    for name in POLICY_QUERIES:
        assert CATALOGUE[name].description


# -- on the real archive ------------------------------------------------------------------------------


def _folder_council() -> dict[str, str]:
    """The archive's folder (<urn>_<la>) of each file, as la_lookup names its council, by file path."""
    lookup = {r["urn"]: r for r in csv.DictReader((REAL / "reference" / "la_lookup.csv").open(encoding="utf-8-sig"))}
    out = {}
    for pdf in REAL.glob("*/*/*.pdf"):
        urn = pdf.parent.name.split("_", 1)[0]
        if urn in lookup:
            out[str(pdf)] = lookup[urn]["la_code_new"]
    return out


@needs_real
def test_every_council_document_joins_one_local_authority(real_db):
    docs = rows(real_db, "SELECT doc_id, source_path, council_code, label FROM council_documents")
    assert len(docs) == len({d["doc_id"] for d in docs}) == 228  # every document but the saved error page
    folder = _folder_council()
    assert all(folder[d["source_path"]] == d["council_code"] for d in docs)  # the council of its folder
    assert len(folder) == 229 and len({d["council_code"] for d in docs}) == 40
    labels = [d["label"] for d in docs]
    assert len(set(labels)) == len(labels) and not any(label.startswith("doc-") for label in labels)
    by_path = {Path(d["source_path"]).name: d["label"] for d in docs if "80535_oldham" in d["source_path"]}
    assert by_path["children's services focused visit - 21 august 2025.pdf"] == "Oldham focused visit 21 Aug 2025"
    nyork = rows(real_db, "SELECT DISTINCT council, predecessor FROM council_documents WHERE predecessor IS NOT NULL")
    assert nyork == [{"council": "North Yorkshire", "predecessor": "North Yorkshire County Council"}]


@needs_real
def test_council_timeline_lists_a_councils_documents_in_date_order(real_db):
    got = run(real_db, "council_timeline", council="Oldham")
    files = sorted(p.name for p in REAL.glob("*/80535_oldham/*.pdf"))
    assert sorted(Path(r["source_path"]).name for r in got) == files
    assert [r["event_no"] for r in got] == list(range(1, len(got) + 1))
    assert [r["date"] for r in got] == sorted(r["date"] for r in got)
    kinds = Counter(r["kind"].split(" ")[0] for r in got)
    assert kinds["focused"] == sum("focused visit" in f for f in files)
    ilacs = [r for r in got if r["kind"].startswith("ILACS")]
    assert ilacs and all(r["overall_effectiveness"] and r["leaders"] and r["help_and_protection"] for r in ilacs)
    send = [r for r in run(real_db, "council_timeline", category="send")]
    assert len(send) == 14 and all(r["send_outcome"] and not r["overall_effectiveness"] for r in send)


def _peer_overall() -> dict[str, list[tuple[date, date | None, str]]]:
    """The scraper's overall effectiveness grades (ILACS reports) by Ofsted URN, oldest first: (the date
    it is ordered by, the inspection's last day where the scraper read it, the grade)."""
    out: dict[str, list[tuple[date, date | None, str]]] = defaultdict(list)
    for r in csv.DictReader((REAL / "ilacs_peer_grades.csv").open(encoding="utf-8")):
        grade = r["overall_effectiveness_grade"].strip().replace(" ", "_")  # 'requires improvement' too
        if grade in RANK:
            end = datetime.strptime(r["inspection_end_date"], "%d/%m/%Y").date() if r["inspection_end_date"] else None
            published = datetime.strptime(r["publication_date"], "%d/%m/%y").date()
            out[r["urn"]].append((end or published, end, grade))
    return {urn: sorted(v) for urn, v in out.items()}


def _same(ours_date: date, ours_grade: str, peer: tuple[date, date | None, str]) -> bool:
    _, end, grade = peer
    return ours_grade == grade and (end is None or ours_date == end)


@needs_real
def test_latest_grades_agree_with_the_scrapers_reading_of_the_reports(real_db):
    peer = _peer_overall()
    urn = {r["name"]: r["urn"] for r in rows(real_db, "SELECT name, urn FROM local_authorities")}
    latest = run(real_db, "latest_grades")
    assert len(latest) == 40
    for r in latest:
        grades = peer[urn[r["council"]]]
        assert _same(r["date"], r["grade"], grades[-1]), r["council"]
        assert r["framework"] == "ilacs"
        if len(grades) > 1:  # the one before, when the scraper has it too (SIF grades it does not read)
            assert _same(r["previous_date"], r["previous_grade"], grades[-2]), r["council"]
    inadequate = run(real_db, "latest_grades", grade="inadequate")
    assert sorted(r["council"] for r in inadequate) == sorted(
        c for c, u in urn.items() if u in peer and peer[u][-1][2] == "inadequate"
    )
    every = run(real_db, "latest_grades", judgement="%", council="Oldham")
    assert {r["judgement"] for r in every} == {
        "overall_effectiveness", "leaders", "help_and_protection", "children_in_care", "care_leavers", "adoption",
        "lscb",
    }  # fmt: skip


@needs_real
def test_grade_distribution_counts_every_graded_inspection(real_db):
    got = run(real_db, "grade_distribution")
    by_year = {r["year"]: r for r in got if r["grouped_by"] == "year"}
    peer_years = Counter(d.year for grades in _peer_overall().values() for d, _, _ in grades)
    sif = rows(real_db, "SELECT year(date) AS y, count(*) AS n FROM council_grades WHERE judgement = "
               "'overall_effectiveness' AND framework = 'sif' GROUP BY y")  # fmt: skip
    expected = peer_years + Counter({r["y"]: r["n"] for r in sif})
    assert {y: r["n_graded"] for y, r in by_year.items()} == dict(expected)
    for r in got:
        assert r["n_graded"] == r["n_outstanding"] + r["n_good"] + r["n_requires_improvement"] + r["n_inadequate"]
    total = sum(r["n_graded"] for r in got if r["grouped_by"] == "region")
    assert total == sum(r["n_graded"] for r in got if r["grouped_by"] == "framework") == sum(expected.values())
    latest = run(real_db, "grade_distribution", latest_only="true")
    assert sum(r["n_graded"] for r in latest if r["grouped_by"] == "region") == 40


@needs_real
def test_grade_movements_are_the_changes_between_consecutive_grades(real_db):
    peer = _peer_overall()
    name = {r["urn"]: r["name"] for r in rows(real_db, "SELECT name, urn FROM local_authorities WHERE urn IS NOT NULL")}
    expected = set()
    for u, grades in peer.items():
        for (_, _, g0), (_, d1, g1) in zip(grades, grades[1:], strict=False):
            if RANK[g0] != RANK[g1]:
                expected.add((name[u], d1, g0, g1, "improved" if RANK[g1] < RANK[g0] else "declined"))
    got = run(real_db, "grade_movements")
    peer_dates = {name[u]: {d for d, _, _ in grades} for u, grades in peer.items()}
    ilacs_pairs = {  # both inspections ILACS: the scraper reads no SIF grades
        (r["council"], r["date"], r["previous_grade"], r["grade"], r["change"])
        for r in got
        if r["previous_date"] in peer_dates[r["council"]]
        # the one report whose inspection dates the scraper did not read (published 22 Sep 2022)
        or (r["council"] == "Redcar and Cleveland" and r["previous_date"] >= date(2018, 1, 1))
    }
    assert {p for p in ilacs_pairs if p[1] is not None} == {p for p in expected if p[1] is not None}
    assert len(ilacs_pairs) == len(expected)
    declined = run(real_db, "grade_movements", change="declined")
    assert declined and all(RANK[r["grade"]] > RANK[r["previous_grade"]] for r in declined)
    assert [r["date"] for r in got] == sorted((r["date"] for r in got), reverse=True)


@needs_real
def test_region_summary_covers_every_council_of_each_region(real_db):
    got = run(real_db, "region_summary")
    lookup = list(csv.DictReader((REAL / "reference" / "la_lookup.csv").open(encoding="utf-8-sig")))
    current = Counter(r["region_name"] for r in lookup if r["local_authority_ons_name"] not in
                      ("Cumbria", "Northamptonshire", "Poole"))  # fmt: skip
    assert {r["region"]: r["n_councils"] for r in got} == dict(current)
    assert sum(r["n_graded"] for r in got) == 40
    latest = Counter((r["region"], r["grade"]) for r in run(real_db, "latest_grades"))
    for r in got:
        assert r["n_inadequate"] == latest[(r["region"], "inadequate")]
        assert r["n_outstanding"] == latest[(r["region"], "outstanding")]


@needs_real
def test_statistical_neighbours_are_la_lookups_in_order(real_db):
    got = run(real_db, "statistical_neighbours", council="Oldham")
    lookup = list(csv.DictReader((REAL / "reference" / "la_lookup.csv").open(encoding="utf-8-sig")))
    by_dfe = {r["la_code"]: r["local_authority_ons_name"] for r in lookup}
    oldham = next(r for r in lookup if r["la_code_new"] == "E08000004")
    names = [by_dfe[c.strip()] for c in oldham["stat_neighbours"].split(",")]  # DfE numbers, nearest first
    assert [r["rank"] for r in got] == list(range(11))
    assert [r["neighbour"] for r in got] == ["Oldham", *names]
    rochdale = next(r for r in got if r["neighbour"] == "Rochdale")
    assert rochdale["overall_effectiveness"] == run(real_db, "latest_grades", council="Rochdale")[0]["grade"]
    assert all(r["overall_effectiveness"] is None for r in got if r["n_documents"] == 0)


@needs_real
def test_improvement_points_of_a_council_a_region_a_year_and_a_theme(real_db):
    n_items = rows(real_db, "SELECT (SELECT count(*) FROM areas_for_improvement) + (SELECT count(*) FROM "
                   "recommendations) AS n")[0]["n"]  # fmt: skip
    assert len(run(real_db, "improvement_points")) == n_items == 1494
    oldham = run(real_db, "improvement_points", council="Oldham")
    expected = rows(real_db, "SELECT sum(n_areas + n_recommendations) AS n FROM documents WHERE la_name = 'Oldham'")
    assert len(oldham) == expected[0]["n"] and all(r["document"].startswith("Oldham ") for r in oldham)
    london_2025 = run(real_db, "improvement_points", region="London", year_from="2025", year_to="2025")
    assert london_2025 and all(r["region"] == "London" and r["year"] == 2025 for r in london_2025)
    tagged = rows(real_db, "SELECT count(DISTINCT (doc_id, item_kind, item_no)) AS n FROM item_themes "
                  "WHERE scheme = 'national_framework' AND theme = 'outcome_3'")  # fmt: skip
    outcome_3 = run(real_db, "improvement_points", theme="outcome_3")
    assert len(outcome_3) == tagged[0]["n"] > 0 and all("Outcome 3" in r["framework_theme_names"] for r in outcome_3)
    printed = [r for r in outcome_3 if r["framework_source"] == "printed"]
    n_printed = rows(real_db, "SELECT count(*) AS n FROM (SELECT framework_tag FROM areas_for_improvement UNION ALL "
                     "SELECT framework_tag FROM recommendations) WHERE framework_tag LIKE '%outcome 3%'")  # fmt: skip
    assert len(printed) == n_printed[0]["n"] > 0  # Ofsted's own tag, where it printed one
    assert all(r["framework_confidence"] < 1 for r in outcome_3 if r["framework_source"] == "classifier")
    priority = run(real_db, "improvement_points", kind="priority action")
    n_priority = rows(real_db, "SELECT count(*) AS n FROM areas_for_improvement WHERE kind = 'priority_action'")
    assert len(priority) == n_priority[0]["n"] and all(r["page"] for r in priority)


@needs_real
def test_themes_by_year_shares_the_years_themed_points(real_db):
    printed = run(real_db, "themes_by_year", region="England", source="printed")
    tags = rows(real_db, "SELECT year, framework_tag FROM improvement_points WHERE framework_tag IS NOT NULL")
    per_year = Counter()
    for r in tags:  # Ofsted's own tags, read from the print
        for part in r["framework_tag"].split(", "):
            per_year[(r["year"], part.replace(" ", "_"))] += 1
    assert {(r["year"], r["theme"]): r["n_points"] for r in printed} == dict(per_year)
    got = run(real_db, "themes_by_year", region="England")
    classes = rows(real_db, """SELECT year(coalesce(d.inspection_end, d.date)) AS year, t.theme, count(*) AS n
        FROM item_themes t JOIN documents d USING (doc_id) WHERE t.scheme = 'national_framework'
        GROUP BY ALL""")  # every point's class: the printed tag, else the classifier's
    assert {(r["year"], r["theme"]): r["n_points"] for r in got} == {(r["year"], r["theme"]): r["n"] for r in classes}
    for r in got:
        assert r["share"] == round(r["n_points"] / r["n_themed"], 3) and 0 < r["share"] <= 1
    regions = run(real_db, "themes_by_year", region="%")
    assert sum(r["n_points"] for r in regions if r["region"] != "England") == sum(r["n"] for r in classes)
    ces = run(real_db, "themes_by_year", scheme="ces", region="England")
    assert {r["theme"] for r in ces} <= {r["theme"] for r in rows(real_db, "SELECT DISTINCT theme FROM item_themes")}


@needs_real
def test_focused_visits_say_what_they_looked_at(real_db):
    got = run(real_db, "focused_visits")
    assert len(got) == len(list(REAL.glob("focused_visits/*/*.pdf"))) == 87
    care_leavers = run(real_db, "focused_visits", topic="care leavers")
    assert care_leavers and all("care leavers" in r["visit_topics"] for r in care_leavers)
    flagged = rows(real_db, """
        SELECT count(*) AS n FROM areas_for_improvement a JOIN documents d USING (doc_id)
        WHERE d.framework = 'focused_visit' AND a.kind = 'priority_action'""")
    assert sum(r["n_priority_actions"] for r in got) == flagged[0]["n"] > 0
