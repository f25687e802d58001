"""Benchmark the ingest against the bare floors of its readers, in one run, side by side.

    .venv/bin/python -m bench.run --n 30 --out outputs/bench.json     (or: make bench)
    .venv/bin/python -m bench.run --quick --archive /tmp/a --out /tmp/b.json
    .venv/bin/python -m bench.run --real [DIR] [--n N]     (real PDFs: bench/real.py; make bench-real)

What it measures (README.md, "Benchmark", has a table from this machine):
- per format (txt, docx, pdf): documents/s and pages/s of `run_ingest` with workers=1 on a fresh
  database, counting only the time above the fixed start-up of an empty ingest, against the floor
  on the same files (bench/floors.py: read only, one process, one pass: the text floor's tokenizer
  cache starts empty, as the pipeline's fresh parser process does; the warm-cache floor of a reused
  tokenizer is reported beside it); the ratio pipeline/floor; and where
  the pipeline's time goes (the project's reader, then extraction, in process). Not at 10 x N:
  its documents are ten copies of each of the N, so spaCy's tokenizer cache, cold at a document's
  first copy, is warm for the other nine, in the text floor (3.5 -> 1.5 ms a letter) and in the
  pipeline's extraction, and the ratios measure the copies, not an archive;
- the fixed start-up: an ingest of an empty folder through run_ingest, through the Prefect flow
  (first run in the process, which starts Prefect's temporary server, and later runs), and the
  CLI end to end in a subprocess (with and without Prefect); the parser pool's first start;
- the cost of Prefect: run_flow vs run_ingest on the whole archive, each above its own start-up;
- a second run over the unchanged archive, as a ratio of the first (same database), at N and 10 x N;
- workers=1 vs workers=2 (speed-up above start-up), on the archive of N per format and on 10 x N:
  at N = 30 a run is under a second and its fixed per-run costs (the pool's second cold worker, the
  last load, lineage, the checkpoint on close, the snapshot) weigh on the ratio; 10 x N shows the
  speed-up a long run gets;
- peak memory of an ingest of N and of 10 x N documents per format, each in a fresh process.

"pages" are the pages of the PDF rendering of the same text, for every format (DOCX and text
files have no pages of their own), so pages/s compares like with like across formats.
Medians over --repeats (3; 1 with --quick; per format at least 15 floors and 11 pipelines; whole
archive at least 7 rounds). The pipeline/floor ratio is also given from each side's fastest pass; a
target counts as met when both ratios meet it.
Speed is never asserted: this only reports.

`--real [DIR]` measures real PDFs instead (DIR: ../shared/real by default), the pipeline against
bare PDFium text on the same files; see bench/real.py. With `--synthetic` as well, the synthetic
benchmark above runs after it (at its default N) and both go to one JSON and one set of tables,
the real-document table first.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import archive as A
from bench import real as R

ROOT = A.ROOT
TARGETS = {"txt": 0.5, "docx": 0.5, "pdf": 0.25}
QUICK_N = 3


def machine() -> dict[str, Any]:
    """nproc, CPU model, RAM, Python and OS, and the load average when asked."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def median(xs: list[float]) -> float:
    return statistics.median(xs)


class Bench:
    """One benchmark run: its settings, a scratch folder for databases, and the results so far."""

    def __init__(self, n: int, repeats: int, quick: bool, folder: Path, scratch: Path) -> None:
        self.n = n
        self.repeats = repeats
        self.quick = quick
        self.folder = folder
        self.scratch = scratch
        self._dbs = 0
        self.log_lines: list[str] = []

    def log(self, msg: str) -> None:
        print(f"[bench] {msg}", file=sys.stderr, flush=True)

    def fresh_db(self) -> str:
        self._dbs += 1
        return str(self.scratch / f"db{self._dbs:03d}.duckdb")

    # -- pipeline calls ------------------------------------------------------------------------

    def ingest(self, paths: list[Path], db: str | None = None, workers: int = 1) -> tuple[float, Any]:
        from pipeline.run.ingest import run_ingest
        from pipeline.run.settings import IngestSettings

        db = db or self.fresh_db()
        return timed(lambda: run_ingest([str(p) for p in paths], db, IngestSettings(workers=workers)))

    def flow(self, paths: list[Path], workers: int = 1) -> tuple[float, Any]:
        from pipeline.run.flows import run_flow
        from pipeline.run.settings import IngestSettings

        db = self.fresh_db()
        return timed(lambda: run_flow([str(p) for p in paths], db, IngestSettings(workers=workers)))

    def first_and_rerun(self, dirs: list[Path], total: int, what: str) -> tuple[float, float]:
        """An ingest (workers=1) into a fresh database, then a second over the unchanged files into
        the same one: both wall times; the second must find every document unchanged."""
        db = self.fresh_db()
        first_s, summary = self.ingest(dirs, db=db)
        check(summary, total, what)
        second_s, summary = self.ingest(dirs, db=db)
        if summary.n_unchanged != total:
            raise RuntimeError(f"{what}, second run: {summary.n_unchanged} of {total} documents unchanged")
        return first_s, second_s

    def workers_x10(self, x10: Path, total: int, empty_s: float, rounds: int) -> dict[str, Any]:
        """workers=1 and workers=2 taking turns over the 10 x N archive, each on a fresh database;
        seconds above the empty ingest's `empty_s`, medians of `rounds`. After each workers=1 run, a
        second run over the unchanged archive into the same database (wall, as at N)."""
        dirs = [x10 / fmt for fmt in A.FORMATS]
        self.log(f"workers at 10 x N ({total} documents): 1 and 2, and a second run, x {rounds}")
        one, two, second = [], [], []
        for _ in range(rounds):
            first_s, second_s = self.first_and_rerun(dirs, total, "10 x N")
            one.append(first_s)
            second.append(second_s)
            seconds, summary = self.ingest(dirs, workers=2)
            check(summary, total, "10 x N, workers=2")
            two.append(seconds)
        one_s, two_s = median(one) - empty_s, median(two) - empty_s
        return {"docs": total, "workers_1_s": one_s, "workers_2_s": two_s, "speedup": one_s / two_s,
                "first_wall_s": median(one), "second_wall_s": median(second),
                "ratio_second_over_first": median(second) / median(one),
                "samples_1": one, "samples_2": two, "samples_second": second}  # fmt: skip

    def cli(self, empty: Path, prefect: bool) -> float:
        exe = Path(sys.executable).with_name("inspections")
        cmd = [str(exe), "ingest", str(empty), "--db", self.fresh_db()] + ([] if prefect else ["--no-prefect"])
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr[-2000:]}")
        return seconds

    def memrun(self, paths: list[Path]) -> dict[str, Any]:
        cmd = [sys.executable, "-m", "bench.memrun", *map(str, paths), "--db", self.fresh_db(), "--workers", "1"]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            raise RuntimeError(f"bench.memrun exited {proc.returncode}: {proc.stderr[-2000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def breakdown(paths: list[Path], repeats: int) -> tuple[list[float], list[float]]:
    """Seconds to read every file (extractors.readers) and to extract every record, `repeats` times."""
    from extractors.extract import extract_record
    from extractors.readers import read_document

    extract_record(read_document(paths[0]))  # builds the spaCy pipeline outside the clock
    reads, extracts = [], []
    for _ in range(repeats):
        seconds, docs = timed(lambda: [read_document(p) for p in paths])
        reads.append(seconds)
        extracts.append(timed(lambda docs=docs: [extract_record(d) for d in docs])[0])
    return reads, extracts


def check(summary: Any, expected: int, what: str) -> None:
    """A timing means nothing if documents failed or were skipped: stop loudly."""
    done = summary.n_new + summary.n_updated
    if done != expected or summary.n_failed:
        raise RuntimeError(f"{what}: {done} of {expected} documents ingested, {summary.n_failed} failed")


def run(args: argparse.Namespace) -> dict[str, Any]:
    n = args.n if args.n is not None else (QUICK_N if args.quick else 30)
    repeats = args.repeats if args.repeats is not None else (1 if args.quick else 3)
    quick_mode = args.quick
    folder = Path(args.archive) if args.archive else ROOT / "outputs" / "bench-archive" / str(n)
    result: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.run", *sys.argv[1:]]),
        "machine": machine(),
        "n": n,
        "repeats": repeats,
        "quick": args.quick,
        "samples": {},  # every timing behind a median, in seconds, by measure
    }
    samples: dict[str, list[float]] = result["samples"]
    started_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="inspections-bench-") as tmp:
        scratch = Path(tmp)
        b = Bench(n, repeats, args.quick, folder, scratch)
        empty = scratch / "empty"
        empty.mkdir()

        # -- archive ---------------------------------------------------------------------------
        b.log(f"archive of {n} per format in {folder}")
        seconds, (manifest, reused) = timed(lambda: A.ensure(folder, n))
        dirs = {fmt: folder / fmt for fmt in A.FORMATS}
        files = {fmt: [folder / f["file"] for f in manifest["formats"][fmt]] for fmt in A.FORMATS}
        pages = {fmt: sum(f["pages"] for f in manifest["formats"][fmt]) for fmt in A.FORMATS}
        x10 = A.ensure_copies(folder, manifest, 10) if args.x10 else None
        result["archive"] = {
            "path": str(folder),
            "key": manifest["key"],
            "reused": reused,
            "seconds_to_make": None if reused else round(seconds, 2),
            "docs_per_format": n,
            "pages_per_format": pages,
            "bytes_per_format": {fmt: sum(f["bytes"] for f in manifest["formats"][fmt]) for fmt in A.FORMATS},
            "x10_path": str(x10) if x10 else None,
        }

        # -- warm-up and the parser pool's first start -----------------------------------------
        b.log("warm-up: imports, parser pool (fork server with spaCy preloaded)")
        import_s, _ = timed(lambda: __import__("pipeline.run.workers"))
        from pipeline.run.workers import WorkerPool

        cold_pool_s, _ = timed(lambda: WorkerPool(1).close())
        warm_pool_s = median([timed(lambda: WorkerPool(1).close())[0] for _ in range(3)])
        b.ingest([empty])
        b.ingest([files["txt"][0]])

        # -- fixed start-up: empty folder --------------------------------------------------------
        b.log("start-up: empty folder (run_ingest, run_flow, CLI)")
        reps = 1 if quick_mode else max(3, repeats)
        samples["run_ingest_empty"] = [b.ingest([empty])[0] for _ in range(reps)]
        flow_cold, _ = b.flow([empty])
        samples["run_flow_empty"] = [b.flow([empty])[0] for _ in range(reps)]
        samples["cli_prefect_empty"] = [b.cli(empty, prefect=True) for _ in range(repeats)]
        samples["cli_no_prefect_empty"] = [b.cli(empty, prefect=False) for _ in range(repeats)]
        plain_empty, flow_empty = median(samples["run_ingest_empty"]), median(samples["run_flow_empty"])
        cli_prefect, cli_plain = median(samples["cli_prefect_empty"]), median(samples["cli_no_prefect_empty"])
        result["startup"] = {
            "run_ingest_empty_s": plain_empty,
            "run_flow_empty_first_in_process_s": flow_cold,
            "run_flow_empty_s": flow_empty,
            "cli_prefect_empty_s": cli_prefect,
            "cli_no_prefect_empty_s": cli_plain,
            "parser_pool_first_start_s": cold_pool_s,
            "parser_pool_later_start_s": warm_pool_s,
            "import_pipeline_workers_s": import_s,
        }

        # -- per format: pipeline vs floor ---------------------------------------------------------
        from bench import floors

        per_format: dict[str, Any] = {}
        for fmt in A.FORMATS:
            # Both take about a second or less, the noisiest timings of the run (the text floor ranged
            # 0.20-0.41 s in one process; one code's txt ratio 0.36-0.61 over four runs of 3 floors and
            # 3 pipelines): more repeats than the rest, 15 floors and 11 pipelines (~30 s, all formats).
            floor_reps = 1 if quick_mode else max(15, repeats)
            pipe_reps = 1 if quick_mode else max(11, repeats)
            b.log(f"{fmt}: floor and pipeline, {n} documents x {floor_reps} and x {pipe_reps}")
            floors.warm_up(fmt, files[fmt][0])
            # Floor and pipeline take turns, so that a slower spell of a shared machine weighs on both.
            floor_s, pipe_s = [], []
            for i in range(floor_reps):
                floor_s.append(floors.floor_seconds(fmt, files[fmt]))
                if i < pipe_reps:
                    seconds, summary = b.ingest([dirs[fmt]])
                    check(summary, n, f"{fmt} pipeline")
                    pipe_s.append(seconds)
            # The same reader reused pass after pass (text: tokenizer cache warm): reported, not the target's.
            floors.floor_seconds(fmt, files[fmt], fresh=False)
            floor_warm_s = [floors.floor_seconds(fmt, files[fmt], fresh=False) for _ in range(floor_reps)]
            samples[f"floor_{fmt}"], samples[f"pipeline_{fmt}"] = floor_s, pipe_s
            samples[f"floor_warm_{fmt}"] = floor_warm_s
            samples[f"reader_{fmt}"], samples[f"extract_{fmt}"] = breakdown(files[fmt], repeats)
            f_s, p_wall = median(floor_s), median(pipe_s)
            p_s = max(p_wall - plain_empty, 1e-9)
            ratio = f_s / p_s
            # The same ratio from each side's fastest pass (timeit's rule: noise only ever adds time).
            # A shared VM's slow spells moved single floors by a third (0.11-0.18 s, one format, one
            # run), and the median ratio with them; the target counts as met only if both are.
            ratio_fastest = min(floor_s) / max(min(pipe_s) - min(samples["run_ingest_empty"]), 1e-9)
            per_format[fmt] = {
                "docs": n,
                "pages": pages[fmt],
                "pipeline_wall_s": p_wall,
                "pipeline_s": p_s,
                "pipeline_docs_per_s": n / p_s,
                "pipeline_pages_per_s": pages[fmt] / p_s,
                "floor_s": f_s,
                "floor_docs_per_s": n / f_s,
                "floor_pages_per_s": pages[fmt] / f_s,
                "ratio": ratio,
                "ratio_fastest": ratio_fastest,
                "floor_warm_s": median(floor_warm_s),
                "ratio_warm_floor": median(floor_warm_s) / p_s,
                "target": TARGETS[fmt],
                "meets_target": min(ratio, ratio_fastest) >= TARGETS[fmt],
                # Where the time goes, in this process (no pool, no rows, no database): reader, extraction.
                "reader_s": median(samples[f"reader_{fmt}"]),
                "extract_s": median(samples[f"extract_{fmt}"]),
            }
        result["formats"] = per_format
        result["passes"] = {"floors": floor_reps, "pipelines": pipe_reps}

        # -- whole archive: Prefect cost, second run, workers ------------------------------------
        all_dirs = [dirs[fmt] for fmt in A.FORMATS]
        total = n * len(A.FORMATS)
        # Rounds take turns through the four runs, so that a slow spell weighs on each; at least 7
        # (~25 s at N=30): with 3, one code's Prefect cost ranged 0.88-1.19x and its 2-worker
        # speed-up 1.43-1.75x between runs minutes apart.
        rounds = 1 if quick_mode else max(7, repeats)
        result["passes"]["rounds"] = rounds
        b.log(f"whole archive ({total} documents): plain loop, second run, flow, 2 workers, x {rounds}")
        plain, second, flowed, two = [], [], [], []
        for _ in range(rounds):
            first_s, second_s = b.first_and_rerun(all_dirs, total, "plain loop")
            plain.append(first_s)
            second.append(second_s)
            seconds, summary = b.flow(all_dirs)
            check(summary, total, "flow")
            flowed.append(seconds)
            seconds, summary = b.ingest(all_dirs, workers=2)
            check(summary, total, "2 workers")
            two.append(seconds)
        samples.update(whole_plain=plain, whole_second_run=second, whole_flow=flowed, whole_workers_2=two)
        plain_s, second_s, flow_s, two_s = median(plain), median(second), median(flowed), median(two)
        plain_above = plain_s - plain_empty
        flow_above = flow_s - flow_empty
        two_above = two_s - plain_empty
        result["prefect"] = {
            "docs": total,
            "plain_wall_s": plain_s,
            "flow_wall_s": flow_s,
            "plain_above_startup_s": plain_above,
            "flow_above_startup_s": flow_above,
            "ratio_flow_over_plain": flow_above / plain_above,
        }
        result["second_run"] = {
            "docs": total,
            "first_s": plain_s,
            "second_s": second_s,
            "ratio_second_over_first": second_s / plain_s,
        }
        result["workers"] = {
            "docs": total,
            "workers_1_s": plain_above,
            "workers_2_s": two_above,
            "speedup": plain_above / two_above,
            "x10": None if x10 is None else b.workers_x10(x10, 10 * total, plain_empty, 1 if quick_mode else 2),
        }

        # -- memory -------------------------------------------------------------------------------
        b.log(f"memory: fresh process, {n} per format")
        memory: dict[str, Any] = {"N": {"docs_per_format": n, **b.memrun(all_dirs)}}
        if x10 is not None:
            b.log(f"memory: fresh process, {10 * n} per format")
            memory["10xN"] = {"docs_per_format": 10 * n, **b.memrun([x10 / fmt for fmt in A.FORMATS])}
        else:
            memory["10xN"] = None  # --no-x10 (the default with --quick)
        result["memory"] = memory

    result["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    result["bench_seconds"] = time.perf_counter() - started_all
    return result


def run_real_mode(args: argparse.Namespace) -> dict[str, Any]:
    """--real: the real-document measures (bench/real.py); with --synthetic, the synthetic benchmark after them."""
    repeats = args.repeats if args.repeats is not None else (1 if args.quick else 3)
    n = args.n if args.n is not None else (QUICK_N if args.quick else None)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="inspections-bench-real-") as tmp:
        scratch = Path(tmp)
        empty = scratch / "empty"
        empty.mkdir()
        b = Bench(n or 0, repeats, args.quick, Path(args.real), scratch)
        head = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": " ".join([Path(sys.executable).name, "-m", "bench.run", *sys.argv[1:]]),
            "machine": machine(),
            "repeats": repeats,
            "quick": args.quick,
        }
        real = R.run_real(b, Path(args.real).resolve(), n, repeats, empty)
        head["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    real["bench_seconds"] = time.perf_counter() - started
    if not args.synthetic:
        return {**head, "mode": "real", "real": real, "bench_seconds": real["bench_seconds"]}
    synthetic_args = argparse.Namespace(**{**vars(args), "n": None})
    result = run(synthetic_args)
    return {**result, "mode": "real+synthetic", "real": real, "command": head["command"],
            "bench_seconds": result["bench_seconds"] + real["bench_seconds"]}  # fmt: skip


# -- the table ----------------------------------------------------------------------------------


def _f(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "—"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def _x10_rows(x10: dict[str, Any] | None) -> list[str]:
    if not x10:
        return ["| at 10 x N: skipped (--no-x10, the default with --quick) | |"]
    return [
        f"| at 10 x N ({x10['docs']} documents): workers=1, s | {_f(x10['workers_1_s'])} |",
        f"| at 10 x N: workers=2, s | {_f(x10['workers_2_s'])} |",
        f"| at 10 x N: speed-up workers=2 over workers=1 | {x10['speedup']:.2f}x |",
        f"| at 10 x N: second run over the unchanged archive, s (wall) | {_f(x10['second_wall_s'])} |",
        f"| at 10 x N: second run / first run (wall) | {x10['ratio_second_over_first']:.3f} |",
    ]


def _machine_line(m: dict[str, Any]) -> str:
    return (
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}, {m['os']}; "
        f"load average {m['loadavg_start'][0]} at start, {m['loadavg_end'][0]} at end"
    )


def table(r: dict[str, Any]) -> str:
    """The results as Markdown tables (printed, and pasted into README.md); the real documents' first."""
    real = r.get("real")
    if real is not None and "formats" not in r:  # --real alone
        return "\n".join([
            _machine_line(r["machine"]),
            f"Run: {r['date']}, `{r['command']}`, {r['bench_seconds']:.0f} s",
            "",
            *R.table(real),
        ])  # fmt: skip
    head = [] if real is None else [_machine_line(r["machine"]), "", *R.table(real), "", "Synthetic archive", ""]
    return "\n".join([*head, synthetic_table(r, machine_line=real is None)])


def synthetic_table(r: dict[str, Any], machine_line: bool = True) -> str:
    """The synthetic benchmark's tables."""
    out = [
        *([_machine_line(r["machine"])] if machine_line else []),
        f"Run: {r['date']}, `{r['command']}`, {r['bench_seconds']:.0f} s; medians of {r['repeats']} "
        f"(throughput: of {r['passes']['floors']} floors and {r['passes']['pipelines']} pipelines per format; "
        f"whole archive: of {r['passes']['rounds']} rounds)",
        f"Archive: {r['n']} documents per format ({r['archive']['path']}"
        f"{', reused' if r['archive']['reused'] else ''})",
        "",
        f"Throughput, one process each (pipeline: run_ingest, workers=1, fresh database, time above the "
        f"{r['startup']['run_ingest_empty_s']:.2f} s of an empty ingest; pages = pages of the PDF rendering)",
        "",
        "| format | docs | pages | pipeline docs/s | pipeline pages/s | floor docs/s | floor pages/s "
        "| pipeline / floor (medians) | (fastest passes) | target | met (both) | warm-cache floor docs/s "
        "| pipeline / warm-cache floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for fmt, f in r["formats"].items():
        out.append(
            f"| {fmt} | {f['docs']} | {f['pages']} | {_f(f['pipeline_docs_per_s'])} | {_f(f['pipeline_pages_per_s'])} "
            f"| {_f(f['floor_docs_per_s'])} | {_f(f['floor_pages_per_s'])} | {f['ratio']:.3f} "
            f"| {f['ratio_fastest']:.3f} | >= {f['target']} "
            f"| {'yes' if f['meets_target'] else 'no'} | {_f(f['docs'] / f['floor_warm_s'])} "
            f"| {f['ratio_warm_floor']:.3f} |"
        )
    out += [
        "",
        "Where the pipeline's time goes (same files, in process: no worker, no rows, no database)",
        "",
        "| format | floor s | reader s | reader / floor | extraction s | pipeline s (above start-up) | rest s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for fmt, f in r["formats"].items():
        rest = f["pipeline_s"] - f["reader_s"] - f["extract_s"]
        out.append(
            f"| {fmt} | {_f(f['floor_s'])} | {_f(f['reader_s'])} | {f['reader_s'] / f['floor_s']:.1f}x "
            f"| {_f(f['extract_s'])} | {_f(f['pipeline_s'])} | {_f(rest)} |"
        )
    s = r["startup"]
    out += [
        "",
        "Fixed start-up (ingest of an empty folder)",
        "",
        "| what | seconds |",
        "|---|---:|",
        f"| run_ingest (no Prefect), in process | {_f(s['run_ingest_empty_s'])} |",
        f"| run_flow (Prefect), first flow in the process (starts the temporary server) | "
        f"{_f(s['run_flow_empty_first_in_process_s'])} |",
        f"| run_flow (Prefect), later flows in the same process | {_f(s['run_flow_empty_s'])} |",
        f"| CLI `inspections ingest EMPTY --db X`, subprocess end to end (Prefect) | {_f(s['cli_prefect_empty_s'])} |",
        f"| CLI `inspections ingest EMPTY --db X --no-prefect`, subprocess end to end | "
        f"{_f(s['cli_no_prefect_empty_s'])} |",
        f"| parser pool, first start in a process (fork server imports spaCy + readers; "
        f"paid once by any non-empty ingest, not in the figures above) | {_f(s['parser_pool_first_start_s'])} |",
        f"| parser pool, later starts | {_f(s['parser_pool_later_start_s'])} |",
    ]
    p, sr, w = r["prefect"], r["second_run"], r["workers"]
    out += [
        "",
        f"Whole archive ({p['docs']} documents, all formats; seconds above each one's start-up unless noted)",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| plain loop (run_ingest), s | {_f(p['plain_above_startup_s'])} |",
        f"| Prefect flow (run_flow), s | {_f(p['flow_above_startup_s'])} |",
        f"| cost of Prefect: flow / plain | {p['ratio_flow_over_plain']:.2f}x |",
        f"| second run over the unchanged archive, s (wall) | {_f(sr['second_s'])} |",
        f"| second run / first run (wall) | {sr['ratio_second_over_first']:.3f} |",
        f"| workers=2, s | {_f(w['workers_2_s'])} |",
        f"| speed-up workers=2 over workers=1 | {w['speedup']:.2f}x |",
        *_x10_rows(w.get("x10")),
        "",
        "Peak memory of an ingest in a fresh process (run_ingest, workers=1, all three formats)",
        "",
        "| documents | seconds | docs/s | RSS main | RSS largest child | main + child | sampled tree RSS "
        "| sampled tree PSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in ("N", "10xN"):
        mm = r["memory"].get(key)
        if not mm:
            out.append(f"| {key}: skipped (--no-x10, the default with --quick) | | | | | | | |")
            continue
        docs = mm["docs"]
        out.append(
            f"| {docs} | {_f(mm['seconds_total'])} | {_f(docs / mm['seconds_total'])} "
            f"| {_f(mm['peak_rss_self_mb'], 0)} MB | {_f(mm['peak_rss_largest_child_mb'], 0)} MB "
            f"| {_f(mm['peak_rss_self_plus_child_mb'], 0)} MB | {_f(mm['peak_tree_rss_sampled_mb'], 0)} MB "
            f"| {_f(mm['peak_tree_pss_sampled_mb'], 0)} MB |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the ingest against the bare floors of its readers.")
    ap.add_argument(
        "--n",
        type=int,
        default=None,
        help=f"documents per format (default 30; {QUICK_N} with --quick); with --real, a spread sample of N "
        f"PDFs (default all; {QUICK_N} with --quick)",
    )
    ap.add_argument(
        "--out",
        default=None,
        help="JSON results file (default outputs/bench.json; outputs/bench-real.json with --real)",
    )
    ap.add_argument(
        "--real",
        nargs="?",
        const="",
        default=None,
        metavar="DIR",
        help=f"measure the real PDFs under DIR (default {R.DEFAULT_DIR}) against bare PDFium text, not the "
        "synthetic archive; files that are not PDFs are skipped and listed",
    )
    ap.add_argument(
        "--synthetic",
        action="store_true",
        help="with --real: run the synthetic benchmark too (at its default N), after the real documents",
    )
    ap.add_argument("--archive", default=None, help="archive folder (default outputs/bench-archive/<N>)")
    ap.add_argument("--repeats", type=int, default=None, help="repeats per measure (default 3; 1 with --quick)")
    ap.add_argument("--quick", action="store_true", help="small N, no 10xN runs, 1 repeat (for tests)")
    ap.add_argument(
        "--x10",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also run 10 x N documents per format (memory, workers); default: on, off with --quick",
    )
    args = ap.parse_args(argv)
    if args.x10 is None:
        args.x10 = not args.quick
    if args.n is not None and args.n < 1:
        ap.error("--n must be at least 1")
    if args.repeats is not None and args.repeats < 1:
        ap.error("--repeats must be at least 1")
    if args.synthetic and args.real is None:
        ap.error("--synthetic goes with --real (without --real, the synthetic benchmark is what runs)")
    if args.real is not None:
        if args.real == "":
            if not R.DEFAULT_DIR.is_dir():
                ap.error(f"--real without DIR: the real archive {R.DEFAULT_DIR} is absent; name a folder of PDFs")
            args.real = str(R.DEFAULT_DIR)
        elif not Path(args.real).is_dir():
            ap.error(f"--real {args.real}: not a folder")
    if args.out is None:
        args.out = str(ROOT / "outputs" / ("bench-real.json" if args.real is not None else "bench.json"))
    # A Prefect home of the benchmark's own (kept between runs, so not the first-start cost of a new
    # home), unless the caller chose one; set before pipeline.run.flows imports Prefect.
    if not os.environ.get("INSPECTIONS_PREFECT_HOME") and not os.environ.get("PREFECT_HOME"):
        os.environ["INSPECTIONS_PREFECT_HOME"] = str(ROOT / "outputs" / "bench-prefect-home")
    result = run(args) if args.real is None else run_real_mode(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(table(result))
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
