"""The ingest as a Prefect 3 flow: thin tasks over batches of documents, loads by the flow's process.

Each task is one call into pipeline/run/ingest.py or pipeline/run/workers.py. A task run costs ~30 ms of
Prefect time (shared/FACTS.md), so tasks cover many documents:
- locally, the documents stream through one guarded pool of `workers` parser processes owned by
  the flow (per-document time and memory limits, pipeline/run/workers.py), as in run_ingest: the pool
  is never drained between tasks. Each `parse` task takes the next `TASK_LOADS` batches' worth of
  documents off that stream and hands them to the loader in batches as they finish
  (`ingest.parsed_batches`). One task per batch of 25 (4 task runs for 90 documents) had cost
  4-21% of the run (bench/run.py, "cost of Prefect");
- on Dask (`dask_address`, or `dask_workers` for a local cluster), batches of `batch_size` are
  tasks that the Dask task runner spreads over the cluster; each Dask worker parses through its
  own guarded pool.
Each finished batch is loaded in its own transaction by the single writer (this process):
- locally, in a background thread while parsing goes on (pipeline.run.ingest.BackgroundLoader, as
  run_ingest does), with no task run around it: a load of 25 documents takes ~60 ms and a task
  run would add about half of that again;
- on Dask, by a load task per batch, as batches complete.
Only a load is retried, and only on a TransientError (the database was busy: 2 s, then 10 s): a
deterministic parse that failed would fail again.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipeline.run.prefect_env import TemporaryServer, configure_prefect, quiet_drain_notices

configure_prefect()

# Prefect reads its settings when first imported, so these imports follow configure_prefect().
from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.futures import as_completed  # noqa: E402
from prefect.settings import temporary_settings  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from pipeline.errors import TransientError  # noqa: E402
from pipeline.run import ingest  # noqa: E402
from pipeline.run.progress import Progress  # noqa: E402
from pipeline.run.settings import IngestSettings  # noqa: E402
from pipeline.run.workers import HeadStart, Limits, parse_on_this_host, start_early  # noqa: E402
from pipeline.signals import held, released  # noqa: E402
from pipeline.store.db import Database  # noqa: E402

quiet_drain_notices()  # after Prefect has configured its logging


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
def plan_task(
    db: Database,
    files: list[str],
    skipped: list[str],
    reprocess: bool,
    hashed: dict[str, ingest.FileHash],
    unreadable: list[OSError],
) -> ingest.Plan:
    with released():
        return ingest.plan(db, files, skipped, reprocess, hashed, unreadable)


# A local parse task covers this many batches (loads) of the stream: 250 documents by default.
TASK_LOADS = 10


@task(name="parse", cache_policy=NO_CACHE, task_run_name="parse-{label}")
def parse_task(
    stream: Iterator[ingest.ParseResult],
    n: int,
    loader: ingest.BackgroundLoader,
    batch_size: int,
    progress: Progress,
    label: str,
) -> int:
    """Take the next `n` results off the parser's stream and submit them to the loader in batches."""
    with released():
        for batch in ingest.parsed_batches(itertools.islice(stream, n), batch_size, loader.busy):
            loader.submit(batch)
            progress.advance(batch.n_works)
        return n


@task(name="parse-batch-remote", cache_policy=NO_CACHE, task_run_name="parse-batch-{label}")
def parse_batch_remote_task(works: list[ingest.Work], limits: Limits, label: str) -> ingest.BatchResult:
    return parse_on_this_host(works, limits)


@task(
    name="load-batch",
    cache_policy=NO_CACHE,
    retries=len(ingest.LOAD_RETRY_DELAYS),
    retry_delay_seconds=list(ingest.LOAD_RETRY_DELAYS),
    retry_condition_fn=_transient,
)
def load_batch_task(
    db: Database, run_id: str, batch: ingest.BatchResult, summary: ingest.IngestSummary
) -> dict[str, int]:
    with released():
        return ingest.load_batch(db, run_id, batch, summary)


@flow(name="ingest", task_runner=ThreadPoolTaskRunner(max_workers=1), validate_parameters=False)
def ingest_flow(
    paths: list[str], db: str, settings: dict[str, Any] | None = None, show_progress: bool = False, remote: bool = False
) -> ingest.IngestSummary:
    """Ingest every document under `paths` into the DuckDB file `db`; returns the run's summary."""
    # Prefect's engine runs with Ctrl-C held (the CLI holds it while Prefect starts; each task call
    # holds it), our code without: an interrupt lands in our code (pipeline/signals.py).
    with released():
        return _ingest(paths, db, settings, show_progress, remote)


def _ingest(
    paths: list[str], db: str, settings: dict[str, Any] | None, show_progress: bool, remote: bool
) -> ingest.IngestSummary:
    opts = IngestSettings(**(settings or {}))
    unreadable: list[OSError] = []
    files, skipped = ingest.discover(paths, opts.extensions, exclude=[db], unreadable=unreadable)
    start_early(0 if remote else opts.workers, bool(files))  # spaCy loads while the database opens
    head = HeadStart(opts, [] if remote else files, db)  # local runs: the first files parse meanwhile
    with head, Database.open(db) as database, ingest.ingest_run(database, paths) as summary:
        with held():
            the_plan = plan_task(database, files, skipped, opts.reprocess, dict(head.hashed), unreadable)
        ingest.record_plan(database, summary.run_id, the_plan, summary)
        with Progress(len(the_plan.to_parse), enabled=show_progress) as progress:
            if remote:
                batches = ingest.batches(the_plan.to_parse, opts.batch_size)
                futures = [parse_batch_remote_task.submit(w, opts.limits, f"{i:04d}") for i, w in enumerate(batches)]
                for future in as_completed(futures):
                    _load(database, summary, future.result(), progress)
            elif the_plan.to_parse:
                # The parser is left first: its workers stop while the last batch loads.
                with ingest.run_loader(database, summary) as loader, head.parser(the_plan.to_parse) as parser:
                    stream = parser.map(the_plan.to_parse)
                    per_task = TASK_LOADS * opts.batch_size
                    for i, start in enumerate(range(0, len(the_plan.to_parse), per_task)):
                        n = min(per_task, len(the_plan.to_parse) - start)
                        with held():
                            parse_task(stream, n, loader, opts.batch_size, progress, f"{i:04d}")
    ingest.publish(db, summary)  # readers fall back to it while the next run holds the database
    return summary


def _load(database: Database, summary: ingest.IngestSummary, batch: ingest.BatchResult, progress: Progress) -> None:
    with held():
        load_batch_task(database, summary.run_id, batch, summary)
    progress.advance(batch.n_works)


# This process's own temporary Prefect server, started by its first local flow run (see `run_flow`).
_SERVER: TemporaryServer | None = None


def _configured_api_url() -> str | None:
    """The Prefect API configured from any of Prefect's sources (environment, profile, prefect.toml)."""
    import prefect.settings

    return prefect.settings.PREFECT_API_URL.value() or None


def run_flow(
    paths: list[str],
    db: str,
    settings: IngestSettings | None = None,
    show_progress: bool = False,
    dask_address: str | None = None,
    dask_workers: int = 0,
    api_url: str | None = None,
    server: TemporaryServer | None = None,
) -> ingest.IngestSummary:
    """Run `ingest_flow` locally, on the Dask scheduler at `dask_address`, or on a local Dask cluster.

    `api_url`: the Prefect API to use for this run. Without it, a local run uses the configured
    API, else this process's own TemporaryServer: `server` if given (the CLI's, started before
    Prefect was imported; stopped unused if an API is configured), else one started by the
    process's first run (~2 s sooner up than the one Prefect starts itself, pipeline/run/prefect_env.py).

    Without flow-run heartbeats. Prefect 3.8 beats from a thread that sleeps in 1 s steps and is
    joined when the run ends, so every run waited 0-1 s for it (0.8 s of an empty run's 1.16 s,
    measured; 0.29 s without). A heartbeat lets a server mark a served deployment's run as
    crashed; a run started here is watched by its caller, and a killed one is marked in the
    runs table by the next run. `inspections schedule` serves the flow with heartbeats.
    """
    if api_url is None and not (dask_address or dask_workers):
        api_url = _own_server_url(server)
    elif server is not None:
        server.stop()
    with _run_settings(api_url):
        return _run_flow(paths, db, settings, show_progress, dask_address, dask_workers)


def _own_server_url(started: TemporaryServer | None = None) -> str | None:
    """This process's temporary server's URL (`started`, if given and there is none yet), unless
    Prefect is configured with an API (a server in the environment, a profile, prefect.toml): then
    None, and `started` is stopped. None too if it cannot start (the run then uses the server
    Prefect starts itself)."""
    global _SERVER
    if _configured_api_url():
        if started is not None:
            started.stop()
        return None
    if _SERVER is None:
        _SERVER = started or TemporaryServer()
    elif started is not None and started is not _SERVER:
        started.stop()
    return _SERVER.url()


def _run_settings(api_url: str | None) -> contextlib.AbstractContextManager[Any]:
    """Flow-run heartbeats off for the block (a Prefect without the setting has no heartbeat thread),
    and the API at `api_url` if given."""
    import prefect.settings

    updates: dict[Any, Any] = {}
    setting = getattr(prefect.settings, "PREFECT_FLOWS_HEARTBEAT_FREQUENCY", None)
    if setting is not None:
        updates[setting] = None
    if api_url:
        updates[prefect.settings.PREFECT_API_URL] = api_url
    return temporary_settings(updates=updates) if updates else contextlib.nullcontext()


def _run_flow(
    paths: list[str],
    db: str,
    settings: IngestSettings | None,
    show_progress: bool,
    dask_address: str | None,
    dask_workers: int,
) -> ingest.IngestSummary:
    opts = settings or IngestSettings()
    params = {
        "paths": [str(p) for p in paths],
        "db": str(db),
        "settings": _settings_dict(opts),
        "show_progress": show_progress,
    }
    if not dask_address and not dask_workers:
        return ingest_flow(**params)
    runner = _dask_runner(dask_address, dask_workers)
    return ingest_flow.with_options(task_runner=runner)(**params, remote=True)


def _settings_dict(opts: IngestSettings) -> dict[str, Any]:
    out = asdict(opts)
    out["extensions"] = sorted(opts.extensions)
    return out


def _dask_runner(address: str | None, n_workers: int):
    """Prefect's Dask task runner for an existing scheduler or a local cluster of `n_workers` processes."""
    import dask
    from prefect_dask import DaskTaskRunner

    # Worker processes must be allowed children: each parses through its own guarded pool.
    dask.config.set({"distributed.worker.daemon": False})
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_kwargs={"n_workers": n_workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
    )


def deployment(paths: list[str], db: str, settings: IngestSettings, cron: str, name: str = "nightly-ingest"):
    """The ingest flow as a Prefect deployment on `cron`, ready for `serve`."""
    return ingest_flow.to_deployment(
        name=name,
        cron=cron,
        parameters={
            "paths": [os.path.abspath(p) for p in paths],
            "db": os.path.abspath(db),
            "settings": _settings_dict(settings),
        },
        description="Nightly ingest of inspection documents (inspections schedule).",
    )


# How long a stopping scheduler waits for its in-flight runs to record that they were stopped.
STOP_GRACE_SECONDS = 30.0


def serve(dep) -> None:
    """`prefect.serve(dep)` (until stopped), with SIGTERM stopping it as Ctrl-C does.

    Prefect's runner stops itself on SIGTERM from inside the signal handler, on the event loop's
    own thread, then exits: every stop (systemd's, `kill`) printed "coroutine 'Runner.astop' was
    never awaited" and an asyncio traceback (Prefect 3.8). On Ctrl-C, asyncio cancels the runner's
    task instead, which pauses the schedule, stops the polling and exits quietly: SIGTERM is
    turned into that. A run in progress gets the SIGTERM first and the runner waits (up to
    STOP_GRACE_SECONDS) for it to end as `ingest` ends on SIGTERM, its row marked failed; the
    runner alone would SIGKILL it, leaving the row 'running' until the next run. If SIGINT is
    ignored (nohup), Prefect's own handling stays.
    """
    import asyncio

    from prefect.runner import Runner

    class _Runner(Runner):
        stopping = False

        def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
            if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
                super().handle_sigterm(*args, **kwargs)
                return
            runs = [] if self.stopping else _child_processes()
            self.stopping = True
            for pid in runs:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGTERM)
            if runs:  # the handler returns at once: the event loop goes on while the runs stop
                waiter = threading.Thread(target=_interrupt_when_gone, args=(runs, STOP_GRACE_SECONDS, served))
                waiter.daemon = True
                waiter.start()
            else:  # nothing running, or SIGTERM twice: stop now
                signal.raise_signal(signal.SIGINT)

    served = threading.Event()  # set once the runner has stopped: nothing left to interrupt
    runner = _Runner(pause_on_shutdown=True)
    runner.add_deployment(dep)
    print(f"serving deployment {dep.flow_name}/{dep.name}: polling for its scheduled runs (Ctrl-C or SIGTERM stops)")
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(runner.start())
    finally:
        served.set()


def _child_processes() -> list[int]:
    """This process's children (the served flow runs), from /proc; none where there is no /proc."""
    me, found = os.getpid(), []
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
                    if int(fields[1]) == me and fields[0] != "Z":
                        found.append(int(entry.name))
    return found


def _interrupt_when_gone(pids: list[int], grace: float, served: threading.Event) -> None:
    """Once `pids` have exited (or after `grace` seconds), interrupt this process as Ctrl-C would,
    unless the runner has stopped meanwhile (a second SIGTERM)."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and not served.is_set() and set(pids) & set(_child_processes()):
        time.sleep(0.2)
    if not served.is_set():
        os.kill(os.getpid(), signal.SIGINT)
