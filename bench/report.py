"""How long `inspections report` takes, on a database and on copies of it scaled to thousands of documents.

The benchmark's synthetic archive (bench/archive.py) names fictional councils, which the report's council
views leave out, so a larger archive is made from a real one instead: every document of the database,
with all its rows, copied N - 1 times under new ids, each copy's dates moved back 3 years more than the
one before (so each council's timeline grows by whole inspection cycles, as an archive does over time).

Run: .venv/bin/python -m bench.report DB [--copies 1 20] [--repeats 3] [--out outputs/bench-report.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pipeline.analysis.report import collect, render_pages, write_report
from pipeline.store.db import Database, query
from pipeline.store.rows import RECORD_TABLES

# Per table, the columns a copy changes: every doc_id, the documents' names and dates.
DATE_COLUMNS = ("date", "inspection_start", "inspection_end")


def scale(src: Path, dst: Path, copies: int) -> int:
    """Write to `dst` the database `src` with every document copied `copies - 1` times; returns its documents."""
    shutil.copy(src, dst)
    with Database.open(dst) as db:
        for k in range(1, copies):
            suffix = f"-copy{k}"
            with db.transaction():
                for table in (*RECORD_TABLES, "document_paths"):
                    replace = [f"doc_id || '{suffix}' AS doc_id"]
                    if table == "documents":
                        replace += [f"name || '{suffix}' AS name", f"source_path || '{suffix}' AS source_path"]
                        replace += [f"{c} - INTERVAL {3 * k} YEAR AS {c}" for c in DATE_COLUMNS]
                    if table == "document_paths":
                        replace += [f"path || '{suffix}' AS path"]
                    db._run(f"INSERT INTO {table} SELECT * REPLACE ({', '.join(replace)}) FROM {table} "
                            "WHERE doc_id NOT LIKE '%-copy%'")  # fmt: skip
    return query(dst, "SELECT count(*) FROM documents").rows[0][0]


def time_report(db: Path, repeats: int) -> dict:
    """Seconds to build the report (median of `repeats`): its own pages (and, apart, reading the database
    and rendering them), and with every document's review page written beside it (the default)."""
    runs, with_review, reads, renders = [], [], [], []
    for _ in range(repeats):
        for review, times in ((False, runs), (True, with_review)):
            with tempfile.TemporaryDirectory() as tmp:
                started = time.perf_counter()
                written = write_report(db, Path(tmp) / "report.html", review=review)
                times.append(time.perf_counter() - started)
                size = sum(p.stat().st_size for p in written)
        started = time.perf_counter()
        data = collect(db)
        reads.append(time.perf_counter() - started)
        started = time.perf_counter()
        render_pages(data)
        renders.append(time.perf_counter() - started)
    counts = query(db, "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM improvement_points), "
                       "(SELECT count(DISTINCT council_code) FROM council_documents)").rows[0]  # fmt: skip
    return {
        "documents": counts[0], "improvement_points": counts[1], "councils": counts[2], "pages": len(written),
        "bytes": size, "seconds": statistics.median(runs), "seconds_all": runs,
        "read_seconds": statistics.median(reads), "render_seconds": statistics.median(renders),
        "with_review_seconds": statistics.median(with_review), "with_review_all": with_review,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--copies", type=int, nargs="+", default=[1, 20])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.copies:
            db = Path(tmp) / f"x{n}.duckdb"
            scale(args.db, db, n)
            r = {"copies": n, **time_report(db, args.repeats)}
            results.append(r)
            print(f"x{n}: {r['documents']} documents, {r['improvement_points']} points, {r['pages']} pages "
                  f"({r['bytes'] / 1e6:.1f} MB): {r['seconds']:.2f} s (read {r['read_seconds']:.2f} s, render "
                  f"{r['render_seconds']:.2f} s); with the review pages {r['with_review_seconds']:.2f} s",
                  file=sys.stderr)  # fmt: skip
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
