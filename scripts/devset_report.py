"""What the extractor yields on the real Ofsted archive, and how its grades compare with a scraper's.

Runs the extractor (the code path of `inspections extract`, in-process) over every document of an
archive laid out as ../shared/real is (`ilacs/`, `focused_visits/`, `send/`, one folder per council)
and prints, per genre (the ILACS folder split by the framework each report was read as) and per
year (from the file's own name, "... - 09 may 2025.pdf"):

- documents, and those that failed to read (an archive's junk: an HTML page saved as .pdf);
- documents with an improvement or recommendations list (their text has one of LIST_HEADINGS) and
  how many of them yielded items; items found (areas for improvement and recommendations);
- provider resolved (the record's `la_name` or `ons_code` where it carries one, else `provider`);
- date found; judgements found.

Then the grade agreement with the scraper's `ilacs_peer_grades.csv` (JT-39/ofsted-ilacs-scrape-tool)
per judgement: matched, disagreeing, not comparable (the scraper read no grade, or neither side has
the judgement), every disagreement listed; and, with the adjudication file (docs/scraper_adjudication.md,
each disagreement judged from the report), the agreement once the scraper's own errors are corrected.

Run: .venv/bin/python scripts/devset_report.py [ARCHIVE] [--peer CSV] [--adjudication MD] [--json OUT]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.judgements import subject_key  # noqa: E402
from pipeline.run.ingest import discover  # noqa: E402
from pipeline.run.settings import DEFAULT_MAX_BYTES  # noqa: E402
from pipeline.run.work import extract_file  # noqa: E402
from schemas.document import BlockKind, Document  # noqa: E402

DEFAULT_ARCHIVE = ROOT.parent / "shared" / "real"
DEFAULT_ADJUDICATION = ROOT / "docs" / "scraper_adjudication.md"
GENRES = ("ilacs", "focused_visits", "send")

# A document "has a list" when a short line of its text opens with one of these headings.
LIST_HEADINGS = (
    "what needs to improve",
    "areas for priority action",
    "areas for improvement",
    "priority actions",
    "recommendations",
)
_HEADING_WORDS = 15

# The scraper's grade columns, by the key rules/judgements.json gives the ILACS table's rows.
PEER_COLUMNS = {
    "overall_effectiveness": "overall_effectiveness_grade",
    "impact_of_leaders": "impact_of_leaders_grade",
    "help_and_protection": "help_and_protection_grade",
    "in_care": "in_care_grade",
    "care_leavers": "care_leavers_grade",
}
# Scraper values that are not grades: the judgement does not exist for that report ...
PEER_ABSENT = {"not_reported_post_reform", "inspection_pre_dates_judgement"}
# ... or the scraper could not read the report.
PEER_UNREAD = {"", "data_unreadable"}
_DATE_IN_NAME = re.compile(r"(\d{1,2} [a-z]+ \d{4})\s*$", re.I)


# -- one document ----------------------------------------------------------------------------------


@dataclass
class DocSummary:
    """What the extractor found in one archive document."""

    path: str  # under the archive root, "/"-separated
    genre: str
    framework: str
    year: int | None
    failed: str | None = None
    has_list: bool = False
    items: int = 0
    provider_resolved: bool = False
    date_found: bool = False
    judgements: dict[str, dict] = field(default_factory=dict)  # scraper column -> {grade, quote, page}
    n_judgements: int = 0
    send_outcome: str | None = None


def year_of(path: Path) -> int | None:
    """The year in the archive's file name ("children's services inspection - 09 may 2025.pdf")."""
    m = _DATE_IN_NAME.search(path.stem)
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1).title(), "%d %B %Y").year
    except ValueError:
        return None


def has_list_heading(doc: Document) -> bool:
    """Does a short line of the text open with one of LIST_HEADINGS?"""
    for b in doc.blocks:
        texts = [c.text for c in b.cells] if b.kind is BlockKind.TABLE_ROW else [b.text]
        for t in texts:
            low = " ".join(t.lower().split())
            if len(low.split()) <= _HEADING_WORDS and low.startswith(LIST_HEADINGS):
                return True
    return False


def framework_of(record: dict) -> str:
    """The framework a record was read as: its own `framework` field where the record carries one,
    else the framework its judgement rules name; an ILACS table without an Overall effectiveness
    row is the 2026 framework."""
    if record.get("framework"):
        return str(record["framework"])
    rules = [j.get("provenance", {}).get("rule", "") for j in record.get("judgements") or []]
    names = {r.split(".")[1] for r in rules if r.count(".") >= 2}
    for name in ("ilacs", "sif", "lscb_review", "la_2009_13"):
        if name in names:
            if name == "ilacs" and not any(r == "judgement.ilacs.overall" for r in rules):
                return "ilacs_2026"
            return name
    return "none"


def summarise(path: Path, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> DocSummary:
    """Extract one document and summarise what was found."""
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    genre = rel.split("/", 1)[0]
    try:
        doc, rec = extract_file(path, max_bytes)
    except Exception as exc:  # a file no reader can read: counted, never fatal
        return DocSummary(rel, genre, "unreadable", year_of(path), failed=f"{type(exc).__name__}: {exc}")
    named = path.suffix.lower().lstrip(".")
    if named in ("pdf", "docx") and doc.format.value != named:  # an HTML page saved as .pdf: not a report
        return DocSummary(
            rel, genre, "unreadable", year_of(path), failed=f"not a {named.upper()}: read as {doc.format.value}"
        )
    record = rec.model_dump(mode="json")
    framework = framework_of(record) if genre == "ilacs" else genre
    s = DocSummary(rel, genre, framework, year_of(path))
    s.has_list = has_list_heading(doc)
    s.items = len(record["areas_for_improvement"]) + len(record["recommendations"])
    if "la_name" in record or "ons_code" in record:  # a record that resolves the council to a canonical LA
        s.provider_resolved = bool(record.get("la_name") or record.get("ons_code"))
    else:
        s.provider_resolved = bool(record.get("provider"))
    s.date_found = bool(record.get("date"))
    s.n_judgements = len(record["judgements"])
    outcome = record.get("send_outcome")  # area SEND: the outcome category, where the record carries it
    s.send_outcome = outcome.get("category") if isinstance(outcome, dict) else outcome
    fw = "ilacs" if framework in ("ilacs", "ilacs_2026") else framework
    for j in record["judgements"]:
        key = subject_key(j["subject"], fw)
        column = PEER_COLUMNS.get(key or "")
        if column and column not in s.judgements:
            prov = j.get("provenance") or {}
            quote = " ".join(doc.text[prov.get("start", 0) : prov.get("end", 0)].split())
            s.judgements[column] = {
                "grade": j["grade"],
                "subject": j["subject"],
                "quote": quote,
                "page": prov.get("page"),
            }
    return s


# -- the scraper's grades --------------------------------------------------------------------------


def peer_grade(value: str | None) -> str | None:
    """A scraper cell as the contract's grade ("requires improvement" -> requires_improvement), or
    None where it is not a grade."""
    v = " ".join((value or "").strip().lower().split())
    if v in PEER_ABSENT or v in PEER_UNREAD:
        return None
    return v.replace(" ", "_")


def load_peer(csv_path: Path) -> dict[str, dict[str, str]]:
    """The scraper's rows keyed by "ilacs/<urn>_<...>/<pdf name>" tail: (urn, file name)."""
    out: dict[str, dict[str, str]] = {}
    with open(csv_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[f"{row['urn'].strip()}/{row['pdf_filename'].strip()}"] = row
    return out


def peer_key(rel: str) -> str:
    """The scraper's key for an archive path: the folder's URN and the file name."""
    parts = rel.split("/")
    return f"{parts[-2].split('_', 1)[0]}/{parts[-1]}"


@dataclass(frozen=True)
class Comparison:
    report: str
    column: str
    peer: str  # the scraper's cell as written
    ours: str | None  # our grade, or None
    outcome: str  # matched | disagreeing | not_comparable
    why: str = ""
    quote: str = ""
    page: int | None = None


def compare(summary: DocSummary, row: dict[str, str] | None) -> list[Comparison]:
    """Our grade against the scraper's, per judgement column, for one ILACS-folder report."""
    out = []
    for column in PEER_COLUMNS.values():
        peer = (row or {}).get(column, "") if row is not None else ""
        ours = summary.judgements.get(column)
        grade = ours["grade"] if ours else None
        quote, page = (ours["quote"], ours["page"]) if ours else ("", None)
        pv = " ".join(peer.strip().lower().split())
        if row is None or pv in PEER_UNREAD:
            outcome, why = "not_comparable", "no scraper row" if row is None else "scraper read no grade"
        elif pv in PEER_ABSENT:
            if grade is None:
                outcome, why = "not_comparable", "neither side has this judgement"
            else:
                outcome, why = "disagreeing", "scraper says the judgement does not exist"
        elif grade is None:
            outcome, why = "disagreeing", "we found no grade"
        elif peer_grade(peer) == grade:
            outcome, why = "matched", ""
        else:
            outcome, why = "disagreeing", "different grades"
        out.append(Comparison(summary.path, column, peer, grade, outcome, why, quote, page))
    return out


# -- adjudication ----------------------------------------------------------------------------------


def load_adjudication(path: Path) -> dict[tuple[str, str], str]:
    """(report, column) -> verdict from the adjudication file's table: the last cell's words before
    its first colon ("scraper wrong", "we are wrong", "both wrong")."""
    out: dict[tuple[str, str], str] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 6 or not cells[0].startswith("`"):
            continue
        verdict = cells[-1].replace("*", "").split(":", 1)[0].strip().lower()  # "scraper wrong: why" -> head
        out[(cells[0].strip("`"), cells[1].strip("`"))] = verdict
    return out


def agreement(comparisons: Iterable[Comparison], verdicts: dict[tuple[str, str], str] | None = None) -> tuple[int, int]:
    """(agreeing, comparable): with verdicts, a disagreement the report settles against the scraper
    counts as agreement with the corrected scraper."""
    agree = total = 0
    for c in comparisons:
        if c.outcome == "not_comparable":
            continue
        total += 1
        corrected = verdicts is not None and verdicts.get((c.report, c.column), "").startswith("scraper wrong")
        if c.outcome == "matched" or corrected:
            agree += 1
    return agree, total


# -- the report ------------------------------------------------------------------------------------


def documents(root: Path) -> Iterator[Path]:
    files, _ = discover([root], {".pdf", ".docx", ".txt"})
    for f in files:
        p = Path(f)
        if p.resolve().relative_to(root.resolve()).parts[0] in GENRES:
            yield p


def _row(label: str, docs: list[DocSummary]) -> str:
    ok = [d for d in docs if d.failed is None]
    listed = [d for d in ok if d.has_list]
    return (
        f"{label:32} {len(docs):5} {len(docs) - len(ok):6} {len(listed):6} {sum(1 for d in listed if d.items):7} "
        f"{sum(d.items for d in ok):6} {sum(d.provider_resolved for d in ok):8} {sum(d.date_found for d in ok):5} "
        f"{sum(d.n_judgements for d in ok):10} {sum(bool(d.send_outcome) for d in ok):7}"
    )


_HEADER = (
    f"{'group':32} {'docs':>5} {'failed':>6} {'lists':>6} {'yielded':>7} {'items':>6} {'provider':>8} "
    f"{'date':>5} {'judgements':>10} {'outcome':>7}"
)


def yield_tables(summaries: list[DocSummary]) -> list[str]:
    lines = ["Yield per genre (ILACS folder split by the framework each report was read as)", _HEADER]
    by_genre: dict[str, list[DocSummary]] = defaultdict(list)
    by_fw: dict[tuple[str, str], list[DocSummary]] = defaultdict(list)
    by_year: dict[tuple[str, int | None], list[DocSummary]] = defaultdict(list)
    for s in summaries:
        by_genre[s.genre].append(s)
        by_fw[(s.genre, s.framework)].append(s)
        by_year[(s.genre, s.year)].append(s)
    for genre in GENRES:
        lines.append(_row(genre, by_genre.get(genre, [])))
        if genre == "ilacs":
            for (g, fw), docs in sorted(by_fw.items()):
                if g == genre:
                    lines.append(_row(f"  {genre}/{fw}", docs))
    lines.append(_row("all", summaries))
    lines += ["", "Yield per genre and year (the year in the file's name)", _HEADER]
    for (genre, year), docs in sorted(by_year.items(), key=lambda kv: (GENRES.index(kv[0][0]), kv[0][1] or 0)):
        lines.append(_row(f"{genre} {year or '?'}", docs))
    lines.append(
        "\nlists: documents whose text has a list heading (" + ", ".join(f"'{h}'" for h in LIST_HEADINGS) + "); "
        "yielded: of those, documents with at least one item; provider: la_name/ons_code where the record "
        "carries them, else provider, non-null; outcome: the area SEND outcome category, where records carry it"
    )
    return lines


def comparison_tables(comps: list[Comparison], verdicts: dict[tuple[str, str], str]) -> list[str]:
    lines = ["Grade agreement with the scraper (ilacs_peer_grades.csv), per judgement"]
    lines.append(f"{'judgement':30} {'matched':>8} {'disagreeing':>11} {'not comparable':>14}")
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for c in comps:
        per[c.column][c.outcome] += 1
    for column in PEER_COLUMNS.values():
        n = per[column]
        lines.append(f"{column:30} {n['matched']:8} {n['disagreeing']:11} {n['not_comparable']:14}")
    why = Counter(c.why for c in comps if c.outcome == "not_comparable")
    lines.append("not comparable: " + ", ".join(f"{k} {v}" for k, v in sorted(why.items())))
    agree, total = agreement(comps)
    lines.append(f"agreement before adjudication: {agree}/{total} = {agree / total:.4f}" if total else "no comparisons")
    if verdicts:
        agree2, _ = agreement(comps, verdicts)
        lines.append(
            f"agreement after adjudication (scraper errors corrected): {agree2}/{total} = {agree2 / total:.4f}"
        )
        counts = Counter(
            verdicts.get((c.report, c.column), "not adjudicated") for c in comps if c.outcome == "disagreeing"
        )
        lines.append("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    dis = [c for c in comps if c.outcome == "disagreeing"]
    lines += ["", f"Disagreements ({len(dis)})"]
    for c in dis:
        verdict = verdicts.get((c.report, c.column), "not adjudicated")
        lines.append(
            f"- {c.report} | {c.column}: scraper {c.peer!r}, we {c.ours!r} ({c.why}); "
            f"our source p{c.page}: {c.quote[:160]!r}; verdict: {verdict}"
        )
    return lines


def build(
    root: Path, peer_csv: Path | None, adjudication: Path | None
) -> tuple[list[DocSummary], list[Comparison], list[str]]:
    summaries = [summarise(p, root) for p in documents(root)]
    peer = load_peer(peer_csv) if peer_csv and peer_csv.exists() else {}
    comps = [c for s in summaries if s.genre == "ilacs" for c in compare(s, peer.get(peer_key(s.path)))] if peer else []
    verdicts = load_adjudication(adjudication) if adjudication else {}
    lines = yield_tables(summaries)
    failed = [s for s in summaries if s.failed]
    if failed:
        lines += ["", "Documents that could not be read (not reports):"] + [f"- {s.path}: {s.failed}" for s in failed]
    if comps:
        lines += [""] + comparison_tables(comps, verdicts)
    return summaries, comps, lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("archive", nargs="?", type=Path, default=DEFAULT_ARCHIVE)
    ap.add_argument("--peer", type=Path, default=None, help="scraper CSV (default: ARCHIVE/ilacs_peer_grades.csv)")
    ap.add_argument("--adjudication", type=Path, default=DEFAULT_ADJUDICATION)
    ap.add_argument("--json", type=Path, default=None, help="also write summaries and comparisons as JSON here")
    args = ap.parse_args(argv)
    if not args.archive.is_dir():
        print(f"no archive folder at {args.archive}", file=sys.stderr)
        return 2
    peer = args.peer or args.archive / "ilacs_peer_grades.csv"
    summaries, comps, lines = build(args.archive, peer, args.adjudication)
    print("\n".join(lines))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"documents": [s.__dict__ for s in summaries], "comparisons": [c.__dict__ for c in comps]}, indent=1
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
