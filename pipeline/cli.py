"""The `inspections` command: ingest into DuckDB, extract to JSON, score against gold, query, export, report.

Exit codes: 0 when every file was handled (failed files become error rows or stderr lines),
1 when the run itself failed (database locked or unusable), 2 for bad arguments.
"""

from __future__ import annotations

import contextlib
import csv
import json
import signal
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from extractors.paths import path_text
from pipeline.errors import BadArguments, BadQuery, OutputNotWritten, PipelineError, QueryRefused, os_reason
from pipeline.run.settings import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_DB,
    DEFAULT_EXTENSIONS,
    DEFAULT_MAX_BYTES,
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_TIME_LIMIT,
    DEFAULT_WORKERS,
    IngestSettings,
)

app = typer.Typer(
    help="Turn inspection letters and reports (PDF, DOCX, HTML, text) into structured, queryable data.",
    no_args_is_help=True,
    add_completion=False,
    # Plain help text: Rich read "[default: outputs/inspections.duckdb]" as markup and dropped it.
    rich_markup_mode=None,
)

PathsArg = Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).", show_default=False)]
DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB database file.")]
ExtOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--ext",
        help=f"Extension to pick up in folders (repeatable; default {' '.join(sorted(DEFAULT_EXTENSIONS))}).",
    ),
]


class OutFormat(StrEnum):
    json = "json"


class QueryFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _fail(exc: PipelineError) -> typer.Exit:
    """Print a coded error and return the exit to raise: 2 for bad arguments (a refused or invalid query
    among them: the user's to fix), else 1 (the run or the database failed)."""
    typer.echo(f"error {exc.code}: {exc}", err=True)
    return typer.Exit(2 if isinstance(exc, BadArguments | QueryRefused | BadQuery) else 1)


def _report_row(row) -> None:
    """One failed file or folder on stderr: its path, error code and message."""
    typer.echo(f"{path_text(row.path)}: {row.error_code} {path_text(row.message)}", err=True)


def _report_unreadable(unreadable: list[OSError]) -> int:
    """Report each folder that could not be listed (E109); returns how many."""
    from pipeline.run.ingest import folder_failure

    for row in map(folder_failure, unreadable):
        _report_row(row)
    return len(unreadable)


def _extract_or_report(path: str, max_bytes: int):
    """(document, record) of one file, or None after reporting why it failed: one file never stops a command."""
    from pipeline.run.work import extract_file, failure

    try:
        return extract_file(path, max_bytes)
    except Exception as exc:  # report and carry on
        _report_row(failure(exc, path))
        return None


def _not_written(exc: OSError, out: Path) -> OutputNotWritten:
    """The coded error for an output that could not be written (the OS's reason, the path it hit)."""
    return OutputNotWritten(f"{exc.filename or out}: {os_reason(exc)}")


def _settings(ext: list[str] | None, **kw: float | bool) -> IngestSettings:
    return IngestSettings(**({"extensions": frozenset(ext)} if ext else {}), **kw)


OptPathsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Files or folders (searched recursively); default: [ingest] paths of --config.", show_default=False
    ),
]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="TOML settings file (flags win over it).")]


def _resolve(config_path: Path | None, paths: list[Path] | None, db: Path | None, **cli):
    """Paths, database and IngestSettings from flags, then the config file, then the defaults."""
    from pipeline.run.config import load_config

    cfg = load_config(config_path).ingest
    chosen_paths = [str(p) for p in paths] if paths else cfg.paths
    if not chosen_paths:
        raise BadArguments("give PATH... or a --config file with [ingest] paths")
    names = {"memory_limit": "memory_limit_mb"}
    kw = {}
    for key in set(cli) | (set(type(cfg).model_fields) - {"paths", "db"}):
        value = cli.get(key)
        value = value if value is not None else getattr(cfg, key, None)
        if value is not None:
            kw[names.get(key, key)] = value
    ext = kw.pop("extensions", None)
    settings = IngestSettings(**({"extensions": frozenset(ext)} if ext else {}), **kw)
    return chosen_paths, Path(db or cfg.db or DEFAULT_DB), settings


@app.command()
def ingest(
    paths: OptPathsArg = None,
    db: Annotated[Path | None, typer.Option("--db", help=f"DuckDB database file [default: {DEFAULT_DB}].")] = None,
    config: ConfigOpt = None,
    batch_size: Annotated[
        int | None,
        typer.Option(
            help=f"Documents per load (N-2N as they finish); a parse task takes 10 loads' worth [{DEFAULT_BATCH_SIZE}]."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help=f"Parser processes on this machine; 0: in this process, no limits [{DEFAULT_WORKERS}]."),
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option(help=f"Seconds one document may take to parse [{DEFAULT_TIME_LIMIT:g}].")
    ] = None,
    memory_limit: Annotated[
        int | None, typer.Option(help=f"MB one parser may add while parsing a document [{DEFAULT_MEMORY_LIMIT_MB}].")
    ] = None,
    max_bytes: Annotated[int | None, typer.Option(help=f"Refuse larger files (bytes) [{DEFAULT_MAX_BYTES}].")] = None,
    ext: ExtOpt = None,
    dask_address: Annotated[
        str | None, typer.Option(help="Parse on this Dask scheduler (e.g. tcp://10.0.0.5:8786).")
    ] = None,
    dask_workers: Annotated[int, typer.Option(help="Parse on a local Dask cluster of N worker processes.")] = 0,
    reprocess: Annotated[
        bool | None, typer.Option("--reprocess", help="Re-extract documents stored by another extractor version.")
    ] = None,
    no_prefect: Annotated[bool, typer.Option("--no-prefect", help="Run the same steps without Prefect.")] = False,
    progress: Annotated[bool | None, typer.Option(help="Show a progress bar (default: on a terminal).")] = None,
) -> None:
    """Parse and extract every document under PATH... into the DuckDB database (re-runs skip unchanged files).

    Each document is parsed in a worker process under a time limit and a memory ceiling; a file
    that breaks either becomes an error row and the run goes on. Settings can come from a TOML
    file (--config, see pipeline/run/config.py); flags win over it.

    Example: inspections ingest corpus --db outputs/inspections.duckdb
    """
    started = time.perf_counter()
    show = sys.stderr.isatty() if progress is None else progress
    _stop_on_sigterm()
    try:
        chosen, db_path, settings = _resolve(
            config, paths, db, batch_size=batch_size, workers=workers, time_limit=time_limit,
            memory_limit=memory_limit, max_bytes=max_bytes, extensions=ext, reprocess=reprocess,
        )  # fmt: skip
        if no_prefect:
            if dask_address or dask_workers:
                raise BadArguments("--dask-address/--dask-workers run through Prefect; drop --no-prefect")
            from pipeline.run.ingest import run_ingest

            summary = run_ingest(chosen, db_path, settings, show_progress=show)
        else:
            from pipeline.run.prefect_env import start_temporary_server
            from pipeline.signals import held

            local = not (dask_address or dask_workers)
            # Until the flow's body runs, Ctrl-C waits: in Prefect's start-up it can be swallowed or
            # become a traceback (pipeline/signals.py). The body lets it through (flows.ingest_flow).
            with held(notice=_HELD_NOTICE):
                # Prefect's server (~3.5 s to start) and the parsers' spaCy come up while Prefect imports.
                server = start_temporary_server() if local else None
                if local:
                    _start_parsers_early(chosen, db_path, settings)
                from pipeline.run.flows import run_flow

                summary = run_flow(
                    chosen, str(db_path), settings, show_progress=show, dask_address=dask_address,
                    dask_workers=dask_workers, server=server,
                )  # fmt: skip
    except PipelineError as exc:
        raise _fail(exc) from exc
    except Terminated as exc:
        typer.echo(
            "stopped by SIGTERM: the run is recorded as failed; the batches it committed are kept "
            "and the next run parses the rest",
            err=True,
        )
        raise typer.Exit(128 + signal.SIGTERM) from exc
    _print_summary(summary, time.perf_counter() - started)


_HELD_NOTICE = "stopping once Prefect has started (a second time stops it now)"


class Terminated(KeyboardInterrupt):
    """SIGTERM: how systemd stops a service and `kill` a process. A KeyboardInterrupt, so that a run
    ends as after Ctrl-C: its row in `runs` marked failed, the workers stopped, the database closed."""


def _stop_on_sigterm() -> None:
    """Make SIGTERM end an ingest as Ctrl-C does, instead of killing it between two statements (safe,
    but the run stays 'running' until the next run marks it interrupted, and the workers, cut off,
    printed a traceback each). Only the main thread may set a handler: elsewhere, leave it."""

    def handler(signum: int, frame: object) -> None:
        raise Terminated(f"terminated by signal {signum} (SIGTERM)")

    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGTERM, handler)


def _start_parsers_early(paths: list[str], db_path: Path, settings: IngestSettings) -> None:
    """Start the parser fork server before Prefect when there is anything to parse: it imports spaCy
    (~1-2 s of CPU) on the other core while Prefect starts, instead of after the run is planned."""
    from pipeline.run.ingest import has_files
    from pipeline.run.workers import start_early

    if settings.workers:  # the flow walks the paths again: this walk stops at the first file to ingest
        start_early(settings.workers, has_files(paths, settings.extensions, exclude=[db_path]))


@app.command()
def schedule(
    paths: OptPathsArg = None,
    cron: Annotated[
        str | None, typer.Option(help='Cron schedule, e.g. "0 2 * * *" (default: [schedule] cron).')
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help=f"DuckDB database file [default: {DEFAULT_DB}].")] = None,
    config: ConfigOpt = None,
    name: Annotated[str | None, typer.Option(help="Deployment name [nightly-ingest].")] = None,
    workers: Annotated[int | None, typer.Option(help="Parser processes per run.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the deployment and exit, serving nothing.")] = False,
) -> None:
    """Serve the ingest flow as a Prefect deployment that runs on a cron schedule (until stopped).

    Start a Prefect server first (`prefect server start`) and point at it with PREFECT_API_URL;
    each scheduled run then ingests PATH... into --db, skipping unchanged files. See README
    ("Running it every night") for a systemd unit.

    Example: inspections schedule /data/letters --cron "0 2 * * *" --db outputs/inspections.duckdb
    """
    from pipeline.run.config import load_config

    try:
        cfg = load_config(config)
        chosen, db_path, settings = _resolve(config, paths, db, workers=workers)
        cron_expr = cron or cfg.schedule.cron
        if not cron_expr:
            raise BadArguments('give --cron "0 2 * * *" or [schedule] cron in --config')
        from pipeline.run.flows import deployment, serve

        dep = deployment(chosen, str(db_path), settings, cron=cron_expr, name=name or cfg.schedule.name)
    except PipelineError as exc:
        raise _fail(exc) from exc
    except ValueError as exc:  # Prefect refuses a malformed cron expression
        raise _fail(BadArguments(f"bad schedule: {exc}")) from exc
    schedule_text = ", ".join(str(getattr(s.schedule, "cron", s.schedule)) for s in dep.schedules or [])
    typer.echo(f"deployment {dep.name!r} of flow 'ingest': cron {schedule_text}; paths {chosen}; db {db_path}")
    if dry_run:
        typer.echo(json.dumps(dep.parameters, indent=2, default=str))
        return
    serve(dep)


def _print_summary(summary, wall: float) -> None:
    out = Console()
    docs = Table(title=f"run {summary.run_id} -> {summary.db_path}", title_justify="left")
    docs.add_column("documents")
    docs.add_column("count", justify="right")
    for label, n in [
        ("new", summary.n_new),
        ("re-extracted (new extractor version)", summary.n_updated),
        ("unchanged (skipped)", summary.n_unchanged),
        ("failed (files)", summary.n_failed),
        ("skipped: extension not ingested (files)", summary.n_skipped),
        ("files found", summary.n_files),
        ("new paths", summary.n_new_paths),
    ]:
        docs.add_row(label, str(n))
    out.print(docs)
    rows = Table()
    rows.add_column("table")
    rows.add_column("rows written", justify="right")
    rows.add_column("rows in database", justify="right")
    for table, total in summary.rows_total.items():
        rows.add_row(table, str(summary.rows_written.get(table, 0)), str(total))
    out.print(rows)
    if summary.errors:
        errors = Table(title="failed files (also in table ingest_errors)", title_justify="left")
        for col in ("path", "code", "message"):
            errors.add_column(col, overflow="fold")
        for e in summary.errors[:20]:
            errors.add_row(path_text(e.path), e.error_code, path_text(e.message))
        out.print(errors)
        if len(summary.errors) > 20:
            out.print(f"... and {len(summary.errors) - 20} more")
    out.print(f"{summary.seconds:.2f} s ingest, {wall:.2f} s in all (including start-up)")


def _output_names(files: list[str]) -> dict[str, str]:
    """<base name>.json per file; where base names collide, <file name>.json, then a counter."""
    stems: dict[str, int] = {}
    for f in files:
        stems[Path(f).stem] = stems.get(Path(f).stem, 0) + 1
    names: dict[str, str] = {}
    used: set[str] = set()
    for f in files:
        p = Path(f)
        name = f"{p.stem}.json" if stems[p.stem] == 1 else f"{p.name}.json"
        n = 2
        while name in used:
            name, n = f"{p.name}.{n}.json", n + 1
        used.add(name)
        names[f] = name
    return names


@app.command()
def extract(
    paths: PathsArg,
    out: Annotated[Path, typer.Option("--out", help="Folder for the JSON files (created if missing).")],
    format: Annotated[OutFormat, typer.Option("--format", help="Output format.")] = OutFormat.json,
    ext: ExtOpt = None,
) -> None:
    """Extract one JSON record per document (the contract of docs/contract.md) without a database.

    Each file becomes OUT/<base name>.json (000_x.txt -> 000_x.json; <file name>.json where two
    base names collide). Failed files are reported on stderr and the rest carry on.

    Example: inspections extract corpus/000_c9dc9a16fd74069d.txt --format json --out outputs/json
    """
    from pipeline.run.ingest import discover

    unreadable: list[OSError] = []
    try:
        settings = _settings(ext)
        files, _ = discover(paths, settings.extensions, unreadable=unreadable)
        out.mkdir(parents=True, exist_ok=True)
    except PipelineError as exc:
        raise _fail(exc) from exc
    except OSError as exc:
        raise _fail(_not_written(exc, out)) from exc
    names = _output_names(files)
    written = failed = 0
    failed += _report_unreadable(unreadable)
    for path in files:
        if (extracted := _extract_or_report(path, settings.max_bytes)) is None:
            failed += 1
            continue
        record = extracted[1]
        target = out / names[path]
        try:
            target.write_text(json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n", "utf-8")
        except OSError as exc:  # the folder itself: every file would fail alike
            raise _fail(_not_written(exc, target)) from exc
        written += 1
    typer.echo(f"wrote {written} JSON file(s) to {out}; {failed} failed", err=True)


@app.command()
def review(
    docs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Documents: files or folders (read and extracted now), or with --db stored documents by path, "
            "folder, file name or doc_id (its first 8+ hex digits).",
            show_default=False,
            metavar="DOC",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the pages (created if missing).")] = Path(
        "outputs/review"
    ),
    db: Annotated[
        Path | None, typer.Option("--db", help="Review documents stored in this database (stored text and items).")
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="With --db: every stored document.")] = False,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="Archive root: a saved record's `source` is the document's path under it (default: the folder "
            "named as DOC, else the file's folder and name).",
        ),
    ] = None,
    ext: ExtOpt = None,
) -> None:
    """Write one review page per document: its text page by page with every extracted item highlighted.

    Each page (OUT/<name>-<sha256 start>.html, plus OUT/index.html) is one self-contained offline HTML
    file: items in a colour per field with rule, confidence, theme and page on hover, a side list in
    document order, and corrections (mark wrong, edit, add a missed item from a selected passage). Its
    Save button downloads a JSON record in the contract (docs/contract.md) that `inspections eval
    --gold` reads as gold; Load record (or dropping the file on the page) loads a saved one back.

    Example: inspections review --db outputs/inspections.duckdb corpus/000_c9dc9a16fd74069d.txt --out outputs/review
    """
    from pipeline.analysis import review as R

    started = time.perf_counter()
    failed = 0
    try:
        if db is not None:
            if not docs and not every:
                raise BadArguments("name documents (path, folder, file name or doc_id) or give --all")
            sources = R.from_db(db, docs or [], every=every, root=root)
        else:
            if every:
                raise BadArguments("--all needs --db")
            if not docs:
                raise BadArguments("name the documents to review (files or folders), or give --db")
            sources, failed = _review_files(docs, root, ext)
        written = R.write_pages(sources, out)
    except PipelineError as exc:
        raise _fail(exc) from exc
    except OSError as exc:
        raise _fail(_not_written(exc, out)) from exc
    for w in written:
        counts = ", ".join(f"{n} {f}" for f, n in w.counts.items() if n)
        hidden = f"; {w.hidden} not shown at a span" if w.hidden else ""
        typer.echo(f"{w.path}  ({counts or 'no items'}{hidden})")
    typer.echo(
        f"wrote {len(written)} review page(s) and index.html to {out} in {time.perf_counter() - started:.2f} s"
        + (f"; {failed} failed" if failed else ""),
        err=True,
    )


def _review_files(docs: list[str], root: Path | None, ext: list[str] | None) -> tuple[list, int]:
    """Read and extract each file (folders searched); failures are reported and skipped, as in `extract`."""
    from pipeline.analysis import review as R
    from pipeline.run.ingest import discover

    settings = _settings(ext)
    sources, failed = [], 0
    for doc in docs:
        unreadable: list[OSError] = []
        files, _ = discover([doc], settings.extensions, unreadable=unreadable)
        base = root if root is not None else (Path(doc) if Path(doc).is_dir() else None)
        failed += _report_unreadable(unreadable)
        for path in files:
            if (extracted := _extract_or_report(path, settings.max_bytes)) is None:
                failed += 1
                continue
            parsed, record = extracted
            sources.append(R.from_document(parsed, record, R.source_under(path, base)))
    return sources, failed


@app.command("eval")
def evaluate_cmd(
    paths: PathsArg,
    gold: Annotated[
        Path, typer.Option("--gold", help="Folder of gold JSON records (docs/contract.md; review pages save them).")
    ],
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the full result as JSON here.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="Metrics only, no per-document misses.")] = False,
    ext: ExtOpt = None,
) -> None:
    """Score the extractor on your own annotated documents: P/R/F1 per field and each document's misses.

    Gold records are matched to documents by base name (gold/letter.json <-> letter.pdf), or, where a
    gold record names its file's path in `source` ("ilacs/80426_barnsley/report.pdf"), by that path's
    tail; documents without a gold record are not scored, gold records without a document count as
    missed. Gold folders are read with their subfolders.

    Example: inspections eval corpus/genres --gold tests/gold/genres
    """
    from pipeline.evaluation.evaluate import document_keys, evaluate, format_report, load_gold
    from pipeline.run.ingest import discover

    try:
        gold_records = load_gold(gold)
        if not gold_records:
            raise BadArguments(f"no gold JSON records in {gold}")
        files, _ = discover(paths, _settings(ext).extensions)
    except PipelineError as exc:
        raise _fail(exc) from exc
    predicted: dict[str, dict] = {}
    for path in files:
        key = next((k for k in document_keys(path) if k in gold_records), None)
        if key is None or key in predicted:
            continue
        if (extracted := _extract_or_report(path, _settings(ext).max_bytes)) is None:
            continue  # a failed document scores as empty
        predicted[key] = extracted[1].model_dump(mode="json")
    result = evaluate(gold_records, predicted)
    typer.echo(format_report(result, verbose=not quiet))
    if json_out is not None:
        json_out.write_text(json.dumps(result.as_dict(), indent=2) + "\n", encoding="utf-8")


def _print_result(result, fmt: QueryFormat | None) -> None:
    """Rows as an aligned table on a terminal, CSV when piped, or the format asked for."""
    fmt = fmt or (QueryFormat.table if sys.stdout.isatty() else QueryFormat.csv)
    if fmt is QueryFormat.json:
        typer.echo(json.dumps(result.as_dicts(), default=str, ensure_ascii=False, indent=2))
    elif fmt is QueryFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(result.rows)
    else:
        table = Table(*result.columns)
        for row in result.rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console().print(table)
        typer.echo(f"{len(result.rows)} row(s)", err=True)


def _named_queries_result():
    from pipeline.analysis.queries import catalogue
    from pipeline.store.db import QueryResult

    rows = [(q.name, q.description, "; ".join(p.describe() for p in q.params)) for q in catalogue().values()]
    return QueryResult(["name", "description", "parameters"], rows)


@app.command()
def query(
    sql: Annotated[
        str | None,
        typer.Argument(help="A named query (see --list) or one read-only statement (SELECT, WITH, SHOW, ...)."),
    ] = None,
    db: DbOpt = DEFAULT_DB,
    format: Annotated[
        QueryFormat | None, typer.Option("--format", help="Output format (default: table on a terminal, else csv).")
    ] = None,
    list_queries: Annotated[bool, typer.Option("--list", help="List the named queries and their parameters.")] = False,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="NAME=VALUE for a named query's parameter (repeatable).")
    ] = None,
) -> None:
    """Run a named query or one read-only SQL statement against the database and print the result.

    Named queries live in pipeline/analysis/sql/queries/*.sql; their parameters are bound by DuckDB, never
    pasted into the SQL. The database is opened read-only and anything but a query is refused.

    List them with --list. Example: inspections query recurring_themes --param min_documents=3
    """
    from pipeline.analysis.queries import catalogue, is_name, parse_assignments
    from pipeline.store.db import query as run_query

    try:
        if list_queries:
            _print_result(_named_queries_result(), format)
            return
        if not sql:
            raise BadArguments("give a named query or an SQL statement (or --list)")
        named = catalogue().get(sql.strip()) if is_name(sql) else None
        if named is None and is_name(sql):
            raise BadArguments(f"no named query {sql.strip()!r} (inspections query --list)")
        if named is None and param:
            raise BadArguments("--param applies to named queries only")
        if named is not None:
            result = run_query(db, named.sql, named.bind(parse_assignments(param or [])))
        else:
            result = run_query(db, sql)
    except PipelineError as exc:
        raise _fail(exc) from exc
    _print_result(result, format)


class ExportFormatOpt(StrEnum):
    parquet = "parquet"
    csv = "csv"


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="Folder for the files (created if missing).")],
    db: DbOpt = DEFAULT_DB,
    format: Annotated[ExportFormatOpt, typer.Option("--format", help="File format.")] = ExportFormatOpt.parquet,
) -> None:
    """Write every table and view to OUT/<name>.parquet (or .csv), plus OUT/manifest.json with row counts.

    For pandas (pd.read_parquet), R (arrow::read_parquet), Excel (--format csv) or a BI tool.
    The database is opened read-only.

    Example: inspections export --format parquet --out outputs/export
    """
    from pipeline.analysis.exports import ExportFormat
    from pipeline.analysis.exports import export as run_export

    try:
        done = run_export(db, out, ExportFormat(format.value))
    except PipelineError as exc:
        raise _fail(exc) from exc
    except OSError as exc:
        raise _fail(_not_written(exc, out)) from exc
    for e in done:
        typer.echo(f"{e.kind:5}  {e.relation:28} {e.rows:>8} rows  -> {out / e.file}")
    typer.echo(f"wrote {len(done)} file(s) and manifest.json to {out}", err=True)


@app.command()
def report(
    db: DbOpt = DEFAULT_DB,
    out: Annotated[
        Path, typer.Option("--out", help="The report's main page; points.html and councils/ are written beside it.")
    ] = Path("outputs/report.html"),
    review: Annotated[
        bool,
        typer.Option(
            "--review/--no-review",
            help="Also write every document's review page into review/ beside the report, and link each source "
            "to its item there.",
        ),
    ] = True,
) -> None:
    """Build the report for policy teams: offline HTML pages (inline style, script and SVG; no network).

    The main page is the national picture: every council's latest grades and a map of England coloured
    by them, movement over time nationally and by region, what inspectors ask councils to fix (national
    framework outcomes and enablers, and the evaluation schedule's themes, by year and region), focused
    visits and the documents. Beside it: points.html (every improvement point with its themes and source)
    and councils/<council>.html (a council's timeline, grades, improvement points and statistical
    neighbours). Tables sort and filter in the page; every figure links to the rows behind it. Each
    source links to its file (at its page) and to its item highlighted in its document's review page
    (review/ beside the report, written too unless --no-review; see `inspections review`).

    Example: inspections report --db outputs/inspections.duckdb --out outputs/report.html
    """
    from pipeline.analysis.report import write_report

    started = time.perf_counter()
    try:
        written = write_report(db, out, review=review)
    except PipelineError as exc:
        raise _fail(exc) from exc
    except OSError as exc:
        raise _fail(_not_written(exc, out)) from exc
    size = sum(p.stat().st_size for p in written) // 1024
    beside = " and the documents' review pages in review/" if review else ""
    typer.echo(f"wrote {written[0]}, {len(written) - 1} pages beside it ({size} KiB in all){beside} in "
               f"{time.perf_counter() - started:.2f} s", err=True)  # fmt: skip


if __name__ == "__main__":
    app()
