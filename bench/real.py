"""The real-document mode of the benchmark: the pipeline against the bare PDFium floor on real PDFs.

    .venv/bin/python -m bench.run --real                 (../shared/real, every real PDF in it)
    .venv/bin/python -m bench.run --real DIR --n 60      (a fixed, spread sample of 60)

The files: every `*.pdf` under DIR (any depth), in the order of their paths; one whose bytes are not
a PDF (no `%PDF-` in its first KB: e.g. an HTML error page saved as .pdf) or that PDFium cannot open
is skipped, and the skip is reported with its reason. `--n N` takes N of the rest spread evenly over
that order (the middle of each of N equal slices), so the same N always gives the same files.

On those files, in the same run and in the same process, each document goes through both sides, one
right after the other (the floor first on every other document, and the other way round in the next
round), so that a slow spell of a shared machine weighs on both alike:
- floor: bare PDFium text, as ../shared/FACTS.md defines it (bench/floors.py: open the file,
  `get_textpage().get_text_range()` of every page, close);
- pipeline: the parser's per-document work, `read_document` (reader + normaliser) then
  `extract_record`; the reader and the extraction are timed apart.
Each round (every document once) runs in a fresh process forked from the pipeline's own parser
server (pipeline.run.preload: spaCy, the readers and the rules imported, one small letter extracted,
objects frozen out of the collector), so every round starts as a parser worker starts: warm
imports, cold caches. A round in the bench's own process would find spaCy's tokenizer cache and
lexicon filled by the round before. The floor touches neither.

Then `run_ingest` end to end on the same files, workers=1 and workers=2 taking turns, each on a
fresh database, counting the time above an empty ingest. The 2-worker target (>= 1.6x) is set for
an archive of 900+ documents; below that it is reported as informational.

pipeline / floor = floor seconds / pipeline seconds: 0.25 means the pipeline takes 4x the floor.
It is given from the medians, from each side's fastest pass, and as the median of the rounds'
own ratios; the target counts as met when the first two reach it.
"""

from __future__ import annotations

import multiprocessing as mp
import statistics
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT.parent / "shared" / "real"
TARGET = 0.25
WORKERS_TARGET = 1.6
WORKERS_TARGET_DOCS = 900  # the 2-worker target applies at archive scale


# -- the files -----------------------------------------------------------------------------------


def _why_not_pdf(head: bytes) -> str:
    start = head.lstrip()[:64].lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return "not a PDF: an HTML page saved as .pdf"
    if not head.strip():
        return "not a PDF: empty"
    return f"not a PDF: starts with {head[:16]!r}"


def find_pdfs(folder: Path) -> tuple[list[tuple[Path, int]], list[dict[str, str]]]:
    """The real PDFs under `folder` with their page counts, and the skipped files with their reasons."""
    import pypdfium2 as pdfium

    found: list[tuple[Path, int]] = []
    skipped: list[dict[str, str]] = []
    candidates = sorted((p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"), key=str)
    for path in candidates:
        rel = str(path.relative_to(folder))
        with path.open("rb") as f:
            head = f.read(1024)
        if b"%PDF-" not in head:
            skipped.append({"file": rel, "reason": _why_not_pdf(head)})
            continue
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            skipped.append({"file": rel, "reason": f"PDFium cannot open it ({exc})"})
            continue
        try:
            found.append((path, len(pdf)))
        finally:
            pdf.close()
    return found, skipped


def _shown(folder: Path) -> str:
    """The folder as a reader of the table would name it: relative to the project's parent when under it."""
    try:
        return str(Path("..") / folder.relative_to(ROOT.parent))
    except ValueError:
        return str(folder)


def spread(items: list[Any], n: int | None) -> list[Any]:
    """`n` of `items` spread evenly over them (the middle of each of n equal slices); all if n is None or more."""
    if n is None or n >= len(items):
        return list(items)
    return [items[(2 * i + 1) * len(items) // (2 * n)] for i in range(n)]


# -- one round, in a fresh process forked from the parser's server --------------------------------


def _round(paths: list[str], parity: int, conn: Any) -> None:
    """Each document through the floor and through the pipeline, one right after the other (the
    floor first on every other document, starting with the floor when `parity` is even): seconds
    per document of the floor, the reader and the extraction, and the pipeline's failures."""
    from bench.floors import READERS
    from extractors.extract import extract_record
    from extractors.readers import read_document

    floor = READERS["pdf"]
    clock = time.perf_counter
    floor_s: list[float] = []
    read_s: list[float] = []
    extract_s: list[float] = []
    failed: list[dict[str, str]] = []

    def pipeline(path: str) -> None:
        t0 = clock()
        try:
            doc = read_document(path)
        except Exception as exc:  # a file the reader refuses is timed and reported, never fatal
            read_s.append(clock() - t0)
            extract_s.append(0.0)
            failed.append({"file": path, "step": "read", "error": f"{type(exc).__name__}: {exc}"[:300]})
            return
        t1 = clock()
        read_s.append(t1 - t0)
        try:
            extract_record(doc)
        except Exception as exc:
            failed.append({"file": path, "step": "extract", "error": f"{type(exc).__name__}: {exc}"[:300]})
        extract_s.append(clock() - t1)

    for i, path in enumerate(paths):
        floor_first = (i + parity) % 2 == 0
        if not floor_first:
            pipeline(path)
        t0 = clock()
        floor(Path(path))
        floor_s.append(clock() - t0)
        if floor_first:
            pipeline(path)
    conn.send({"floor": floor_s, "reader": read_s, "extract": extract_s, "failed": failed})
    conn.close()


def in_fresh_process(target: Any, paths: list[Path], parity: int = 0) -> dict[str, Any]:
    """Run one round in a process forked from the pipeline's parser server; the round times itself."""
    ctx = mp.get_context("forkserver")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=([str(p) for p in paths], parity, send), daemon=True)
    proc.start()
    send.close()
    try:
        result = recv.recv()
    except EOFError:
        result = None
    proc.join()
    if result is None or proc.exitcode:
        raise RuntimeError(f"{target.__name__} exited {proc.exitcode} without a result")
    return result


# -- the whole mode --------------------------------------------------------------------------------


def run_real(b: Any, folder: Path, n: int | None, repeats: int, empty: Path) -> dict[str, Any]:
    """The real-document measures on the PDFs under `folder` (a sample of `n`): floor, pipeline,
    reader, extraction, ingest with 1 and 2 workers. `b` is bench.run's Bench (fresh databases, ingest)."""
    from pipeline.run.workers import start_server

    b.log(f"real documents: looking for PDFs under {folder}")
    found, skipped = find_pdfs(folder)
    for s in skipped:
        b.log(f"skipped {s['file']}: {s['reason']}")
    if not found:
        raise RuntimeError(f"no readable PDF under {folder}")
    chosen = spread(found, n)
    paths = [p for p, _ in chosen]
    docs, pages = len(paths), sum(pages for _, pages in chosen)
    samples: dict[str, list[float]] = {}

    # The parser's server (its imports, one warm-up letter), then one untimed round through it.
    start_server()
    in_fresh_process(_round, paths[:1])

    b.log(f"real: floor and pipeline, {docs} PDFs ({pages} pages) x {repeats} rounds, document by document")
    per_doc: dict[str, list[list[float]]] = {"floor": [], "reader": [], "extract": []}
    failed: list[dict[str, str]] = []
    for i in range(repeats):
        r = in_fresh_process(_round, paths, parity=i)
        for key in per_doc:
            per_doc[key].append(r[key])
        failed = r["failed"]
    floor_s = [sum(xs) for xs in per_doc["floor"]]
    reader_s = [sum(xs) for xs in per_doc["reader"]]
    extract_s = [sum(xs) for xs in per_doc["extract"]]
    pipe_s = [a + c for a, c in zip(reader_s, extract_s, strict=True)]
    samples.update(floor=floor_s, pipeline=pipe_s, reader=reader_s, extract=extract_s)
    f, p, rd, ex = (statistics.median(xs) for xs in (floor_s, pipe_s, reader_s, extract_s))
    ratio, ratio_fastest = f / p, min(floor_s) / min(pipe_s)
    ratio_rounds = [a / c for a, c in zip(floor_s, pipe_s, strict=True)]
    # Per document, medians over the rounds: where the pipeline is furthest from its floor.
    doc_rows = []
    for k, path in enumerate(paths):
        fd, rdd, exd = (statistics.median(rounds[k] for rounds in per_doc[key]) for key in per_doc)
        doc_rows.append({"file": str(path.relative_to(folder)), "pages": chosen[k][1], "floor_s": fd,
                         "reader_s": rdd, "extract_s": exd, "ratio": fd / max(rdd + exd, 1e-9)})  # fmt: skip
    doc_rows.sort(key=lambda d: d["ratio"])

    def rates(seconds: float) -> dict[str, float]:
        return {"s": seconds, "docs_per_s": docs / seconds, "pages_per_s": pages / seconds}

    # -- end to end: run_ingest, 1 and 2 workers taking turns, fresh databases -------------------
    b.log(f"real: run_ingest over the same {docs} PDFs, workers=1 and 2 x {repeats}")
    b.ingest([empty])
    samples["ingest_empty"] = [b.ingest([empty])[0] for _ in range(max(3, repeats))]
    empty_s = statistics.median(samples["ingest_empty"])
    walls: dict[int, list[float]] = {1: [], 2: []}
    counts: dict[int, dict[str, int]] = {}
    for i in range(repeats):
        for workers in (1, 2) if i % 2 == 0 else (2, 1):
            seconds, summary = b.ingest(paths, workers=workers)
            walls[workers].append(seconds)
            counts[workers] = {k: getattr(summary, k) for k in ("n_files", "n_new", "n_updated", "n_failed")}
            if summary.n_new + summary.n_updated + summary.n_failed != docs:
                raise RuntimeError(f"real ingest, workers={workers}: {counts[workers]} for {docs} files")
    samples.update(ingest_workers_1=walls[1], ingest_workers_2=walls[2])
    w1, w2 = (max(statistics.median(walls[w]) - empty_s, 1e-9) for w in (1, 2))
    speedup = w1 / w2

    return {
        "dir": _shown(folder),
        "docs": docs,
        "pages": pages,
        "sample": n,
        "pdfs_found": len(found),
        "skipped": skipped,
        "files": [str(p.relative_to(folder)) for p in paths],
        "rounds": repeats,
        "floor": rates(f),
        "pipeline": rates(p),
        "reader": rates(rd),
        "extract": rates(ex),
        "ratio": ratio,
        "ratio_fastest": ratio_fastest,
        "ratio_rounds": ratio_rounds,
        "ratio_rounds_median": statistics.median(ratio_rounds),
        "floor_over_reader": f / rd,
        "floor_over_extract": f / ex,
        "target": TARGET,
        "meets_target": min(ratio, ratio_fastest) >= TARGET,
        "pipeline_failed": failed,
        "per_document": doc_rows,  # furthest from the floor first
        "ingest": {
            "empty_s": empty_s,
            "workers_1": {**rates(w1), "wall_s": statistics.median(walls[1]), "counts": counts[1]},
            "workers_2": {**rates(w2), "wall_s": statistics.median(walls[2]), "counts": counts[2]},
            "floor_over_workers_1": f / w1,
            "speedup": speedup,
            "speedup_target": WORKERS_TARGET,
            "speedup_target_docs": WORKERS_TARGET_DOCS,
            "speedup_informational": docs < WORKERS_TARGET_DOCS,
            "meets_speedup_target": None if docs < WORKERS_TARGET_DOCS else speedup >= WORKERS_TARGET,
        },
        "samples": samples,
    }


# -- the table -------------------------------------------------------------------------------------


def _n(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.2f}"


def table(r: dict[str, Any]) -> list[str]:
    """The real-document section of the bench's Markdown tables."""
    ing = r["ingest"]
    sample = (
        f"all {r['docs']} PDFs"
        if r["docs"] == r["pdfs_found"]
        else f"a spread sample of {r['docs']} of its {r['pdfs_found']} PDFs"
    )
    skipped = "; ".join(f"{s['file']} ({s['reason']})" for s in r["skipped"]) or "none"
    out = [
        f"Real documents: {sample} under {r['dir']}, {r['pages']:,} pages; skipped: {skipped}",
        f"Medians of {r['rounds']} rounds; in each, every document through the floor and the pipeline one after the "
        "other (taking turns at going first), in a fresh process forked from the parser's server (warm imports, "
        "cold caches)",
        "",
        "| measure (same files, one process) | seconds | docs/s | pages/s | floor / measure |",
        "|---|---:|---:|---:|---:|",
    ]
    rows = (
        ("floor: PDFium text (open, get_textpage().get_text_range() per page, close)", r["floor"]),
        ("pipeline: read_document + extract_record", r["pipeline"]),
        ("reader alone: read_document (PDF reader + normaliser)", r["reader"]),
        ("extraction alone: extract_record", r["extract"]),
        (f"ingest, workers=1 (run_ingest, fresh database; above the empty ingest's {ing['empty_s']:.2f} s)",
         ing["workers_1"]),
        ("ingest, workers=2", ing["workers_2"]),
    )  # fmt: skip
    for label, m in rows:
        out.append(
            f"| {label} | {_n(m['s'])} | {_n(m['docs_per_s'])} | {_n(m['pages_per_s'])} "
            f"| {r['floor']['s'] / m['s']:.3f} |"
        )
    informational = ing["speedup_informational"]
    met_workers = f"informational at {r['docs']}" if informational else ("yes" if ing["meets_speedup_target"] else "no")
    out += [
        "",
        "| pipeline / floor = floor s / pipeline s | value | target | met |",
        "|---|---:|---:|---|",
        f"| from the medians | {r['ratio']:.3f} | >= {r['target']} | {'yes' if r['ratio'] >= r['target'] else 'no'} |",
        f"| from each side's fastest pass | {r['ratio_fastest']:.3f} | >= {r['target']} "
        f"| {'yes' if r['ratio_fastest'] >= r['target'] else 'no'} |",
        f"| median of the rounds' own ratios ({', '.join(f'{x:.3f}' for x in r['ratio_rounds'])}) "
        f"| {r['ratio_rounds_median']:.3f} | | |",
        f"| target met (medians and fastest passes) | | >= {r['target']} | {'yes' if r['meets_target'] else 'no'} |",
        f"| ingest speed-up, workers=2 over workers=1 | {ing['speedup']:.2f}x | >= {ing['speedup_target']}x at "
        f"{ing['speedup_target_docs']}+ documents | {met_workers} |",
    ]
    worst = r["per_document"][:5]
    out += [
        "",
        "Furthest from the floor (per document, medians of the rounds)",
        "",
        "| document | pages | floor s | reader s | extraction s | pipeline / floor |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {d['file']} | {d['pages']} | {d['floor_s']:.3f} | {d['reader_s']:.3f} | {d['extract_s']:.3f} "
            f"| {d['ratio']:.3f} |"
            for d in worst
        ),
    ]
    if r["pipeline_failed"]:
        out.append("")
        out.append(f"The pipeline failed on {len(r['pipeline_failed'])} file(s) (timed all the same):")
        out += [f"- {x['file']}: {x['step']}: {x['error']}" for x in r["pipeline_failed"]]
    counts = ing["workers_1"]["counts"]
    if counts["n_failed"]:
        out.append(f"The ingest recorded {counts['n_failed']} failed document(s) of {r['docs']}.")
    return out
