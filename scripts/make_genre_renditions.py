"""Render the genre evaluation documents with the heaviest layout as PDF and DOCX.

The genre set (corpus/genres/*.txt, answer keys in tests/gold/genres/) is constructed text
modelled on real inspection genres. Three documents are also rendered, so the PDF and DOCX
readers are measured on words the extractor has never seen:

- g04_sif_inspection_report: judgement table split over lines, numbered areas for improvement
  and a numbered list that continues across a page break;
- g05_cafcass_pim_letter: private-use bullet glyphs, timescale groups, per-area evidence and a
  sentence broken across a page gap with a running header and "Page N of M";
- g12_scrutiny_action_plan_table: an action-plan table split by a page break with its header row
  repeated, "•"-separated points and <ul><li> tags inside cells (title: its running header).

It reuses render_pdf / render_docx from scripts/make_renditions.py, whose output is
deterministic (reportlab invariant mode, fixed DOCX core properties and ZIP timestamps).

Run: .venv/bin/python scripts/make_genre_renditions.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_renditions import render_docx, render_pdf, running_header  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GENRES = ROOT / "corpus" / "genres"
RENDERED = {
    "g04_sif_inspection_report": "Kelmouth Borough Council: inspection of services for children",
    "g05_cafcass_pim_letter": "Post-inspection monitoring of Cafcass Thames Reach service area (S9)",
    "g12_scrutiny_action_plan_table": None,  # None: the document's own running header
}


def main() -> int:
    outdir = GENRES / "renditions"
    outdir.mkdir(parents=True, exist_ok=True)
    for stem, title in RENDERED.items():
        text = (GENRES / f"{stem}.txt").read_text(encoding="utf-8")
        title = title or running_header(text)
        (outdir / f"{stem}.pdf").write_bytes(render_pdf(text, title))
        (outdir / f"{stem}.docx").write_bytes(render_docx(text, title))
        print(f"{stem}.txt: {stem}.pdf, {stem}.docx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
