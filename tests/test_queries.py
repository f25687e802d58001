"""Named queries (header parsing, binding, every query runs), the query/export CLI, and exports that round-trip."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import duckdb  # only to read the exported files back, as a user would
import pytest
from typer.testing import CliRunner

from pipeline.analysis import queries as Q
from pipeline.analysis.exports import ExportFormat, export, target_path
from pipeline.cli import app
from pipeline.errors import BadArguments
from pipeline.store.db import query, relations
from tests.fixtures.archive import build_archive

runner = CliRunner()
CATALOGUE = Q.catalogue()


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> str:
    return str(build_archive(tmp_path_factory.mktemp("queries") / "archive.duckdb"))


# -- header parsing ----------------------------------------------------------------------------

HEADER = """-- description: Judgements of a provider.
-- param: provider (text, default '%'): provider name, an ILIKE pattern
-- param: since (date, default '2010-01-01')
-- param: limit_n (integer)
-- param: strict (boolean, default false)
SELECT $provider, $since, $limit_n, $strict  -- $not_a_param in a comment
"""


def test_parse_reads_description_and_typed_params():
    q = Q.parse(HEADER, "demo")
    assert q.description == "Judgements of a provider."
    assert [(p.name, p.type, p.default, p.required) for p in q.params] == [
        ("provider", "text", "%", False),
        ("since", "date", date(2010, 1, 1), False),
        ("limit_n", "integer", None, True),
        ("strict", "boolean", False, False),
    ]
    assert q.params[0].help == "provider name, an ILIKE pattern"


def test_bind_converts_values_and_fills_defaults():
    q = Q.parse(HEADER, "demo")
    assert q.bind({"limit_n": "5", "strict": "yes"}) == {
        "provider": "%", "since": date(2010, 1, 1), "limit_n": 5, "strict": True,
    }  # fmt: skip


@pytest.mark.parametrize(
    "given, message",
    [
        ({}, "needs --param limit_n"),
        ({"limit_n": "five"}, "--param limit_n"),
        ({"limit_n": "1", "since": "March"}, "--param since"),
        ({"limit_n": "1", "nope": "x"}, "has no parameter nope"),
    ],
)
def test_bind_refuses_bad_values(given, message):
    with pytest.raises(BadArguments, match=message):
        Q.parse(HEADER, "demo").bind(given)


@pytest.mark.parametrize(
    "text, message",
    [
        ("SELECT 1", "description"),
        ("-- description: x\nSELECT $undeclared", "differ"),
        ("-- description: x\n-- param: a (text, default 'x')\nSELECT 1", "differ"),
        ("-- description: x\n-- param: a (money)\nSELECT $a", "unknown type"),
        ("-- description: x\n-- param: a (integer, default 'many')\nSELECT $a", "not a integer"),
        ("-- description: x\n-- param a text\nSELECT $a", "bad param line"),
    ],
)
def test_parse_refuses_inconsistent_headers(text, message):
    with pytest.raises(ValueError, match=message):
        Q.parse(text, "bad")


def test_parse_assignments():
    assert Q.parse_assignments(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(BadArguments):
        Q.parse_assignments(["novalue"])


# -- the catalogue ------------------------------------------------------------------------------


def test_at_least_six_named_queries_each_with_a_description():
    assert len(CATALOGUE) >= 6
    assert {"recurring_themes", "inadequate_progress", "areas_without_improvement", "provider_judgements",
            "evidence_divergence", "documents_by_type_year", "ingest_errors"} <= set(CATALOGUE)  # fmt: skip
    assert all(q.description for q in CATALOGUE.values())


# Queries of local authorities' documents: the fixtures' providers (Cafcass, a fictional council) are no
# authority of the reference table, so these find no rows here; tests/test_policy.py runs each on the real archive.
COUNCIL_QUERIES = {
    "council_timeline", "latest_grades", "grade_distribution", "grade_movements", "improvement_points",
    "themes_by_year", "focused_visits",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_named_query_runs_with_its_defaults(archive, name):
    q = CATALOGUE[name]
    result = query(archive, q.sql, q.bind({}))
    assert result.columns
    if name not in {"ingest_errors", *COUNCIL_QUERIES}:  # the fixtures ingest cleanly
        assert result.rows, name


def test_areas_without_improvement_finds_the_safeguarding_area_raised_again(archive):
    q = CATALOGUE["areas_without_improvement"]
    got = query(archive, q.sql, q.bind({})).as_dicts()
    assert [(r["n_visits"], r["latest_judgement"], r["raised_again"], r["judgements"]) for r in got] == [
        (3, "inadequate", True, ["-", "inadequate", "-"])
    ]
    assert "safeguarding checks" in got[0]["latest_text"]


def test_parameters_filter_and_are_never_sql(archive):
    q = CATALOGUE["provider_judgements"]
    kelbrook = query(archive, q.sql, q.bind({"provider": "Kelbrook%"})).as_dicts()
    assert [(r["subject"], r["grade"]) for r in kelbrook] == [("Overall progress", "adequate")]
    hostile = "x'; DROP TABLE documents; --"
    assert query(archive, q.sql, q.bind({"provider": hostile})).rows == []
    assert query(archive, "SELECT count(*) FROM documents").rows[0][0] == 4
    themes = CATALOGUE["recurring_themes"]
    everywhere = query(archive, themes.sql, themes.bind({"min_documents": "1"})).rows
    assert len(everywhere) >= len(query(archive, themes.sql, themes.bind({"min_documents": "3"})).rows)


def test_query_files_bind_parameters_not_format_them():
    for q in CATALOGUE.values():
        assert Q.placeholders(q.sql) == {p.name for p in q.params}


# -- CLI ----------------------------------------------------------------------------------------


def test_cli_query_list(archive):
    result = runner.invoke(app, ["query", "--list", "--format", "csv", "--db", archive])
    assert result.exit_code == 0, result.output
    listed = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["name"] for r in listed} == set(CATALOGUE)
    assert "provider (text, default '%')" in next(r for r in listed if r["name"] == "provider_judgements")["parameters"]


def test_cli_named_query_with_params_as_json(archive):
    args = ["query", "grade_changes", "--param", "change=improved", "--db", archive, "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["service_area"], r["previous_grade"], r["grade"]) for r in rows] == [
        ("Cafcass: Northfield (N9)", "inadequate", "good")
    ]


def test_cli_named_query_as_a_table(archive):
    result = runner.invoke(app, ["query", "documents_by_type_year", "--db", archive, "--format", "table"])
    assert result.exit_code == 0, result.output
    assert "doc_type" in result.stdout and "4 row(s)" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["query", "no_such_query"], "no named query"),
        (["query", "recurring_themes", "--param", "min_documents=many"], "--param min_documents"),
        (["query", "recurring_themes", "--param", "nope=1"], "no parameter nope"),
        (["query", "SELECT 1", "--param", "a=1"], "named queries only"),
        (["query"], "named query or an SQL statement"),
    ],
)
def test_cli_query_bad_arguments_exit_2(archive, args, message):
    result = runner.invoke(app, [*args, "--db", archive])
    assert result.exit_code == 2
    assert message in result.stderr


def test_cli_free_sql_still_works_and_stays_read_only(archive):
    ok = runner.invoke(app, ["query", "SELECT count(*) AS n FROM area_details", "--db", archive, "--format", "csv"])
    assert ok.exit_code == 0 and ok.stdout.splitlines() == ["n", "12"]
    refused = runner.invoke(app, ["query", "DROP VIEW area_details", "--db", archive])
    assert refused.exit_code == 2


# -- exports ------------------------------------------------------------------------------------


def _read_back(path: Path, fmt: str) -> int:
    reader = "read_parquet" if fmt == "parquet" else "read_csv"
    con = duckdb.connect()
    try:
        return con.execute(f"SELECT count(*) FROM {reader}(?)", [str(path)]).fetchall()[0][0]
    finally:
        con.close()


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_export_round_trips_every_table_and_view(archive, tmp_path, fmt):
    out = tmp_path / f"export-{fmt.value}"
    done = export(archive, out, fmt)
    rels = relations(archive)
    assert {e.relation for e in done} == {name for name, _ in rels}
    assert {"area_details", "area_links", "documents", "theme_recurrence"} <= {e.relation for e in done}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [r["relation"] for r in manifest["relations"]] == [e.relation for e in done]
    for e in done:
        stored = query(archive, f"SELECT count(*) FROM {e.relation}").rows[0][0]
        assert e.rows == stored, e.relation
        if fmt is ExportFormat.parquet or stored:  # an empty CSV is just its header line
            assert _read_back(out / e.file, fmt.value) == stored, e.relation


def test_export_parquet_keeps_types(archive, tmp_path):
    export(archive, tmp_path, ExportFormat.parquet)
    con = duckdb.connect()
    try:
        themes, day = con.execute(
            "SELECT themes, date FROM read_parquet(?) WHERE area_no = 2 AND document LIKE '02_%'",
            [str(tmp_path / "area_details.parquet")],
        ).fetchall()[0]
    finally:
        con.close()
    assert isinstance(themes, list) and day == date(2011, 10, 10)


@pytest.mark.parametrize("name", ["../escape", "a/b", "x; DROP", "", ".hidden"])
def test_export_targets_stay_inside_the_folder(tmp_path, name):
    with pytest.raises(BadArguments):
        target_path(tmp_path, name, ExportFormat.csv)
    assert target_path(tmp_path, "documents", ExportFormat.csv) == (tmp_path / "documents.csv").resolve()


def test_cli_export(archive, tmp_path):
    result = runner.invoke(app, ["export", "--format", "csv", "--out", str(tmp_path / "x"), "--db", archive])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x" / "area_details.csv").is_file()
    assert "area_details" in result.stdout
    missing = runner.invoke(app, ["export", "--out", str(tmp_path / "y"), "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 1 and "no database" in missing.stderr


@pytest.mark.parametrize("command", ["export", "report", "query"])
def test_new_commands_have_help_with_an_example(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: inspections " + command in result.output
