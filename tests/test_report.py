"""The trends report: self-contained HTML with sources for every figure, escaped document text, and a
real render in headless Chromium (skipped where chromium is not installed)."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.report import ReportData, build, collect, render_html
from tests.fixtures.archive import build_archive

runner = CliRunner()
ARTIFACTS = Path(__file__).parent.parent / "outputs" / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-logging=stderr", "--v=0",
]  # fmt: skip


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return build_archive(tmp_path_factory.mktemp("report") / "archive.duckdb")


@pytest.fixture(scope="module")
def report(archive, tmp_path_factory) -> Path:
    return build(archive, tmp_path_factory.mktemp("html") / "report.html")


def test_report_builds_quickly_and_is_self_contained(archive, tmp_path):
    started = time.perf_counter()
    out = build(archive, tmp_path / "r" / "report.html")
    assert time.perf_counter() - started < 10
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert text.count("<svg") == 3  # judgements over time, theme recurrence, progress by theme
    assert "<script" not in text.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text), "no external resources"
    assert "<link" not in text and "@import" not in text
    assert not re.search(r"url\((?!#)", text), "only in-page url(#id) references (SVG clip paths)"


def test_every_figure_lists_its_sources(report):
    text = report.read_text(encoding="utf-8")
    assert text.count('<details class="sources">') == 3
    for section in ("judgements", "themes", "progress"):
        body = text.split(f'<h2 id="{section}">', 1)[1].split("<h2", 1)[0]
        assert '<details class="sources"><summary>Sources:' in body, section
        assert 'href="#doc-' in body, section  # rows link to the documents table
    assert "02_northfield_monitoring_2011.txt</a> p.2" in text  # document and page
    assert "judgement.table.row" in text  # the rule that read it
    for n in range(1, 5):
        assert f'<span id="doc-{n}">' in text
    assert 'href="file:///' in text  # the documents table links to the files


def test_report_content_from_the_fixtures(report):
    text = report.read_text(encoding="utf-8")
    assert 'id="lineage"' in text and "safeguarding checks with the police" in text  # area not improved
    assert '<span class="change-improved">improved</span> (was inadequate)' in text  # Northfield 2011 -> 2013
    assert "A monthly audit of compliance with the safeguarding policy." in text  # provider's claim, diverging


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_document_text_is_escaped():
    data = ReportData("/db", "now")
    doc = {"doc_id": "d1", "document": HOSTILE, "doc_type": "article", "date": None, "provider": HOSTILE,
           "service_area": None, "page_count": 1, "source_path": "/x/<b>.txt"}  # fmt: skip
    data.tables = {
        "documents": [doc],
        "headline": [{"n_documents": 1}],
        "judgement_sources": [{"doc_id": "d1", "document": HOSTILE, "page": 1, "subject": HOSTILE, "grade": "good"}],
        "judgements_by_year": [{"year": 2020, "grade_rank": 2, "n": 1}],
        "theme_recurrence": [{"theme": "t", "theme_label": HOSTILE + " $x$", "n_documents": 1, "n_service_areas": 1}],
        "service_areas": [{"service_unit": HOSTILE, "doc_ids": ["d1"], "change": HOSTILE}],
        "evidence_divergence": [{"document": HOSTILE, "area_text": HOSTILE, "provider_evidence": [HOSTILE]}],
        "areas_without_improvement": [{"latest_text": HOSTILE, "documents": [HOSTILE]}],
    }
    text = render_html(data)
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text
    assert text.count("<svg") == 2  # a chart label from a document is escaped inside the SVG too


def test_empty_database_renders_without_charts(tmp_path):
    from pipeline.db import Database

    db = tmp_path / "empty.duckdb"
    Database.open(db).close()
    text = render_html(collect(db))
    assert "<svg" not in text and "No graded judgement is dated." in text


def test_a_database_without_the_views_says_how_to_create_them(archive, tmp_path):
    from pipeline.db import Database
    from pipeline.errors import DataError

    old = tmp_path / "old.duckdb"
    shutil.copy(archive, old)
    with Database.open(old) as db:
        db._execute("DROP VIEW theme_recurrence")
    with pytest.raises(DataError, match="inspections ingest"):
        collect(old)


def test_cli_report(archive, tmp_path):
    out = tmp_path / "cli" / "report.html"
    result = runner.invoke(app, ["report", "--db", str(archive), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and "wrote" in result.stderr
    missing = runner.invoke(app, ["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(out)])
    assert missing.exit_code == 1 and "no database" in missing.stderr


# -- a real browser ------------------------------------------------------------------------------


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.skip("chromium not installed: apt-get install chromium")
    return exe


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "Uncaught" in line or ":CONSOLE" in line]


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


def test_report_renders_in_headless_chromium(report, tmp_path):
    exe = _chromium()
    url = report.resolve().as_uri()
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run(
        [exe, *CHROMIUM_FLAGS, *profile, "--dump-dom", url], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<h1>Inspection trends</h1>" in dom.stdout
    assert len(re.findall(r"<svg\b", dom.stdout)) == 3
    assert not _console_errors(dom.stderr), _console_errors(dom.stderr)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = ARTIFACTS / "report.png"
    png.unlink(missing_ok=True)
    shot = subprocess.run(
        [exe, *CHROMIUM_FLAGS, *profile, f"--screenshot={png}", "--window-size=1280,2000", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert not _console_errors(shot.stderr), _console_errors(shot.stderr)
    assert png.is_file() and png.stat().st_size > 20_000  # a blank 1280x2000 page compresses to a few KB
    assert _png_size(png) == (1280, 2000)
