"""Regenerate the national framework classifier's training data: the items Ofsted tagged itself.

Since 2024 Ofsted prints a Children's Social Care National Framework tag after many areas for
improvement ("(outcome 3, national framework)"); the extractor reads it into `framework_tag` and
takes it out of the item's text (extractors/framework_tags.py). Every area and recommendation of
the dev archive that carries one is a labelled example: its text (without the tag), its label(s),
the document it came from and the item's provenance span, one JSON object a line.

    python scripts/national_framework_training.py [../shared/real] [--out training/national_framework.jsonl]

Only the readers and the findings extractor run here (not `extract_record`), so the data can be
rebuilt without the trained model it feeds.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.analysis import analyse  # noqa: E402
from extractors.errors import ReadError  # noqa: E402
from extractors.findings import extract_findings  # noqa: E402
from extractors.metadata import extract_metadata  # noqa: E402
from extractors.readers import read_document  # noqa: E402

DEFAULT_ARCHIVE = ROOT.parent / "shared" / "real"
DEFAULT_OUT = ROOT / "training" / "national_framework.jsonl"


def labels_of(tag: str) -> list[str]:
    """The framework parts a parsed tag names ("outcome 3, outcome 4" -> both); bare kinds dropped."""
    return [part for part in (p.strip() for p in tag.split(",")) if part.split()[-1].isdigit()]


def tagged_items(path: Path, archive: Path) -> list[dict]:
    """The tagged areas and recommendations of one document, as training rows (document order)."""
    doc = read_document(path)
    analysis = analyse(doc)
    findings = extract_findings(analysis)
    date = extract_metadata(analysis).date
    rows = []
    for kind, items in (("area", findings.areas), ("recommendation", findings.recommendations)):
        for n, item in enumerate(items, start=1):
            if not item.framework_tag or not (labels := labels_of(item.framework_tag)):
                continue
            p = item.provenance
            rows.append(
                {
                    "text": item.text,
                    "labels": labels,
                    "framework_tag": item.framework_tag,
                    "document": path.relative_to(archive).as_posix(),
                    "sha256": doc.sha256,
                    "date": date,
                    "item_kind": kind,
                    "item_no": n,
                    "item_id": item.id,
                    "page": p.page,
                    "start": p.start,
                    "end": p.end,
                    "rule": p.rule,
                }
            )
    return rows


def collect(archive: Path) -> tuple[list[dict], list[str]]:
    """Every tagged item under `archive` (files in path order), and the files that could not be read."""
    rows: list[dict] = []
    unreadable: list[str] = []
    for path in sorted(p for p in archive.rglob("*") if p.suffix.lower() in {".pdf", ".docx", ".txt"}):
        try:
            rows.extend(tagged_items(path, archive))
        except ReadError as exc:
            unreadable.append(f"{path.relative_to(archive).as_posix()}: {exc.code} {exc}")
    return rows, unreadable


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("archive", nargs="?", type=Path, default=DEFAULT_ARCHIVE, help="the dev archive (../shared/real)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSONL file to write")
    args = ap.parse_args(argv)
    archive = args.archive.resolve()
    if not archive.is_dir():
        print(f"no archive at {archive}", file=sys.stderr)
        return 2
    rows, unreadable = collect(archive)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for line in unreadable:
        print(f"skipped {line}", file=sys.stderr)
    n_docs = len({r["sha256"] for r in rows})
    print(f"wrote {len(rows)} tagged items from {n_docs} documents to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
