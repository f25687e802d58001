"""The ingest as a Prefect 3 flow: thin tasks over batches of documents, loads in the flow's thread.

Each task is one call into pipeline/ingest.py. Parsing runs in a bounded task runner (see
`run_flow`), `batch_size` documents per task (a task run costs ~30 ms of Prefect time,
shared/FACTS.md); each finished batch is loaded in its own transaction as soon as it completes.
Only the load retries, and only on a TransientError: a deterministic parse that failed would fail again.
"""

from __future__ import annotations

from pipeline.prefect_env import configure_prefect

configure_prefect()

# Prefect reads its settings when first imported, so these imports follow configure_prefect().
from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.futures import as_completed  # noqa: E402
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner  # noqa: E402

from pipeline import ingest  # noqa: E402
from pipeline.db import Database  # noqa: E402
from pipeline.errors import TransientError  # noqa: E402
from pipeline.progress import Progress  # noqa: E402
from pipeline.settings import DEFAULT_BATCH_SIZE, DEFAULT_WORKERS, IngestSettings  # noqa: E402


def _transient(task, task_run, state) -> bool:
    """Retry a load only when the database said 'try again later'."""
    try:
        state.result()
    except TransientError:
        return True
    except Exception:
        return False
    return False


@task(name="plan", cache_policy=NO_CACHE)
def plan_task(db: Database, files: list[str], skipped: list[str]) -> ingest.Plan:
    return ingest.plan(db, files, skipped)


@task(name="parse-batch", cache_policy=NO_CACHE, task_run_name="parse-batch-{label}")
def parse_batch_task(works: list[ingest.Work], max_bytes: int, label: str) -> ingest.BatchResult:
    return ingest.parse_batch(works, max_bytes)


@task(name="load-batch", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_transient)
def load_batch_task(
    db: Database, run_id: str, batch: ingest.BatchResult, summary: ingest.IngestSummary
) -> dict[str, int]:
    return ingest.load_batch(db, run_id, batch, summary)


@flow(name="ingest", task_runner=ThreadPoolTaskRunner(max_workers=1), validate_parameters=False)
def ingest_flow(
    paths: list[str],
    db: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    extensions: list[str] | None = None,
    show_progress: bool = False,
) -> ingest.IngestSummary:
    """Ingest every document under `paths` into the DuckDB file `db`; returns the run's summary."""
    settings = IngestSettings(batch_size=batch_size, **({"extensions": frozenset(extensions)} if extensions else {}))
    files, skipped = ingest.discover(paths, settings.extensions, exclude=[db])
    with Database.open(db) as database, ingest.ingest_run(database, paths) as summary:
        the_plan = plan_task(database, files, skipped)
        ingest.record_plan(database, summary.run_id, the_plan, summary)
        with Progress(len(the_plan.to_parse), enabled=show_progress) as progress:
            futures = [
                parse_batch_task.submit(works, settings.max_bytes, f"{i:04d}")
                for i, works in enumerate(ingest.batches(the_plan.to_parse, settings.batch_size))
            ]
            for future in as_completed(futures):
                batch = future.result()
                load_batch_task(database, summary.run_id, batch, summary)
                progress.advance(batch.n_works)
    return summary


def run_flow(
    paths: list[str],
    db: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int = DEFAULT_WORKERS,
    extensions: list[str] | None = None,
    show_progress: bool = False,
) -> ingest.IngestSummary:
    """Run `ingest_flow` with `workers` parse tasks in flight.

    More than one worker means a process pool: PDFium is not thread-safe (two threads reading
    PDFs crashed the interpreter with a segfault), and the GIL would serialise the parsing anyway.
    One worker (the default) runs in a single thread and avoids the pool's start-up cost, which
    made the 37-file corpus slower with 2 processes than with 1 thread (pipeline/settings.py).
    """
    IngestSettings(batch_size=batch_size, workers=workers)  # validate before starting Prefect
    runner = ProcessPoolTaskRunner(max_workers=workers) if workers > 1 else ThreadPoolTaskRunner(max_workers=1)
    return ingest_flow.with_options(task_runner=runner)(
        paths=[str(p) for p in paths],
        db=str(db),
        batch_size=batch_size,
        extensions=extensions,
        show_progress=show_progress,
    )
