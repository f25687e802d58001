"""Measure metadata yield on the real Ofsted archive (../shared/real): how often each field is found.

The archive files each council's documents under `<kind>/<urn>_<la>/`; the folder's URN names the
council a document is about. It is used here only to CHECK the extracted provider, never by the
extractor. Figures printed:

- provider resolved to a canonical authority of the table, and to the folder's council;
- distinct provider values (against the number of councils);
- issue date found, among documents that print one (a letter's date, "Report published");
- inspection dates and lead inspector found; title taken from a salutation ("Dear ...");
- framework / inspection kind, visit focus and SEND outcome where the genre has them.

Files that are not PDFs (MANIFEST.tsv `is_pdf` = False: a saved "Report not found" page) are
counted apart. Works with an older extractor too (fields it lacks count as not found), so the
same script measures before and after a change:

    PYTHONPATH=<checkout> python scripts/metadata_yield.py [../shared/real] [--misses]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
TABLE = HERE / "extractors" / "rules" / "local_authorities.json"
_PRINTED_DATE = re.compile(r"^\s*(?:Report published|Publication date|Date of publication)\b", re.I | re.M)
_SALUTATION = re.compile(r"(?:^|\s)Dear\s+[A-Z]")


def _expected(table: dict) -> dict[str, str]:
    """URN -> the canonical name a document of that folder should report (successor for a predecessor)."""
    by_name = {a["name"]: a for a in table["authorities"]}
    out = {}
    for a in table["authorities"]:
        if a.get("urn"):
            succ = a["successors"]
            out[a["urn"]] = succ[0] if a["status"] == "predecessor" and len(succ) == 1 else a["name"]
    assert all(v in by_name for v in out.values())
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", type=Path, default=HERE.parent / "shared" / "real")
    ap.add_argument("--misses", action="store_true", help="list the documents behind each shortfall")
    ap.add_argument("--json", type=Path, help="also write every document's metadata here")
    args = ap.parse_args(argv)

    from extractors.extract import extract_record
    from extractors.readers import read_document

    table = json.loads(TABLE.read_text(encoding="utf-8"))
    canonical = {a["name"] for a in table["authorities"]}
    expected = _expected(table)
    not_pdf = set()
    manifest = args.root / "MANIFEST.tsv"
    if manifest.is_file():
        with manifest.open(encoding="utf-8") as f:
            not_pdf = {r["file"] for r in csv.DictReader(f, delimiter="\t") if r["is_pdf"] != "True"}

    rows = []
    for path in sorted(args.root.rglob("*.pdf")):
        rel = path.relative_to(args.root).as_posix()
        if rel in not_pdf:
            continue
        doc = read_document(path, max_bytes=200_000_000)
        rec = extract_record(doc).model_dump(mode="json")
        urn = path.parent.name.split("_", 1)[0]
        rows.append(
            {
                "file": rel,
                "genre": rel.split("/", 1)[0],
                "expected": expected.get(urn),
                "prints_date": bool(_SALUTATION.search(doc.text[:4000]) or _PRINTED_DATE.search(doc.text[:4000])),
                **{k: rec.get(k) for k in (
                    "doc_type", "title", "date", "provider", "la_name", "ons_code", "inspection_start",
                    "inspection_end", "lead_inspector", "framework", "inspection_kind", "visit_focus",
                    "visit_topics", "send_outcome",
                )},
            }
        )  # fmt: skip

    def share(sel: list[dict], ok) -> str:
        n = sum(1 for r in sel if ok(r))
        return f"{n}/{len(sel)} ({100 * n / len(sel):.1f}%)" if sel else "0/0"

    misses: dict[str, list[str]] = {}

    def report(label: str, sel: list[dict], ok) -> None:
        print(f"{label:<58} {share(sel, ok)}")
        misses[label] = [f"{r['file']}: {_brief(r)}" for r in sel if not ok(r)]

    print(f"documents: {len(rows)} PDFs ({len(not_pdf)} non-PDF file(s) left out)")
    report("provider is a canonical authority", rows, lambda r: r["provider"] in canonical)
    report("provider is the folder's council", rows, lambda r: r["provider"] == r["expected"])
    report("provider names the folder's council (scorer's test)", rows, lambda r: _names(r["provider"], r["expected"]))
    providers = Counter(r["provider"] for r in rows)
    print(f"{'distinct provider values (councils in the archive)':<58} {len(providers)} "
          f"({len({r['expected'] for r in rows})})")  # fmt: skip
    printed = [r for r in rows if r["prints_date"]]
    report("date found, where one is printed", printed, lambda r: bool(r["date"]))
    report("no date where none is printed", [r for r in rows if not r["prints_date"]], lambda r: not r["date"])
    report("title is not a salutation", rows, lambda r: not (r["title"] or "").startswith("Dear"))
    for genre in ("ilacs", "focused_visits", "send"):
        sel = [r for r in rows if r["genre"] == genre]
        report(
            f"{genre}: inspection start and end found",
            sel,
            lambda r: bool(r["inspection_start"] and r["inspection_end"]),
        )
        report(f"{genre}: lead inspector found", sel, lambda r: bool(r["lead_inspector"]))
        report(f"{genre}: framework and kind found", sel, lambda r: bool(r["framework"] and r["inspection_kind"]))
    report("focused_visits: doc_type focused_visit_letter", [r for r in rows if r["genre"] == "focused_visits"],
           lambda r: r["doc_type"] == "focused_visit_letter")  # fmt: skip
    report("ilacs+send: doc_type inspection_report", [r for r in rows if r["genre"] != "focused_visits"],
           lambda r: r["doc_type"] == "inspection_report")  # fmt: skip
    report("focused_visits: visit focus found", [r for r in rows if r["genre"] == "focused_visits"],
           lambda r: bool(r["visit_focus"]))  # fmt: skip
    report("send: outcome found", [r for r in rows if r["genre"] == "send"], lambda r: bool(r["send_outcome"]))
    if args.misses:
        for label, items in misses.items():
            if items:
                print(f"\n## {label}")
                print("\n".join(f"  {m}" for m in items))
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def _norm(text: str | None) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", (text or "").lower().replace("\u2019", "'")).split())


def _names(provider: str | None, expected: str | None) -> bool:
    """The scorer's metadata test (shared/eval/score.py): one normalised name inside the other."""
    a, b = _norm(provider), _norm(expected)
    return bool(a and b) and (a in b or b in a)


def _brief(r: dict) -> str:
    keys = ("provider", "expected", "date", "title", "inspection_start", "inspection_end", "lead_inspector",
            "framework", "inspection_kind", "doc_type")  # fmt: skip
    return ", ".join(f"{k}={str(r[k])[:70]!r}" for k in keys)


if __name__ == "__main__":
    sys.exit(main())
