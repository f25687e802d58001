"""CLI smoke tests through typer's CliRunner (ingest runs with --no-prefect; the flow has its own test)."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from pipeline.cli import app
from tests.procs import prefect_servers

runner = CliRunner()
CONTRACT_KEYS = {
    "document", "doc_type", "title", "date", "inspectorate", "provider", "service_area",
    "overall_judgement", "areas_for_improvement", "recommendations", "judgements",
}  # fmt: skip


def test_every_command_has_help_with_an_example():
    for command in ("ingest", "extract", "query"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Example: inspections " + command in result.output


def test_help_shows_real_defaults_and_no_placeholders_on_flags():
    """Rich read "[default: outputs/inspections.duckdb]" as markup and printed "DuckDB database file .";
    flags showed a "<bool>" placeholder. Help is plain text now: what is written is what is shown."""
    import typer.main

    commands = typer.main.get_command(app).commands
    for name in commands:
        result = runner.invoke(app, [name, "--help"], terminal_width=200)
        assert result.exit_code == 0, (name, result.output)
        assert "<bool>" not in result.output, name
        if "--db" in result.output:
            assert "outputs/inspections.duckdb" in result.output, (name, result.output)
    ingest = runner.invoke(app, ["ingest", "--help"], terminal_width=200).output
    assert "[25]" in ingest and "[120]" in ingest and "--progress / --no-progress" in ingest


def test_extract_writes_one_contract_json_per_document(letters, tmp_path):
    (letters / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    out = tmp_path / "json"
    result = runner.invoke(app, ["extract", str(letters), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["letter_a.json", "letter_b.json"]
    record = json.loads((out / "letter_a.json").read_text(encoding="utf-8"))
    assert set(record) >= CONTRACT_KEYS
    assert record["document"] == "letter_a.txt"
    area = record["areas_for_improvement"][0]
    assert {"id", "text", "timescale", "judgement", "rag", "evidence"} <= set(area)
    assert "broken.pdf: E103" in result.stderr


def test_extract_reports_a_folder_it_cannot_list(letters, tmp_path, unlistable):
    (letters / "locked").mkdir()
    unlistable(letters / "locked")
    result = runner.invoke(app, ["extract", str(letters), "--out", str(tmp_path / "json")])
    assert result.exit_code == 0, result.output
    assert f"{letters / 'locked'}: E109" in result.stderr and "2 JSON file(s)" in result.stderr
    assert "; 1 failed" in result.stderr


def test_extract_names_colliding_base_names_by_file_name(letters, tmp_path):
    (letters / "sub").mkdir()
    (letters / "sub" / "letter_a.text").write_text((letters / "letter_a.txt").read_text())
    out = tmp_path / "json"
    assert runner.invoke(app, ["extract", str(letters), "--out", str(out)]).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["letter_a.text.json", "letter_a.txt.json", "letter_b.json"]


def test_ingest_prints_a_summary_and_query_reads_it_back(letters, db_path):
    result = runner.invoke(app, ["ingest", str(letters), "--db", str(db_path), "--no-prefect"])
    assert result.exit_code == 0, result.output
    assert "new" in result.stdout and "areas_for_improvement" in result.stdout

    sql = "SELECT name, doc_type FROM documents ORDER BY name"
    as_csv = runner.invoke(app, ["query", sql, "--db", str(db_path), "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == ["name", "doc_type"] and [r[0] for r in rows[1:]] == ["letter_a.txt", "letter_b.txt"]

    as_json = runner.invoke(app, ["query", "SELECT count(*) AS n, max(date) AS d FROM documents", "--db", str(db_path),
                                  "--format", "json"])  # fmt: skip
    assert json.loads(as_json.stdout) == [{"n": 2, "d": "2011-06-03"}]

    table = runner.invoke(app, ["query", sql, "--db", str(db_path), "--format", "table"])
    assert table.exit_code == 0 and "letter_b.txt" in table.stdout


def test_query_refuses_writes_and_missing_databases_with_codes(letters, db_path, tmp_path):
    runner.invoke(app, ["ingest", str(letters), "--db", str(db_path), "--no-prefect"])
    refused = runner.invoke(app, ["query", "DELETE FROM documents", "--db", str(db_path)])
    assert refused.exit_code == 2 and "E321" in refused.stderr
    count = runner.invoke(app, ["query", "SELECT count(*) FROM documents", "--db", str(db_path), "--format", "csv"])
    assert count.stdout.splitlines()[1] == "2"
    missing = runner.invoke(app, ["query", "SELECT 1", "--db", str(tmp_path / "nope.duckdb")])
    assert missing.exit_code == 1 and "E322" in missing.stderr
    # A statement the database cannot parse, bind or run is the user's to fix: a bad argument (exit 2), as
    # the README promises; it used to exit 1 as a database error (E320).
    for bad in ("SELEC 1", "SELECT nope FROM documents", "SELECT CAST('x' AS INTEGER)"):
        wrong = runner.invoke(app, ["query", bad, "--db", str(db_path)])
        assert wrong.exit_code == 2 and "E325" in wrong.stderr, (bad, wrong.stderr)
    files = runner.invoke(app, ["query", f"SELECT * FROM read_csv('{tmp_path / 'x.csv'}')", "--db", str(db_path)])
    assert files.exit_code == 2 and "E321" in files.stderr, files.stderr


def test_bad_arguments_exit_2_and_failed_files_do_not(letters, db_path, tmp_path):
    missing = runner.invoke(app, ["ingest", str(tmp_path / "missing"), "--db", str(db_path), "--no-prefect"])
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr
    (letters / "empty.txt").write_bytes(b"")
    ok = runner.invoke(app, ["ingest", str(letters), "--db", str(db_path), "--no-prefect"])
    assert ok.exit_code == 0 and "E101" in ok.stdout


def test_the_ingest_command_runs_the_flow_in_a_real_process_and_exits_quietly(letters, tmp_path):
    """The README's main command, as a user runs it: Prefect flow, exit 0, no noise on stderr."""
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).with_name("inspections")
    before = prefect_servers()
    proc = subprocess.run(
        [str(exe), "ingest", str(letters), "--db", str(tmp_path / "x.duckdb")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "nanobind" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "Still processing items" not in proc.stderr, proc.stderr[-2000:]
    # The temporary Prefect server the command started (pipeline.run.prefect_env.TemporaryServer) is gone.
    assert prefect_servers() <= before
    from pipeline.store.db import query

    assert query(tmp_path / "x.duckdb", "SELECT count(*) FROM documents").rows == [(2,)]


def test_an_output_that_cannot_be_written_is_a_coded_error_not_a_traceback(letters, tmp_path):
    """A file where --out's folder should be: E302 naming it, exit 1, for every command that writes."""
    db = tmp_path / "x.duckdb"
    assert runner.invoke(app, ["ingest", str(letters), "--db", str(db), "--no-prefect"]).exit_code == 0
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    for args in (
        ["export", "--db", str(db), "--out", str(blocker / "export")],
        ["report", "--db", str(db), "--out", str(blocker / "report.html")],
        ["extract", str(letters), "--out", str(blocker / "json")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (args[0], result.output)
        assert f"error E302: Cannot write the output: {blocker}" in result.stderr, (args[0], result.stderr)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args[0], result.exception)
