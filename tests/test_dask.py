"""The same flow on a local Dask cluster of 2 workers gives exactly the rows of a single-process run."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.run.ingest import run_ingest
from pipeline.run.settings import IngestSettings
from pipeline.store.db import query

CORPUS = Path(__file__).parent.parent / "corpus"
TABLES = {
    "documents": "SELECT * EXCLUDE (first_seen_run, last_seen_run) FROM documents",
    "areas_for_improvement": "SELECT * FROM areas_for_improvement",
    "evidence": "SELECT * FROM evidence",
    "judgements": "SELECT * FROM judgements",
    "recommendations": "SELECT * FROM recommendations",
    "item_themes": "SELECT * FROM item_themes",
}


def _snapshot(db: Path) -> dict[str, list]:
    return {t: sorted(map(repr, query(db, sql).rows)) for t, sql in TABLES.items()}


def test_dask_local_cluster_matches_single_process(tmp_path):
    from pipeline.run.flows import run_flow

    folder = tmp_path / "letters"
    folder.mkdir()
    for f in [*sorted(CORPUS.glob("00[034]*.txt")), CORPUS / "renditions" / "000_c9dc9a16fd74069d.pdf"]:
        shutil.copy(f, folder / f.name)
    single, dask = tmp_path / "single.duckdb", tmp_path / "dask.duckdb"
    run_ingest([folder], single, IngestSettings(workers=0))
    summary = run_flow([str(folder)], str(dask), IngestSettings(batch_size=1), dask_workers=2)
    assert summary.n_new == 4 and summary.n_failed == 0
    assert _snapshot(dask) == _snapshot(single)
