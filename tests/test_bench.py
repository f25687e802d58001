"""The benchmark (bench/run.py) runs end to end and reports every figure; its archive is varied and cached.

No timing is asserted here: speed depends on the machine and its load, and is only reported.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import archive as A

ROOT = Path(__file__).resolve().parent.parent

FORMAT_FIELDS = {
    "docs", "pages", "pipeline_wall_s", "pipeline_s", "pipeline_docs_per_s", "pipeline_pages_per_s",
    "floor_s", "floor_docs_per_s", "floor_pages_per_s", "ratio", "ratio_fastest", "target", "meets_target",
    "reader_s", "extract_s", "floor_warm_s", "ratio_warm_floor",
}  # fmt: skip
STARTUP_FIELDS = {
    "run_ingest_empty_s", "run_flow_empty_first_in_process_s", "run_flow_empty_s", "cli_prefect_empty_s",
    "cli_no_prefect_empty_s", "parser_pool_first_start_s", "parser_pool_later_start_s", "import_pipeline_workers_s",
}  # fmt: skip
MEMORY_FIELDS = {
    "docs_per_format", "docs", "failed", "workers", "seconds_total", "seconds_ingest", "peak_rss_self_mb",
    "peak_rss_largest_child_mb", "peak_rss_self_plus_child_mb", "peak_tree_rss_sampled_mb",
    "peak_tree_pss_sampled_mb", "samples",
}  # fmt: skip


def _positive(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) and x > 0


def test_variants_differ_keep_their_shape_and_are_deterministic():
    src = ROOT / "corpus" / "000_c9dc9a16fd74069d.txt"
    text = src.read_text(encoding="utf-8")
    a, b = A.vary(text, 0, src.name), A.vary(text, 1, src.name)
    assert a == A.vary(text, 0, src.name)
    assert a != b and a != text
    assert "Durham" not in a and "Durham" not in b  # the service area is renamed
    assert "Archive reference: BENCH-00000-" in a
    # Same paragraphs, one line added: the structure of the letter is kept.
    assert len(a.splitlines()) == len(text.rstrip("\n").splitlines()) + 2


def test_archive_is_unique_per_file_and_reused(tmp_path):
    folder = tmp_path / "archive"
    manifest, reused = A.ensure(folder, 2)
    assert not reused
    files = [folder / f["file"] for fmt in A.FORMATS for f in manifest["formats"][fmt]]
    assert len(files) == 2 * len(A.FORMATS)
    assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in files}) == len(files)
    assert all(f["pages"] >= 1 for fmt in A.FORMATS for f in manifest["formats"][fmt])
    again, reused = A.ensure(folder, 2)
    assert reused and again == manifest
    copies = A.ensure_copies(folder, manifest, factor=2)
    copied = sorted(p for fmt in A.FORMATS for p in (copies / fmt).iterdir())
    assert len(copied) == 2 * 2 * len(A.FORMATS)
    assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in copied + files}) == len(copied) + len(files)


def test_copies_are_still_readable(tmp_path):
    from extractors.readers import read_document

    folder = tmp_path / "archive"
    manifest, _ = A.ensure(folder, 1)
    copies = A.ensure_copies(folder, manifest, factor=1)
    for fmt in A.FORMATS:
        (path,) = (copies / fmt).iterdir()
        assert "Archive reference" in read_document(path).text


@pytest.fixture
def prefect_home(request) -> Path:
    """A Prefect home kept between test sessions (pytest's cache), so the run is not a first start."""
    return Path(request.config.cache.mkdir("bench-prefect-home"))


def test_quick_benchmark_runs_end_to_end_and_reports_every_field(tmp_path, prefect_home):
    """--quick with --x10 (at N = 2: 20 documents per format), so that the 10 x N runs are covered too."""
    out = tmp_path / "bench.json"
    env = {**os.environ, "INSPECTIONS_PREFECT_HOME": str(prefect_home)}
    env.pop("PREFECT_HOME", None)
    args = ["--quick", "--n", "2", "--x10", "--archive", str(tmp_path / "archive"), "--out", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    r = json.loads(out.read_text())

    assert {"date", "command", "machine", "n", "repeats", "quick", "archive", "startup", "formats", "prefect",
            "second_run", "workers", "memory", "bench_seconds", "samples"} <= set(r)  # fmt: skip
    assert r["quick"] is True and r["repeats"] == 1
    assert all(_positive(x) for xs in r["samples"].values() for x in xs)
    assert {"pipeline_txt", "floor_pdf", "whole_flow", "whole_workers_2", "run_flow_empty"} <= set(r["samples"])
    assert {"nproc", "cpu", "ram_gb", "python", "loadavg_start", "loadavg_end"} <= set(r["machine"])
    assert set(r["formats"]) == {"txt", "docx", "pdf"}
    for fmt, f in r["formats"].items():
        assert set(f) >= FORMAT_FIELDS, fmt
        assert f["docs"] == r["n"]
        assert all(_positive(f[k]) for k in FORMAT_FIELDS - {"docs", "meets_target"}), (fmt, f)
        assert isinstance(f["meets_target"], bool)
        # One pass each: the fastest pass is the median; met means both ratios reach the target.
        assert math.isclose(f["ratio_fastest"], f["ratio"]), (fmt, f)
        assert f["meets_target"] == (min(f["ratio"], f["ratio_fastest"]) >= f["target"])
    assert set(r["startup"]) >= STARTUP_FIELDS
    assert all(_positive(r["startup"][k]) for k in STARTUP_FIELDS)
    # Above-start-up differences can come out negative on a tiny quick run: only their presence is checked.
    assert math.isfinite(r["prefect"]["ratio_flow_over_plain"])
    assert r["prefect"]["docs"] == r["second_run"]["docs"] == r["workers"]["docs"] == 3 * r["n"]
    assert _positive(r["second_run"]["ratio_second_over_first"])
    assert math.isfinite(r["workers"]["speedup"])
    assert set(r["memory"]["N"]) >= MEMORY_FIELDS
    assert r["memory"]["N"]["docs"] == 3 * r["n"] and r["memory"]["N"]["failed"] == 0
    assert _positive(r["memory"]["N"]["peak_rss_self_mb"])
    x10 = r["memory"]["10xN"]
    assert x10["docs"] == 30 * r["n"] and x10["failed"] == 0 and _positive(x10["peak_rss_self_mb"])
    w10 = r["workers"]["x10"]
    assert w10["docs"] == 30 * r["n"] and len(w10["samples_1"]) == len(w10["samples_2"]) == 1
    assert all(_positive(x) for x in w10["samples_1"] + w10["samples_2"]) and math.isfinite(w10["speedup"])
    assert len(w10["samples_second"]) == 1 and _positive(w10["ratio_second_over_first"])

    # The table is printed with every section.
    sections = ("| format |", "Where the pipeline's time goes", "Fixed start-up", "cost of Prefect", "second run")
    for heading in (*sections, "speed-up", "at 10 x N: speed-up", "at 10 x N: second run", "Peak memory"):
        assert heading in proc.stdout


REAL = ROOT.parent / "shared" / "real"


@pytest.mark.skipif(not REAL.is_dir(), reason="needs ../shared/real (the real Ofsted archive)")
def test_real_mode_runs_on_a_few_real_pdfs_and_skips_what_is_not_a_pdf(tmp_path, prefect_home):
    """--real on a folder of 3 real PDFs (spread over the archive's MANIFEST) and its non-PDF .pdf
    (an HTML page): every figure present and positive, the junk skipped and named."""
    rows = [line.split("\t") for line in (REAL / "MANIFEST.tsv").read_text().splitlines()[1:] if line.strip()]
    pdfs = [r[0] for r in rows if r[4] == "True"]
    junk = [r[0] for r in rows if r[4] == "False"]
    folder = tmp_path / "real"
    for i, rel in enumerate([pdfs[0], pdfs[len(pdfs) // 2], pdfs[-1], *junk[:1]]):
        (folder / f"d{i}").mkdir(parents=True)
        (folder / f"d{i}" / Path(rel).name).write_bytes((REAL / rel).read_bytes())
    out = tmp_path / "bench-real.json"
    env = {**os.environ, "INSPECTIONS_PREFECT_HOME": str(prefect_home)}
    env.pop("PREFECT_HOME", None)
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--real", str(folder), "--repeats", "2", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["mode"] == "real" and "formats" not in result
    r = result["real"]
    assert r["docs"] == r["pdfs_found"] == 3 and r["rounds"] == 2 and _positive(r["pages"])
    assert [s["file"] for s in r["skipped"]] == ([f"d3/{Path(junk[0]).name}"] if junk else [])
    assert all("not a PDF" in s["reason"] for s in r["skipped"])
    for side in ("floor", "pipeline", "reader", "extract"):
        assert all(_positive(r[side][k]) for k in ("s", "docs_per_s", "pages_per_s")), side
        assert len(r["samples"][side]) == 2 and all(_positive(x) for x in r["samples"][side])
    for key in ("ratio", "ratio_fastest", "ratio_rounds_median", "floor_over_reader", "floor_over_extract"):
        assert _positive(r[key]), key
    assert len(r["ratio_rounds"]) == 2 and all(_positive(x) for x in r["ratio_rounds"])
    assert r["target"] == 0.25 and r["meets_target"] == (min(r["ratio"], r["ratio_fastest"]) >= 0.25)
    assert r["pipeline_failed"] == []
    assert len(r["per_document"]) == 3 and all(_positive(d["ratio"]) for d in r["per_document"])
    ing = r["ingest"]
    for w in ("workers_1", "workers_2"):
        assert ing[w]["counts"]["n_new"] == 3 and ing[w]["counts"]["n_failed"] == 0
        assert all(_positive(ing[w][k]) for k in ("s", "docs_per_s", "pages_per_s", "wall_s"))
    assert _positive(ing["speedup"]) and ing["speedup_informational"] and ing["meets_speedup_target"] is None
    # The table: the real documents' section, the skip named.
    assert "Real documents: all 3 PDFs" in proc.stdout and "not a PDF" in proc.stdout
    for heading in ("| floor: PDFium text", "| reader alone", "| extraction alone", "| ingest, workers=2",
                    "| from the medians", "informational at 3", "Furthest from the floor"):  # fmt: skip
        assert heading in proc.stdout, heading
